// SPDX-License-Identifier: GPL-2.0
/*
 * A sleepable filter: filters run under RCU and in I/O completion, so
 * fuse_ops must refuse it at load time.
 */
#include <fuse_bpf_filter.h>

char _license[] SEC("license") = "GPL";

SEC("struct_ops.s/sleepy_read")
int BPF_PROG(sleepy_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	return FUSE_BPF_BACKING;
}

SEC(".struct_ops.link")
struct fuse_ops bad_sleep = {
	.read_iter_prefilter = (void *)sleepy_read,
	.name = "bad_sleep",
};
