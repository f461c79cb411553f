// SPDX-License-Identifier: GPL-2.0
/*
 * fuse-bpf: reading backed directories. A backed directory is opened and
 * read from its backing directory, so a tree the kernel looked up by
 * itself can be walked without the daemon.
 */

#include "fuse_i.h"

#include <linux/backing-file.h>
#include <linux/cred.h>

/**
 * fuse_bpf_opendir - open a backed directory
 * @inode: the directory
 * @file: the file being opened
 * @res: the result, if this returns true
 *
 * Return: false if @inode is not backed.
 */
bool fuse_bpf_opendir(struct inode *inode, struct file *file, int *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_file *ff;
	struct file *backing;

	if (!fbi)
		return false;
	*res = generic_file_open(inode, file);
	if (*res)
		return true;
	ff = fuse_file_alloc(get_fuse_mount(inode), false);
	if (!ff) {
		*res = -ENOMEM;
		return true;
	}
	backing = backing_file_open(file, O_RDONLY | O_DIRECTORY, &fbi->path,
				    fbi->cred);
	if (IS_ERR(backing)) {
		fuse_sync_release(get_fuse_inode(inode), ff, file->f_flags);
		*res = PTR_ERR(backing);
		return true;
	}
	ff->nodeid = get_node_id(inode);
	ff->passthrough = backing;
	file->private_data = ff;
	return true;
}

/**
 * fuse_bpf_readdir - read a backed directory
 * @file: the directory
 * @ctx: where the entries go
 * @res: the result, if this returns true
 *
 * The entries are the backing directory's, with its inode numbers, which
 * are what stat reports for backed inodes.
 *
 * Return: false if @file was not opened by fuse_bpf_opendir().
 */
bool fuse_bpf_readdir(struct file *file, struct dir_context *ctx, int *res)
{
	struct fuse_file *ff = file->private_data;
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(file_inode(file));
	const struct cred *old_cred;

	if (!fbi || !ff->passthrough)
		return false;
	old_cred = override_creds(fbi->cred);
	*res = iterate_dir(ff->passthrough, ctx);
	revert_creds(old_cred);
	return true;
}
