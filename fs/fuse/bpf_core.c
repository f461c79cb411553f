// SPDX-License-Identifier: GPL-2.0
/*
 * fuse-bpf: module init and exit, and the helpers every other file uses:
 * an inode's attachment (struct fuse_bpf_inode), the meta struct and the
 * names filters are given, inode numbers, and the attributes and flags
 * copied from the backing, as overlayfs keeps them in util.c.
 *
 * The files form layers, and a file calls only files of its own layer or
 * those below:
 *	this file	calls bpf_ops.c
 *	bpf_ops.c	the struct_ops type fuse_ops and the registry of filters
 *	bpf_user.c	the filters the daemon runs; calls this file
 *
 *	bpf_attr.c	attributes
 *	bpf_xattr.c	xattrs and ACLs; calls bpf_attr.c
 *	bpf_readdir.c	reading directories
 *
 *	bpf_lookup.c	lookup and attach; checks names with bpf_readdir.c
 *
 *	bpf_dir.c	namespace operations
 *	bpf_file.c	file I/O
 *
 * The one call upwards is module init and exit, here, which set up and
 * tear down bpf_file.c.
 */

#include "fuse_i.h"

#include <linux/cred.h>

bool fuse_bpf_nodeid_is_kernel(u64 nodeid)
{
	return nodeid & FUSE_BPF_NODEID_KERNEL;
}

/**
 * fuse_bpf_backed - the backing of @inode, without deciding an undecided one
 * @inode: a FUSE inode
 *
 * Return: the backing attached to @inode, or NULL.
 */
struct fuse_bpf_inode *fuse_bpf_backed(struct inode *inode)
{
	struct fuse_bpf_inode *fbi = READ_ONCE(get_fuse_inode(inode)->bpf);

	return fbi == FUSE_BPF_UNDECIDED ? NULL : fbi;
}

/**
 * fuse_bpf_inode - the backing of @inode
 * @inode: a FUSE inode
 *
 * Return: the backing, or NULL if @inode is not backed (which this call
 * decides for good if the inode was still undecided).
 */
struct fuse_bpf_inode *fuse_bpf_inode(struct inode *inode)
{
	struct fuse_inode *fi = get_fuse_inode(inode);
	/* pairs with the cmpxchg() that attaches it: see *fbi whole */
	struct fuse_bpf_inode *fbi = smp_load_acquire(&fi->bpf);

	if (fbi == FUSE_BPF_UNDECIDED) {
		fbi = cmpxchg(&fi->bpf, FUSE_BPF_UNDECIDED, NULL);
		if (fbi == FUSE_BPF_UNDECIDED)
			fbi = NULL;
	}
	return fbi;
}

/*
 * Lock classes by stacking depth. A fuse-bpf mount may be the backing of
 * another: a write, a create or a rename through the upper mount takes
 * the freeze protection, the rename lock and the inode locks of both,
 * one inside the other, and the VFS gives each one class per file system
 * type. fuse-bpf mounts get classes by the depth FUSE_INIT's reply sets,
 * as overlayfs gives its inodes, so that lockdep tells the two apart.
 */
static struct lock_class_key
fuse_bpf_i_rwsem_keys[FILESYSTEM_MAX_STACK_DEPTH + 1][2];

/**
 * fuse_bpf_init_inode - the lock class of a new inode
 * @inode: a new FUSE inode (I_NEW), its mode set
 */
void fuse_bpf_init_inode(struct inode *inode)
{
	int depth = inode->i_sb->s_stack_depth;

	if (get_fuse_conn(inode)->bpf && depth <= FILESYSTEM_MAX_STACK_DEPTH)
		lockdep_set_class(&inode->i_rwsem, &fuse_bpf_i_rwsem_keys
				  [depth][S_ISDIR(inode->i_mode)]);
}

/**
 * fuse_bpf_init_depth - the stacking depth FUSE_INIT's reply declares
 * @sb: a FUSE super block
 * @arg: the reply, which enables passthrough, before FUSE stores its
 *	max_stack_depth as the mount's and as the bound of its backings
 *
 * A mount with a backed root has its depth from fill_super on, one above
 * its root's backing, and may be in use before FUSE_INIT's reply: the
 * reply's depth is replaced by it, so that it is the one stored, with
 * no other value seen meanwhile, and the daemon's backing files are
 * below the mount as its root is.
 */
void fuse_bpf_init_depth(struct super_block *sb, struct fuse_init_out *arg)
{
	if (get_fuse_conn_super(sb)->bpf && sb->s_root &&
	    fuse_bpf_backed(d_inode(sb->s_root)))
		arg->max_stack_depth = sb->s_stack_depth;
}

/**
 * fuse_bpf_stack_depth - the lock classes of a mount at its stacking depth
 * @sb: a FUSE super block whose s_stack_depth was just set: by FUSE_INIT's
 *	reply, or by a backed root at fill_super time
 *
 * The root inode, made before, is given the class of its depth too, and a
 * lock taken before under the type's class is released by its instance.
 * Not without a window when FUSE_INIT's reply sets the depth: a task
 * taking one of these locks on another CPU right now, just after the
 * mount, may meet the class half changed, and lockdep may warn. A mount
 * with a backed root has its classes from fill_super on, before anyone
 * can reach it, and keeps them.
 */
void fuse_bpf_stack_depth(struct super_block *sb)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	static struct lock_class_key writers[FILESYSTEM_MAX_STACK_DEPTH + 1]
					    [SB_FREEZE_LEVELS];
	static struct lock_class_key rename[FILESYSTEM_MAX_STACK_DEPTH + 1];
	int i;
#endif
	struct fuse_bpf_inode *root;

	if (!get_fuse_conn_super(sb)->bpf)
		return;
	/* a backed root's mount keeps its classes: fuse_bpf_init_depth() */
	root = sb->s_root ? fuse_bpf_backed(d_inode(sb->s_root)) : NULL;
	if (root || sb->s_stack_depth > FILESYSTEM_MAX_STACK_DEPTH)
		return;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	for (i = 0; i < SB_FREEZE_LEVELS; i++)
		lockdep_set_class(&sb->s_writers.rw_sem[i],
				  &writers[sb->s_stack_depth][i]);
	lockdep_set_class(&sb->s_vfs_rename_mutex, &rename[sb->s_stack_depth]);
#endif
	if (sb->s_root)
		fuse_bpf_init_inode(d_inode(sb->s_root));
}

void fuse_bpf_inode_alloc(struct fuse_inode *fi, struct super_block *sb)
{
	fi->bpf = get_fuse_conn_super(sb)->bpf ? FUSE_BPF_UNDECIDED : NULL;
}

/* Free a backing no inode holds. */
void fuse_bpf_inode_free(struct fuse_bpf_inode *fbi)
{
	path_put(&fbi->path);
	put_cred(fbi->cred);
	fuse_bpf_filter_put(fbi->filter);
	kfree(fbi);
}

/*
 * The inode is still hashed while it is evicted, and fuse_bpf_iget_test()
 * may look at it: it only compares @key, and the struct goes after a
 * grace period.
 */
void fuse_bpf_inode_evict(struct fuse_inode *fi)
{
	struct fuse_bpf_inode *fbi = fi->bpf;

	WRITE_ONCE(fi->bpf, NULL);
	if (!fbi || fbi == FUSE_BPF_UNDECIDED)
		return;
	path_put(&fbi->path);
	put_cred(fbi->cred);
	fuse_bpf_filter_put(fbi->filter);
	kfree_rcu(fbi, rcu);
}

/**
 * fuse_bpf_meta_init - what a filter of @inode is told of an operation
 * @meta: the filter's argument
 * @inode: the inode whose filter decides
 * @opcode: the operation
 *
 * Only a filter reads the caller's ids, and a backed inode's filter is
 * set before the inode is published: a backed inode without one is told
 * its node and @opcode alone, which spares the id mapping on every
 * passthrough operation. The caller passes @meta to @inode's filter only.
 */
void fuse_bpf_meta_init(struct fuse_bpf_meta *meta, struct inode *inode,
			u32 opcode)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_backed(inode);

	*meta = (struct fuse_bpf_meta) {
		.nodeid = get_node_id(inode),
		.opcode = opcode,
	};
	if (fbi && !fbi->filter)
		return;
	meta->uid = from_kuid(&init_user_ns, current_fsuid());
	meta->gid = from_kgid(&init_user_ns, current_fsgid());
	meta->pid = task_tgid_vnr(current);
}

/**
 * fuse_bpf_name_set - the name a filter is told
 * @name: the filter's argument
 * @q: the name
 *
 * Return: 0, or -ENAMETOOLONG for a name that does not fit.
 */
int fuse_bpf_name_set(struct fuse_bpf_name *name, const struct qstr *q)
{
	if (q->len >= sizeof(name->name))
		return -ENAMETOOLONG;
	memset(name, 0, sizeof(*name));
	name->namelen = q->len;
	memcpy(name->name, q->name, q->len);
	return 0;
}

/**
 * fuse_bpf_name_get - the name a filter left
 * @name: the filter's argument, which it may have rewritten
 * @q: the name
 *
 * Return: 0, or -EIO if @name does not hold a name a directory entry can
 * have.
 */
int fuse_bpf_name_get(struct fuse_bpf_name *name, struct qstr *q)
{
	size_t len = strnlen(name->name, sizeof(name->name));

	if (!len || len == sizeof(name->name) ||
	    memchr(name->name, '/', len) || fuse_bpf_is_dot_dotdot(name->name, len))
		return -EIO;
	name->namelen = len;
	*q = (struct qstr)QSTR_INIT(name->name, len);
	return 0;
}

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
 * @attr: the reply's attributes; its size is applied after this, and a
 *	forwarded getattr reports its inode number
 *
 * The backing inode is authoritative: a LOOKUP, revalidation, GETATTR or
 * SETATTR reply about a backed node the daemon knows does not change what
 * the VFS decides on (mode, owner, nlink, size, flags) nor its inode
 * number. Called under fi->lock; an inode not yet attached is left as the
 * reply made it.
 */
void fuse_bpf_attr_keep(struct inode *inode, struct fuse_attr *attr)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_backed(inode);

	if (!fbi)
		return;
	fuse_bpf_copyattr_locked(inode, fbi);
	attr->size = i_size_read(inode);
	attr->ino = inode->i_ino;
}

/**
 * fuse_bpf_conn_release - a connection goes: its registrations and
 * inode-number spaces with it
 * @fc: the connection, which nothing uses any more
 */
void fuse_bpf_conn_release(struct fuse_conn *fc)
{
	fuse_bpf_filters_release(fc);
	kfree(fc->bpf_ino_spaces);
}

/**
 * fuse_bpf_init - set up fuse-bpf when the module loads
 *
 * The struct_ops type is registered last: it cannot be unregistered, it
 * goes with the module.
 *
 * Return: 0 or a negative errno.
 */
int fuse_bpf_init(void)
{
	int err;

	err = fuse_bpf_file_init();
	if (err)
		return err;
	err = fuse_bpf_ops_init();
	if (err)
		fuse_bpf_file_exit();
	return err;
}

void fuse_bpf_exit(void)
{
	fuse_bpf_file_exit();
}
