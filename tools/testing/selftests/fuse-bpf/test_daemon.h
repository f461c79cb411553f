/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A libfuse3 low-level daemon for the fuse-bpf tests: it serves a backing
 * directory over a fuse-bpf (or stock FUSE) mount and counts the requests
 * it receives by FUSE opcode, in memory shared with the test.
 */
#ifndef _FUSE_BPF_TEST_DAEMON_H
#define _FUSE_BPF_TEST_DAEMON_H

#include <limits.h>
#include <stdbool.h>
#include <unistd.h>
#include <sys/types.h>
#include <linux/fuse_bpf.h>

struct bpf_object_skeleton;

/*
 * What the tests wait for happens in the background, and nothing tells
 * them when: a RELEASE that FUSE sends after close() returned, a daemon's
 * exit after the unmount, the RCU callbacks that drop the module's last
 * reference, a request reaching a stalled daemon. It takes milliseconds,
 * seconds on a debug kernel in a guest slowed down by host load; WAIT_SECS
 * is only a guard against a hang, and the tests that wait have a harness
 * timeout above it (test_util.h).
 */
#define WAIT_SECS	120

/*
 * Evaluate @cond every 10 ms until it holds or WAIT_SECS have passed: its
 * last value. @cond may have side effects (waitpid() of WNOHANG): it is
 * evaluated once per round.
 */
#define WAIT_UNTIL(cond) ({						\
	bool __done;							\
	int __round = 0;						\
									\
	while (!(__done = (cond)) && __round++ < WAIT_SECS * 100)	\
		usleep(10000);						\
	__done;								\
})

/* FUSE opcodes are below this; the counters are indexed by opcode. */
#define TD_OPCODES 64

enum td_flags {
	TD_STOCK	= 1 << 0,	/* the built-in FUSE, /dev/fuse and "fuse" */
	TD_PASSTHROUGH	= 1 << 1,	/* open files with FOPEN_PASSTHROUGH */
	TD_BPF		= 1 << 2,	/* "bpf" mount, LOOKUP extensions */
	TD_CLOSE_FDS	= 1 << 3,	/* the daemon closes the test's fds */
	TD_OVER_BPF	= 1 << 4,	/* backings may be on a fuse-bpf mount */
	TD_LIB		= 1 << 5,	/* the daemon mounts: fusebpf_mount() */
	TD_MT		= 1 << 6,	/* fusebpf_session_loop_mt(), 4 threads */
	TD_LIB_ROOT	= 1 << 7,	/* TD_LIB with the backing as root */
};

/*
 * How a TD_BPF daemon answers, shared with the test, which may change it
 * between requests. td_start() sets: every LOOKUP gets an extension that
 * backs the node by its backing file (registered with
 * FUSE_DEV_IOC_BACKING_OPEN) and removes any filter.
 */
struct td_ctl {
	int ext_len;			/* extension bytes sent, 0 for none */
	unsigned int entry_valid;	/* entry timeout of LOOKUP replies, s */
	struct fuse_bpf_entry_out ext;	/* sent as is, except that */
	int register_backing;		/* puts a backing id it registers: */
	char backing_path[PATH_MAX];	/* of this file if set, else the node */
	int drop_cap;			/* registers without CAP_SYS_ADMIN */
	int backing_errno;		/* errno of the last registration */
	char only[NAME_MAX + 1];	/* if set, other names get no extension */
	char read_fill;			/* if set, READ replies are all this */
	int nonseekable;		/* OPEN replies say FOPEN_NONSEEKABLE */
	int prefilter_result;		/* answer to OPCODE_PREFILTER */
	int postfilter_error;		/* error of OPCODE_POSTFILTER replies */
	int filter_reply_trim;		/* bytes OPCODE_PREFILTER replies lack */
	long long postfilter_seen;	/* result a POSTFILTER request carried */
	unsigned int filter_opcode;	/* opcode of the last filter request */
	unsigned int stall_opcode;	/* never answer this opcode (flags */
	int stalled;			/* included), and set this when it comes */
	int stall_release;		/* once set, a stalled request goes on */
	unsigned long long filter_nodeid; /* node id and caller's uid of */
	unsigned int filter_uid;	/* the last filter request */
	int lie_attr;			/* LOOKUP replies carry false attrs */
	int notify;			/* after the next request, send */
	unsigned long long notify_nodeid; /* this enum td_notify about this */
	int notify_result;		/* node; what the write returned */
	int notify_done;		/* set once it was sent */
	unsigned int attr_valid;	/* attr timeout of LOOKUP replies, s */
	unsigned long long last_nodeid;	/* of the last LOOKUP reply */
	int lib_dev;			/* TD_LIB: the daemon's device fd, */
	int lib_err;			/* or -1 and fusebpf_mount()'s error */
	int lib_root;			/* TD_LIB: the backing is the root */
	char lib_root_filter[FUSE_BPF_NAME_LEN];	/* its filter */
	char lib_filter[PATH_MAX];	/* object file fusebpf_mount() gets */
	int bad_ext[8];			/* fusebpf_reply_entry() of bad */
	int bad_ext_done;		/* extensions for "lib_bad_ext" */
};

/* The notifications td_ctl.notify sends. */
enum td_notify {
	TD_NOTIFY_NONE,
	TD_NOTIFY_INVAL_INODE,
	TD_NOTIFY_INVAL_ENTRY,		/* name "f" under notify_nodeid */
	TD_NOTIFY_STORE,		/* "XXXX" at offset 0 */
};

struct test_daemon {
	pid_t pid;			/* the daemon process */
	int dev;			/* the daemon's descriptor of it */
	char mnt[PATH_MAX];
	unsigned long *count;		/* requests by opcode, shared */
	struct td_ctl *ctl;		/* shared, TD_BPF */
};

int td_mount_options(char *buf, size_t size, int fd);
int td_start(struct test_daemon *td, const char *backing, const char *mnt,
	     unsigned int flags);
int td_start_lib(struct test_daemon *td, const char *backing,
		 const char *mnt, unsigned int flags, const char *filter,
		 const char *root_filter);
int td_stop(struct test_daemon *td);
int td_dev(const struct test_daemon *td);
int td_register(const struct test_daemon *td, int link_fd);
int td_register_skel(const struct test_daemon *td,
		     const struct bpf_object_skeleton *s);
unsigned long td_count(const struct test_daemon *td, unsigned int opcode);
void td_reset(struct test_daemon *td);
const char *td_opname(unsigned int opcode);

#endif
