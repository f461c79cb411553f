/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuse-bpf: what differs between the two kernel series the module is
 * built for, Debian 13's Linux 6.12 and trixie-backports' 7.3.
 *
 * Every version condition of the project's own files is in this header:
 * the rest of them call the helpers below, which take one form on each
 * series.  Where a call site of the stock fs/fuse must differ, the series
 * has its own version of that patch (fs/fuse/patches/7.3/).  Kernels
 * between the two are not supported: one condition tells them apart,
 * FUSE_BPF_7_3, which Kbuild defines from the version of the kernel built
 * for.
 *
 * The macros that reach into FUSE's structures expand in the files that
 * have fuse_i.h; dev.c of 7.3 includes only this project's header.
 */
#ifndef _FS_FUSE_BPF_COMPAT_H
#define _FS_FUSE_BPF_COMPAT_H

#include <linux/backing-file.h>
#include <linux/dcache.h>
#include <linux/filelock.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/uio.h>

#ifdef FUSE_BPF_7_3

#include "fuse_dev_i.h"

/* the inode flags of FS_IOC_[GS]ETFLAGS and FS_IOC_FS[GS]ETXATTR */
#define fuse_bpf_fileattr file_kattr

/* MODULE_IMPORT_NS() takes a string */
#define FUSE_BPF_NS_BPF_INTERNAL "BPF_INTERNAL"

/* the connection of a /dev/fuse-bpf descriptor, and its FUSE_INIT */
#define fuse_bpf_dev_conn(fud) ((fud)->chan->conn)
/* pairs with the release of fuse_chan_set_initialized() */
#define fuse_bpf_conn_initialized(fc) smp_load_acquire(&(fc)->chan->initialized)

#define fuse_bpf_i_state(inode) inode_state_read_once(inode)
#define fuse_bpf_is_dot_dotdot(name, len) name_is_dot_dotdot(name, len)

/* 7.3 has no caller-completed direct I/O to keep from a cloned kiocb */
#define FUSE_BPF_IOCB_CALLER_COMP 0

/* backing_file_ctx no longer names the user's file */
static inline void fuse_bpf_ctx_user_file(struct backing_file_ctx *ctx,
					  struct file *file)
{
}

/**
 * struct fuse_bpf_deleg - a delegation a namespace operation must break
 * @di: what vfs_unlink(), vfs_link() and vfs_rename() fill in
 */
struct fuse_bpf_deleg {
	struct delegated_inode di;
};

static inline bool fuse_bpf_deleg_pending(struct fuse_bpf_deleg *d)
{
	return is_delegated(&d->di);
}

static inline struct dentry *fuse_bpf_lookup_one(struct mnt_idmap *idmap,
						 const struct qstr *name,
						 struct dentry *base)
{
	struct qstr q = QSTR_LEN(name->name, name->len);

	return lookup_one(idmap, &q, base);
}

static inline struct dentry *
fuse_bpf_lookup_one_unlocked(struct mnt_idmap *idmap, const struct qstr *name,
			     struct dentry *base)
{
	struct qstr q = QSTR_LEN(name->name, name->len);

	return lookup_one_unlocked(idmap, &q, base);
}

/*
 * Directory delegations are not broken for creations, as overlayfs does
 * not: a delegated backing directory makes them fail (EWOULDBLOCK).
 */
static inline int fuse_bpf_vfs_create(struct mnt_idmap *idmap,
				      struct inode *dir, struct dentry *dentry,
				      umode_t mode)
{
	return vfs_create(idmap, dentry, mode, NULL);
}

/*
 * vfs_mkdir() may give another dentry; on failure it ends the creation:
 * it drops *@dentry and unlocks @dir, which the caller unlocks as on 6.12,
 * so take the lock again.
 */
static inline int fuse_bpf_vfs_mkdir(struct mnt_idmap *idmap,
				     struct inode *dir, struct dentry **dentry,
				     umode_t mode)
{
	struct dentry *made = vfs_mkdir(idmap, dir, *dentry, mode, NULL);

	if (IS_ERR(made)) {
		*dentry = NULL;
		inode_lock_nested(dir, I_MUTEX_PARENT);
		return PTR_ERR(made);
	}
	*dentry = made;
	return 0;
}

#define fuse_bpf_vfs_mknod(idmap, dir, dentry, mode, rdev) \
	vfs_mknod(idmap, dir, dentry, mode, rdev, NULL)
#define fuse_bpf_vfs_symlink(idmap, dir, dentry, target) \
	vfs_symlink(idmap, dir, dentry, target, NULL)
/* a delegation on the directory is broken by the caller, as for unlink */
#define fuse_bpf_vfs_rmdir(idmap, dir, dentry, deleg) \
	vfs_rmdir(idmap, dir, dentry, deleg)

/**
 * fuse_bpf_start_renaming - lock two backing directories, look two names up
 * @rd: the rename; flags and delegated_inode set, the rest filled in
 * @idmap: the backing mount's idmap
 * @odir: the source directory
 * @oldq: the source name
 * @ndir: the target directory
 * @newq: the target name
 *
 * As do_renameat2() decides them: a negative source is ENOENT, so is a
 * negative target of RENAME_EXCHANGE; a positive target of
 * RENAME_NOREPLACE is EEXIST; a source that is an ancestor of the target
 * is EINVAL, a target that is an ancestor of the source ENOTEMPTY
 * (EINVAL for RENAME_EXCHANGE).
 *
 * Return: 0 with both locked and looked up, until fuse_bpf_end_renaming(),
 * or the errno.
 */
static inline int fuse_bpf_start_renaming(struct renamedata *rd,
					  struct mnt_idmap *idmap,
					  struct dentry *odir,
					  const struct qstr *oldq,
					  struct dentry *ndir,
					  const struct qstr *newq)
{
	struct qstr o = QSTR_LEN(oldq->name, oldq->len);
	struct qstr n = QSTR_LEN(newq->name, newq->len);

	rd->mnt_idmap = idmap;
	rd->old_parent = odir;
	rd->new_parent = ndir;
	return start_renaming(rd, 0, &o, &n);
}

/* the directories again, for 6.12's sake */
static inline void fuse_bpf_end_renaming(struct renamedata *rd,
					 struct dentry *odir,
					 struct dentry *ndir)
{
	end_renaming(rd);
}

/* AT_GETATTR_NOSEC is gone: the VFS checked the caller, as overlayfs has it */
static inline int fuse_bpf_getattr_backing(const struct path *path,
					   struct kstat *stat, u32 mask,
					   unsigned int flags)
{
	return vfs_getattr_nosec(path, stat, mask, flags);
}

static inline ssize_t fuse_bpf_splice_write_backing(struct pipe_inode_info *pipe,
						    struct file *backing,
						    struct file *out,
						    loff_t *ppos, size_t len,
						    unsigned int flags,
						    struct backing_file_ctx *ctx)
{
	struct kiocb iocb;
	ssize_t ret;

	init_sync_kiocb(&iocb, out);
	iocb.ki_pos = *ppos;
	ret = backing_file_splice_write(pipe, backing, &iocb, len, flags, ctx);
	*ppos = iocb.ki_pos;
	return ret;
}

#else /* Linux 6.12 */

#define fuse_bpf_fileattr fileattr

#define FUSE_BPF_NS_BPF_INTERNAL BPF_INTERNAL

#define fuse_bpf_dev_conn(fud) ((fud)->fc)
#define fuse_bpf_conn_initialized(fc) ({				\
	bool inited_ = READ_ONCE((fc)->initialized);			\
	/* pairs with the barrier of fuse_set_initialized() */		\
	smp_rmb();							\
	inited_;							\
})

#define fuse_bpf_i_state(inode) ((inode)->i_state)
#define fuse_bpf_is_dot_dotdot(name, len) is_dot_dotdot(name, len)

#define FUSE_BPF_IOCB_CALLER_COMP IOCB_DIO_CALLER_COMP

static inline void fuse_bpf_ctx_user_file(struct backing_file_ctx *ctx,
					  struct file *file)
{
	ctx->user_file = file;
}

struct fuse_bpf_deleg {
	struct inode *di;
};

static inline bool fuse_bpf_deleg_pending(struct fuse_bpf_deleg *d)
{
	return d->di;
}

static inline struct dentry *fuse_bpf_lookup_one(struct mnt_idmap *idmap,
						 const struct qstr *name,
						 struct dentry *base)
{
	return lookup_one(idmap, name->name, base, name->len);
}

static inline struct dentry *
fuse_bpf_lookup_one_unlocked(struct mnt_idmap *idmap, const struct qstr *name,
			     struct dentry *base)
{
	return lookup_one_unlocked(idmap, name->name, base, name->len);
}

static inline int fuse_bpf_vfs_create(struct mnt_idmap *idmap,
				      struct inode *dir, struct dentry *dentry,
				      umode_t mode)
{
	return vfs_create(idmap, dir, dentry, mode, true);
}

static inline int fuse_bpf_vfs_mkdir(struct mnt_idmap *idmap,
				     struct inode *dir, struct dentry **dentry,
				     umode_t mode)
{
	return vfs_mkdir(idmap, dir, *dentry, mode);
}

#define fuse_bpf_vfs_mknod(idmap, dir, dentry, mode, rdev) \
	vfs_mknod(idmap, dir, dentry, mode, rdev)
#define fuse_bpf_vfs_symlink(idmap, dir, dentry, target) \
	vfs_symlink(idmap, dir, dentry, target)
static inline int fuse_bpf_vfs_rmdir(struct mnt_idmap *idmap,
				     struct inode *dir, struct dentry *dentry,
				     struct inode **deleg)
{
	return vfs_rmdir(idmap, dir, dentry);
}

static inline int fuse_bpf_start_renaming(struct renamedata *rd,
					  struct mnt_idmap *idmap,
					  struct dentry *odir,
					  const struct qstr *oldq,
					  struct dentry *ndir,
					  const struct qstr *newq)
{
	struct dentry *trap, *old, *new;
	int err;

	rd->old_mnt_idmap = idmap;
	rd->old_dir = d_inode(odir);
	rd->new_mnt_idmap = idmap;
	rd->new_dir = d_inode(ndir);
	trap = lock_rename(odir, ndir);
	if (IS_ERR(trap))
		return PTR_ERR(trap);
	old = lookup_one(idmap, oldq->name, odir, oldq->len);
	err = PTR_ERR(old);
	if (IS_ERR(old))
		goto out_unlock;
	new = lookup_one(idmap, newq->name, ndir, newq->len);
	err = PTR_ERR(new);
	if (IS_ERR(new))
		goto out_old;
	err = 0;
	if (d_is_negative(old) ||
	    ((rd->flags & RENAME_EXCHANGE) && d_is_negative(new)))
		err = -ENOENT;
	else if ((rd->flags & RENAME_NOREPLACE) && d_is_positive(new))
		err = -EEXIST;
	else if (old == trap)
		err = -EINVAL;
	else if (new == trap)
		err = rd->flags & RENAME_EXCHANGE ? -EINVAL : -ENOTEMPTY;
	if (!err) {
		rd->old_dentry = old;
		rd->new_dentry = new;
		return 0;
	}
	dput(new);
out_old:
	dput(old);
out_unlock:
	unlock_rename(odir, ndir);
	return err;
}

static inline void fuse_bpf_end_renaming(struct renamedata *rd,
					 struct dentry *odir,
					 struct dentry *ndir)
{
	dput(rd->old_dentry);
	dput(rd->new_dentry);
	unlock_rename(odir, ndir);
}

static inline int fuse_bpf_getattr_backing(const struct path *path,
					   struct kstat *stat, u32 mask,
					   unsigned int flags)
{
	/* as overlayfs: the VFS checked the caller on the FUSE inode */
	if (flags & AT_GETATTR_NOSEC)
		return vfs_getattr_nosec(path, stat, mask, flags);
	return vfs_getattr(path, stat, mask, flags);
}

static inline ssize_t fuse_bpf_splice_write_backing(struct pipe_inode_info *pipe,
						    struct file *backing,
						    struct file *out,
						    loff_t *ppos, size_t len,
						    unsigned int flags,
						    struct backing_file_ctx *ctx)
{
	return backing_file_splice_write(pipe, backing, ppos, len, flags, ctx);
}

#endif /* !FUSE_BPF_7_3 */

#endif /* _FS_FUSE_BPF_COMPAT_H */
