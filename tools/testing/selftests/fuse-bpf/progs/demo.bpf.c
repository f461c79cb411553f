// SPDX-License-Identifier: GPL-2.0
/*
 * The filter of make demo: files are served from their backing files, the
 * filter counts what it sees, and names starting with "secret" cannot be
 * looked up.
 */
#include <fuse_bpf_filter.h>

#define EACCES 13

char _license[] SEC("license") = "GPL";

__u64 lookups, denied, opens, reads, read_bytes, writes, write_bytes;

SEC("struct_ops/demo_lookup")
int BPF_PROG(demo_lookup, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *in)
{
	lookups++;
	if (in->namelen >= 6 && in->name[0] == 's' && in->name[1] == 'e' &&
	    in->name[2] == 'c' && in->name[3] == 'r' && in->name[4] == 'e' &&
	    in->name[5] == 't') {
		denied++;
		return -EACCES;
	}
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/demo_open")
int BPF_PROG(demo_open, const struct fuse_bpf_meta *meta,
	     struct fuse_open_in *in)
{
	opens++;
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/demo_read")
s64 BPF_PROG(demo_read, const struct fuse_bpf_meta *meta,
	     const struct fuse_read_in *in, s64 ret)
{
	reads++;
	if (ret > 0)
		read_bytes += ret;
	return ret;
}

SEC("struct_ops/demo_write")
s64 BPF_PROG(demo_write, const struct fuse_bpf_meta *meta,
	     const struct fuse_write_in *in, s64 ret)
{
	writes++;
	if (ret > 0)
		write_bytes += ret;
	return ret;
}

SEC(".struct_ops.link")
struct fuse_ops demo = {
	.lookup_prefilter = (void *)demo_lookup,
	.open_prefilter = (void *)demo_open,
	.read_iter_postfilter = (void *)demo_read,
	.write_iter_postfilter = (void *)demo_write,
	.name = "demo",
};
