/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuse-bpf: the internal interface between the patched FUSE call sites and
 * this project's files, one section per file, the lower layers first (see
 * bpf_core.c).
 *
 * A backed inode is a FUSE inode with a struct fuse_bpf_inode: the path of
 * its backing inode, the credentials its backing operations run with, and
 * optionally a filter (a struct_ops fuse_ops instance, by name). Every
 * operation of a backed inode goes prefilter -> backing or daemon ->
 * postfilter; the backing inode is authoritative for its attributes.
 */
#ifndef _FS_FUSE_BPF_H
#define _FS_FUSE_BPF_H

#include <linux/fs.h>
#include <linux/path.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <uapi/linux/fuse.h>
#include "../../include/uapi/linux/fuse_bpf.h"
#include "bpf_compat.h"

struct fuse_bpf_fileattr;
struct fuse_fs_context;
struct fuse_args;
struct fuse_bpf_filter;
struct posix_acl;
struct cred;
struct fuse_conn;
struct fuse_dev;
struct fuse_inode;
struct fuse_mount;

/* bpf_core.c */

/**
 * struct fuse_bpf_inode - what makes a FUSE inode backed
 * @path: the backing inode's path
 * @cred: the credentials of the backing operations
 * @filter: the filter, or NULL for pure passthrough
 * @key: the backing inode, only compared, by the inode hash lookup, which
 *	may meet this while the inode is being evicted
 * @ino_space: fuse_bpf_ino_space() of the backing's device
 * @rcu: for freeing after that lookup
 */
struct fuse_bpf_inode {
	struct path path;
	const struct cred *cred;
	struct fuse_bpf_filter *filter;
	const struct inode *key;
	u64 ino_space;
	struct rcu_head rcu;
};

#define FUSE_BPF_UNDECIDED	((struct fuse_bpf_inode *)1UL)

int fuse_bpf_init(void);
void fuse_bpf_exit(void);
void fuse_bpf_conn_release(struct fuse_conn *fc);
bool fuse_bpf_nodeid_is_kernel(u64 nodeid);
struct fuse_bpf_inode *fuse_bpf_backed(struct inode *inode);
struct fuse_bpf_inode *fuse_bpf_inode(struct inode *inode);
void fuse_bpf_init_inode(struct inode *inode);
void fuse_bpf_init_depth(struct super_block *sb, struct fuse_init_out *arg);
void fuse_bpf_stack_depth(struct super_block *sb);
void fuse_bpf_inode_alloc(struct fuse_inode *fi, struct super_block *sb);
void fuse_bpf_inode_free(struct fuse_bpf_inode *fbi);
void fuse_bpf_inode_evict(struct fuse_inode *fi);
void fuse_bpf_meta_init(struct fuse_bpf_meta *meta, struct inode *inode,
			u32 opcode);
int fuse_bpf_name_set(struct fuse_bpf_name *name, const struct qstr *q);
int fuse_bpf_name_get(struct fuse_bpf_name *name, struct qstr *q);
u64 fuse_bpf_ino_space(struct fuse_conn *fc, dev_t dev);
u64 fuse_bpf_ino(u64 space, u64 ino);
void fuse_bpf_copyattr(struct inode *inode);
void fuse_bpf_attr_keep(struct inode *inode, struct fuse_attr *attr);

/* bpf_ops.c */

/**
 * struct fuse_ops - the struct_ops type a daemon's BPF filter implements
 * @lookup_prefilter: lookup in a backed directory; BACKING looks the name
 *	up in the backing directory, USER sends FUSE_LOOKUP
 * @lookup_postfilter: gets the entry found; -ENOENT hides it
 * @open_prefilter: open of a backed file; USER also sends FUSE_OPEN
 * @open_postfilter: gets the result of the open
 * @release_prefilter: release of a backed file (notification only)
 * @release_postfilter: after the backing file is dropped
 * @read_iter_prefilter: read, splice read, and mmap; may shrink @in->size;
 *	may run more than once for one io_uring read (a non-blocking try
 *	fails with -EAGAIN if the daemon is wanted or the backing would
 *	block, and io_uring's worker tries again, or goes on after a short
 *	read)
 * @read_iter_postfilter: gets the bytes read or the error, AIO included,
 *	but for a non-blocking try the backing refused (-EAGAIN, -EOPNOTSUPP)
 * @write_iter_prefilter: write, splice write, and shared writable mmap;
 *	may shrink @in->size; may run more than once, as read_iter's
 * @write_iter_postfilter: gets the bytes written or the error, as
 *	read_iter's
 * @getattr_prefilter: getattr/statx
 * @getattr_postfilter: gets the backing's attributes
 * @setattr_prefilter: setattr (mode, owner, size, times)
 * @setattr_postfilter: gets the result of the backing setattr
 * @flush_prefilter: flush (close)
 * @flush_postfilter: gets the result of the backing flush
 * @fsync_prefilter: fsync/fdatasync, of files and directories
 *	(meta->opcode FUSE_FSYNC or FUSE_FSYNCDIR)
 * @fsync_postfilter: gets the result of the backing fsync
 * @create_prefilter: create (open with O_CREAT, or O_TMPFILE with an empty
 *	name) in a backed directory
 * @create_postfilter: gets the result of the backing create
 * @mknod_prefilter: mknod in a backed directory
 * @mknod_postfilter: gets the result of the backing mknod
 * @mkdir_prefilter: mkdir in a backed directory
 * @mkdir_postfilter: gets the result of the backing mkdir
 * @symlink_prefilter: symlink in a backed directory
 * @symlink_postfilter: gets the result of the backing symlink
 * @unlink_prefilter: unlink in a backed directory
 * @unlink_postfilter: gets the result of the backing unlink
 * @rmdir_prefilter: rmdir in a backed directory
 * @rmdir_postfilter: gets the result of the backing rmdir
 * @rename_prefilter: rename from a backed directory; the filter of the
 *	source directory decides, then the target directory's if it is
 *	another (it may refuse, or send the caller to copy with EXDEV)
 * @rename_postfilter: gets the result of the backing rename
 * @link_prefilter: link into a backed directory; the directory's filter
 *	decides, then the linked inode's if it is another
 * @link_postfilter: gets the result of the backing link
 * @fallocate_prefilter: fallocate, all modes the backing file system has
 * @fallocate_postfilter: gets the result of the backing fallocate
 * @lseek_prefilter: lseek with SEEK_DATA or SEEK_HOLE
 * @lseek_postfilter: gets the offset found or the error
 * @getxattr_prefilter: getxattr, and reading a POSIX ACL by its xattr name
 * @getxattr_postfilter: gets the size read or the error
 * @setxattr_prefilter: setxattr, and setting or removing a POSIX ACL
 * @setxattr_postfilter: gets the result of the backing setxattr
 * @listxattr_prefilter: listxattr
 * @listxattr_postfilter: gets the size of the list or the error
 * @removexattr_prefilter: removexattr
 * @removexattr_postfilter: gets the result of the backing removexattr
 * @copy_file_range_prefilter: copy_file_range from a backed file: the
 *	source's filter decides; the backing copies only if the source's
 *	read_iter and the destination's write_iter prefilters let it,
 *	else the generic copy goes through them
 * @copy_file_range_postfilter: gets the bytes copied or the error
 * @readdir_postfilter: for each entry of a backed directory, listed or
 *	named by the kernel: a negative errno hides it, and it may rewrite
 *	the name it is listed under; the kernel resolves and makes a name
 *	only if this lists the backing entry under it (lookups fail with
 *	ENOENT, creations with EPERM), so a listing and lookups agree
 * @opendir_prefilter: opendir of a backed directory; USER also sends
 *	FUSE_OPENDIR
 * @opendir_postfilter: gets the result of the opendir
 * @releasedir_prefilter: release of a backed directory (notification only)
 * @releasedir_postfilter: after the backing directory is dropped
 * @statfs_prefilter: statfs of a backed inode
 * @statfs_postfilter: gets the backing file system's numbers
 * @readlink_prefilter: readlink of a backed symlink
 * @readlink_postfilter: gets the length of the target or the error
 * @name: the instance's name in the registry, NUL-terminated
 * @reserved_60: zero
 * @reserved_61: zero; with @name, they keep programs off the member
 *	numbers 59 to 61, since Linux 7.3 takes a struct_ops program of those
 *	numbers (its expected_attach_type) for a BPF_TRACE_*_MULTI one and
 *	refuses to load it; the struct has the 64 members it may have: a
 *	new operation takes the place of a pair of old ones
 * @ioctl_prefilter: the inode flags ioctls FS_IOC_GETFLAGS/SETFLAGS and
 *	FS_IOC_FSGETXATTR/FSSETXATTR (@in->cmd); no other ioctl is passed
 * @ioctl_postfilter: gets the result of the backing's
 * @access_prefilter: every permission check that passed on a backed inode
 *	(path walks included, so it must be cheap); an errno refuses, nothing
 *	grants; the daemon is not asked (a USER result fails with EIO)
 * @access_postfilter: gets 0 and may refuse with an errno
 *
 * A prefilter returns an enum fuse_bpf_result or a negative errno and may
 * edit the fields of its input that fuse_bpf_btf_struct_access() allows
 * (the prefilters of name operations, the name in the backing directory);
 * a postfilter returns the result the caller sees, within what
 * fuse_bpf_check_result() allows. Every member is optional.
 */
struct fuse_ops {
	int (*lookup_prefilter)(const struct fuse_bpf_meta *meta,
				struct fuse_bpf_name *in);
	int (*lookup_postfilter)(const struct fuse_bpf_meta *meta,
				 const struct fuse_bpf_name *in,
				 struct fuse_entry_out *out, int ret);
	int (*open_prefilter)(const struct fuse_bpf_meta *meta,
			      struct fuse_open_in *in);
	int (*open_postfilter)(const struct fuse_bpf_meta *meta,
			       const struct fuse_open_in *in, int ret);
	int (*release_prefilter)(const struct fuse_bpf_meta *meta,
				 struct fuse_release_in *in);
	int (*release_postfilter)(const struct fuse_bpf_meta *meta,
				  const struct fuse_release_in *in, int ret);
	int (*read_iter_prefilter)(const struct fuse_bpf_meta *meta,
				   struct fuse_read_in *in);
	s64 (*read_iter_postfilter)(const struct fuse_bpf_meta *meta,
				    const struct fuse_read_in *in, s64 ret);
	int (*write_iter_prefilter)(const struct fuse_bpf_meta *meta,
				    struct fuse_write_in *in);
	s64 (*write_iter_postfilter)(const struct fuse_bpf_meta *meta,
				     const struct fuse_write_in *in, s64 ret);
	int (*getattr_prefilter)(const struct fuse_bpf_meta *meta,
				 struct fuse_getattr_in *in);
	int (*getattr_postfilter)(const struct fuse_bpf_meta *meta,
				  const struct fuse_getattr_in *in,
				  struct fuse_attr_out *out, int ret);
	int (*setattr_prefilter)(const struct fuse_bpf_meta *meta,
				 struct fuse_setattr_in *in);
	int (*setattr_postfilter)(const struct fuse_bpf_meta *meta,
				  const struct fuse_setattr_in *in,
				  struct fuse_attr_out *out, int ret);
	int (*flush_prefilter)(const struct fuse_bpf_meta *meta,
			       struct fuse_flush_in *in);
	int (*flush_postfilter)(const struct fuse_bpf_meta *meta,
				const struct fuse_flush_in *in, int ret);
	int (*fsync_prefilter)(const struct fuse_bpf_meta *meta,
			       struct fuse_fsync_in *in);
	int (*fsync_postfilter)(const struct fuse_bpf_meta *meta,
				const struct fuse_fsync_in *in, int ret);
	int (*create_prefilter)(const struct fuse_bpf_meta *meta,
				struct fuse_create_in *in,
				struct fuse_bpf_name *name);
	int (*create_postfilter)(const struct fuse_bpf_meta *meta,
				 const struct fuse_create_in *in,
				 const struct fuse_bpf_name *name, int ret);
	int (*mknod_prefilter)(const struct fuse_bpf_meta *meta,
			       struct fuse_mknod_in *in,
			       struct fuse_bpf_name *name);
	int (*mknod_postfilter)(const struct fuse_bpf_meta *meta,
				const struct fuse_mknod_in *in,
				const struct fuse_bpf_name *name, int ret);
	int (*mkdir_prefilter)(const struct fuse_bpf_meta *meta,
			       struct fuse_mkdir_in *in,
			       struct fuse_bpf_name *name);
	int (*mkdir_postfilter)(const struct fuse_bpf_meta *meta,
				const struct fuse_mkdir_in *in,
				const struct fuse_bpf_name *name, int ret);
	int (*symlink_prefilter)(const struct fuse_bpf_meta *meta,
				 struct fuse_bpf_name *name);
	int (*symlink_postfilter)(const struct fuse_bpf_meta *meta,
				  const struct fuse_bpf_name *name, int ret);
	int (*unlink_prefilter)(const struct fuse_bpf_meta *meta,
				struct fuse_bpf_name *name);
	int (*unlink_postfilter)(const struct fuse_bpf_meta *meta,
				 const struct fuse_bpf_name *name, int ret);
	int (*rmdir_prefilter)(const struct fuse_bpf_meta *meta,
			       struct fuse_bpf_name *name);
	int (*rmdir_postfilter)(const struct fuse_bpf_meta *meta,
				const struct fuse_bpf_name *name, int ret);
	int (*rename_prefilter)(const struct fuse_bpf_meta *meta,
				struct fuse_rename2_in *in,
				struct fuse_bpf_name *oldname,
				struct fuse_bpf_name *newname);
	int (*rename_postfilter)(const struct fuse_bpf_meta *meta,
				 const struct fuse_rename2_in *in,
				 const struct fuse_bpf_name *oldname,
				 const struct fuse_bpf_name *newname, int ret);
	int (*link_prefilter)(const struct fuse_bpf_meta *meta,
			      struct fuse_link_in *in,
			      struct fuse_bpf_name *name);
	int (*link_postfilter)(const struct fuse_bpf_meta *meta,
			       const struct fuse_link_in *in,
			       const struct fuse_bpf_name *name, int ret);
	int (*fallocate_prefilter)(const struct fuse_bpf_meta *meta,
				   struct fuse_fallocate_in *in);
	int (*fallocate_postfilter)(const struct fuse_bpf_meta *meta,
				    const struct fuse_fallocate_in *in,
				    int ret);
	int (*lseek_prefilter)(const struct fuse_bpf_meta *meta,
			       struct fuse_lseek_in *in);
	s64 (*lseek_postfilter)(const struct fuse_bpf_meta *meta,
				const struct fuse_lseek_in *in, s64 ret);
	int (*getxattr_prefilter)(const struct fuse_bpf_meta *meta,
				  struct fuse_getxattr_in *in,
				  struct fuse_bpf_name *name);
	int (*getxattr_postfilter)(const struct fuse_bpf_meta *meta,
				   const struct fuse_getxattr_in *in,
				   const struct fuse_bpf_name *name, int ret);
	int (*setxattr_prefilter)(const struct fuse_bpf_meta *meta,
				  struct fuse_setxattr_in *in,
				  struct fuse_bpf_name *name);
	int (*setxattr_postfilter)(const struct fuse_bpf_meta *meta,
				   const struct fuse_setxattr_in *in,
				   const struct fuse_bpf_name *name, int ret);
	int (*listxattr_prefilter)(const struct fuse_bpf_meta *meta,
				   struct fuse_getxattr_in *in);
	int (*listxattr_postfilter)(const struct fuse_bpf_meta *meta,
				    const struct fuse_getxattr_in *in,
				    int ret);
	int (*removexattr_prefilter)(const struct fuse_bpf_meta *meta,
				     struct fuse_bpf_name *name);
	int (*removexattr_postfilter)(const struct fuse_bpf_meta *meta,
				      const struct fuse_bpf_name *name,
				      int ret);
	int (*copy_file_range_prefilter)(const struct fuse_bpf_meta *meta,
					 struct fuse_copy_file_range_in *in);
	s64 (*copy_file_range_postfilter)(const struct fuse_bpf_meta *meta,
					  const struct fuse_copy_file_range_in *in,
					  s64 ret);
	int (*readdir_postfilter)(const struct fuse_bpf_meta *meta,
				  struct fuse_bpf_name *name, int ret);
	int (*access_prefilter)(const struct fuse_bpf_meta *meta,
				struct fuse_access_in *in);
	int (*access_postfilter)(const struct fuse_bpf_meta *meta,
				 const struct fuse_access_in *in, int ret);
	int (*opendir_prefilter)(const struct fuse_bpf_meta *meta,
				 struct fuse_open_in *in);
	int (*opendir_postfilter)(const struct fuse_bpf_meta *meta,
				  const struct fuse_open_in *in, int ret);
	int (*releasedir_prefilter)(const struct fuse_bpf_meta *meta,
				    struct fuse_release_in *in);
	int (*releasedir_postfilter)(const struct fuse_bpf_meta *meta,
				     const struct fuse_release_in *in,
				     int ret);
	int (*statfs_prefilter)(const struct fuse_bpf_meta *meta);
	int (*statfs_postfilter)(const struct fuse_bpf_meta *meta,
				 const struct fuse_statfs_out *out, int ret);
	int (*readlink_prefilter)(const struct fuse_bpf_meta *meta);
	int (*readlink_postfilter)(const struct fuse_bpf_meta *meta, int ret);
	char name[FUSE_BPF_NAME_LEN];
	u64 reserved_60;
	u64 reserved_61;
	int (*ioctl_prefilter)(const struct fuse_bpf_meta *meta,
			       struct fuse_ioctl_in *in);
	int (*ioctl_postfilter)(const struct fuse_bpf_meta *meta,
				const struct fuse_ioctl_in *in, int ret);
};

/* @name is member 59, and the struct has the most members struct_ops allow */
static_assert(offsetof(struct fuse_ops, name) == 59 * sizeof(void *));
static_assert(sizeof(struct fuse_ops) == 65 * sizeof(void *));

/**
 * struct fuse_bpf_filter - a registry entry: a connection's fuse_ops name
 * and, while its daemon has an instance of that name registered, the
 * instance
 * @node: in the registry list
 * @count: the registry's reference while @ops is set, plus one per inode
 *	and per AIO in flight
 * @owner: the connection, only compared; NULL once it is gone
 * @ops: the registered instance, NULL between unregistration and the next
 *	registration of the same name; RCU-protected
 * @name: the instance name
 * @rcu: for freeing
 */
struct fuse_bpf_filter {
	struct list_head node;
	refcount_t count;
	struct fuse_conn *owner;
	struct fuse_ops __rcu *ops;
	char name[FUSE_BPF_NAME_LEN];
	struct rcu_head rcu;
};

int fuse_bpf_ops_init(void);
struct fuse_bpf_filter *fuse_bpf_filter_get(struct fuse_conn *fc,
					    const char *name);
struct fuse_bpf_filter *fuse_bpf_filter_dup(struct fuse_bpf_filter *filter);
struct fuse_bpf_filter *fuse_bpf_filter_register(struct fuse_conn *fc, u32 fd);
bool fuse_bpf_filter_live(struct fuse_bpf_filter *filter);
void fuse_bpf_filter_put(struct fuse_bpf_filter *filter);
long fuse_bpf_dev_ioctl(struct fuse_dev *fud, unsigned int cmd,
			void __user *argp);
void fuse_bpf_filters_release(struct fuse_conn *fc);

/*
 * Run a filter member with the instance held by RCU. A filter whose
 * instance went away fails every operation with -ENOTCONN until an
 * instance of the same name is registered again.
 */
#define fuse_bpf_call(filter, member, dflt, ...)			\
({									\
	struct fuse_ops *__ops;						\
	typeof(dflt) __ret = (dflt);					\
									\
	rcu_read_lock();						\
	__ops = rcu_dereference((filter)->ops);				\
	if (!__ops)							\
		__ret = -ENOTCONN;					\
	else if (__ops->member)						\
		__ret = __ops->member(__VA_ARGS__);			\
	rcu_read_unlock();						\
	__ret;								\
})

/*
 * The prefilter of operation @op: without a filter, the backing; without
 * a prefilter member, the backing and then the postfilter if there is one;
 * an unknown result, -EIO.
 */
#define fuse_bpf_prefilter(fbi, op, meta, ...)				\
({									\
	struct fuse_bpf_filter *__f = (fbi)->filter;			\
	int __r = FUSE_BPF_BACKING;					\
									\
	if (__f) {							\
		struct fuse_ops *__o;					\
									\
		rcu_read_lock();					\
		__o = rcu_dereference(__f->ops);			\
		if (!__o)						\
			__r = -ENOTCONN;				\
		else if (__o->op##_prefilter)				\
			__r = __o->op##_prefilter(meta, ##__VA_ARGS__); \
		else if (__o->op##_postfilter)				\
			__r = FUSE_BPF_POSTFILTER;			\
		rcu_read_unlock();					\
	}								\
	/* a result the filter may not give fails the operation */	\
	if (__r > (int)FUSE_BPF_USER_POSTFILTER || __r < -MAX_ERRNO)	\
		__r = -EIO;						\
	__r;								\
})

/**
 * fuse_bpf_check_result - the result of an operation after its postfilter
 * @ret: what the postfilter, BPF or daemon, returned
 * @res: what the backing operation returned
 *
 * The verifier does not constrain what a program returns, so this is the
 * one place where a postfilter's result is checked: it may turn success
 * into an errno or a count into a smaller one, never a failure into
 * success, a count into more than was done, or an offset past the one
 * found.
 *
 * Return: @ret, or -EIO if it is out of range.
 */
static inline s64 fuse_bpf_check_result(s64 ret, s64 res)
{
	if (ret < 0 ? ret >= -MAX_ERRNO : res >= 0 && ret <= res)
		return ret;
	return -EIO;
}

/*
 * The postfilter of a backing operation that happened: if the instance
 * went away meanwhile, the backing's result stands.
 */
#define fuse_bpf_postfilter(filter, op, ret, meta, ...)			\
({									\
	typeof(ret) __res = (ret), __ret = __res;			\
	struct fuse_ops *__ops;						\
									\
	rcu_read_lock();						\
	__ops = rcu_dereference((filter)->ops);				\
	if (__ops && __ops->op##_postfilter)				\
		__ret = fuse_bpf_check_result(				\
			__ops->op##_postfilter(meta, ##__VA_ARGS__, __res), \
			__res);						\
	rcu_read_unlock();						\
	__ret;								\
})

/*
 * The shape of every operation of a backed inode:
 *	ret = fuse_bpf_pre(fbi, op, inode, &meta, &in);
 *	USER: FUSE's own path; negative: fail; else the backing operation;
 *	res = fuse_bpf_post(fbi->filter, op, ret, inode, res, &meta, &in...);
 * fuse_bpf_pre() hands the decision to the daemon if the BPF prefilter
 * asks, fuse_bpf_post() runs the BPF or daemon postfilter @ret asks for.
 * The daemon gets the first argument struct of the operation.
 */
#define fuse_bpf_pre(fbi, op, inode, meta, in, ...)			\
({									\
	int __pre = fuse_bpf_prefilter(fbi, op, meta, in, ##__VA_ARGS__); \
									\
	if (__pre == FUSE_BPF_USER_PREFILTER)				\
		__pre = fuse_bpf_user_prefilter(inode, (meta)->opcode,	\
						in, sizeof(*(in)));	\
	__pre;								\
})

#define fuse_bpf_post(filter, op, ret, inode, res, meta, in, ...)	\
({									\
	typeof(res) __post = (res);					\
									\
	if ((ret) == FUSE_BPF_POSTFILTER)				\
		__post = fuse_bpf_postfilter(filter, op, __post,	\
					     meta, in, ##__VA_ARGS__);	\
	else if ((ret) == FUSE_BPF_USER_POSTFILTER)			\
		__post = fuse_bpf_user_postfilter(inode, (meta)->opcode, in, \
						  sizeof(*(in)), __post); \
	__post;								\
})

/* bpf_user.c */

int fuse_bpf_request_check(struct fuse_conn *fc, u64 nodeid);
int fuse_bpf_user_prefilter(struct inode *inode, u32 opcode, void *in,
			    size_t size);
s64 fuse_bpf_user_postfilter(struct inode *inode, u32 opcode,
			     const void *in, size_t size, s64 result);

/* bpf_attr.c */

bool fuse_bpf_getattr(struct inode *inode, struct kstat *stat,
		      u32 request_mask, unsigned int flags, int *res);
int fuse_bpf_setattr_backing(struct fuse_bpf_inode *fbi, struct iattr *attr);
bool fuse_bpf_setattr(struct dentry *entry, struct iattr *attr, int *res);
bool fuse_bpf_permission(struct mnt_idmap *idmap, struct inode *inode,
			 int mask, int *res);
bool fuse_bpf_fileattr_get(struct dentry *dentry, struct fuse_bpf_fileattr *fa,
			   int *res);
bool fuse_bpf_fileattr_set(struct dentry *dentry, struct fuse_bpf_fileattr *fa,
			   int *res);

/* bpf_xattr.c */

bool fuse_bpf_getxattr(struct inode *inode, const char *name, void *value,
		       size_t size, ssize_t *res);
bool fuse_bpf_setxattr(struct inode *inode, const char *name,
		       const void *value, size_t size, int flags, int *res);
bool fuse_bpf_listxattr(struct inode *inode, char *list, size_t size,
			ssize_t *res);
bool fuse_bpf_get_acl(struct inode *inode, struct dentry *dentry, int type,
		      struct posix_acl **res);
bool fuse_bpf_get_inode_acl(struct inode *inode, int type, bool rcu,
			    struct posix_acl **res);
bool fuse_bpf_set_acl(struct dentry *dentry, struct posix_acl *acl, int type,
		      int *res);

/* bpf_readdir.c */

bool fuse_bpf_opendir(struct inode *inode, struct file *file, int *res);
bool fuse_bpf_readdir(struct file *file, struct dir_context *ctx, int *res);
int fuse_bpf_entry_check(struct inode *dir, const struct qstr *shown,
			 const struct fuse_bpf_name *backing);

/* bpf_lookup.c */

void fuse_bpf_lookup_init(struct fuse_conn *fc, struct fuse_args *args,
			  struct fuse_bpf_entry_out *ext);
int fuse_bpf_lookup_request(struct fuse_mount *fm, struct fuse_args *args);
int fuse_bpf_root_attach(struct inode *root, struct fuse_fs_context *ctx);
int fuse_bpf_lookup_attach(struct inode *inode, struct inode *dir,
			   const struct qstr *name,
			   const struct fuse_entry_out *outarg,
			   const struct fuse_args *args);
bool fuse_bpf_lookup(struct inode *dir, struct dentry *entry,
		     struct dentry **res);
bool fuse_bpf_revalidate(struct dentry *entry, struct inode *inode,
			 unsigned int flags, int *res);
bool fuse_bpf_same_policy(const struct fuse_bpf_inode *a,
			  const struct fuse_bpf_inode *b);
struct inode *fuse_bpf_new_child(struct super_block *sb,
				 struct fuse_bpf_inode *parent,
				 struct dentry *backing);
struct cred *fuse_bpf_prepare_creds(struct fuse_conn *fc);

/* bpf_dir.c */

bool fuse_bpf_create(struct inode *dir, struct dentry *entry, umode_t mode,
		     dev_t rdev, int *res);
bool fuse_bpf_tmpfile(struct inode *dir, struct file *file, umode_t mode,
		      int *res);
bool fuse_bpf_mkdir(struct inode *dir, struct dentry *entry, umode_t mode,
		    int *res);
bool fuse_bpf_symlink(struct inode *dir, struct dentry *entry,
		      const char *target, int *res);
bool fuse_bpf_unlink(struct inode *dir, struct dentry *entry, bool rmdir,
		     int *res);
bool fuse_bpf_rename(struct inode *olddir, struct dentry *oldent,
		     struct inode *newdir, struct dentry *newent,
		     unsigned int flags, int *res);
bool fuse_bpf_link(struct dentry *entry, struct inode *newdir,
		   struct dentry *newent, int *res);
bool fuse_bpf_get_link(struct dentry *dentry, struct inode *inode,
		       struct delayed_call *done, const char **res);
bool fuse_bpf_statfs(struct dentry *dentry, struct kstatfs *buf, int *res);

/* bpf_file.c */

/* FUSE's, in file.c: backed files get a copy without poll */
extern const struct file_operations fuse_file_operations;

int fuse_bpf_file_init(void);
void fuse_bpf_file_exit(void);
bool fuse_bpf_open(struct inode *inode, struct file *file, int *res);
void fuse_bpf_file_release(struct file *file);
bool fuse_bpf_read_iter(struct kiocb *iocb, struct iov_iter *to,
			ssize_t *res);
bool fuse_bpf_write_iter(struct kiocb *iocb, struct iov_iter *from,
			 ssize_t *res);
bool fuse_bpf_splice_read(struct file *in, loff_t *ppos,
			  struct pipe_inode_info *pipe, size_t len,
			  unsigned int flags, ssize_t *res);
bool fuse_bpf_splice_write(struct pipe_inode_info *pipe, struct file *out,
			   loff_t *ppos, size_t len, unsigned int flags,
			   ssize_t *res);
bool fuse_bpf_mmap(struct file *file, struct vm_area_struct *vma, int *res);
bool fuse_bpf_flush(struct file *file, fl_owner_t id, int *res);
bool fuse_bpf_fsync(struct file *file, loff_t start, loff_t end,
		    int datasync, int *res);
int fuse_bpf_sync_fs(struct super_block *sb);
bool fuse_bpf_fallocate(struct file *file, int mode, loff_t offset,
			loff_t length, long *res);
bool fuse_bpf_lseek(struct file *file, loff_t offset, int whence,
		    loff_t *res);
bool fuse_bpf_copy_file_range(struct file *in, loff_t pos_in,
			      struct file *out, loff_t pos_out, size_t len,
			      unsigned int flags, ssize_t *res);
bool fuse_bpf_local_locks(struct inode *inode);

#endif /* _FS_FUSE_BPF_H */
