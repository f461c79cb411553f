// SPDX-License-Identifier: LGPL-2.1
/*
 * libfusebpf: backing files, registered for a connection outside of any
 * request.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include <linux/fuse.h>

#include "internal.h"

/**
 * fusebpf_backing_open() - register a backing file for a connection
 * @se: the session, mounted
 * @fd: the backing file or directory; O_PATH is enough for a node's
 *	backing, an open file's needs the access the file is opened for
 *
 * FUSE_DEV_IOC_BACKING_OPEN on the session's descriptor, as libfuse's
 * fuse_passthrough_open() does, but without a request in hand: a daemon
 * may register backings before the first request or from any thread. The
 * backing operations then run with the caller's credentials of this call
 * (less CAP_SYS_RESOURCE). @fd may be closed once this returns.
 *
 * The kernel accepts registrations only once INIT enabled passthrough:
 * the daemon's init callback must have set FUSE_CAP_PASSTHROUGH
 * (fuse_set_feature_flag()), else this fails with -EPERM. It needs
 * CAP_SYS_ADMIN (-EPERM without).
 *
 * Return: the backing id (> 0), for a LOOKUP reply's
 * FUSE_BPF_BACKING_ID or an open reply's fi->backing_id, to be released
 * with fusebpf_backing_close(); -EINVAL for a NULL @se, -EBADF for a
 * negative @fd or a session that is not mounted, or the ioctl's negative
 * errno.
 */
int fusebpf_backing_open(struct fuse_session *se, int fd)
{
	struct fuse_backing_map map = { .fd = fd };
	int dev, id;

	if (!se)
		return -EINVAL;
	dev = fuse_session_fd(se);
	if (dev < 0 || fd < 0)
		return -EBADF;
	id = ioctl(dev, FUSE_DEV_IOC_BACKING_OPEN, &map);
	if (id < 0)
		return -errno;
	/* an id is never 0: that would be a kernel we do not know */
	if (!id)
		return -EPROTO;
	return id;
}

/**
 * fusebpf_backing_close() - release a backing id
 * @se: the session, mounted
 * @backing_id: what fusebpf_backing_open() returned
 *
 * Nodes and open files that took the backing keep it: an inode takes its
 * own reference when the LOOKUP reply naming it is handled, so the id may
 * be closed once the reply is written.
 *
 * Return: 0; -EINVAL for a NULL @se or an id not above 0, -EBADF for a
 * session that is not mounted, or the ioctl's negative errno (-ENOENT for
 * an id the connection does not have).
 */
int fusebpf_backing_close(struct fuse_session *se, int backing_id)
{
	uint32_t id = backing_id;
	int dev;

	if (!se || backing_id <= 0)
		return -EINVAL;
	dev = fuse_session_fd(se);
	if (dev < 0)
		return -EBADF;
	if (ioctl(dev, FUSE_DEV_IOC_BACKING_CLOSE, &id))
		return -errno;
	return 0;
}
