// SPDX-License-Identifier: GPL-2.0
/*
 * Hardening: what a backed inode must keep whatever its filter, its daemon
 * or its caller does. Inode flags and the caller's privileges hold on the
 * backing; one inode per (backing inode, filter); both sides of a
 * two-object operation decide; access filters fail closed; the daemon
 * cannot name kernel-only nodes nor override the backing's attributes;
 * credentials are not leaked; a stuck daemon does not stall another
 * mount's AIO; a result stands once the backing did the operation; and
 * results out of range (progs/hostile) become EIO, never a crash.
 * The tests that crashed the kernel before come last.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <bpf/libbpf.h>
#include <linux/aio_abi.h>
#include <linux/falloc.h>
#include <linux/fuse.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"
#include "ram0.h"
#include "filters.skel.h"
#include "hostile.skel.h"

/* <linux/fs.h> clashes with <sys/mount.h> */
#ifndef FS_IOC_GETFLAGS
#define FS_IOC_GETFLAGS		_IOR('f', 1, long)
#define FS_IOC_SETFLAGS		_IOW('f', 2, long)
#endif
#define FS_IMMUTABLE_FL		0x00000010
#define FS_APPEND_FL		0x00000020

#define DATA_SIZE		8192
#define USER_ID			1000

/* ---- helpers ---- */

/* What the daemon's next LOOKUP replies attach: @ops, or no filter. */
static void set_ops(struct test_daemon *td, const char *ops)
{
	memset(td->ctl->ext.ops_name, 0, sizeof(td->ctl->ext.ops_name));
	if (ops) {
		td->ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
		snprintf(td->ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "%s", ops);
	} else {
		td->ctl->ext.ops_action = FUSE_BPF_OPS_REMOVE;
	}
}

/* Have the daemon look @name up, attaching @ops (NULL: none). */
static int look_up(struct test_daemon *td, int mfd, const char *name,
		   const char *ops)
{
	struct stat s;
	int ret;

	set_ops(td, ops);
	ret = fstatat(mfd, name, &s, AT_SYMLINK_NOFOLLOW);
	set_ops(td, NULL);
	return ret;
}

/* Or @set into (or clear @clear from) the inode flags of @name in @dir. */
static int change_flags(int dir, const char *name, int set, int clear)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC), flags = 0, ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, FS_IOC_GETFLAGS, &flags);
	if (!ret) {
		flags = (flags | set) & ~clear;
		ret = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	close(fd);
	return ret;
}

/* Become @uid/@gid with no supplementary groups and no capabilities. */
static int drop_to(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		return -1;
	return 0;
}

/* Wait for *@flag to be set, by a daemon or a child (WAIT_SECS at most). */
static bool wait_flag(const int *flag)
{
	return WAIT_UNTIL(__atomic_load_n(flag, __ATOMIC_ACQUIRE));
}

/* errno of @call, 0 if it worked. */
#define ERRNO_OF(call) ((call) < 0 ? errno : 0)

/* An open that must fail with @err; what it opened anyway is closed. */
#define EXPECT_OPEN_FAILS(err, call) do {				\
	int __fd = (call);						\
									\
	EXPECT_EQ(-1, __fd);						\
	if (__fd >= 0)							\
		close(__fd);						\
	else								\
		EXPECT_EQ(err, errno);					\
} while (0)

/* What a sacrificial child did: results and errnos of its steps. */
struct outcome {
	long long r[8];
	int e[8];
	char data[128];
	int done;
};

/*
 * Run @fn in a child that keeps only descriptor @keep (and 0-2), so that
 * a kernel crash in it pins no BPF link of ours; wait WAIT_SECS at most,
 * kill it then. Returns the shared outcome, done set if @fn returned.
 */
static struct outcome *sacrifice(struct __test_metadata *_metadata,
				 void (*fn)(struct outcome *, void *),
				 void *arg, int keep)
{
	struct outcome *o = mmap(NULL, sizeof(*o), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int i, status = 0;
	pid_t pid;

	if (o == MAP_FAILED)
		return NULL;
	memset(o, 0, sizeof(*o));
	pid = fork();
	if (pid < 0)
		return o;
	if (!pid) {
		for (i = 3; i < 1024; i++)
			if (i != keep)
				close(i);
		fn(o, arg);
		__atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
		_exit(0);
	}
	if (!WAIT_UNTIL(waitpid(pid, &status, WNOHANG) == pid)) {
		TH_LOG("the child did not finish in %d s: killed", WAIT_SECS);
		kill(pid, SIGKILL);
		WAIT_UNTIL(waitpid(pid, &status, WNOHANG) == pid);
	} else if (WIFSIGNALED(status)) {
		TH_LOG("the child died of signal %d", WTERMSIG(status));
	}
	return o;
}

/*
 * E: the reserved blocks of an ext4 backing are not the callers'. First
 * of the tests on the RAM disk (a fixture of its own, run first).
 */
FIXTURE(resv) {};
FIXTURE_SETUP(resv) {}
FIXTURE_TEARDOWN(resv) {}

TEST_F(resv, no_cap_sys_resource)
{
	char dir[DIR_PATH_LEN] = "/tmp/resv-XXXXXX";
	char mnt[DIR_PATH_LEN] = "/tmp/mnt-XXXXXX";
	char chunk[4096];
	struct test_daemon td;
	int dfd, mfd, fd, status;
	pid_t pid;

	memset(chunk, 'r', sizeof(chunk));
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_NE(NULL, mkdtemp(mnt));
	/* half the blocks reserved, for uid 4242 and CAP_SYS_RESOURCE */
	ASSERT_EQ(0, mkfs_ram0(_metadata, "-m 50"));
	ASSERT_EQ(0, mount("/dev/ram0", dir, "ext4", 0, "resuid=4242"));
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, put_file(dfd, "fill", "", 0, 0666));
	ASSERT_EQ(0, put_file(dfd, "mine", "", 0, 0666));
	ASSERT_EQ(0, put_file(dfd, "root", "", 0, 0666));

	/* an unprivileged writer fills what it may use */
	fd = openat(dfd, "fill", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		ssize_t n;

		if (drop_to(USER_ID, USER_ID))
			_exit(1);
		do {
			n = write(fd, chunk, sizeof(chunk));
		} while (n > 0);
		_exit(n < 0 && errno == ENOSPC ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	close(fd);

	ASSERT_EQ(0, mount_dirs(&td, dir, mnt, TD_BPF | TD_CLOSE_FDS, &mfd));
	fd = openat(mfd, "mine", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (drop_to(USER_ID, USER_ID))
			_exit(1);
		if (write(fd, chunk, sizeof(chunk)) >= 0)
			_exit(3);
		_exit(errno == ENOSPC ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* 3: the write used the reserved blocks */
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(fd);
	close(mfd);
	EXPECT_EQ(0, td_stop(&td));
	/* where root, on the backing, still has room */
	fd = openat(dfd, "root", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(sizeof(chunk), write(fd, chunk, sizeof(chunk)));
	close(fd);
	close(dfd);
	EXPECT_EQ(0, umount(dir));
}

/* ---- D: inode flags of the backing ---- */

FIXTURE(flags) {
	char dir[DIR_PATH_LEN];		/* the backing file system */
	char mnt[DIR_PATH_LEN];
	char mpath[2 * DIR_PATH_LEN];	/* "f" through the mount */
	char bpath[2 * DIR_PATH_LEN];	/* "ref", the same, in the backing */
	int bfd, mfd;			/* the directories of "f" and "ref" */
	int broot, mroot;
	struct test_daemon td;
	char data[DATA_SIZE];
	char buf[DATA_SIZE];
};

FIXTURE_VARIANT(flags) {
	bool ext4;		/* else tmpfs */
	bool kernel;		/* a kernel-only node, else daemon-known */
	bool after;		/* flag set after the node was cached */
};

FIXTURE_VARIANT_ADD(flags, tmpfs_daemon) { };
FIXTURE_VARIANT_ADD(flags, tmpfs_kernel) { .kernel = true };
FIXTURE_VARIANT_ADD(flags, tmpfs_daemon_cached) { .after = true };
FIXTURE_VARIANT_ADD(flags, tmpfs_kernel_cached) {
	.kernel = true, .after = true
};
FIXTURE_VARIANT_ADD(flags, ext4_daemon) { .ext4 = true };
FIXTURE_VARIANT_ADD(flags, ext4_kernel) { .ext4 = true, .kernel = true };
FIXTURE_VARIANT_ADD(flags, ext4_kernel_cached) {
	.ext4 = true, .kernel = true, .after = true
};

FIXTURE_SETUP(flags)
{
	const char *sub = variant->kernel ? "tree/" : "";

	self->bfd = self->mfd = self->broot = self->mroot = -1;
	umask(0);
	snprintf(self->dir, DIR_PATH_LEN, "/tmp/flags-XXXXXX");
	snprintf(self->mnt, DIR_PATH_LEN, "/tmp/mnt-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_NE(NULL, mkdtemp(self->mnt));
	if (variant->ext4) {
		/* the RAM disk of scripts/guest-init */
		ASSERT_EQ(0, mkfs_ram0(_metadata, ""));
		ASSERT_EQ(0, mount("/dev/ram0", self->dir, "ext4", 0, NULL));
	} else {
		ASSERT_EQ(0, mount("tmpfs", self->dir, "tmpfs", 0, "size=4m"));
	}
	self->broot = open(self->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->broot);
	ASSERT_EQ(0, mkdirat(self->broot, "tree", 0755));
	self->bfd = openat(self->broot, variant->kernel ? "tree" : ".",
			   O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->bfd);
	fill(self->data, DATA_SIZE, 5);
	ASSERT_EQ(0, put_file(self->bfd, "f", self->data, DATA_SIZE, 0666));
	ASSERT_EQ(0, put_file(self->bfd, "ref", self->data, DATA_SIZE, 0666));
	ASSERT_EQ(0, put_file(self->bfd, "src", "srcdata", 7, 0666));
	ASSERT_EQ(0, mount_dirs(&self->td, self->dir, self->mnt, TD_BPF,
				&self->mroot));
	self->mfd = openat(self->mroot, variant->kernel ? "tree" : ".",
			   O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->mfd);
	snprintf(self->mpath, sizeof(self->mpath), "%s/%sf", self->mnt, sub);
	snprintf(self->bpath, sizeof(self->bpath), "%s/%sref", self->dir,
		 sub);
	if (variant->after) {
		struct stat s;

		ASSERT_EQ(0, stat(self->mpath, &s));
	}
}

FIXTURE_TEARDOWN(flags)
{
	if (self->bfd >= 0) {
		change_flags(self->bfd, "f", 0, FS_APPEND_FL | FS_IMMUTABLE_FL);
		change_flags(self->bfd, "ref", 0,
			     FS_APPEND_FL | FS_IMMUTABLE_FL);
		close(self->bfd);
	}
	if (self->mfd >= 0)
		close(self->mfd);
	if (self->mroot >= 0)
		close(self->mroot);
	td_stop(&self->td);
	if (self->broot >= 0)
		close(self->broot);
	/*
	 * the next test makes a file system on the same RAM disk: what the
	 * daemon's exit lets go of may take a while
	 */
	UMOUNT_WAIT(self->dir);
}

TEST_F(flags, append_only)
{
	int fd, bref, src, bsrc, merr, berr;
	struct stat s;
	char end[5];

	ASSERT_EQ(0, change_flags(self->bfd, "f", FS_APPEND_FL, 0));
	ASSERT_EQ(0, change_flags(self->bfd, "ref", FS_APPEND_FL, 0));
	EXPECT_OPEN_FAILS(EPERM, openat(self->mfd, "f", O_WRONLY | O_CLOEXEC));
	EXPECT_OPEN_FAILS(EPERM, openat(self->mfd, "f", O_RDWR | O_CLOEXEC));
	EXPECT_OPEN_FAILS(EPERM, openat(self->mfd, "f", O_WRONLY | O_APPEND |
					O_TRUNC | O_CLOEXEC));
	EXPECT_EQ(-1, truncate(self->mpath, 10));
	EXPECT_EQ(EPERM, errno);

	fd = openat(self->mfd, "f", O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, fd);
	bref = openat(self->bfd, "ref", O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, bref);
	EXPECT_EQ(-1, ftruncate(fd, 10));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				0, 4096));
	EXPECT_EQ(EPERM, errno);
	/* copy_file_range into it fails as it does on the backing */
	src = openat(self->mfd, "src", O_RDONLY | O_CLOEXEC);
	bsrc = openat(self->bfd, "src", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, src);
	ASSERT_LE(0, bsrc);
	berr = ERRNO_OF(copy_file_range(bsrc, NULL, bref, NULL, 7, 0));
	merr = ERRNO_OF(copy_file_range(src, NULL, fd, NULL, 7, 0));
	EXPECT_NE(0, berr);
	EXPECT_EQ(berr, merr);
	/* and appending works */
	EXPECT_EQ(4, write(fd, "tail", 4));
	EXPECT_EQ(0, close(fd));
	close(bref);
	close(src);
	close(bsrc);
	ASSERT_EQ(0, fstatat(self->bfd, "f", &s, 0));
	ASSERT_EQ(DATA_SIZE + 4, s.st_size);
	fd = openat(self->bfd, "f", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(4, pread(fd, end, 5, DATA_SIZE));
	EXPECT_EQ(0, memcmp(end, "tail", 4));
	EXPECT_EQ(DATA_SIZE, pread(fd, self->buf, DATA_SIZE, 0));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	close(fd);
}

/* @op on the mount's "f" and on the backing's "ref" (@p is the path). */
#define EXPECT_BOTH_EPERM(op) do {					\
	const char *p;							\
	int __m, __b;							\
									\
	p = self->mpath;						\
	__m = ERRNO_OF(op);						\
	p = self->bpath;						\
	__b = ERRNO_OF(op);						\
	EXPECT_EQ(EPERM, __b);						\
	EXPECT_EQ(__b, __m);						\
	if (__m != __b)							\
		TH_LOG("%s: %s through the mount", #op,			\
		       strerror(__m));					\
} while (0)

TEST_F(flags, immutable)
{
	char to[3 * DIR_PATH_LEN];

	ASSERT_EQ(0, change_flags(self->bfd, "f", FS_IMMUTABLE_FL, 0));
	ASSERT_EQ(0, change_flags(self->bfd, "ref", FS_IMMUTABLE_FL, 0));
	EXPECT_OPEN_FAILS(EPERM, openat(self->mfd, "f", O_WRONLY | O_CLOEXEC));
	EXPECT_OPEN_FAILS(EPERM, openat(self->mfd, "f",
					O_WRONLY | O_APPEND | O_CLOEXEC));
	EXPECT_EQ(-1, truncate(self->mpath, 10));
	EXPECT_EQ(EPERM, errno);
	EXPECT_BOTH_EPERM(chmod(p, 0600));
	EXPECT_BOTH_EPERM(chown(p, USER_ID, USER_ID));
	EXPECT_BOTH_EPERM(utimes(p, NULL));
	EXPECT_BOTH_EPERM(setxattr(p, "user.x", "1", 1, 0));
	EXPECT_BOTH_EPERM(unlink(p));
	EXPECT_BOTH_EPERM((snprintf(to, sizeof(to), "%s.new", p),
			   rename(p, to)));
	/* all still there, unchanged */
	ASSERT_EQ(0, change_flags(self->bfd, "f", 0, FS_IMMUTABLE_FL));
	EXPECT_EQ(DATA_SIZE, get_file(self->bfd, "f", self->buf, DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "f"));
}

/* ---- the other tests: one mount of a backing dir, both BPF objects ---- */

FIXTURE(hard) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	int bfd;
	int mfd;
	struct test_daemon td;
	struct hostile *hostile;
	struct filters *filters;
	int bad0;			/* bad kernel log lines before */
	char data[DATA_SIZE];
	char buf[DATA_SIZE];
};

/* The hostile filters, attached and registered for @td's mount. */
static struct hostile *load_hostile(const struct test_daemon *td)
{
	struct hostile *h = hostile__open_and_load();

	if (h && (hostile__attach(h) || td_register_skel(td, h->skeleton))) {
		hostile__destroy(h);
		h = NULL;
	}
	return h;
}

FIXTURE_SETUP(hard)
{
	self->bad0 = bad_log_lines();
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	fill(self->data, DATA_SIZE, 9);
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt, TD_BPF,
				&self->mfd));
	self->hostile = load_hostile(&self->td);
	ASSERT_NE(NULL, self->hostile);
	self->filters = filters__open_and_load();
	ASSERT_NE(NULL, self->filters);
	ASSERT_EQ(0, filters__attach(self->filters));
	ASSERT_EQ(0, td_register_skel(&self->td, self->filters->skeleton));
}

FIXTURE_TEARDOWN(hard)
{
	close(self->mfd);
	close(self->bfd);
	self->td.ctl->stall_release = 1;
	td_stop(&self->td);
	filters__destroy(self->filters);
	hostile__destroy(self->hostile);
}

/*
 * F: the backing dir "real" is looked up as "a" without a filter and as
 * "b" with "no_write"; a file in it is two kernel-only inodes.
 */
static void two_views(struct __test_metadata *_metadata, struct test_daemon *td,
		      int mfd, int bfd, const char *backing)
{
	ASSERT_EQ(0, mkdirat(bfd, "real", 0777));
	ASSERT_EQ(0, mkdirat(bfd, "a", 0777));
	ASSERT_EQ(0, mkdirat(bfd, "b", 0777));
	ASSERT_EQ(0, put_file(bfd, "real/f", "data", 4, 0666));
	snprintf(td->ctl->backing_path, sizeof(td->ctl->backing_path),
		 "%s/real", backing);
	ASSERT_EQ(0, look_up(td, mfd, "a", NULL));
	ASSERT_EQ(0, look_up(td, mfd, "b", "no_write"));
	td->ctl->backing_path[0] = '\0';
}

TEST_F(hard, inode_per_filter_permissive_first)
{
	int fd;

	two_views(_metadata, &self->td, self->mfd, self->bfd, self->backing);
	fd = openat(self->mfd, "a/f", O_WRONLY | O_CLOEXEC);
	EXPECT_LE(0, fd);
	close(fd);
	EXPECT_OPEN_FAILS(EACCES, openat(self->mfd, "b/f",
					 O_WRONLY | O_CLOEXEC));
	EXPECT_EQ(4, get_file(self->mfd, "b/f", self->buf, 10));
}

TEST_F(hard, inode_per_filter_restricted_first)
{
	int fd;

	two_views(_metadata, &self->td, self->mfd, self->bfd, self->backing);
	EXPECT_OPEN_FAILS(EACCES, openat(self->mfd, "b/f",
					 O_WRONLY | O_CLOEXEC));
	fd = openat(self->mfd, "a/f", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(3, pwrite(fd, "new", 3, 0));
	close(fd);
	EXPECT_EQ(4, get_file(self->bfd, "real/f", self->buf, 10));
	EXPECT_EQ(0, memcmp(self->buf, "newa", 4));
}

/*
 * A kernel-only node moved or linked into a directory of another policy
 * takes that directory's: "pb" is observed, "pa" is not.
 */
/* One read(2) of @name in @dir, into @buf. */
static ssize_t read_once(int dir, const char *name, char *buf, size_t size)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

TEST_F(hard, moved_node_takes_the_new_policy)
{
	ASSERT_EQ(0, mkdirat(self->bfd, "pa", 0777));
	ASSERT_EQ(0, mkdirat(self->bfd, "pb", 0777));
	ASSERT_EQ(0, put_file(self->bfd, "pa/f", self->data, 100, 0666));
	ASSERT_EQ(0, put_file(self->bfd, "pa/l", self->data, 200, 0666));
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "pa", NULL));
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "pb", "observe"));
	EXPECT_EQ(100, read_once(self->mfd, "pa/f", self->buf, DATA_SIZE));
	EXPECT_EQ(200, read_once(self->mfd, "pa/l", self->buf, DATA_SIZE));
	EXPECT_EQ(0, self->filters->bss->read_calls);

	/* a directory keeps its filter: it is copied, not moved */
	ASSERT_EQ(0, mkdirat(self->bfd, "pa/sub", 0777));
	EXPECT_EQ(-1, renameat(self->mfd, "pa/sub", self->mfd, "pb/sub"));
	EXPECT_EQ(EXDEV, errno);

	ASSERT_EQ(0, renameat(self->mfd, "pa/f", self->mfd, "pb/f"));
	EXPECT_EQ(100, read_once(self->mfd, "pb/f", self->buf, DATA_SIZE));
	EXPECT_EQ(1, self->filters->bss->read_calls);
	EXPECT_EQ(100, self->filters->bss->read_seen);

	ASSERT_EQ(0, linkat(self->mfd, "pa/l", self->mfd, "pb/l", 0));
	EXPECT_EQ(200, read_once(self->mfd, "pb/l", self->buf, DATA_SIZE));
	EXPECT_EQ(2, self->filters->bss->read_calls);
	EXPECT_EQ(200, self->filters->bss->read_seen);
	/* the old name keeps its own policy */
	EXPECT_EQ(200, read_once(self->mfd, "pa/l", self->buf, DATA_SIZE));
	EXPECT_EQ(2, self->filters->bss->read_calls);
}

/* G: the destination's write filter decides a copy_file_range too. */
TEST_F(hard, copy_file_range_asks_destination)
{
	char other[DATA_SIZE];
	int src, dst;
	ssize_t n;

	fill(other, DATA_SIZE, 77);
	ASSERT_EQ(0, put_file(self->bfd, "src", self->data, DATA_SIZE, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "dst", other, DATA_SIZE, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "dst2", other, DATA_SIZE, 0644));
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "src", NULL));
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "dst", "h_denyw"));
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "dst2", "h_userw"));
	src = openat(self->mfd, "src", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, src);

	dst = openat(self->mfd, "dst", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, dst);
	EXPECT_EQ(-1, copy_file_range(src, NULL, dst, NULL, 100, 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_LT(0, self->hostile->bss->denyw_calls);
	close(dst);
	EXPECT_EQ(DATA_SIZE, get_file(self->bfd, "dst", self->buf, DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, other, DATA_SIZE));

	/* through the daemon, or not at all */
	dst = openat(self->mfd, "dst2", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, dst);
	td_reset(&self->td);
	n = copy_file_range(src, NULL, dst, NULL, 100, 0);
	EXPECT_LT(0, self->hostile->bss->userw_calls);
	EXPECT_EQ(DATA_SIZE, get_file(self->bfd, "dst2", self->buf,
				      DATA_SIZE));
	if (n == 100) {
		EXPECT_LT(0, td_count(&self->td, FUSE_WRITE));
		EXPECT_EQ(0, memcmp(self->buf, self->data, 100));
	} else {
		TH_LOG("copy_file_range to a daemon-written file: %s",
		       n < 0 ? strerror(errno) : "short");
		EXPECT_EQ(-1, n);
		EXPECT_EQ(0, memcmp(self->buf, other, DATA_SIZE));
	}
	close(dst);
	close(src);
}

/* H: the destination directory's filter decides a rename and a link. */
TEST_F(hard, rename_link_ask_destination)
{
	struct stat s;

	ASSERT_EQ(0, mkdirat(self->bfd, "from", 0755));
	ASSERT_EQ(0, mkdirat(self->bfd, "to", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "from/f", "f", 1, 0644));
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "from", NULL));
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "to", "h_denyns"));
	EXPECT_EQ(-1, renameat(self->mfd, "from/f", self->mfd, "to/f"));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, fstatat(self->bfd, "from/f", &s, 0));
	EXPECT_EQ(-1, fstatat(self->bfd, "to/f", &s, 0));
	EXPECT_EQ(-1, linkat(self->mfd, "from/f", self->mfd, "to/g", 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, fstatat(self->bfd, "to/g", &s, 0));
	EXPECT_EQ(0, fstatat(self->bfd, "from/f", &s, 0));
	EXPECT_EQ(1, s.st_nlink);
}

/* I: an access filter cannot hand the check to the daemon. */
TEST_F(hard, access_user_fails_closed)
{
	static const char * const names[] = {
		"h_acc_u", "h_acc_up", "h_acc_upo",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		ASSERT_EQ(0, put_file(self->bfd, names[i], "a", 1, 0666));
		ASSERT_EQ(0, look_up(&self->td, self->mfd, names[i],
				     names[i]));
	}
	td_reset(&self->td);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		TH_LOG("%s", names[i]);
		EXPECT_OPEN_FAILS(EIO, openat(self->mfd, names[i],
					      O_RDONLY | O_CLOEXEC));
		EXPECT_OPEN_FAILS(EIO, openat(self->mfd, names[i],
					      O_WRONLY | O_CLOEXEC));
		errno = 0;
		EXPECT_EQ(-1, faccessat(self->mfd, names[i], W_OK, 0));
		EXPECT_EQ(EIO, errno);
	}
	EXPECT_EQ(0, td_count(&self->td, FUSE_ACCESS));
}

/*
 * J: the daemon cannot name a kernel-only node in a notification. Its
 * filter ("h_spy") tells it the node id; a LOOKUP triggers each one.
 */
TEST_F(hard, notify_kernel_node_refused)
{
	static const int kinds[] = {
		TD_NOTIFY_INVAL_INODE, TD_NOTIFY_INVAL_ENTRY, TD_NOTIFY_STORE,
	};
	unsigned long long id;
	unsigned int i;
	int fd;

	ASSERT_EQ(0, mkdirat(self->bfd, "dp", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "dp/f", self->data, DATA_SIZE, 0644));
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "dp", "h_spy"));
	fd = openat(self->mfd, "dp/f", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, pread(fd, self->buf, 4, 0));
	id = self->hostile->bss->spy_nodeid;
	ASSERT_TRUE(id & FUSE_BPF_NODEID_KERNEL);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		self->td.ctl->notify_done = 0;
		self->td.ctl->notify_nodeid = id;
		self->td.ctl->notify = kinds[i];
		/* entry_valid 0: a LOOKUP of "dp" */
		ASSERT_EQ(0, fstatat(self->mfd, "dp", &(struct stat){}, 0));
		ASSERT_TRUE(wait_flag(&self->td.ctl->notify_done));
		TH_LOG("notification %d: %d", kinds[i],
		       self->td.ctl->notify_result);
		EXPECT_TRUE(self->td.ctl->notify_result == -ENOENT ||
			    self->td.ctl->notify_result == -EINVAL);
	}
	/* nothing changed */
	EXPECT_EQ(DATA_SIZE, pread(fd, self->buf, DATA_SIZE, 0));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "dp/f"));
	close(fd);
	EXPECT_LOG_CLEAN(self->bad0);
}

/* K: LOOKUP replies do not override what the backing says. */
TEST_F(hard, lookup_attrs_do_not_override_backing)
{
	struct stat m, b;
	int fd, i, status;
	pid_t pid;

	ASSERT_EQ(0, put_file(self->bfd, "k", self->data, 100, 0640));
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "k", NULL));
	self->td.ctl->lie_attr = 1;
	for (i = 0; i < 3; i++) {
		td_reset(&self->td);
		EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
					    "k"));
		/* entry_valid 0: each walk asks the daemon again */
		EXPECT_LT(0, td_count(&self->td, FUSE_LOOKUP));
	}
	fd = openat(self->mfd, "k", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &m));
	ASSERT_EQ(0, fstatat(self->bfd, "k", &b, 0));
	EXPECT_TRUE(same_stat(_metadata, &m, &b));
	EXPECT_EQ(100, read(fd, self->buf, DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, 100));
	close(fd);
	/* the mode the backing has, not 0777, decides who may write */
	EXPECT_EQ(0, fchmodat(self->bfd, "k", 0600, 0));
	ASSERT_EQ(0, fstatat(self->mfd, "k", &m, 0));
	EXPECT_EQ(0600, m.st_mode & 07777);
	/*
	 * and the owner the backing has, not the daemon's 1234, who may open
	 * with O_NOATIME: may_open() asks the inode, just revalidated
	 */
	EXPECT_EQ(0, fchmodat(self->bfd, "k", 0644, 0));
	ASSERT_EQ(0, chmod(self->backing, 0755));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (drop_to(1234, 1234))
			_exit(1);
		fd = openat(self->bfd, "k", O_RDONLY | O_NOATIME | O_CLOEXEC);
		if (fd >= 0 || errno != EPERM)
			_exit(2);
		fd = openat(self->mfd, "k", O_RDONLY | O_NOATIME | O_CLOEXEC);
		_exit(fd < 0 && errno == EPERM ? 0 : 3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	self->td.ctl->lie_attr = 0;
}

/* L: setting an ACL clears S_ISGID for a caller outside the group. */
TEST_F(hard, acl_clears_sgid_as_on_backing)
{
	char mpath[128], bpath[128];
	struct stat m, b;
	int status;
	pid_t pid;

	ASSERT_EQ(0, chmod(self->backing, 0755));
	ASSERT_EQ(0, chmod(self->mnt, 0755));
	ASSERT_EQ(0, put_file(self->bfd, "sg", "x", 1, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "sgb", "x", 1, 0644));
	ASSERT_EQ(0, fchownat(self->bfd, "sg", USER_ID, 2000, 0));
	ASSERT_EQ(0, fchownat(self->bfd, "sgb", USER_ID, 2000, 0));
	ASSERT_EQ(0, fchmodat(self->bfd, "sg", 02775, 0));
	ASSERT_EQ(0, fchmodat(self->bfd, "sgb", 02775, 0));
	ASSERT_EQ(0, fstatat(self->mfd, "sg", &m, 0));
	ASSERT_EQ(02775, m.st_mode & 07777);
	snprintf(mpath, sizeof(mpath), "%s/sg", self->mnt);
	snprintf(bpath, sizeof(bpath), "%s/sgb", self->backing);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int ret = 0;

		if (drop_to(USER_ID, USER_ID))
			_exit(8);
		if (setxattr(bpath, "system.posix_acl_access", &test_acl,
			     sizeof(test_acl), 0))
			ret |= 1;
		if (setxattr(mpath, "system.posix_acl_access", &test_acl,
			     sizeof(test_acl), 0))
			ret |= 2;
		_exit(ret);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, fstatat(self->bfd, "sgb", &b, 0));
	ASSERT_EQ(0, fstatat(self->bfd, "sg", &m, 0));
	EXPECT_EQ(0, b.st_mode & S_ISGID);
	EXPECT_EQ(b.st_mode & 07777, m.st_mode & 07777);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "sg"));
}

/* M: active objects of cred_jar ("cred"), flushed first; -1 if not listed. */
static long cred_jar_objects(void)
{
	char line[512], name[64];
	long active = -1, n;
	FILE *f;
	int fd;

	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "3", 1) < 0)
			active = -1;
		close(fd);
	}
	/* SLUB counts the objects of CPU slabs as used: flush them */
	fd = open("/sys/kernel/slab/cred/shrink", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0)
			active = -1;
		close(fd);
	}
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &n) == 2 &&
		    !strcmp(name, "cred"))
			active = n;
	fclose(f);
	return active;
}

#define LEAK_DIRS	400

/* 2,000 creations and removals: 14 s under TCG. */
TEST_F_TIMEOUT(hard, no_cred_leak, 600)
{
	char backing[DIR_PATH_LEN], mnt[DIR_PATH_LEN], name[64];
	struct test_daemon td;
	long before, after = -1;
	int bfd, mfd, i, fd;

	before = cred_jar_objects();
	if (before < 0)
		SKIP(return, "no cred cache in /proc/slabinfo (merged slabs?)");
	ASSERT_EQ(0, make_dirs(backing, mnt, &bfd));
	for (i = 0; i < LEAK_DIRS; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		ASSERT_EQ(0, mkdirat(bfd, name, 0755));
	}
	before = cred_jar_objects();
	ASSERT_EQ(0, mount_dirs(&td, backing, mnt, TD_BPF | TD_CLOSE_FDS,
				&mfd));
	/* each directory has its own registration, so its own creds */
	for (i = 0; i < LEAK_DIRS; i++) {
		snprintf(name, sizeof(name), "d%d/c0", i);
		fd = openat(mfd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		ASSERT_LE(0, fd);
		close(fd);
		snprintf(name, sizeof(name), "d%d/c1", i);
		ASSERT_EQ(0, mknodat(mfd, name, S_IFREG | 0644, 0));
		snprintf(name, sizeof(name), "d%d/m0", i);
		ASSERT_EQ(0, mkdirat(mfd, name, 0755));
		snprintf(name, sizeof(name), "d%d/m0/m1", i);
		ASSERT_EQ(0, mkdirat(mfd, name, 0755));
		snprintf(name, sizeof(name), "d%d/s0", i);
		ASSERT_EQ(0, symlinkat("c0", mfd, name));
	}
	for (i = 0; i < LEAK_DIRS; i++) {
		snprintf(name, sizeof(name), "d%d/c0", i);
		EXPECT_EQ(0, unlinkat(mfd, name, 0));
		snprintf(name, sizeof(name), "d%d/c1", i);
		EXPECT_EQ(0, unlinkat(mfd, name, 0));
		snprintf(name, sizeof(name), "d%d/s0", i);
		EXPECT_EQ(0, unlinkat(mfd, name, 0));
		snprintf(name, sizeof(name), "d%d/m0/m1", i);
		EXPECT_EQ(0, unlinkat(mfd, name, AT_REMOVEDIR));
		snprintf(name, sizeof(name), "d%d/m0", i);
		EXPECT_EQ(0, unlinkat(mfd, name, AT_REMOVEDIR));
	}
	close(mfd);
	EXPECT_EQ(0, td_stop(&td));
	close(bfd);
	/* freed after RCU grace periods */
	WAIT_UNTIL((after = cred_jar_objects()) <= before + 50);
	TH_LOG("cred_jar: %ld before, %ld after", before, after);
	EXPECT_GE(before + 50, after);
}

/* N: AIO with a daemon postfilter, over stock FUSE so that it queues. */
struct aio_result {
	long res[2];
	int done[2];
};

/* In a child: one direct AIO read of @fd as @uid, recorded in @r. */
static void aio_child(int fd, uid_t uid, struct aio_result *r, int i)
{
	void *buf;

	int j;

	/* a child stuck in the kernel must not pin our BPF links */
	for (j = 3; j < 1024; j++)
		if (j != fd)
			close(j);
	if (uid && drop_to(uid, uid))
		_exit(1);
	if (posix_memalign(&buf, 4096, 4096))
		_exit(1);
	r->res[i] = aio_rw(fd, IOCB_CMD_PREAD, buf, 4096, 0);
	__atomic_store_n(&r->done[i], 1, __ATOMIC_RELEASE);
	_exit(0);
}

/* Three waits, each of which may fail after WAIT_SECS. */
TEST_F_TIMEOUT(hard, aio_daemon_postfilter_per_mount, 600)
{
	char lower[DIR_PATH_LEN] = "/tmp/lower-XXXXXX";
	char up[2][DIR_PATH_LEN] = { "/tmp/up1-XXXXXX", "/tmp/up2-XXXXXX" };
	char abort_path[128];
	struct test_daemon ltd, utd[2];
	int lfd, ufd[2], fd[2], i, afd;
	bool ctl_mounted = false;
	struct aio_result *r;
	pid_t child[2];
	struct stat s;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r);
	memset(r, 0, sizeof(*r));
	ASSERT_EQ(0, put_file(self->bfd, "daemon_post", self->data, DATA_SIZE,
			      0644));
	ASSERT_NE(NULL, mkdtemp(lower));
	ASSERT_EQ(0, mount_dirs(&ltd, self->backing, lower,
				TD_STOCK | TD_CLOSE_FDS, &lfd));
	for (i = 0; i < 2; i++) {
		ASSERT_NE(NULL, mkdtemp(up[i]));
		ASSERT_EQ(0, mount_dirs(&utd[i], lower, up[i],
					TD_BPF | TD_CLOSE_FDS, &ufd[i]));
		ASSERT_EQ(0, td_register_skel(&utd[i],
					      self->filters->skeleton));
		set_ops(&utd[i], "daemon_post");
		fd[i] = openat(ufd[i], "daemon_post",
			       O_RDONLY | O_DIRECT | O_CLOEXEC);
		ASSERT_LE(0, fd[i]);
	}
	/* its daemon will be stuck: ask it now */
	ASSERT_EQ(0, fstat(ufd[0], &s));
	utd[0].ctl->stall_opcode = FUSE_READ | FUSE_BPF_OPCODE_POSTFILTER;
	child[0] = fork();
	ASSERT_LE(0, child[0]);
	if (!child[0])
		aio_child(fd[0], 0, r, 0);
	ASSERT_TRUE(wait_flag(&utd[0].ctl->stalled));

	/* the other mount's AIO completes, as its submitter */
	child[1] = fork();
	ASSERT_LE(0, child[1]);
	if (!child[1])
		aio_child(fd[1], USER_ID, r, 1);
	EXPECT_TRUE(wait_flag(&r->done[1]));
	EXPECT_EQ(4096, r->res[1]);
	EXPECT_EQ(FUSE_READ | FUSE_BPF_OPCODE_POSTFILTER,
		  utd[1].ctl->filter_opcode);
	EXPECT_EQ(USER_ID, utd[1].ctl->filter_uid);
	EXPECT_EQ(0, r->done[0]);

	/* aborting the stuck connection ends the stuck AIO */
	snprintf(abort_path, sizeof(abort_path), "%s/%u/abort",
		 FUSE_BPF_CTL_MOUNT,
		 (unsigned int)(major(s.st_dev) << 20 | minor(s.st_dev)));
	if (access(abort_path, F_OK)) {
		ASSERT_EQ(0, mount("none", FUSE_BPF_CTL_MOUNT,
				   FUSE_BPF_CTL_FSTYPE, 0, NULL));
		ctl_mounted = true;
	}
	afd = open(abort_path, O_WRONLY | O_CLOEXEC);
	EXPECT_LE(0, afd);
	if (afd >= 0) {
		EXPECT_EQ(1, write(afd, "1", 1));
		close(afd);
	}
	EXPECT_TRUE(wait_flag(&r->done[0]));
	/* the read happened: the daemon that never answered changes nothing */
	EXPECT_EQ(4096, r->res[0]);
	for (i = 0; i < 2; i++)
		if (__atomic_load_n(&r->done[i], __ATOMIC_ACQUIRE))
			waitpid(child[i], NULL, 0);
	if (ctl_mounted)
		umount(FUSE_BPF_CTL_MOUNT);
	utd[0].ctl->stall_release = 1;
	for (i = 0; i < 2; i++) {
		close(fd[i]);
		close(ufd[i]);
		td_stop(&utd[i]);
	}
	close(lfd);
	EXPECT_EQ(0, td_stop(&ltd));
	/* the guest goes on: a backed read on the fixture's mount */
	EXPECT_EQ(DATA_SIZE, get_file(self->mfd, "daemon_post", self->buf,
				      DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	EXPECT_LOG_CLEAN(self->bad0);
}

/* O: a write done on the backing is reported, instance gone or not. */
struct late_write {
	int fd;
	ssize_t ret;
	int err;
	int done;
};

static void *late_write(void *arg)
{
	struct late_write *w = arg;

	w->ret = pwrite(w->fd, "newdata!", 8, 0);
	w->err = errno;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST_F(hard, write_reported_after_instance_gone)
{
	struct late_write w = {};
	pthread_t t;

	ASSERT_EQ(0, put_file(self->bfd, "late", self->data, DATA_SIZE, 0644));
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "late", "h_late"));
	w.fd = openat(self->mfd, "late", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, w.fd);
	self->td.ctl->stall_opcode = FUSE_WRITE | FUSE_BPF_OPCODE_PREFILTER;
	ASSERT_EQ(0, pthread_create(&t, NULL, late_write, &w));
	ASSERT_TRUE(wait_flag(&self->td.ctl->stalled));
	bpf_link__destroy(self->hostile->links.h_late);
	self->hostile->links.h_late = NULL;
	self->td.ctl->prefilter_result = FUSE_BPF_POSTFILTER;
	__atomic_store_n(&self->td.ctl->stall_release, 1, __ATOMIC_RELEASE);
	ASSERT_TRUE(wait_flag(&w.done));
	pthread_join(t, NULL);
	if (w.ret < 0)
		TH_LOG("write: %s", strerror(w.err));
	EXPECT_EQ(8, w.ret);
	EXPECT_EQ(DATA_SIZE, get_file(self->bfd, "late", self->buf,
				      DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, "newdata!", 8));
	close(w.fd);
}

/* A: mmap of a file whose reads the daemon serves (oopsed before). */
static void map_user_file(struct outcome *o, void *arg)
{
	int fd = *(int *)arg, out;
	off_t off = 0;
	char want[100];
	char *p;

	memset(want, 'Z', sizeof(want));
	/* sendfile: the daemon's data */
	out = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	o->r[0] = sendfile(out, fd, &off, 100);
	o->r[1] = pread(out, o->data, 100, 0) == 100 &&
		  !memcmp(o->data, want, 100);
	close(out);
	/* a private mapping through the page cache, as plain FUSE */
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	o->e[2] = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED) {
		o->r[2] = !memcmp(p, want, 100);
		munmap(p, 4096);
	}
	/* a shared one: the daemon's data or a clean error */
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	o->e[3] = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED) {
		o->r[3] = !memcmp(p, want, 100);
		munmap(p, 4096);
	}
}

TEST_F(hard, mmap_of_user_read_file)
{
	struct outcome *o;
	int fd;

	ASSERT_EQ(0, put_file(self->bfd, "to_user", self->data, DATA_SIZE,
			      0644));
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "to_user", "to_user"));
	self->td.ctl->read_fill = 'Z';
	fd = openat(self->mfd, "to_user", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	td_reset(&self->td);
	o = sacrifice(_metadata, map_user_file, &fd, fd);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(o->done);
	EXPECT_EQ(100, o->r[0]);
	EXPECT_TRUE(o->r[1]);
	EXPECT_EQ(0, o->e[2]);
	EXPECT_TRUE(o->r[2]);
	EXPECT_LT(0, td_count(&self->td, FUSE_READ));
	if (o->e[3]) {
		TH_LOG("MAP_SHARED: %s", strerror(o->e[3]));
		EXPECT_TRUE(o->e[3] == ENODEV || o->e[3] == EACCES ||
			    o->e[3] == EINVAL || o->e[3] == EIO);
	} else if (o->done) {
		EXPECT_TRUE(o->r[3]);
	}
	munmap(o, sizeof(*o));
	EXPECT_EQ(0, close(fd));
	/*
	 * A shared writable mapping: its reads are the daemon's (its writes
	 * would be the backing's), and FUSE would write its pages back to a
	 * file it does not own: refused as by a direct-I/O file.
	 */
	fd = openat(self->mfd, "to_user", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(0, close(fd));
	EXPECT_LOG_CLEAN(self->bad0);
}

/*
 * B: open postfilters. A tmpfs of its own as backing, so that it can be
 * made read-only; @fn runs on it with its mount @mfd.
 */
static void on_own_tmpfs(struct __test_metadata *_metadata,
			 struct hostile *hostile, const char *ops,
			 void (*fn)(struct __test_metadata *, int, char *))
{
	char dir[DIR_PATH_LEN] = "/tmp/ro-XXXXXX";
	char mnt[DIR_PATH_LEN] = "/tmp/mnt-XXXXXX";
	struct test_daemon td;
	int dfd, mfd;

	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_NE(NULL, mkdtemp(mnt));
	ASSERT_EQ(0, mount("tmpfs", dir, "tmpfs", 0, "size=1m"));
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dfd);
	ASSERT_EQ(0, put_file(dfd, "f", "data", 4, 0666));
	ASSERT_EQ(0, mkdirat(dfd, "d", 0755));
	ASSERT_EQ(0, mount_dirs(&td, dir, mnt, TD_BPF | TD_CLOSE_FDS, &mfd));
	ASSERT_EQ(0, td_register_skel(&td, hostile->skeleton));
	set_ops(&td, ops);
	fn(_metadata, mfd, dir);
	mount(NULL, dir, NULL, MS_REMOUNT, NULL);
	close(mfd);
	td_stop(&td);
	close(dfd);
	umount2(dir, MNT_DETACH);
}

static void open0_child(struct outcome *o, void *arg)
{
	int mfd = *(int *)arg, fd;
	char buf[8];

	errno = 0;
	fd = openat(mfd, "f", O_RDWR | O_CLOEXEC);
	o->r[0] = fd;
	o->e[0] = errno;
	if (fd >= 0) {
		/* what must not crash, if it opened */
		o->r[1] = pread(fd, buf, sizeof(buf), 0);
		close(fd);
	}
	/* and reads and a directory open as usual */
	fd = openat(mfd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	o->r[2] = fd >= 0;
	close(fd);
	fd = openat(mfd, "f", O_RDONLY | O_CLOEXEC);
	o->r[3] = read(fd, buf, sizeof(buf)) == 4 && !memcmp(buf, "data", 4);
	close(fd);
}

static void open0(struct __test_metadata *_metadata, int mfd, char *dir)
{
	struct outcome *o;

	ASSERT_EQ(0, fstatat(mfd, "f", &(struct stat){}, 0));
	ASSERT_EQ(0, fstatat(mfd, "d", &(struct stat){}, 0));
	ASSERT_EQ(0, mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL));
	o = sacrifice(_metadata, open0_child, &mfd, mfd);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(o->done);
	/* a failure made success by the postfilter: out of range */
	EXPECT_EQ(-1, o->r[0]);
	EXPECT_EQ(EIO, o->e[0]);
	EXPECT_TRUE(o->r[2]);
	EXPECT_TRUE(o->r[3]);
	munmap(o, sizeof(*o));
}

TEST_F(hard, open_postfilter_keeps_backing_error)
{
	on_own_tmpfs(_metadata, self->hostile, "h_open0", open0);
	EXPECT_LOG_CLEAN(self->bad0);
}

static void open1_child(struct outcome *o, void *arg)
{
	int mfd = *(int *)arg;

	errno = 0;
	o->r[0] = openat(mfd, "f", O_RDONLY | O_CLOEXEC);
	o->e[0] = errno;
	errno = 0;
	o->r[1] = openat(mfd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	o->e[1] = errno;
}

static void open1(struct __test_metadata *_metadata, int mfd, char *dir)
{
	struct outcome *o;

	ASSERT_EQ(0, fstatat(mfd, "f", &(struct stat){}, 0));
	ASSERT_EQ(0, fstatat(mfd, "d", &(struct stat){}, 0));
	o = sacrifice(_metadata, open1_child, &mfd, mfd);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(o->done);
	EXPECT_EQ(-1, o->r[0]);
	EXPECT_EQ(EIO, o->e[0]);
	EXPECT_EQ(-1, o->r[1]);
	EXPECT_EQ(EIO, o->e[1]);
	munmap(o, sizeof(*o));
}

TEST_F(hard, open_postfilter_positive_is_eio)
{
	on_own_tmpfs(_metadata, self->hostile, "h_open1", open1);
	EXPECT_LOG_CLEAN(self->bad0);
}

/* ---- C: results out of range, per instance and operation ---- */

enum { PLUS, ONE, MINUS };

FIXTURE(range) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	char path[2 * DIR_PATH_LEN];	/* of "d" through the mount */
	int bfd;
	int mfd;
	int dir;			/* "d" through the mount */
	struct test_daemon td;
	struct hostile *hostile;
	int bad0;
	char data[DATA_SIZE];
	char buf[DATA_SIZE];
};

FIXTURE_VARIANT(range) {
	const char *ops;
	int kind;
};

FIXTURE_VARIANT_ADD(range, plus_4096) { .ops = "h_plus", .kind = PLUS };
FIXTURE_VARIANT_ADD(range, one) { .ops = "h_one", .kind = ONE };
FIXTURE_VARIANT_ADD(range, minus_5000) { .ops = "h_minus", .kind = MINUS };

FIXTURE_SETUP(range)
{
	char p[3 * DIR_PATH_LEN];

	self->bad0 = bad_log_lines();
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	fill(self->data, DATA_SIZE, 13);
	ASSERT_EQ(0, mkdirat(self->bfd, "d", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "d/f", self->data, DATA_SIZE, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "d/w", self->data, DATA_SIZE, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "d/lk", "l", 1, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "d/acl", "a", 1, 0644));
	ASSERT_EQ(0, symlinkat("target123", self->bfd, "d/ln"));
	snprintf(p, sizeof(p), "%s/d/f", self->backing);
	ASSERT_EQ(0, setxattr(p, "user.h", "8bytes!!", 8, 0));
	snprintf(p, sizeof(p), "%s/d/acl", self->backing);
	ASSERT_EQ(0, setxattr(p, "system.posix_acl_access", &test_acl, sizeof(test_acl),
			      0));
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt, TD_BPF,
				&self->mfd));
	self->hostile = load_hostile(&self->td);
	ASSERT_NE(NULL, self->hostile);
	ASSERT_EQ(0, look_up(&self->td, self->mfd, "d", variant->ops));
	self->dir = openat(self->mfd, "d", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->dir);
	snprintf(self->path, sizeof(self->path), "%s/d", self->mnt);
}

FIXTURE_TEARDOWN(range)
{
	close(self->dir);
	close(self->mfd);
	close(self->bfd);
	td_stop(&self->td);
	hostile__destroy(self->hostile);
}

enum range_op {
	OP_READ, OP_WRITE, OP_APPEND, OP_LSEEK, OP_SENDFILE, OP_SPLICE,
	OP_LISTXATTR, OP_GETXATTR, OP_READLINK, OP_ACL, OP_LOOKUP,
};

/* Operation @arg->op in "d" (@arg->dir): r[0], e[0] its result. */
struct range_arg {
	int dir;
	enum range_op op;
};

static void range_child(struct outcome *o, void *arg)
{
	const struct range_arg *a = arg;
	struct {
		char val[16];
		char canary[64];
	} b;
	int fd = -1, out, p[2];
	loff_t off = 0;
	long long ret = -1;

	errno = 0;
	switch (a->op) {
	case OP_READ:
		fd = openat(a->dir, "f", O_RDONLY | O_CLOEXEC);
		ret = read(fd, o->data, 100);
		break;
	case OP_WRITE:
		fd = openat(a->dir, "w", O_WRONLY | O_CLOEXEC);
		ret = write(fd, "0123456789", 10);
		break;
	case OP_APPEND:
		fd = openat(a->dir, "w", O_WRONLY | O_APPEND | O_CLOEXEC);
		ret = write(fd, "0123456789", 10);
		break;
	case OP_LSEEK:
		fd = openat(a->dir, "f", O_RDONLY | O_CLOEXEC);
		ret = lseek(fd, 0, SEEK_DATA);
		break;
	case OP_SENDFILE:
		fd = openat(a->dir, "f", O_RDONLY | O_CLOEXEC);
		out = open("/tmp", O_TMPFILE | O_RDWR, 0600);
		errno = 0;
		ret = sendfile(out, fd, NULL, 100);
		break;
	case OP_SPLICE:
		fd = openat(a->dir, "w", O_WRONLY | O_CLOEXEC);
		if (pipe(p) || write(p[1], "0123456789", 10) != 10)
			break;
		ret = splice(p[0], NULL, fd, &off, 10, 0);
		break;
	case OP_LISTXATTR:
		fd = openat(a->dir, "f", O_RDONLY | O_CLOEXEC);
		ret = flistxattr(fd, o->data, sizeof(o->data));
		break;
	case OP_GETXATTR:
		memset(&b, 'c', sizeof(b));
		fd = openat(a->dir, "f", O_RDONLY | O_CLOEXEC);
		ret = fgetxattr(fd, "user.h", b.val, sizeof(b.val));
		/* nothing beyond the buffer */
		o->r[1] = b.canary[0] == 'c' && b.canary[63] == 'c';
		break;
	case OP_READLINK:
		ret = readlinkat(a->dir, "ln", o->data, sizeof(o->data));
		break;
	case OP_ACL:
		fd = openat(a->dir, "acl", O_RDONLY | O_CLOEXEC);
		ret = fgetxattr(fd, "system.posix_acl_access", o->data,
				sizeof(o->data));
		break;
	case OP_LOOKUP:
		ret = fstatat(a->dir, "lk", &(struct stat){}, 0);
		break;
	}
	o->r[0] = ret;
	o->e[0] = errno;
}

/*
 * Run @op in a child; its result must be what rule R makes of the
 * variant's postfilter result for a backing result @res: EIO out of
 * range, else the value (for sendfile, which goes on after a short count,
 * the whole; for append and splice to a file, no short count). Returns
 * the outcome, for more checks.
 */
static struct outcome *expect_ruled(struct __test_metadata *_metadata,
				    int dir, int kind, enum range_op op,
				    long long res)
{
	struct range_arg a = { .dir = dir, .op = op };
	long long want = kind == ONE && res >= 1 ? 1 : -1;

	/* sendfile goes on after a short count: all of it, byte by byte */
	if (want == 1 && op == OP_SENDFILE)
		want = res;
	/*
	 * an append told less than it wrote would append the rest again,
	 * a splice would lose the rest from the pipe
	 */
	if (op == OP_APPEND || op == OP_SPLICE)
		want = -1;
	struct outcome *o = sacrifice(_metadata, range_child, &a, dir);

	if (!o)
		return NULL;
	EXPECT_TRUE(o->done);
	if (o->r[0] < 0)
		TH_LOG("-> %s", strerror(o->e[0]));
	EXPECT_EQ(want, o->r[0]);
	if (want < 0)
		EXPECT_EQ(EIO, o->e[0]);
	return o;
}

/* The operations, with what the backing returns for each in "d". */
static const struct {
	const char *name;
	enum range_op op;
	long long res;
} range_ops[] = {
	{ "read", OP_READ, 100 },
	{ "write", OP_WRITE, 10 },
	{ "append", OP_APPEND, 10 },
	/* data at 0: the backing says 0, and nothing else is in range */
	{ "lseek_data", OP_LSEEK, 0 },
	{ "sendfile_from", OP_SENDFILE, 100 },
	{ "splice_to", OP_SPLICE, 10 },
	/* "user.h\0" */
	{ "listxattr", OP_LISTXATTR, 7 },
	{ "getxattr", OP_GETXATTR, 8 },
	/* ->get_acl: the backing's result is 0, so only errors are in range */
	{ "acl_read", OP_ACL, 0 },
	{ "lookup", OP_LOOKUP, 0 },
};

/*
 * Each in a child of its own, which a crash would take, not the test: ten
 * of them, which the debug kernel makes long.
 */
TEST_F_TIMEOUT(range, every_operation, 600)
{
	struct outcome *o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(range_ops); i++) {
		TH_LOG("%s", range_ops[i].name);
		o = expect_ruled(_metadata, self->dir, variant->kind,
				 range_ops[i].op, range_ops[i].res);
		ASSERT_NE(NULL, o);
		if (range_ops[i].op == OP_READ && variant->kind == ONE)
			EXPECT_EQ(self->data[0], o->data[0]);
		if (range_ops[i].op == OP_GETXATTR && o->done)
			EXPECT_TRUE(o->r[1]);
		munmap(o, sizeof(*o));
	}
	EXPECT_LOG_CLEAN(self->bad0);
}

TEST_F(range, readlink)
{
	struct range_arg a = { .dir = self->dir, .op = OP_READLINK };
	struct outcome *o;

	if (variant->kind != ONE) {
		o = expect_ruled(_metadata, self->dir, variant->kind,
				 OP_READLINK, 9);
	} else {
		/* a shorter target is in range: a prefix of it */
		o = sacrifice(_metadata, range_child, &a, self->dir);
		ASSERT_NE(NULL, o);
		EXPECT_TRUE(o->done);
		EXPECT_LE(1, o->r[0]);
		EXPECT_GE(9, o->r[0]);
		EXPECT_EQ(0, memcmp(o->data, "target123",
				    o->r[0] > 0 && o->r[0] <= 9 ? o->r[0] : 0));
	}
	ASSERT_NE(NULL, o);
	munmap(o, sizeof(*o));
	EXPECT_LOG_CLEAN(self->bad0);
}

TEST_HARNESS_MAIN
