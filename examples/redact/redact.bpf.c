// SPDX-License-Identifier: GPL-2.0
/*
 * redact: files of which the daemon serves chosen byte ranges, masked, and
 * the kernel the rest, from the backing.
 *
 * The kernel looks up and serves the whole tree by itself, except the
 * files named in the map "names", in the mount's root: their lookups go to
 * the daemon, which answers with the same backing (so stat is the
 * backing's) under a node id of its own, and puts the redacted ranges of
 * that node in the map "files". A read of such a file that touches a
 * redacted range goes to the daemon, which reads the backing and masks;
 * any other read goes to the backing. The daemon opens the file too, so
 * that it has a handle to read with.
 */
#include <fuse_bpf_filter.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "redact.h"

#define FUSE_ROOT_ID	1	/* <linux/fuse.h> */

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[REDACT_NAME_LEN]);	/* zero-padded */
	__type(value, __u8);			/* 1 */
} names SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);			/* node id */
	__type(value, struct redact_file);
} files SEC(".maps");

/*
 * Only the daemon knows the nodes of its redacted files, so the lookup of
 * one can go to it only from a directory it knows too: the root.
 */
SEC("struct_ops/redact_lookup")
int BPF_PROG(redact_lookup, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *in)
{
	char name[REDACT_NAME_LEN] = {};

	if (meta->nodeid != FUSE_ROOT_ID || in->namelen >= REDACT_NAME_LEN ||
	    bpf_probe_read_kernel_str(name, sizeof(name), in->name) < 0)
		return FUSE_BPF_BACKING;
	return bpf_map_lookup_elem(&names, name) ? FUSE_BPF_USER :
						   FUSE_BPF_BACKING;
}

SEC("struct_ops/redact_open")
int BPF_PROG(redact_open, const struct fuse_bpf_meta *meta,
	     struct fuse_open_in *in)
{
	__u64 nodeid = meta->nodeid;

	return bpf_map_lookup_elem(&files, &nodeid) ? FUSE_BPF_USER :
						      FUSE_BPF_BACKING;
}

/* Also asked for mmap, splice and copy_file_range, with their ranges. */
SEC("struct_ops/redact_read")
int BPF_PROG(redact_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	__u64 nodeid = meta->nodeid, end = in->offset + in->size;
	const struct redact_file *f = bpf_map_lookup_elem(&files, &nodeid);
	__u32 i;

	if (!f)
		return FUSE_BPF_BACKING;
	for (i = 0; i < REDACT_MAX_RANGES && i < f->count; i++)
		if (f->range[i].off < end &&
		    in->offset < f->range[i].off + f->range[i].len)
			return FUSE_BPF_USER;
	return FUSE_BPF_BACKING;
}

SEC(".struct_ops.link")
struct fuse_ops redact = {
	.lookup_prefilter = (void *)redact_lookup,
	.open_prefilter = (void *)redact_open,
	.read_iter_prefilter = (void *)redact_read,
	.name = "redact",
};
