// SPDX-License-Identifier: LGPL-2.1
/*
 * libfusebpf: LOOKUP replies with the fuse-bpf extension.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <linux/fuse.h>

#include "internal.h"

/* Whole seconds of a timeout, clamped to what the protocol can carry. */
static uint64_t timeout_sec(double t)
{
	if (!(t > 0.0))
		return 0;
	if (t >= (double)UINT64_MAX)
		return UINT64_MAX;
	return (uint64_t)t;
}

/* The nanoseconds of a timeout beyond timeout_sec(), below 10^9. */
static uint32_t timeout_nsec(double t)
{
	double frac = t - (double)timeout_sec(t);

	if (!(frac > 0.0))
		return 0;
	if (frac >= 0.999999999)
		return 999999999;
	return (uint32_t)(frac * 1e9);
}

/* struct fuse_attr from struct stat, as every libfuse reply carries it. */
static void stat_to_attr(struct fuse_attr *a, const struct stat *s)
{
	memset(a, 0, sizeof(*a));
	a->ino = s->st_ino;
	a->size = s->st_size;
	a->blocks = s->st_blocks;
	a->atime = s->st_atim.tv_sec;
	a->mtime = s->st_mtim.tv_sec;
	a->ctime = s->st_ctim.tv_sec;
	a->atimensec = s->st_atim.tv_nsec;
	a->mtimensec = s->st_mtim.tv_nsec;
	a->ctimensec = s->st_ctim.tv_nsec;
	a->mode = s->st_mode;
	a->nlink = s->st_nlink;
	a->uid = s->st_uid;
	a->gid = s->st_gid;
	a->rdev = s->st_rdev;
	a->blksize = s->st_blksize;
}

/* @out from @ext: 0, or -EINVAL for what the kernel would refuse. */
static int entry_ext(struct fuse_bpf_entry_out *out,
		     const struct fusebpf_entry *ext)
{
	size_t len;

	memset(out, 0, sizeof(*out));
	switch (ext->backing) {
	case FUSE_BPF_BACKING_NONE:
	case FUSE_BPF_BACKING_PARENT:
		if (ext->backing_id)
			return -EINVAL;
		break;
	case FUSE_BPF_BACKING_ID:
		if (ext->backing_id <= 0)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	switch (ext->filter) {
	case FUSE_BPF_OPS_INHERIT:
	case FUSE_BPF_OPS_REMOVE:
		if (ext->filter_name)
			return -EINVAL;
		break;
	case FUSE_BPF_OPS_NAME:
		if (!ext->filter_name)
			return -EINVAL;
		len = strnlen(ext->filter_name, FUSE_BPF_NAME_LEN);
		if (!len || len >= FUSE_BPF_NAME_LEN)
			return -EINVAL;
		memcpy(out->ops_name, ext->filter_name, len);
		break;
	default:
		return -EINVAL;
	}
	out->backing_action = ext->backing;
	out->backing_id = ext->backing_id;
	out->ops_action = ext->filter;
	return 0;
}

/**
 * fusebpf_reply_entry() - answer a LOOKUP with a backing and a filter
 * @req: the LOOKUP request
 * @e: the entry, as for fuse_reply_entry(): node id, generation,
 *	attributes and timeouts; @e->ino 0 is a negative entry, cached for
 *	@e->entry_timeout
 * @ext: the fuse-bpf part, or NULL for none (the reply is then what
 *	fuse_reply_entry() sends: no backing, the parent's filter)
 *
 * The reply is the struct fuse_entry_out that fuse_reply_entry() would
 * send, followed by a struct fuse_bpf_entry_out made from @ext. The
 * backing and the filter take effect for a node the kernel does not have
 * yet; replies for a node it has leave its attachment as it is. With
 * FUSE_BPF_BACKING_ID, the daemon may close @ext->backing_id once this
 * returns. Use it for LOOKUP only (not for CREATE, MKNOD and the like,
 * whose replies have no room for the extension), on a mount made with the
 * "bpf" option (fusebpf_mount()).
 *
 * @ext is checked first: a backing action or a filter action that does
 * not exist, a @ext->backing_id that is not above 0 with
 * FUSE_BPF_BACKING_ID or not 0 without it, a @ext->filter_name with
 * FUSE_BPF_OPS_NAME that is missing, empty or not shorter than
 * FUSE_BPF_NAME_LEN (or any @ext->filter_name without it), or an
 * extension for a negative entry, fail with -EINVAL before anything is
 * sent: the request is then still the caller's, to be answered (e.g. with
 * fuse_reply_err()).
 *
 * Return: 0 once the reply was sent (@req is gone, whatever the kernel
 * thought of it), -EINVAL as above with @req still the caller's, or the
 * negative errno of fuse_reply_iov(), which freed @req.
 */
int fusebpf_reply_entry(fuse_req_t req, const struct fuse_entry_param *e,
			const struct fusebpf_entry *ext)
{
	struct fuse_entry_out out;
	struct fuse_bpf_entry_out bpf;
	struct iovec iov[2] = {
		{ .iov_base = &out, .iov_len = sizeof(out) },
		{ .iov_base = &bpf, .iov_len = sizeof(bpf) },
	};

	if (!req || !e)
		return -EINVAL;
	if (ext && (!e->ino || entry_ext(&bpf, ext)))
		return -EINVAL;
	memset(&out, 0, sizeof(out));
	out.nodeid = e->ino;
	out.generation = e->generation;
	out.entry_valid = timeout_sec(e->entry_timeout);
	out.entry_valid_nsec = timeout_nsec(e->entry_timeout);
	out.attr_valid = timeout_sec(e->attr_timeout);
	out.attr_valid_nsec = timeout_nsec(e->attr_timeout);
	stat_to_attr(&out.attr, &e->attr);
	return fuse_reply_iov(req, iov, ext ? 2 : 1);
}
