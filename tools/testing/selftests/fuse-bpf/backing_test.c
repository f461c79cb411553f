// SPDX-License-Identifier: GPL-2.0
/*
 * Pure passthrough: every node the daemon looks up is backed by its
 * backing file and has no filter. Data and attributes come from the
 * backing file, and the daemon sees no READ, WRITE or GETATTR.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <linux/fs.h>
#include <linux/fuse.h>
#include <liburing.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"

#define DATA_SIZE	(3 * 4096 + 123)

FIXTURE(backing) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	int bfd;
	int mfd;
	struct test_daemon td;
	char data[DATA_SIZE];
	char buf[DATA_SIZE];
};

FIXTURE_SETUP(backing)
{
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	fill(self->data, DATA_SIZE, 7);
	ASSERT_EQ(0, put_file(self->bfd, "file", self->data, DATA_SIZE, 0644));
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt,
				TD_BPF, &self->mfd));
}

FIXTURE_TEARDOWN(backing)
{
	close(self->mfd);
	close(self->bfd);
	EXPECT_EQ(0, td_stop(&self->td));
}

/* Whether the daemon saw none of @ops; logs those it saw. */
static bool saw_none(struct __test_metadata *_metadata,
		     const struct test_daemon *td, const unsigned int *ops,
		     size_t n)
{
	bool none = true;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!td_count(td, ops[i]))
			continue;
		TH_LOG("the daemon saw %lu %s", td_count(td, ops[i]),
		       td_opname(ops[i]));
		none = false;
	}
	return none;
}

/* The data requests that must not have reached the daemon. */
static bool no_data_requests(struct __test_metadata *_metadata,
			     const struct test_daemon *td)
{
	static const unsigned int ops[] = {
		FUSE_READ, FUSE_WRITE, FUSE_GETATTR, FUSE_SETATTR, FUSE_OPEN,
		FUSE_FLUSH, FUSE_FSYNC,
	};

	return saw_none(_metadata, td, ops, ARRAY_SIZE(ops));
}

/* Open "file" through the mount @mfd, after a lookup that counts nothing. */
static int open_file(struct __test_metadata *_metadata, int mfd,
		     struct test_daemon *td, int flags)
{
	struct stat s;
	int fd;

	EXPECT_EQ(0, fstatat(mfd, "file", &s, 0));
	td_reset(td);
	fd = openat(mfd, "file", flags | O_CLOEXEC);
	EXPECT_LE(0, fd);
	return fd;
}

/* Whether "file" in the backing directory @bfd holds @len bytes of @data. */
static bool backing_holds(int bfd, const char *data, size_t len)
{
	static char buf[DATA_SIZE];

	return get_file(bfd, "file", buf, DATA_SIZE) == (ssize_t)len &&
	       !memcmp(buf, data, len);
}

TEST_F(backing, read)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDONLY);
	struct stat s;

	ASSERT_EQ(DATA_SIZE, read(fd, self->buf, DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	EXPECT_EQ(0, read(fd, self->buf, DATA_SIZE));
	EXPECT_EQ(0, fstat(fd, &s));
	EXPECT_EQ(DATA_SIZE, s.st_size);
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, write)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_WRONLY | O_TRUNC);

	fill(self->data, DATA_SIZE, 9);
	ASSERT_EQ(DATA_SIZE, write(fd, self->data, DATA_SIZE));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(backing_holds(self->bfd, self->data, DATA_SIZE));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, pread_pwrite)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR);

	ASSERT_EQ(10, pwrite(fd, "0123456789", 10, 5000));
	memcpy(self->data + 5000, "0123456789", 10);
	ASSERT_EQ(DATA_SIZE - 4000, pread(fd, self->buf, DATA_SIZE, 4000));
	EXPECT_EQ(0, memcmp(self->buf, self->data + 4000, DATA_SIZE - 4000));
	/* past the end: the file grows */
	ASSERT_EQ(3, pwrite(fd, "end", 3, DATA_SIZE + 100));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, readv_writev)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR);
	char a[100], b[5000];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

	ASSERT_EQ(sizeof(a) + sizeof(b), readv(fd, iov, 2));
	EXPECT_EQ(0, memcmp(a, self->data, sizeof(a)));
	EXPECT_EQ(0, memcmp(b, self->data + sizeof(a), sizeof(b)));
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	ASSERT_EQ(sizeof(a) + sizeof(b), writev(fd, iov, 2));
	memcpy(self->data, a, sizeof(a));
	memcpy(self->data + sizeof(a), b, sizeof(b));
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(backing_holds(self->bfd, self->data, DATA_SIZE));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, append)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_WRONLY | O_APPEND);
	int bfd;

	ASSERT_EQ(4, write(fd, "tail", 4));
	/* the backing grows under us: O_APPEND follows the backing's size */
	bfd = openat(self->bfd, "file", O_WRONLY | O_APPEND);
	ASSERT_LE(0, bfd);
	ASSERT_EQ(3, write(bfd, "xyz", 3));
	close(bfd);
	ASSERT_EQ(4, write(fd, "more", 4));
	EXPECT_EQ(DATA_SIZE + 11, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(0, close(fd));
	bfd = openat(self->bfd, "file", O_RDONLY);
	ASSERT_EQ(11, pread(bfd, self->buf, 20, DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, "tailxyzmore", 11));
	close(bfd);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, direct_io)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR | O_DIRECT);
	void *p;

	ASSERT_EQ(0, posix_memalign(&p, 4096, 8192));
	memset(p, 'd', 8192);
	ASSERT_EQ(8192, pwrite(fd, p, 8192, 4096));
	memset(p, 0, 8192);
	ASSERT_EQ(8192, pread(fd, p, 8192, 4096));
	memset(self->data + 4096, 'd', DATA_SIZE - 4096);
	EXPECT_EQ(0, memcmp(p, self->data + 4096, 8192));
	free(p);
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, truncate)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR);

	ASSERT_EQ(0, ftruncate(fd, 100));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	ASSERT_EQ(0, ftruncate(fd, 1 << 20));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_EQ(0, close(fd));
	snprintf(self->buf, DATA_SIZE, "%s/file", self->mnt);
	ASSERT_EQ(0, truncate(self->buf, 10));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(backing_holds(self->bfd, self->data, 10));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, rwf_flags)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR);
	struct iovec iov = { "rwf", 3 };
	int bfd, err;
	ssize_t ret;

	/* RWF_APPEND writes at the end whatever the offset */
	ASSERT_EQ(3, pwritev2(fd, &iov, 1, 0, RWF_APPEND));
	ASSERT_EQ(3, pwritev2(fd, &iov, 1, 10, RWF_DSYNC));
	memcpy(self->data + 10, "rwf", 3);
	iov.iov_base = self->buf;
	iov.iov_len = DATA_SIZE;
	ASSERT_EQ(DATA_SIZE, preadv2(fd, &iov, 1, 0, RWF_HIPRI));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	ASSERT_EQ(3, pread(fd, self->buf, 10, DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, "rwf", 3));
	/* an unfiltered file does RWF_NOWAIT as its backing does */
	bfd = openat(self->bfd, "file", O_RDWR);
	ASSERT_LE(0, bfd);
	iov.iov_len = 3;
	ret = preadv2(bfd, &iov, 1, 10, RWF_NOWAIT);
	err = errno;
	memset(self->buf, 0, 3);
	EXPECT_EQ(ret, preadv2(fd, &iov, 1, 10, RWF_NOWAIT));
	EXPECT_TRUE(ret < 0 ? errno == err : !memcmp(self->buf, "rwf", 3));
	memcpy(self->buf, "rwf", 3);
	ret = pwritev2(bfd, &iov, 1, 20, RWF_NOWAIT);
	err = errno;
	EXPECT_EQ(ret, pwritev2(fd, &iov, 1, 20, RWF_NOWAIT));
	EXPECT_TRUE(ret >= 0 || errno == err);
	if (ret > 0)
		memcpy(self->data + 20, "rwf", 3);
	EXPECT_TRUE(backing_holds(self->bfd, self->data, DATA_SIZE));
	close(bfd);
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

/* poll() answers as on the backing file, without asking the daemon */
TEST_F(backing, poll_like_the_backing)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR);
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN | POLLOUT | POLLPRI },
		{ .fd = openat(self->bfd, "file", O_RDWR),
		  .events = POLLIN | POLLOUT | POLLPRI },
	};

	ASSERT_LE(0, p[1].fd);
	ASSERT_EQ(2, poll(p, 2, 0));
	EXPECT_EQ(p[1].revents, p[0].revents);
	EXPECT_EQ(0, td_count(&self->td, FUSE_POLL));
	close(p[1].fd);
	EXPECT_EQ(0, close(fd));
}

TEST_F(backing, times_and_mode)
{
	struct timespec ts[2] = { { 1000, 1 }, { 2000, 2 } };
	struct stat s;

	ASSERT_EQ(0, fstatat(self->mfd, "file", &s, 0));
	td_reset(&self->td);
	ASSERT_EQ(0, utimensat(self->mfd, "file", ts, 0));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	ASSERT_EQ(0, fstatat(self->bfd, "file", &s, 0));
	EXPECT_EQ(2000, s.st_mtim.tv_sec);
	EXPECT_EQ(2, s.st_mtim.tv_nsec);
	ASSERT_EQ(0, fchmodat(self->mfd, "file", 0600, 0));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	ASSERT_EQ(0, fchownat(self->mfd, "file", 12, 34, 0));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	ASSERT_EQ(0, fstatat(self->bfd, "file", &s, 0));
	EXPECT_EQ(12, s.st_uid);
	EXPECT_EQ(0600, s.st_mode & 07777);
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, aio)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR | O_DIRECT);
	void *p;

	ASSERT_EQ(0, posix_memalign(&p, 4096, 8192));
	memset(p, 'a', 8192);
	ASSERT_EQ(8192, aio_rw(fd, IOCB_CMD_PWRITE, p, 8192, 8192));
	memset(self->data + 8192, 'a', DATA_SIZE - 8192);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	memset(p, 0, 8192);
	ASSERT_EQ(8192, aio_rw(fd, IOCB_CMD_PREAD, p, 8192, 4096));
	EXPECT_EQ(0, memcmp(p, self->data + 4096, 8192));
	free(p);
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, io_uring)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR);
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	char out[6000];

	ASSERT_EQ(0, io_uring_queue_init(4, &ring, 0));
	memset(out, 'u', sizeof(out));
	io_uring_prep_write(io_uring_get_sqe(&ring), fd, out, sizeof(out),
			    1000);
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(sizeof(out), cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	memcpy(self->data + 1000, out, sizeof(out));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));

	io_uring_prep_read(io_uring_get_sqe(&ring), fd, self->buf, DATA_SIZE,
			   0);
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(DATA_SIZE, cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	io_uring_queue_exit(&ring);
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, sendfile_splice)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR);
	int out = openat(self->bfd, "copy", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int pfd[2];
	off_t off = 0;

	ASSERT_LE(0, out);
	/* busybox cat: sendfile from the FUSE file */
	ASSERT_EQ(DATA_SIZE, sendfile(out, fd, &off, DATA_SIZE));
	ASSERT_EQ(DATA_SIZE, pread(out, self->buf, DATA_SIZE, 0));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	/* splice from a pipe into the FUSE file */
	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(5, write(pfd[1], "pipe!", 5));
	off = 10;
	ASSERT_EQ(5, splice(pfd[0], NULL, fd, &off, 5, 0));
	memcpy(self->data + 10, "pipe!", 5);
	close(pfd[0]);
	close(pfd[1]);
	close(out);
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(backing_holds(self->bfd, self->data, DATA_SIZE));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, mmap)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR);
	char *p;

	p = mmap(NULL, DATA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, memcmp(p, self->data, DATA_SIZE));
	memcpy(p + 4090, "mapped", 6);
	memcpy(self->data + 4090, "mapped", 6);
	ASSERT_EQ(0, msync(p, DATA_SIZE, MS_SYNC));
	EXPECT_EQ(0, munmap(p, DATA_SIZE));
	EXPECT_TRUE(backing_holds(self->bfd, self->data, DATA_SIZE));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, stat_follows_backing)
{
	struct stat s;
	int bfd;

	ASSERT_EQ(0, fstatat(self->mfd, "file", &s, 0));
	td_reset(&self->td);
	bfd = openat(self->bfd, "file", O_WRONLY | O_APPEND);
	ASSERT_LE(0, bfd);
	ASSERT_EQ(5, write(bfd, "grown", 5));
	ASSERT_EQ(0, fchmod(bfd, 0600));
	close(bfd);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

/* Make a tree of @depth levels with @width files and dirs per level. */
static int make_tree(int dirfd, int depth, int width, int *files)
{
	char name[32];
	int i, sub, err = 0;

	for (i = 0; i < width && !err; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		err = put_file(dirfd, name, name, strlen(name), 0640);
		++*files;
		if (depth <= 1)
			continue;
		snprintf(name, sizeof(name), "d%d", i);
		if (mkdirat(dirfd, name, 0750))
			return -1;
		sub = openat(dirfd, name, O_PATH | O_DIRECTORY);
		if (sub < 0)
			return -1;
		err = make_tree(sub, depth - 1, width, files);
		close(sub);
	}
	return err;
}

/* Walk @path through the mount, comparing each entry with the backing. */
static int walk(struct __test_metadata *_metadata, int mfd, int bfd,
		const char *path)
{
	char sub[PATH_MAX];
	struct dirent *de;
	int n = 0, fd;
	DIR *d;

	fd = openat(mfd, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (!same_as_backing(_metadata, mfd, bfd, sub))
			n = -1000;
		n++;
		if (de->d_type == DT_DIR)
			n += walk(_metadata, mfd, bfd, sub);
	}
	closedir(d);
	return n;
}

TEST_F(backing, tree_without_lookups)
{
	int tree, mtree, btree, files = 0;
	struct stat s;

	ASSERT_EQ(0, mkdirat(self->bfd, "tree", 0755));
	tree = openat(self->bfd, "tree", O_PATH | O_DIRECTORY);
	ASSERT_LE(0, tree);
	ASSERT_EQ(0, make_tree(tree, 3, 4, &files));
	close(tree);
	/*
	 * The daemon looks "tree" up and backs it; below it, all is the
	 * kernel's. Walk from "tree" as find does, by descriptor.
	 */
	mtree = openat(self->mfd, "tree", O_PATH | O_DIRECTORY);
	ASSERT_LE(0, mtree);
	btree = openat(self->bfd, "tree", O_PATH | O_DIRECTORY);
	ASSERT_LE(0, btree);
	ASSERT_EQ(1, td_count(&self->td, FUSE_LOOKUP));
	td_reset(&self->td);
	EXPECT_EQ(files + 20, walk(_metadata, mtree, btree, "."));
	EXPECT_EQ(0, td_count(&self->td, FUSE_LOOKUP));
	EXPECT_EQ(0, td_count(&self->td, FUSE_OPENDIR));
	EXPECT_EQ(0, td_count(&self->td, FUSE_READDIR));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
	/* data of a file the daemon never saw */
	EXPECT_EQ(2, get_file(mtree, "d1/d2/f0", self->buf, 10));
	EXPECT_EQ(0, memcmp(self->buf, "f0", 2));
	/* a name removed in the backing goes away through the mount */
	ASSERT_EQ(0, unlinkat(btree, "d1/f3", 0));
	EXPECT_EQ(-1, fstatat(mtree, "d1/f3", &s, 0));
	EXPECT_EQ(ENOENT, errno);
	/* and one made there appears */
	ASSERT_EQ(0, put_file(btree, "d1/new", "new", 3, 0600));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "d1/new"));
	EXPECT_EQ(0, td_count(&self->td, FUSE_LOOKUP));
	close(btree);
	close(mtree);
}

/* Open "tree", backed by the daemon at lookup, through the mount and in the
 * backing directory; from there on every operation is the kernel's.
 */
static void open_tree(struct __test_metadata *_metadata, int mfd, int bfd,
		      struct test_daemon *td, int *mtree, int *btree)
{
	ASSERT_EQ(0, mkdirat(bfd, "tree", 0777));
	*mtree = openat(mfd, "tree", O_PATH | O_DIRECTORY);
	ASSERT_LE(0, *mtree);
	*btree = openat(bfd, "tree", O_PATH | O_DIRECTORY);
	ASSERT_LE(0, *btree);
	td_reset(td);
}

/* The daemon requests that mean it took part in a namespace operation. */
static bool no_namespace_requests(struct __test_metadata *_metadata,
				  const struct test_daemon *td)
{
	static const unsigned int ops[] = {
		FUSE_LOOKUP, FUSE_MKDIR, FUSE_MKNOD, FUSE_CREATE, FUSE_UNLINK,
		FUSE_RMDIR, FUSE_RENAME, FUSE_RENAME2, FUSE_LINK, FUSE_SYMLINK,
		FUSE_READLINK, FUSE_STATFS,
	};

	return saw_none(_metadata, td, ops, ARRAY_SIZE(ops)) &&
	       no_data_requests(_metadata, td);
}

TEST_F(backing, mkdir_rmdir_in_backed_dir)
{
	int mtree, btree;

	open_tree(_metadata, self->mfd, self->bfd, &self->td, &mtree, &btree);
	ASSERT_EQ(0, mkdirat(mtree, "sub", 0750));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "sub"));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "."));
	ASSERT_EQ(0, mkdirat(mtree, "sub/deeper", 0700));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "sub/deeper"));
	EXPECT_EQ(-1, mkdirat(mtree, "sub", 0750));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, unlinkat(mtree, "sub", AT_REMOVEDIR));
	EXPECT_EQ(ENOTEMPTY, errno);
	ASSERT_EQ(0, unlinkat(mtree, "sub/deeper", AT_REMOVEDIR));
	ASSERT_EQ(0, unlinkat(mtree, "sub", AT_REMOVEDIR));
	EXPECT_EQ(-1, faccessat(btree, "sub", F_OK, 0));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "."));
	EXPECT_TRUE(no_namespace_requests(_metadata, &self->td));
	close(btree);
	close(mtree);
}

TEST_F(backing, create_write_unlink_in_backed_dir)
{
	int mtree, btree, fd;

	open_tree(_metadata, self->mfd, self->bfd, &self->td, &mtree, &btree);
	fd = openat(mtree, "new", O_RDWR | O_CREAT | O_EXCL, 0640);
	ASSERT_LE(0, fd);
	ASSERT_EQ(DATA_SIZE, write(fd, self->data, DATA_SIZE));
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "new"));
	EXPECT_EQ(DATA_SIZE, get_file(btree, "new", self->buf, DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	EXPECT_EQ(-1, openat(mtree, "new", O_RDWR | O_CREAT | O_EXCL, 0640));
	EXPECT_EQ(EEXIST, errno);
	ASSERT_EQ(0, mknodat(mtree, "fifo", S_IFIFO | 0600, 0));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "fifo"));
	ASSERT_EQ(0, unlinkat(mtree, "new", 0));
	ASSERT_EQ(0, unlinkat(mtree, "fifo", 0));
	EXPECT_EQ(-1, faccessat(btree, "new", F_OK, 0));
	EXPECT_EQ(-1, faccessat(mtree, "new", F_OK, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "."));
	EXPECT_TRUE(no_namespace_requests(_metadata, &self->td));
	close(btree);
	close(mtree);
}

TEST_F(backing, new_entries_belong_to_the_caller)
{
	int mtree, btree, status;
	struct stat s;
	pid_t pid;

	open_tree(_metadata, self->mfd, self->bfd, &self->td, &mtree, &btree);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgid(2345) || setuid(1234))
			_exit(1);
		_exit(mkdirat(mtree, "mine", 0700) ||
		      close(openat(mtree, "mine/file", O_CREAT | O_WRONLY,
				   0600)) ? 2 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	ASSERT_EQ(0, fstatat(btree, "mine/file", &s, 0));
	EXPECT_EQ(1234, s.st_uid);
	EXPECT_EQ(2345, s.st_gid);
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "mine/file"));
	close(btree);
	close(mtree);
}

TEST_F(backing, symlink_link_rename_in_backed_dir)
{
	int mtree, btree, utree;
	char target[64] = "";

	open_tree(_metadata, self->mfd, self->bfd, &self->td, &mtree, &btree);
	ASSERT_EQ(0, put_file(btree, "a", "aaa", 3, 0644));
	ASSERT_EQ(0, put_file(btree, "b", "bb", 2, 0644));
	ASSERT_EQ(0, symlinkat("a", mtree, "sym"));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "sym"));
	EXPECT_EQ(1, readlinkat(mtree, "sym", target, sizeof(target)));
	EXPECT_EQ('a', target[0]);
	ASSERT_EQ(0, linkat(mtree, "a", mtree, "a2", 0));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "a"));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "a2"));
	ASSERT_EQ(0, renameat(mtree, "a2", mtree, "c"));
	EXPECT_EQ(0, faccessat(btree, "c", F_OK, 0));
	EXPECT_EQ(-1, renameat2(mtree, "c", mtree, "b", RENAME_NOREPLACE));
	EXPECT_EQ(EEXIST, errno);
	ASSERT_EQ(0, renameat2(mtree, "c", mtree, "b", RENAME_EXCHANGE));
	EXPECT_EQ(3, get_file(btree, "b", self->buf, 10));
	EXPECT_EQ(2, get_file(mtree, "c", self->buf, 10));
	ASSERT_EQ(0, renameat(mtree, "c", mtree, "b"));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "b"));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "a"));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "."));
	EXPECT_TRUE(no_namespace_requests(_metadata, &self->td));
	/* between a backed and an unbacked directory: as across mounts */
	self->td.ctl->ext_len = 0;
	ASSERT_EQ(0, mkdirat(self->mfd, "plain", 0755));
	utree = openat(self->mfd, "plain", O_PATH | O_DIRECTORY);
	ASSERT_LE(0, utree);
	EXPECT_EQ(-1, renameat(mtree, "b", utree, "b"));
	EXPECT_EQ(EXDEV, errno);
	EXPECT_EQ(-1, linkat(mtree, "b", utree, "b", 0));
	EXPECT_EQ(EXDEV, errno);
	close(utree);
	/*
	 * Between two backed directories: "tree" and one the kernel made in
	 * it, then that one and "tree2", which the daemon looked up
	 */
	self->td.ctl->ext_len = sizeof(struct fuse_bpf_entry_out);
	ASSERT_EQ(0, mkdirat(self->bfd, "tree2", 0777));
	ASSERT_EQ(0, mkdirat(mtree, "d2", 0755));
	ASSERT_EQ(0, renameat(mtree, "b", mtree, "d2/b"));
	ASSERT_EQ(0, linkat(mtree, "a", mtree, "d2/a", 0));
	ASSERT_EQ(0, renameat(mtree, "d2/b", self->mfd, "tree2/b"));
	ASSERT_EQ(0, linkat(mtree, "d2/a", self->mfd, "tree2/a", 0));
	EXPECT_EQ(2, get_file(self->bfd, "tree2/b", self->buf, 10));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "a"));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "d2/a"));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "d2"));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "."));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "tree2/a"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "tree2/b"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "tree2"));
	close(btree);
	close(mtree);
}

TEST_F(backing, statfs_is_the_backing_fs)
{
	struct statfs m, b;
	int mtree, btree;

	open_tree(_metadata, self->mfd, self->bfd, &self->td, &mtree, &btree);
	ASSERT_EQ(0, fstatfs(mtree, &m));
	ASSERT_EQ(0, fstatfs(btree, &b));
	EXPECT_EQ(b.f_blocks, m.f_blocks);
	EXPECT_EQ(b.f_bsize, m.f_bsize);
	EXPECT_EQ(b.f_files, m.f_files);
	EXPECT_EQ(0, td_count(&self->td, FUSE_STATFS));
	close(btree);
	close(mtree);
}

/* The same call through the mount and on the backing: result and errno. */
#define SAME_RESULT(mcall, bcall)					\
	do {								\
		long __m = (mcall), __me = __m < 0 ? errno : 0;		\
		long __b = (bcall), __be = __b < 0 ? errno : 0;		\
									\
		EXPECT_EQ(__b, __m);					\
		EXPECT_EQ(__be, __me);					\
	} while (0)

TEST_F(backing, fallocate_modes)
{
	static const int modes[] = {
		0, FALLOC_FL_KEEP_SIZE,
		FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		FALLOC_FL_ZERO_RANGE, FALLOC_FL_COLLAPSE_RANGE,
	};
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR);
	int twin, bfd;
	size_t i;

	ASSERT_EQ(0, put_file(self->bfd, "twin", self->data, DATA_SIZE,
			      0644));
	twin = openat(self->bfd, "twin", O_RDWR);
	ASSERT_LE(0, twin);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		SAME_RESULT(fallocate(fd, modes[i], 4096, 8192 * (i + 1)),
			    fallocate(twin, modes[i], 4096, 8192 * (i + 1)));
		EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
					    "file"));
	}
	ASSERT_EQ(DATA_SIZE, pread(fd, self->buf, DATA_SIZE, 0));
	bfd = openat(self->bfd, "twin", O_RDONLY);
	ASSERT_EQ(DATA_SIZE, pread(bfd, self->data, DATA_SIZE, 0));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	close(bfd);
	close(twin);
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0, td_count(&self->td, FUSE_FALLOCATE));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, seek_data_and_holes)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR);
	int bfd = openat(self->bfd, "file", O_RDONLY);
	off_t off;

	ASSERT_LE(0, bfd);
	ASSERT_EQ(4, pwrite(fd, "data", 4, 1 << 20));
	for (off = 0; off < (1 << 20) + 8192; off += 4096) {
		SAME_RESULT(lseek(fd, off, SEEK_DATA), lseek(bfd, off, SEEK_DATA));
		SAME_RESULT(lseek(fd, off, SEEK_HOLE), lseek(bfd, off, SEEK_HOLE));
	}
	/* the position moved where the backing's lseek said */
	EXPECT_EQ(lseek(bfd, 20000, SEEK_DATA), lseek(fd, 20000, SEEK_DATA));
	EXPECT_EQ(lseek(bfd, 0, SEEK_CUR), lseek(fd, 0, SEEK_CUR));
	close(bfd);
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0, td_count(&self->td, FUSE_LSEEK));
	EXPECT_TRUE(no_data_requests(_metadata, &self->td));
}

TEST_F(backing, xattrs)
{
	char path[128], bpath[128], val[64], list[256];
	ssize_t n;

	/* let uid 1234 look in the directory */
	ASSERT_EQ(0, chmod(self->backing, 0755));
	ASSERT_EQ(0, chmod(self->mnt, 0755));
	ASSERT_EQ(0, fstatat(self->mfd, "file", &(struct stat){}, 0));
	td_reset(&self->td);
	snprintf(path, sizeof(path), "%s/file", self->mnt);
	snprintf(bpath, sizeof(bpath), "%s/file", self->backing);
	ASSERT_EQ(0, setxattr(path, "user.colour", "blue", 4, XATTR_CREATE));
	EXPECT_EQ(-1, setxattr(path, "user.colour", "red", 3, XATTR_CREATE));
	EXPECT_EQ(EEXIST, errno);
	ASSERT_EQ(0, setxattr(path, "trusted.t", "tt", 2, 0));
	EXPECT_EQ(4, getxattr(bpath, "user.colour", val, sizeof(val)));
	EXPECT_EQ(0, memcmp(val, "blue", 4));
	EXPECT_EQ(4, getxattr(path, "user.colour", val, sizeof(val)));
	EXPECT_EQ(4, getxattr(path, "user.colour", NULL, 0));
	EXPECT_EQ(-1, getxattr(path, "user.none", val, sizeof(val)));
	EXPECT_EQ(ENODATA, errno);
	n = listxattr(path, list, sizeof(list));
	EXPECT_EQ(listxattr(bpath, val, 0), n);
	EXPECT_EQ(0, removexattr(path, "user.colour"));
	EXPECT_EQ(-1, getxattr(bpath, "user.colour", val, sizeof(val)));
	EXPECT_EQ(ENODATA, errno);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_EQ(0, td_count(&self->td, FUSE_SETXATTR));
	EXPECT_EQ(0, td_count(&self->td, FUSE_GETXATTR));
	EXPECT_EQ(0, td_count(&self->td, FUSE_LISTXATTR));
	EXPECT_EQ(0, td_count(&self->td, FUSE_REMOVEXATTR));
}

/* What opening @name in @dir gives uid 1234, gid 2345: 0 or an errno. */
static int open_as_user(int dir, const char *name, int flags)
{
	int status, fd;
	pid_t pid = fork();

	if (!pid) {
		if (setgid(2345) || setuid(1234))
			_exit(255);
		fd = openat(dir, name, flags);
		_exit(fd < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* What writing "w" to @name in @dir as uid 1234 gives: 0 or an errno. */
static int write_as_user(int dir, const char *name)
{
	int status, fd;
	pid_t pid = fork();

	if (!pid) {
		if (setgid(2345) || setuid(1234))
			_exit(255);
		fd = openat(dir, name, O_WRONLY);
		_exit(fd < 0 ? errno : write(fd, "w", 1) == 1 ? 0 : errno);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(backing, write_by_another_user_clears_suid)
{
	struct stat m, b;

	/* the same file twice: written directly, and through the mount */
	ASSERT_EQ(0, chmod(self->backing, 0755));
	ASSERT_EQ(0, chmod(self->mnt, 0755));
	ASSERT_EQ(0, put_file(self->bfd, "direct", "x", 1, 06757));
	ASSERT_EQ(0, fchmodat(self->bfd, "direct", 06757, 0));
	ASSERT_EQ(0, fchmodat(self->bfd, "file", 06757, 0));
	ASSERT_EQ(0, fstatat(self->mfd, "file", &m, 0));
	EXPECT_EQ(06757, m.st_mode & 07777);
	EXPECT_EQ(0, write_as_user(self->bfd, "direct"));
	EXPECT_EQ(0, write_as_user(self->mfd, "file"));
	ASSERT_EQ(0, fstatat(self->bfd, "direct", &b, 0));
	ASSERT_EQ(0, fstatat(self->mfd, "file", &m, 0));
	EXPECT_EQ(b.st_mode & 07777, m.st_mode & 07777);
	EXPECT_EQ(0, m.st_mode & (S_ISUID | S_ISGID));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
}

TEST_F(backing, posix_acl)
{
	char path[128], bpath[128], val[128];

	/* let uid 1234 look in the directory */
	ASSERT_EQ(0, chmod(self->backing, 0755));
	ASSERT_EQ(0, chmod(self->mnt, 0755));
	ASSERT_EQ(0, fstatat(self->mfd, "file", &(struct stat){}, 0));
	td_reset(&self->td);
	snprintf(path, sizeof(path), "%s/file", self->mnt);
	snprintf(bpath, sizeof(bpath), "%s/file", self->backing);
	ASSERT_EQ(0, setxattr(path, "system.posix_acl_access", &test_acl,
			      sizeof(test_acl), 0));
	EXPECT_EQ(sizeof(test_acl), getxattr(bpath, "system.posix_acl_access",
					val, sizeof(val)));
	EXPECT_EQ(0, memcmp(val, &test_acl, sizeof(test_acl)));
	EXPECT_EQ(sizeof(test_acl), getxattr(path, "system.posix_acl_access",
					val, sizeof(val)));
	EXPECT_EQ(0, memcmp(val, &test_acl, sizeof(test_acl)));
	/* the ACL set the mode's group bits to the mask */
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	/* the ACL, not the mode's "other" bits, lets uid 1234 read */
	EXPECT_EQ(0, open_as_user(self->bfd, "file", O_RDONLY));
	EXPECT_EQ(0, open_as_user(self->mfd, "file", O_RDONLY));
	EXPECT_EQ(EACCES, open_as_user(self->bfd, "file", O_WRONLY));
	EXPECT_EQ(EACCES, open_as_user(self->mfd, "file", O_WRONLY));
	EXPECT_EQ(0, removexattr(path, "system.posix_acl_access"));
	EXPECT_EQ(-1, getxattr(bpath, "system.posix_acl_access", val,
			       sizeof(val)));
	EXPECT_EQ(ENODATA, errno);
	EXPECT_EQ(EACCES, open_as_user(self->bfd, "file", O_RDONLY));
	EXPECT_EQ(EACCES, open_as_user(self->mfd, "file", O_RDONLY));
	EXPECT_EQ(0, td_count(&self->td, FUSE_SETXATTR));
	EXPECT_EQ(0, td_count(&self->td, FUSE_GETXATTR));
}

TEST_F(backing, posix_and_flock_locks)
{
	int fd = open_file(_metadata, self->mfd, &self->td, O_RDWR);
	struct flock fl = {
		.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10,
		.l_len = 20,
	};
	int status, fd2;
	pid_t pid;

	ASSERT_EQ(0, fcntl(fd, F_SETLK, &fl));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct flock t = fl;

		/* another process sees the lock and cannot take it */
		if (fcntl(fd, F_GETLK, &t) || t.l_type != F_WRLCK ||
		    t.l_pid != getppid())
			_exit(1);
		_exit(fcntl(fd, F_SETLK, &fl) == -1 &&
		      (errno == EAGAIN || errno == EACCES) ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	ASSERT_EQ(0, flock(fd, LOCK_EX));
	fd2 = openat(self->mfd, "file", O_RDONLY);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-1, flock(fd2, LOCK_EX | LOCK_NB));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_EQ(0, flock(fd, LOCK_UN));
	EXPECT_EQ(0, flock(fd2, LOCK_EX | LOCK_NB));
	close(fd2);
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0, td_count(&self->td, FUSE_GETLK));
	EXPECT_EQ(0, td_count(&self->td, FUSE_SETLK));
	EXPECT_EQ(0, td_count(&self->td, FUSE_SETLKW));
}

TEST_F(backing, copy_file_range)
{
	int in = open_file(_metadata, self->mfd, &self->td, O_RDONLY);
	int out, plain;
	loff_t off_in = 100, off_out = 0;

	ASSERT_EQ(0, put_file(self->bfd, "dst", "", 0, 0644));
	out = openat(self->mfd, "dst", O_RDWR);
	ASSERT_LE(0, out);
	/* backed to backed: the backing copies */
	ASSERT_EQ(5000, copy_file_range(in, &off_in, out, &off_out, 5000, 0));
	ASSERT_EQ(5000, get_file(self->bfd, "dst", self->buf, DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data + 100, 5000));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "dst"));
	/* backed to a plain FUSE file: the generic copy */
	self->td.ctl->ext_len = 0;
	ASSERT_EQ(0, put_file(self->bfd, "plain", "", 0, 0644));
	plain = openat(self->mfd, "plain", O_RDWR);
	ASSERT_LE(0, plain);
	off_in = 0;
	off_out = 0;
	ASSERT_EQ(3000, copy_file_range(in, &off_in, plain, &off_out, 3000,
					0));
	ASSERT_EQ(3000, get_file(self->bfd, "plain", self->buf, DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, 3000));
	close(plain);
	close(out);
	EXPECT_EQ(0, close(in));
	EXPECT_EQ(0, td_count(&self->td, FUSE_COPY_FILE_RANGE));
}

TEST_F(backing, tmpfile_then_linked)
{
	int mtree, btree, fd;
	struct stat s;

	open_tree(_metadata, self->mfd, self->bfd, &self->td, &mtree, &btree);
	fd = openat(mtree, ".", O_TMPFILE | O_RDWR, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(DATA_SIZE, write(fd, self->data, DATA_SIZE));
	ASSERT_EQ(0, fstat(fd, &s));
	EXPECT_EQ(0, s.st_nlink);
	EXPECT_EQ(DATA_SIZE, s.st_size);
	ASSERT_EQ(0, linkat(fd, "", mtree, "named", AT_EMPTY_PATH));
	EXPECT_EQ(DATA_SIZE, get_file(btree, "named", self->buf, DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "named"));
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0, td_count(&self->td, FUSE_TMPFILE));
	EXPECT_TRUE(no_namespace_requests(_metadata, &self->td));
	close(btree);
	close(mtree);
}

TEST_F(backing, backing_removed_underneath)
{
	struct stat s;
	int fd;

	/*
	 * a cached dentry the daemon said is valid for a day: still cached
	 * at the walk after the unlink, however slow the guest
	 */
	self->td.ctl->entry_valid = 86400;
	fd = open_file(_metadata, self->mfd, &self->td, O_RDONLY);
	ASSERT_EQ(0, fstatat(self->mfd, "file", &s, 0));
	ASSERT_EQ(0, unlinkat(self->bfd, "file", 0));
	EXPECT_EQ(-1, fstatat(self->mfd, "file", &s, 0));
	EXPECT_EQ(ENOENT, errno);
	/* the open file still reads its (now unlinked) backing */
	ASSERT_EQ(DATA_SIZE, pread(fd, self->buf, DATA_SIZE, 0));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	EXPECT_EQ(0, fstat(fd, &s));
	EXPECT_EQ(0, s.st_nlink);
	/* a new file of the same name is a new node */
	ASSERT_EQ(0, put_file(self->bfd, "file", "new", 3, 0644));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_EQ(0, close(fd));
}

TEST_F(backing, fsync_dir_and_inode_flags)
{
	int mtree, btree, dfd, fd, bfd, flags = 0;

	open_tree(_metadata, self->mfd, self->bfd, &self->td, &mtree, &btree);
	dfd = openat(mtree, ".", O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, dfd);
	EXPECT_EQ(0, fsync(dfd));
	close(dfd);
	ASSERT_EQ(0, put_file(btree, "f", "f", 1, 0644));
	fd = openat(mtree, "f", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, FS_IOC_GETFLAGS, &flags));
	flags |= FS_NODUMP_FL;
	ASSERT_EQ(0, ioctl(fd, FS_IOC_SETFLAGS, &flags));
	bfd = openat(btree, "f", O_RDONLY);
	ASSERT_LE(0, bfd);
	flags = 0;
	ASSERT_EQ(0, ioctl(bfd, FS_IOC_GETFLAGS, &flags));
	EXPECT_TRUE(flags & FS_NODUMP_FL);
	EXPECT_TRUE(same_as_backing(_metadata, mtree, btree, "f"));
	close(bfd);
	close(fd);
	EXPECT_EQ(0, td_count(&self->td, FUSE_FSYNCDIR));
	EXPECT_EQ(0, td_count(&self->td, FUSE_IOCTL));
	close(btree);
	close(mtree);
}

/* The names of @d from where it stands, in order, into @names. */
static int read_names(DIR *d, char names[][16], int max)
{
	struct dirent *de;
	int n = 0;

	while (n < max && (de = readdir(d)))
		snprintf(names[n++], 16, "%.15s", de->d_name);
	return n;
}

TEST_F(backing, rewinddir_and_seekdir)
{
	char first[40][16], again[40][16];
	int mtree, btree, fd, n, i;
	long pos;
	DIR *d;

	open_tree(_metadata, self->mfd, self->bfd, &self->td, &mtree, &btree);
	for (i = 0; i < 30; i++) {
		snprintf(first[0], 16, "e%02d", i);
		ASSERT_EQ(0, put_file(btree, first[0], "", 0, 0644));
	}
	fd = openat(mtree, ".", O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, fd);
	d = fdopendir(fd);
	ASSERT_NE(NULL, d);
	n = read_names(d, first, 40);
	EXPECT_EQ(32, n);
	rewinddir(d);
	EXPECT_EQ(n, read_names(d, again, 40));
	for (i = 0; i < n; i++)
		EXPECT_STREQ(first[i], again[i]);
	/* seekdir to where the 11th entry was told */
	rewinddir(d);
	read_names(d, again, 10);
	pos = telldir(d);
	read_names(d, again, 5);
	seekdir(d, pos);
	EXPECT_EQ(n - 10, read_names(d, again, 40));
	EXPECT_STREQ(first[10], again[0]);
	closedir(d);
	close(btree);
	close(mtree);
}

TEST_HARNESS_MAIN
