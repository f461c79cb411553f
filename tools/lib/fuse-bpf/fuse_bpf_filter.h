/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * fuse_bpf_filter.h: what a fuse-bpf filter (the BPF side) includes.
 *
 *	#include <fuse_bpf_filter.h>
 *
 *	FUSE_BPF_LICENSE("GPL");
 *
 *	FUSE_BPF_FILTER(ro_open, const struct fuse_bpf_meta *meta,
 *			struct fuse_open_in *in)
 *	{
 *		return in->flags & 3 ? -13 : FUSE_BPF_BACKING;
 *	}
 *
 *	FUSE_BPF_INSTANCE(ro) = {
 *		.open_prefilter = (void *)ro_open,
 *		.name = "ro",
 *	};
 *
 * built with
 *	clang -O2 -g -target bpf $(pkg-config --cflags libfusebpf) -c f.bpf.c
 * and loaded with fusebpf_filter_open(), or through a skeleton
 * (bpftool gen skeleton) and fusebpf_filter_from_skeleton().
 *
 * The types, struct fuse_ops and the arguments of its members (struct
 * fuse_bpf_meta, the FUSE protocol's structs, struct fuse_bpf_name), and
 * the enums and constants of <linux/fuse_bpf.h> come from
 * fuse_bpf_types.h, generated when libfusebpf was built from the BTF of
 * the kernel and of fuse_bpf.ko: no kernel tree is needed. Filters run as
 * struct_ops programs, which the kernel loads only under a GPL-compatible
 * license: FUSE_BPF_LICENSE() declares it.
 */
#ifndef _FUSE_BPF_FILTER_H
#define _FUSE_BPF_FILTER_H

#include "fuse_bpf_types.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* The license section of the object: "GPL" or a compatible one. */
#define FUSE_BPF_LICENSE(l) char _license[] SEC("license") = l

/*
 * A prefilter or postfilter program @name, with the arguments of the
 * struct fuse_ops member it implements, e.g.
 * FUSE_BPF_FILTER(f, const struct fuse_bpf_meta *meta, struct fuse_read_in *in)
 */
#define FUSE_BPF_FILTER(name, args...)					\
	SEC("struct_ops/" #name)					\
	int BPF_PROG(name, ##args)

/*
 * A fuse_ops instance @var, attached when the object is (a link is what
 * FUSE_BPF_DEV_IOC_FILTER registers); its .name member is the name LOOKUP
 * replies give.
 */
#define FUSE_BPF_INSTANCE(var)						\
	SEC(".struct_ops.link") struct fuse_ops var

/**
 * fuse_bpf_name_eq() - whether a name argument is a given string
 * @n: the name argument of a name operation's filter (LOOKUP, MKDIR, ...)
 * @s: a NUL-terminated string, shorter than 256 bytes
 *
 * Return: true if @n is @s.
 */
static __always_inline bool fuse_bpf_name_eq(const struct fuse_bpf_name *n,
					     const char *s)
{
	__u32 i, len = n->namelen;

	for (i = 0; i < sizeof(n->name); i++) {
		if (!s[i])
			return i == len;
		if (i >= len || n->name[i] != s[i])
			return false;
	}
	return false;
}

/**
 * fuse_bpf_name_has_prefix() - whether a name argument starts with a string
 * @n: the name argument
 * @p: a NUL-terminated string, shorter than 256 bytes
 *
 * Return: true if @n starts with @p.
 */
static __always_inline bool
fuse_bpf_name_has_prefix(const struct fuse_bpf_name *n, const char *p)
{
	__u32 i, len = n->namelen;

	for (i = 0; i < sizeof(n->name); i++) {
		if (!p[i])
			return true;
		if (i >= len || n->name[i] != p[i])
			return false;
	}
	return false;
}

/* Whether @meta is about a node only the kernel knows (no daemon id). */
static __always_inline bool
fuse_bpf_kernel_node(const struct fuse_bpf_meta *meta)
{
	return meta->nodeid & FUSE_BPF_NODEID_KERNEL;
}

#endif /* _FUSE_BPF_FILTER_H */
