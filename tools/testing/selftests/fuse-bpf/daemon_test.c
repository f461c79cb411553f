// SPDX-License-Identifier: GPL-2.0
/*
 * The test daemon serves a backing directory over fuse-bpf, and over the
 * stock FUSE beside it: every operation gives what the same operation
 * gives on the backing directory, and the daemon sees the requests. The
 * fuse_bpf_backed variant backs each node at lookup: what the daemon does
 * not see there, the backing answers, with the same results.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <linux/fuse.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"

/* Over three pages, so that data crosses page boundaries. */
#define DATA_SIZE		(3 * 4096 + 123)

/*
 * Enough entries of long names (64 bytes each in a reply) that READDIR
 * replies fill several buffers: a page each on 6.12, up to the caller's
 * getdents() size (readdir(3): 32 KiB) on 7.3.
 */
#define DIR_ENTRIES		1200
#define DIR_NAME_FMT		"an-entry-with-a-name-long-enough-%04d"

FIXTURE(daemon) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	int bfd;			/* O_PATH of the backing directory */
	int mfd;			/* O_PATH of the mount */
	struct test_daemon td;
};

FIXTURE_VARIANT(daemon) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(daemon, fuse_bpf) { .flags = 0 };
FIXTURE_VARIANT_ADD(daemon, stock) { .flags = TD_STOCK };
FIXTURE_VARIANT_ADD(daemon, fuse_bpf_passthrough) { .flags = TD_PASSTHROUGH };
FIXTURE_VARIANT_ADD(daemon, fuse_bpf_backed) { .flags = TD_BPF };
FIXTURE_VARIANT_ADD(daemon, stock_passthrough) {
	.flags = TD_STOCK | TD_PASSTHROUGH
};

FIXTURE_SETUP(daemon)
{
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt,
				variant->flags, &self->mfd));
	/* Each test counts only the requests of its own operations. */
	td_reset(&self->td);
}

FIXTURE_TEARDOWN(daemon)
{
	close(self->mfd);
	close(self->bfd);
	EXPECT_EQ(0, td_stop(&self->td));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * The names in directory @dirfd, sorted, into @names (room for @max):
 * their number, or -1.
 */
static int list_dir(int dirfd, char (*names)[NAME_MAX + 1], int max)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dp = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	int n = 0;

	if (!dp) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((e = readdir(dp))) {
		if (n == max) {
			n = -1;
			break;
		}
		snprintf(names[n++], NAME_MAX + 1, "%s", e->d_name);
	}
	closedir(dp);
	if (n > 0)
		qsort(names, n, NAME_MAX + 1, cmp_names);
	return n;
}

/* SETATTR requests of one change: none when the backing takes it. */
static unsigned long setattrs(unsigned int flags)
{
	return flags & TD_BPF ? 0 : 1;
}

TEST_F(daemon, lookup_and_getattr)
{
	char data[DATA_SIZE];
	struct stat s;

	fill(data, sizeof(data), 1);
	ASSERT_EQ(0, mkdirat(self->bfd, "dir", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "dir/file", data, sizeof(data), 0644));

	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "dir/file"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "dir"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "."));
	EXPECT_LE(2, td_count(&self->td, FUSE_LOOKUP));
	EXPECT_LT(0, td_count(&self->td, FUSE_GETATTR));

	ASSERT_EQ(0, fstatat(self->mfd, "dir/file", &s, 0));
	EXPECT_EQ(sizeof(data), s.st_size);
	EXPECT_EQ(S_IFREG | 0644, s.st_mode);

	td_reset(&self->td);
	ASSERT_EQ(-1, fstatat(self->mfd, "dir/missing", &s, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_LT(0, td_count(&self->td, FUSE_LOOKUP));
}

TEST_F(daemon, truncate_grow_and_shrink)
{
	char data[100], buf[DATA_SIZE], path[128];
	struct stat s;
	int fd;

	fill(data, sizeof(data), 2);
	ASSERT_EQ(0, put_file(self->bfd, "file", data, sizeof(data), 0644));
	snprintf(path, sizeof(path), "%s/file", self->mnt);

	/* By path: SETATTR without a file handle. */
	ASSERT_EQ(0, truncate(path, DATA_SIZE));
	EXPECT_EQ(setattrs(variant->flags), td_count(&self->td, FUSE_SETATTR));
	ASSERT_EQ(0, fstatat(self->bfd, "file", &s, 0));
	EXPECT_EQ(DATA_SIZE, s.st_size);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	ASSERT_EQ(DATA_SIZE, get_file(self->mfd, "file", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(data, buf, sizeof(data)));
	EXPECT_EQ(0, buf[sizeof(data)]);
	EXPECT_EQ(0, buf[DATA_SIZE - 1]);

	/* Through an open file: SETATTR with its handle. */
	fd = openat(self->mfd, "file", O_RDWR);
	ASSERT_LE(0, fd);
	td_reset(&self->td);
	ASSERT_EQ(0, ftruncate(fd, 10));
	EXPECT_EQ(setattrs(variant->flags), td_count(&self->td, FUSE_SETATTR));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, fstatat(self->bfd, "file", &s, 0));
	EXPECT_EQ(10, s.st_size);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	ASSERT_EQ(10, get_file(self->mfd, "file", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(data, buf, 10));
}

TEST_F(daemon, chmod)
{
	struct stat s;

	ASSERT_EQ(0, put_file(self->bfd, "file", "x", 1, 0644));
	ASSERT_EQ(0, fchmodat(self->mfd, "file", 0751, 0));
	EXPECT_EQ(setattrs(variant->flags), td_count(&self->td, FUSE_SETATTR));
	ASSERT_EQ(0, fstatat(self->bfd, "file", &s, 0));
	EXPECT_EQ(S_IFREG | 0751, s.st_mode);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
}

TEST_F(daemon, utimensat_explicit_times)
{
	const struct timespec t[2] = {
		{ .tv_sec = 1000000000, .tv_nsec = 123456789 },
		{ .tv_sec = 1234567890, .tv_nsec = 987654321 },
	};
	struct stat s;

	ASSERT_EQ(0, put_file(self->bfd, "file", "x", 1, 0644));
	ASSERT_EQ(0, utimensat(self->mfd, "file", t, 0));
	EXPECT_EQ(setattrs(variant->flags), td_count(&self->td, FUSE_SETATTR));
	ASSERT_EQ(0, fstatat(self->bfd, "file", &s, 0));
	EXPECT_EQ(t[0].tv_sec, s.st_atim.tv_sec);
	EXPECT_EQ(t[0].tv_nsec, s.st_atim.tv_nsec);
	EXPECT_EQ(t[1].tv_sec, s.st_mtim.tv_sec);
	EXPECT_EQ(t[1].tv_nsec, s.st_mtim.tv_nsec);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
}

TEST_F(daemon, chown_to_other_ids)
{
	struct stat s;

	ASSERT_EQ(0, put_file(self->bfd, "file", "x", 1, 0644));
	ASSERT_EQ(0, fchownat(self->mfd, "file", 1234, 5678, 0));
	EXPECT_EQ(setattrs(variant->flags), td_count(&self->td, FUSE_SETATTR));
	ASSERT_EQ(0, fstatat(self->bfd, "file", &s, 0));
	EXPECT_EQ(1234, s.st_uid);
	EXPECT_EQ(5678, s.st_gid);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
}

TEST_F(daemon, write_then_read_back)
{
	char data[DATA_SIZE], buf[DATA_SIZE + 1];
	int fd;

	fill(data, sizeof(data), 3);
	fd = openat(self->mfd, "file", O_WRONLY | O_CREAT | O_EXCL, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(data), write(fd, data, sizeof(data)));
	ASSERT_EQ(0, close(fd));

	ASSERT_EQ(sizeof(data), get_file(self->mfd, "file", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(data, buf, sizeof(data)));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(sizeof(data), get_file(self->bfd, "file", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(data, buf, sizeof(data)));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));

	EXPECT_EQ(1, td_count(&self->td, FUSE_CREATE));
	EXPECT_EQ(1, td_count(&self->td, FUSE_OPEN));
	EXPECT_EQ(2, wait_count(&self->td, FUSE_RELEASE, 2));
	if (variant->flags & TD_PASSTHROUGH) {
		EXPECT_EQ(0, td_count(&self->td, FUSE_WRITE));
		EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
	} else {
		EXPECT_LT(0, td_count(&self->td, FUSE_WRITE));
		EXPECT_LT(0, td_count(&self->td, FUSE_READ));
	}
}

TEST_F(daemon, read_file_written_in_backing)
{
	char data[DATA_SIZE], buf[DATA_SIZE + 1];

	fill(data, sizeof(data), 4);
	ASSERT_EQ(0, put_file(self->bfd, "file", data, sizeof(data), 0644));

	ASSERT_EQ(sizeof(data), get_file(self->mfd, "file", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(data, buf, sizeof(data)));
	EXPECT_EQ(0, td_count(&self->td, FUSE_WRITE));
	if (variant->flags & TD_BPF) {
		/* backed at lookup: the kernel opens and reads the backing */
		EXPECT_EQ(0, td_count(&self->td, FUSE_OPEN));
		EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
		return;
	}
	EXPECT_EQ(1, td_count(&self->td, FUSE_OPEN));
	EXPECT_EQ(1, wait_count(&self->td, FUSE_RELEASE, 1));
	if (variant->flags & TD_PASSTHROUGH) {
		EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
	} else {
		EXPECT_LT(0, td_count(&self->td, FUSE_READ));
	}
}

TEST_F(daemon, create_exclusive)
{
	struct stat s;
	int fd;

	fd = openat(self->mfd, "file", O_WRONLY | O_CREAT | O_EXCL, 0640);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(1, td_count(&self->td, FUSE_CREATE));
	ASSERT_EQ(0, fstatat(self->bfd, "file", &s, 0));
	EXPECT_EQ(S_IFREG | 0640, s.st_mode);
	EXPECT_EQ(0, s.st_size);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));

	ASSERT_EQ(-1, openat(self->mfd, "file", O_WRONLY | O_CREAT | O_EXCL,
			     0640));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(1, td_count(&self->td, FUSE_CREATE));
}

TEST_F(daemon, mkdir)
{
	struct stat before, s;

	ASSERT_EQ(0, fstatat(self->bfd, ".", &before, 0));
	ASSERT_EQ(0, mkdirat(self->mfd, "dir", 0751));
	EXPECT_EQ(1, td_count(&self->td, FUSE_MKDIR));
	ASSERT_EQ(0, fstatat(self->bfd, "dir", &s, 0));
	EXPECT_EQ(S_IFDIR | 0751, s.st_mode);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "dir"));

	ASSERT_EQ(0, fstatat(self->mfd, ".", &s, 0));
	EXPECT_EQ(before.st_nlink + 1, s.st_nlink);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "."));

	ASSERT_EQ(-1, mkdirat(self->mfd, "dir", 0751));
	EXPECT_EQ(EEXIST, errno);
}

TEST_F(daemon, readdir_many_entries)
{
	static char mnt[DIR_ENTRIES + 3][NAME_MAX + 1];
	static char backing[DIR_ENTRIES + 3][NAME_MAX + 1];
	char name[NAME_MAX + 1];
	int i, n, err;

	for (i = 0; i < DIR_ENTRIES; i++) {
		snprintf(name, sizeof(name), DIR_NAME_FMT, i);
		if (i % 10)
			err = put_file(self->bfd, name, "", 0, 0644);
		else
			err = mkdirat(self->bfd, name, 0755);
		ASSERT_EQ(0, err);
	}

	n = list_dir(self->mfd, mnt, ARRAY_SIZE(mnt));
	ASSERT_EQ(DIR_ENTRIES + 2, n);
	ASSERT_EQ(n, list_dir(self->bfd, backing, ARRAY_SIZE(backing)));
	for (i = 0; i < n; i++)
		EXPECT_STREQ(backing[i], mnt[i]);
	/* At least two buffers of entries, then the empty reply at the end. */
	EXPECT_LE(3, td_count(&self->td, FUSE_READDIR));
	EXPECT_EQ(1, td_count(&self->td, FUSE_OPENDIR));
	EXPECT_EQ(1, wait_count(&self->td, FUSE_RELEASEDIR, 1));
}

TEST_F(daemon, unlink)
{
	struct stat s;

	ASSERT_EQ(0, put_file(self->bfd, "file", "x", 1, 0644));
	ASSERT_EQ(0, unlinkat(self->mfd, "file", 0));
	EXPECT_EQ(1, td_count(&self->td, FUSE_UNLINK));
	EXPECT_EQ(-1, fstatat(self->bfd, "file", &s, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, fstatat(self->mfd, "file", &s, 0));
	EXPECT_EQ(ENOENT, errno);

	ASSERT_EQ(-1, unlinkat(self->mfd, "file", 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(1, td_count(&self->td, FUSE_UNLINK));
}

TEST_F(daemon, rmdir_nonempty_then_empty)
{
	struct stat before, s;

	ASSERT_EQ(0, fstatat(self->bfd, ".", &before, 0));
	ASSERT_EQ(0, mkdirat(self->bfd, "dir", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "dir/file", "x", 1, 0644));

	ASSERT_EQ(-1, unlinkat(self->mfd, "dir", AT_REMOVEDIR));
	EXPECT_EQ(ENOTEMPTY, errno);
	EXPECT_EQ(1, td_count(&self->td, FUSE_RMDIR));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "dir/file"));

	ASSERT_EQ(0, unlinkat(self->bfd, "dir/file", 0));
	ASSERT_EQ(0, unlinkat(self->mfd, "dir", AT_REMOVEDIR));
	EXPECT_EQ(2, td_count(&self->td, FUSE_RMDIR));
	EXPECT_EQ(-1, fstatat(self->bfd, "dir", &s, 0));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, fstatat(self->mfd, ".", &s, 0));
	EXPECT_EQ(before.st_nlink, s.st_nlink);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "."));
}

TEST_F(daemon, rename_plain_over_and_noreplace)
{
	char buf[16];
	struct stat a, s;

	ASSERT_EQ(0, put_file(self->bfd, "a", "a", 1, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "b", "b", 1, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "c", "c", 1, 0644));
	ASSERT_EQ(0, fstatat(self->bfd, "a", &a, 0));

	/* To a new name. */
	ASSERT_EQ(0, renameat(self->mfd, "a", self->mfd, "a2"));
	EXPECT_EQ(-1, fstatat(self->bfd, "a", &s, 0));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, fstatat(self->bfd, "a2", &s, 0));
	EXPECT_EQ(a.st_ino, s.st_ino);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "a2"));

	/* Over an existing file, which goes. */
	ASSERT_EQ(0, renameat(self->mfd, "a2", self->mfd, "c"));
	EXPECT_EQ(2, td_count(&self->td, FUSE_RENAME));
	EXPECT_EQ(-1, fstatat(self->bfd, "a2", &s, 0));
	ASSERT_EQ(0, fstatat(self->bfd, "c", &s, 0));
	EXPECT_EQ(a.st_ino, s.st_ino);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "c"));
	ASSERT_EQ(1, get_file(self->mfd, "c", buf, sizeof(buf)));
	EXPECT_EQ('a', buf[0]);

	/* RENAME_NOREPLACE: refused over an existing file, else done. */
	ASSERT_EQ(-1, renameat2(self->mfd, "c", self->mfd, "b",
				RENAME_NOREPLACE));
	EXPECT_EQ(EEXIST, errno);
	ASSERT_EQ(1, get_file(self->bfd, "b", buf, sizeof(buf)));
	EXPECT_EQ('b', buf[0]);
	ASSERT_EQ(0, fstatat(self->bfd, "c", &s, 0));
	EXPECT_EQ(a.st_ino, s.st_ino);
	ASSERT_EQ(0, renameat2(self->mfd, "c", self->mfd, "d",
			       RENAME_NOREPLACE));
	EXPECT_EQ(1, td_count(&self->td, FUSE_RENAME2));
	EXPECT_EQ(-1, fstatat(self->bfd, "c", &s, 0));
	ASSERT_EQ(0, fstatat(self->bfd, "d", &s, 0));
	EXPECT_EQ(a.st_ino, s.st_ino);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "d"));
}

TEST_F(daemon, symlink_and_readlink)
{
	static const char target[] = "some/target/that/need/not/exist";
	char buf[64];
	struct stat s;

	ASSERT_EQ(0, symlinkat(target, self->mfd, "link"));
	EXPECT_EQ(1, td_count(&self->td, FUSE_SYMLINK));
	ASSERT_EQ(0, fstatat(self->bfd, "link", &s, AT_SYMLINK_NOFOLLOW));
	EXPECT_TRUE(S_ISLNK(s.st_mode));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "link"));

	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(strlen(target), readlinkat(self->mfd, "link", buf,
					     sizeof(buf) - 1));
	EXPECT_STREQ(target, buf);
	EXPECT_EQ(1, td_count(&self->td, FUSE_READLINK));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(strlen(target), readlinkat(self->bfd, "link", buf,
					     sizeof(buf) - 1));
	EXPECT_STREQ(target, buf);
}

TEST_F(daemon, hard_link)
{
	struct stat s;

	ASSERT_EQ(0, put_file(self->bfd, "file", "x", 1, 0644));
	ASSERT_EQ(0, linkat(self->mfd, "file", self->mfd, "link", 0));
	EXPECT_EQ(1, td_count(&self->td, FUSE_LINK));
	ASSERT_EQ(0, fstatat(self->bfd, "link", &s, 0));
	EXPECT_EQ(2, s.st_nlink);
	ASSERT_EQ(0, fstatat(self->mfd, "link", &s, 0));
	EXPECT_EQ(2, s.st_nlink);
	ASSERT_EQ(0, fstatat(self->mfd, "file", &s, 0));
	EXPECT_EQ(2, s.st_nlink);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "link"));
}

TEST_F(daemon, statfs)
{
	struct statfs m, b;

	ASSERT_EQ(0, fstatfs(self->mfd, &m));
	EXPECT_EQ(1, td_count(&self->td, FUSE_STATFS));
	ASSERT_EQ(0, fstatfs(self->bfd, &b));
	EXPECT_EQ(b.f_bsize, m.f_bsize);
	EXPECT_EQ(b.f_blocks, m.f_blocks);
	EXPECT_EQ(b.f_files, m.f_files);
}

TEST_HARNESS_MAIN
