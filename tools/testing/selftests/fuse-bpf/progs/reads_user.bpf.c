// SPDX-License-Identifier: GPL-2.0
/*
 * The filter of passthrough_test: lookups, opens and reads go to the
 * daemon (fusebpf-passthrough), everything else to the backing. The
 * lookups go too, so that the daemon knows the nodes whose reads it
 * serves: a request about a node only the kernel knows fails.
 */
#include <fuse_bpf_filter.h>

char _license[] SEC("license") = "GPL";

SEC("struct_ops/ru_lookup")
int BPF_PROG(ru_lookup, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *in)
{
	return FUSE_BPF_USER;
}

SEC("struct_ops/ru_open")
int BPF_PROG(ru_open, const struct fuse_bpf_meta *meta,
	     struct fuse_open_in *in)
{
	return FUSE_BPF_USER;
}

SEC("struct_ops/ru_read")
int BPF_PROG(ru_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	return FUSE_BPF_USER;
}

SEC(".struct_ops.link")
struct fuse_ops reads_user = {
	.lookup_prefilter = (void *)ru_lookup,
	.open_prefilter = (void *)ru_open,
	.read_iter_prefilter = (void *)ru_read,
	.name = "reads_user",
};
