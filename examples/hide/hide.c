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

#include "hide.h"
#include "hide.skel.h"
#include "requests.h"

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

int main(int argc, char *argv[])
{
	struct fusebpf_mount_opts opts = {
		.options = "allow_other",	/* it is about other users */
		.subtype = "hide",
	};
	/* no handlers: no file request comes; count_requests shows it */
	struct fusebpf_serve_opts serve = { .loop = &count_requests };
	struct hide *skel;
	int opt, err;

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

	/* SOURCE backs the root, which hide.bpf.c filters */
	opts.root = argv[optind];
	opts.fsname = argv[optind];
	opts.filter = fusebpf_filter_from_skeleton(skel->skeleton);
	/* mount, serve until the unmount or SIGTERM/SIGINT, unmount */
	err = opts.filter ? fusebpf_serve(argv[optind + 1], &opts, &serve) :
			    -errno;
	fusebpf_filter_close(opts.filter);
	if (err)
		fprintf(stderr, "hide: %s\n", strerror(-err));
	print_requests();
	goto out;
usage:
	fprintf(stderr,
		"usage: %s -p UID:PATTERN [-p ...] SOURCE MOUNTPOINT\n"
		"  PATTERN: NAME, PREFIX* or *SUFFIX\n", argv[0]);
out:
	hide__destroy(skel);
	return err ? 1 : 0;
}
