// SPDX-License-Identifier: GPL-2.0
/*
 * mount(2) of a fuse-bpf filesystem with bad options fails with an error,
 * and leaves no reference to the module behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <linux/fuse_bpf.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"

FIXTURE(bad_mount) {
	char mnt[64];
	int dev;		/* an open /dev/fuse-bpf */
};

FIXTURE_SETUP(bad_mount)
{
	snprintf(self->mnt, sizeof(self->mnt), "/tmp/bad-mount-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->mnt));
	ASSERT_EQ(0, module_refcnt());
	self->dev = open(FUSE_BPF_DEVICE, O_RDWR);
	ASSERT_LE(0, self->dev);
}

FIXTURE_TEARDOWN(bad_mount)
{
	close(self->dev);
	EXPECT_EQ(0, module_refcnt());
	rmdir(self->mnt);
}

/* mount(2) @type with @opts; 0 or the errno. A mount that works is undone. */
static int try_mount(const char *mnt, const char *type, const char *opts)
{
	if (mount("test", mnt, type, 0, opts))
		return errno;
	umount2(mnt, MNT_DETACH);
	return 0;
}

/* try_mount() with good options around fd=@fd, and @extra appended. */
static int try_mount_fd(const char *mnt, const char *type, int fd,
			const char *extra)
{
	char opts[160];
	int len = td_mount_options(opts, sizeof(opts), fd);

	snprintf(opts + len, sizeof(opts) - len, "%s", extra);
	return try_mount(mnt, type, opts);
}

/* try_mount_fd() with a descriptor of @path opened @flags. */
static int try_mount_path(const char *mnt, const char *type, const char *path,
			  int flags)
{
	int fd = open(path, flags), err;

	if (fd < 0)
		return -1;
	err = try_mount_fd(mnt, type, fd, "");
	close(fd);
	return err;
}

#define FSTYPE FUSE_BPF_FSTYPE ".test"

/* The baseline: the bad options below fail for what they change. */
TEST_F(bad_mount, good_options_mount)
{
	ASSERT_EQ(0, try_mount_fd(self->mnt, FSTYPE, self->dev, ""));
}

TEST_F(bad_mount, good_options_mount_without_subtype)
{
	ASSERT_EQ(0, try_mount_fd(self->mnt, FUSE_BPF_FSTYPE, self->dev, ""));
}

TEST_F(bad_mount, unknown_option)
{
	ASSERT_EQ(EINVAL, try_mount_fd(self->mnt, FSTYPE, self->dev,
				       ",no_such_option=1"));
}

TEST_F(bad_mount, missing_rootmode)
{
	char opts[128];

	snprintf(opts, sizeof(opts), "fd=%d,user_id=0,group_id=0", self->dev);
	ASSERT_EQ(EINVAL, try_mount(self->mnt, FSTYPE, opts));
}

TEST_F(bad_mount, missing_fd)
{
	ASSERT_EQ(EINVAL, try_mount(self->mnt, FSTYPE,
				    "rootmode=40000,user_id=0,group_id=0"));
}

/* EINVAL on 6.12, EBADF on 7.3 (fsparam_fd): as the built-in FUSE says */
TEST_F(bad_mount, fd_not_open)
{
	int stock = try_mount_fd(self->mnt, "fuse", 999, "");

	ASSERT_TRUE(stock == EINVAL || stock == EBADF);
	ASSERT_EQ(stock, try_mount_fd(self->mnt, FSTYPE, 999, ""));
}

TEST_F(bad_mount, fd_not_a_number)
{
	ASSERT_EQ(EINVAL, try_mount(self->mnt, FSTYPE,
				    "fd=three,rootmode=40000,user_id=0,group_id=0"));
}

TEST_F(bad_mount, fd_of_regular_file)
{
	ASSERT_EQ(EINVAL, try_mount_path(self->mnt, FSTYPE, "/init", O_RDONLY));
}

TEST_F(bad_mount, fd_of_stock_fuse_device)
{
	ASSERT_EQ(EINVAL, try_mount_path(self->mnt, FSTYPE, "/dev/fuse", O_RDWR));
}

TEST_F(bad_mount, fuse_bpf_device_on_stock_fuse)
{
	ASSERT_EQ(EINVAL, try_mount_fd(self->mnt, "fuse.test", self->dev, ""));
}

TEST_HARNESS_MAIN
