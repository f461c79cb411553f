/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A libfuse3 low-level daemon for the fuse-bpf tests: it serves a backing
 * directory over a fuse-bpf (or stock FUSE) mount and counts the requests
 * it receives by FUSE opcode, in memory shared with the test.
 */
#ifndef _FUSE_BPF_TEST_DAEMON_H
#define _FUSE_BPF_TEST_DAEMON_H

#include <limits.h>
#include <sys/types.h>

/* FUSE opcodes are below this; the counters are indexed by opcode. */
#define TD_OPCODES 64

enum td_flags {
	TD_STOCK	= 1 << 0,	/* the built-in FUSE, /dev/fuse and "fuse" */
	TD_PASSTHROUGH	= 1 << 1,	/* open files with FOPEN_PASSTHROUGH */
};

struct test_daemon {
	pid_t pid;			/* the daemon process */
	char mnt[PATH_MAX];
	unsigned long *count;		/* requests by opcode, shared */
};

int td_mount_options(char *buf, size_t size, int fd);
int td_start(struct test_daemon *td, const char *backing, const char *mnt,
	     unsigned int flags);
int td_stop(struct test_daemon *td);
unsigned long td_count(const struct test_daemon *td, unsigned int opcode);
void td_reset(struct test_daemon *td);
const char *td_opname(unsigned int opcode);

#endif
