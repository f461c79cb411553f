// SPDX-License-Identifier: GPL-2.0
/*
 * hide: directory entries hidden from chosen users by name.
 *
 * The daemon puts, for each uid, up to HIDE_MAX_RULES patterns in the map
 * "rules" (hide.h). An entry whose name matches a pattern of the caller's
 * fsuid is not listed (readdir postfilter) and not found (lookup
 * prefilter): ls does not show what stat cannot find. Everything else is
 * the backing directory's, served by the kernel.
 *
 * The kernel asks the readdir postfilter about every name it resolves or
 * makes in a backed directory, too: a lookup of a name the listing hides
 * finds nothing, and creating it fails with EPERM, even without the lookup
 * prefilter. The prefilter says it earlier, without a backing lookup.
 */
#include <fuse_bpf_filter.h>
#include <asm-generic/errno-base.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "hide.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);			/* uid */
	__type(value, struct hide_rules);
} rules SEC(".maps");

/* Whether @r matches @name, @len bytes, a copy on the stack. */
static __always_inline bool match(const struct hide_rule *r,
				  const char *name, __u32 len)
{
	__u32 off = 0, i;

	if (r->len > len || (r->kind == HIDE_EXACT && r->len != len))
		return false;
	if (r->kind == HIDE_SUFFIX)
		off = len - r->len;
	for (i = 0; i < HIDE_PATTERN_LEN && i < r->len; i++)
		if (name[(off + i) & 255] != r->text[i])
			return false;
	return true;
}

/* Whether @in is hidden from @uid. */
static __always_inline bool hidden(__u32 uid, const struct fuse_bpf_name *in)
{
	const struct hide_rules *rs = bpf_map_lookup_elem(&rules, &uid);
	char name[256];
	__u32 i;

	if (!rs)
		return false;
	/*
	 * The verifier lets a filter index its arguments with constants
	 * only: the name is compared in a copy.
	 */
	if (bpf_probe_read_kernel(name, sizeof(name), in->name))
		return false;
	for (i = 0; i < HIDE_MAX_RULES && i < rs->count; i++)
		if (match(&rs->rule[i], name, in->namelen))
			return true;
	return false;
}

SEC("struct_ops/hide_lookup")
int BPF_PROG(hide_lookup, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *in)
{
	return hidden(meta->uid, in) ? -ENOENT : FUSE_BPF_BACKING;
}

/* Asked for each entry of a listing: an errno leaves it out. */
SEC("struct_ops/hide_readdir")
int BPF_PROG(hide_readdir, const struct fuse_bpf_meta *meta,
	     struct fuse_bpf_name *name, int ret)
{
	return hidden(meta->uid, name) ? -ENOENT : ret;
}

SEC(".struct_ops.link")
struct fuse_ops hide = {
	.lookup_prefilter = (void *)hide_lookup,
	.readdir_postfilter = (void *)hide_readdir,
	.name = "hide",
};
