// SPDX-License-Identifier: GPL-2.0
/*
 * fuse_bpf.ko loads beside the built-in FUSE under names of its own, and
 * unloads only when nothing uses it.  Every test leaves the module loaded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <linux/fuse_bpf.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"

#define MISC_MAJOR	10
#define FUSE_MINOR	229

static bool has_filesystem(const char *name)
{
	FILE *f = fopen("/proc/filesystems", "r");
	char line[128], *p;
	bool found = false;

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		p = strrchr(line, '\t');
		if (p && !strcmp(p + 1, name))
			found = true;
	}
	if (f)
		fclose(f);
	return found;
}

static bool is_dir(const char *path)
{
	struct stat s;

	return !stat(path, &s) && S_ISDIR(s.st_mode);
}

/* Entries of @path other than "." and "..", or -1. */
static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/*
 * Each test starts with the module loaded and leaves it so, whatever
 * failed: the teardown stops a daemon left running, unmounts the control
 * file system and loads the module again if a test left it unloaded.
 */
FIXTURE(module) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	int bfd;
	struct test_daemon td;
	bool ctl_mounted;
};

FIXTURE_SETUP(module)
{
	self->bfd = -1;
	ASSERT_TRUE(module_loaded() || !load_module());
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
}

FIXTURE_TEARDOWN(module)
{
	int err;

	td_stop(&self->td);
	if (self->ctl_mounted)
		umount2(FUSE_BPF_CTL_MOUNT, MNT_DETACH);
	close(self->bfd);
	if (!module_loaded()) {
		err = load_module();
		EXPECT_EQ(0, err) TH_LOG("load: %s", strerror(err));
	}
}

TEST_F(module, names_beside_stock_fuse)
{
	struct stat s;

	ASSERT_EQ(0, stat(FUSE_BPF_DEVICE, &s));
	EXPECT_TRUE(S_ISCHR(s.st_mode));
	EXPECT_EQ(MISC_MAJOR, major(s.st_rdev));
	EXPECT_NE(FUSE_MINOR, minor(s.st_rdev));
	ASSERT_EQ(0, stat("/dev/fuse", &s));
	EXPECT_EQ(FUSE_MINOR, minor(s.st_rdev));

	EXPECT_TRUE(has_filesystem(FUSE_BPF_FSTYPE));
	EXPECT_TRUE(has_filesystem(FUSE_BPF_BLK_FSTYPE));
	EXPECT_TRUE(has_filesystem(FUSE_BPF_CTL_FSTYPE));
	EXPECT_TRUE(has_filesystem("fuse"));
	EXPECT_TRUE(has_filesystem("fuseblk"));
	EXPECT_TRUE(has_filesystem("fusectl"));

	EXPECT_TRUE(is_dir(FUSE_BPF_CTL_MOUNT));
	EXPECT_TRUE(is_dir("/sys/fs/fuse/connections"));
	EXPECT_TRUE(is_dir("/sys/kernel/tracing/events/fuse_bpf"));
	EXPECT_TRUE(is_dir("/sys/kernel/tracing/events/fuse"));
	EXPECT_TRUE(is_dir("/sys/module/fuse_bpf/parameters"));
}

/* Ten loads take long on a debug kernel (BTF, KASAN): 7 s under TCG. */
TEST_F_TIMEOUT(module, reload_ten_times, 600)
{
	int i, err;

	for (i = 0; i < 10; i++) {
		err = try_unload();
		ASSERT_EQ(0, err) TH_LOG("unload %d: %s", i, strerror(err));
		ASSERT_FALSE(module_loaded());
		ASSERT_FALSE(has_filesystem(FUSE_BPF_FSTYPE));
		ASSERT_NE(0, access(FUSE_BPF_DEVICE, F_OK));
		err = load_module();
		ASSERT_EQ(0, err) TH_LOG("load %d: %s", i, strerror(err));
		ASSERT_TRUE(has_filesystem(FUSE_BPF_FSTYPE));
		ASSERT_EQ(0, access(FUSE_BPF_DEVICE, F_OK));
	}
	ASSERT_TRUE(has_filesystem("fuse"));
}

TEST_F(module, unload_refused_while_mounted)
{
	ASSERT_EQ(0, td_start(&self->td, self->backing, self->mnt, 0));
	ASSERT_EQ(EWOULDBLOCK, try_unload());
	EXPECT_TRUE(module_loaded());
	ASSERT_EQ(0, td_stop(&self->td));
	ASSERT_EQ(0, try_unload());
	ASSERT_EQ(0, load_module());
}

TEST_F(module, unload_refused_while_device_open)
{
	int fd;

	fd = open(FUSE_BPF_DEVICE, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(EWOULDBLOCK, try_unload());
	close(fd);
	ASSERT_EQ(0, try_unload());
	ASSERT_EQ(0, load_module());
}

TEST_F(module, control_fs_lists_connection)
{
	ASSERT_EQ(0, mount("none", FUSE_BPF_CTL_MOUNT, FUSE_BPF_CTL_FSTYPE, 0,
			   NULL));
	self->ctl_mounted = true;
	EXPECT_EQ(0, count_entries(FUSE_BPF_CTL_MOUNT));
	ASSERT_EQ(0, td_start(&self->td, self->backing, self->mnt, 0));
	EXPECT_EQ(1, count_entries(FUSE_BPF_CTL_MOUNT));
	ASSERT_EQ(0, td_stop(&self->td));
	EXPECT_EQ(0, count_entries(FUSE_BPF_CTL_MOUNT));
	ASSERT_EQ(EWOULDBLOCK, try_unload());
	ASSERT_EQ(0, umount(FUSE_BPF_CTL_MOUNT));
	self->ctl_mounted = false;
	ASSERT_EQ(0, try_unload());
	ASSERT_EQ(0, load_module());
}

TEST_HARNESS_MAIN
