// SPDX-License-Identifier: GPL-2.0
/*
 * Two filters with a member for every operation, for the tests that take
 * each operation in turn: "all_user" sends every operation to the daemon;
 * "all_post" lets the backing do every operation, and its postfilters
 * replace the result of the one whose opcode the test put in fail_opcode
 * with -ETXTBSY.
 */
#include <fuse_bpf_filter.h>

#define ETXTBSY 26

char _license[] SEC("license") = "GPL";

__u32 fail_opcode;

#define USER(op)							\
SEC("struct_ops/user_" #op)						\
int BPF_PROG(user_##op)							\
{									\
	return FUSE_BPF_USER;						\
}

USER(lookup)
USER(open)
USER(read)
USER(write)
USER(getattr)
USER(setattr)
USER(flush)
USER(fsync)
USER(create)
USER(mknod)
USER(mkdir)
USER(symlink)
USER(unlink)
USER(rmdir)
USER(rename)
USER(link)
USER(fallocate)
USER(lseek)
USER(getxattr)
USER(setxattr)
USER(listxattr)
USER(removexattr)
USER(copy_file_range)
USER(opendir)
USER(statfs)
USER(readlink)
USER(ioctl)

SEC(".struct_ops.link")
struct fuse_ops all_user = {
	.lookup_prefilter = (void *)user_lookup,
	.open_prefilter = (void *)user_open,
	.read_iter_prefilter = (void *)user_read,
	.write_iter_prefilter = (void *)user_write,
	.getattr_prefilter = (void *)user_getattr,
	.setattr_prefilter = (void *)user_setattr,
	.flush_prefilter = (void *)user_flush,
	.fsync_prefilter = (void *)user_fsync,
	.create_prefilter = (void *)user_create,
	.mknod_prefilter = (void *)user_mknod,
	.mkdir_prefilter = (void *)user_mkdir,
	.symlink_prefilter = (void *)user_symlink,
	.unlink_prefilter = (void *)user_unlink,
	.rmdir_prefilter = (void *)user_rmdir,
	.rename_prefilter = (void *)user_rename,
	.link_prefilter = (void *)user_link,
	.fallocate_prefilter = (void *)user_fallocate,
	.lseek_prefilter = (void *)user_lseek,
	.getxattr_prefilter = (void *)user_getxattr,
	.setxattr_prefilter = (void *)user_setxattr,
	.listxattr_prefilter = (void *)user_listxattr,
	.removexattr_prefilter = (void *)user_removexattr,
	.copy_file_range_prefilter = (void *)user_copy_file_range,
	.opendir_prefilter = (void *)user_opendir,
	.statfs_prefilter = (void *)user_statfs,
	.readlink_prefilter = (void *)user_readlink,
	.ioctl_prefilter = (void *)user_ioctl,
	.name = "all_user",
};

/*
 * A postfilter of a member with N arguments: the first is the meta (which
 * the verifier wants checked, read through ctx), the last the result.
 */
#define POST(op, n)							\
SEC("struct_ops/post_" #op)						\
s64 BPF_PROG(post_##op)							\
{									\
	const struct fuse_bpf_meta *meta = (void *)ctx[0];		\
									\
	if (meta && meta->opcode == fail_opcode)			\
		return -ETXTBSY;					\
	return ctx[n - 1];						\
}

POST(open, 3)
POST(read, 3)
POST(write, 3)
POST(getattr, 4)
POST(setattr, 4)
POST(flush, 3)
POST(fsync, 3)
POST(create, 4)
POST(mknod, 4)
POST(mkdir, 4)
POST(symlink, 3)
POST(unlink, 3)
POST(rmdir, 3)
POST(rename, 5)
POST(link, 4)
POST(fallocate, 3)
POST(lseek, 3)
POST(getxattr, 4)
POST(setxattr, 4)
POST(listxattr, 3)
POST(removexattr, 3)
POST(copy_file_range, 3)
POST(opendir, 3)
POST(statfs, 3)
POST(readlink, 2)
POST(ioctl, 3)

SEC(".struct_ops.link")
struct fuse_ops all_post = {
	.open_postfilter = (void *)post_open,
	.read_iter_postfilter = (void *)post_read,
	.write_iter_postfilter = (void *)post_write,
	.getattr_postfilter = (void *)post_getattr,
	.setattr_postfilter = (void *)post_setattr,
	.flush_postfilter = (void *)post_flush,
	.fsync_postfilter = (void *)post_fsync,
	.create_postfilter = (void *)post_create,
	.mknod_postfilter = (void *)post_mknod,
	.mkdir_postfilter = (void *)post_mkdir,
	.symlink_postfilter = (void *)post_symlink,
	.unlink_postfilter = (void *)post_unlink,
	.rmdir_postfilter = (void *)post_rmdir,
	.rename_postfilter = (void *)post_rename,
	.link_postfilter = (void *)post_link,
	.fallocate_postfilter = (void *)post_fallocate,
	.lseek_postfilter = (void *)post_lseek,
	.getxattr_postfilter = (void *)post_getxattr,
	.setxattr_postfilter = (void *)post_setxattr,
	.listxattr_postfilter = (void *)post_listxattr,
	.removexattr_postfilter = (void *)post_removexattr,
	.copy_file_range_postfilter = (void *)post_copy_file_range,
	.opendir_postfilter = (void *)post_opendir,
	.statfs_postfilter = (void *)post_statfs,
	.readlink_postfilter = (void *)post_readlink,
	.ioctl_postfilter = (void *)post_ioctl,
	.name = "all_post",
};
