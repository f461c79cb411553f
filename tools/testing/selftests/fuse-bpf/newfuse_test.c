// SPDX-License-Identifier: GPL-2.0
/*
 * What the FUSE of Linux 7.3 brings, on a fusebpf mount: FUSE over
 * io_uring, which fuse_bpf.ko leaves out, is never offered and is refused
 * cleanly; request timeouts abort the connection as on the built-in FUSE,
 * under sysctls of the module's own (fs.fusebpf); FUSE_DEV_IOC_SYNC_INIT
 * makes mount(2) wait for the daemon's FUSE_INIT reply.
 *
 * No daemon runs here: the tests hold the device, answer FUSE_INIT by
 * hand and read every request; a child process makes the calls on the
 * mount that the test answers or leaves unanswered.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <liburing.h>
#include <linux/fuse.h>
#include <linux/fuse_bpf.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"

/* What Linux 7.3's <linux/fuse.h> has and the tests' 6.12 headers lack */
#ifndef FUSE_OVER_IO_URING
#define FUSE_OVER_IO_URING	(1ULL << 41)
#endif
#ifndef FUSE_REQUEST_TIMEOUT
#define FUSE_REQUEST_TIMEOUT	(1ULL << 42)
#endif
#ifndef FUSE_DEV_IOC_SYNC_INIT
#define FUSE_DEV_IOC_SYNC_INIT	_IO(229, 3)
#endif
/* enum fuse_uring_cmd: the first command a FUSE over io_uring daemon sends */
#define FUSE_IO_URING_CMD_REGISTER	1

/*
 * Where fuse_init_out of Linux 7.3 has request_timeout (a __u16, seconds):
 * the first of the words that 6.12's headers leave unused.
 */
#define INIT_TIMEOUT_OFFSET	offsetof(struct fuse_init_out, unused)

#define DEV_BUF			(1 << 20)
#define FILE_DATA		"hello"
#define FILE_NODEID		2
#define BUILTIN_SYSCTL		"/proc/sys/fs/fuse/"
#define MODULE_SYSCTL		"/proc/sys/fs/fusebpf/"
/* The 15 s the kernel's timeout timer ticks at, and never times out below */
#define TIMER_SECS		15

/* Whether the running kernel is @major.@minor or later. */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma, mi;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read the number in @path into *@val: 0, or -1. */
static int read_uint(const char *path, unsigned int *val)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f)
		return -1;
	ret = fscanf(f, "%u", val) == 1 ? 0 : -1;
	fclose(f);
	return ret;
}

/* Write @val to @path: 0, or -1. */
static int write_uint(const char *path, unsigned int val)
{
	char s[16];
	int fd = open(path, O_WRONLY), len, ret;

	if (fd < 0)
		return -1;
	len = snprintf(s, sizeof(s), "%u\n", val);
	ret = write(fd, s, len) == len ? 0 : -1;
	close(fd);
	return ret;
}

/*
 * Whether the process @pid sleeps in mount(2): /proc/PID/syscall names
 * the call of a task that is blocked in one, and says "running" of one
 * that runs.
 */
static bool sleeps_in_mount(pid_t pid)
{
	char path[64];
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fscanf(f, "%ld", &nr) != 1)
		nr = -1;
	fclose(f);
	return nr == SYS_mount;
}

/* Whether the device @dev is installed on a mount: its fdinfo says so. */
static bool dev_installed(int dev)
{
	char path[64], line[128];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", dev);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "fuse_connection:", 16))
			found = true;
	if (f)
		fclose(f);
	return found;
}

/* waitpid() of WNOHANG: whether @pid exited, its exit code in *@code. */
static bool reaped(pid_t pid, int *code)
{
	int status;

	if (waitpid(pid, &status, WNOHANG) != pid)
		return false;
	*code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	return true;
}

/*
 * Wait for the next request on the non-blocking device @dev (WAIT_SECS
 * at most) and read it: its opcode, 0 if none came.
 */
static unsigned int next_request(int dev, void *buf)
{
	struct pollfd p = { .fd = dev, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, WAIT_SECS * 1000) != 1)
		return 0;
	n = read(dev, buf, DEV_BUF);
	if (n < (ssize_t)sizeof(struct fuse_in_header))
		return 0;
	return ((struct fuse_in_header *)buf)->opcode;
}

/* Reply @error and @len bytes of @arg to the request @unique: 0 or -1. */
static int reply(int dev, __u64 unique, int error, const void *arg,
		 size_t len)
{
	struct fuse_out_header h = {
		.len = sizeof(h) + len, .error = error, .unique = unique,
	};
	struct iovec iov[2] = {
		{ &h, sizeof(h) }, { (void *)arg, len },
	};

	return writev(dev, iov, len ? 2 : 1) == h.len ? 0 : -1;
}

/*
 * Answer the FUSE_INIT in @buf: FUSE_INIT_EXT, the @flags2 given, and
 * @timeout as request_timeout.
 */
static int answer_init(int dev, const void *buf, __u64 flags2, __u16 timeout)
{
	const struct fuse_in_header *in = buf;
	struct fuse_init_out out = {
		.major = FUSE_KERNEL_VERSION,
		.minor = FUSE_KERNEL_MINOR_VERSION,
		.max_write = 65536,
		.flags = FUSE_INIT_EXT,
		.flags2 = flags2 >> 32,
	};

	memcpy((char *)&out + INIT_TIMEOUT_OFFSET, &timeout, sizeof(timeout));
	return reply(dev, in->unique, 0, &out, sizeof(out));
}

/* The FUSE_INIT request in @buf. */
static const struct fuse_init_in *init_in(const void *buf)
{
	return (const void *)((const char *)buf +
			      sizeof(struct fuse_in_header));
}

/* The attributes of the root (1) and of its one file "f". */
static void fill_attr(struct fuse_attr *a, __u64 nodeid)
{
	memset(a, 0, sizeof(*a));
	a->ino = nodeid;
	a->blksize = 4096;
	if (nodeid == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 0644;
		a->nlink = 1;
		a->size = strlen(FILE_DATA);
	}
}

/*
 * Serve the request in @buf, of a file system of a root and a file "f"
 * holding FILE_DATA, and count it in @count: 0, or -1.
 */
static int serve(int dev, const void *buf, unsigned long *count)
{
	const struct fuse_in_header *in = buf;
	const void *arg = init_in(buf);

	if (in->opcode < TD_OPCODES)
		count[in->opcode]++;
	switch (in->opcode) {
	case FUSE_LOOKUP: {
		struct fuse_entry_out e = { .nodeid = FILE_NODEID };

		if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, "f"))
			return reply(dev, in->unique, -ENOENT, NULL, 0);
		fill_attr(&e.attr, FILE_NODEID);
		return reply(dev, in->unique, 0, &e, sizeof(e));
	}
	case FUSE_GETATTR: {
		struct fuse_attr_out a = { 0 };

		fill_attr(&a.attr, in->nodeid);
		return reply(dev, in->unique, 0, &a, sizeof(a));
	}
	case FUSE_OPEN: {
		struct fuse_open_out o = { .fh = 1 };

		return reply(dev, in->unique, 0, &o, sizeof(o));
	}
	case FUSE_READ: {
		const struct fuse_read_in *r = arg;
		size_t len = strlen(FILE_DATA), n = 0;

		if (r->offset < len)
			n = len - r->offset < r->size ? len - r->offset : r->size;
		return reply(dev, in->unique, 0, FILE_DATA + r->offset, n);
	}
	case FUSE_FLUSH:
	case FUSE_RELEASE:
		return reply(dev, in->unique, 0, NULL, 0);
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_INTERRUPT:
		return 0;
	default:
		return reply(dev, in->unique, -EOPNOTSUPP, NULL, 0);
	}
}

/*
 * Serve requests on the non-blocking device @dev until the child @pid
 * exits (WAIT_SECS at most): its exit code, or -1.
 */
static int serve_until_exit(int dev, void *buf, unsigned long *count,
			    pid_t pid)
{
	struct pollfd p = { .fd = dev, .events = POLLIN };
	int code = -1;

	WAIT_UNTIL(({
		while (poll(&p, 1, 0) == 1 && (p.revents & POLLIN) &&
		       read(dev, buf, DEV_BUF) >= (ssize_t)sizeof(struct fuse_in_header))
			serve(dev, buf, count);
		reaped(pid, &code);
	}));
	return code;
}

/*
 * In a child: open @path and read it; 0 if it reads FILE_DATA, else the
 * errno of what failed (or 200 if the data differ). The child does not
 * keep the device @dev open: a request the daemon has read is waited for
 * even by a killed caller, until the connection ends with the device's
 * last descriptor.
 */
static pid_t start_reader(const char *path, int dev)
{
	pid_t pid = fork();
	char data[16] = { 0 };
	ssize_t n;
	int fd;

	if (pid)
		return pid;
	close(dev);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		_exit(errno);
	n = read(fd, data, sizeof(data));
	if (n < 0)
		_exit(errno);
	close(fd);
	_exit(strcmp(data, FILE_DATA) ? 200 : 0);
}

/* In a child without the device @dev: stat @path; 0, or its errno. */
static pid_t start_stat(const char *path, int dev)
{
	pid_t pid = fork();
	struct stat st;

	if (pid)
		return pid;
	close(dev);
	_exit(stat(path, &st) ? errno : 0);
}

/* The errno of stat(@path), 0 if it succeeds. */
static int stat_errno(const char *path)
{
	struct stat st;

	return stat(path, &st) ? errno : 0;
}

/*
 * One IORING_OP_URING_CMD of FUSE_IO_URING_CMD_REGISTER on @fd, on a ring
 * of 128-byte entries as FUSE over io_uring asks: its result (-errno), or
 * 1 if the ring failed.
 */
static int uring_cmd(int fd)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SQE128 };
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int res = 1;

	if (io_uring_queue_init_params(4, &ring, &p))
		return 1;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = FUSE_IO_URING_CMD_REGISTER;
	if (io_uring_submit(&ring) == 1 && !io_uring_wait_cqe(&ring, &cqe)) {
		res = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	return res;
}

FIXTURE(newfuse) {
	char dir[64];		/* holds mnt */
	char mnt[96], path[128];	/* the mount point, a path below it */
	int dev;		/* an open device */
	bool builtin;		/* of the built-in FUSE */
	void *buf;
	unsigned long count[TD_OPCODES];	/* requests served, by opcode */
	pid_t child;		/* the child making calls, 0 if none */
	unsigned int max_timeout;	/* fs.fusebpf.max_request_timeout */
	bool restore_max;		/* was changed: restore it */
};

/*
 * Where the test runs: a fusebpf mount with the mount options @opts, or
 * one of the built-in FUSE, to compare with.
 */
FIXTURE_VARIANT(newfuse) {
	const char *opts;
	bool builtin;
};

FIXTURE_VARIANT_ADD(newfuse, fusebpf) {
	.opts = "",
};

FIXTURE_VARIANT_ADD(newfuse, fusebpf_bpf) {
	.opts = ",bpf",
};

FIXTURE_VARIANT_ADD(newfuse, builtin) {
	.opts = "",
	.builtin = true,
};

FIXTURE_SETUP(newfuse)
{
	self->builtin = variant->builtin;
	snprintf(self->dir, sizeof(self->dir), "/tmp/newfuse-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->mnt, sizeof(self->mnt), "%s/m", self->dir);
	ASSERT_EQ(0, mkdir(self->mnt, 0755));
	self->dev = open(self->builtin ? "/dev/fuse" : FUSE_BPF_DEVICE,
			 O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	self->buf = malloc(DEV_BUF);
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(newfuse)
{
	char cmd[96];

	/*
	 * What a test that failed left behind: its child, which may wait for
	 * an answer until the device's last descriptor goes, and its mount.
	 */
	if (self->dev >= 0)
		close(self->dev);
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	UMOUNT_WAIT(self->mnt);
	if (self->restore_max)
		EXPECT_EQ(0, write_uint(MODULE_SYSCTL "max_request_timeout",
					self->max_timeout));
	if (!self->builtin)
		EXPECT_TRUE(WAIT_UNTIL(module_refcnt() == 0));
	free(self->buf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	EXPECT_EQ(0, system(cmd));
}

/*
 * mount(2) the device @dev on @mnt, with @opts after the options every
 * mount has, as the built-in FUSE if @builtin: 0, or the errno.
 */
static int mount_dev(const char *mnt, int dev, bool builtin, const char *opts)
{
	char all[160];
	int len = td_mount_options(all, sizeof(all), dev);

	snprintf(all + len, sizeof(all) - len, "%s", opts);
	return mount("test", mnt,
		     builtin ? "fuse.newfuse" : FUSE_BPF_FSTYPE ".newfuse",
		     MS_NOSUID | MS_NODEV, all) ? errno : 0;
}

/* mount_dev() of the test's device, as its variant says */
#define MOUNT_DEV() \
	mount_dev(self->mnt, self->dev, variant->builtin, variant->opts)

/* The built-in FUSE is here to compare with: what it is not for skips. */
#define NOT_BUILTIN	"fuse-bpf's own behaviour"
#define NOT_BEFORE_7_3	"Linux 7.3's FUSE: not in this kernel"

/*
 * The FUSE_INIT of a fusebpf mount never offers FUSE_OVER_IO_URING. It
 * offers FUSE_INIT_EXT, so that flags2 is read at all, and on 7.3
 * FUSE_REQUEST_TIMEOUT, the bit beside it.
 */
TEST_F(newfuse, init_does_not_offer_io_uring)
{
	const struct fuse_init_in *init = init_in(self->buf);

	if (variant->builtin)
		SKIP(return, NOT_BUILTIN);
	ASSERT_EQ(0, MOUNT_DEV());
	ASSERT_EQ(FUSE_INIT, next_request(self->dev, self->buf));
	TH_LOG("FUSE_INIT %u.%u flags 0x%x flags2 0x%x", init->major,
	       init->minor, init->flags, init->flags2);
	ASSERT_TRUE(init->flags & FUSE_INIT_EXT);
	EXPECT_FALSE(init->flags2 & (FUSE_OVER_IO_URING >> 32));
	if (kernel_at_least(7, 3))
		EXPECT_TRUE(init->flags2 & (FUSE_REQUEST_TIMEOUT >> 32));
	EXPECT_EQ(0, answer_init(self->dev, self->buf, 0, 0));
}

/*
 * The control: the built-in FUSE of 7.3, its module parameter enable_uring
 * set, offers FUSE_OVER_IO_URING in the same place.
 */
TEST_F(newfuse, builtin_offers_io_uring_when_enabled)
{
	const char *param = "/sys/module/fuse/parameters/enable_uring";
	const struct fuse_init_in *init = init_in(self->buf);
	char was = 'N';
	int fd;

	if (!variant->builtin)
		SKIP(return, "the built-in FUSE only");
	fd = open(param, O_RDWR);
	if (fd < 0)
		SKIP(return, "the built-in FUSE has no FUSE over io_uring");
	ASSERT_EQ(1, read(fd, &was, 1));
	ASSERT_EQ(1, pwrite(fd, "Y", 1, 0));
	EXPECT_EQ(0, MOUNT_DEV());
	EXPECT_EQ(FUSE_INIT, next_request(self->dev, self->buf));
	EXPECT_EQ(1, pwrite(fd, &was, 1, 0));
	close(fd);
	EXPECT_TRUE(init->flags2 & (FUSE_OVER_IO_URING >> 32));
	EXPECT_EQ(0, answer_init(self->dev, self->buf, 0, 0));
}

/*
 * A daemon that answers FUSE_INIT with FUSE_OVER_IO_URING anyway gets a
 * mount served by read() and write() on the device: a file is looked up,
 * opened and read through it, with the data the daemon sent.
 */
TEST_F(newfuse, io_uring_asked_anyway_served_by_read_write)
{
	if (variant->builtin)
		SKIP(return, NOT_BUILTIN);
	ASSERT_EQ(0, MOUNT_DEV());
	ASSERT_EQ(FUSE_INIT, next_request(self->dev, self->buf));
	ASSERT_EQ(0, answer_init(self->dev, self->buf, FUSE_OVER_IO_URING, 0));

	snprintf(self->path, sizeof(self->path), "%s/f", self->mnt);
	self->child = start_reader(self->path, self->dev);
	ASSERT_LT(0, self->child);
	EXPECT_EQ(0, serve_until_exit(self->dev, self->buf, self->count,
				      self->child));
	self->child = 0;
	EXPECT_EQ(1, self->count[FUSE_LOOKUP]);
	EXPECT_EQ(1, self->count[FUSE_OPEN]);
	EXPECT_LE(1, self->count[FUSE_READ]);
	/* and again: the connection is up */
	self->child = start_reader(self->path, self->dev);
	ASSERT_LT(0, self->child);
	EXPECT_EQ(0, serve_until_exit(self->dev, self->buf, self->count,
				      self->child));
	self->child = 0;
	EXPECT_EQ(2, self->count[FUSE_OPEN]);
}

/*
 * An io_uring command on /dev/fuse-bpf is EOPNOTSUPP, before the mount
 * and after a FUSE_INIT that asked for FUSE over io_uring, and the kernel
 * logs no warning.
 */
TEST_F(newfuse, uring_cmd_is_eopnotsupp)
{
	int bad = bad_log_lines();

	if (variant->builtin)
		SKIP(return, NOT_BUILTIN);
	ASSERT_LE(0, bad);
	EXPECT_EQ(-EOPNOTSUPP, uring_cmd(self->dev));
	ASSERT_EQ(0, MOUNT_DEV());
	EXPECT_EQ(-EOPNOTSUPP, uring_cmd(self->dev));
	ASSERT_EQ(FUSE_INIT, next_request(self->dev, self->buf));
	ASSERT_EQ(0, answer_init(self->dev, self->buf, FUSE_OVER_IO_URING, 0));
	EXPECT_EQ(-EOPNOTSUPP, uring_cmd(self->dev));

	/* the mount still works */
	snprintf(self->path, sizeof(self->path), "%s/f", self->mnt);
	self->child = start_reader(self->path, self->dev);
	ASSERT_LT(0, self->child);
	EXPECT_EQ(0, serve_until_exit(self->dev, self->buf, self->count,
				      self->child));
	self->child = 0;
	EXPECT_LOG_CLEAN(bad);
}

/*
 * Answer the FUSE_INIT on @dev asking for @timeout seconds, and leave the
 * LOOKUP that a stat() of @path in a child sends unanswered until the
 * connection aborts: the errno of the stat(), or -1 if it did not return
 * (the child is then in *@child). *@secs is how long it took after the
 * call started.
 */
static int lookup_until_abort(int dev, void *buf, const char *path,
			      __u16 timeout, pid_t *child, double *secs)
{
	double start;
	int code = -1;

	if (next_request(dev, buf) != FUSE_INIT ||
	    answer_init(dev, buf, FUSE_REQUEST_TIMEOUT, timeout))
		return -1;
	start = now();
	*child = start_stat(path, dev);
	if (*child < 0 || next_request(dev, buf) != FUSE_LOOKUP)
		return -1;
	/* the timer ticks every 15 s: this can take 30 s and more */
	WAIT_UNTIL(reaped(*child, &code));
	*secs = now() - start;
	if (code >= 0)
		*child = 0;
	return code;
}

/*
 * A request the daemon leaves unanswered past the timeout it asked for in
 * FUSE_INIT aborts the connection, as on the built-in FUSE: the blocked
 * call is ECONNABORTED, later calls ENOTCONN, the daemon's read of the
 * device ENODEV; the mount can be unmounted and the module unloaded.
 * The kernel never times out below its timer's 15 s.
 */
TEST_F(newfuse, request_timeout_aborts_the_connection)
{
	double secs = 0;
	char name[128];

	if (!kernel_at_least(7, 3))
		SKIP(return, NOT_BEFORE_7_3);
	ASSERT_EQ(0, MOUNT_DEV());
	snprintf(self->path, sizeof(self->path), "%s/unanswered", self->mnt);
	EXPECT_EQ(ECONNABORTED, lookup_until_abort(self->dev, self->buf, self->path,
						  1, &self->child, &secs));
	TH_LOG("aborted %.1f s after the LOOKUP was sent", secs);
	EXPECT_LE(TIMER_SECS - 1, secs);

	snprintf(name, sizeof(name), "%s/later", self->mnt);
	EXPECT_EQ(ENOTCONN, stat_errno(name));
	EXPECT_EQ(ENOTCONN, stat_errno(self->path));
	EXPECT_EQ(-1, read(self->dev, self->buf, DEV_BUF));
	EXPECT_EQ(ENODEV, errno);

	EXPECT_EQ(0, umount(self->mnt));
	close(self->dev);
	self->dev = -1;
	if (variant->builtin)
		return;
	ASSERT_TRUE(WAIT_UNTIL(module_refcnt() == 0));
	EXPECT_EQ(0, reload_module());
}

/*
 * fs.fusebpf.max_request_timeout caps the timeout a daemon asks for: 1 s
 * against 65535 asked (18 hours), and the abort comes after the kernel's
 * least, 15 s. The built-in FUSE's sysctl is not the one that counts.
 */
TEST_F(newfuse, max_request_timeout_caps_the_daemon)
{
	double secs = 0;

	if (variant->builtin)
		SKIP(return, NOT_BUILTIN);
	if (!kernel_at_least(7, 3))
		SKIP(return, NOT_BEFORE_7_3);
	ASSERT_EQ(0, read_uint(MODULE_SYSCTL "max_request_timeout",
			       &self->max_timeout));
	self->restore_max = true;
	ASSERT_EQ(0, write_uint(MODULE_SYSCTL "max_request_timeout", 1));
	ASSERT_EQ(0, MOUNT_DEV());
	snprintf(self->path, sizeof(self->path), "%s/unanswered", self->mnt);
	EXPECT_EQ(ECONNABORTED, lookup_until_abort(self->dev, self->buf, self->path,
						  65535, &self->child, &secs));
	TH_LOG("aborted %.1f s after the LOOKUP was sent", secs);
	EXPECT_LE(TIMER_SECS - 1, secs);
}

/*
 * FUSE_DEV_IOC_SYNC_INIT: 0 on a device not mounted yet on 7.3 and
 * EINVAL once it is; ENOTTY on 6.12, which does not know it.
 */
TEST_F(newfuse, sync_init_ioctl)
{
	if (variant->builtin)
		SKIP(return, NOT_BUILTIN);
	if (!kernel_at_least(7, 3)) {
		EXPECT_EQ(-1, ioctl(self->dev, FUSE_DEV_IOC_SYNC_INIT));
		EXPECT_EQ(ENOTTY, errno);
		return;
	}
	EXPECT_EQ(0, ioctl(self->dev, FUSE_DEV_IOC_SYNC_INIT));
	/* again: still not mounted */
	EXPECT_EQ(0, ioctl(self->dev, FUSE_DEV_IOC_SYNC_INIT));
	close(self->dev);
	self->dev = open(FUSE_BPF_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, MOUNT_DEV());
	EXPECT_EQ(-1, ioctl(self->dev, FUSE_DEV_IOC_SYNC_INIT));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(FUSE_INIT, next_request(self->dev, self->buf));
	EXPECT_EQ(0, answer_init(self->dev, self->buf, 0, 0));
}

/*
 * After FUSE_DEV_IOC_SYNC_INIT, mount(2) sends FUSE_INIT and waits for
 * the reply: the mounter sleeps in mount(2) and nothing is mounted until
 * the daemon answers, from another process; then the mount is served.
 */
TEST_F(newfuse, sync_init_mount_waits_for_the_reply)
{
	const struct fuse_init_in *init = init_in(self->buf);
	int code = -1, flags;

	if (variant->builtin)
		SKIP(return, NOT_BUILTIN);
	if (!kernel_at_least(7, 3))
		SKIP(return, NOT_BEFORE_7_3);
	ASSERT_EQ(0, ioctl(self->dev, FUSE_DEV_IOC_SYNC_INIT));
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (!self->child)
		_exit(MOUNT_DEV());
	/*
	 * A sync init device waits for the mount in read(), and poll():
	 * read once the mount installed it, unless the mount failed.
	 */
	ASSERT_TRUE(WAIT_UNTIL(dev_installed(self->dev) ||
			       reaped(self->child, &code)));
	ASSERT_EQ(-1, code);
	flags = fcntl(self->dev, F_GETFL);
	ASSERT_EQ(0, fcntl(self->dev, F_SETFL, flags & ~O_NONBLOCK));
	ASSERT_LT(0, read(self->dev, self->buf, DEV_BUF));
	ASSERT_EQ(FUSE_INIT, ((struct fuse_in_header *)self->buf)->opcode);
	ASSERT_EQ(0, fcntl(self->dev, F_SETFL, flags));
	EXPECT_TRUE(init->flags & FUSE_INIT_EXT);

	/* the mounter is asleep in mount(2) until the reply, or it returned */
	EXPECT_TRUE(WAIT_UNTIL(sleeps_in_mount(self->child) ||
			       reaped(self->child, &code)));
	EXPECT_EQ(-1, code);
	EXPECT_FALSE(in_mounts(self->mnt));

	ASSERT_EQ(0, answer_init(self->dev, self->buf, 0, 0));
	if (code == -1)
		EXPECT_TRUE(WAIT_UNTIL(reaped(self->child, &code)));
	self->child = 0;
	ASSERT_EQ(0, code);
	EXPECT_TRUE(in_mounts(self->mnt));

	snprintf(self->path, sizeof(self->path), "%s/f", self->mnt);
	self->child = start_reader(self->path, self->dev);
	ASSERT_LT(0, self->child);
	EXPECT_EQ(0, serve_until_exit(self->dev, self->buf, self->count,
				      self->child));
	self->child = 0;
	EXPECT_EQ(1, self->count[FUSE_LOOKUP]);
	EXPECT_EQ(1, self->count[FUSE_OPEN]);
	EXPECT_LE(1, self->count[FUSE_READ]);
}

/*
 * The request timeout sysctls of fuse_bpf.ko are its own, under
 * fs.fusebpf: writing them leaves the built-in FUSE's fs.fuse ones as
 * they were, and the other way round.
 */
TEST(request_timeout_sysctls_are_the_modules_own)
{
	static const char * const names[] = {
		"default_request_timeout", "max_request_timeout",
	};
	char ours[96], builtin[96];
	unsigned int o, b, v;

	if (!kernel_at_least(7, 3))
		SKIP(return, NOT_BEFORE_7_3);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(ours, sizeof(ours), MODULE_SYSCTL "%s", names[i]);
		snprintf(builtin, sizeof(builtin), BUILTIN_SYSCTL "%s",
			 names[i]);
		ASSERT_EQ(0, read_uint(ours, &o));
		ASSERT_EQ(0, read_uint(builtin, &b));
		TH_LOG("%s: fs.fusebpf %u, fs.fuse %u", names[i], o, b);

		ASSERT_EQ(0, write_uint(ours, b + 7));
		EXPECT_EQ(0, read_uint(builtin, &v));
		EXPECT_EQ(b, v);
		EXPECT_EQ(0, read_uint(ours, &v));
		EXPECT_EQ(b + 7, v);
		ASSERT_EQ(0, write_uint(ours, o));

		ASSERT_EQ(0, write_uint(builtin, o + 11));
		EXPECT_EQ(0, read_uint(ours, &v));
		EXPECT_EQ(o, v);
		ASSERT_EQ(0, write_uint(builtin, b));
	}
}

TEST_HARNESS_MAIN
