// SPDX-License-Identifier: GPL-2.0
/*
 * A filter whose prefilters all answer "backing": what it changes against
 * pure passthrough is only that every operation runs a BPF program. make
 * check-posix runs the POSIX suite through it.
 */
#include "fuse_bpf.vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

SEC("struct_ops/all_lookup")
int BPF_PROG(all_lookup, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_open")
int BPF_PROG(all_open, const struct fuse_bpf_meta *meta,
	     struct fuse_open_in *in)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_read")
int BPF_PROG(all_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_write")
int BPF_PROG(all_write, const struct fuse_bpf_meta *meta,
	     struct fuse_write_in *in)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_getattr")
int BPF_PROG(all_getattr, const struct fuse_bpf_meta *meta,
	     struct fuse_getattr_in *in)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_setattr")
int BPF_PROG(all_setattr, const struct fuse_bpf_meta *meta,
	     struct fuse_setattr_in *in)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_flush")
int BPF_PROG(all_flush, const struct fuse_bpf_meta *meta,
	     struct fuse_flush_in *in)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_fsync")
int BPF_PROG(all_fsync, const struct fuse_bpf_meta *meta,
	     struct fuse_fsync_in *in)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_create")
int BPF_PROG(all_create, const struct fuse_bpf_meta *meta,
	     struct fuse_create_in *in, struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_mkdir")
int BPF_PROG(all_mkdir, const struct fuse_bpf_meta *meta,
	     struct fuse_mkdir_in *in, struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_unlink")
int BPF_PROG(all_unlink, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_rmdir")
int BPF_PROG(all_rmdir, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_link")
int BPF_PROG(all_link, const struct fuse_bpf_meta *meta,
	     struct fuse_link_in *in, struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_symlink")
int BPF_PROG(all_symlink, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_fallocate")
int BPF_PROG(all_fallocate, const struct fuse_bpf_meta *meta,
	     struct fuse_fallocate_in *in)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_lseek")
int BPF_PROG(all_lseek, const struct fuse_bpf_meta *meta,
	     struct fuse_lseek_in *in)
{
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/all_access")
int BPF_PROG(all_access, const struct fuse_bpf_meta *meta,
	     struct fuse_access_in *in)
{
	return FUSE_BPF_BACKING;
}

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
