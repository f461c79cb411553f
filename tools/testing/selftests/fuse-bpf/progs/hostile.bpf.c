// SPDX-License-Identifier: GPL-2.0
/*
 * Filters of hardening_test: instances that return what no filter should
 * (results out of range, success for a failed open, "user" from access),
 * and instances that one side of a two-object operation, or a late
 * postfilter, must not be able to bypass.
 */
#include <fuse_bpf_filter.h>

#define EACCES 13

char _license[] SEC("license") = "GPL";

/* The node id of the last read of "h_spy", as a daemon's filter learns it. */
__u64 spy_nodeid;

/* How often the write prefilters of "h_denyw" and "h_userw" were asked. */
__u64 denyw_calls;
__u64 userw_calls;

/* The name "lk", the one name whose lookup the range filters spoil. */
static bool is_lk(const struct fuse_bpf_name *in)
{
	return in->namelen == 2 && in->name[0] == 'l' && in->name[1] == 'k';
}

/* user.* and system.* (ACLs), not security.capability of writes */
static bool spoiled_xattr(const struct fuse_bpf_name *name)
{
	return name->name[0] == 'u' ||
	       (name->name[0] == 's' && name->name[1] == 'y');
}

/*
 * "h_plus", "h_one", "h_minus": postfilters that return @expr (of the
 * backing's result "ret") for lookup of "lk", getxattr, listxattr, read,
 * write, readlink and lseek.
 */
#define RANGE(nm, expr)							\
SEC("struct_ops/" #nm "_lookup")					\
int BPF_PROG(nm##_lookup, const struct fuse_bpf_meta *meta,		\
	     const struct fuse_bpf_name *in, struct fuse_entry_out *out,	\
	     int ret)							\
{									\
	return is_lk(in) ? (expr) : ret;				\
}									\
									\
SEC("struct_ops/" #nm "_getxattr")					\
int BPF_PROG(nm##_getxattr, const struct fuse_bpf_meta *meta,		\
	     const struct fuse_getxattr_in *in,				\
	     const struct fuse_bpf_name *name, int ret)			\
{									\
	return spoiled_xattr(name) ? (expr) : ret;			\
}									\
									\
SEC("struct_ops/" #nm "_listxattr")					\
int BPF_PROG(nm##_listxattr, const struct fuse_bpf_meta *meta,		\
	     const struct fuse_getxattr_in *in, int ret)		\
{									\
	return expr;							\
}									\
									\
SEC("struct_ops/" #nm "_read")						\
s64 BPF_PROG(nm##_read, const struct fuse_bpf_meta *meta,		\
	     const struct fuse_read_in *in, s64 ret)			\
{									\
	return expr;							\
}									\
									\
SEC("struct_ops/" #nm "_write")						\
s64 BPF_PROG(nm##_write, const struct fuse_bpf_meta *meta,		\
	     const struct fuse_write_in *in, s64 ret)			\
{									\
	return expr;							\
}									\
									\
SEC("struct_ops/" #nm "_readlink")					\
int BPF_PROG(nm##_readlink, const struct fuse_bpf_meta *meta, int ret)	\
{									\
	return expr;							\
}									\
									\
SEC("struct_ops/" #nm "_lseek")						\
s64 BPF_PROG(nm##_lseek, const struct fuse_bpf_meta *meta,		\
	     const struct fuse_lseek_in *in, s64 ret)			\
{									\
	return expr;							\
}									\
									\
SEC(".struct_ops.link")							\
struct fuse_ops nm = {							\
	.lookup_postfilter = (void *)nm##_lookup,			\
	.getxattr_postfilter = (void *)nm##_getxattr,			\
	.listxattr_postfilter = (void *)nm##_listxattr,			\
	.read_iter_postfilter = (void *)nm##_read,			\
	.write_iter_postfilter = (void *)nm##_write,			\
	.readlink_postfilter = (void *)nm##_readlink,			\
	.lseek_postfilter = (void *)nm##_lseek,				\
	.name = #nm,							\
}

RANGE(h_plus, ret + 4096);
RANGE(h_one, 1);
RANGE(h_minus, -5000);

/* "h_open0" and "h_open1": open and opendir postfilters answer 0 or 1. */
#define OPEN_POST(nm, val)						\
SEC("struct_ops/" #nm "_open")						\
int BPF_PROG(nm##_open, const struct fuse_bpf_meta *meta,		\
	     const struct fuse_open_in *in, int ret)			\
{									\
	return val;							\
}									\
									\
SEC("struct_ops/" #nm "_opendir")					\
int BPF_PROG(nm##_opendir, const struct fuse_bpf_meta *meta,		\
	     const struct fuse_open_in *in, int ret)			\
{									\
	return val;							\
}									\
									\
SEC(".struct_ops.link")							\
struct fuse_ops nm = {							\
	.open_postfilter = (void *)nm##_open,				\
	.opendir_postfilter = (void *)nm##_opendir,			\
	.name = #nm,							\
}

OPEN_POST(h_open0, 0);
OPEN_POST(h_open1, 1);

/* "h_denyw": every write is refused, and counted. */
SEC("struct_ops/h_denyw_write")
int BPF_PROG(h_denyw_write, const struct fuse_bpf_meta *meta,
	     struct fuse_write_in *in)
{
	denyw_calls++;
	return -EACCES;
}

SEC(".struct_ops.link")
struct fuse_ops h_denyw = {
	.write_iter_prefilter = (void *)h_denyw_write,
	.name = "h_denyw",
};

/* "h_userw": open and writes go to the daemon; writes are counted. */
SEC("struct_ops/h_userw_open")
int BPF_PROG(h_userw_open, const struct fuse_bpf_meta *meta,
	     struct fuse_open_in *in)
{
	return FUSE_BPF_USER;
}

SEC("struct_ops/h_userw_write")
int BPF_PROG(h_userw_write, const struct fuse_bpf_meta *meta,
	     struct fuse_write_in *in)
{
	userw_calls++;
	return FUSE_BPF_USER;
}

SEC(".struct_ops.link")
struct fuse_ops h_userw = {
	.open_prefilter = (void *)h_userw_open,
	.write_iter_prefilter = (void *)h_userw_write,
	.name = "h_userw",
};

/* "h_denyns": nothing is renamed or linked into the directory. */
SEC("struct_ops/h_denyns_rename")
int BPF_PROG(h_denyns_rename, const struct fuse_bpf_meta *meta,
	     struct fuse_rename2_in *in, struct fuse_bpf_name *oldname,
	     struct fuse_bpf_name *newname)
{
	return -EACCES;
}

SEC("struct_ops/h_denyns_link")
int BPF_PROG(h_denyns_link, const struct fuse_bpf_meta *meta,
	     struct fuse_link_in *in, struct fuse_bpf_name *name)
{
	return -EACCES;
}

SEC(".struct_ops.link")
struct fuse_ops h_denyns = {
	.rename_prefilter = (void *)h_denyns_rename,
	.link_prefilter = (void *)h_denyns_link,
	.name = "h_denyns",
};

/* "h_acc_u", "h_acc_up", "h_acc_upo": access answers a daemon action. */
#define ACCESS(nm, val)							\
SEC("struct_ops/" #nm "_access")					\
int BPF_PROG(nm##_access, const struct fuse_bpf_meta *meta,		\
	     struct fuse_access_in *in)					\
{									\
	return val;							\
}									\
									\
SEC(".struct_ops.link")							\
struct fuse_ops nm = {							\
	.access_prefilter = (void *)nm##_access,			\
	.name = #nm,							\
}

ACCESS(h_acc_u, FUSE_BPF_USER);
ACCESS(h_acc_up, FUSE_BPF_USER_PREFILTER);
ACCESS(h_acc_upo, FUSE_BPF_USER_POSTFILTER);

/* "h_late": the daemon decides each write; a postfilter follows. */
SEC("struct_ops/h_late_write")
int BPF_PROG(h_late_write, const struct fuse_bpf_meta *meta,
	     struct fuse_write_in *in)
{
	return FUSE_BPF_USER_PREFILTER;
}

SEC("struct_ops/h_late_write_post")
s64 BPF_PROG(h_late_write_post, const struct fuse_bpf_meta *meta,
	     const struct fuse_write_in *in, s64 ret)
{
	return ret;
}

SEC(".struct_ops.link")
struct fuse_ops h_late = {
	.write_iter_prefilter = (void *)h_late_write,
	.write_iter_postfilter = (void *)h_late_write_post,
	.name = "h_late",
};

/* "h_spy": reads go to the backing; the node id is recorded. */
SEC("struct_ops/h_spy_read")
int BPF_PROG(h_spy_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	spy_nodeid = meta->nodeid;
	return FUSE_BPF_BACKING;
}

SEC(".struct_ops.link")
struct fuse_ops h_spy = {
	.read_iter_prefilter = (void *)h_spy_read,
	.name = "h_spy",
};
