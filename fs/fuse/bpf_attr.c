// SPDX-License-Identifier: GPL-2.0
/*
 * fuse-bpf: attributes of backed inodes. The backing inode is authoritative,
 * as in overlayfs: getattr is answered from it, and the FUSE inode's copy
 * is refreshed after every operation that may change it.
 */

#include "fuse_i.h"

#include <linux/cred.h>
#include <linux/fileattr.h>
#include <linux/mount.h>

/*
 * The inode flags the VFS checks on the FUSE inode (may_open(),
 * inode_permission(), vfs_truncate(), vfs_fallocate()...), as overlayfs
 * copies them. S_NOATIME stays set on every FUSE inode: atime is the
 * backing's.
 */
#define FUSE_BPF_INODE_FLAGS	(S_APPEND | S_IMMUTABLE | S_SYNC)

/*
 * Inode numbers: the first backing device of a connection keeps its own;
 * each further one, up to FUSE_BPF_INO_SPACES - 1 of them, puts its index
 * in bits 56..62, as overlayfs's xino does, so that the (st_dev, st_ino)
 * of backed inodes are unique in the mount and above the numbers of
 * daemons that serve nodes of their own. A number that does not fit, or
 * a device beyond those, keeps its own.
 */
#define FUSE_BPF_INO_SPACES	128
#define FUSE_BPF_INO_SHIFT	56

/**
 * fuse_bpf_ino_space - the inode-number space of a backing device
 * @fc: the connection
 * @dev: the device of the backing's super block
 *
 * Takes a free slot for a new device, lock-free: devices are only
 * compared, and a slot stays taken for the life of the connection.
 *
 * Return: the bits fuse_bpf_ino() adds to its inode numbers.
 */
u64 fuse_bpf_ino_space(struct fuse_conn *fc, dev_t dev)
{
	dev_t *spaces = READ_ONCE(fc->bpf_ino_spaces), *old, d;
	u64 i;

	if (!spaces) {
		spaces = kcalloc(FUSE_BPF_INO_SPACES, sizeof(*spaces),
				 GFP_KERNEL);
		if (!spaces)
			return 0;
		old = cmpxchg(&fc->bpf_ino_spaces, NULL, spaces);
		if (old) {
			kfree(spaces);
			spaces = old;
		}
	}
	for (i = 0; i < FUSE_BPF_INO_SPACES; i++) {
		d = READ_ONCE(spaces[i]);
		if (!d)
			d = cmpxchg(&spaces[i], 0, dev) ?: dev;
		if (d == dev)
			return i << FUSE_BPF_INO_SHIFT;
	}
	return 0;
}

/**
 * fuse_bpf_ino - a backing inode number in its space
 * @space: fuse_bpf_ino_space() of the backing's device
 * @ino: the number on the backing
 *
 * Return: the number stat, readdir and the FUSE inode report.
 */
u64 fuse_bpf_ino(u64 space, u64 ino)
{
	return ino >> FUSE_BPF_INO_SHIFT ? ino : space | ino;
}

/* Copy the backing's attributes and flags to @inode, under fi->lock. */
static void fuse_bpf_copyattr_locked(struct inode *inode,
				     const struct fuse_bpf_inode *fbi)
{
	const struct inode *backing = d_inode(fbi->path.dentry);
	struct fuse_inode *fi = get_fuse_inode(inode);

	lockdep_assert_held(&fi->lock);
	fi->attr_version = atomic64_inc_return(&get_fuse_conn(inode)->attr_version);
	inode->i_mode = backing->i_mode;
	inode->i_uid = backing->i_uid;
	inode->i_gid = backing->i_gid;
	set_nlink(inode, backing->i_nlink);
	i_size_write(inode, i_size_read(backing));
	inode->i_blocks = backing->i_blocks;
	inode_set_atime_to_ts(inode, inode_get_atime(backing));
	inode_set_mtime_to_ts(inode, inode_get_mtime(backing));
	inode_set_ctime_to_ts(inode, inode_get_ctime(backing));
	/* what stat reports: /proc/locks and fdinfo name it so too */
	inode->i_ino = fuse_bpf_ino(fbi->ino_space, backing->i_ino);
	fi->orig_ino = inode->i_ino;
	fi->orig_i_mode = backing->i_mode;
	inode_set_flags(inode, backing->i_flags & FUSE_BPF_INODE_FLAGS,
			FUSE_BPF_INODE_FLAGS);
}

/**
 * fuse_bpf_copyattr - copy a backed inode's attributes from its backing
 * @inode: a backed FUSE inode
 */
void fuse_bpf_copyattr(struct inode *inode)
{
	struct fuse_inode *fi = get_fuse_inode(inode);
	struct fuse_bpf_inode *fbi = READ_ONCE(fi->bpf);

	spin_lock(&fi->lock);
	fuse_bpf_copyattr_locked(inode, fbi);
	spin_unlock(&fi->lock);
}

/**
 * fuse_bpf_attr_keep - the backing's attributes over a daemon's reply
 * @inode: a FUSE inode whose attributes were just set from a reply
 * @attr: the reply's attributes; its size is applied after this
 *
 * The backing inode is authoritative: a LOOKUP, revalidation, GETATTR or
 * SETATTR reply about a backed node the daemon knows does not change what
 * the VFS decides on (mode, owner, nlink, size, flags). Called under
 * fi->lock; an inode not yet attached is left as the reply made it.
 */
void fuse_bpf_attr_keep(struct inode *inode, struct fuse_attr *attr)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_backed(inode);

	if (!fbi)
		return;
	fuse_bpf_copyattr_locked(inode, fbi);
	attr->size = i_size_read(inode);
}

static void fuse_bpf_fill_attr(struct fuse_attr *attr, const struct kstat *st)
{
	*attr = (struct fuse_attr) {
		.ino = st->ino,
		.size = st->size,
		.blocks = st->blocks,
		.atime = st->atime.tv_sec,
		.mtime = st->mtime.tv_sec,
		.ctime = st->ctime.tv_sec,
		.atimensec = st->atime.tv_nsec,
		.mtimensec = st->mtime.tv_nsec,
		.ctimensec = st->ctime.tv_nsec,
		.mode = st->mode,
		.nlink = st->nlink,
		.uid = from_kuid(&init_user_ns, st->uid),
		.gid = from_kgid(&init_user_ns, st->gid),
		.rdev = new_encode_dev(st->rdev),
		.blksize = st->blksize,
	};
}

/**
 * fuse_bpf_getattr - getattr/statx of a backed inode
 * @inode: the inode
 * @stat: where the attributes go, or NULL to only refresh the inode's
 * @request_mask: STATX_* wanted
 * @flags: AT_STATX_* sync flags
 * @res: the result, if this returns true
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_getattr(struct inode *inode, struct kstat *stat,
		      u32 request_mask, unsigned int flags, int *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_getattr_in in = {};
	struct fuse_attr_out out = {};
	struct fuse_bpf_meta meta;
	const struct cred *old_cred;
	struct kstat st = {};
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_meta_init(&meta, inode, FUSE_GETATTR);
	ret = fuse_bpf_pre(fbi, getattr, inode, &meta, &in);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;

	old_cred = override_creds(fbi->cred);
	/* as overlayfs: the VFS checked the caller on the FUSE inode */
	if (flags & AT_GETATTR_NOSEC)
		*res = vfs_getattr_nosec(&fbi->path, &st, request_mask, flags);
	else
		*res = vfs_getattr(&fbi->path, &st, request_mask, flags);
	revert_creds(old_cred);
	fuse_bpf_copyattr(inode);
	if (!*res) {
		st.ino = fuse_bpf_ino(fbi->ino_space, st.ino);
		fuse_bpf_fill_attr(&out.attr, &st);
	}
	*res = fuse_bpf_post(fbi->filter, getattr, ret, inode, *res, &meta, &in,
			     &out);
	if (!*res && stat) {
		*stat = st;
		stat->dev = inode->i_sb->s_dev;
	}
	return true;
}

static void fuse_bpf_setattr_in(struct fuse_setattr_in *in,
				const struct iattr *attr)
{
	unsigned int v = attr->ia_valid;

	in->valid = (v & ATTR_MODE ? FATTR_MODE : 0) |
		    (v & ATTR_UID ? FATTR_UID : 0) |
		    (v & ATTR_GID ? FATTR_GID : 0) |
		    (v & ATTR_SIZE ? FATTR_SIZE : 0) |
		    (v & ATTR_ATIME ? FATTR_ATIME : 0) |
		    (v & ATTR_MTIME ? FATTR_MTIME : 0) |
		    (v & ATTR_CTIME ? FATTR_CTIME : 0);
	in->mode = attr->ia_mode;
	in->uid = from_kuid(&init_user_ns, attr->ia_uid);
	in->gid = from_kgid(&init_user_ns, attr->ia_gid);
	in->size = attr->ia_size;
	in->atime = attr->ia_atime.tv_sec;
	in->atimensec = attr->ia_atime.tv_nsec;
	in->mtime = attr->ia_mtime.tv_sec;
	in->mtimensec = attr->ia_mtime.tv_nsec;
	in->ctime = attr->ia_ctime.tv_sec;
	in->ctimensec = attr->ia_ctime.tv_nsec;
}

/**
 * fuse_bpf_setattr_backing - change a backed inode's backing
 * @fbi: the backing
 * @attr: the change, which the caller's permission allowed
 *
 * Return: 0 or a negative errno.
 */
int fuse_bpf_setattr_backing(struct fuse_bpf_inode *fbi, struct iattr *attr)
{
	struct dentry *backing = fbi->path.dentry;
	struct iattr battr = *attr;
	const struct cred *old_cred;
	int err;

	/* the backing file system computes what to kill itself */
	battr.ia_valid &= ~ATTR_FILE;
	if (battr.ia_valid & (ATTR_KILL_SUID | ATTR_KILL_SGID))
		battr.ia_valid &= ~ATTR_MODE;

	err = mnt_want_write(fbi->path.mnt);
	if (err)
		return err;
	old_cred = override_creds(fbi->cred);
	inode_lock(d_inode(backing));
	err = notify_change(mnt_idmap(fbi->path.mnt), backing, &battr, NULL);
	inode_unlock(d_inode(backing));
	revert_creds(old_cred);
	mnt_drop_write(fbi->path.mnt);
	return err;
}

/**
 * fuse_bpf_setattr - setattr of a backed inode
 * @entry: the dentry
 * @attr: the change
 * @res: the result, if this returns true
 *
 * The caller's permission is checked on the FUSE inode, with the
 * attributes just copied from the backing; the backing change runs with
 * the backing's credentials.
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_setattr(struct dentry *entry, struct iattr *attr, int *res)
{
	struct inode *inode = d_inode(entry);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_setattr_in in = {};
	struct fuse_attr_out out = {};
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_copyattr(inode);
	*res = setattr_prepare(&nop_mnt_idmap, entry, attr);
	/* the VFS checked append-only and immutable for truncate, maybe old */
	if (!*res && (attr->ia_valid & ATTR_SIZE) &&
	    (IS_APPEND(inode) || IS_IMMUTABLE(inode)))
		*res = -EPERM;
	if (*res)
		return true;

	fuse_bpf_meta_init(&meta, inode, FUSE_SETATTR);
	fuse_bpf_setattr_in(&in, attr);
	ret = fuse_bpf_pre(fbi, setattr, inode, &meta, &in);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;

	*res = fuse_bpf_setattr_backing(fbi, attr);
	fuse_bpf_copyattr(inode);
	*res = fuse_bpf_post(fbi->filter, setattr, ret, inode, *res, &meta, &in,
			     &out);
	return true;
}

/**
 * fuse_bpf_permission - permission check on a backed inode
 * @idmap: idmap of the mount
 * @inode: the inode
 * @mask: MAY_* wanted
 * @res: the result, if this returns true
 *
 * The caller's permission by the backing inode's mode and POSIX ACLs
 * (generic_permission(), not the backing's own ->permission() or security
 * hooks, which see the backing operations under the backing's
 * credentials), never with the backing's credentials; writes to an
 * immutable backing are refused. The access filters can only narrow it:
 * an errno from the prefilter, or from the postfilter of a check that
 * passed, is the result; a result that would ask the daemon fails with
 * EIO; nothing a filter returns can grant what the check refused.
 *
 * Return: false if @inode is not backed.
 */
bool fuse_bpf_permission(struct mnt_idmap *idmap, struct inode *inode,
			 int mask, int *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_access_in in = { .mask = mask };
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi)
		return false;
	/*
	 * The check needs only the backing inode; a change to come (sticky
	 * directories, setattr) refreshes the FUSE inode, which the VFS looks
	 * at next. Path walks do not: they are most of the checks.
	 */
	if (mask & (MAY_WRITE | MAY_APPEND))
		fuse_bpf_copyattr(inode);
	/* inode_permission()'s, which saw the FUSE inode's flags, maybe old */
	if ((mask & MAY_WRITE) && IS_IMMUTABLE(d_inode(fbi->path.dentry))) {
		*res = -EPERM;
		return true;
	}
	*res = generic_permission(mnt_idmap(fbi->path.mnt),
				  d_inode(fbi->path.dentry), mask);
	if (*res || !fbi->filter)
		return true;
	fuse_bpf_meta_init(&meta, inode, FUSE_ACCESS);
	ret = fuse_bpf_prefilter(fbi, access, &meta, &in);
	if (ret == FUSE_BPF_POSTFILTER)
		ret = fuse_bpf_check_result(fuse_bpf_call(fbi->filter,
							  access_postfilter, 0,
							  &meta, &in, 0), 0);
	/* the daemon is not asked: a filter can only refuse */
	else if (ret > 0)
		ret = -EIO;
	*res = ret;
	return true;
}

/*
 * The ioctl a fileattr operation stands for, as the filters see it: the
 * VFS asks for the flags or for the fsxattr.
 */
static void fuse_bpf_ioctl_in(struct fuse_ioctl_in *in, struct inode *inode,
			      struct fuse_bpf_meta *meta,
			      const struct fileattr *fa, bool set)
{
	fuse_bpf_meta_init(meta, inode, FUSE_IOCTL);
	if (fa->fsx_valid) {
		in->cmd = set ? FS_IOC_FSSETXATTR : FS_IOC_FSGETXATTR;
		in->in_size = set ? sizeof(struct fsxattr) : 0;
		in->out_size = set ? 0 : sizeof(struct fsxattr);
	} else {
		in->cmd = set ? FS_IOC_SETFLAGS : FS_IOC_GETFLAGS;
		in->in_size = set ? sizeof(int) : 0;
		in->out_size = set ? 0 : sizeof(int);
	}
}

/**
 * fuse_bpf_fileattr_get - FS_IOC_GETFLAGS and FS_IOC_FSGETXATTR
 * @dentry: a dentry of the inode
 * @fa: the attributes
 * @res: the result, if this returns true
 *
 * The backing's, through the ioctl filters.
 *
 * Return: false if the inode is not backed or the daemon answers.
 */
bool fuse_bpf_fileattr_get(struct dentry *dentry, struct fileattr *fa,
			   int *res)
{
	struct inode *inode = d_inode(dentry);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_ioctl_in in = {};
	const struct cred *old_cred;
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_ioctl_in(&in, inode, &meta, fa, false);
	ret = fuse_bpf_pre(fbi, ioctl, inode, &meta, &in);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	old_cred = override_creds(fbi->cred);
	*res = vfs_fileattr_get(fbi->path.dentry, fa);
	revert_creds(old_cred);
	*res = fuse_bpf_post(fbi->filter, ioctl, ret, inode, *res, &meta, &in);
	return true;
}

/**
 * fuse_bpf_fileattr_set - FS_IOC_SETFLAGS and FS_IOC_FSSETXATTR
 * @dentry: a dentry of the inode
 * @fa: the attributes
 * @res: the result, if this returns true
 *
 * The VFS checked the caller (owner or CAP_FOWNER, CAP_LINUX_IMMUTABLE);
 * the backing changes, through the ioctl filters.
 *
 * Return: false if the inode is not backed or the daemon answers.
 */
bool fuse_bpf_fileattr_set(struct dentry *dentry, struct fileattr *fa,
			   int *res)
{
	struct inode *inode = d_inode(dentry);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_ioctl_in in = {};
	const struct cred *old_cred;
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_ioctl_in(&in, inode, &meta, fa, true);
	ret = fuse_bpf_pre(fbi, ioctl, inode, &meta, &in);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	*res = mnt_want_write(fbi->path.mnt);
	if (!*res) {
		old_cred = override_creds(fbi->cred);
		*res = vfs_fileattr_set(mnt_idmap(fbi->path.mnt),
					fbi->path.dentry, fa);
		revert_creds(old_cred);
		mnt_drop_write(fbi->path.mnt);
	}
	fuse_bpf_copyattr(inode);
	*res = fuse_bpf_post(fbi->filter, ioctl, ret, inode, *res, &meta, &in);
	return true;
}
