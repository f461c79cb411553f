// SPDX-License-Identifier: GPL-2.0
/*
 * A filter whose prefilters all answer "backing": what it changes against
 * pure passthrough is only that every operation runs a BPF program. make
 * check-posix runs the POSIX suites through it.
 */
#include "fuse_bpf.vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

#define BACKING_1(op, t1)						\
	SEC("struct_ops/" #op)						\
	int BPF_PROG(op, const struct fuse_bpf_meta *meta, t1 *a)	\
	{								\
		return FUSE_BPF_BACKING;				\
	}

#define BACKING_2(op, t1, t2)						\
	SEC("struct_ops/" #op)						\
	int BPF_PROG(op, const struct fuse_bpf_meta *meta, t1 *a, t2 *b) \
	{								\
		return FUSE_BPF_BACKING;				\
	}

BACKING_1(all_lookup, struct fuse_bpf_name)
BACKING_1(all_open, struct fuse_open_in)
BACKING_1(all_read, struct fuse_read_in)
BACKING_1(all_write, struct fuse_write_in)
BACKING_1(all_getattr, struct fuse_getattr_in)
BACKING_1(all_setattr, struct fuse_setattr_in)
BACKING_1(all_flush, struct fuse_flush_in)
BACKING_1(all_fsync, struct fuse_fsync_in)
BACKING_2(all_create, struct fuse_create_in, struct fuse_bpf_name)
BACKING_2(all_mkdir, struct fuse_mkdir_in, struct fuse_bpf_name)
BACKING_1(all_unlink, struct fuse_bpf_name)
BACKING_1(all_rmdir, struct fuse_bpf_name)
BACKING_2(all_link, struct fuse_link_in, struct fuse_bpf_name)
BACKING_1(all_symlink, struct fuse_bpf_name)
BACKING_1(all_fallocate, struct fuse_fallocate_in)
BACKING_1(all_lseek, struct fuse_lseek_in)
BACKING_1(all_access, struct fuse_access_in)

SEC("struct_ops/all_rename")
int BPF_PROG(all_rename, const struct fuse_bpf_meta *meta,
	     struct fuse_rename2_in *in, struct fuse_bpf_name *oldname,
	     struct fuse_bpf_name *newname)
{
	return FUSE_BPF_BACKING;
}

SEC(".struct_ops.link")
struct fuse_ops backing = {
	.lookup_prefilter = (void *)all_lookup,
	.open_prefilter = (void *)all_open,
	.read_iter_prefilter = (void *)all_read,
	.write_iter_prefilter = (void *)all_write,
	.getattr_prefilter = (void *)all_getattr,
	.setattr_prefilter = (void *)all_setattr,
	.flush_prefilter = (void *)all_flush,
	.fsync_prefilter = (void *)all_fsync,
	.create_prefilter = (void *)all_create,
	.mkdir_prefilter = (void *)all_mkdir,
	.unlink_prefilter = (void *)all_unlink,
	.rmdir_prefilter = (void *)all_rmdir,
	.link_prefilter = (void *)all_link,
	.symlink_prefilter = (void *)all_symlink,
	.fallocate_prefilter = (void *)all_fallocate,
	.lseek_prefilter = (void *)all_lseek,
	.access_prefilter = (void *)all_access,
	.rename_prefilter = (void *)all_rename,
	.name = "backing",
};
