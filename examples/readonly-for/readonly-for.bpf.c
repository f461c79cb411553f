// SPDX-License-Identifier: GPL-2.0
/*
 * readonly-for: a read-only view of the backing tree for chosen users.
 *
 * The daemon puts their uids in the map "readonly_uids". For a caller
 * whose fsuid is there, every operation that would change the tree fails
 * with EROFS, as on a read-only mount; reads, listings and stat are the
 * backing's. Other callers get the backing as it is, with its permissions.
 *
 * Each prefilter below guards one kind of change. The permission check
 * (access_prefilter) already refuses most of them, since opening for
 * writing, creating and removing entries ask for MAY_WRITE; the others
 * make sure of what asks for no permission (chmod and utimes by the
 * owner, a write through a descriptor opened before).
 */
#include <fuse_bpf_filter.h>
#include <asm-generic/errno-base.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define MAY_WRITE		0x2		/* <linux/fs.h> */
#define MAY_APPEND		0x8
#define FS_IOC_SETFLAGS		0x40086602	/* <linux/fs.h> */
#define FS_IOC_FSSETXATTR	0x401c5820

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);			/* uid */
	__type(value, __u8);			/* 1 */
} readonly_uids SEC(".maps");

/* The verdict on a change by @meta's caller. */
static __always_inline int change(const struct fuse_bpf_meta *meta)
{
	__u32 uid = meta->uid;

	return bpf_map_lookup_elem(&readonly_uids, &uid) ? -EROFS :
							   FUSE_BPF_BACKING;
}

/* Permission checks: path walks and reads pass, writes are refused. */
SEC("struct_ops/ro_access")
int BPF_PROG(ro_access, const struct fuse_bpf_meta *meta,
	     struct fuse_access_in *in)
{
	return in->mask & (MAY_WRITE | MAY_APPEND) ? change(meta) :
						     FUSE_BPF_BACKING;
}

/* Only FS_IOC_GETFLAGS and FS_IOC_FSGETXATTR, which read. */
SEC("struct_ops/ro_ioctl")
int BPF_PROG(ro_ioctl, const struct fuse_bpf_meta *meta,
	     struct fuse_ioctl_in *in)
{
	if (in->cmd == FS_IOC_SETFLAGS || in->cmd == FS_IOC_FSSETXATTR)
		return change(meta);
	return FUSE_BPF_BACKING;
}

/* The prefilter of @op (arguments: meta, @params): always a change. */
#define CHANGE(op, params...)						\
SEC("struct_ops/ro_" #op)						\
int BPF_PROG(ro_##op, const struct fuse_bpf_meta *meta, ##params)	\
{									\
	return change(meta);						\
}

CHANGE(setattr, struct fuse_setattr_in *in)
CHANGE(write, struct fuse_write_in *in)
CHANGE(fallocate, struct fuse_fallocate_in *in)
CHANGE(create, struct fuse_create_in *in, struct fuse_bpf_name *name)
CHANGE(mknod, struct fuse_mknod_in *in, struct fuse_bpf_name *name)
CHANGE(mkdir, struct fuse_mkdir_in *in, struct fuse_bpf_name *name)
CHANGE(symlink, struct fuse_bpf_name *name)
CHANGE(link, struct fuse_link_in *in, struct fuse_bpf_name *name)
CHANGE(unlink, struct fuse_bpf_name *name)
CHANGE(rmdir, struct fuse_bpf_name *name)
CHANGE(rename, struct fuse_rename2_in *in, struct fuse_bpf_name *oldname,
	struct fuse_bpf_name *newname)
CHANGE(setxattr, struct fuse_setxattr_in *in, struct fuse_bpf_name *name)
CHANGE(removexattr, struct fuse_bpf_name *name)

SEC(".struct_ops.link")
struct fuse_ops readonly_for = {
	.access_prefilter = (void *)ro_access,
	.ioctl_prefilter = (void *)ro_ioctl,
	.setattr_prefilter = (void *)ro_setattr,
	.write_iter_prefilter = (void *)ro_write,
	.fallocate_prefilter = (void *)ro_fallocate,
	.create_prefilter = (void *)ro_create,
	.mknod_prefilter = (void *)ro_mknod,
	.mkdir_prefilter = (void *)ro_mkdir,
	.symlink_prefilter = (void *)ro_symlink,
	.link_prefilter = (void *)ro_link,
	.unlink_prefilter = (void *)ro_unlink,
	.rmdir_prefilter = (void *)ro_rmdir,
	.rename_prefilter = (void *)ro_rename,
	.setxattr_prefilter = (void *)ro_setxattr,
	.removexattr_prefilter = (void *)ro_removexattr,
	.name = "readonly_for",
};
