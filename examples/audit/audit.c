// SPDX-License-Identifier: GPL-2.0
/*
 * fusebpf-example-audit: SOURCE on MOUNTPOINT, with operations counted
 * per user and chosen names refused.
 *
 *	fusebpf-example-audit [-d NAME]... SOURCE MOUNTPOINT
 *
 * The filter (audit.bpf.c) counts operations by uid and FUSE opcode in a
 * map, and refuses with EACCES every lookup of a NAME, in any directory,
 * telling this daemon through a ring buffer. The daemon prints
 *
 *	refused uid=U pid=P op=OP name=NAME error=E	as each refusal comes
 *	count uid=U op=OP n=N				on SIGUSR1 and at exit
 *
 * A thread of its own waits for both, while the main thread serves the
 * FUSE session: no request about files reaches it, since the kernel does
 * all from SOURCE. At exit it prints how many requests of each FUSE
 * opcode it received.
 */
#define FUSE_USE_VERSION 317

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

#include <bpf/libbpf.h>
#include <fuse_lowlevel.h>
#include <fusebpf.h>
#include <linux/fuse.h>

#include "audit.h"
#include "audit.skel.h"
#include "requests.h"

/* The operations the filter counts, by FUSE opcode. */
static const char *const opnames[64] = {
	[FUSE_LOOKUP] = "lookup",	[FUSE_GETATTR] = "getattr",
	[FUSE_SETATTR] = "setattr",	[FUSE_OPEN] = "open",
	[FUSE_READ] = "read",		[FUSE_WRITE] = "write",
	[FUSE_OPENDIR] = "opendir",	[FUSE_CREATE] = "create",
	[FUSE_MKDIR] = "mkdir",		[FUSE_UNLINK] = "unlink",
	[FUSE_RMDIR] = "rmdir",		[FUSE_RENAME2] = "rename",
};

static const char *opname(__u32 opcode)
{
	if (opcode < 64 && opnames[opcode])
		return opnames[opcode];
	return "?";
}

/* Deny @name: 0 or a negative errno. */
static int add_denied(struct bpf_map *denied, const char *name)
{
	char key[AUDIT_NAME_LEN] = "";
	__u8 one = 1;

	if (!*name || strlen(name) >= sizeof(key) || strchr(name, '/'))
		return -EINVAL;
	memcpy(key, name, strlen(name));
	return bpf_map__update_elem(denied, key, sizeof(key), &one,
				    sizeof(one), BPF_ANY);
}

static void print_counts(struct bpf_map *counts)
{
	struct audit_key key, next;
	__u64 n;
	int err;

	err = bpf_map__get_next_key(counts, NULL, &next, sizeof(next));
	while (!err) {
		key = next;
		if (!bpf_map__lookup_elem(counts, &key, sizeof(key), &n,
					  sizeof(n), 0))
			printf("count uid=%u op=%s n=%llu\n", key.uid,
			       opname(key.opcode), (unsigned long long)n);
		err = bpf_map__get_next_key(counts, &key, &next, sizeof(next));
	}
}

/* A refusal from the ring buffer. */
static int print_event(void *ctx, void *data, size_t size)
{
	const struct audit_event *e = data;

	if (size >= sizeof(*e))
		printf("refused uid=%u pid=%u op=%s name=%.*s error=%d\n",
		       e->uid, e->pid, opname(e->opcode), AUDIT_NAME_LEN,
		       e->name, e->error);
	return 0;
}

/**
 * struct watcher - what the thread beside the FUSE loop waits for
 * @events: the ring buffer of refusals
 * @counts: the map of counts
 * @sigfd: a signalfd of SIGUSR1
 * @stopfd: an eventfd, written when the thread is to end
 * @thread: the thread
 */
struct watcher {
	struct ring_buffer *events;
	struct bpf_map *counts;
	int sigfd;
	int stopfd;
	pthread_t thread;
};

static void *watch(void *arg)
{
	struct watcher *w = arg;
	struct pollfd fds[] = {
		{ .fd = ring_buffer__epoll_fd(w->events), .events = POLLIN },
		{ .fd = w->sigfd, .events = POLLIN },
		{ .fd = w->stopfd, .events = POLLIN },
	};
	struct signalfd_siginfo si;

	/* all signals are blocked here: poll() is never interrupted */
	while (poll(fds, 3, -1) >= 0 && !fds[2].revents) {
		if (fds[0].revents)
			ring_buffer__consume(w->events);
		if (fds[1].revents &&
		    read(w->sigfd, &si, sizeof(si)) == sizeof(si))
			print_counts(w->counts);
	}
	ring_buffer__consume(w->events);	/* what came last */
	return NULL;
}

/*
 * Start @w's thread on @skel's maps. SIGUSR1 must be blocked in every
 * thread, so that only the signalfd gets it: the caller blocks it before.
 * Returns 0 or a negative errno.
 */
static int watch_start(struct watcher *w, struct audit *skel)
{
	sigset_t all, old, usr1;
	int err;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	w->counts = skel->maps.counts;
	w->events = ring_buffer__new(bpf_map__fd(skel->maps.events),
				     print_event, NULL, NULL);
	if (!w->events)
		return -errno;
	w->sigfd = signalfd(-1, &usr1, SFD_CLOEXEC);
	w->stopfd = eventfd(0, EFD_CLOEXEC);
	err = -errno;
	if (w->sigfd < 0 || w->stopfd < 0)
		goto fail;
	/* the thread starts with every signal blocked */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&w->thread, NULL, watch, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!err)
		return 0;
fail:
	if (w->sigfd >= 0)
		close(w->sigfd);
	if (w->stopfd >= 0)
		close(w->stopfd);
	ring_buffer__free(w->events);
	return err;
}

static void watch_stop(struct watcher *w)
{
	eventfd_write(w->stopfd, 1);
	pthread_join(w->thread, NULL);
	close(w->sigfd);
	close(w->stopfd);
	ring_buffer__free(w->events);
}

int main(int argc, char *argv[])
{
	struct fusebpf_mount_opts opts = {
		.options = "allow_other",	/* it is about other users */
		.subtype = "audit",
	};
	/* no handlers: no file request comes; count_requests shows it */
	struct fusebpf_serve_opts serve = { .loop = &count_requests };
	struct watcher watcher;
	struct audit *skel;
	int opt, err;
	sigset_t usr1;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* a line as it comes */
	skel = audit__open_and_load();
	if (!skel || audit__attach(skel)) {
		perror("audit: loading the filter");
		return 1;
	}
	err = -EINVAL;
	while ((opt = getopt(argc, argv, "d:")) != -1) {
		if (opt != 'd')
			goto usage;
		err = add_denied(skel->maps.denied, optarg);
		if (err) {
			fprintf(stderr, "audit: -d %s: %s\n", optarg,
				strerror(-err));
			goto out;
		}
	}
	if (optind + 2 != argc)
		goto usage;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	err = watch_start(&watcher, skel);
	if (err) {
		fprintf(stderr, "audit: %s\n", strerror(-err));
		goto out;
	}
	/* SOURCE backs the root, which audit.bpf.c filters */
	opts.root = argv[optind];
	opts.fsname = argv[optind];
	opts.filter = fusebpf_filter_from_skeleton(skel->skeleton);
	/* mount, serve until the unmount or SIGTERM/SIGINT, unmount */
	err = opts.filter ? fusebpf_serve(argv[optind + 1], &opts, &serve) :
			    -errno;
	fusebpf_filter_close(opts.filter);
	watch_stop(&watcher);
	if (err)
		fprintf(stderr, "audit: %s\n", strerror(-err));
	print_counts(skel->maps.counts);
	print_requests();
	goto out;
usage:
	fprintf(stderr, "usage: %s [-d NAME]... SOURCE MOUNTPOINT\n", argv[0]);
out:
	audit__destroy(skel);
	return err ? 1 : 0;
}
