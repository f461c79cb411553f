// SPDX-License-Identifier: GPL-2.0
/*
 * Where the VFS leaves a file system choices, fuse-bpf makes its backing's:
 * ioctls it does not pass on, F_SETFL, clone and dedupe ranges, syncfs,
 * inode numbers across backing file systems, poll, the ACLs a file system
 * stacked on top reads, and idmapped mounts, which it refuses.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/fuse.h>
#include <linux/loop.h>
#include <linux/mount.h>

#include "kselftest_harness.h"
#include "filters.skel.h"
#include "test_daemon.h"
#include "test_util.h"

#define DATA_SIZE	(16 * 4096)

/* An ioctl command no file system here knows. */
#define UNKNOWN_IOCTL	_IOR(0xfe, 0x7f, int)

/*
 * Make a file system on a new image @img of @size bytes with @mkfs (a
 * shell command the image's path is appended to) and mount it on @dir as
 * @type through a loop device, which goes with the mount: 0 or -1.
 */
static int loop_mount(const char *img, off_t size, const char *mkfs,
		      const char *type, const char *dir)
{
	struct loop_info64 info = { .lo_flags = LO_FLAGS_AUTOCLEAR };
	char cmd[256], dev[32];
	int ifd, lfd = -1, ctl, n, ret = -1;

	ifd = open(img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (ifd < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s %s >/dev/null 2>&1", mkfs, img);
	if (ftruncate(ifd, size) || system(cmd))
		goto out;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	n = ctl < 0 ? -1 : ioctl(ctl, LOOP_CTL_GET_FREE);
	if (ctl >= 0)
		close(ctl);
	if (n < 0)
		goto out;
	snprintf(dev, sizeof(dev), "/dev/loop%d", n);
	lfd = open(dev, O_RDWR | O_CLOEXEC);
	if (lfd < 0 || ioctl(lfd, LOOP_SET_FD, ifd) ||
	    ioctl(lfd, LOOP_SET_STATUS64, &info))
		goto out;
	ret = mount(dev, dir, type, 0, NULL);
out:
	if (lfd >= 0)
		close(lfd);
	close(ifd);
	return ret;
}

/* The inode number /proc says @fd has, or 0. */
static unsigned long fdinfo_ino(int fd)
{
	unsigned long ino = 0;
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "ino: %lu", &ino) == 1)
			break;
	if (f)
		fclose(f);
	return ino;
}

/* The d_ino of @name in the directory @dirfd lists, or 0. */
static unsigned long dir_ino(int dirfd, const char *name)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	unsigned long ino = 0;
	struct dirent *de;
	DIR *d;

	d = fd < 0 ? NULL : fdopendir(fd);
	while (d && (de = readdir(d)))
		if (!strcmp(de->d_name, name))
			ino = de->d_ino;
	if (d)
		closedir(d);
	return ino;
}

/* The bytes of @name in @dirfd, which must hold @len. */
static bool holds(int dirfd, const char *name, const char *data, size_t len)
{
	static char buf[DATA_SIZE + 8];

	return get_file(dirfd, name, buf, sizeof(buf)) == (ssize_t)len &&
	       !memcmp(buf, data, len);
}

/*
 * A file "f" and a directory "d" on tmpfs, daemon-known (in the mount's
 * root) or kernel-only (in the backed directory "tree").
 */
FIXTURE(corner) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	int broot, mroot, bfd, mfd;
	struct test_daemon td;
	char data[DATA_SIZE];
};

FIXTURE_VARIANT(corner) {
	bool kernel;
};

FIXTURE_VARIANT_ADD(corner, daemon) { };
FIXTURE_VARIANT_ADD(corner, kernel) { .kernel = true };

FIXTURE_SETUP(corner)
{
	const char *sub = variant->kernel ? "tree" : ".";

	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->broot));
	ASSERT_EQ(0, mkdirat(self->broot, "tree", 0755));
	self->bfd = openat(self->broot, sub, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->bfd);
	fill(self->data, DATA_SIZE, 3);
	ASSERT_EQ(0, put_file(self->bfd, "f", self->data, DATA_SIZE, 0666));
	ASSERT_EQ(0, mkdirat(self->bfd, "d", 0755));
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt, TD_BPF,
				&self->mroot));
	self->mfd = openat(self->mroot, sub, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->mfd);
}

FIXTURE_TEARDOWN(corner)
{
	close(self->mfd);
	close(self->mroot);
	close(self->bfd);
	close(self->broot);
	EXPECT_EQ(0, td_stop(&self->td));
}

/* The errno of an unknown ioctl on @name in @dirfd, opened with @flags. */
static int ioctl_errno(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, flags | O_CLOEXEC), arg, err;

	if (fd < 0)
		return -errno;
	err = ioctl(fd, UNKNOWN_IOCTL, &arg) ? errno : 0;
	close(fd);
	return err;
}

/*
 * Programs probe features with ioctls, and take any answer but ENOTTY for
 * support: an ioctl nobody knows gets ENOTTY, as on the backing.
 */
TEST_F(corner, unknown_ioctl_is_enotty)
{
	EXPECT_EQ(ENOTTY, ioctl_errno(self->bfd, "f", O_RDONLY));
	EXPECT_EQ(ENOTTY, ioctl_errno(self->mfd, "f", O_RDONLY));
	EXPECT_EQ(ENOTTY, ioctl_errno(self->bfd, "d", O_RDONLY));
	EXPECT_EQ(ENOTTY, ioctl_errno(self->mfd, "d", O_RDONLY));
}

/* F_SETFL's O_APPEND holds for the backing's writes, both ways. */
TEST_F(corner, setfl_append_reaches_backing)
{
	char want[DATA_SIZE + 2];
	int fd;

	fd = openat(self->mfd, "f", O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(fd, "A", 1));
	/* no longer appending: pwrite writes where it is told */
	ASSERT_EQ(0, fcntl(fd, F_SETFL, 0));
	ASSERT_EQ(1, pwrite(fd, "B", 1, 0));
	memcpy(want, self->data, DATA_SIZE);
	want[0] = 'B';
	want[DATA_SIZE] = 'A';
	EXPECT_TRUE(holds(self->bfd, "f", want, DATA_SIZE + 1));
	/* appending again: pwrite appends, as on Linux it does */
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_APPEND));
	ASSERT_EQ(1, pwrite(fd, "C", 1, 0));
	want[DATA_SIZE + 1] = 'C';
	EXPECT_TRUE(holds(self->bfd, "f", want, DATA_SIZE + 2));
	EXPECT_EQ(O_APPEND, fcntl(fd, F_GETFL) & O_APPEND);
	close(fd);
}

/*
 * Two ext4 file systems on loop devices, mounted on "a" and "b" of the
 * backing directory: their first files have the same inode number.
 */
FIXTURE(twofs) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	char img[2][DIR_PATH_LEN + 8];
	char dir[2][DIR_PATH_LEN + 8];
	int mroot, broot;
	bool mounted[2];
	struct test_daemon td;
	char data[DATA_SIZE];
};

FIXTURE_SETUP(twofs)
{
	struct stat a, b;
	int i;

	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->broot));
	for (i = 0; i < 2; i++) {
		snprintf(self->img[i], sizeof(self->img[i]), "%s.%c.img",
			 self->backing, 'a' + i);
		snprintf(self->dir[i], sizeof(self->dir[i]), "%s/%c",
			 self->backing, 'a' + i);
		ASSERT_EQ(0, mkdir(self->dir[i], 0755));
		ASSERT_EQ(0, loop_mount(self->img[i], 8 << 20,
					"/usr/bin/mkfs.ext4 -q -F", "ext4",
					self->dir[i]));
		self->mounted[i] = true;
	}
	fill(self->data, DATA_SIZE, 11);
	ASSERT_EQ(0, put_file(self->broot, "a/f", self->data, DATA_SIZE, 0644));
	ASSERT_EQ(0, put_file(self->broot, "b/f", self->data, DATA_SIZE, 0644));
	/* what the test is about: the backings' numbers are the same */
	ASSERT_EQ(0, fstatat(self->broot, "a/f", &a, 0));
	ASSERT_EQ(0, fstatat(self->broot, "b/f", &b, 0));
	ASSERT_EQ(a.st_ino, b.st_ino);
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt, TD_BPF,
				&self->mroot));
}

FIXTURE_TEARDOWN(twofs)
{
	int i;

	close(self->mroot);
	close(self->broot);
	EXPECT_EQ(0, td_stop(&self->td));
	for (i = 0; i < 2; i++) {
		if (self->mounted[i])
			UMOUNT_WAIT(self->dir[i]);
		unlink(self->img[i]);
	}
}

/*
 * (st_dev, st_ino) is unique in the mount; the first backing device keeps
 * its numbers; readdir's d_ino, fdinfo and /proc/locks say what stat says.
 */
TEST_F(twofs, inode_numbers_are_unique)
{
	struct stat da, db, fa, fb, ba;
	static const char * const names[] = { "a/f", "b/f" };
	int i, fd;

	/* "a" first: its device keeps its numbers */
	ASSERT_EQ(0, fstatat(self->mroot, "a", &da, 0));
	ASSERT_EQ(0, fstatat(self->mroot, "b", &db, 0));
	ASSERT_EQ(0, fstatat(self->mroot, "a/f", &fa, 0));
	ASSERT_EQ(0, fstatat(self->mroot, "b/f", &fb, 0));
	ASSERT_EQ(0, fstatat(self->broot, "a/f", &ba, 0));
	EXPECT_EQ(ba.st_ino, fa.st_ino);
	EXPECT_EQ(fa.st_dev, fb.st_dev);
	EXPECT_NE(fa.st_ino, fb.st_ino);
	EXPECT_EQ(da.st_dev, db.st_dev);
	EXPECT_NE(da.st_ino, db.st_ino);

	for (i = 0; i < 2; i++) {
		struct stat s;
		int dfd;

		ASSERT_EQ(0, fstatat(self->mroot, names[i], &s, 0));
		dfd = openat(self->mroot, i ? "b" : "a",
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ASSERT_LE(0, dfd);
		EXPECT_EQ(s.st_ino, dir_ino(dfd, "f"));
		close(dfd);
		fd = openat(self->mroot, names[i], O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		EXPECT_NE(0, fdinfo_ino(fd));
		EXPECT_EQ(s.st_ino, fdinfo_ino(fd));
		close(fd);
	}
}

/* Set a vm sysctl, returning the old value, or -1. */
static long vm_sysctl(const char *name, long value)
{
	char path[96], buf[32];
	long old = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	f = fopen(path, "r+");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &old) == 1 && !fseek(f, 0, SEEK_SET)) {
		snprintf(buf, sizeof(buf), "%ld\n", value);
		fputs(buf, f);
	}
	fclose(f);
	return old;
}

/* Whether the image @img holds @len bytes of @data somewhere. */
static bool image_holds(const char *img, const char *data, size_t len)
{
	static char buf[8 << 20];
	int fd = open(img, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

	if (fd >= 0)
		close(fd);
	return n > 0 && memmem(buf, n, data, len);
}

/* syncfs(2) of the mount writes what the backing file systems hold. */
TEST_F(twofs, syncfs_syncs_backings)
{
	long expire, writeback;
	char data[DATA_SIZE];
	int fd, sfd;

	/* no periodic writeback: only the sync writes the data */
	writeback = vm_sysctl("dirty_writeback_centisecs", 0);
	ASSERT_LE(0, writeback);
	expire = vm_sysctl("dirty_expire_centisecs", 360000);
	fill(data, DATA_SIZE, 12);
	fd = openat(self->mroot, "b/new", O_WRONLY | O_CREAT | O_CLOEXEC,
		    0644);
	EXPECT_LE(0, fd);
	EXPECT_EQ(DATA_SIZE, write(fd, data, DATA_SIZE));
	EXPECT_FALSE(image_holds(self->img[1], data, DATA_SIZE));
	sfd = open(self->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	EXPECT_LE(0, sfd);
	EXPECT_EQ(0, syncfs(sfd)) {
		TH_LOG("syncfs: %s", strerror(errno));
	}
	close(sfd);
	EXPECT_TRUE(image_holds(self->img[1], data, DATA_SIZE));
	close(fd);
	vm_sysctl("dirty_expire_centisecs", expire);
	vm_sysctl("dirty_writeback_centisecs", writeback);
}

/*
 * XFS with reflink on a loop device, mounted on "x" of a tmpfs backing
 * directory that also holds "t".
 */
FIXTURE(reflink) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	char img[DIR_PATH_LEN + 8];
	char xfs[DIR_PATH_LEN + 8];
	int mroot, broot;
	bool mounted;
	struct test_daemon td;
	struct filters *skel;
	char data[DATA_SIZE];
};

FIXTURE_VARIANT(reflink) {
	bool clamp;		/* "x" has the filter of 100-byte reads */
};

FIXTURE_VARIANT_ADD(reflink, backing) { };
FIXTURE_VARIANT_ADD(reflink, clamp) { .clamp = true };

FIXTURE_SETUP(reflink)
{
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->broot));
	snprintf(self->img, sizeof(self->img), "%s.img", self->backing);
	snprintf(self->xfs, sizeof(self->xfs), "%s/x", self->backing);
	ASSERT_EQ(0, mkdir(self->xfs, 0755));
	/* the smallest XFS mkfs.xfs makes, sparse on tmpfs */
	ASSERT_EQ(0, loop_mount(self->img, 320 << 20,
				"/usr/bin/mkfs.xfs -q -f -m reflink=1", "xfs",
				self->xfs));
	self->mounted = true;
	fill(self->data, DATA_SIZE, 13);
	ASSERT_EQ(0, put_file(self->broot, "x/src", self->data, DATA_SIZE,
			      0644));
	ASSERT_EQ(0, put_file(self->broot, "x/same", self->data, DATA_SIZE,
			      0644));
	ASSERT_EQ(0, put_file(self->broot, "x/dst", "", 0, 0644));
	ASSERT_EQ(0, put_file(self->broot, "t", "", 0, 0644));
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt, TD_BPF,
				&self->mroot));
	if (variant->clamp) {
		self->skel = filters__open_and_load();
		ASSERT_NE(NULL, self->skel);
		ASSERT_EQ(0, filters__attach(self->skel));
		ASSERT_EQ(0, td_register_skel(&self->td,
					      self->skel->skeleton));
		self->td.ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
		snprintf(self->td.ctl->ext.ops_name, FUSE_BPF_NAME_LEN,
			 "clamp");
	}
}

FIXTURE_TEARDOWN(reflink)
{
	close(self->mroot);
	close(self->broot);
	EXPECT_EQ(0, td_stop(&self->td));
	if (self->skel)
		filters__destroy(self->skel);
	if (self->mounted)
		UMOUNT_WAIT(self->xfs);
	unlink(self->img);
}

/* Whether the first extent of @name in @dirfd is shared (a reflink). */
static bool shared(int dirfd, const char *name)
{
	struct {
		struct fiemap map;
		struct fiemap_extent ext[1];
	} m = { .map = { .fm_length = FIEMAP_MAX_OFFSET,
			 .fm_flags = FIEMAP_FLAG_SYNC,
			 .fm_extent_count = 1 } };
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	bool ret;

	if (fd < 0)
		return false;
	ret = !ioctl(fd, FS_IOC_FIEMAP, &m) && m.map.fm_mapped_extents &&
	      (m.ext[0].fe_flags & FIEMAP_EXTENT_SHARED);
	close(fd);
	return ret;
}

/*
 * FICLONE, FICLONERANGE and FIDEDUPERANGE between backed files are the
 * backing's: the extents are shared on XFS; to a file on another file
 * system, EXDEV. Under a filter that reads 100 bytes at a time, none is
 * the backing's: EOPNOTSUPP, nothing cloned.
 */
TEST_F(reflink, clone_and_dedupe_ranges)
{
	struct {
		struct file_dedupe_range range;
		struct file_dedupe_range_info info;
	} dd = {};
	struct file_clone_range cr = {};
	int src, dst, same, t;
	char buf[4096];

	src = openat(self->mroot, "x/src", O_RDONLY | O_CLOEXEC);
	dst = openat(self->mroot, "x/dst", O_RDWR | O_CLOEXEC);
	same = openat(self->mroot, "x/same", O_RDWR | O_CLOEXEC);
	t = openat(self->mroot, "t", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, src);
	ASSERT_LE(0, dst);
	ASSERT_LE(0, same);
	ASSERT_LE(0, t);

	if (variant->clamp) {
		EXPECT_EQ(-1, ioctl(dst, FICLONE, src));
		EXPECT_EQ(EOPNOTSUPP, errno);
		cr.src_fd = src;
		cr.src_length = 4096;
		EXPECT_EQ(-1, ioctl(dst, FICLONERANGE, &cr));
		EXPECT_EQ(EOPNOTSUPP, errno);
		dd.range.src_length = DATA_SIZE;
		dd.range.dest_count = 1;
		dd.info.dest_fd = same;
		EXPECT_EQ(0, ioctl(src, FIDEDUPERANGE, &dd));
		EXPECT_EQ(-EOPNOTSUPP, dd.info.status);
		EXPECT_TRUE(holds(self->broot, "x/dst", "", 0));
		EXPECT_FALSE(shared(self->broot, "x/same"));
		goto out;
	}
	EXPECT_EQ(0, ioctl(dst, FICLONE, src)) {
		TH_LOG("FICLONE: %s", strerror(errno));
	}
	EXPECT_TRUE(holds(self->broot, "x/dst", self->data, DATA_SIZE));
	EXPECT_TRUE(shared(self->broot, "x/dst"));

	/* the second page of src over the first of dst */
	cr.src_fd = src;
	cr.src_offset = 4096;
	cr.src_length = 4096;
	EXPECT_EQ(0, ioctl(dst, FICLONERANGE, &cr)) {
		TH_LOG("FICLONERANGE: %s", strerror(errno));
	}
	EXPECT_EQ(4096, pread(dst, buf, 4096, 0));
	EXPECT_EQ(0, memcmp(buf, self->data + 4096, 4096));

	dd.range.src_length = DATA_SIZE;
	dd.range.dest_count = 1;
	dd.info.dest_fd = same;
	EXPECT_EQ(0, ioctl(src, FIDEDUPERANGE, &dd)) {
		TH_LOG("FIDEDUPERANGE: %s", strerror(errno));
	}
	EXPECT_EQ(FILE_DEDUPE_RANGE_SAME, dd.info.status);
	EXPECT_EQ(DATA_SIZE, dd.info.bytes_deduped);
	EXPECT_TRUE(shared(self->broot, "x/same"));
	EXPECT_TRUE(holds(self->broot, "x/same", self->data, DATA_SIZE));

	/* tmpfs and XFS */
	EXPECT_EQ(-1, ioctl(t, FICLONE, src));
	EXPECT_EQ(EXDEV, errno);
out:
	close(t);
	close(same);
	close(dst);
	close(src);
}

/*
 * trace_pipe of tracefs, which polls, backing a daemon-known node (the
 * mount serves /sys/kernel/tracing) or a kernel-only one (it serves
 * /sys/kernel, and the node is in the backed directory "tracing").
 */
FIXTURE(trace) {
	char mnt[DIR_PATH_LEN];
	int mroot;
	struct test_daemon td;
};

FIXTURE_VARIANT(trace) {
	const char *backing;
	const char *name;
};

FIXTURE_VARIANT_ADD(trace, daemon) {
	.backing = "/sys/kernel/tracing", .name = "trace_pipe",
};

FIXTURE_VARIANT_ADD(trace, kernel) {
	.backing = "/sys/kernel", .name = "tracing/trace_pipe",
};

FIXTURE_SETUP(trace)
{
	char path[128];

	self->mroot = -1;
	snprintf(path, sizeof(path), "%s/%s", variant->backing,
		 variant->name);
	if (access(path, R_OK))
		SKIP(return, "no %s", path);
	snprintf(self->mnt, DIR_PATH_LEN, "/tmp/mnt-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->mnt));
	ASSERT_EQ(0, mount_dirs(&self->td, variant->backing, self->mnt,
				TD_BPF, &self->mroot));
}

FIXTURE_TEARDOWN(trace)
{
	if (self->mroot < 0)
		return;
	close(self->mroot);
	EXPECT_EQ(0, td_stop(&self->td));
	rmdir(self->mnt);
}

/* What poll(2) says of @fd for @events, at once. */
static short poll_now(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

/*
 * poll is the backing's, and the daemon is not asked. A trace pipe has
 * one reader at a time: through the mount first, then directly.
 */
TEST_F(trace, poll_is_the_backings)
{
	short events, b_events;
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", variant->backing,
		 variant->name);
	td_reset(&self->td);
	fd = openat(self->mroot, variant->name,
		    O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, fd) {
		TH_LOG("%s through the mount: %s", variant->name,
		       strerror(errno));
	}
	events = poll_now(fd, POLLIN | POLLOUT);
	close(fd);
	EXPECT_EQ(0, td_count(&self->td, FUSE_POLL));
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, fd);
	b_events = poll_now(fd, POLLIN | POLLOUT);
	close(fd);
	/*
	 * A trace pipe can be read, never written. Whether it is readable
	 * depends on what was traced meanwhile: only POLLOUT is compared.
	 */
	EXPECT_EQ(0, b_events & POLLOUT);
	EXPECT_EQ(0, events & POLLOUT);
}

/* user::rw- user:1000:--- group::r-- mask::r-- other::r--, xattr form */
static const struct acl_xattr deny_1000 = { 2, {
	{ 0x01, 6, -1 }, { 0x02, 0, 1000 }, { 0x04, 4, -1 },
	{ 0x10, 4, -1 }, { 0x20, 4, -1 },
} };

/*
 * A file whose ACL denies uid 1000 what its mode grants, read through an
 * overlayfs whose lower layer is the fuse-bpf mount: overlayfs checks the
 * ACL it gets with get_inode_acl().
 */
FIXTURE(overlay) {
	char backing[DIR_PATH_LEN], mnt[DIR_PATH_LEN];
	char ovl[DIR_PATH_LEN], empty[DIR_PATH_LEN];
	int bfd, mfd;
	bool mounted;
	struct test_daemon td;
};

FIXTURE_SETUP(overlay)
{
	char opts[256], path[PATH_MAX];

	self->mfd = -1;
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	snprintf(self->ovl, sizeof(self->ovl), "/tmp/ovl-XXXXXX");
	snprintf(self->empty, sizeof(self->empty), "/tmp/empty-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->ovl));
	ASSERT_NE(NULL, mkdtemp(self->empty));
	/* uid 1000 may walk to both files */
	ASSERT_EQ(0, chmod(self->backing, 0755));
	ASSERT_EQ(0, chmod(self->empty, 0755));
	ASSERT_EQ(0, chmod(self->ovl, 0755));
	ASSERT_EQ(0, put_file(self->bfd, "secret", "secret", 6, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "open", "open", 4, 0644));
	snprintf(path, sizeof(path), "%s/secret", self->backing);
	/* the mode lets uid 1000 read, as "other"; the ACL does not */
	ASSERT_EQ(0, setxattr(path, "system.posix_acl_access", &deny_1000,
			      sizeof(deny_1000), 0));
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt, TD_BPF,
				&self->mfd));
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", self->mnt,
		 self->empty);
	ASSERT_EQ(0, mount("overlay", self->ovl, "overlay", 0, opts)) {
		TH_LOG("overlay: %s", strerror(errno));
	}
	self->mounted = true;
}

FIXTURE_TEARDOWN(overlay)
{
	if (self->mounted)
		UMOUNT_WAIT(self->ovl);
	if (self->mfd >= 0) {
		close(self->mfd);
		EXPECT_EQ(0, td_stop(&self->td));
	}
	close(self->bfd);
	rmdir(self->ovl);
	rmdir(self->empty);
}

TEST_F(overlay, reads_backing_acl)
{
	char path[PATH_MAX];
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd, err;

		if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
			_exit(2);
		snprintf(path, sizeof(path), "%s/open", self->ovl);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			_exit(3);
		snprintf(path, sizeof(path), "%s/secret", self->ovl);
		fd = open(path, O_RDONLY);
		err = errno;
		_exit(fd < 0 && err == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("uid 1000: %s", WEXITSTATUS(status) == 3 ?
		       "cannot open a file the mode lets it read" :
		       "opened what the backing's ACL denies it");
	}
}

/*
 * fuse-bpf stacked on fuse-bpf: the upper mount's backings are files and
 * directories of the lower mount.
 */
FIXTURE(stacked) {
	char backing[DIR_PATH_LEN], lower[DIR_PATH_LEN], upper[DIR_PATH_LEN];
	int bfd, lfd, ufd;
	struct test_daemon ltd, utd;
};

FIXTURE_SETUP(stacked)
{
	self->lfd = self->ufd = -1;
	ASSERT_EQ(0, make_dirs(self->backing, self->lower, &self->bfd));
	ASSERT_EQ(0, mkdirat(self->bfd, "d", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "f", "lower", 5, 0644));
	ASSERT_EQ(0, mount_dirs(&self->ltd, self->backing, self->lower,
				TD_BPF, &self->lfd));
	snprintf(self->upper, sizeof(self->upper), "/tmp/upper-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->upper));
	ASSERT_EQ(0, mount_dirs(&self->utd, self->lower, self->upper,
				TD_BPF | TD_OVER_BPF, &self->ufd));
}

FIXTURE_TEARDOWN(stacked)
{
	if (self->ufd >= 0) {
		close(self->ufd);
		EXPECT_EQ(0, td_stop(&self->utd));
	}
	if (self->lfd >= 0) {
		close(self->lfd);
		EXPECT_EQ(0, td_stop(&self->ltd));
	}
	close(self->bfd);
}

/*
 * A write, a create, a rename and an unlink through the upper mount reach
 * the backing, and the kernel log stays clean. Each takes locks of both
 * mounts, one inside the other (their freeze protection, their inode
 * locks): on the debug kernel, lockdep sees them in classes of their
 * stacking depths, not one class taken twice.
 */
TEST_F(stacked, operations_reach_the_backing)
{
	int fd, before = bad_log_lines();
	char buf[8] = "";
	struct stat s;

	fd = openat(self->ufd, "f", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(5, pwrite(fd, "upper", 5, 0));
	EXPECT_EQ(5, pread(fd, buf, 5, 0));
	EXPECT_STREQ("upper", buf);
	close(fd);
	EXPECT_TRUE(holds(self->bfd, "f", "upper", 5));
	fd = openat(self->ufd, "d/new", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	EXPECT_LE(0, fd);
	close(fd);
	EXPECT_EQ(0, renameat(self->ufd, "d/new", self->ufd, "d/moved"));
	EXPECT_EQ(0, fstatat(self->bfd, "d/moved", &s, 0));
	EXPECT_EQ(0, unlinkat(self->ufd, "d/moved", 0));
	EXPECT_EQ(-1, fstatat(self->bfd, "d/moved", &s, 0));
	EXPECT_LOG_CLEAN(before);
}

/*
 * A raw daemon that answers FUSE_INIT with FUSE_ALLOW_IDMAP and the root's
 * GETATTR, and nothing else, until its device closes.
 */
static void idmap_daemon(int fd)
{
	static char buf[1 << 17];
	struct fuse_in_header *in = (void *)buf;
	struct fuse_init_in *init = (void *)(in + 1);
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0 || errno == EINTR) {
		struct {
			struct fuse_out_header h;
			union {
				struct fuse_init_out init;
				struct fuse_attr_out attr;
			};
		} out = { .h.unique = in->unique };

		if (n <= 0)
			continue;
		if (in->opcode == FUSE_INIT) {
			out.init = (struct fuse_init_out) {
				.major = FUSE_KERNEL_VERSION,
				.minor = init->minor,
				.max_write = 65536, .time_gran = 1,
				.flags = FUSE_INIT_EXT,
				.flags2 = FUSE_ALLOW_IDMAP >> 32,
			};
			out.h.len = sizeof(out.h) + sizeof(out.init);
		} else if (in->opcode == FUSE_GETATTR) {
			out.attr.attr_valid = 3600;
			out.attr.attr = (struct fuse_attr) {
				.ino = FUSE_ROOT_ID, .nlink = 2,
				.mode = S_IFDIR | 0755,
			};
			out.h.len = sizeof(out.h) + sizeof(out.attr);
		} else if (in->opcode == FUSE_FORGET) {
			continue;
		} else {
			out.h.error = -ENOSYS;
			out.h.len = sizeof(out.h);
		}
		if (write(fd, &out, out.h.len) < 0 && errno == ENODEV)
			break;
	}
	_exit(0);
}

/* Write @map to /proc/@pid/@file: 0 or -1. */
static int write_map(pid_t pid, const char *file, const char *map)
{
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = write(fd, map, strlen(map)) < 0 ? -1 : 0;
	close(fd);
	return ret;
}

/* A user namespace mapping root to uid and gid 1000, as an fd; -1. */
static int userns_fd(void)
{
	int pipefd[2], fd = -1;
	char path[64], c;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(pipefd[1]);
		if (unshare(CLONE_NEWUSER))
			_exit(1);
		/* held until the parent has the namespace */
		_exit(read(pipefd[0], &c, 1) < 0);
	}
	close(pipefd[0]);
	/* the maps of the initial namespace cannot be written: wait */
	if (WAIT_UNTIL(!write_map(pid, "uid_map", "0 1000 1")) &&
	    !write_map(pid, "gid_map", "0 1000 1")) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	close(pipefd[1]);
	waitpid(pid, NULL, 0);
	return fd;
}

/*
 * The errno of making an idmapped mount of a mount of the module whose
 * daemon allows idmaps, with "default_permissions" and @extra options: 0
 * if it could be made, -1 if the test could not get that far.
 */
static int idmap_errno(const char *extra)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	int dev, tree = -1, err = -1;
	char mnt[DIR_PATH_LEN], opts[256];
	bool mounted = false;
	struct statfs s;
	pid_t pid = -1;

	attr.userns_fd = -1;
	snprintf(mnt, sizeof(mnt), "/tmp/mnt-XXXXXX");
	if (!mkdtemp(mnt))
		return -1;
	dev = open(FUSE_BPF_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		goto out;
	td_mount_options(opts, sizeof(opts), dev);
	strcat(opts, ",default_permissions");
	strcat(opts, extra);
	if (mount("idmap", mnt, FUSE_BPF_FSTYPE, 0, opts))
		goto out;
	mounted = true;
	pid = fork();
	if (pid < 0)
		goto out;
	if (!pid)
		idmap_daemon(dev);
	/* requests wait for the reply to FUSE_INIT: then it is in */
	statfs(mnt, &s);
	attr.userns_fd = userns_fd();
	tree = syscall(SYS_open_tree, AT_FDCWD, mnt,
		       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (attr.userns_fd < 0 || tree < 0)
		goto out;
	err = syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr,
		      sizeof(attr)) ? errno : 0;
out:
	if (tree >= 0)
		close(tree);
	if (attr.userns_fd >= 0)
		close(attr.userns_fd);
	if (mounted)
		umount2(mnt, MNT_DETACH);
	if (dev >= 0)
		close(dev);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	rmdir(mnt);
	return err;
}

/*
 * fuse-bpf maps no ids into its backings: a fuse-bpf mount cannot be
 * idmapped, though a plain mount of the module can, as FUSE's can.
 */
TEST(no_idmapped_bpf_mounts)
{
	int status;
	pid_t pid;

	/* an idmap is a user namespace, which some kernels lack */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(unshare(CLONE_NEWUSER) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WEXITSTATUS(status))
		SKIP(return, "the kernel has no user namespaces");

	EXPECT_EQ(0, idmap_errno(""));
	EXPECT_EQ(EINVAL, idmap_errno("," FUSE_BPF_MOUNT_OPTION));
}

TEST_HARNESS_MAIN
