// SPDX-License-Identifier: GPL-2.0
/*
 * A filter whose prefilters all answer "backing", for every member that
 * has one, and whose readdir postfilter shows every entry: what it changes
 * against pure passthrough is only that every operation runs a BPF
 * program. The POSIX suites and make bench run through it.
 */
#include <fuse_bpf_filter.h>

char _license[] SEC("license") = "GPL";

/* A prefilter needs none of its arguments to say "backing". */
#define BACKING(op)							\
SEC("struct_ops/all_" #op)						\
int BPF_PROG(all_##op)							\
{									\
	return FUSE_BPF_BACKING;					\
}

BACKING(lookup)
BACKING(open)
BACKING(release)
BACKING(read)
BACKING(write)
BACKING(getattr)
BACKING(setattr)
BACKING(flush)
BACKING(fsync)
BACKING(create)
BACKING(mknod)
BACKING(mkdir)
BACKING(symlink)
BACKING(unlink)
BACKING(rmdir)
BACKING(rename)
BACKING(link)
BACKING(fallocate)
BACKING(lseek)
BACKING(getxattr)
BACKING(setxattr)
BACKING(listxattr)
BACKING(removexattr)
BACKING(copy_file_range)
BACKING(access)
BACKING(opendir)
BACKING(releasedir)
BACKING(statfs)
BACKING(readlink)
BACKING(ioctl)

/* 0: the entry is shown, under its own name */
BACKING(readdir)

SEC(".struct_ops.link")
struct fuse_ops backing = {
	.lookup_prefilter = (void *)all_lookup,
	.open_prefilter = (void *)all_open,
	.release_prefilter = (void *)all_release,
	.read_iter_prefilter = (void *)all_read,
	.write_iter_prefilter = (void *)all_write,
	.getattr_prefilter = (void *)all_getattr,
	.setattr_prefilter = (void *)all_setattr,
	.flush_prefilter = (void *)all_flush,
	.fsync_prefilter = (void *)all_fsync,
	.create_prefilter = (void *)all_create,
	.mknod_prefilter = (void *)all_mknod,
	.mkdir_prefilter = (void *)all_mkdir,
	.symlink_prefilter = (void *)all_symlink,
	.unlink_prefilter = (void *)all_unlink,
	.rmdir_prefilter = (void *)all_rmdir,
	.rename_prefilter = (void *)all_rename,
	.link_prefilter = (void *)all_link,
	.fallocate_prefilter = (void *)all_fallocate,
	.lseek_prefilter = (void *)all_lseek,
	.getxattr_prefilter = (void *)all_getxattr,
	.setxattr_prefilter = (void *)all_setxattr,
	.listxattr_prefilter = (void *)all_listxattr,
	.removexattr_prefilter = (void *)all_removexattr,
	.copy_file_range_prefilter = (void *)all_copy_file_range,
	.access_prefilter = (void *)all_access,
	.opendir_prefilter = (void *)all_opendir,
	.releasedir_prefilter = (void *)all_releasedir,
	.statfs_prefilter = (void *)all_statfs,
	.readlink_prefilter = (void *)all_readlink,
	.ioctl_prefilter = (void *)all_ioctl,
	.readdir_postfilter = (void *)all_readdir,
	.name = "backing",
};
