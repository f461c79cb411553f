// SPDX-License-Identifier: GPL-2.0
/*
 * Filters of filter_test, one fuse_ops instance per behaviour; a LOOKUP
 * reply names the instance a file gets.
 */
#include <fuse_bpf_filter.h>

#define EPERM 1
#define ENOENT 2
#define EACCES 13
#define EEXIST 17
#define ENOTEMPTY 39
#define ENOLINK 67
#define EOVERFLOW 75

char _license[] SEC("license") = "GPL";

/* What the filters saw, for the test to check. */
__s64 read_seen;
__s64 write_seen;
__u32 read_size_seen;
__u64 read_calls;
__u64 user_read_calls;
__u64 user_write_calls;

/* "to_user": open and read go to the daemon. */
SEC("struct_ops/user_open")
int BPF_PROG(user_open, const struct fuse_bpf_meta *meta,
	     struct fuse_open_in *in)
{
	return FUSE_BPF_USER;
}

SEC("struct_ops/user_read")
int BPF_PROG(user_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	user_read_calls++;
	return FUSE_BPF_USER;
}

SEC(".struct_ops.link")
struct fuse_ops to_user = {
	.open_prefilter = (void *)user_open,
	.read_iter_prefilter = (void *)user_read,
	.name = "to_user",
};

/* "hybrid": open and write go to the daemon, reads to the backing. */
SEC("struct_ops/user_write")
int BPF_PROG(user_write, const struct fuse_bpf_meta *meta,
	     struct fuse_write_in *in)
{
	user_write_calls++;
	return FUSE_BPF_USER;
}

SEC(".struct_ops.link")
struct fuse_ops hybrid = {
	.open_prefilter = (void *)user_open,
	.write_iter_prefilter = (void *)user_write,
	.name = "hybrid",
};

/* "short": a postfilter that turns every read into a 1-byte read. */
SEC("struct_ops/short_read")
s64 BPF_PROG(short_read, const struct fuse_bpf_meta *meta,
	     const struct fuse_read_in *in, s64 ret)
{
	return ret > 1 ? 1 : ret;
}

/* asked for explicitly ("observe" has no prefilter: the same, implied) */
SEC("struct_ops/post_read")
int BPF_PROG(post_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	return FUSE_BPF_POSTFILTER;
}

SEC(".struct_ops.link")
struct fuse_ops short_reads = {
	.read_iter_prefilter = (void *)post_read,
	.read_iter_postfilter = (void *)short_read,
	.name = "short",
};

/* "deny": reads fail with EACCES, writes pass. */
SEC("struct_ops/deny_read")
int BPF_PROG(deny_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	return -EACCES;
}

SEC(".struct_ops.link")
struct fuse_ops deny = {
	.read_iter_prefilter = (void *)deny_read,
	.name = "deny",
};

/* "clamp": reads of at most 100 bytes. */
SEC("struct_ops/clamp_read")
int BPF_PROG(clamp_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	read_size_seen = in->size;
	if (in->size > 100)
		in->size = 100;
	return FUSE_BPF_BACKING;
}

SEC(".struct_ops.link")
struct fuse_ops clamp = {
	.read_iter_prefilter = (void *)clamp_read,
	.name = "clamp",
};

/* "observe": postfilters that record the results they see. */
SEC("struct_ops/observe_read")
s64 BPF_PROG(observe_read, const struct fuse_bpf_meta *meta,
	     const struct fuse_read_in *in, s64 ret)
{
	read_seen = ret;
	read_calls++;
	return ret;
}

SEC("struct_ops/observe_write")
s64 BPF_PROG(observe_write, const struct fuse_bpf_meta *meta,
	     const struct fuse_write_in *in, s64 ret)
{
	write_seen = ret;
	return ret;
}

SEC(".struct_ops.link")
struct fuse_ops observe = {
	.read_iter_postfilter = (void *)observe_read,
	.write_iter_postfilter = (void *)observe_write,
	.name = "observe",
};

/* "daemon_post": the daemon gets the result of each read. */
SEC("struct_ops/daemon_post_read")
int BPF_PROG(daemon_post_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	return FUSE_BPF_USER_POSTFILTER;
}

SEC(".struct_ops.link")
struct fuse_ops daemon_post = {
	.read_iter_prefilter = (void *)daemon_post_read,
	.name = "daemon_post",
};

/* "xattr_user": the daemon answers getxattr, the backing the rest. */
SEC("struct_ops/user_getxattr")
int BPF_PROG(user_getxattr, const struct fuse_bpf_meta *meta,
	     struct fuse_getxattr_in *in, struct fuse_bpf_name *name)
{
	return FUSE_BPF_USER;
}

SEC(".struct_ops.link")
struct fuse_ops xattr_user = {
	.getxattr_prefilter = (void *)user_getxattr,
	.name = "xattr_user",
};

/* "names": the name "daemon" is looked up by the daemon. */
SEC("struct_ops/names_lookup")
int BPF_PROG(names_lookup, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *in)
{
	if (in->namelen == 6 && in->name[0] == 'd' && in->name[1] == 'a' &&
	    in->name[2] == 'e' && in->name[3] == 'm' && in->name[4] == 'o' &&
	    in->name[5] == 'n')
		return FUSE_BPF_USER;
	return FUSE_BPF_BACKING;
}

SEC(".struct_ops.link")
struct fuse_ops names = {
	.lookup_prefilter = (void *)names_lookup,
	.name = "names",
};

/* "ns_user": mkdir and rename go to the daemon. */
SEC("struct_ops/user_mkdir")
int BPF_PROG(user_mkdir, const struct fuse_bpf_meta *meta,
	     struct fuse_mkdir_in *in, struct fuse_bpf_name *name)
{
	return FUSE_BPF_USER;
}

SEC("struct_ops/user_rename")
int BPF_PROG(user_rename, const struct fuse_bpf_meta *meta,
	     struct fuse_rename2_in *in, struct fuse_bpf_name *oldname,
	     struct fuse_bpf_name *newname)
{
	return FUSE_BPF_USER;
}

SEC(".struct_ops.link")
struct fuse_ops ns_user = {
	.mkdir_prefilter = (void *)user_mkdir,
	.rename_prefilter = (void *)user_rename,
	.name = "ns_user",
};

/* "ns_deny": nothing can be unlinked, */
SEC("struct_ops/deny_unlink")
int BPF_PROG(deny_unlink, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *name)
{
	return -EPERM;
}

/* and no xattr can be set */
SEC("struct_ops/deny_setxattr")
int BPF_PROG(deny_setxattr, const struct fuse_bpf_meta *meta,
	     struct fuse_setxattr_in *in, struct fuse_bpf_name *name)
{
	return -EPERM;
}

SEC(".struct_ops.link")
struct fuse_ops ns_deny = {
	.unlink_prefilter = (void *)deny_unlink,
	.setxattr_prefilter = (void *)deny_setxattr,
	.name = "ns_deny",
};

/* "ns_post": rmdir of a non-empty directory says EEXIST (POSIX allows). */
SEC("struct_ops/eexist_rmdir")
int BPF_PROG(eexist_rmdir, const struct fuse_bpf_meta *meta,
	     const struct fuse_bpf_name *name, int ret)
{
	return ret == -ENOTEMPTY ? -EEXIST : ret;
}

SEC(".struct_ops.link")
struct fuse_ops ns_post = {
	.rmdir_postfilter = (void *)eexist_rmdir,
	.name = "ns_post",
};

/* "hide": the entry "hidden" is neither listed nor found. */
SEC("struct_ops/hide_entry")
int BPF_PROG(hide_entry, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *name, int ret)
{
	if (name->namelen == 6 && name->name[0] == 'h' &&
	    name->name[1] == 'i' && name->name[2] == 'd' &&
	    name->name[3] == 'd' && name->name[4] == 'e' &&
	    name->name[5] == 'n')
		return -ENOENT;
	return ret;
}

SEC(".struct_ops.link")
struct fuse_ops hide = {
	.readdir_postfilter = (void *)hide_entry,
	.name = "hide",
};

/* "bad_code": a prefilter result that does not exist. */
SEC("struct_ops/bad_code_read")
int BPF_PROG(bad_code_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	return 42;
}

SEC(".struct_ops.link")
struct fuse_ops bad_code = {
	.read_iter_prefilter = (void *)bad_code_read,
	.name = "bad_code",
};

/* "daemon_pre": the daemon decides each read. */
SEC("struct_ops/daemon_pre_read")
int BPF_PROG(daemon_pre_read, const struct fuse_bpf_meta *meta,
	     struct fuse_read_in *in)
{
	return FUSE_BPF_USER_PREFILTER;
}

SEC(".struct_ops.link")
struct fuse_ops daemon_pre = {
	.read_iter_prefilter = (void *)daemon_pre_read,
	.name = "daemon_pre",
};

/* "no_write": a read-only view; permission checks for writing fail. */
SEC("struct_ops/no_write_access")
int BPF_PROG(no_write_access, const struct fuse_bpf_meta *meta,
	     struct fuse_access_in *in)
{
	return in->mask & 2 /* MAY_WRITE */ ? -EACCES : FUSE_BPF_BACKING;
}

SEC(".struct_ops.link")
struct fuse_ops no_write = {
	.access_prefilter = (void *)no_write_access,
	.name = "no_write",
};

/*
 * "rename": the backing entries "b_*" are listed as "s_*", and the names
 * "s_*" of lookups and name operations mean "b_*"; backing entries called
 * "s_*" are hidden, so that the mapping is one to one.
 */
static int to_backing(struct fuse_bpf_name *name)
{
	if (name->name[0] == 's' && name->name[1] == '_')
		name->name[0] = 'b';
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/rename_list")
int BPF_PROG(rename_list, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *name, int ret)
{
	if (name->name[1] != '_')
		return ret;
	if (name->name[0] == 's')
		return -ENOENT;
	if (name->name[0] == 'b')
		name->name[0] = 's';
	return ret;
}

SEC("struct_ops/rename_lookup")
int BPF_PROG(rename_lookup, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *name)
{
	return to_backing(name);
}

SEC("struct_ops/rename_create")
int BPF_PROG(rename_create, const struct fuse_bpf_meta *meta,
	     struct fuse_create_in *in, struct fuse_bpf_name *name)
{
	return to_backing(name);
}

SEC("struct_ops/rename_unlink")
int BPF_PROG(rename_unlink, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *name)
{
	return to_backing(name);
}

SEC("struct_ops/rename_rename")
int BPF_PROG(rename_rename, const struct fuse_bpf_meta *meta,
	     struct fuse_rename2_in *in, struct fuse_bpf_name *oldname,
	     struct fuse_bpf_name *newname)
{
	to_backing(oldname);
	return to_backing(newname);
}

SEC(".struct_ops.link")
struct fuse_ops rename = {
	.readdir_postfilter = (void *)rename_list,
	.lookup_prefilter = (void *)rename_lookup,
	.create_prefilter = (void *)rename_create,
	.unlink_prefilter = (void *)rename_unlink,
	.rename_prefilter = (void *)rename_rename,
	.name = "rename",
};

/*
 * "dirops": opendir also goes to the daemon; statfs and readlink fail
 * after the backing answered, with what it answered recorded.
 */
__u64 opendir_calls;
__u64 releasedir_calls;
__u32 statfs_bsize_seen;
__s32 readlink_seen;

SEC("struct_ops/dirops_opendir")
int BPF_PROG(dirops_opendir, const struct fuse_bpf_meta *meta,
	     struct fuse_open_in *in)
{
	opendir_calls++;
	return FUSE_BPF_USER;
}

SEC("struct_ops/dirops_releasedir")
int BPF_PROG(dirops_releasedir, const struct fuse_bpf_meta *meta,
	     struct fuse_release_in *in)
{
	releasedir_calls++;
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/dirops_statfs")
int BPF_PROG(dirops_statfs, const struct fuse_bpf_meta *meta,
	     const struct fuse_statfs_out *out, int ret)
{
	statfs_bsize_seen = out->st.bsize;
	return -EOVERFLOW;
}

SEC("struct_ops/dirops_readlink")
int BPF_PROG(dirops_readlink, const struct fuse_bpf_meta *meta, int ret)
{
	readlink_seen = ret;
	return -ENOLINK;
}

SEC(".struct_ops.link")
struct fuse_ops dirops = {
	.opendir_prefilter = (void *)dirops_opendir,
	.releasedir_prefilter = (void *)dirops_releasedir,
	.statfs_postfilter = (void *)dirops_statfs,
	.readlink_postfilter = (void *)dirops_readlink,
	.name = "dirops",
};

/* "flags": reading the inode flags is observed, changing them refused. */
#define FS_IOC_GETFLAGS 0x80086601
#define FS_IOC_SETFLAGS 0x40086602

__u32 ioctl_cmd_seen;
__s32 ioctl_ret_seen;

SEC("struct_ops/flags_ioctl")
int BPF_PROG(flags_ioctl, const struct fuse_bpf_meta *meta,
	     struct fuse_ioctl_in *in)
{
	return in->cmd == FS_IOC_SETFLAGS ? -EPERM : FUSE_BPF_POSTFILTER;
}

SEC("struct_ops/flags_ioctl_post")
int BPF_PROG(flags_ioctl_post, const struct fuse_bpf_meta *meta,
	     const struct fuse_ioctl_in *in, int ret)
{
	ioctl_cmd_seen = in->cmd;
	ioctl_ret_seen = ret;
	return ret;
}

SEC(".struct_ops.link")
struct fuse_ops flags = {
	.ioctl_prefilter = (void *)flags_ioctl,
	.ioctl_postfilter = (void *)flags_ioctl_post,
	.name = "flags",
};

/*
 * "ids": the caller's ids each filter member is told, for operations
 * between a directory without a filter and one with this one.
 */
enum { IDS_UID, IDS_GID, IDS_PID, IDS_CALLS, IDS_N };

__u32 ids_rename[IDS_N], ids_link[IDS_N], ids_write[IDS_N];

static int ids_record(__u32 *s, const struct fuse_bpf_meta *meta)
{
	s[IDS_UID] = meta->uid;
	s[IDS_GID] = meta->gid;
	s[IDS_PID] = meta->pid;
	s[IDS_CALLS]++;
	return FUSE_BPF_BACKING;
}

SEC("struct_ops/ids_rename_pre")
int BPF_PROG(ids_rename_pre, const struct fuse_bpf_meta *meta,
	     struct fuse_rename2_in *in, struct fuse_bpf_name *oldname,
	     struct fuse_bpf_name *newname)
{
	return ids_record(ids_rename, meta);
}

SEC("struct_ops/ids_link_pre")
int BPF_PROG(ids_link_pre, const struct fuse_bpf_meta *meta,
	     struct fuse_link_in *in, struct fuse_bpf_name *name)
{
	return ids_record(ids_link, meta);
}

SEC("struct_ops/ids_write_pre")
int BPF_PROG(ids_write_pre, const struct fuse_bpf_meta *meta,
	     struct fuse_write_in *in)
{
	return ids_record(ids_write, meta);
}

SEC(".struct_ops.link")
struct fuse_ops ids = {
	.rename_prefilter = (void *)ids_rename_pre,
	.link_prefilter = (void *)ids_link_pre,
	.write_iter_prefilter = (void *)ids_write_pre,
	.name = "ids",
};
