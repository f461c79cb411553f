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

#include "readonly-for.skel.h"
#include "requests.h"

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

int main(int argc, char *argv[])
{
	struct fusebpf_mount_opts opts = {
		.options = "allow_other",	/* it is about other users */
		.subtype = "readonly-for",
	};
	/* no handlers: no file request comes; count_requests shows it */
	struct fusebpf_serve_opts serve = { .loop = &count_requests };
	struct readonly_for *skel;
	int opt, err;

	skel = readonly_for__open_and_load();
	if (!skel || readonly_for__attach(skel)) {
		perror("readonly-for: loading the filter");
		return 1;
	}
	err = -EINVAL;
	while ((opt = getopt(argc, argv, "u:")) != -1) {
		if (opt != 'u')
			goto usage;
		err = add_uid(skel->maps.readonly_uids, optarg);
		if (err) {
			fprintf(stderr, "readonly-for: -u %s: %s\n", optarg,
				strerror(-err));
			goto out;
		}
	}
	if (optind + 2 != argc)
		goto usage;

	/* SOURCE backs the root, which readonly-for.bpf.c filters */
	opts.root = argv[optind];
	opts.fsname = argv[optind];
	opts.filter = fusebpf_filter_from_skeleton(skel->skeleton);
	/* mount, serve until the unmount or SIGTERM/SIGINT, unmount */
	err = opts.filter ? fusebpf_serve(argv[optind + 1], &opts, &serve) :
			    -errno;
	fusebpf_filter_close(opts.filter);
	if (err)
		fprintf(stderr, "readonly-for: %s\n", strerror(-err));
	print_requests();
	goto out;
usage:
	fprintf(stderr, "usage: %s -u UID [-u UID]... SOURCE MOUNTPOINT\n",
		argv[0]);
out:
	readonly_for__destroy(skel);
	return err ? 1 : 0;
}
