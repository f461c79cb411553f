// SPDX-License-Identifier: GPL-2.0
/*
 * fuse-bpf: extended attributes and POSIX ACLs of backed inodes, from the
 * backing inode. The VFS checked the caller's permission on the FUSE inode
 * before; the backing operation runs with the backing's credentials. ACLs
 * are decided by the getxattr and setxattr filters, under their xattr
 * names.
 */

#include "fuse_i.h"

#include <linux/cred.h>
#include <linux/mount.h>
#include <linux/posix_acl.h>
#include <linux/posix_acl_xattr.h>
#include <linux/xattr.h>

/* The name a filter is told, for an xattr name. */
static int fuse_bpf_xattr_name(struct fuse_bpf_name *n, const char *name)
{
	struct qstr q = QSTR_INIT(name, strlen(name));

	return fuse_bpf_name_set(n, &q);
}

/**
 * fuse_bpf_getxattr - getxattr of a backed inode
 * @inode: the inode
 * @name: the attribute
 * @value: where it goes
 * @size: room at @value, 0 to ask the size
 * @res: the size or an error, if this returns true
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_getxattr(struct inode *inode, const char *name, void *value,
		       size_t size, ssize_t *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_getxattr_in in = { .size = size };
	const struct cred *old_cred;
	struct fuse_bpf_meta meta;
	struct fuse_bpf_name n;
	int ret;

	if (!fbi)
		return false;
	*res = fuse_bpf_xattr_name(&n, name);
	if (*res)
		return true;
	fuse_bpf_meta_init(&meta, inode, FUSE_GETXATTR);
	ret = fuse_bpf_pre(fbi, getxattr, inode, &meta, &in, &n);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	old_cred = override_creds(fbi->cred);
	*res = vfs_getxattr(mnt_idmap(fbi->path.mnt), fbi->path.dentry, name,
			    value, size);
	revert_creds(old_cred);
	*res = fuse_bpf_post(fbi->filter, getxattr, ret, inode, (int)*res,
			     &meta, &in, &n);
	return true;
}

/**
 * fuse_bpf_setxattr - setxattr or removexattr of a backed inode
 * @inode: the inode
 * @name: the attribute
 * @value: its new value, NULL to remove it
 * @size: size of @value
 * @flags: XATTR_CREATE, XATTR_REPLACE
 * @res: the result, if this returns true
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_setxattr(struct inode *inode, const char *name,
		       const void *value, size_t size, int flags, int *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_setxattr_in in = { .size = size, .flags = flags };
	struct mnt_idmap *idmap;
	const struct cred *old_cred;
	struct fuse_bpf_meta meta;
	struct fuse_bpf_name n;
	int ret;

	if (!fbi)
		return false;
	*res = fuse_bpf_xattr_name(&n, name);
	if (*res)
		return true;
	fuse_bpf_meta_init(&meta, inode,
			   value ? FUSE_SETXATTR : FUSE_REMOVEXATTR);
	if (value)
		ret = fuse_bpf_pre(fbi, setxattr, inode, &meta, &in, &n);
	else
		ret = fuse_bpf_pre(fbi, removexattr, inode, &meta, &n);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	idmap = mnt_idmap(fbi->path.mnt);
	*res = mnt_want_write(fbi->path.mnt);
	if (!*res) {
		old_cred = override_creds(fbi->cred);
		if (value)
			*res = vfs_setxattr(idmap, fbi->path.dentry, name,
					    value, size, flags);
		else
			*res = vfs_removexattr(idmap, fbi->path.dentry, name);
		revert_creds(old_cred);
		mnt_drop_write(fbi->path.mnt);
	}
	fuse_bpf_copyattr(inode);
	if (value)
		*res = fuse_bpf_post(fbi->filter, setxattr, ret, inode, *res,
				     &meta, &in, &n);
	else
		*res = fuse_bpf_post(fbi->filter, removexattr, ret, inode,
				     *res, &meta, &n);
	return true;
}

/**
 * fuse_bpf_listxattr - listxattr of a backed inode
 * @inode: the inode
 * @list: where the names go
 * @size: room at @list, 0 to ask the size
 * @res: the size or an error, if this returns true
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_listxattr(struct inode *inode, char *list, size_t size,
			ssize_t *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_getxattr_in in = { .size = size };
	const struct cred *old_cred;
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_meta_init(&meta, inode, FUSE_LISTXATTR);
	ret = fuse_bpf_pre(fbi, listxattr, inode, &meta, &in);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	old_cred = override_creds(fbi->cred);
	*res = vfs_listxattr(fbi->path.dentry, list, size);
	revert_creds(old_cred);
	*res = fuse_bpf_post(fbi->filter, listxattr, ret, inode, (int)*res,
			     &meta, &in);
	return true;
}

static const char *fuse_bpf_acl_name(int type)
{
	return type == ACL_TYPE_ACCESS ? XATTR_NAME_POSIX_ACL_ACCESS :
					 XATTR_NAME_POSIX_ACL_DEFAULT;
}

/**
 * fuse_bpf_get_acl - a POSIX ACL of a backed inode
 * @inode: the inode
 * @dentry: its dentry, or NULL for the backing inode's cached ACL
 * @type: ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 * @res: the ACL, NULL or an ERR_PTR(), if this returns true
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_get_acl(struct inode *inode, struct dentry *dentry, int type,
		      struct posix_acl **res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	const char *name = fuse_bpf_acl_name(type);
	struct fuse_getxattr_in in = {};
	const struct cred *old_cred;
	struct fuse_bpf_meta meta;
	struct fuse_bpf_name n;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_xattr_name(&n, name);
	fuse_bpf_meta_init(&meta, inode, FUSE_GETXATTR);
	ret = fuse_bpf_pre(fbi, getxattr, inode, &meta, &in, &n);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ERR_PTR(ret);
	if (ret < 0)
		return true;
	old_cred = override_creds(fbi->cred);
	if (dentry)
		*res = vfs_get_acl(mnt_idmap(fbi->path.mnt), fbi->path.dentry,
				   name);
	else
		*res = get_inode_acl(d_inode(fbi->path.dentry), type);
	revert_creds(old_cred);
	ret = fuse_bpf_post(fbi->filter, getxattr, ret, inode,
			    (int)PTR_ERR_OR_ZERO(*res), &meta, &in, &n);
	if (ret < 0) {
		if (!IS_ERR(*res))
			posix_acl_release(*res);
		*res = ERR_PTR(ret);
	}
	/* no ACL is not an error for the caller */
	if (*res == ERR_PTR(-ENODATA))
		*res = NULL;
	return true;
}

/**
 * fuse_bpf_get_inode_acl - the POSIX ACL of a backed inode, for the VFS
 * @inode: the inode
 * @type: ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 * @rcu: whether the caller walks under RCU
 * @res: the ACL, NULL or an ERR_PTR(), if this returns true
 *
 * File systems stacked on FUSE and nfsd read ACLs with get_inode_acl():
 * they get the backing's, in its ids as the inode's owner is, through the
 * getxattr filter as for getfacl. In an RCU walk, the backing's cached ACL
 * if there is no filter (as overlayfs), else -ECHILD: a filter may sleep.
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_get_inode_acl(struct inode *inode, int type, bool rcu,
			    struct posix_acl **res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);

	if (!fbi)
		return false;
	if (rcu) {
		*res = fbi->filter ? ERR_PTR(-ECHILD) :
		       get_cached_acl_rcu(d_inode(fbi->path.dentry), type);
		return true;
	}
	return fuse_bpf_get_acl(inode, NULL, type, res);
}

/*
 * Setting an access ACL clears the sgid bit of a caller outside the group
 * without CAP_FSETID (posix_acl_update_mode()). The backing decides that
 * with the backing's credentials, so it is decided here, with the
 * caller's, on the FUSE inode the VFS checked, as overlayfs does.
 */
static int fuse_bpf_acl_kill_sgid(struct inode *inode,
				  struct fuse_bpf_inode *fbi,
				  struct posix_acl *acl, int type)
{
	struct iattr attr = { .ia_valid = ATTR_KILL_SGID };

	fuse_bpf_copyattr(inode);
	if (!acl || type != ACL_TYPE_ACCESS || !(inode->i_mode & S_ISGID) ||
	    in_group_or_capable(&nop_mnt_idmap, inode,
				i_gid_into_vfsgid(&nop_mnt_idmap, inode)))
		return 0;
	/* what the set_acl to come would refuse, the mode change may not do */
	if (IS_IMMUTABLE(inode) || IS_APPEND(inode))
		return -EPERM;
	return fuse_bpf_setattr_backing(fbi, &attr);
}

/**
 * fuse_bpf_set_acl - set or remove a POSIX ACL of a backed inode
 * @dentry: the dentry
 * @acl: the ACL, NULL to remove it
 * @type: ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT
 * @res: the result, if this returns true
 *
 * Return: false if the operation goes to the daemon.
 */
bool fuse_bpf_set_acl(struct dentry *dentry, struct posix_acl *acl, int type,
		      int *res)
{
	struct inode *inode = d_inode(dentry);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	const char *name = fuse_bpf_acl_name(type);
	struct fuse_setxattr_in in = {};
	struct mnt_idmap *idmap;
	const struct cred *old_cred;
	struct fuse_bpf_meta meta;
	struct fuse_bpf_name n;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_xattr_name(&n, name);
	if (acl)
		in.size = posix_acl_xattr_size(acl->a_count);
	fuse_bpf_meta_init(&meta, inode, FUSE_SETXATTR);
	ret = fuse_bpf_pre(fbi, setxattr, inode, &meta, &in, &n);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	*res = fuse_bpf_acl_kill_sgid(inode, fbi, acl, type);
	if (*res)
		goto post;
	idmap = mnt_idmap(fbi->path.mnt);
	*res = mnt_want_write(fbi->path.mnt);
	if (!*res) {
		old_cred = override_creds(fbi->cred);
		if (acl)
			*res = vfs_set_acl(idmap, fbi->path.dentry, name, acl);
		else
			*res = vfs_remove_acl(idmap, fbi->path.dentry, name);
		revert_creds(old_cred);
		mnt_drop_write(fbi->path.mnt);
	}
post:
	fuse_bpf_copyattr(inode);
	*res = fuse_bpf_post(fbi->filter, setxattr, ret, inode, *res, &meta,
			     &in, &n);
	return true;
}
