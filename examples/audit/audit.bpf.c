// SPDX-License-Identifier: GPL-2.0
/*
 * audit: count operations per user, refuse names the daemon denies and
 * report each refusal.
 *
 * Every prefilter here counts its operation in the map "counts", by the
 * caller's fsuid and the FUSE opcode, then lets the backing do it. The
 * lookup prefilter also refuses, with EACCES, the names the daemon put in
 * the map "denied", and tells the daemon through the ring buffer
 * "events". Every operation on a name starts with a lookup, so that one
 * refusal covers them all: a denied name is listed, and nothing can be
 * done with it.
 */
#include <fuse_bpf_filter.h>
#include <asm-generic/errno-base.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "audit.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct audit_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, char[AUDIT_NAME_LEN]);	/* zero-padded */
	__type(value, __u8);			/* 1 */
} denied SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

static __always_inline void count(const struct fuse_bpf_meta *meta)
{
	struct audit_key key = { .uid = meta->uid, .opcode = meta->opcode };
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&counts, &key);
	if (!n && !bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST))
		return;
	/* there, or made by another CPU meanwhile */
	n = n ?: bpf_map_lookup_elem(&counts, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

/* Refuse the operation of @meta on @name with @error, and say so. */
static __always_inline int refuse(const struct fuse_bpf_meta *meta,
				  const char *name, int error)
{
	struct audit_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->uid = meta->uid;
		e->pid = meta->pid;
		e->opcode = meta->opcode;
		e->error = error;
		__builtin_memcpy(e->name, name, AUDIT_NAME_LEN);
		bpf_ringbuf_submit(e, 0);
	}
	return error;
}

SEC("struct_ops/audit_lookup")
int BPF_PROG(audit_lookup, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *in)
{
	char name[AUDIT_NAME_LEN] = {};

	count(meta);
	/* a longer name is never denied, and is not cut to look like one */
	if (in->namelen >= AUDIT_NAME_LEN ||
	    bpf_probe_read_kernel_str(name, sizeof(name), in->name) < 0)
		return FUSE_BPF_BACKING;
	if (bpf_map_lookup_elem(&denied, name))
		return refuse(meta, name, -EACCES);
	return FUSE_BPF_BACKING;
}

/* A prefilter for @op, whose arguments are meta and @params: count it. */
#define COUNT(op, params...)						\
SEC("struct_ops/audit_" #op)						\
int BPF_PROG(audit_##op, const struct fuse_bpf_meta *meta, ##params)	\
{									\
	count(meta);							\
	return FUSE_BPF_BACKING;					\
}

COUNT(getattr, struct fuse_getattr_in *in)
COUNT(setattr, struct fuse_setattr_in *in)
COUNT(open, struct fuse_open_in *in)
COUNT(read, struct fuse_read_in *in)
COUNT(write, struct fuse_write_in *in)
COUNT(opendir, struct fuse_open_in *in)
COUNT(create, struct fuse_create_in *in, struct fuse_bpf_name *name)
COUNT(mkdir, struct fuse_mkdir_in *in, struct fuse_bpf_name *name)
COUNT(unlink, struct fuse_bpf_name *name)
COUNT(rmdir, struct fuse_bpf_name *name)
COUNT(rename, struct fuse_rename2_in *in, struct fuse_bpf_name *oldname,
	struct fuse_bpf_name *newname)

SEC(".struct_ops.link")
struct fuse_ops audit = {
	.lookup_prefilter = (void *)audit_lookup,
	.getattr_prefilter = (void *)audit_getattr,
	.setattr_prefilter = (void *)audit_setattr,
	.open_prefilter = (void *)audit_open,
	.read_iter_prefilter = (void *)audit_read,
	.write_iter_prefilter = (void *)audit_write,
	.opendir_prefilter = (void *)audit_opendir,
	.create_prefilter = (void *)audit_create,
	.mkdir_prefilter = (void *)audit_mkdir,
	.unlink_prefilter = (void *)audit_unlink,
	.rmdir_prefilter = (void *)audit_rmdir,
	.rename_prefilter = (void *)audit_rename,
	.name = "audit",
};
