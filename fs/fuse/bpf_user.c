// SPDX-License-Identifier: GPL-2.0
/*
 * fuse-bpf: the daemon side of a filter. A prefilter or postfilter that
 * answers FUSE_BPF_USER_PREFILTER or FUSE_BPF_USER_POSTFILTER hands the
 * decision to the daemon, with the operation's opcode and
 * FUSE_BPF_OPCODE_PREFILTER or FUSE_BPF_OPCODE_POSTFILTER set in the request.
 */

#include "fuse_i.h"

/**
 * fuse_bpf_request_check - refuse requests the daemon cannot understand
 * @fc: the connection
 * @nodeid: the node a request is about
 *
 * A kernel-only node was never looked up by the daemon: any stock path
 * that would send a request about one fails instead.
 *
 * Return: 0 or -EIO.
 */
int fuse_bpf_request_check(struct fuse_conn *fc, u64 nodeid)
{
	return fc->bpf && fuse_bpf_nodeid_is_kernel(nodeid) ? -EIO : 0;
}

/**
 * fuse_bpf_user_prefilter - let the daemon decide an operation
 * @inode: the backed inode
 * @opcode: the FUSE opcode of the operation
 * @in: the operation's input struct, which the daemon may rewrite
 * @size: its size
 *
 * Callers use only the fields of @in a BPF prefilter may write, checked
 * the same way.
 *
 * Return: the daemon's enum fuse_bpf_result other than
 * FUSE_BPF_USER_PREFILTER, or a negative errno.
 */
int fuse_bpf_user_prefilter(struct inode *inode, u32 opcode, void *in,
			    size_t size)
{
	struct fuse_bpf_filter_out out = {};
	int err;
	struct fuse_args args = {};

	args.opcode = opcode | FUSE_BPF_OPCODE_PREFILTER;
	args.nodeid = get_node_id(inode);
	args.in_numargs = 1;
	args.in_args[0].size = size;
	args.in_args[0].value = in;
	args.out_numargs = 2;
	args.out_args[0].size = sizeof(out);
	args.out_args[0].value = &out;
	args.out_args[1].size = size;
	args.out_args[1].value = in;
	err = fuse_simple_request(get_fuse_mount(inode), &args);
	if (err)
		return err;
	if (out.result == FUSE_BPF_USER_PREFILTER ||
	    out.result > FUSE_BPF_USER_POSTFILTER || out.result < -MAX_ERRNO)
		return -EIO;
	return out.result;
}

/**
 * fuse_bpf_user_postfilter - tell the daemon the result of an operation
 * @inode: the backed inode
 * @opcode: the FUSE opcode of the operation
 * @in: the operation's input struct
 * @size: its size
 * @result: the result of the backing operation
 *
 * The operation happened: if no verdict comes (the caller was killed or
 * interrupted, the connection is gone or never came up, no memory for
 * the request), its result stands. So these errnos are not the daemon's
 * to answer with: EINTR, ENOTCONN, ECONNABORTED, ECONNREFUSED, ENOMEM.
 *
 * Return: @result, or the error of the daemon's reply, which replaces it
 * as fuse_bpf_check_result() allows.
 */
s64 fuse_bpf_user_postfilter(struct inode *inode, u32 opcode,
			     const void *in, size_t size, s64 result)
{
	struct fuse_bpf_filter_out out = { .result = result };
	int err;
	struct fuse_args args = {};

	args.opcode = opcode | FUSE_BPF_OPCODE_POSTFILTER;
	args.nodeid = get_node_id(inode);
	args.in_numargs = 2;
	args.in_args[0].size = size;
	args.in_args[0].value = in;
	args.in_args[1].size = sizeof(out);
	args.in_args[1].value = &out;
	err = fuse_simple_request(get_fuse_mount(inode), &args);
	switch (err) {
	case 0:
	case -EINTR:
	case -ENOTCONN:
	case -ECONNABORTED:
	case -ECONNREFUSED:
	case -ENOMEM:
		return result;
	}
	return fuse_bpf_check_result(err, result);
}
