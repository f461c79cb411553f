// SPDX-License-Identifier: GPL-2.0
/*
 * fusebpf-example-hide: SOURCE on MOUNTPOINT, less the entries that
 * chosen users must not see.
 *
 *	fusebpf-example-hide -p UID:PATTERN [-p UID:PATTERN]... SOURCE MOUNTPOINT
 *
 * PATTERN is a name ("notes.txt"), a prefix ("secret*") or a suffix
 * ("*.key") of at most 31 bytes, hidden from UID in every directory; up
 * to 8 patterns per uid. The kernel serves the tree from SOURCE, and the
 * filter (hide.bpf.c) decides what is listed and found: no request about
 * files reaches this daemon. It loads the filter, puts the patterns in its
 * map, mounts, and waits for the unmount or SIGTERM/SIGINT. At exit it
 * prints how many requests of each FUSE opcode it received.
 */
#define FUSE_USE_VERSION 317

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <fuse_lowlevel.h>
#include <fusebpf.h>
#include <linux/fuse.h>

#include "hide.h"
#include "hide.skel.h"

static unsigned long requests[64];	/* by FUSE opcode */

static void count_request(void *data, const struct fuse_in_header *in)
{
	if (in->opcode < 64)
		requests[in->opcode]++;
}

/* Add "UID:PATTERN" to the map of patterns: 0 or a negative errno. */
static int add_rule(struct bpf_map *map, const char *arg)
{
	struct hide_rules rs = { 0 };
	struct hide_rule *r;
	unsigned long uid;
	size_t len;
	char *end;
	__u32 key;

	errno = 0;
	uid = strtoul(arg, &end, 10);
	if (errno || end == arg || *end != ':' || uid > (__u32)-1)
		return -EINVAL;
	key = uid;
	arg = end + 1;
	/* the uid's patterns so far, if it has any */
	bpf_map__lookup_elem(map, &key, sizeof(key), &rs, sizeof(rs), 0);
	if (rs.count == HIDE_MAX_RULES)
		return -ENOSPC;
	r = &rs.rule[rs.count];
	len = strlen(arg);
	r->kind = HIDE_EXACT;
	if (len && arg[0] == '*') {
		r->kind = HIDE_SUFFIX;
		arg++;
		len--;
	} else if (len && arg[len - 1] == '*') {
		r->kind = HIDE_PREFIX;
		len--;
	}
	if (!len || len >= HIDE_PATTERN_LEN || memchr(arg, '/', len))
		return -EINVAL;
	memcpy(r->text, arg, len);
	r->len = len;
	rs.count++;
	return bpf_map__update_elem(map, &key, sizeof(key), &rs, sizeof(rs),
				    BPF_ANY);
}

/*
 * Mount @source on @mountpoint, its root backed by @source and filtered
 * by @filter, and serve it until it is unmounted or a signal comes, for
 * a session made with @args: 0 or a negative errno.
 */
static int serve(struct fuse_args *args, const char *source,
		 const char *mountpoint, struct fusebpf_filter *filter)
{
	static const struct fuse_lowlevel_ops ops;	/* nothing to serve */
	static const struct fusebpf_loop_ops loop = {
		.request = count_request,
	};
	struct fusebpf_mount_opts opts = {
		.root = source,
		.filter = filter,
		.options = "allow_other",	/* it is about other users */
		.fsname = source,
		.subtype = "hide",
	};
	struct fusebpf_mount *mount;
	struct fuse_session *se;
	int err, err2;

	se = fuse_session_new(args, &ops, sizeof(ops), NULL);
	if (!se)
		return -ENOMEM;
	err = -EIO;
	if (fuse_set_signal_handlers(se))
		goto out_destroy;
	err = fusebpf_mount(se, mountpoint, &opts, &mount);
	if (err)
		goto out_signals;
	err = fusebpf_session_loop(se, &loop, NULL);
	err2 = fusebpf_unmount(mount);
	err = err ?: err2;
out_signals:
	fuse_remove_signal_handlers(se);
out_destroy:
	fuse_session_destroy(se);
	return err;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	struct fusebpf_filter *filter;
	struct hide *skel;
	int opt, i, err;

	skel = hide__open_and_load();
	if (!skel || hide__attach(skel)) {
		perror("hide: loading the filter");
		return 1;
	}
	err = -EINVAL;
	while ((opt = getopt(argc, argv, "p:")) != -1) {
		if (opt != 'p')
			goto usage;
		err = add_rule(skel->maps.rules, optarg);
		if (err) {
			fprintf(stderr, "hide: -p %s: %s\n", optarg,
				strerror(-err));
			goto out;
		}
	}
	if (optind + 2 != argc)
		goto usage;

	filter = fusebpf_filter_from_skeleton(skel->skeleton);
	err = filter ? serve(&args, argv[optind], argv[optind + 1], filter) :
		       -errno;
	fusebpf_filter_close(filter);
	if (err)
		fprintf(stderr, "hide: %s\n", strerror(-err));
	for (i = 0; i < 64; i++)
		if (requests[i])
			printf("opcode %d: %lu requests\n", i, requests[i]);
	goto out;
usage:
	fprintf(stderr,
		"usage: %s -p UID:PATTERN [-p ...] SOURCE MOUNTPOINT\n"
		"  PATTERN: NAME, PREFIX* or *SUFFIX\n", argv[0]);
out:
	hide__destroy(skel);
	return err ? 1 : 0;
}
