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
 * As for files, the opendir prefilter's USER also sends FUSE_OPENDIR; the
 * listing comes from the backing directory either way.
 *
 * Return: false if @inode is not backed.
 */
bool fuse_bpf_opendir(struct inode *inode, struct file *file, int *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_mount *fm = get_fuse_mount(inode);
	struct fuse_open_in in = { .flags = file->f_flags };
	struct fuse_bpf_meta meta;
	struct fuse_file *ff;
	struct file *backing;
	int ret;

	if (!fbi)
		return false;
	*res = generic_file_open(inode, file);
	if (*res)
		return true;
	fuse_bpf_meta_init(&meta, inode, FUSE_OPENDIR);
	ret = fuse_bpf_pre(fbi, opendir, inode, &meta, &in);
	*res = ret;
	if (ret < 0)
		return true;
	if (ret == FUSE_BPF_USER)
		ff = fuse_file_open(fm, get_node_id(inode), file->f_flags, true);
	else
		ff = fuse_file_alloc(fm, false) ?: ERR_PTR(-ENOMEM);
	*res = PTR_ERR_OR_ZERO(ff);
	if (*res)
		return true;
	ff->nodeid = get_node_id(inode);
	backing = backing_file_open(file, O_RDONLY | O_DIRECTORY, &fbi->path,
				    fbi->cred);
	*res = PTR_ERR_OR_ZERO(backing);
	if (!*res)
		ff->bpf_backing = backing;
	*res = fuse_bpf_post(fbi->filter, opendir, ret, inode, *res, &meta,
			     &in);
	if (*res) {
		if (ff->bpf_backing)
			fput(ff->bpf_backing);
		ff->bpf_backing = NULL;
		/* FUSE_RELEASEDIR, if FUSE_OPENDIR went */
		fuse_file_release(inode, ff, file->f_flags, NULL, true);
		return true;
	}
	file->private_data = ff;
	return true;
}

/*
 * Ask the readdir postfilter about the backing entry @n, for the caller
 * @meta was made for (not under the backing's credentials), which becomes
 * the name it is listed as, in @q. Returns 0, the errno that hides the
 * entry, or -EIO if the filter wrote something that is not a name or
 * returned something else than 0 or an errno.
 */
static int fuse_bpf_entry_listed(const struct fuse_bpf_meta *meta,
				 struct fuse_bpf_inode *fbi,
				 struct fuse_bpf_name *n, struct qstr *q)
{
	int ret;

	ret = fuse_bpf_call(fbi->filter, readdir_postfilter, 0, meta, n, 0);
	ret = fuse_bpf_check_result(ret, 0);
	return ret ?: fuse_bpf_name_get(n, q);
}

/**
 * fuse_bpf_entry_check - whether a backing entry is listed under a name
 * @dir: the backed directory
 * @shown: the name the caller used
 * @backing: the name of the backing entry, which a prefilter may have
 *	rewritten from @shown
 *
 * Every name the kernel resolves or makes in a backed directory is checked
 * here: the readdir postfilter must list the backing entry as @shown, so
 * that a listing, lookups and name operations agree whatever the filter.
 *
 * Return: 0; -EIO for a rewritten name that is not a name; the errno the
 * filter hides the entry with; -ENOENT if it lists it under another name.
 */
int fuse_bpf_entry_check(struct inode *dir, const struct qstr *shown,
			 const struct fuse_bpf_name *backing)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(dir);
	struct fuse_bpf_name n = *backing;
	struct fuse_bpf_meta meta;
	struct qstr q;
	int err;

	if (!fbi || !fbi->filter)
		return 0;
	fuse_bpf_meta_init(&meta, dir, FUSE_READDIR);
	err = fuse_bpf_entry_listed(&meta, fbi, &n, &q);
	if (!err && (q.len != shown->len || memcmp(q.name, shown->name, q.len)))
		err = -ENOENT;
	return err;
}

struct fuse_bpf_readdir {
	struct dir_context ctx;
	struct dir_context *caller;
	struct fuse_bpf_meta meta;
	struct fuse_bpf_inode *fbi;
	int err;
};

/*
 * Pass on the entries the filter shows, under the names it gives them,
 * with the inode numbers stat reports.
 */
static bool fuse_bpf_filldir(struct dir_context *ctx, const char *name,
			     int namelen, loff_t offset, u64 ino,
			     unsigned int d_type)
{
	struct fuse_bpf_readdir *rd = container_of(ctx, struct fuse_bpf_readdir,
						   ctx);
	struct qstr q = QSTR_INIT(name, namelen);
	struct fuse_bpf_name n;
	int err;

	ino = fuse_bpf_ino(rd->fbi->ino_space, ino);
	if (!rd->fbi->filter || fuse_bpf_is_dot_dotdot(name, namelen))
		return rd->caller->actor(rd->caller, name, namelen, offset, ino,
					 d_type);
	/* a name no filter can be asked about is not shown */
	if (fuse_bpf_name_set(&n, &q))
		return true;
	err = fuse_bpf_entry_listed(&rd->meta, rd->fbi, &n, &q);
	if (err == -EIO) {
		rd->err = err;
		return false;
	}
	return err || rd->caller->actor(rd->caller, q.name, q.len, offset,
					ino, d_type);
}

/**
 * fuse_bpf_readdir - read a backed directory
 * @file: the directory
 * @ctx: where the entries go
 * @res: the result, if this returns true
 *
 * The entries are the backing directory's, with its inode numbers in the
 * space of its device (fuse_bpf_ino()), as stat reports them, less those
 * the readdir postfilter hides, under the names it gives them.
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
		.fbi = fbi,
	};
	const struct cred *old_cred;

	if (!fbi || !ff->bpf_backing)
		return false;
	/* a filter whose instance is gone fails the listing */
	*res = -ENOTCONN;
	if (fbi->filter && !fuse_bpf_filter_live(fbi->filter))
		return true;
	/* the caller's ids, before the backing's credentials replace them */
	fuse_bpf_meta_init(&rd.meta, file_inode(file), FUSE_READDIR);
	old_cred = override_creds(fbi->cred);
	/*
	 * Seeks (rewinddir, seekdir) moved only the FUSE file: bring the
	 * backing directory to the same place, with its own llseek, which
	 * knows what its positions mean.
	 */
	if (ctx->pos != ff->bpf_backing->f_pos) {
		loff_t pos = vfs_llseek(ff->bpf_backing, ctx->pos, SEEK_SET);

		if (pos < 0) {
			revert_creds(old_cred);
			*res = pos;
			return true;
		}
	}
	if (fbi->filter || fbi->ino_space) {
		*res = iterate_dir(ff->bpf_backing, &rd.ctx) ?: rd.err;
		ctx->pos = rd.ctx.pos;
	} else {
		*res = iterate_dir(ff->bpf_backing, ctx);
	}
	revert_creds(old_cred);
	return true;
}
