// SPDX-License-Identifier: GPL-2.0
/*
 * fusebpf-passthrough: counting the requests the daemon receives, for
 * -o stats: written on SIGUSR1 and at exit, one "NAME COUNT" line per
 * kind of request received, then "total COUNT".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/fuse.h>

#include "passthrough.h"
#include "fusebpf.h"

/**
 * pt_stats_request - count a request (struct fusebpf_loop_ops.request)
 * @data: the struct pt_fs
 * @in: the request's header
 */
void pt_stats_request(void *data, const struct fuse_in_header *in)
{
	struct pt_fs *fs = data;
	unsigned int op = in->opcode & ~(FUSE_BPF_OPCODE_PREFILTER |
					 FUSE_BPF_OPCODE_POSTFILTER);
	int kind = 0;

	if (in->opcode & FUSE_BPF_OPCODE_PREFILTER)
		kind = 1;
	else if (in->opcode & FUSE_BPF_OPCODE_POSTFILTER)
		kind = 2;
	if (fs->debug && kind)
		fprintf(stderr, "%s: unique %llu, %s %s, node %llu\n", PT_NAME,
			(unsigned long long)in->unique,
			fusebpf_opname(op) ?: "?",
			kind == 1 ? "prefilter" : "postfilter",
			(unsigned long long)in->nodeid);
	if (fs->stats && op < PT_OPCODES)
		__atomic_fetch_add(&fs->stats->count[kind][op], 1,
				   __ATOMIC_RELAXED);
}

/* Print the counts into @buf; what snprintf() would have printed. */
static size_t pt_stats_format(const struct pt_stats *stats, char *buf,
			      size_t size)
{
	static const char * const kinds[] = { "", ".prefilter", ".postfilter" };
	unsigned long n, total = 0;
	size_t len = 0;
	unsigned int op;
	int kind;

	for (op = 0; op < PT_OPCODES; op++) {
		for (kind = 0; kind < 3; kind++) {
			n = __atomic_load_n(&stats->count[kind][op],
					    __ATOMIC_RELAXED);
			if (!n)
				continue;
			total += n;
			if (fusebpf_opname(op))
				len += snprintf(buf + len, len < size ?
						size - len : 0, "%s%s %lu\n",
						fusebpf_opname(op), kinds[kind], n);
			else
				len += snprintf(buf + len, len < size ?
						size - len : 0, "OP%u%s %lu\n",
						op, kinds[kind], n);
		}
	}
	len += snprintf(buf + len, len < size ? size - len : 0,
			"total %lu\n", total);
	return len;
}

/**
 * pt_stats_write - write the counts where -o stats said
 * @stats: the counters
 *
 * A file is replaced whole (written beside it, then renamed), so that a
 * reader sees the last complete set.
 *
 * Return: 0 or a negative errno.
 */
int pt_stats_write(const struct pt_stats *stats)
{
	char buf[PT_OPCODES * 3 * 40], tmp[PATH_MAX];
	size_t len = pt_stats_format(stats, buf, sizeof(buf));
	int fd, err = 0;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	if (!stats->path)
		return write(STDERR_FILENO, buf, len) < 0 ? -errno : 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", stats->path) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len)
		err = errno ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, stats->path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

static void *pt_stats_thread(void *data)
{
	struct pt_stats *stats = data;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (;;)
		if (!sigwait(&set, &sig))
			pt_stats_write(stats);
	return NULL;
}

/**
 * pt_stats_start - write the counts on each SIGUSR1 from now on
 * @stats: the counters
 *
 * Blocks SIGUSR1 in the calling thread, and so in the threads it starts
 * after, and starts a thread that waits for it.
 *
 * Return: 0 or a negative errno.
 */
int pt_stats_start(struct pt_stats *stats)
{
	pthread_t thread;
	sigset_t set;
	int err;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	err = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (!err)
		err = pthread_create(&thread, NULL, pt_stats_thread, stats);
	if (!err)
		pthread_detach(thread);
	return -err;
}
