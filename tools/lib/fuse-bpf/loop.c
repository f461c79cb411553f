// SPDX-License-Identifier: LGPL-2.1
/*
 * libfusebpf: the single-threaded session loop.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

/**
 * fusebpf_session_loop() - serve a session, fuse-bpf requests included
 * @se: the session, mounted (fusebpf_mount())
 * @ops: the daemon's callbacks, or NULL for none (filter requests are
 *	then answered FUSE_BPF_BACKING and 0)
 * @data: their first argument
 *
 * fuse_session_loop() for a fuse-bpf mount: receives each request with
 * fuse_session_receive_buf(), calls @ops->request with it, answers
 * FUSE_BPF_OPCODE_PREFILTER and FUSE_BPF_OPCODE_POSTFILTER requests from
 * @ops->prefilter and @ops->postfilter, and hands everything else to
 * fuse_session_process_buf(), that is, to the session's
 * fuse_lowlevel_ops. Requests are handled one at a time, in this thread.
 *
 * A prefilter callback's return value is sent as is: the kernel fails the
 * operation with EIO for one that is not an enum fuse_bpf_result other
 * than FUSE_BPF_USER_PREFILTER, or a negative errno. A postfilter
 * callback's positive return or one below -511 is sent as -EIO. A filter
 * request too short for its headers is answered -EIO; a reply the kernel
 * refuses fails that request for its caller and the loop goes on, as
 * libfuse does for its own replies. A request libfuse leaves in its splice
 * pipe (with FUSE_CAP_SPLICE_READ, only a large WRITE) goes to libfuse
 * without @ops->request seeing it.
 *
 * The loop ends when the session ends: on unmount (the device answers
 * ENODEV), or after fuse_session_exit(), e.g. from the handlers of
 * fuse_set_signal_handlers(), whose signal interrupts the read. It then
 * calls fuse_session_reset(), so that the session may be looped again.
 *
 * Return: 0 when the session ended, or the negative errno with which
 * receiving a request failed.
 */
int fusebpf_session_loop(struct fuse_session *se,
			 const struct fusebpf_loop_ops *ops, void *data)
{
	struct fuse_buf buf = { .mem = NULL };
	int res = 0;

	if (!se)
		return -EINVAL;
	while (!fuse_session_exited(se)) {
		res = fuse_session_receive_buf(se, &buf);
		if (res == -EINTR || res == -EAGAIN) {
			res = 0;
			continue;
		}
		if (res <= 0)
			break;
		/* a filter reply written after the unmount */
		if (fusebpf_dispatch(se, &buf, res, ops, data) == -ENODEV)
			fuse_session_exit(se);
		res = 0;
	}
	free(buf.mem);
	fuse_session_reset(se);
	return res == -ENODEV ? 0 : res;
}
