/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * libfusebpf: what its files share and do not export. One section per
 * file, as in fs/overlayfs/overlayfs.h.
 */
#ifndef _FUSEBPF_INTERNAL_H
#define _FUSEBPF_INTERNAL_H

#define FUSE_USE_VERSION 317

#include <stdbool.h>
#include <stddef.h>

#include <fuse_lowlevel.h>

#include "fusebpf.h"

/* filter.c */
unsigned int fusebpf_filter_instances(const struct fusebpf_filter *f);
int fusebpf_filter_nth_link(const struct fusebpf_filter *f, unsigned int i);
int fusebpf_filter_register_dev(int dev, const struct fusebpf_filter *f,
				int skip_fd);

/* dispatch.c */
int fusebpf_dispatch(struct fuse_session *se, const struct fuse_buf *buf,
		     size_t len, const struct fusebpf_loop_ops *ops,
		     void *data);

/* loop_mt.c */
#define FUSEBPF_MAX_THREADS	256	/* fusebpf_session_loop_mt()'s most */

#endif /* _FUSEBPF_INTERNAL_H */
