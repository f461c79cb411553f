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

#define MODULE_PATH	"/lib/modules/fuse_bpf.ko"
#define MISC_MAJOR	10
#define FUSE_MINOR	229

static int load(void)
{
	int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

static int unload(void)
{
	return syscall(SYS_delete_module, "fuse_bpf", O_NONBLOCK);
}

static bool loaded(void)
{
	return !access("/sys/module/fuse_bpf", F_OK);
}

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

static void make_dirs(char *backing, char *mnt)
{
	snprintf(backing, 64, "/tmp/mod-backing-XXXXXX");
	snprintf(mnt, 64, "/tmp/mod-mnt-XXXXXX");
	if (!mkdtemp(backing) || !mkdtemp(mnt))
		abort();
}

TEST(names_beside_stock_fuse)
{
	struct stat s;

	ASSERT_TRUE(loaded() || !load());
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

/*
 * Ten loads take long on a debug kernel (BTF, KASAN): a timeout of its
 * own, and the module loaded again for the next tests if a load failed.
 */
FIXTURE(reload) {};
FIXTURE_SETUP(reload) {}
FIXTURE_TEARDOWN(reload)
{
	if (!loaded())
		load();
}

TEST_F_TIMEOUT(reload, ten_times, 600)
{
	int i;

	ASSERT_TRUE(loaded() || !load());
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, unload()) TH_LOG("unload %d: %s", i, strerror(errno));
		ASSERT_FALSE(loaded());
		ASSERT_FALSE(has_filesystem(FUSE_BPF_FSTYPE));
		ASSERT_NE(0, access(FUSE_BPF_DEVICE, F_OK));
		ASSERT_EQ(0, load()) TH_LOG("load %d: %s", i, strerror(errno));
		ASSERT_TRUE(has_filesystem(FUSE_BPF_FSTYPE));
		ASSERT_EQ(0, access(FUSE_BPF_DEVICE, F_OK));
	}
	ASSERT_TRUE(has_filesystem("fuse"));
}

TEST(unload_refused_while_mounted)
{
	char backing[64], mnt[64];
	struct test_daemon td;

	ASSERT_TRUE(loaded() || !load());
	make_dirs(backing, mnt);
	ASSERT_EQ(0, td_start(&td, backing, mnt, 0));
	ASSERT_EQ(-1, unload());
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_TRUE(loaded());
	ASSERT_EQ(0, td_stop(&td));
	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load());
}

TEST(unload_refused_while_device_open)
{
	int fd;

	ASSERT_TRUE(loaded() || !load());
	fd = open(FUSE_BPF_DEVICE, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, unload());
	EXPECT_EQ(EWOULDBLOCK, errno);
	close(fd);
	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load());
}

TEST(control_fs_lists_connection)
{
	char backing[64], mnt[64];
	struct test_daemon td;

	ASSERT_TRUE(loaded() || !load());
	make_dirs(backing, mnt);
	ASSERT_EQ(0, mount("none", FUSE_BPF_CTL_MOUNT, FUSE_BPF_CTL_FSTYPE, 0,
			   NULL));
	EXPECT_EQ(0, count_entries(FUSE_BPF_CTL_MOUNT));
	ASSERT_EQ(0, td_start(&td, backing, mnt, 0));
	EXPECT_EQ(1, count_entries(FUSE_BPF_CTL_MOUNT));
	ASSERT_EQ(0, td_stop(&td));
	EXPECT_EQ(0, count_entries(FUSE_BPF_CTL_MOUNT));
	ASSERT_EQ(-1, unload());
	EXPECT_EQ(EWOULDBLOCK, errno);
	ASSERT_EQ(0, umount(FUSE_BPF_CTL_MOUNT));
	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load());
}

TEST_HARNESS_MAIN
