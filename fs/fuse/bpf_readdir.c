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
 * fuse_bpf_entry_hidden - whether the filter hides entry @name of @dir
 * @dir: the backed directory
 * @name: the entry
 *
 * The readdir postfilter, asked for each entry of a listing and for each
 * name the kernel looks up in the directory, so that ls and lookup agree.
 *
 * Return: 0 if the entry is visible, else the errno the filter gave.
 */
int fuse_bpf_entry_hidden(struct inode *dir, const struct qstr *name)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(dir);
	struct fuse_bpf_meta meta;
	struct fuse_bpf_name n;

	if (!fbi || !fbi->filter || fuse_bpf_name_set(&n, name))
		return 0;
	fuse_bpf_meta_init(&meta, dir, FUSE_READDIR);
	return min(fuse_bpf_call(fbi->filter, readdir_postfilter, 0, &meta,
				 &n, 0), 0);
}

struct fuse_bpf_readdir {
	struct dir_context ctx;
	struct dir_context *caller;
	struct inode *dir;
};

static bool fuse_bpf_filldir(struct dir_context *ctx, const char *name,
			     int namelen, loff_t offset, u64 ino,
			     unsigned int d_type)
{
	struct fuse_bpf_readdir *rd = container_of(ctx, struct fuse_bpf_readdir,
						   ctx);
	struct qstr q = QSTR_INIT(name, namelen);

	if (!is_dot_dotdot(name, namelen) && fuse_bpf_entry_hidden(rd->dir, &q))
		return true;
	return rd->caller->actor(rd->caller, name, namelen, offset, ino,
				 d_type);
}

/**
 * fuse_bpf_readdir - read a backed directory
 * @file: the directory
 * @ctx: where the entries go
 * @res: the result, if this returns true
 *
 * The entries are the backing directory's, with its inode numbers, which
 * are what stat reports for backed inodes, less those the readdir
 * postfilter hides.
 *
 * Return: false if @file was not opened by fuse_bpf_opendir().
 */
bool fuse_bpf_readdir(struct file *file, struct dir_context *ctx, int *res)
{
	struct fuse_file *ff = file->private_data;
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(file_inode(file));
	struct fuse_bpf_readdir rd = {
		.ctx.actor = fuse_bpf_filldir,
		.ctx.pos = ctx->pos,
		.caller = ctx,
		.dir = file_inode(file),
	};
	const struct cred *old_cred;

	if (!fbi || !ff->passthrough)
		return false;
	/* a filter whose instance is gone fails the listing */
	*res = -ENOTCONN;
	if (fbi->filter && !fuse_bpf_filter_live(fbi->filter))
		return true;
	old_cred = override_creds(fbi->cred);
	/*
	 * Seeks (rewinddir, seekdir) moved only the FUSE file: bring the
	 * backing directory to the same place, with its own llseek, which
	 * knows what its positions mean.
	 */
	if (ctx->pos != ff->passthrough->f_pos) {
		loff_t pos = vfs_llseek(ff->passthrough, ctx->pos, SEEK_SET);

		if (pos < 0) {
			revert_creds(old_cred);
			*res = pos;
			return true;
		}
	}
	if (fbi->filter) {
		*res = iterate_dir(ff->passthrough, &rd.ctx);
		ctx->pos = rd.ctx.pos;
	} else {
		*res = iterate_dir(ff->passthrough, ctx);
	}
	revert_creds(old_cred);
	return true;
}
