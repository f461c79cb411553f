// SPDX-License-Identifier: GPL-2.0
/*
 * Filters of lib_test, written with <fuse_bpf_filter.h> alone: the daemon
 * decides getattr ("lib_pre"), or hears of its result ("lib_post"); the
 * name "daemon" is looked up by the daemon ("lib_names").
 */
#include <fuse_bpf_filter.h>

FUSE_BPF_LICENSE("GPL");

FUSE_BPF_FILTER(lib_pre_getattr, const struct fuse_bpf_meta *meta,
		struct fuse_getattr_in *in)
{
	return FUSE_BPF_USER_PREFILTER;
}

FUSE_BPF_INSTANCE(lib_pre) = {
	.getattr_prefilter = (void *)lib_pre_getattr,
	.name = "lib_pre",
};

FUSE_BPF_FILTER(lib_post_getattr, const struct fuse_bpf_meta *meta,
		struct fuse_getattr_in *in)
{
	return FUSE_BPF_USER_POSTFILTER;
}

FUSE_BPF_INSTANCE(lib_post) = {
	.getattr_prefilter = (void *)lib_post_getattr,
	.name = "lib_post",
};

FUSE_BPF_FILTER(lib_names_lookup, const struct fuse_bpf_meta *meta,
		struct fuse_bpf_name *in)
{
	if (fuse_bpf_name_eq(in, "daemon") ||
	    fuse_bpf_name_has_prefix(in, "user_"))
		return FUSE_BPF_USER;
	return FUSE_BPF_BACKING;
}

FUSE_BPF_INSTANCE(lib_names_ops) = {
	.lookup_prefilter = (void *)lib_names_lookup,
	.name = "lib_names",
};
