// SPDX-License-Identifier: GPL-2.0
/*
 * A filter that writes a field fuse_ops does not let it write (the read
 * offset): the verifier must refuse to load it.
 */
#include <fuse_bpf_filter.h>

char _license[] SEC("license") = "GPL";

SEC("struct_ops/seek_read")
int BPF_PROG(seek_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	in->offset = 0;
	return FUSE_BPF_BACKING;
}

SEC(".struct_ops.link")
struct fuse_ops bad_write = {
	.read_iter_prefilter = (void *)seek_read,
	.name = "bad_write",
};
