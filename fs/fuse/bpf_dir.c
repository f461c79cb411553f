// SPDX-License-Identifier: GPL-2.0
/*
 * fuse-bpf: namespace operations in backed directories. The kernel makes,
 * removes, renames and links entries in the backing directory itself, with
 * the backing's credentials; the entries it makes are kernel-only nodes
 * with the directory's filter. The caller's permission was checked by the
 * VFS on the FUSE directory, with the backing's attributes.
 */

#include "fuse_i.h"

#include <linux/backing-file.h>
#include <linux/cred.h>
#include <linux/filelock.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/statfs.h>

/*
 * Switch to @dir's credentials with the caller's fsuid and fsgid, so that
 * new entries belong to the caller: @dir's own if they have these ids
 * already (a mounter's own creations), else a copy. Returns the
 * credentials to revert to, or NULL; *@cred is what to put afterwards.
 */
static const struct cred *fuse_bpf_creator(struct fuse_bpf_inode *dir,
					   const struct cred **cred)
{
	kuid_t fsuid = current_fsuid();
	kgid_t fsgid = current_fsgid();
	const struct cred *old;
	struct cred *new;

	if (uid_eq(fsuid, dir->cred->fsuid) && gid_eq(fsgid, dir->cred->fsgid)) {
		*cred = get_cred(dir->cred);
		return override_creds(*cred);
	}
	old = override_creds(dir->cred);
	new = prepare_creds();
	revert_creds(old);
	*cred = new;
	if (!new)
		return NULL;
	new->fsuid = fsuid;
	new->fsgid = fsgid;
	return override_creds(new);
}

/* Lock @dir's backing directory and look @name up in it. */
static struct dentry *fuse_bpf_lock_lookup(struct fuse_bpf_inode *dir,
					   const struct qstr *name)
{
	struct inode *bdir = d_inode(dir->path.dentry);
	struct dentry *dentry;

	inode_lock_nested(bdir, I_MUTEX_PARENT);
	dentry = fuse_bpf_lookup_one(mnt_idmap(dir->path.mnt), name,
				     dir->path.dentry);
	if (IS_ERR(dentry))
		inode_unlock(bdir);
	return dentry;
}

/**
 * fuse_bpf_is_backing - whether a backing entry is the one the VFS checked
 * @entry: the FUSE dentry the VFS looked up and checked
 * @bd: the positive backing entry of its name, looked up under the lock of
 *	the backing directory
 *
 * The backing directory may have changed since the VFS looked @entry up
 * and checked it (permission, sticky bit, type); @bd, found under the
 * lock, is hashed and a child of the locked directory, so what is left to
 * check is that it is still the backing of @entry: the same inode (any of
 * its links). A negative @entry has no backing; an entry of the daemon
 * without a backing has nothing to compare: its filter named the backing
 * entry.
 *
 * Return: true if @bd is @entry's backing.
 */
static bool fuse_bpf_is_backing(struct dentry *entry, struct dentry *bd)
{
	struct fuse_bpf_inode *fbi;

	if (d_is_negative(entry))
		return false;
	fbi = fuse_bpf_backed(d_inode(entry));
	return !fbi || d_inode(fbi->path.dentry) == d_inode(bd);
}

/*
 * The backing entry of @entry is gone or is another one: drop @entry, as
 * FUSE does when its daemon says ENOENT, so that the next lookup (the
 * VFS's retry on ESTALE) finds what is there now.
 */
static void fuse_bpf_stale(struct dentry *entry)
{
	d_invalidate(entry);
	fuse_invalidate_entry_cache(entry);
}

/*
 * The backing name of a name operation on @entry in @dir: @name, as its
 * prefilter left it, which the readdir postfilter must list as @entry's
 * name. An entry that would be hidden or listed under another name fails
 * with @err; a rewrite that is not a name, with EIO.
 */
static int fuse_bpf_op_name(struct inode *dir, struct dentry *entry,
			    struct fuse_bpf_name *name, struct qstr *q,
			    int err)
{
	int ret = fuse_bpf_name_get(name, q) ?:
		  fuse_bpf_entry_check(dir, &entry->d_name, name);

	return ret && ret != -EIO ? err : ret;
}

/*
 * After @q was made as *@bd in @dir's backing directory: a file system may
 * leave *@bd unhashed and negative for a later lookup to instantiate (NFS,
 * FUSE; overlayfs looks up again after vfs_mkdir()), so look the entry up
 * then, in *@bd's place. Gone by then, it is ENOENT, as the next lookup
 * would say; of another type than @mode, EIO.
 */
static int fuse_bpf_made(struct fuse_bpf_inode *dir, const struct qstr *q,
			 umode_t mode, struct dentry **bd)
{
	struct dentry *found;

	if (d_unhashed(*bd) || d_is_negative(*bd)) {
		found = fuse_bpf_lookup_one(mnt_idmap(dir->path.mnt), q,
					    dir->path.dentry);
		if (IS_ERR(found))
			return PTR_ERR(found);
		dput(*bd);
		*bd = found;
	}
	if (d_is_negative(*bd))
		return -ENOENT;
	return (d_inode(*bd)->i_mode ^ mode) & S_IFMT ? -EIO : 0;
}

/* Make the backing of @entry, called @name, in @dir's backing directory. */
static int fuse_bpf_make(struct inode *dir, struct fuse_bpf_inode *fbi,
			 struct dentry *entry, struct fuse_bpf_name *name,
			 umode_t mode, dev_t rdev, const char *target)
{
	struct mnt_idmap *idmap = mnt_idmap(fbi->path.mnt);
	struct inode *bdir = d_inode(fbi->path.dentry);
	struct inode *inode = NULL;
	const struct cred *old;
	struct dentry *bd;
	const struct cred *cred;
	struct qstr q;
	int err;

	err = fuse_bpf_op_name(dir, entry, name, &q, -EPERM) ?:
	      mnt_want_write(fbi->path.mnt);
	if (err)
		return err;
	old = fuse_bpf_creator(fbi, &cred);
	if (!old) {
		err = -ENOMEM;
		goto out_drop;
	}
	bd = fuse_bpf_lock_lookup(fbi, &q);
	err = PTR_ERR(bd);
	if (IS_ERR(bd))
		goto out_creds;
	err = -EEXIST;
	if (d_is_positive(bd))
		goto out_dput;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		err = fuse_bpf_vfs_mkdir(idmap, bdir, &bd, mode & ~S_IFMT);
		break;
	case S_IFLNK:
		err = fuse_bpf_vfs_symlink(idmap, bdir, bd, target);
		break;
	case S_IFREG:
		err = fuse_bpf_vfs_create(idmap, bdir, bd, mode);
		break;
	default:
		err = fuse_bpf_vfs_mknod(idmap, bdir, bd, mode, rdev);
	}
	if (!err)
		err = fuse_bpf_made(fbi, &q, mode, &bd);
	if (!err) {
		inode = fuse_bpf_new_child(dir->i_sb, fbi, dget(bd));
		err = PTR_ERR_OR_ZERO(inode);
	}
out_dput:
	dput(bd);
	inode_unlock(bdir);
out_creds:
	revert_creds(old);
	put_cred(cred);
out_drop:
	mnt_drop_write(fbi->path.mnt);
	if (err)
		return err;
	d_instantiate(entry, inode);
	fuse_invalidate_entry_cache(entry);
	fuse_bpf_copyattr(dir);
	return 0;
}

/**
 * fuse_bpf_create - create, mknod in a backed directory
 * @dir: the directory
 * @entry: the negative dentry
 * @mode: type and mode
 * @rdev: device number
 * @res: the result, if this returns true
 *
 * A regular file is decided by the create filters, anything else by the
 * mknod filters.
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_create(struct inode *dir, struct dentry *entry, umode_t mode,
		     dev_t rdev, int *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(dir);
	struct fuse_bpf_meta meta;
	struct fuse_bpf_name name;
	int ret;

	if (!fbi)
		return false;
	*res = fuse_bpf_name_set(&name, &entry->d_name);
	if (*res)
		return true;
	if (S_ISREG(mode)) {
		struct fuse_create_in in = {
			.mode = mode, .umask = current_umask(),
		};

		fuse_bpf_meta_init(&meta, dir, FUSE_CREATE);
		ret = fuse_bpf_pre(fbi, create, dir, &meta, &in, &name);
		if (ret == FUSE_BPF_USER)
			return false;
		*res = ret < 0 ? ret : fuse_bpf_make(dir, fbi, entry, &name,
						     mode, 0, NULL);
		if (ret >= 0)
			*res = fuse_bpf_post(fbi->filter, create, ret, dir, *res,
					     &meta, &in, &name);
	} else {
		struct fuse_mknod_in in = {
			.mode = mode, .rdev = new_encode_dev(rdev),
			.umask = current_umask(),
		};

		fuse_bpf_meta_init(&meta, dir, FUSE_MKNOD);
		ret = fuse_bpf_pre(fbi, mknod, dir, &meta, &in, &name);
		if (ret == FUSE_BPF_USER)
			return false;
		*res = ret < 0 ? ret : fuse_bpf_make(dir, fbi, entry, &name,
						     mode, rdev, NULL);
		if (ret >= 0)
			*res = fuse_bpf_post(fbi->filter, mknod, ret, dir, *res,
					     &meta, &in, &name);
	}
	return true;
}

/**
 * fuse_bpf_tmpfile - O_TMPFILE in a backed directory
 * @dir: the directory
 * @file: the file being opened, whose dentry is the unnamed entry
 * @mode: mode
 * @res: the result, if this returns true
 *
 * The backing makes the unnamed file; the FUSE file opens it as any
 * backed file. The create filters decide, with an empty name.
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_tmpfile(struct inode *dir, struct file *file, umode_t mode,
		      int *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(dir);
	struct fuse_create_in in = {
		.flags = file->f_flags, .mode = mode,
		.umask = current_umask(),
	};
	struct fuse_bpf_name name = {};
	struct fuse_bpf_meta meta;
	const struct cred *old;
	struct inode *inode;
	struct file *backing;
	const struct cred *cred;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_meta_init(&meta, dir, FUSE_TMPFILE);
	ret = fuse_bpf_pre(fbi, create, dir, &meta, &in, &name);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	*res = mnt_want_write(fbi->path.mnt);
	if (*res)
		goto post;
	old = fuse_bpf_creator(fbi, &cred);
	backing = old ? backing_tmpfile_open(file, file->f_flags, &fbi->path,
					     mode, cred) : ERR_PTR(-ENOMEM);
	if (old) {
		revert_creds(old);
		put_cred(cred);
	}
	mnt_drop_write(fbi->path.mnt);
	*res = PTR_ERR_OR_ZERO(backing);
	if (*res)
		goto post;
	inode = fuse_bpf_new_child(dir->i_sb, fbi,
				   dget(backing->f_path.dentry));
	fput(backing);
	*res = PTR_ERR_OR_ZERO(inode);
	if (*res)
		goto post;
	d_mark_tmpfile(file, inode);
	d_instantiate(file->f_path.dentry, inode);
	*res = finish_open(file, file->f_path.dentry, NULL);
post:
	*res = fuse_bpf_post(fbi->filter, create, ret, dir, *res, &meta, &in,
			     &name);
	return true;
}

/**
 * fuse_bpf_mkdir - mkdir in a backed directory
 * @dir: the directory
 * @entry: the negative dentry
 * @mode: mode
 * @res: the result, if this returns true
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_mkdir(struct inode *dir, struct dentry *entry, umode_t mode,
		    int *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(dir);
	struct fuse_mkdir_in in = { .mode = mode, .umask = current_umask() };
	struct fuse_bpf_meta meta;
	struct fuse_bpf_name name;
	int ret;

	if (!fbi)
		return false;
	*res = fuse_bpf_name_set(&name, &entry->d_name);
	if (*res)
		return true;
	fuse_bpf_meta_init(&meta, dir, FUSE_MKDIR);
	ret = fuse_bpf_pre(fbi, mkdir, dir, &meta, &in, &name);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	*res = fuse_bpf_make(dir, fbi, entry, &name, S_IFDIR | mode, 0,
			     NULL);
	*res = fuse_bpf_post(fbi->filter, mkdir, ret, dir, *res, &meta, &in,
			     &name);
	return true;
}

/**
 * fuse_bpf_symlink - symlink in a backed directory
 * @dir: the directory
 * @entry: the negative dentry
 * @target: what the link points to
 * @res: the result, if this returns true
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_symlink(struct inode *dir, struct dentry *entry,
		      const char *target, int *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(dir);
	struct fuse_bpf_meta meta;
	struct fuse_bpf_name name;
	int ret;

	if (!fbi)
		return false;
	*res = fuse_bpf_name_set(&name, &entry->d_name);
	if (*res)
		return true;
	fuse_bpf_meta_init(&meta, dir, FUSE_SYMLINK);
	ret = fuse_bpf_pre(fbi, symlink, dir, &meta, &name);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	*res = fuse_bpf_make(dir, fbi, entry, &name, S_IFLNK | 0777, 0,
			     target);
	*res = fuse_bpf_post(fbi->filter, symlink, ret, dir, *res, &meta,
			     &name);
	return true;
}

/*
 * Remove the backing of @entry, called @name, from @dir's backing dir: a
 * backing entry that is gone is ENOENT, another one ESTALE, as in
 * fuse_bpf_rename_check(). A delegation on it is broken and the removal
 * retried, as do_unlinkat() does, though the VFS still holds the FUSE
 * directory's lock (and the victim's) over the wait, up to the backing's
 * lease-break time: a client that holds a delegation on the backing is
 * not failed with EWOULDBLOCK, which an unlink through the mount would
 * never see otherwise.
 */
static int fuse_bpf_remove(struct inode *dir, struct fuse_bpf_inode *fbi,
			   struct dentry *entry, struct fuse_bpf_name *name,
			   bool rmdir)
{
	struct mnt_idmap *idmap = mnt_idmap(fbi->path.mnt);
	struct inode *bdir = d_inode(fbi->path.dentry);
	struct fuse_bpf_deleg delegated = {};
	const struct cred *old;
	struct dentry *bd;
	struct qstr q;
	int err;

	err = fuse_bpf_op_name(dir, entry, name, &q, -ENOENT) ?:
	      mnt_want_write(fbi->path.mnt);
	if (err)
		return err;
	old = override_creds(fbi->cred);
retry:
	bd = fuse_bpf_lock_lookup(fbi, &q);
	err = PTR_ERR(bd);
	if (IS_ERR(bd))
		goto out;
	if (d_is_negative(bd))
		err = -ENOENT;
	else if (!fuse_bpf_is_backing(entry, bd))
		err = -ESTALE;
	else if (rmdir)
		err = fuse_bpf_vfs_rmdir(idmap, bdir, bd, &delegated.di);
	else
		err = vfs_unlink(idmap, bdir, bd, &delegated.di);
	dput(bd);
	inode_unlock(bdir);
	if (fuse_bpf_deleg_pending(&delegated)) {
		err = break_deleg_wait(&delegated.di);
		if (!err)
			goto retry;
	}
out:
	revert_creds(old);
	mnt_drop_write(fbi->path.mnt);
	if (err == -ENOENT || err == -ESTALE)
		fuse_bpf_stale(entry);
	return err;
}

/* After a change of @entry's link count: its attributes again. */
static void fuse_bpf_relinked(struct inode *inode)
{
	if (!inode)
		return;
	if (fuse_bpf_inode(inode))
		fuse_bpf_copyattr(inode);
	else
		fuse_invalidate_attr(inode);
}

/**
 * fuse_bpf_unlink - unlink or rmdir in a backed directory
 * @dir: the directory
 * @entry: the dentry to remove
 * @rmdir: rmdir rather than unlink
 * @res: the result, if this returns true
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_unlink(struct inode *dir, struct dentry *entry, bool rmdir,
		     int *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(dir);
	struct fuse_bpf_meta meta;
	struct fuse_bpf_name name;
	int ret;

	if (!fbi)
		return false;
	*res = fuse_bpf_name_set(&name, &entry->d_name);
	if (*res)
		return true;
	fuse_bpf_meta_init(&meta, dir, rmdir ? FUSE_RMDIR : FUSE_UNLINK);
	if (rmdir)
		ret = fuse_bpf_pre(fbi, rmdir, dir, &meta, &name);
	else
		ret = fuse_bpf_pre(fbi, unlink, dir, &meta, &name);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	*res = fuse_bpf_remove(dir, fbi, entry, &name, rmdir);
	if (!*res) {
		fuse_bpf_copyattr(dir);
		fuse_bpf_relinked(d_inode(entry));
	}
	if (rmdir)
		*res = fuse_bpf_post(fbi->filter, rmdir, ret, dir, *res, &meta,
				     &name);
	else
		*res = fuse_bpf_post(fbi->filter, unlink, ret, dir, *res,
				     &meta, &name);
	return true;
}

/**
 * fuse_bpf_rename_check - whether the backing entries are still the FUSE ones
 * @rd: the rename, with the backing entries fuse_bpf_start_renaming() found
 * @oldent: the FUSE source the VFS checked
 * @newent: the FUSE target the VFS checked
 *
 * The backing directories may have changed since the VFS checked @oldent
 * and @newent. fuse_bpf_start_renaming() found what do_renameat2() would
 * (a missing source or exchange target, RENAME_NOREPLACE onto an entry,
 * the traps); an entry that is not the backing of the FUSE dentry any
 * more, a vanished target of a plain rename included, is ESTALE, as
 * overlayfs says, and the VFS looks both up again and retries once.
 *
 * Return: 0 if the backing rename may go on, else -ESTALE.
 */
static int fuse_bpf_rename_check(const struct renamedata *rd,
				 struct dentry *oldent, struct dentry *newent)
{
	struct dentry *new = rd->new_dentry;

	if (!fuse_bpf_is_backing(oldent, rd->old_dentry))
		return -ESTALE;
	if (d_is_positive(new) ? !fuse_bpf_is_backing(newent, new) :
				 d_is_positive(newent))
		return -ESTALE;
	return 0;
}

/*
 * Rename @oldent, called @oldq in the backing, to @newent, called @newq:
 * both directories are backed on one mount. A delegation on either
 * backing inode is broken and the rename retried, as do_renameat2() does,
 * with the FUSE locks the VFS holds kept (fuse_bpf_remove()).
 */
static int fuse_bpf_rename_backing(struct fuse_bpf_inode *ofbi,
				   struct dentry *oldent,
				   const struct qstr *oldq,
				   struct fuse_bpf_inode *nfbi,
				   struct dentry *newent,
				   const struct qstr *newq, unsigned int flags)
{
	struct mnt_idmap *idmap = mnt_idmap(ofbi->path.mnt);
	struct dentry *obdir = ofbi->path.dentry, *nbdir = nfbi->path.dentry;
	struct fuse_bpf_deleg delegated = {};
	struct renamedata rd = {
		.delegated_inode = &delegated.di,
		.flags = flags,
	};
	const struct cred *old;
	int err;

	err = mnt_want_write(ofbi->path.mnt);
	if (err)
		return err;
	old = override_creds(ofbi->cred);
retry:
	err = fuse_bpf_start_renaming(&rd, idmap, obdir, oldq, nbdir, newq);
	if (err)
		goto out;
	err = fuse_bpf_rename_check(&rd, oldent, newent) ?: vfs_rename(&rd);
	fuse_bpf_end_renaming(&rd, obdir, nbdir);
	if (fuse_bpf_deleg_pending(&delegated)) {
		err = break_deleg_wait(&delegated.di);
		if (!err)
			goto retry;
	}
out:
	revert_creds(old);
	mnt_drop_write(ofbi->path.mnt);
	if (err == -ENOENT || err == -ESTALE) {
		fuse_bpf_stale(oldent);
		fuse_bpf_stale(newent);
	}
	return err;
}

/*
 * The say of the other object's filter in a two-object operation that the
 * first one's filter sent to the backing, when it is another filter: its
 * @op prefilter sees the same arguments, whose names it may rewrite as the
 * first could (the names are checked against both directories' listings
 * afterwards). An errno refuses; the backing, with or without its
 * postfilter, agrees; anything else is -EXDEV, as between file systems
 * (mv copies then, each filter deciding its own part).
 */
#define fuse_bpf_second(fbi, other, op, meta, ...)			\
({									\
	int __r = FUSE_BPF_BACKING;					\
									\
	if ((other)->filter && (other)->filter != (fbi)->filter) {	\
		__r = fuse_bpf_prefilter(other, op, meta, ##__VA_ARGS__); \
		if (__r > 0 && __r != FUSE_BPF_POSTFILTER)		\
			__r = -EXDEV;					\
	}								\
	__r;								\
})

/**
 * fuse_bpf_rename - rename between backed directories
 * @olddir: the source directory
 * @oldent: the source
 * @newdir: the target directory
 * @newent: the target
 * @flags: RENAME_*
 * @res: the result, if this returns true
 *
 * The source directory's filter decides, then the target directory's, if
 * it has another (fuse_bpf_second()). A rename between a backed and
 * an unbacked directory, or across backing mounts, fails with EXDEV, as
 * between file systems, and so does one of a kernel-found directory into
 * a directory of another filter. A file renamed into a directory of
 * another filter takes its filter at the next lookup.
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_rename(struct inode *olddir, struct dentry *oldent,
		     struct inode *newdir, struct dentry *newent,
		     unsigned int flags, int *res)
{
	struct fuse_bpf_inode *ofbi = fuse_bpf_inode(olddir);
	struct fuse_bpf_inode *nfbi = fuse_bpf_inode(newdir);
	struct fuse_rename2_in in = {
		.newdir = get_node_id(newdir), .flags = flags,
	};
	struct fuse_bpf_name oldname, newname;
	struct fuse_bpf_meta meta, nmeta;
	struct qstr oldq, newq;
	int ret, nret;

	if (!ofbi && !nfbi)
		return false;
	*res = -EXDEV;
	if (!ofbi || !nfbi)
		return true;
	*res = fuse_bpf_name_set(&oldname, &oldent->d_name) ?:
	       fuse_bpf_name_set(&newname, &newent->d_name);
	if (*res)
		return true;
	fuse_bpf_meta_init(&meta, olddir, FUSE_RENAME2);
	ret = fuse_bpf_pre(ofbi, rename, olddir, &meta, &in, &oldname,
			   &newname);
	/* the request would name the target directory to the daemon */
	if (ret == FUSE_BPF_USER &&
	    fuse_bpf_nodeid_is_kernel(get_node_id(newdir)))
		ret = -EIO;
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	/*
	 * A kernel-found directory keeps its filter for as long as it lives,
	 * its children and mounts with it: into another filter's directory,
	 * it is copied, each filter deciding its part.
	 */
	*res = -EXDEV;
	if (d_is_dir(oldent) &&
	    fuse_bpf_nodeid_is_kernel(get_node_id(d_inode(oldent))) &&
	    ofbi->filter != nfbi->filter)
		goto post;
	fuse_bpf_meta_init(&nmeta, newdir, FUSE_RENAME2);
	nret = fuse_bpf_second(ofbi, nfbi, rename, &nmeta, &in, &oldname,
			       &newname);
	*res = min(nret, 0);
	if (!*res)
		*res = fuse_bpf_op_name(olddir, oldent, &oldname, &oldq,
					-ENOENT) ?:
		       fuse_bpf_op_name(newdir, newent, &newname, &newq,
					-EPERM);
	if (!*res && ofbi->path.mnt != nfbi->path.mnt)
		*res = -EXDEV;
	if (!*res)
		*res = fuse_bpf_rename_backing(ofbi, oldent, &oldq, nfbi,
					       newent, &newq, flags);
	if (!*res) {
		fuse_bpf_copyattr(olddir);
		fuse_bpf_copyattr(newdir);
		fuse_bpf_relinked(d_inode(oldent));
		fuse_bpf_relinked(d_inode(newent));
	}
	if (nret == FUSE_BPF_POSTFILTER)
		*res = fuse_bpf_postfilter(nfbi->filter, rename, *res, &nmeta,
					   &in, &oldname, &newname);
post:
	*res = fuse_bpf_post(ofbi->filter, rename, ret, olddir, *res, &meta,
			     &in, &oldname, &newname);
	return true;
}

/**
 * fuse_bpf_link - link into a backed directory
 * @entry: the existing entry
 * @newdir: the directory of the new one
 * @newent: the new, negative, entry
 * @res: the result, if this returns true
 *
 * The target directory's filter decides, then the linked inode's, if it
 * has another (fuse_bpf_second()). A link of a kernel-only node into an
 * unbacked directory, or of an unbacked inode into a backed directory,
 * fails with EXDEV, as across file systems; a daemon-known node links
 * into an unbacked directory through the daemon. The new name of an inode
 * whose policy is not the directory's is a kernel-only inode of the
 * directory's policy.
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_link(struct dentry *entry, struct inode *newdir,
		   struct dentry *newent, int *res)
{
	struct fuse_bpf_inode *nfbi = fuse_bpf_inode(newdir);
	struct inode *inode = d_inode(entry);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_link_in in = { .oldnodeid = get_node_id(inode) };
	struct fuse_bpf_deleg delegated = {};
	struct inode *linked = inode;
	struct fuse_bpf_meta meta, smeta;
	struct fuse_bpf_name name;
	const struct cred *old;
	struct dentry *bd;
	struct qstr q;
	int ret, sret = FUSE_BPF_BACKING;

	if (!nfbi) {
		/* the daemon cannot link what it does not know */
		*res = -EXDEV;
		return fuse_bpf_nodeid_is_kernel(get_node_id(inode));
	}
	*res = fuse_bpf_name_set(&name, &newent->d_name);
	if (*res)
		return true;
	fuse_bpf_meta_init(&meta, newdir, FUSE_LINK);
	ret = fuse_bpf_pre(nfbi, link, newdir, &meta, &in, &name);
	/* the request would name the inode to the daemon */
	if (ret == FUSE_BPF_USER &&
	    fuse_bpf_nodeid_is_kernel(get_node_id(inode)))
		ret = -EIO;
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	*res = -EXDEV;
	if (!fbi || fbi->path.mnt != nfbi->path.mnt)
		goto post;
	fuse_bpf_meta_init(&smeta, inode, FUSE_LINK);
	sret = fuse_bpf_second(nfbi, fbi, link, &smeta, &in, &name);
	*res = min(sret, 0) ?:
	       fuse_bpf_op_name(newdir, newent, &name, &q, -EPERM) ?:
	       mnt_want_write(nfbi->path.mnt);
	if (*res)
		goto post;
	old = override_creds(nfbi->cred);
retry:
	bd = fuse_bpf_lock_lookup(nfbi, &q);
	*res = PTR_ERR(bd);
	if (!IS_ERR(bd)) {
		*res = d_is_positive(bd) ? -EEXIST :
		       vfs_link(fbi->path.dentry, mnt_idmap(nfbi->path.mnt),
				d_inode(nfbi->path.dentry), bd, &delegated.di);
		/* the new name under another policy is another inode */
		if (!*res && !fuse_bpf_same_policy(fbi, nfbi)) {
			linked = fuse_bpf_new_child(newdir->i_sb, nfbi,
						    dget(bd));
			*res = PTR_ERR_OR_ZERO(linked);
		}
		dput(bd);
		inode_unlock(d_inode(nfbi->path.dentry));
	}
	/* as do_linkat(): break a delegation on the inode, then retry */
	if (fuse_bpf_deleg_pending(&delegated)) {
		*res = break_deleg_wait(&delegated.di);
		if (!*res)
			goto retry;
	}
	revert_creds(old);
	mnt_drop_write(nfbi->path.mnt);
	if (!*res) {
		if (linked == inode)
			ihold(inode);
		d_instantiate(newent, linked);
		fuse_invalidate_entry_cache(newent);
		fuse_bpf_copyattr(inode);
		fuse_bpf_copyattr(newdir);
	}
post:
	if (sret == FUSE_BPF_POSTFILTER)
		*res = fuse_bpf_postfilter(fbi->filter, link, *res, &smeta, &in,
					   &name);
	*res = fuse_bpf_post(nfbi->filter, link, ret, newdir, *res, &meta, &in,
			     &name);
	return true;
}

/*
 * The prefilter of an operation without input (readlink, statfs): the
 * daemon, if asked, gets just the request header.
 */
#define fuse_bpf_pre_noarg(fbi, op, inode, meta)			\
({									\
	int __pre = fuse_bpf_prefilter(fbi, op, meta);			\
									\
	if (__pre == FUSE_BPF_USER_PREFILTER)				\
		__pre = fuse_bpf_user_prefilter(inode, (meta)->opcode,	\
						NULL, 0);		\
	__pre;								\
})

/**
 * fuse_bpf_get_link - read a backed symlink
 * @dentry: the symlink, NULL in RCU walk
 * @inode: its inode
 * @done: how to release the result
 * @res: the target, if this returns true
 *
 * Return: false if @inode is not backed or the daemon reads the link.
 */
bool fuse_bpf_get_link(struct dentry *dentry, struct inode *inode,
		       struct delayed_call *done, const char **res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_bpf_meta meta;
	const struct cred *old;
	int ret, err, len;

	if (!fbi)
		return false;
	if (!dentry) {
		*res = ERR_PTR(-ECHILD);
		return true;
	}
	fuse_bpf_meta_init(&meta, inode, FUSE_READLINK);
	ret = fuse_bpf_pre_noarg(fbi, readlink, inode, &meta);
	if (ret == FUSE_BPF_USER)
		return false;
	if (ret < 0) {
		*res = ERR_PTR(ret);
		return true;
	}
	old = override_creds(fbi->cred);
	*res = vfs_get_link(fbi->path.dentry, done);
	revert_creds(old);
	len = IS_ERR(*res) ? PTR_ERR(*res) : strlen(*res);
	err = len;
	if (ret == FUSE_BPF_POSTFILTER)
		err = fuse_bpf_postfilter(fbi->filter, readlink, len, &meta);
	else if (ret == FUSE_BPF_USER_POSTFILTER)
		err = fuse_bpf_user_postfilter(inode, FUSE_READLINK, NULL, 0,
					       len);
	if (err < 0 && !IS_ERR(*res)) {
		do_delayed_call(done);
		clear_delayed_call(done);
	}
	if (err < 0)
		*res = ERR_PTR(err);
	return true;
}

/**
 * fuse_bpf_statfs - statfs of a backed inode
 * @dentry: the dentry asked about
 * @buf: the result
 * @res: the result, if this returns true
 *
 * The backing file system's numbers, with FUSE's magic.
 *
 * Return: false if @dentry is not backed or the daemon answers.
 */
bool fuse_bpf_statfs(struct dentry *dentry, struct kstatfs *buf, int *res)
{
	struct inode *inode = d_inode(dentry);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_statfs_out out = {};
	struct fuse_bpf_meta meta;
	const struct cred *old;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_meta_init(&meta, inode, FUSE_STATFS);
	ret = fuse_bpf_pre_noarg(fbi, statfs, inode, &meta);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	old = override_creds(fbi->cred);
	*res = vfs_statfs(&fbi->path, buf);
	revert_creds(old);
	buf->f_type = FUSE_SUPER_MAGIC;
	if (!*res)
		out.st = (struct fuse_kstatfs) {
			.blocks = buf->f_blocks, .bfree = buf->f_bfree,
			.bavail = buf->f_bavail, .files = buf->f_files,
			.ffree = buf->f_ffree, .bsize = buf->f_bsize,
			.namelen = buf->f_namelen, .frsize = buf->f_frsize,
		};
	*res = fuse_bpf_post(fbi->filter, statfs, ret, inode, *res, &meta,
			     &out);
	return true;
}
