// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input from the daemon fails the lookup with a clean errno; what a
 * backed file holds survives the daemon dying and the mount going.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/aio_abi.h>
#include <linux/fuse.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"

#define DATA_SIZE	8192

FIXTURE(safety) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	int bfd;
	int mfd;
	struct test_daemon td;
	char data[DATA_SIZE];
	char buf[DATA_SIZE];
};

FIXTURE_SETUP(safety)
{
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	fill(self->data, DATA_SIZE, 5);
	ASSERT_EQ(0, put_file(self->bfd, "file", self->data, DATA_SIZE, 0644));
	ASSERT_EQ(0, mkdirat(self->bfd, "dir", 0755));
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt,
				TD_BPF, &self->mfd));
}

FIXTURE_TEARDOWN(safety)
{
	close(self->mfd);
	close(self->bfd);
	td_stop(&self->td);
}

/* The errno of a lookup of @name through the mount, 0 if it works. */
static int lookup_errno(int mfd, const char *name)
{
	struct stat s;

	return fstatat(mfd, name, &s, 0) ? errno : 0;
}

TEST_F(safety, truncated_extension)
{
	self->td.ctl->ext_len = 8;
	EXPECT_EQ(EIO, lookup_errno(self->mfd, "file"));
	/* the same node answered properly is fine */
	self->td.ctl->ext_len = sizeof(struct fuse_bpf_entry_out);
	EXPECT_EQ(0, lookup_errno(self->mfd, "file"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
}

TEST_F(safety, oversized_extension)
{
	self->td.ctl->ext_len = sizeof(struct fuse_bpf_entry_out) + 8;
	EXPECT_EQ(EIO, lookup_errno(self->mfd, "file"));
}

TEST_F(safety, invalid_actions)
{
	self->td.ctl->ext.backing_action = 7;
	EXPECT_EQ(EIO, lookup_errno(self->mfd, "file"));
	self->td.ctl->ext.backing_action = FUSE_BPF_BACKING_ID;
	self->td.ctl->ext.ops_action = 9;
	EXPECT_EQ(EIO, lookup_errno(self->mfd, "file"));
	self->td.ctl->ext.ops_action = FUSE_BPF_OPS_REMOVE;
	self->td.ctl->ext.padding = 1;
	EXPECT_EQ(EIO, lookup_errno(self->mfd, "file"));
}

TEST_F(safety, unknown_backing_id)
{
	self->td.ctl->register_backing = 0;
	self->td.ctl->ext.backing_id = 4242;
	EXPECT_EQ(EBADF, lookup_errno(self->mfd, "file"));
}

TEST_F(safety, unknown_ops_name)
{
	self->td.ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
	snprintf(self->td.ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "no_such_ops");
	EXPECT_EQ(ENXIO, lookup_errno(self->mfd, "file"));
}

TEST_F(safety, wrong_file_types)
{
	snprintf(self->td.ctl->backing_path, PATH_MAX, "%s/file",
		 self->backing);
	EXPECT_EQ(ENOTDIR, lookup_errno(self->mfd, "dir"));
	snprintf(self->td.ctl->backing_path, PATH_MAX, "%s/dir",
		 self->backing);
	EXPECT_EQ(EISDIR, lookup_errno(self->mfd, "file"));
}

TEST_F(safety, registering_needs_cap_sys_admin)
{
	self->td.ctl->drop_cap = 1;
	EXPECT_NE(0, lookup_errno(self->mfd, "file"));
	EXPECT_EQ(EPERM, self->td.ctl->backing_errno);
}

TEST_F(safety, stacking_loop_refused)
{
	struct test_daemon upper;
	char mnt[64];

	snprintf(mnt, sizeof(mnt), "/tmp/upper-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(mnt));
	ASSERT_EQ(0, td_start(&upper, self->backing, mnt, TD_BPF));
	/* a backing file on this fuse-bpf mount, for a mount above it */
	snprintf(upper.ctl->backing_path, PATH_MAX, "%s/file", self->mnt);
	snprintf(self->buf, DATA_SIZE, "%s/file", mnt);
	EXPECT_NE(0, fstatat(AT_FDCWD, self->buf, &(struct stat){}, 0));
	EXPECT_EQ(ELOOP, upper.ctl->backing_errno);
	EXPECT_EQ(0, td_stop(&upper));
}

TEST_F(safety, read_only_backing)
{
	char ro[DIR_PATH_LEN] = "/tmp/ro-XXXXXX", mnt[DIR_PATH_LEN];
	struct test_daemon td;
	int mfd, dir;

	ASSERT_NE(NULL, mkdtemp(ro));
	ASSERT_EQ(0, mount(self->backing, ro, NULL, MS_BIND, NULL));
	ASSERT_EQ(0, mount(NULL, ro, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY,
			   NULL));
	snprintf(mnt, sizeof(mnt), "/tmp/romnt-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(mnt));
	ASSERT_EQ(0, mount_dirs(&td, ro, mnt, TD_BPF, &mfd));
	dir = openat(mfd, "dir", O_PATH | O_DIRECTORY);
	ASSERT_LE(0, dir);
	EXPECT_EQ(-1, mkdirat(dir, "new", 0755));
	EXPECT_EQ(EROFS, errno);
	EXPECT_EQ(-1, openat(dir, "new", O_CREAT | O_WRONLY, 0644));
	EXPECT_EQ(EROFS, errno);
	EXPECT_EQ(-1, openat(mfd, "file", O_WRONLY));
	EXPECT_EQ(EROFS, errno);
	EXPECT_EQ(DATA_SIZE, get_file(mfd, "file", self->buf, DATA_SIZE));
	EXPECT_EQ(0, td_count(&td, FUSE_MKDIR));
	close(dir);
	close(mfd);
	EXPECT_EQ(0, td_stop(&td));
	EXPECT_EQ(0, umount(ro));
}

TEST_F(safety, daemon_killed_while_open)
{
	struct stat s;
	int fd;

	fd = openat(self->mfd, "file", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kill(self->td.pid, SIGKILL));
	ASSERT_EQ(self->td.pid, waitpid(self->td.pid, NULL, 0));
	self->td.pid = 0;
	/* the backed file needs no daemon */
	ASSERT_EQ(DATA_SIZE, pread(fd, self->buf, DATA_SIZE, 0));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	EXPECT_EQ(4, pwrite(fd, "dead", 4, 0));
	EXPECT_EQ(0, fstat(fd, &s));
	EXPECT_EQ(DATA_SIZE, s.st_size);
	EXPECT_EQ(0, close(fd));
	/* what needs the daemon fails */
	EXPECT_EQ(ENOTCONN, lookup_errno(self->mfd, "dir"));
	EXPECT_EQ(0, umount2(self->mnt, MNT_DETACH));
}

TEST_F(safety, unmount_with_aio_in_flight)
{
	aio_context_t ctx = 0;
	struct iocb cb = { .aio_lio_opcode = IOCB_CMD_PREAD };
	struct iocb *cbs[1] = { &cb };
	struct io_event ev;
	void *p;
	int fd;

	ASSERT_EQ(0, posix_memalign(&p, 4096, DATA_SIZE));
	fd = openat(self->mfd, "file", O_RDONLY | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	cb.aio_fildes = fd;
	cb.aio_buf = (unsigned long)p;
	cb.aio_nbytes = DATA_SIZE;
	ASSERT_EQ(0, syscall(SYS_io_setup, 1, &ctx));
	ASSERT_EQ(1, syscall(SYS_io_submit, ctx, 1, cbs));
	close(self->mfd);
	self->mfd = -1;
	EXPECT_EQ(0, umount2(self->mnt, MNT_DETACH));
	ASSERT_EQ(1, syscall(SYS_io_getevents, ctx, 1, 1, &ev, NULL));
	EXPECT_EQ(DATA_SIZE, ev.res);
	EXPECT_EQ(0, memcmp(p, self->data, DATA_SIZE));
	syscall(SYS_io_destroy, ctx);
	EXPECT_EQ(0, close(fd));
	free(p);
}

TEST_HARNESS_MAIN
