// SPDX-License-Identifier: LGPL-2.1
/*
 * libfusebpf: one request off the device, to the daemon's filter callbacks
 * if it is a fuse-bpf filter request, to libfuse otherwise.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/fuse.h>

#include "internal.h"

#define FILTER_FLAGS (FUSE_BPF_OPCODE_PREFILTER | FUSE_BPF_OPCODE_POSTFILTER)

/* Write a reply of @n pieces, header first, its length filled in. */
static int send_reply(struct fuse_session *se, struct iovec *iov, int n)
{
	struct fuse_out_header *out = iov[0].iov_base;
	ssize_t ret;
	int i;

	out->len = 0;
	for (i = 0; i < n; i++)
		out->len += iov[i].iov_len;
	ret = writev(fuse_session_fd(se), iov, n);
	if (ret < 0)
		return -errno;
	return ret == out->len ? 0 : -EIO;
}

/* A reply that is only a header: @error is 0 or a negative errno. */
static int reply_error(struct fuse_session *se, uint64_t unique, int error)
{
	struct fuse_out_header out = { .unique = unique, .error = error };
	struct iovec iov = { .iov_base = &out, .iov_len = sizeof(out) };

	return send_reply(se, &iov, 1);
}

/*
 * A FUSE_BPF_OPCODE_PREFILTER request: the op's input struct follows the
 * header; the reply is the verdict and the input, as the callback left it.
 */
static int prefilter(struct fuse_session *se, const struct fuse_in_header *in,
		     size_t len, const struct fusebpf_loop_ops *ops,
		     void *data)
{
	struct fuse_out_header out = { .unique = in->unique };
	struct fuse_bpf_filter_out verdict = { .result = FUSE_BPF_BACKING };
	struct fusebpf_request req = {
		.opcode = in->opcode & ~FUSE_BPF_OPCODE_PREFILTER,
		.nodeid = in->nodeid, .uid = in->uid, .gid = in->gid,
		.pid = in->pid, .arg = (void *)(in + 1),
		.size = len - sizeof(*in),
	};
	struct iovec iov[3] = {
		{ .iov_base = &out, .iov_len = sizeof(out) },
		{ .iov_base = &verdict, .iov_len = sizeof(verdict) },
		{ .iov_base = req.arg, .iov_len = req.size },
	};

	if (ops && ops->prefilter)
		verdict.result = ops->prefilter(data, &req);
	return send_reply(se, iov, 3);
}

/*
 * A FUSE_BPF_OPCODE_POSTFILTER request: the op's input struct, then the
 * result of the backing operation; the reply is an error that replaces the
 * result, or none.
 */
static int postfilter(struct fuse_session *se,
		      const struct fuse_in_header *in, size_t len,
		      const struct fusebpf_loop_ops *ops, void *data)
{
	struct fuse_bpf_filter_out result;
	struct fusebpf_request req = {
		.opcode = in->opcode & ~FUSE_BPF_OPCODE_POSTFILTER,
		.nodeid = in->nodeid, .uid = in->uid, .gid = in->gid,
		.pid = in->pid, .arg = (void *)(in + 1),
		.size = len - sizeof(*in) - sizeof(result),
	};
	int error = 0;

	/* the buffer need not be aligned for it past the input struct */
	memcpy(&result, (const char *)in + len - sizeof(result),
	       sizeof(result));
	if (ops && ops->postfilter)
		error = ops->postfilter(data, &req, result.result);
	/* the kernel refuses a reply outside of 0 and -511 */
	if (error > 0 || error <= -512)
		error = -EIO;
	return reply_error(se, in->unique, error);
}

/**
 * fusebpf_dispatch() - hand one request to whoever answers it
 * @se: the session it came from
 * @buf: the request, as fuse_session_receive_buf() filled it
 * @len: its length, what fuse_session_receive_buf() returned
 * @ops: the daemon's callbacks, or NULL
 * @data: their first argument
 *
 * @ops->request sees every request whose header is in memory; filter
 * requests go to @ops->prefilter or @ops->postfilter, everything else to
 * fuse_session_process_buf(). A filter request too short for what it must
 * carry, or claiming more than was read, is answered with -EIO.
 *
 * Return: 0, or the negative errno of a filter reply that could not be
 * written (-ENOENT: its caller was interrupted or gave up, which is no
 * error of the daemon's).
 */
int fusebpf_dispatch(struct fuse_session *se, const struct fuse_buf *buf,
		     size_t len, const struct fusebpf_loop_ops *ops,
		     void *data)
{
	const struct fuse_in_header *in = buf->mem;
	size_t need = sizeof(*in);

	/* spliced: libfuse reads the header from its pipe itself */
	if ((buf->flags & FUSE_BUF_IS_FD) || len < sizeof(*in)) {
		fuse_session_process_buf(se, buf);
		return 0;
	}
	if (ops && ops->request)
		ops->request(data, in);
	if (!(in->opcode & FILTER_FLAGS)) {
		fuse_session_process_buf(se, buf);
		return 0;
	}
	if (in->len < len)
		len = in->len;
	if (in->opcode & FUSE_BPF_OPCODE_POSTFILTER)
		need += sizeof(struct fuse_bpf_filter_out);
	if (len < need || (in->opcode & FILTER_FLAGS) == FILTER_FLAGS)
		return reply_error(se, in->unique, -EIO);
	if (in->opcode & FUSE_BPF_OPCODE_PREFILTER)
		return prefilter(se, in, len, ops, data);
	return postfilter(se, in, len, ops, data);
}
