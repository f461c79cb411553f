// SPDX-License-Identifier: GPL-2.0
/*
 * fuse-bpf: the struct_ops type fuse_ops and the registry of its instances.
 *
 * A daemon loads a struct_ops map of type fuse_ops with a name and
 * attaches it (reg): that only makes the instance known. The daemon then
 * registers it for its connection, with FUSE_BPF_DEV_IOC_FILTER on its
 * /dev/fuse-bpf descriptor and the link's descriptor, and LOOKUP replies
 * on that connection name it. An instance is never used by a connection
 * whose daemon did not register it. Inodes hold registry entries, never
 * the instance itself: when the instance goes (unreg), or its connection,
 * the entry stays for as long as inodes use it and their operations fail
 * with ENOTCONN until the daemon registers an instance of the same name
 * again.
 */

#include "fuse_i.h"

#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/capability.h>
#include <linux/module.h>

MODULE_IMPORT_NS(FUSE_BPF_NS_BPF_INTERNAL);

/*
 * An attached instance, known by its link until it is detached; the
 * entries of the connections it is registered for point at its ops.
 */
struct fuse_bpf_instance {
	struct list_head node;
	struct fuse_ops *ops;
	struct bpf_link *link;
};

static LIST_HEAD(fuse_bpf_instances);
static LIST_HEAD(fuse_bpf_filters);
static DEFINE_MUTEX(fuse_bpf_filters_lock);

static struct fuse_bpf_filter *fuse_bpf_filter_find(struct fuse_conn *fc,
						    const char *name)
{
	struct fuse_bpf_filter *filter;

	list_for_each_entry_rcu(filter, &fuse_bpf_filters, node,
				lockdep_is_held(&fuse_bpf_filters_lock))
		if (READ_ONCE(filter->owner) == fc &&
		    refcount_read(&filter->count) &&
		    !strncmp(filter->name, name, FUSE_BPF_NAME_LEN))
			return filter;
	return NULL;
}

/**
 * fuse_bpf_filter_get - take a reference to a connection's instance @name
 * @fc: the connection
 * @name: instance name, at most FUSE_BPF_NAME_LEN bytes
 *
 * Return: the registry entry, or NULL if the daemon of @fc has no
 * instance of that name registered now.
 */
struct fuse_bpf_filter *fuse_bpf_filter_get(struct fuse_conn *fc,
					    const char *name)
{
	struct fuse_bpf_filter *filter;

	rcu_read_lock();
	filter = fuse_bpf_filter_find(fc, name);
	if (filter && (!rcu_access_pointer(filter->ops) ||
		       !refcount_inc_not_zero(&filter->count)))
		filter = NULL;
	rcu_read_unlock();
	return filter;
}

struct fuse_bpf_filter *fuse_bpf_filter_dup(struct fuse_bpf_filter *filter)
{
	if (filter)
		refcount_inc(&filter->count);
	return filter;
}

/* Whether an instance is registered under @filter's name now. */
bool fuse_bpf_filter_live(struct fuse_bpf_filter *filter)
{
	return rcu_access_pointer(filter->ops);
}

void fuse_bpf_filter_put(struct fuse_bpf_filter *filter)
{
	if (!filter ||
	    !refcount_dec_and_mutex_lock(&filter->count, &fuse_bpf_filters_lock))
		return;
	list_del_rcu(&filter->node);
	mutex_unlock(&fuse_bpf_filters_lock);
	kfree_rcu(filter, rcu);
}

/*
 * Take the instance out of @filter and put the registry's reference. The
 * entry goes after a grace period; the instance, when the caller has
 * waited for one too.
 */
static void fuse_bpf_filter_clear(struct fuse_bpf_filter *filter)
{
	lockdep_assert_held(&fuse_bpf_filters_lock);
	RCU_INIT_POINTER(filter->ops, NULL);
	if (refcount_dec_and_test(&filter->count)) {
		list_del_rcu(&filter->node);
		kfree_rcu(filter, rcu);
	}
}

/*
 * Register @inst for @fc: @new, or the entry of the same name whose
 * instance went, which inodes may still hold. Returns the entry, with a
 * reference for the caller.
 */
static struct fuse_bpf_filter *fuse_bpf_filter_add(struct fuse_conn *fc,
						   struct fuse_bpf_instance *inst,
						   struct fuse_bpf_filter *new)
{
	struct fuse_bpf_filter *filter;

	lockdep_assert_held(&fuse_bpf_filters_lock);
	filter = fuse_bpf_filter_find(fc, inst->ops->name);
	if (filter && rcu_access_pointer(filter->ops))
		return ERR_PTR(-EEXIST);
	if (filter) {
		refcount_add(2, &filter->count);
	} else {
		filter = new;
		refcount_set(&filter->count, 2);
		filter->owner = fc;
		memcpy(filter->name, inst->ops->name, FUSE_BPF_NAME_LEN);
		list_add_tail_rcu(&filter->node, &fuse_bpf_filters);
	}
	rcu_assign_pointer(filter->ops, inst->ops);
	return filter;
}

/**
 * fuse_bpf_filter_register - register an attached instance for @fc
 * @fc: the connection
 * @fd: the descriptor of the instance's struct_ops link, in the caller's
 *	table
 *
 * FUSE_BPF_DEV_IOC_FILTER, and the root_filter_fd mount option.
 *
 * Return: the registry entry, with a reference for the caller, or
 * ERR_PTR(-EPERM) without CAP_SYS_ADMIN, -EOPNOTSUPP on a mount without
 * the bpf option, -EBADF or -EINVAL for a descriptor that is not an
 * attached fuse_ops link, -EEXIST if @fc has a live instance of that name.
 */
struct fuse_bpf_filter *fuse_bpf_filter_register(struct fuse_conn *fc, u32 fd)
{
	struct fuse_bpf_filter *new, *filter = ERR_PTR(-EINVAL);
	struct fuse_bpf_instance *inst;
	struct bpf_link *link;

	if (!capable(CAP_SYS_ADMIN))
		return ERR_PTR(-EPERM);
	if (!fc->bpf)
		return ERR_PTR(-EOPNOTSUPP);
	link = bpf_link_get_from_fd(fd);
	if (IS_ERR(link))
		return ERR_CAST(link);
	/* outside the lock: eviction, which reclaim may run, takes it */
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new) {
		bpf_link_put(link);
		return ERR_PTR(-ENOMEM);
	}

	mutex_lock(&fuse_bpf_filters_lock);
	list_for_each_entry(inst, &fuse_bpf_instances, node) {
		if (inst->link != link)
			continue;
		filter = fuse_bpf_filter_add(fc, inst, new);
		break;
	}
	mutex_unlock(&fuse_bpf_filters_lock);
	if (filter != new)
		kfree(new);
	bpf_link_put(link);
	return filter;
}

/**
 * fuse_bpf_dev_ioctl - the ioctls of /dev/fuse-bpf beyond FUSE's
 * @fud: the device of the descriptor, NULL if it is not mounted yet
 * @cmd: the command
 * @argp: its argument
 *
 * FUSE_BPF_DEV_IOC_FILTER registers an attached fuse_ops instance for the
 * connection, under its name: the daemon gives the descriptor of the
 * struct_ops link. It needs CAP_SYS_ADMIN, as backing files do.
 *
 * Return: 0, -EPERM without the capability or a mount, -EOPNOTSUPP on a
 * mount without the bpf option, -EBADF or -EINVAL for a descriptor that is
 * not an attached fuse_ops link, -EEXIST if the connection has a live
 * instance of that name, -ENOTTY for another command.
 */
long fuse_bpf_dev_ioctl(struct fuse_dev *fud, unsigned int cmd,
			void __user *argp)
{
	struct fuse_bpf_filter *filter;
	__u32 fd;

	if (cmd != FUSE_BPF_DEV_IOC_FILTER)
		return -ENOTTY;
	if (!fud)
		return -EPERM;
	if (get_user(fd, (__u32 __user *)argp))
		return -EFAULT;
	filter = fuse_bpf_filter_register(fuse_bpf_dev_conn(fud), fd);
	if (IS_ERR(filter))
		return PTR_ERR(filter);
	fuse_bpf_filter_put(filter);
	return 0;
}

/**
 * fuse_bpf_filters_release - a connection goes: its registrations with it
 * @fc: the connection, which nothing uses any more
 */
void fuse_bpf_filters_release(struct fuse_conn *fc)
{
	struct fuse_bpf_filter *filter, *next;

	mutex_lock(&fuse_bpf_filters_lock);
	list_for_each_entry_safe(filter, next, &fuse_bpf_filters, node) {
		if (filter->owner != fc)
			continue;
		WRITE_ONCE(filter->owner, NULL);
		if (rcu_access_pointer(filter->ops))
			fuse_bpf_filter_clear(filter);
	}
	mutex_unlock(&fuse_bpf_filters_lock);
}

/*
 * One link per instance: the registrations made through a link are those
 * of its instance, and go with it.
 */
static int fuse_bpf_reg(void *kdata, struct bpf_link *link)
{
	struct fuse_bpf_instance *inst, *new;
	int err = 0;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->ops = kdata;
	new->link = link;
	mutex_lock(&fuse_bpf_filters_lock);
	list_for_each_entry(inst, &fuse_bpf_instances, node) {
		if (inst->ops == kdata) {
			err = -EBUSY;
			break;
		}
	}
	if (!err)
		list_add_tail(&new->node, &fuse_bpf_instances);
	mutex_unlock(&fuse_bpf_filters_lock);
	if (err)
		kfree(new);
	return err;
}

static void fuse_bpf_unreg(void *kdata, struct bpf_link *link)
{
	struct fuse_bpf_instance *inst, *found = NULL;
	struct fuse_bpf_filter *filter, *next;

	mutex_lock(&fuse_bpf_filters_lock);
	list_for_each_entry(inst, &fuse_bpf_instances, node) {
		if (inst->ops == kdata && inst->link == link) {
			found = inst;
			list_del(&inst->node);
			break;
		}
	}
	list_for_each_entry_safe(filter, next, &fuse_bpf_filters, node)
		if (found && rcu_access_pointer(filter->ops) == kdata)
			fuse_bpf_filter_clear(filter);
	mutex_unlock(&fuse_bpf_filters_lock);
	WARN_ON_ONCE(!found);
	kfree(found);
	/* no operation is still inside the instance's programs */
	synchronize_rcu();
}

static int fuse_bpf_init_member(const struct btf_type *t,
				const struct btf_member *member,
				void *kdata, const void *udata)
{
	const struct fuse_ops *uops = udata;
	struct fuse_ops *ops = kdata;

	if (__btf_member_bit_offset(t, member) !=
	    offsetof(struct fuse_ops, name) * 8)
		return 0;
	if (!uops->name[0] ||
	    strnlen(uops->name, FUSE_BPF_NAME_LEN) == FUSE_BPF_NAME_LEN)
		return -EINVAL;
	memcpy(ops->name, uops->name, FUSE_BPF_NAME_LEN);
	return 1;
}

/* Filters run under RCU, and in I/O completion: they must not sleep. */
static int fuse_bpf_check_member(const struct btf_type *t,
				 const struct btf_member *member,
				 const struct bpf_prog *prog)
{
	return prog->sleepable ? -EINVAL : 0;
}

static int fuse_bpf_btf_init(struct btf *btf)
{
	/* put the result codes in the module's BTF, for the filters */
	BTF_TYPE_EMIT_ENUM(FUSE_BPF_USER_POSTFILTER);
	return 0;
}

/*
 * What filters may write: the I/O sizes, which the kernel only lets
 * shrink, and the names of name operations, which say what the backing
 * entry is called (the listed name, for the readdir postfilter). The
 * verifier only hands btf_struct_access() a BTF type, and this module
 * cannot look types up by name, so each type is learnt from the context
 * accesses of the arguments that have it: a program must load an argument
 * pointer from its context before it can store through it.
 */
enum {
	FUSE_BPF_READ_IN,
	FUSE_BPF_WRITE_IN,
	FUSE_BPF_NAME,
	FUSE_BPF_NR_TYPES
};

static const struct btf_type *fuse_bpf_types[FUSE_BPF_NR_TYPES];

/* the member number, of a member before @name, where all are pointers */
#define FUSE_BPF_MEMBER(m) (offsetof(struct fuse_ops, m) / sizeof(void *) + \
	BUILD_BUG_ON_ZERO(offsetof(struct fuse_ops, m) >=		\
			  offsetof(struct fuse_ops, name)))
#define FUSE_BPF_ARG(m, arg, type) { FUSE_BPF_MEMBER(m), arg, type }

/* The writable arguments: a member, the argument's number, its type. */
static const struct {
	unsigned int member, arg, type;
} fuse_bpf_writable_args[] = {
	FUSE_BPF_ARG(read_iter_prefilter, 1, FUSE_BPF_READ_IN),
	FUSE_BPF_ARG(write_iter_prefilter, 1, FUSE_BPF_WRITE_IN),
	FUSE_BPF_ARG(lookup_prefilter, 1, FUSE_BPF_NAME),
	FUSE_BPF_ARG(create_prefilter, 2, FUSE_BPF_NAME),
	FUSE_BPF_ARG(mknod_prefilter, 2, FUSE_BPF_NAME),
	FUSE_BPF_ARG(mkdir_prefilter, 2, FUSE_BPF_NAME),
	FUSE_BPF_ARG(symlink_prefilter, 1, FUSE_BPF_NAME),
	FUSE_BPF_ARG(unlink_prefilter, 1, FUSE_BPF_NAME),
	FUSE_BPF_ARG(rmdir_prefilter, 1, FUSE_BPF_NAME),
	FUSE_BPF_ARG(rename_prefilter, 2, FUSE_BPF_NAME),
	FUSE_BPF_ARG(rename_prefilter, 3, FUSE_BPF_NAME),
	FUSE_BPF_ARG(link_prefilter, 2, FUSE_BPF_NAME),
	FUSE_BPF_ARG(readdir_postfilter, 1, FUSE_BPF_NAME),
};

/* The writable fields of each type: any part of [off, off + size). */
static const struct {
	unsigned int type;
	size_t off, size;
} fuse_bpf_writable_fields[] = {
	{ FUSE_BPF_READ_IN, offsetof(struct fuse_read_in, size), sizeof(u32) },
	{ FUSE_BPF_WRITE_IN, offsetof(struct fuse_write_in, size),
	  sizeof(u32) },
	{ FUSE_BPF_NAME, offsetof(struct fuse_bpf_name, name),
	  sizeof_field(struct fuse_bpf_name, name) },
};

static bool fuse_bpf_is_valid_access(int off, int size,
				     enum bpf_access_type type,
				     const struct bpf_prog *prog,
				     struct bpf_insn_access_aux *info)
{
	int i;

	if (!bpf_tracing_btf_ctx_access(off, size, type, prog, info))
		return false;
	if (!info->btf)
		return true;
	for (i = 0; i < ARRAY_SIZE(fuse_bpf_writable_args); i++)
		if (fuse_bpf_writable_args[i].member ==
		    prog->expected_attach_type &&
		    fuse_bpf_writable_args[i].arg == off / sizeof(u64))
			WRITE_ONCE(fuse_bpf_types[fuse_bpf_writable_args[i].type],
				   btf_type_by_id(info->btf, info->btf_id));
	return true;
}

/* Whether the program being verified has a writable argument of @type. */
static bool fuse_bpf_member_writes(const struct bpf_prog *prog,
				   unsigned int type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(fuse_bpf_writable_args); i++)
		if (fuse_bpf_writable_args[i].member ==
		    prog->expected_attach_type &&
		    fuse_bpf_writable_args[i].type == type)
			return true;
	return false;
}

/*
 * The verifier hands btf_struct_access() its own log, &env->log: that is
 * where the program being verified is. The types taken from the
 * verifier's environment are checked against the target kernel's headers
 * (container_of() checks the log's); that the log is the environment's is
 * the verifier's one caller's, check_ptr_to_btf_access(), and
 * filter_test's refused writes run it.
 */
static_assert(__same_type(((struct bpf_verifier_env *)NULL)->log,
			  struct bpf_verifier_log));
static_assert(__same_type(((struct bpf_verifier_env *)NULL)->prog,
			  struct bpf_prog *));

static int fuse_bpf_btf_struct_access(struct bpf_verifier_log *log,
				      const struct bpf_reg_state *reg,
				      int off, int size)
{
	struct bpf_verifier_env *env = container_of(log,
						    struct bpf_verifier_env,
						    log);
	const struct btf_type *t = btf_type_by_id(reg->btf, reg->btf_id);
	int i;

	for (i = 0; i < ARRAY_SIZE(fuse_bpf_writable_fields); i++) {
		unsigned int type = fuse_bpf_writable_fields[i].type;
		size_t woff = fuse_bpf_writable_fields[i].off;

		if (READ_ONCE(fuse_bpf_types[type]) == t && off >= woff &&
		    off + size <= woff + fuse_bpf_writable_fields[i].size &&
		    fuse_bpf_member_writes(env->prog, type))
			return 0;
	}
	bpf_log(log, "fuse_ops: a filter may not write here (offset %d)\n",
		off);
	return -EACCES;
}

static const struct bpf_verifier_ops fuse_bpf_verifier_ops = {
	.get_func_proto = bpf_base_func_proto,
	.is_valid_access = fuse_bpf_is_valid_access,
	.btf_struct_access = fuse_bpf_btf_struct_access,
};

/* The stubs give each member its prototype; they are never called. */
static int fuse_ops__lookup_prefilter(const struct fuse_bpf_meta *meta,
				      struct fuse_bpf_name *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__lookup_postfilter(const struct fuse_bpf_meta *meta,
				       const struct fuse_bpf_name *in,
				       struct fuse_entry_out *out, int ret)
{
	return ret;
}

static int fuse_ops__open_prefilter(const struct fuse_bpf_meta *meta,
				    struct fuse_open_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__open_postfilter(const struct fuse_bpf_meta *meta,
				     const struct fuse_open_in *in, int ret)
{
	return ret;
}

static int fuse_ops__release_prefilter(const struct fuse_bpf_meta *meta,
				       struct fuse_release_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__release_postfilter(const struct fuse_bpf_meta *meta,
					const struct fuse_release_in *in,
					int ret)
{
	return ret;
}

static int fuse_ops__read_iter_prefilter(const struct fuse_bpf_meta *meta,
					 struct fuse_read_in *in)
{
	return FUSE_BPF_BACKING;
}

static s64 fuse_ops__read_iter_postfilter(const struct fuse_bpf_meta *meta,
					  const struct fuse_read_in *in,
					  s64 ret)
{
	return ret;
}

static int fuse_ops__write_iter_prefilter(const struct fuse_bpf_meta *meta,
					  struct fuse_write_in *in)
{
	return FUSE_BPF_BACKING;
}

static s64 fuse_ops__write_iter_postfilter(const struct fuse_bpf_meta *meta,
					   const struct fuse_write_in *in,
					   s64 ret)
{
	return ret;
}

static int fuse_ops__getattr_prefilter(const struct fuse_bpf_meta *meta,
				       struct fuse_getattr_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__getattr_postfilter(const struct fuse_bpf_meta *meta,
					const struct fuse_getattr_in *in,
					struct fuse_attr_out *out, int ret)
{
	return ret;
}

static int fuse_ops__setattr_prefilter(const struct fuse_bpf_meta *meta,
				       struct fuse_setattr_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__setattr_postfilter(const struct fuse_bpf_meta *meta,
					const struct fuse_setattr_in *in,
					struct fuse_attr_out *out, int ret)
{
	return ret;
}

static int fuse_ops__flush_prefilter(const struct fuse_bpf_meta *meta,
				     struct fuse_flush_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__flush_postfilter(const struct fuse_bpf_meta *meta,
				      const struct fuse_flush_in *in, int ret)
{
	return ret;
}

static int fuse_ops__fsync_prefilter(const struct fuse_bpf_meta *meta,
				     struct fuse_fsync_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__fsync_postfilter(const struct fuse_bpf_meta *meta,
				      const struct fuse_fsync_in *in, int ret)
{
	return ret;
}

static int fuse_ops__create_prefilter(const struct fuse_bpf_meta *meta,
				      struct fuse_create_in *in,
				      struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__create_postfilter(const struct fuse_bpf_meta *meta,
				       const struct fuse_create_in *in,
				       const struct fuse_bpf_name *name,
				       int ret)
{
	return ret;
}

static int fuse_ops__mknod_prefilter(const struct fuse_bpf_meta *meta,
				     struct fuse_mknod_in *in,
				     struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__mknod_postfilter(const struct fuse_bpf_meta *meta,
				      const struct fuse_mknod_in *in,
				      const struct fuse_bpf_name *name, int ret)
{
	return ret;
}

static int fuse_ops__mkdir_prefilter(const struct fuse_bpf_meta *meta,
				     struct fuse_mkdir_in *in,
				     struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__mkdir_postfilter(const struct fuse_bpf_meta *meta,
				      const struct fuse_mkdir_in *in,
				      const struct fuse_bpf_name *name, int ret)
{
	return ret;
}

static int fuse_ops__symlink_prefilter(const struct fuse_bpf_meta *meta,
				       struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__symlink_postfilter(const struct fuse_bpf_meta *meta,
					const struct fuse_bpf_name *name,
					int ret)
{
	return ret;
}

static int fuse_ops__unlink_prefilter(const struct fuse_bpf_meta *meta,
				      struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__unlink_postfilter(const struct fuse_bpf_meta *meta,
				       const struct fuse_bpf_name *name,
				       int ret)
{
	return ret;
}

static int fuse_ops__rmdir_prefilter(const struct fuse_bpf_meta *meta,
				     struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__rmdir_postfilter(const struct fuse_bpf_meta *meta,
				      const struct fuse_bpf_name *name, int ret)
{
	return ret;
}

static int fuse_ops__rename_prefilter(const struct fuse_bpf_meta *meta,
				      struct fuse_rename2_in *in,
				      struct fuse_bpf_name *oldname,
				      struct fuse_bpf_name *newname)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__rename_postfilter(const struct fuse_bpf_meta *meta,
				       const struct fuse_rename2_in *in,
				       const struct fuse_bpf_name *oldname,
				       const struct fuse_bpf_name *newname,
				       int ret)
{
	return ret;
}

static int fuse_ops__link_prefilter(const struct fuse_bpf_meta *meta,
				    struct fuse_link_in *in,
				    struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__link_postfilter(const struct fuse_bpf_meta *meta,
				     const struct fuse_link_in *in,
				     const struct fuse_bpf_name *name, int ret)
{
	return ret;
}

static int fuse_ops__fallocate_prefilter(const struct fuse_bpf_meta *meta,
					 struct fuse_fallocate_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__fallocate_postfilter(const struct fuse_bpf_meta *meta,
					  const struct fuse_fallocate_in *in,
					  int ret)
{
	return ret;
}

static int fuse_ops__lseek_prefilter(const struct fuse_bpf_meta *meta,
				     struct fuse_lseek_in *in)
{
	return FUSE_BPF_BACKING;
}

static s64 fuse_ops__lseek_postfilter(const struct fuse_bpf_meta *meta,
				      const struct fuse_lseek_in *in, s64 ret)
{
	return ret;
}

static int fuse_ops__getxattr_prefilter(const struct fuse_bpf_meta *meta,
					struct fuse_getxattr_in *in,
					struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__getxattr_postfilter(const struct fuse_bpf_meta *meta,
					 const struct fuse_getxattr_in *in,
					 const struct fuse_bpf_name *name,
					 int ret)
{
	return ret;
}

static int fuse_ops__setxattr_prefilter(const struct fuse_bpf_meta *meta,
					struct fuse_setxattr_in *in,
					struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__setxattr_postfilter(const struct fuse_bpf_meta *meta,
					 const struct fuse_setxattr_in *in,
					 const struct fuse_bpf_name *name,
					 int ret)
{
	return ret;
}

static int fuse_ops__listxattr_prefilter(const struct fuse_bpf_meta *meta,
					 struct fuse_getxattr_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__listxattr_postfilter(const struct fuse_bpf_meta *meta,
					  const struct fuse_getxattr_in *in,
					  int ret)
{
	return ret;
}

static int fuse_ops__removexattr_prefilter(const struct fuse_bpf_meta *meta,
					   struct fuse_bpf_name *name)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__removexattr_postfilter(const struct fuse_bpf_meta *meta,
					    const struct fuse_bpf_name *name,
					    int ret)
{
	return ret;
}

static int
fuse_ops__copy_file_range_prefilter(const struct fuse_bpf_meta *meta,
				    struct fuse_copy_file_range_in *in)
{
	return FUSE_BPF_BACKING;
}

static s64
fuse_ops__copy_file_range_postfilter(const struct fuse_bpf_meta *meta,
				     const struct fuse_copy_file_range_in *in,
				     s64 ret)
{
	return ret;
}

static int fuse_ops__readdir_postfilter(const struct fuse_bpf_meta *meta,
					 struct fuse_bpf_name *name,
					 int ret)
{
	return ret;
}

static int fuse_ops__access_prefilter(const struct fuse_bpf_meta *meta,
				      struct fuse_access_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__access_postfilter(const struct fuse_bpf_meta *meta,
				       const struct fuse_access_in *in,
				       int ret)
{
	return ret;
}

static int fuse_ops__opendir_prefilter(const struct fuse_bpf_meta *meta,
				       struct fuse_open_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__opendir_postfilter(const struct fuse_bpf_meta *meta,
					const struct fuse_open_in *in, int ret)
{
	return ret;
}

static int fuse_ops__releasedir_prefilter(const struct fuse_bpf_meta *meta,
					  struct fuse_release_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__releasedir_postfilter(const struct fuse_bpf_meta *meta,
					   const struct fuse_release_in *in,
					   int ret)
{
	return ret;
}

static int fuse_ops__statfs_prefilter(const struct fuse_bpf_meta *meta)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__statfs_postfilter(const struct fuse_bpf_meta *meta,
				       const struct fuse_statfs_out *out,
				       int ret)
{
	return ret;
}

static int fuse_ops__readlink_prefilter(const struct fuse_bpf_meta *meta)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__readlink_postfilter(const struct fuse_bpf_meta *meta,
					 int ret)
{
	return ret;
}

static int fuse_ops__ioctl_prefilter(const struct fuse_bpf_meta *meta,
				     struct fuse_ioctl_in *in)
{
	return FUSE_BPF_BACKING;
}

static int fuse_ops__ioctl_postfilter(const struct fuse_bpf_meta *meta,
				      const struct fuse_ioctl_in *in, int ret)
{
	return ret;
}

static struct fuse_ops fuse_bpf_cfi_stubs = {
	.lookup_prefilter = fuse_ops__lookup_prefilter,
	.lookup_postfilter = fuse_ops__lookup_postfilter,
	.open_prefilter = fuse_ops__open_prefilter,
	.open_postfilter = fuse_ops__open_postfilter,
	.release_prefilter = fuse_ops__release_prefilter,
	.release_postfilter = fuse_ops__release_postfilter,
	.read_iter_prefilter = fuse_ops__read_iter_prefilter,
	.read_iter_postfilter = fuse_ops__read_iter_postfilter,
	.write_iter_prefilter = fuse_ops__write_iter_prefilter,
	.write_iter_postfilter = fuse_ops__write_iter_postfilter,
	.getattr_prefilter = fuse_ops__getattr_prefilter,
	.getattr_postfilter = fuse_ops__getattr_postfilter,
	.setattr_prefilter = fuse_ops__setattr_prefilter,
	.setattr_postfilter = fuse_ops__setattr_postfilter,
	.flush_prefilter = fuse_ops__flush_prefilter,
	.flush_postfilter = fuse_ops__flush_postfilter,
	.fsync_prefilter = fuse_ops__fsync_prefilter,
	.fsync_postfilter = fuse_ops__fsync_postfilter,
	.create_prefilter = fuse_ops__create_prefilter,
	.create_postfilter = fuse_ops__create_postfilter,
	.mknod_prefilter = fuse_ops__mknod_prefilter,
	.mknod_postfilter = fuse_ops__mknod_postfilter,
	.mkdir_prefilter = fuse_ops__mkdir_prefilter,
	.mkdir_postfilter = fuse_ops__mkdir_postfilter,
	.symlink_prefilter = fuse_ops__symlink_prefilter,
	.symlink_postfilter = fuse_ops__symlink_postfilter,
	.unlink_prefilter = fuse_ops__unlink_prefilter,
	.unlink_postfilter = fuse_ops__unlink_postfilter,
	.rmdir_prefilter = fuse_ops__rmdir_prefilter,
	.rmdir_postfilter = fuse_ops__rmdir_postfilter,
	.rename_prefilter = fuse_ops__rename_prefilter,
	.rename_postfilter = fuse_ops__rename_postfilter,
	.link_prefilter = fuse_ops__link_prefilter,
	.link_postfilter = fuse_ops__link_postfilter,
	.fallocate_prefilter = fuse_ops__fallocate_prefilter,
	.fallocate_postfilter = fuse_ops__fallocate_postfilter,
	.lseek_prefilter = fuse_ops__lseek_prefilter,
	.lseek_postfilter = fuse_ops__lseek_postfilter,
	.getxattr_prefilter = fuse_ops__getxattr_prefilter,
	.getxattr_postfilter = fuse_ops__getxattr_postfilter,
	.setxattr_prefilter = fuse_ops__setxattr_prefilter,
	.setxattr_postfilter = fuse_ops__setxattr_postfilter,
	.listxattr_prefilter = fuse_ops__listxattr_prefilter,
	.listxattr_postfilter = fuse_ops__listxattr_postfilter,
	.removexattr_prefilter = fuse_ops__removexattr_prefilter,
	.removexattr_postfilter = fuse_ops__removexattr_postfilter,
	.copy_file_range_prefilter = fuse_ops__copy_file_range_prefilter,
	.copy_file_range_postfilter = fuse_ops__copy_file_range_postfilter,
	.readdir_postfilter = fuse_ops__readdir_postfilter,
	.access_prefilter = fuse_ops__access_prefilter,
	.access_postfilter = fuse_ops__access_postfilter,
	.opendir_prefilter = fuse_ops__opendir_prefilter,
	.opendir_postfilter = fuse_ops__opendir_postfilter,
	.releasedir_prefilter = fuse_ops__releasedir_prefilter,
	.releasedir_postfilter = fuse_ops__releasedir_postfilter,
	.statfs_prefilter = fuse_ops__statfs_prefilter,
	.statfs_postfilter = fuse_ops__statfs_postfilter,
	.readlink_prefilter = fuse_ops__readlink_prefilter,
	.readlink_postfilter = fuse_ops__readlink_postfilter,
	.ioctl_prefilter = fuse_ops__ioctl_prefilter,
	.ioctl_postfilter = fuse_ops__ioctl_postfilter,
};

static struct bpf_struct_ops fuse_bpf_struct_ops = {
	.verifier_ops = &fuse_bpf_verifier_ops,
	.init = fuse_bpf_btf_init,
	.check_member = fuse_bpf_check_member,
	.init_member = fuse_bpf_init_member,
	.reg = fuse_bpf_reg,
	.unreg = fuse_bpf_unreg,
	.cfi_stubs = &fuse_bpf_cfi_stubs,
	.name = "fuse_ops",
	.owner = THIS_MODULE,
};

/**
 * fuse_bpf_ops_init - register the struct_ops type fuse_ops
 *
 * It cannot be unregistered: it goes with the module.
 *
 * Return: 0 or a negative errno.
 */
int fuse_bpf_ops_init(void)
{
	return register_bpf_struct_ops(&fuse_bpf_struct_ops, fuse_ops);
}
