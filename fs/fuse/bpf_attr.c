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
	*res = fuse_bpf_getattr_backing(&fbi->path, &st, request_mask, flags);
	revert_creds(old_cred);
	fuse_bpf_copyattr(inode);
	if (!*res) {
		st.ino = fuse_bpf_ino(fbi->ino_space, st.ino);
		/* only a BPF postfilter reads them: a stat is a hot path */
		if (ret == FUSE_BPF_POSTFILTER)
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
			      const struct fuse_bpf_fileattr *fa, bool set)
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
bool fuse_bpf_fileattr_get(struct dentry *dentry, struct fuse_bpf_fileattr *fa,
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
bool fuse_bpf_fileattr_set(struct dentry *dentry, struct fuse_bpf_fileattr *fa,
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
