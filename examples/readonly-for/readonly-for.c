// SPDX-License-Identifier: GPL-2.0
/*
 * fusebpf-example-readonly-for: SOURCE on MOUNTPOINT, read-only for the
 * chosen users and as it is for the others.
 *
 *	fusebpf-example-readonly-for -u UID [-u UID]... SOURCE MOUNTPOINT
 *
 * Every change by a process whose fsuid is one of the UIDs fails with
 * EROFS; what it reads is the backing's, and so is all that the others
 * do. The kernel serves the tree from SOURCE and the filter
 * (readonly-for.bpf.c) decides: no request about files reaches this
 * daemon. It loads the filter, puts the uids in its map, mounts, and waits
 * for the unmount or SIGTERM/SIGINT. At exit it prints how many requests
 * of each FUSE opcode it received.
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

#include "readonly-for.skel.h"

static unsigned long requests[64];	/* by FUSE opcode */

static void count_request(void *data, const struct fuse_in_header *in)
{
	if (in->opcode < 64)
		requests[in->opcode]++;
}

/* Make @arg, a uid, read-only: 0 or a negative errno. */
static int add_uid(struct bpf_map *map, const char *arg)
{
	unsigned long uid;
	__u8 one = 1;
	char *end;
	__u32 key;

	errno = 0;
	uid = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || uid > (__u32)-1)
		return -EINVAL;
	key = uid;
	return bpf_map__update_elem(map, &key, sizeof(key), &one, sizeof(one),
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
		.subtype = "readonly-for",
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
	struct readonly_for *skel;
	int opt, i, err;

	skel = readonly_for__open_and_load();
	if (!skel || readonly_for__attach(skel)) {
		perror("readonly-for: loading the filter");
		return 1;
	}
	err = -EINVAL;
	while ((opt = getopt(argc, argv, "u:")) != -1) {
		if (opt != 'u')
			goto usage;
		err = add_uid(skel->maps.readonly, optarg);
		if (err) {
			fprintf(stderr, "readonly-for: -u %s: %s\n", optarg,
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
		fprintf(stderr, "readonly-for: %s\n", strerror(-err));
	for (i = 0; i < 64; i++)
		if (requests[i])
			printf("opcode %d: %lu requests\n", i, requests[i]);
	goto out;
usage:
	fprintf(stderr, "usage: %s -u UID [-u UID]... SOURCE MOUNTPOINT\n",
		argv[0]);
out:
	readonly_for__destroy(skel);
	return err ? 1 : 0;
}
