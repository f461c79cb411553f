// SPDX-License-Identifier: GPL-2.0
/*
 * fuse-bpf: attaching a backing and a filter to an inode at lookup, and
 * looking children up in a backing directory without the daemon.
 *
 * An inode's attachment is decided once: by the LOOKUP reply that creates
 * it, or by the kernel when it looks the inode up in its parent's backing
 * directory. Until then fuse_inode->bpf is FUSE_BPF_UNDECIDED; any other
 * use of the inode first decides it is not backed. A decided attachment
 * never changes, so it needs no lock for as long as the inode lives.
 */

#include "fuse_i.h"

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/namei.h>

static atomic64_t fuse_bpf_nodeid = ATOMIC64_INIT(0);

/**
 * fuse_bpf_prepare_creds - the credentials a backing id is registered with
 * @fc: the connection
 *
 * The caller's, as upstream passthrough keeps them; on a fuse-bpf mount,
 * where they serve every caller, without CAP_SYS_RESOURCE, so that quota
 * and reserved blocks hold for the callers (as overlayfs does).
 *
 * Return: new credentials, or NULL.
 */
struct cred *fuse_bpf_prepare_creds(struct fuse_conn *fc)
{
	struct cred *cred = prepare_creds();

	if (cred && fc->bpf)
		cap_lower(cred->cap_effective, CAP_SYS_RESOURCE);
	return cred;
}

/**
 * fuse_bpf_lookup_init - make room for the extension in a LOOKUP reply
 * @fc: the connection
 * @args: the LOOKUP request, whose first out argument is fuse_entry_out
 * @ext: where the extension goes
 *
 * The extension is an optional second out argument; the reply's length
 * says whether it came (args->out_args[1].size).
 */
void fuse_bpf_lookup_init(struct fuse_conn *fc, struct fuse_args *args,
			  struct fuse_bpf_entry_out *ext)
{
	if (!fc->bpf)
		return;
	args->out_argvar = true;
	args->out_numargs = 2;
	args->out_args[1].size = sizeof(*ext);
	args->out_args[1].value = ext;
}

/**
 * fuse_bpf_lookup_request - send a LOOKUP made by fuse_lookup_init()
 * @fm: the mount
 * @args: the request
 *
 * With room for the extension the reply's length varies, and
 * fuse_simple_request() returns the length of the extension received.
 *
 * Return: 0 or a negative errno.
 */
int fuse_bpf_lookup_request(struct fuse_mount *fm, struct fuse_args *args)
{
	ssize_t ret = fuse_simple_request(fm, args);

	return ret > 0 ? 0 : ret;
}

static struct dentry *fuse_bpf_lookup_backing(struct fuse_bpf_inode *dir,
					      const struct qstr *name)
{
	const struct cred *old_cred = override_creds(dir->cred);
	struct dentry *dentry;

	dentry = fuse_bpf_lookup_one_unlocked(mnt_idmap(dir->path.mnt), name,
					      dir->path.dentry);
	revert_creds(old_cred);
	return dentry;
}

/* Check that a FUSE inode of type @mode may be backed by @backing. */
static int fuse_bpf_check_type(umode_t mode, struct dentry *backing)
{
	umode_t bmode = d_inode(backing)->i_mode;

	if (S_ISDIR(mode) != S_ISDIR(bmode))
		return S_ISDIR(mode) ? -ENOTDIR : -EISDIR;
	return (mode ^ bmode) & S_IFMT ? -EIO : 0;
}

static int fuse_bpf_entry_backing(struct fuse_conn *fc,
				  const struct fuse_bpf_entry_out *ext,
				  struct fuse_bpf_inode *parent,
				  const struct qstr *name,
				  struct fuse_bpf_inode *fbi)
{
	struct fuse_backing *fb;
	struct dentry *dentry;

	switch (ext->backing_action) {
	case FUSE_BPF_BACKING_ID:
		rcu_read_lock();
		fb = fuse_backing_get(idr_find(&fc->backing_files_map,
					       ext->backing_id));
		rcu_read_unlock();
		if (!fb)
			return -EBADF;
		fbi->path = fb->file->f_path;
		path_get(&fbi->path);
		fbi->cred = get_cred(fb->cred);
		fuse_backing_put(fb);
		return 0;
	case FUSE_BPF_BACKING_PARENT:
		if (!parent)
			return -ENOENT;
		dentry = fuse_bpf_lookup_backing(parent, name);
		if (IS_ERR(dentry))
			return PTR_ERR(dentry);
		if (d_is_negative(dentry)) {
			dput(dentry);
			return -ENOENT;
		}
		fbi->path.mnt = mntget(parent->path.mnt);
		fbi->path.dentry = dentry;
		fbi->cred = get_cred(parent->cred);
		return 0;
	}
	return 0;
}

static int fuse_bpf_entry_filter(struct fuse_conn *fc,
				 const struct fuse_bpf_entry_out *ext,
				 struct fuse_bpf_inode *parent,
				 struct fuse_bpf_inode *fbi)
{
	switch (ext->ops_action) {
	case FUSE_BPF_OPS_INHERIT:
		fbi->filter = parent ? fuse_bpf_filter_dup(parent->filter) : NULL;
		return 0;
	case FUSE_BPF_OPS_NAME:
		fbi->filter = fuse_bpf_filter_get(fc, ext->ops_name);
		return fbi->filter ? 0 : -ENXIO;
	}
	return 0;
}

static bool fuse_bpf_entry_valid(const struct fuse_bpf_entry_out *ext)
{
	if (ext->padding || ext->backing_action > FUSE_BPF_BACKING_ID ||
	    ext->ops_action > FUSE_BPF_OPS_NAME)
		return false;
	if (ext->backing_action != FUSE_BPF_BACKING_ID && ext->backing_id)
		return false;
	if (ext->ops_action == FUSE_BPF_OPS_NAME)
		return memchr(ext->ops_name, 0, FUSE_BPF_NAME_LEN) &&
		       ext->ops_name[0];
	return !memchr_inv(ext->ops_name, 0, FUSE_BPF_NAME_LEN);
}

/**
 * fuse_bpf_lookup_attach - attach what a LOOKUP reply says to its inode
 * @inode: the inode fuse_iget() returned for the reply
 * @dir: the directory looked in, or NULL if unknown
 * @name: the name looked up
 * @outarg: the reply
 * @args: the request, which tells whether the reply had an extension
 *
 * Return: 0, or the errno the lookup fails with: EIO for a malformed
 * extension, EBADF for an unknown backing id, ENXIO for an unknown filter
 * name, ENOTDIR/EISDIR/EIO when the backing's type is not the inode's.
 */
int fuse_bpf_lookup_attach(struct inode *inode, struct inode *dir,
			   const struct qstr *name,
			   const struct fuse_entry_out *outarg,
			   const struct fuse_args *args)
{
	static const struct fuse_bpf_entry_out none;
	const struct fuse_bpf_entry_out *ext = &none;
	struct fuse_conn *fc = get_fuse_conn(inode);
	struct fuse_bpf_inode *parent = dir ? fuse_bpf_inode(dir) : NULL;
	struct fuse_bpf_inode *fbi;
	int err;

	if (!fc->bpf)
		return 0;
	if (args->out_args[1].size) {
		ext = args->out_args[1].value;
		if (args->out_args[1].size != sizeof(*ext) ||
		    !fuse_bpf_entry_valid(ext))
			return -EIO;
	}
	if (ext->backing_action == FUSE_BPF_BACKING_NONE)
		return 0;

	fbi = kzalloc(sizeof(*fbi), GFP_KERNEL);
	if (!fbi)
		return -ENOMEM;
	err = fuse_bpf_entry_backing(fc, ext, parent, name, fbi);
	if (err) {
		kfree(fbi);
		return err;
	}
	fbi->ino_space = fuse_bpf_ino_space(fc, fbi->path.dentry->d_sb->s_dev);
	err = fuse_bpf_check_type(outarg->attr.mode, fbi->path.dentry) ?:
	      fuse_bpf_entry_filter(fc, ext, parent, fbi);
	if (err ||
	    cmpxchg(&get_fuse_inode(inode)->bpf, FUSE_BPF_UNDECIDED, fbi) !=
	    FUSE_BPF_UNDECIDED) {
		fuse_bpf_inode_free(fbi);
		return err;
	}
	fuse_bpf_copyattr(inode);
	return 0;
}

/*
 * Whether the stacking depth of @file's file system is final. A FUSE
 * mount's is set by its FUSE_INIT reply, which an O_PATH open does not
 * wait for: a backing taken before it could be given a depth below the
 * one it ends up with, and a mount stacked on itself. One of this module
 * is asked (a backed root's has its depth from the start); one of the
 * stock FUSE must have been opened for real.
 */
static bool fuse_bpf_depth_final(struct file *file)
{
	struct super_block *sb = file->f_path.dentry->d_sb;

	if (sb->s_magic != FUSE_SUPER_MAGIC)
		return true;
	if (sb->s_type->owner != THIS_MODULE)
		return !(file->f_mode & FMODE_PATH);
	/* a backed root's mount has its depth from fill_super on */
	if (fuse_bpf_backed(d_inode(sb->s_root)))
		return true;
	return fuse_bpf_conn_initialized(get_fuse_conn_super(sb));
}

/* The root's backing: the mounter's directory descriptor @fd. */
static int fuse_bpf_root_backing(struct fuse_conn *fc, unsigned int fd,
				 struct fuse_bpf_inode *fbi)
{
	struct file *file = fget_raw(fd);
	int err = 0;

	if (!file)
		return -EBADF;
	if (!d_is_dir(file->f_path.dentry))
		err = -ENOTDIR;
	else if (!fuse_bpf_depth_final(file))
		err = -EAGAIN;
	else if (file->f_path.dentry->d_sb->s_stack_depth >=
		 FILESYSTEM_MAX_STACK_DEPTH)
		err = -ELOOP;
	if (!err)
		fbi->cred = fuse_bpf_prepare_creds(fc);
	if (!err && !fbi->cred)
		err = -ENOMEM;
	if (!err) {
		fbi->path = file->f_path;
		path_get(&fbi->path);
	}
	fput(file);
	return err;
}

/**
 * fuse_bpf_root_attach - back the root of a new mount, as its options say
 * @root: the root inode, just made
 * @ctx: the mount's context: root_fd, and root_filter_fd
 *
 * Runs in the task that mounts, at fill_super time, before anything can
 * reach the root. The root is backed by the directory of the descriptor
 * root_fd with the mounter's credentials, as by FUSE_DEV_IOC_BACKING_OPEN;
 * root_filter_fd's instance is registered for the connection, as by
 * FUSE_BPF_DEV_IOC_FILTER, and filters it. The mount is one above its
 * backing in the stack from the start.
 *
 * Return: 0, or the errno the mount fails with: EINVAL for these options
 * without "bpf" or a filter without a root, EPERM without CAP_SYS_ADMIN,
 * EBADF for a descriptor the mounter does not have, ENOTDIR for a backing
 * or a root that is not a directory, ELOOP for a backing stacked too deep,
 * or fuse_bpf_filter_register()'s error.
 */
int fuse_bpf_root_attach(struct inode *root, struct fuse_fs_context *ctx)
{
	struct fuse_conn *fc = get_fuse_conn(root);
	struct super_block *sb = root->i_sb;
	struct fuse_bpf_inode *fbi;
	int err;

	if (!ctx->bpf_root_present && !ctx->bpf_filter_present)
		return 0;
	if (!fc->bpf || !ctx->bpf_root_present)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!S_ISDIR(root->i_mode))
		return -ENOTDIR;

	fbi = kzalloc(sizeof(*fbi), GFP_KERNEL);
	if (!fbi)
		return -ENOMEM;
	err = fuse_bpf_root_backing(fc, ctx->bpf_root_fd, fbi);
	if (!err && ctx->bpf_filter_present) {
		fbi->filter = fuse_bpf_filter_register(fc, ctx->bpf_filter_fd);
		if (IS_ERR(fbi->filter)) {
			err = PTR_ERR(fbi->filter);
			fbi->filter = NULL;
		}
	}
	if (err) {
		fuse_bpf_inode_free(fbi);
		return err;
	}
	fbi->ino_space = fuse_bpf_ino_space(fc, fbi->path.dentry->d_sb->s_dev);
	/* no one else has the root yet */
	smp_store_release(&get_fuse_inode(root)->bpf, fbi);
	fuse_bpf_copyattr(root);
	sb->s_stack_depth = fbi->path.dentry->d_sb->s_stack_depth + 1;
	fuse_bpf_stack_depth(sb);
	fuse_bpf_init_inode(root);
	return 0;
}

struct fuse_bpf_iget {
	struct inode *backing;
	struct fuse_bpf_inode *fbi;
};

/**
 * fuse_bpf_same_policy - whether two backings serve under one policy
 * @a: a backing
 * @b: another
 *
 * The policy of a backed inode is its filter, the credentials of its
 * backing operations and its backing mount. The kernel-only children of
 * a directory have its policy; one inode per backing inode and policy, or
 * the first lookup's policy would hold for every path to it.
 *
 * Return: true if @a and @b have one policy.
 */
bool fuse_bpf_same_policy(const struct fuse_bpf_inode *a,
			  const struct fuse_bpf_inode *b)
{
	return a->filter == b->filter && a->cred == b->cred &&
	       a->path.mnt == b->path.mnt;
}

/*
 * Called under inode_hash_lock, so an RCU read-side section: an inode
 * being evicted may be met, whose backing is only compared.
 */
static int fuse_bpf_iget_test(struct inode *inode, void *data)
{
	struct fuse_bpf_inode *fbi = READ_ONCE(get_fuse_inode(inode)->bpf);
	struct fuse_bpf_iget *key = data;

	return fuse_bpf_nodeid_is_kernel(get_node_id(inode)) && fbi &&
	       fbi->key == key->backing && fuse_bpf_same_policy(fbi, key->fbi);
}

static int fuse_bpf_iget_set(struct inode *inode, void *data)
{
	struct fuse_inode *fi = get_fuse_inode(inode);
	struct fuse_bpf_iget *key = data;

	fi->nodeid = FUSE_BPF_NODEID_KERNEL |
		     atomic64_inc_return(&fuse_bpf_nodeid);
	fi->bpf = key->fbi;
	return 0;
}

/*
 * The inode of a kernel-only node: one per backing inode and superblock,
 * like overlayfs. It consumes @fbi.
 */
static struct inode *fuse_bpf_iget(struct super_block *sb,
				   struct fuse_bpf_inode *fbi)
{
	struct fuse_bpf_iget key = {
		.backing = d_inode(fbi->path.dentry),
		.fbi = fbi,
	};
	struct fuse_attr attr = {};
	struct inode *inode;

	fbi->key = key.backing;
	inode = iget5_locked(sb, (unsigned long)key.backing,
			     fuse_bpf_iget_test, fuse_bpf_iget_set, &key);
	if (!inode || !(fuse_bpf_i_state(inode) & I_NEW)) {
		fuse_bpf_inode_free(fbi);
		return inode ?: ERR_PTR(-ENOMEM);
	}
	inode->i_flags |= S_NOATIME | S_NOCMTIME;
	attr.mode = key.backing->i_mode;
	attr.rdev = new_encode_dev(key.backing->i_rdev);
	fuse_init_inode(inode, &attr, get_fuse_conn_super(sb));
	fuse_bpf_copyattr(inode);
	unlock_new_inode(inode);
	return inode;
}

/**
 * fuse_bpf_new_child - the inode of a backing entry found or made by the kernel
 * @sb: the FUSE superblock
 * @parent: the backed directory the entry is in
 * @backing: the positive backing dentry, whose reference this takes over
 *
 * The inode is kernel-only: it has the parent's credentials and filter.
 *
 * Return: the inode or an ERR_PTR().
 */
struct inode *fuse_bpf_new_child(struct super_block *sb,
				 struct fuse_bpf_inode *parent,
				 struct dentry *backing)
{
	struct fuse_bpf_inode *fbi = kzalloc(sizeof(*fbi), GFP_KERNEL);

	if (!fbi) {
		dput(backing);
		return ERR_PTR(-ENOMEM);
	}
	fbi->path.mnt = mntget(parent->path.mnt);
	fbi->path.dentry = backing;
	fbi->cred = get_cred(parent->cred);
	fbi->filter = fuse_bpf_filter_dup(parent->filter);
	/* a lookup in the backing directory stays on its file system */
	fbi->ino_space = parent->ino_space;
	return fuse_bpf_iget(sb, fbi);
}

/* Look @name up in @dir's backing directory; NULL if there is no entry. */
static struct inode *fuse_bpf_lookup_child(struct inode *dir,
					   struct fuse_bpf_inode *parent,
					   const struct qstr *name)
{
	struct dentry *dentry;

	dentry = fuse_bpf_lookup_backing(parent, name);
	if (IS_ERR(dentry))
		return ERR_CAST(dentry);
	if (d_is_negative(dentry)) {
		dput(dentry);
		return NULL;
	}
	return fuse_bpf_new_child(dir->i_sb, parent, dentry);
}

/* What a lookup postfilter is told of the inode found, if any. */
static void fuse_bpf_entry_fill(struct fuse_entry_out *out,
				struct inode *inode)
{
	if (!inode)
		return;
	out->nodeid = get_node_id(inode);
	out->attr.ino = inode->i_ino;
	out->attr.mode = inode->i_mode;
	out->attr.size = i_size_read(inode);
}

/**
 * fuse_bpf_lookup - look a name up in a backed directory
 * @dir: the directory
 * @entry: the dentry to fill
 * @res: what ->lookup() returns, if this returns true
 *
 * The lookup prefilter decides: the backing (the kernel looks the name up
 * in the backing directory and makes a kernel-only inode inheriting
 * @dir's filter), the daemon, or an errno. It may rewrite the name to
 * look up in the backing directory, if the readdir postfilter lists that
 * entry under the name looked up.
 *
 * Return: false if the lookup goes to the daemon (a normal FUSE_LOOKUP).
 */
bool fuse_bpf_lookup(struct inode *dir, struct dentry *entry,
		     struct dentry **res)
{
	struct fuse_bpf_inode *parent = fuse_bpf_inode(dir);
	struct fuse_bpf_name in;
	struct fuse_entry_out out = {};
	struct fuse_bpf_meta meta;
	struct inode *inode = NULL;
	struct qstr name;
	int ret, err;

	if (!parent)
		return false;
	ret = fuse_bpf_name_set(&in, &entry->d_name);
	if (ret) {
		*res = ERR_PTR(ret);
		return true;
	}
	fuse_bpf_meta_init(&meta, dir, FUSE_LOOKUP);

	ret = fuse_bpf_pre(parent, lookup, dir, &meta, &in);
	if (ret == FUSE_BPF_USER)
		return false;
	if (ret < 0)
		goto out;
	/* what a listing does not show under this name, a lookup misses */
	err = fuse_bpf_name_get(&in, &name) ?:
	      fuse_bpf_entry_check(dir, &entry->d_name, &in);
	if (err == -EIO) {
		ret = err;
		goto out;
	}
	if (!err) {
		inode = fuse_bpf_lookup_child(dir, parent, &name);
		if (IS_ERR(inode)) {
			*res = ERR_CAST(inode);
			return true;
		}
	}
	fuse_bpf_entry_fill(&out, inode);
	ret = fuse_bpf_post(parent->filter, lookup, ret, dir,
			    inode ? 0 : -ENOENT, &meta, &in, &out);
	/* a postfilter may hide the entry */
	if (ret == -ENOENT) {
		iput(inode);
		inode = NULL;
		ret = 0;
	}
out:
	if (ret) {
		iput(inode);
		*res = ERR_PTR(ret);
		return true;
	}
	*res = d_splice_alias(inode, entry);
	if (!IS_ERR(*res))
		fuse_invalidate_entry_cache(*res ?: entry);
	return true;
}

/*
 * Whether @filter has a say in lookups, or is gone (lookups fail): its
 * lookup filters, and the readdir postfilter, since what a listing does
 * not show a lookup misses (fuse_bpf_entry_check()).
 */
static bool fuse_bpf_lookup_filtered(struct fuse_bpf_filter *filter)
{
	struct fuse_ops *ops;
	bool ret;

	if (!filter)
		return false;
	rcu_read_lock();
	ops = rcu_dereference(filter->ops);
	ret = !ops || ops->lookup_prefilter || ops->lookup_postfilter ||
	      ops->readdir_postfilter;
	rcu_read_unlock();
	return ret;
}

/*
 * Ask the filter of @entry's parent again about the name, for the caller,
 * as fuse_bpf_lookup() does: a filter may answer each caller differently,
 * and a dentry one caller looked up must not show another what the
 * filter hides from it. Returns 1 if the name still leads to @inode's
 * backing inode (hard links share one FUSE inode), the errno if it is
 * hidden from this caller (the dentry stays, for the others: its mounts
 * and open files keep their names), 0 if it now leads elsewhere (the
 * lookup is made again).
 */
static int fuse_bpf_lookup_again(struct dentry *entry, struct inode *inode)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_backed(inode), *parent;
	struct dentry *dparent = dget_parent(entry), *b;
	struct inode *dir = d_inode(dparent);
	struct fuse_entry_out out = {};
	struct name_snapshot snap;
	struct fuse_bpf_meta meta;
	struct fuse_bpf_name in;
	struct qstr name;
	int ret;

	parent = fuse_bpf_backed(dir);
	/* moved meanwhile under another policy: looked up there again */
	if (!parent || (!S_ISDIR(inode->i_mode) &&
			(parent->filter != fbi->filter ||
			 parent->path.mnt != fbi->path.mnt))) {
		dput(dparent);
		return 0;
	}
	take_dentry_name_snapshot(&snap, entry);
	ret = fuse_bpf_name_set(&in, &snap.name);
	if (!ret) {
		fuse_bpf_meta_init(&meta, dir, FUSE_LOOKUP);
		ret = fuse_bpf_pre(parent, lookup, dir, &meta, &in);
	}
	/* listed under this name, for this caller */
	if (ret >= 0 && ret != FUSE_BPF_USER)
		ret = fuse_bpf_name_get(&in, &name) ?:
		      fuse_bpf_entry_check(dir, &snap.name, &in) ?: ret;
	/* the same backing inode */
	if (ret >= 0 && ret != FUSE_BPF_USER) {
		b = fuse_bpf_lookup_backing(parent, &name);
		if (IS_ERR(b)) {
			ret = PTR_ERR(b);
		} else {
			if (d_inode(b) != d_inode(fbi->path.dentry))
				ret = FUSE_BPF_USER;
			dput(b);
		}
	}
	if (ret >= 0 && ret != FUSE_BPF_USER) {
		fuse_bpf_entry_fill(&out, inode);
		ret = fuse_bpf_post(parent->filter, lookup, ret, dir, 0,
				    &meta, &in, &out);
	}
	release_dentry_name_snapshot(&snap);
	dput(dparent);
	if (ret < 0)
		return ret;
	return ret == FUSE_BPF_USER ? 0 : 1;
}

/**
 * fuse_bpf_revalidate - revalidate the dentry of a backed inode
 * @entry: the dentry
 * @inode: its inode
 * @flags: the lookup flags
 * @res: what ->d_revalidate() returns, if this returns true
 *
 * A dentry whose backing entry was removed or replaced underneath is
 * invalid, whatever its entry timeout. The daemon does not know a
 * kernel-only node, so for those the backing decides alone, and the
 * filter: a file renamed into a directory of another filter is invalid,
 * and where the parent's filter has lookup filters, they are asked again
 * for each caller (outside RCU walk).
 *
 * Return: false if the daemon revalidates.
 */
bool fuse_bpf_revalidate(struct dentry *entry, struct inode *inode,
			 unsigned int flags, int *res)
{
	struct fuse_bpf_inode *fbi, *parent;
	struct dentry *backing;
	struct inode *dir;

	if (!get_fuse_conn(inode)->bpf)
		return false;
	fbi = fuse_bpf_backed(inode);
	if (!fbi)
		return false;
	backing = fbi->path.dentry;
	if (d_unhashed(backing) || d_is_negative(backing)) {
		*res = 0;
		return true;
	}
	if (!fuse_bpf_nodeid_is_kernel(get_node_id(inode)))
		return false;
	/*
	 * A file renamed into a directory of another filter is looked up
	 * again there (fuse_bpf_rename() refuses it for directories). A
	 * rename may be freeing the parent read here: its inode and its
	 * backing go after a grace period.
	 */
	*res = 1;
	rcu_read_lock();
	dir = d_inode_rcu(READ_ONCE(entry->d_parent));
	parent = dir ? fuse_bpf_backed(dir) : NULL;
	if (!S_ISDIR(inode->i_mode) &&
	    (!parent || parent->filter != fbi->filter ||
	     parent->path.mnt != fbi->path.mnt))
		*res = 0;
	else if (parent && fuse_bpf_lookup_filtered(parent->filter))
		*res = flags & LOOKUP_RCU ? -ECHILD : 2;
	rcu_read_unlock();
	if (*res == 2)
		*res = fuse_bpf_lookup_again(entry, inode);
	return true;
}
