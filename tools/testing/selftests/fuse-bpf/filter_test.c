// SPDX-License-Identifier: GPL-2.0
/*
 * BPF filters attached at lookup: each file of the backing directory is
 * looked up with the fuse_ops instance of the same name (progs/filters),
 * which decides what goes to the backing and what to the daemon.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include <bpf/libbpf.h>
#include <liburing.h>
#include <linux/fs.h>
#include <linux/fuse.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"
#include "ram0.h"
#include "filters.skel.h"
#include "bad_write.skel.h"
#include "bad_sleep.skel.h"
#include "every.skel.h"

#define DATA_SIZE	8192

FIXTURE(filter) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	int bfd;
	int mfd;
	struct test_daemon td;
	struct filters *skel;
	char data[DATA_SIZE];
	char buf[DATA_SIZE];
};

/*
 * Mount @backing on @mnt and register the instances of progs/filters
 * with the daemon, which must not inherit the links (they go with their
 * loader, the test): the loaded filters, or NULL.
 */
static struct filters *mount_filtered(struct test_daemon *td,
				      const char *backing, const char *mnt,
				      int *mfd)
{
	struct filters *skel;

	if (mount_dirs(td, backing, mnt, TD_BPF, mfd))
		return NULL;
	skel = filters__open_and_load();
	if (skel && (filters__attach(skel) ||
		     td_register_skel(td, skel->skeleton))) {
		filters__destroy(skel);
		skel = NULL;
	}
	return skel;
}

FIXTURE_SETUP(filter)
{
	static const char * const files[] = {
		"to_user", "hybrid", "short", "deny", "clamp", "observe",
		"daemon_post", "bad_code", "daemon_pre", "flags",
	};
	size_t i;

	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	fill(self->data, DATA_SIZE, 3);
	for (i = 0; i < ARRAY_SIZE(files); i++)
		ASSERT_EQ(0, put_file(self->bfd, files[i], self->data,
				      DATA_SIZE, 0644));
	ASSERT_EQ(0, mkdirat(self->bfd, "names", 0755));
	ASSERT_EQ(0, mkdirat(self->bfd, "ns_user", 0755));
	ASSERT_EQ(0, mkdirat(self->bfd, "ns_user/sub", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "ns_user/f", "f", 1, 0644));
	ASSERT_EQ(0, mkdirat(self->bfd, "ns_deny", 0755));
	ASSERT_EQ(0, mkdirat(self->bfd, "ns_post", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "ns_deny/victim", "v", 1, 0644));
	ASSERT_EQ(0, mkdirat(self->bfd, "no_write", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "no_write/f", "f", 1, 0666));
	ASSERT_EQ(0, mkdirat(self->bfd, "hide", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "hide/hidden", "h", 1, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "hide/visible", "v", 1, 0644));
	ASSERT_EQ(0, mkdirat(self->bfd, "rename", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "rename/b_one", "1", 1, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "rename/s_clash", "c", 1, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "rename/plain", "p", 1, 0644));
	ASSERT_EQ(0, mkdirat(self->bfd, "dirops", 0755));
	ASSERT_EQ(0, mkdirat(self->bfd, "dirops/sub", 0755));
	ASSERT_EQ(0, symlinkat("target123", self->bfd, "dirops/link"));
	ASSERT_EQ(0, put_file(self->bfd, "names/daemon", "d", 1, 0644));
	for (i = 0; i < 2; i++) {
		const char *d = i ? "all_post" : "all_user";
		char p[64];

		ASSERT_EQ(0, mkdirat(self->bfd, d, 0755));
		snprintf(p, sizeof(p), "%s/f", d);
		ASSERT_EQ(0, put_file(self->bfd, p, "abc", 3, 0644));
		snprintf(p, sizeof(p), "%s/ln", d);
		ASSERT_EQ(0, symlinkat("f", self->bfd, p));
		snprintf(p, sizeof(p), "%s/victim", d);
		ASSERT_EQ(0, put_file(self->bfd, p, "v", 1, 0644));
		snprintf(p, sizeof(p), "%s/empty", d);
		ASSERT_EQ(0, mkdirat(self->bfd, p, 0755));
	}
	ASSERT_EQ(0, put_file(self->bfd, "names/kernel", "k", 1, 0644));

	self->skel = mount_filtered(&self->td, self->backing, self->mnt,
				    &self->mfd);
	ASSERT_NE(NULL, self->skel);
}

FIXTURE_TEARDOWN(filter)
{
	close(self->mfd);
	close(self->bfd);
	EXPECT_EQ(0, td_stop(&self->td));
	filters__destroy(self->skel);
}

/* Look @name up with the instance of the same name and open it. */
static int open_filtered(struct __test_metadata *_metadata, int mfd,
			 struct test_daemon *td, const char *name, int flags)
{
	struct stat s;
	int fd;

	td->ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
	snprintf(td->ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "%s", name);
	EXPECT_EQ(0, fstatat(mfd, name, &s, 0));
	td_reset(td);
	fd = openat(mfd, name, flags | O_CLOEXEC);
	EXPECT_LE(0, fd);
	return fd;
}

TEST_F(filter, user_sends_read_to_daemon)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "to_user", O_RDONLY);
	char want[100];

	self->td.ctl->read_fill = 'Z';
	memset(want, 'Z', sizeof(want));
	ASSERT_EQ(sizeof(want), read(fd, self->buf, sizeof(want)));
	EXPECT_EQ(0, memcmp(self->buf, want, sizeof(want)));
	EXPECT_EQ(1, td_count(&self->td, FUSE_OPEN));
	EXPECT_EQ(1, td_count(&self->td, FUSE_READ));
	ASSERT_EQ(sizeof(want), read(fd, self->buf, sizeof(want)));
	EXPECT_EQ(2, td_count(&self->td, FUSE_READ));
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(1, wait_count(&self->td, FUSE_RELEASE, 1));
}

TEST_F(filter, postfilter_changes_result)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "short", O_RDONLY);

	EXPECT_EQ(1, read(fd, self->buf, DATA_SIZE));
	EXPECT_EQ(self->data[0], self->buf[0]);
	/* the position moved by what the caller was told */
	EXPECT_EQ(1, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(1, read(fd, self->buf, DATA_SIZE));
	EXPECT_EQ(self->data[1], self->buf[0]);
	EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
	EXPECT_EQ(0, close(fd));
}

TEST_F(filter, prefilter_denies)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "deny", O_RDWR);
	int out = openat(self->bfd, "out", O_WRONLY | O_CREAT, 0644);

	EXPECT_EQ(-1, read(fd, self->buf, DATA_SIZE));
	EXPECT_EQ(EACCES, errno);
	/* only reads: writes reach the backing */
	ASSERT_EQ(5, pwrite(fd, "write", 5, 0));
	ASSERT_EQ(5, get_file(self->bfd, "deny", self->buf, 5));
	EXPECT_EQ(0, memcmp(self->buf, "write", 5));
	/* the read prefilter decides for sendfile (busybox cat) and mmap */
	EXPECT_EQ(-1, sendfile(out, fd, NULL, 10));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
	EXPECT_EQ(0, td_count(&self->td, FUSE_WRITE));
	EXPECT_EQ(0, close(fd));
	close(out);
}

TEST_F(filter, invalid_result_fails_cleanly)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "bad_code",
			       O_RDONLY);

	EXPECT_EQ(-1, read(fd, self->buf, 10));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
	EXPECT_EQ(0, close(fd));
}

TEST_F(filter, prefilter_clamps_size)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "clamp", O_RDONLY);

	EXPECT_EQ(100, read(fd, self->buf, 4096));
	EXPECT_EQ(4096, self->skel->bss->read_size_seen);
	EXPECT_EQ(0, memcmp(self->buf, self->data, 100));
	/* the file position moved by what was read */
	EXPECT_EQ(100, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(0, close(fd));
}

TEST_F(filter, forbidden_write_refused_at_load)
{
	struct bad_write *bad = bad_write__open_and_load();

	EXPECT_EQ(NULL, bad);
	bad_write__destroy(bad);
}

TEST_F(filter, sleepable_filter_refused_at_load)
{
	struct bad_sleep *bad = bad_sleep__open_and_load();

	EXPECT_EQ(NULL, bad);
	bad_sleep__destroy(bad);
}

TEST_F(filter, aio_postfilter_sees_completion)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "observe", O_RDWR);
	struct io_uring_cqe *cqe;
	struct io_uring ring;

	ASSERT_EQ(0, io_uring_queue_init(4, &ring, 0));
	io_uring_prep_read(io_uring_get_sqe(&ring), fd, self->buf, 5000, 100);
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(5000, cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(5000, self->skel->bss->read_seen);
	EXPECT_EQ(0, memcmp(self->buf, self->data + 100, 5000));

	io_uring_prep_write(io_uring_get_sqe(&ring), fd, "abc", 3,
			    DATA_SIZE);
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, io_uring_wait_cqe(&ring, &cqe));
	EXPECT_EQ(3, cqe->res);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(3, self->skel->bss->write_seen);
	io_uring_queue_exit(&ring);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "observe"));
	EXPECT_EQ(0, close(fd));
}

/* One read or write of @len at @off through io_uring: its result. */
static int uring_rw(int fd, bool write, void *buf, unsigned int len,
		    off_t off)
{
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	int ret = io_uring_queue_init(2, &ring, 0);

	if (ret)
		return ret;
	if (write)
		io_uring_prep_write(io_uring_get_sqe(&ring), fd, buf, len, off);
	else
		io_uring_prep_read(io_uring_get_sqe(&ring), fd, buf, len, off);
	ret = io_uring_submit(&ring);
	if (ret == 1)
		ret = io_uring_wait_cqe(&ring, &cqe);
	else if (ret >= 0)
		ret = -EIO;
	if (!ret) {
		ret = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	return ret;
}

/*
 * Non-blocking I/O of filtered files backed on ext4 (tmpfs takes no
 * RWF_NOWAIT on 6.12). Each file is looked up through the daemon, which
 * answers for it from the file of the same name in its own directory.
 */
FIXTURE(nowait) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	char ext[DIR_PATH_LEN];
	int bfd;
	int mfd;
	int efd;
	struct test_daemon td;
	struct filters *skel;
	struct iovec iov;
	char data[DATA_SIZE];
	char buf[DATA_SIZE];
};

FIXTURE_SETUP(nowait)
{
	static const char * const files[] = {
		"observe", "to_user", "hybrid", "daemon_pre", "daemon_post",
	};
	char path[2 * DIR_PATH_LEN];
	size_t i;
	int fd;

	self->efd = -1;
	snprintf(self->ext, DIR_PATH_LEN, "/tmp/ext4-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->ext));
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	ASSERT_EQ(0, mkfs_ram0(_metadata, ""));
	ASSERT_EQ(0, mount("/dev/ram0", self->ext, "ext4", 0, NULL));
	self->efd = open(self->ext, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->efd);
	fill(self->data, DATA_SIZE, 3);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		ASSERT_EQ(0, put_file(self->bfd, files[i], self->data,
				      DATA_SIZE, 0644));
		ASSERT_EQ(0, put_file(self->efd, files[i], self->data,
				      DATA_SIZE, 0644));
	}
	/* never written, so that its inode is not known to lack privileges */
	ASSERT_EQ(0, put_file(self->bfd, "xattr_user", "", 0, 0644));
	snprintf(path, sizeof(path), "%s/xattr_user", self->ext);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	self->skel = mount_filtered(&self->td, self->backing, self->mnt,
				    &self->mfd);
	ASSERT_NE(NULL, self->skel);
	self->iov.iov_base = self->buf;
	self->iov.iov_len = 100;
}

FIXTURE_TEARDOWN(nowait)
{
	close(self->mfd);
	close(self->bfd);
	EXPECT_EQ(0, td_stop(&self->td));
	filters__destroy(self->skel);
	close(self->efd);
	EXPECT_EQ(0, umount2(self->ext, MNT_DETACH));
	rmdir(self->ext);
}

/*
 * Look @name up backed by the file of that name in @dir, with the instance
 * of that name, and open it.
 */
static int open_backed_by(struct __test_metadata *_metadata, int mfd,
			  struct test_daemon *td, const char *dir,
			  const char *name, int flags)
{
	int fd;

	snprintf(td->ctl->backing_path, PATH_MAX, "%s/%s", dir, name);
	fd = open_filtered(_metadata, mfd, td, name, flags);
	td->ctl->backing_path[0] = 0;
	return fd;
}

/*
 * A BPF filter alone: non-blocking I/O as on the backing, in line; the
 * postfilter is not told of a try the backing refused.
 */
TEST_F(nowait, bpf_filter_as_the_backing)
{
	int fd, err, bfd = openat(self->efd, "observe", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, bfd);
	/* cached: at once; ext4 takes no non-blocking buffered write */
	ASSERT_EQ(100, preadv2(bfd, &self->iov, 1, 0, RWF_NOWAIT));
	ASSERT_EQ(-1, pwritev2(bfd, &self->iov, 1, 0, RWF_NOWAIT));
	err = errno;
	close(bfd);
	fd = open_backed_by(_metadata, self->mfd, &self->td,
			    self->ext, "observe", O_RDWR);
	/* the backing inode, held now, is known to need no privs check */
	ASSERT_EQ(100, pwrite(fd, self->data, 100, 0));
	memset(self->buf, 0, 100);
	ASSERT_EQ(100, preadv2(fd, &self->iov, 1, 100, RWF_NOWAIT));
	EXPECT_EQ(0, memcmp(self->buf, self->data + 100, 100));
	EXPECT_EQ(100, self->skel->bss->read_seen);
	self->skel->bss->write_seen = 1;
	EXPECT_EQ(-1, pwritev2(fd, &self->iov, 1, 0, RWF_NOWAIT));
	EXPECT_EQ(err, errno);
	EXPECT_EQ(1, self->skel->bss->write_seen);
	EXPECT_EQ(0, close(fd));
}

struct nowait_write {
	int fd;
	ssize_t ret;
	int err;
	int done;
};

static void *nowait_write(void *arg)
{
	struct nowait_write *w = arg;
	struct iovec iov = { "frozen", 6 };

	w->ret = pwritev2(w->fd, &iov, 1, 0, RWF_NOWAIT);
	w->err = errno;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A non-blocking write does not wait for a frozen backing to thaw (one
 * that waits is let go by the thaw after WAIT_SECS, and fails the test).
 */
TEST_F(nowait, frozen_backing_not_waited_for)
{
	int fd = open_backed_by(_metadata, self->mfd, &self->td,
				self->ext, "observe", O_RDWR);
	int dfd = open(self->ext, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct nowait_write w = { .fd = fd };
	bool done = false;
	pthread_t t;

	ASSERT_LE(0, dfd);
	/* the backing inode, held now, is known to need no privs check */
	ASSERT_EQ(100, pwrite(fd, self->data, 100, 0));
	ASSERT_EQ(0, ioctl(dfd, FIFREEZE, 0));
	if (!pthread_create(&t, NULL, nowait_write, &w)) {
		done = WAIT_UNTIL(__atomic_load_n(&w.done, __ATOMIC_ACQUIRE));
		EXPECT_EQ(0, ioctl(dfd, FITHAW, 0));
		pthread_join(t, NULL);
	} else {
		EXPECT_EQ(0, ioctl(dfd, FITHAW, 0));
	}
	EXPECT_TRUE(done);
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(EAGAIN, w.err);
	close(dfd);
	EXPECT_EQ(0, close(fd));
}

/*
 * USER: a non-blocking try fails with EAGAIN before the daemon is asked;
 * io_uring tries in line, then from its worker, which asks the daemon.
 */
TEST_F(nowait, user_read_from_the_worker)
{
	int fd = open_backed_by(_metadata, self->mfd, &self->td,
				self->ext, "to_user", O_RDONLY);
	char want[100];

	self->td.ctl->read_fill = 'Z';
	memset(want, 'Z', sizeof(want));
	self->skel->bss->user_read_calls = 0;
	EXPECT_EQ(-1, preadv2(fd, &self->iov, 1, 0, RWF_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
	EXPECT_EQ(1, self->skel->bss->user_read_calls);
	EXPECT_EQ(100, uring_rw(fd, false, self->buf, 100, 0));
	EXPECT_EQ(0, memcmp(self->buf, want, sizeof(want)));
	EXPECT_EQ(1, td_count(&self->td, FUSE_READ));
	EXPECT_EQ(3, self->skel->bss->user_read_calls);
	EXPECT_EQ(0, close(fd));
}

/* Writes too; the daemon writes its own file */
TEST_F(nowait, user_write_from_the_worker)
{
	int fd = open_backed_by(_metadata, self->mfd, &self->td,
				self->ext, "hybrid", O_RDWR);

	self->skel->bss->user_write_calls = 0;
	EXPECT_EQ(-1, pwritev2(fd, &self->iov, 1, 0, RWF_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, td_count(&self->td, FUSE_WRITE));
	EXPECT_EQ(6, uring_rw(fd, true, "daemon", 6, 10));
	EXPECT_EQ(1, td_count(&self->td, FUSE_WRITE));
	/* a buffered write goes to io_uring's worker without a first try */
	EXPECT_EQ(2, self->skel->bss->user_write_calls);
	ASSERT_EQ(100, get_file(self->bfd, "hybrid", self->buf, 100));
	EXPECT_EQ(0, memcmp(self->buf, self->data, 10));
	EXPECT_EQ(0, memcmp(self->buf + 10, "daemon", 6));
	EXPECT_EQ(0, memcmp(self->buf + 16, self->data + 16, 84));
	EXPECT_EQ(0, close(fd));
}

/* A daemon prefilter or postfilter: the daemon is asked from the worker */
TEST_F(nowait, daemon_filters_from_the_worker)
{
	static const char * const names[] = { "daemon_pre", "daemon_post" };
	static const unsigned int flag[] = { FUSE_BPF_OPCODE_PREFILTER,
					     FUSE_BPF_OPCODE_POSTFILTER };
	int fd, i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		fd = open_backed_by(_metadata, self->mfd, &self->td,
				    self->ext, names[i], O_RDONLY);
		self->td.ctl->filter_opcode = 0;
		EXPECT_EQ(-1, preadv2(fd, &self->iov, 1, 0, RWF_NOWAIT));
		EXPECT_EQ(EAGAIN, errno);
		EXPECT_EQ(0, self->td.ctl->filter_opcode);
		memset(self->buf, 0, 100);
		EXPECT_EQ(100, uring_rw(fd, false, self->buf, 100, 0));
		EXPECT_EQ(0, memcmp(self->buf, self->data, 100));
		EXPECT_EQ(FUSE_READ | flag[i], self->td.ctl->filter_opcode);
		EXPECT_EQ(0, close(fd));
	}
}

/*
 * Whether a write strips privileges is asked of the FUSE inode, here of
 * the daemon: not by a non-blocking write, but from io_uring's worker.
 */
TEST_F(nowait, privileges_from_the_worker)
{
	int fd = open_backed_by(_metadata, self->mfd, &self->td,
				self->ext, "xattr_user", O_RDWR);

	EXPECT_EQ(-1, pwritev2(fd, &self->iov, 1, 0, RWF_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, td_count(&self->td, FUSE_GETXATTR));
	EXPECT_EQ(6, uring_rw(fd, true, "worker", 6, 0));
	EXPECT_EQ(1, td_count(&self->td, FUSE_GETXATTR));
	EXPECT_EQ(6, get_file(self->efd, "xattr_user", self->buf, 100));
	EXPECT_EQ(0, memcmp(self->buf, "worker", 6));
	EXPECT_EQ(0, close(fd));
}

TEST_F(filter, hybrid_write_by_daemon)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "hybrid", O_RDWR);

	ASSERT_EQ(6, pwrite(fd, "daemon", 6, DATA_SIZE + 10));
	EXPECT_EQ(1, td_count(&self->td, FUSE_WRITE));
	/* the daemon wrote the backing file: stat shows its size and times */
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "hybrid"));
	ASSERT_EQ(6, pread(fd, self->buf, 6, DATA_SIZE + 10));
	EXPECT_EQ(0, memcmp(self->buf, "daemon", 6));
	EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
	EXPECT_EQ(0, td_count(&self->td, FUSE_GETATTR));
	EXPECT_EQ(0, close(fd));
}

TEST_F(filter, user_postfilter_tells_daemon)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "daemon_post", O_RDONLY);

	ASSERT_EQ(300, read(fd, self->buf, 300));
	EXPECT_EQ(FUSE_READ | FUSE_BPF_OPCODE_POSTFILTER,
		  self->td.ctl->filter_opcode);
	EXPECT_EQ(300, self->td.ctl->postfilter_seen);
	EXPECT_EQ(0, memcmp(self->buf, self->data, 300));
	/* an error in the daemon's reply replaces the result */
	self->td.ctl->postfilter_error = -EREMOTEIO;
	EXPECT_EQ(-1, read(fd, self->buf, 300));
	EXPECT_EQ(EREMOTEIO, errno);
	EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
	EXPECT_EQ(0, close(fd));
}

TEST_F(filter, user_prefilter_and_bad_daemon_replies)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "daemon_pre",
			       O_RDONLY);

	/* the daemon says backing */
	ASSERT_EQ(200, read(fd, self->buf, 200));
	EXPECT_EQ(0, memcmp(self->buf, self->data, 200));
	EXPECT_EQ(FUSE_READ | FUSE_BPF_OPCODE_PREFILTER,
		  self->td.ctl->filter_opcode);
	/* the daemon denies */
	self->td.ctl->prefilter_result = -EACCES;
	EXPECT_EQ(-1, read(fd, self->buf, 200));
	EXPECT_EQ(EACCES, errno);
	/* a decision that does not exist, a reply too short */
	self->td.ctl->prefilter_result = 42;
	EXPECT_EQ(-1, read(fd, self->buf, 200));
	EXPECT_EQ(EIO, errno);
	self->td.ctl->prefilter_result = FUSE_BPF_BACKING;
	self->td.ctl->filter_reply_trim = 8;
	EXPECT_EQ(-1, read(fd, self->buf, 200));
	EXPECT_EQ(EIO, errno);
	/* and the daemon carries on */
	self->td.ctl->filter_reply_trim = 0;
	EXPECT_EQ(200, read(fd, self->buf, 200));
	EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
	EXPECT_EQ(0, close(fd));
}

TEST_F(filter, lookup_prefilter_forwards_a_name)
{
	int mdir, bdir;

	self->td.ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
	snprintf(self->td.ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "names");
	mdir = openat(self->mfd, "names", O_PATH | O_DIRECTORY);
	ASSERT_LE(0, mdir);
	bdir = openat(self->bfd, "names", O_PATH | O_DIRECTORY);
	ASSERT_LE(0, bdir);
	td_reset(&self->td);
	EXPECT_TRUE(same_as_backing(_metadata, mdir, bdir, "kernel"));
	EXPECT_EQ(0, td_count(&self->td, FUSE_LOOKUP));
	EXPECT_TRUE(same_as_backing(_metadata, mdir, bdir, "daemon"));
	EXPECT_EQ(1, td_count(&self->td, FUSE_LOOKUP));
	EXPECT_EQ(1, get_file(mdir, "daemon", self->buf, 10));
	EXPECT_EQ('d', self->buf[0]);
	close(bdir);
	close(mdir);
}

/* Look directory @name up with the instance of the same name. */
static int open_filtered_dir(struct __test_metadata *_metadata, int mfd,
			     struct test_daemon *td, const char *name)
{
	int fd;

	td->ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
	snprintf(td->ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "%s", name);
	fd = openat(mfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	EXPECT_LE(0, fd);
	td_reset(td);
	return fd;
}

/*
 * Rename, link and copy_file_range as uid 1234, gid 2345, from a directory
 * without a filter into one filtered by "ids": the second filter is told
 * the caller's ids, as the first would be. Returns the child's status.
 */
static int ids_ops_as_user(int plain, int ids)
{
	int status, in, out, err = 0;
	pid_t pid = fork();

	if (!pid) {
		if (setgid(2345) || setuid(1234))
			_exit(255);
		err |= renameat(plain, "g", ids, "g") ? 1 : 0;
		err |= linkat(plain, "h", ids, "h", 0) ? 2 : 0;
		in = openat(plain, "src", O_RDONLY);
		out = openat(ids, "dst", O_WRONLY);
		if (in < 0 || out < 0 ||
		    copy_file_range(in, NULL, out, NULL, 3, 0) != 3)
			err |= 4;
		_exit(err);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) ? -WEXITSTATUS(status) : pid;
}

TEST_F(filter, second_filter_told_the_callers_ids)
{
	static const char * const files[] = { "plain/g", "plain/h",
					      "plain/src", "ids/dst" };
	/* uid, gid, pid, calls */
	__u32 *seen[] = { self->skel->bss->ids_rename,
			  self->skel->bss->ids_link,
			  self->skel->bss->ids_write };
	int plain, ids, pid;
	size_t i;

	ASSERT_EQ(0, mkdirat(self->bfd, "plain", 0777));
	ASSERT_EQ(0, mkdirat(self->bfd, "ids", 0777));
	ASSERT_EQ(0, fchmodat(self->bfd, "plain", 0777, 0));
	ASSERT_EQ(0, fchmodat(self->bfd, "ids", 0777, 0));
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		ASSERT_EQ(0, put_file(self->bfd, files[i], "abc", 3, 0666));
		ASSERT_EQ(0, fchmodat(self->bfd, files[i], 0666, 0));
	}
	/* the fixture's daemon gives no filter by default */
	plain = openat(self->mfd, "plain", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, plain);
	ids = open_filtered_dir(_metadata, self->mfd, &self->td, "ids");
	pid = ids_ops_as_user(plain, ids);
	ASSERT_LT(0, pid);
	for (i = 0; i < ARRAY_SIZE(seen); i++) {
		EXPECT_EQ(1, seen[i][3]);
		EXPECT_EQ(1234, seen[i][0]);
		EXPECT_EQ(2345, seen[i][1]);
		EXPECT_EQ(pid, seen[i][2]);
	}
	EXPECT_EQ(3, get_file(self->bfd, "ids/g", self->buf, 10));
	EXPECT_EQ(3, get_file(self->bfd, "ids/h", self->buf, 10));
	EXPECT_EQ(3, get_file(self->bfd, "ids/dst", self->buf, 10));
	EXPECT_EQ(0, td_count(&self->td, FUSE_RENAME));
	EXPECT_EQ(0, td_count(&self->td, FUSE_LINK));
	close(ids);
	close(plain);
}

TEST_F(filter, mkdir_and_rename_sent_to_daemon)
{
	int dir = open_filtered_dir(_metadata, self->mfd, &self->td,
				    "ns_user");

	ASSERT_EQ(0, mkdirat(dir, "by_daemon", 0750));
	EXPECT_EQ(1, td_count(&self->td, FUSE_MKDIR));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "ns_user/by_daemon"));
	/*
	 * A rename the filter forwards into "sub", which only the kernel
	 * knows: the daemon cannot be told, the rename fails cleanly.
	 */
	EXPECT_EQ(-1, renameat(dir, "f", dir, "sub/f"));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, td_count(&self->td, FUSE_RENAME));
	EXPECT_EQ(1, get_file(self->bfd, "ns_user/f", self->buf, 10));
	close(dir);
}

TEST_F(filter, unlink_and_setxattr_denied)
{
	int dir = open_filtered_dir(_metadata, self->mfd, &self->td,
				    "ns_deny");
	char path[128];

	EXPECT_EQ(-1, unlinkat(dir, "victim", 0));
	EXPECT_EQ(EPERM, errno);
	/* the children inherit the filter */
	snprintf(path, sizeof(path), "%s/ns_deny/victim", self->mnt);
	EXPECT_EQ(-1, setxattr(path, "user.x", "x", 1, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, td_count(&self->td, FUSE_SETXATTR));
	EXPECT_EQ(1, get_file(self->bfd, "ns_deny/victim", self->buf, 10));
	EXPECT_EQ(0, td_count(&self->td, FUSE_UNLINK));
	close(dir);
}

TEST_F(filter, rmdir_postfilter_changes_result)
{
	int dir = open_filtered_dir(_metadata, self->mfd, &self->td,
				    "ns_post");

	ASSERT_EQ(0, mkdirat(dir, "full", 0750));
	ASSERT_EQ(0, put_file(self->bfd, "ns_post/full/f", "f", 1, 0644));
	EXPECT_EQ(-1, unlinkat(dir, "full", AT_REMOVEDIR));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "ns_post/full"));
	ASSERT_EQ(0, unlinkat(dir, "full/f", 0));
	EXPECT_EQ(0, unlinkat(dir, "full", AT_REMOVEDIR));
	EXPECT_EQ(0, td_count(&self->td, FUSE_MKDIR));
	EXPECT_EQ(0, td_count(&self->td, FUSE_RMDIR));
	close(dir);
}

TEST_F(filter, access_filter_narrows)
{
	int dir = open_filtered_dir(_metadata, self->mfd, &self->td,
				    "no_write");

	/* even root: the filter refuses what the mode bits allow */
	EXPECT_EQ(-1, openat(dir, "f", O_WRONLY));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mkdirat(dir, "new", 0755));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(1, get_file(dir, "f", self->buf, 10));
	EXPECT_EQ(0, td_count(&self->td, FUSE_ACCESS));
	close(dir);
}

TEST_F(filter, readdir_hides_and_lookup_agrees)
{
	int dir = open_filtered_dir(_metadata, self->mfd, &self->td, "hide");
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY);
	bool visible = false, hidden = false;
	struct dirent *de;
	struct stat s;
	DIR *d;

	ASSERT_LE(0, fd);
	d = fdopendir(fd);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d))) {
		visible |= !strcmp(de->d_name, "visible");
		hidden |= !strcmp(de->d_name, "hidden");
	}
	closedir(d);
	EXPECT_TRUE(visible);
	EXPECT_FALSE(hidden);
	EXPECT_EQ(-1, fstatat(dir, "hidden", &s, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, openat(dir, "hidden", O_RDONLY));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "hide/visible"));
	EXPECT_EQ(0, fstatat(self->bfd, "hide/hidden", &s, 0));
	EXPECT_EQ(0, td_count(&self->td, FUSE_READDIR));
	close(dir);
}

/* Whether a listing of @dir has @name. */
static bool listed(int dir, const char *name)
{
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY);
	bool found = false;
	struct dirent *de;
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (!d)
		return false;
	while ((de = readdir(d)))
		found |= !strcmp(de->d_name, name);
	closedir(d);
	return found;
}

TEST_F(filter, readdir_renames_and_names_agree)
{
	int dir = open_filtered_dir(_metadata, self->mfd, &self->td, "rename");
	struct stat s, bs;
	int fd;

	/* listed under the filter's names, found under them and no other */
	EXPECT_TRUE(listed(dir, "s_one"));
	EXPECT_TRUE(listed(dir, "plain"));
	EXPECT_FALSE(listed(dir, "b_one"));
	EXPECT_FALSE(listed(dir, "s_clash"));
	ASSERT_EQ(0, fstatat(dir, "s_one", &s, 0));
	ASSERT_EQ(0, fstatat(self->bfd, "rename/b_one", &bs, 0));
	EXPECT_TRUE(same_stat(_metadata, &bs, &s));
	EXPECT_EQ(1, get_file(dir, "s_one", self->buf, 10));
	EXPECT_EQ('1', self->buf[0]);
	EXPECT_EQ(-1, fstatat(dir, "b_one", &s, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, fstatat(dir, "s_clash", &s, 0));
	EXPECT_EQ(ENOENT, errno);

	/* name operations use the backing names the prefilters give */
	fd = openat(dir, "s_new", O_CREAT | O_EXCL | O_WRONLY, 0600);
	ASSERT_LE(0, fd);
	EXPECT_EQ(3, write(fd, "new", 3));
	close(fd);
	EXPECT_EQ(3, get_file(self->bfd, "rename/b_new", self->buf, 10));
	EXPECT_TRUE(listed(dir, "s_new"));
	EXPECT_EQ(0, renameat(dir, "s_new", dir, "s_moved"));
	EXPECT_EQ(3, get_file(self->bfd, "rename/b_moved", self->buf, 10));
	EXPECT_EQ(-1, fstatat(self->bfd, "rename/b_new", &s, 0));
	EXPECT_EQ(0, unlinkat(dir, "s_moved", 0));
	EXPECT_EQ(-1, fstatat(self->bfd, "rename/b_moved", &s, 0));
	EXPECT_EQ(ENOENT, errno);

	/* a name that would be listed as another cannot be made */
	EXPECT_EQ(-1, openat(dir, "b_two", O_CREAT | O_WRONLY, 0600));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, fstatat(self->bfd, "rename/b_two", &s, 0));
	EXPECT_EQ(0, td_count(&self->td, FUSE_LOOKUP));
	EXPECT_EQ(0, td_count(&self->td, FUSE_CREATE));
	EXPECT_EQ(0, td_count(&self->td, FUSE_READDIR));
	close(dir);
}

TEST_F(filter, opendir_releasedir_statfs_readlink)
{
	int dir = open_filtered_dir(_metadata, self->mfd, &self->td, "dirops");
	char target[64];
	struct statfs st, bst;

	/* opendir goes to the daemon too; the listing is the backing's */
	EXPECT_TRUE(listed(dir, "sub"));
	EXPECT_EQ(1, self->skel->bss->opendir_calls);
	EXPECT_EQ(1, td_count(&self->td, FUSE_OPENDIR));
	EXPECT_EQ(0, td_count(&self->td, FUSE_READDIR));
	EXPECT_EQ(1, wait_count(&self->td, FUSE_RELEASEDIR, 1));
	EXPECT_EQ(1, self->skel->bss->releasedir_calls);

	/* the postfilters see the backing's answers and replace them */
	ASSERT_EQ(0, fstatfs(self->bfd, &bst));
	EXPECT_EQ(-1, fstatfs(dir, &st));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(bst.f_bsize, self->skel->bss->statfs_bsize_seen);
	EXPECT_EQ(-1, readlinkat(dir, "link", target, sizeof(target)));
	EXPECT_EQ(ENOLINK, errno);
	EXPECT_EQ(9, self->skel->bss->readlink_seen);
	EXPECT_EQ(0, td_count(&self->td, FUSE_STATFS));
	EXPECT_EQ(0, td_count(&self->td, FUSE_READLINK));
	close(dir);
}

TEST_F(filter, inode_flags_filtered)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "flags",
			       O_RDONLY);
	int bfd = openat(self->bfd, "flags", O_RDONLY);
	int flags = -1, bflags = -2, set = FS_NOATIME_FL;

	ASSERT_LE(0, bfd);
	ASSERT_EQ(0, ioctl(bfd, FS_IOC_GETFLAGS, &bflags));
	EXPECT_EQ(0, ioctl(fd, FS_IOC_GETFLAGS, &flags));
	EXPECT_EQ(bflags, flags);
	EXPECT_EQ(FS_IOC_GETFLAGS, self->skel->bss->ioctl_cmd_seen);
	EXPECT_EQ(0, self->skel->bss->ioctl_ret_seen);
	EXPECT_EQ(-1, ioctl(fd, FS_IOC_SETFLAGS, &set));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, ioctl(bfd, FS_IOC_GETFLAGS, &flags));
	EXPECT_EQ(bflags, flags);
	EXPECT_EQ(0, td_count(&self->td, FUSE_IOCTL));
	close(bfd);
	close(fd);
}

/* @call sends @opcode to the daemon. */
#define EXPECT_SENT(opcode, call) do {					\
	unsigned long __n = td_count(&self->td, opcode);		\
									\
	(void)(call);							\
	EXPECT_LT(__n, td_count(&self->td, opcode));			\
} while (0)

TEST_F(filter, every_operation_forwarded_to_the_daemon)
{
	struct every *every = every__open_and_load();
	int dir, fd, out;
	char buf[16] = "";
	struct statfs st;
	struct statx stx;
	int flags;

	ASSERT_NE(NULL, every);
	ASSERT_EQ(0, every__attach(every));
	ASSERT_EQ(0, td_register_skel(&self->td, every->skeleton));
	dir = open_filtered_dir(_metadata, self->mfd, &self->td, "all_user");
	EXPECT_SENT(FUSE_LOOKUP, fstatat(dir, "f", &(struct stat){}, 0));
	EXPECT_SENT(FUSE_GETATTR, statx(dir, "f", AT_STATX_FORCE_SYNC,
					STATX_BASIC_STATS, &stx));
	EXPECT_SENT(FUSE_SETATTR, fchmodat(dir, "f", 0600, 0));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "all_user/f"));
	EXPECT_SENT(FUSE_OPEN, fd = openat(dir, "f", O_RDWR));
	ASSERT_LE(0, fd);
	/* before a write, which asks for security.capability */
	EXPECT_SENT(FUSE_SETXATTR, fsetxattr(fd, "user.a", "1", 1, 0));
	EXPECT_SENT(FUSE_GETXATTR, fgetxattr(fd, "user.a", buf, sizeof(buf)));
	EXPECT_SENT(FUSE_LISTXATTR, flistxattr(fd, buf, sizeof(buf)));
	EXPECT_SENT(FUSE_REMOVEXATTR, fremovexattr(fd, "user.a"));
	memset(buf, 0, sizeof(buf));
	EXPECT_SENT(FUSE_READ, pread(fd, buf, sizeof(buf), 0));
	EXPECT_STREQ("abc", buf);
	EXPECT_SENT(FUSE_WRITE, pwrite(fd, "xyz", 3, 0));
	EXPECT_SENT(FUSE_FSYNC, fsync(fd));
	EXPECT_SENT(FUSE_FALLOCATE, fallocate(fd, 0, 0, 4096));
	EXPECT_SENT(FUSE_LSEEK, lseek(fd, 0, SEEK_DATA));
	EXPECT_SENT(FUSE_IOCTL, ioctl(fd, FS_IOC_GETFLAGS, &flags));
	/* between backed files: a daemon-made file is not backed */
	out = openat(dir, "victim", O_WRONLY);
	EXPECT_LE(0, out);
	EXPECT_SENT(FUSE_COPY_FILE_RANGE,
		    copy_file_range(fd, NULL, out, NULL, 3, 0));
	close(out);
	out = openat(dir, "copy", O_CREAT | O_EXCL | O_WRONLY, 0644);
	EXPECT_LE(0, out);
	EXPECT_EQ(1, td_count(&self->td, FUSE_CREATE));
	close(out);
	EXPECT_SENT(FUSE_FLUSH, close(fd));
	EXPECT_EQ(3, get_file(self->bfd, "all_user/f", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "xyz", 3));

	EXPECT_SENT(FUSE_MKNOD, mknodat(dir, "fifo", S_IFIFO | 0644, 0));
	EXPECT_SENT(FUSE_MKDIR, mkdirat(dir, "d", 0755));
	EXPECT_SENT(FUSE_SYMLINK, symlinkat("f", dir, "ln2"));
	EXPECT_SENT(FUSE_READLINK, readlinkat(dir, "ln", buf, sizeof(buf)));
	EXPECT_SENT(FUSE_LINK, linkat(dir, "f", dir, "hard", 0));
	EXPECT_SENT(FUSE_RENAME, renameat(dir, "copy", dir, "moved"));
	EXPECT_SENT(FUSE_UNLINK, unlinkat(dir, "victim", 0));
	EXPECT_SENT(FUSE_RMDIR, unlinkat(dir, "empty", AT_REMOVEDIR));
	EXPECT_SENT(FUSE_OPENDIR, close(openat(dir, ".", O_RDONLY)));
	EXPECT_SENT(FUSE_STATFS, fstatfs(dir, &st));
	/* what the daemon did, it did in the backing */
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "all_user/fifo"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "all_user/d"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "all_user/hard"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "all_user/moved"));
	EXPECT_EQ(-1, fstatat(self->bfd, "all_user/victim", &(struct stat){},
			      0));
	EXPECT_EQ(-1, fstatat(self->bfd, "all_user/empty", &(struct stat){},
			      0));
	close(dir);
	every__destroy(every);
}

/* The FOPEN_* flags of the daemon's reply to a forwarded open hold. */
TEST_F(filter, forwarded_open_keeps_daemon_flags)
{
	struct every *every = every__open_and_load();
	char c;
	int dir, fd;

	ASSERT_NE(NULL, every);
	ASSERT_EQ(0, every__attach(every));
	ASSERT_EQ(0, td_register_skel(&self->td, every->skeleton));
	dir = open_filtered_dir(_metadata, self->mfd, &self->td, "all_user");
	self->td.ctl->nonseekable = 1;
	fd = openat(dir, "f", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, td_count(&self->td, FUSE_OPEN));
	EXPECT_EQ(-1, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, pread(fd, &c, 1, 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(1, read(fd, &c, 1));
	close(fd);
	close(dir);
	every__destroy(every);
}

/* @call fails with the errno of the postfilter of @opcode. */
#define EXPECT_REPLACED(opcode, call) do {				\
	every->bss->fail_opcode = opcode;				\
	errno = 0;							\
	EXPECT_EQ(-1, (long)(call));					\
	EXPECT_EQ(ETXTBSY, errno);					\
	every->bss->fail_opcode = 0;					\
} while (0)

TEST_F(filter, every_postfilter_replaces_the_result)
{
	struct every *every = every__open_and_load();
	int dir, fd, out;
	char buf[16] = "";
	struct statfs st;
	int flags;

	ASSERT_NE(NULL, every);
	ASSERT_EQ(0, every__attach(every));
	ASSERT_EQ(0, td_register_skel(&self->td, every->skeleton));
	dir = open_filtered_dir(_metadata, self->mfd, &self->td, "all_post");
	EXPECT_REPLACED(FUSE_GETATTR, fstatat(dir, "f", &(struct stat){}, 0));
	EXPECT_REPLACED(FUSE_SETATTR, fchmodat(dir, "f", 0600, 0));
	EXPECT_REPLACED(FUSE_OPEN, openat(dir, "f", O_RDWR));
	fd = openat(dir, "f", O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_REPLACED(FUSE_READ, pread(fd, buf, sizeof(buf), 0));
	EXPECT_REPLACED(FUSE_WRITE, pwrite(fd, "xyz", 3, 0));
	EXPECT_REPLACED(FUSE_FSYNC, fsync(fd));
	EXPECT_REPLACED(FUSE_FALLOCATE, fallocate(fd, 0, 0, 4096));
	EXPECT_REPLACED(FUSE_LSEEK, lseek(fd, 0, SEEK_DATA));
	EXPECT_REPLACED(FUSE_IOCTL, ioctl(fd, FS_IOC_GETFLAGS, &flags));
	EXPECT_REPLACED(FUSE_SETXATTR, fsetxattr(fd, "user.a", "1", 1, 0));
	EXPECT_REPLACED(FUSE_GETXATTR,
			fgetxattr(fd, "user.a", buf, sizeof(buf)));
	EXPECT_REPLACED(FUSE_LISTXATTR, flistxattr(fd, buf, sizeof(buf)));
	EXPECT_REPLACED(FUSE_REMOVEXATTR, fremovexattr(fd, "user.a"));
	EXPECT_REPLACED(FUSE_CREATE, openat(dir, "new", O_CREAT | O_WRONLY,
					    0644));
	out = openat(dir, "new", O_WRONLY);
	EXPECT_LE(0, out);
	EXPECT_REPLACED(FUSE_COPY_FILE_RANGE,
			copy_file_range(fd, NULL, out, NULL, 3, 0));
	close(out);
	EXPECT_REPLACED(FUSE_FLUSH, close(fd));
	EXPECT_REPLACED(FUSE_MKNOD, mknodat(dir, "fifo", S_IFIFO | 0644, 0));
	EXPECT_REPLACED(FUSE_MKDIR, mkdirat(dir, "d", 0755));
	EXPECT_REPLACED(FUSE_SYMLINK, symlinkat("f", dir, "ln2"));
	EXPECT_REPLACED(FUSE_READLINK, readlinkat(dir, "ln", buf, sizeof(buf)));
	EXPECT_REPLACED(FUSE_LINK, linkat(dir, "f", dir, "hard", 0));
	EXPECT_REPLACED(FUSE_RENAME2, renameat(dir, "new", dir, "moved"));
	EXPECT_REPLACED(FUSE_UNLINK, unlinkat(dir, "victim", 0));
	EXPECT_REPLACED(FUSE_RMDIR, unlinkat(dir, "empty", AT_REMOVEDIR));
	EXPECT_REPLACED(FUSE_OPENDIR, openat(dir, ".", O_RDONLY));
	/* a directory's fsync is FUSE_FSYNCDIR to the filter */
	fd = openat(dir, ".", O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, fd);
	EXPECT_REPLACED(FUSE_FSYNCDIR, fsync(fd));
	close(fd);
	EXPECT_REPLACED(FUSE_STATFS, fstatfs(dir, &st));
	/* the backing did each operation; only the results were replaced */
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "all_post/f"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "all_post/d"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "all_post/moved"));
	EXPECT_EQ(-1, fstatat(self->bfd, "all_post/victim", &(struct stat){},
			      0));
	/* written, and grown by fallocate */
	EXPECT_EQ(sizeof(buf), get_file(self->bfd, "all_post/f", buf,
					sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "xyz", 3));
	EXPECT_EQ(0, td_count(&self->td, FUSE_OPEN));
	EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
	close(dir);
	every__destroy(every);
}

TEST_F(filter, instance_gone_then_back)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "deny", O_RDONLY);
	struct filters *again;

	EXPECT_EQ(-1, read(fd, self->buf, 10));
	EXPECT_EQ(EACCES, errno);
	/* the loader lets go of "deny": its files fail closed */
	bpf_link__destroy(self->skel->links.deny);
	self->skel->links.deny = NULL;
	EXPECT_EQ(-1, read(fd, self->buf, 10));
	EXPECT_EQ(ENOTCONN, errno);
	/* a new instance of the same name, attached: not the mount's yet */
	again = filters__open_and_load();
	ASSERT_NE(NULL, again);
	again->links.deny = bpf_map__attach_struct_ops(again->maps.deny);
	ASSERT_NE(NULL, again->links.deny);
	EXPECT_EQ(-1, read(fd, self->buf, 10));
	EXPECT_EQ(ENOTCONN, errno);
	/* the daemon registers it for its connection: it takes over */
	ASSERT_EQ(0, td_register(&self->td, bpf_link__fd(again->links.deny)));
	EXPECT_EQ(-1, read(fd, self->buf, 10));
	EXPECT_EQ(EACCES, errno);
	/* and a second live instance of a name is refused */
	again->links.clamp = bpf_map__attach_struct_ops(again->maps.clamp);
	ASSERT_NE(NULL, again->links.clamp);
	EXPECT_EQ(-1, td_register(&self->td, bpf_link__fd(again->links.clamp)));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(0, close(fd));
	filters__destroy(again);
}

/*
 * Instances belong to the daemon that registers them on its connection:
 * one that another task attaches under the same name, while the daemon's
 * is gone, takes over nothing.
 */
TEST_F(filter, foreign_instance_takes_nothing)
{
	int fd = open_filtered(_metadata, self->mfd, &self->td, "deny", O_RDONLY);
	struct filters *foreign;
	int ready[2], done[2], status;
	char c;
	pid_t pid;

	bpf_link__destroy(self->skel->links.deny);
	self->skel->links.deny = NULL;
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* another task, which has not the mount's device */
		close(ready[0]);
		close(done[1]);
		foreign = filters__open_and_load();
		if (!foreign || filters__attach(foreign) ||
		    write(ready[1], "x", 1) != 1 || read(done[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	/* the files that name it fail closed, new lookups find no filter */
	EXPECT_EQ(-1, read(fd, self->buf, 10));
	EXPECT_EQ(ENOTCONN, errno);
	self->td.ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
	snprintf(self->td.ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "deny");
	EXPECT_EQ(-1, fstatat(self->mfd, "clamp", &(struct stat){}, 0));
	EXPECT_EQ(ENXIO, errno);
	close(done[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	close(ready[0]);
	/* its flush filter is gone too */
	EXPECT_EQ(-1, close(fd));
	EXPECT_EQ(ENOTCONN, errno);
}

/* Registration: the mount's device, CAP_SYS_ADMIN, a fuse_ops link. */
TEST_F(filter, register_checks_its_caller)
{
	int file = openat(self->bfd, "deny", O_RDONLY | O_CLOEXEC);
	int dev = td_dev(&self->td);
	__u32 link = bpf_link__fd(self->skel->links.clamp);
	int status;
	pid_t pid;

	ASSERT_LE(0, file);
	ASSERT_LE(0, dev);
	EXPECT_EQ(-1, td_register(&self->td, file));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, td_register(&self->td, 1000));
	EXPECT_EQ(EBADF, errno);
	/* the device of no mount */
	close(dev);
	dev = open(FUSE_BPF_DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, dev);
	EXPECT_EQ(-1, ioctl(dev, FUSE_BPF_DEV_IOC_FILTER, &link));
	EXPECT_EQ(EPERM, errno);
	close(dev);
	dev = td_dev(&self->td);
	ASSERT_LE(0, dev);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* the mount's device and a link, without privilege */
		if (setresuid(1000, 1000, 1000))
			_exit(2);
		_exit(ioctl(dev, FUSE_BPF_DEV_IOC_FILTER, &link) == -1 &&
		      errno == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	close(dev);
	close(file);
}

/* A thread reading and writing a filtered file until told to stop. */
struct io_loop {
	int fd;
	const char *data;
	int stop;
	int served;	/* reads of the right data, whole writes */
	int gone;	/* ENOTCONN, once the instance went */
	int bad;	/* anything else */
};

/* Count a call that did @done, or failed with errno @err. */
static void io_count(struct io_loop *l, bool done, ssize_t ret, int err)
{
	int *count = done ? &l->served : ret < 0 && err == ENOTCONN ?
		     &l->gone : &l->bad;

	__atomic_fetch_add(count, 1, __ATOMIC_RELEASE);
}

static void *io_loop(void *arg)
{
	struct io_loop *l = arg;
	char buf[64];
	ssize_t ret;

	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
		ret = pread(l->fd, buf, sizeof(buf), 0);
		io_count(l, ret == sizeof(buf) && !memcmp(buf, l->data, ret),
			 ret, errno);
		ret = pwrite(l->fd, l->data + 100, 1, 100);
		io_count(l, ret == 1, ret, errno);
	}
	return NULL;
}

/* Wait (WAIT_SECS at most) until *@count is at least 10. */
static bool reaches_ten(int *count)
{
	return WAIT_UNTIL(__atomic_load_n(count, __ATOMIC_ACQUIRE) >= 10);
}

TEST_F(filter, instance_gone_during_io)
{
	struct io_loop l[2] = {};
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++) {
		l[i].fd = open_filtered(_metadata, self->mfd, &self->td,
					"observe", O_RDWR);
		l[i].data = self->data;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, io_loop, &l[i]));
	}
	EXPECT_TRUE(reaches_ten(&l[1].served));
	bpf_link__destroy(self->skel->links.observe);
	self->skel->links.observe = NULL;
	EXPECT_TRUE(reaches_ten(&l[1].gone));
	for (i = 0; i < 2; i++) {
		__atomic_store_n(&l[i].stop, 1, __ATOMIC_RELEASE);
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, l[i].bad);
		/* the flush filter is gone too; the file is released */
		EXPECT_EQ(-1, close(l[i].fd));
		EXPECT_EQ(ENOTCONN, errno);
	}
	/* each request was served whole or refused: the file is intact */
	EXPECT_EQ(DATA_SIZE, get_file(self->bfd, "observe", self->buf,
				      DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	EXPECT_EQ(-1, fstatat(self->mfd, "observe", &(struct stat){}, 0));
	EXPECT_EQ(ENOTCONN, errno);
}

/*
 * Backing files on a stock FUSE mount, whose O_DIRECT AIO completes
 * asynchronously (-EIOCBQUEUED, then the lower daemon's reply): the
 * postfilters see the completed byte counts.
 */
FIXTURE(queued) {
	char backing[DIR_PATH_LEN];
	char lower[DIR_PATH_LEN];
	char upper[DIR_PATH_LEN];
	int bfd, lfd, ufd;
	struct test_daemon ltd, utd;
	struct filters *skel;
	char *data, *buf;
};

FIXTURE_SETUP(queued)
{
	self->bfd = self->lfd = self->ufd = -1;
	snprintf(self->upper, DIR_PATH_LEN, "/tmp/upper-XXXXXX");
	ASSERT_EQ(0, posix_memalign((void **)&self->data, 4096, DATA_SIZE));
	ASSERT_EQ(0, posix_memalign((void **)&self->buf, 4096, DATA_SIZE));
	fill(self->data, DATA_SIZE, 11);
	ASSERT_EQ(0, make_dirs(self->backing, self->lower, &self->bfd));
	ASSERT_NE(NULL, mkdtemp(self->upper));
	ASSERT_EQ(0, put_file(self->bfd, "observe", self->data, DATA_SIZE,
			      0644));
}

/* the upper mount first: its backing files are on the lower one */
FIXTURE_TEARDOWN(queued)
{
	close(self->ufd);
	EXPECT_EQ(0, td_stop(&self->utd));
	filters__destroy(self->skel);
	close(self->lfd);
	EXPECT_EQ(0, td_stop(&self->ltd));
	close(self->bfd);
	free(self->data);
	free(self->buf);
}

TEST_F(queued, aio_postfilter_sees_completion)
{
	int fd;

	ASSERT_EQ(0, mount_dirs(&self->ltd, self->backing, self->lower,
				TD_STOCK, &self->lfd));
	ASSERT_EQ(0, mount_dirs(&self->utd, self->lower, self->upper, TD_BPF,
				&self->ufd));
	self->skel = filters__open_and_load();
	ASSERT_NE(NULL, self->skel);
	ASSERT_EQ(0, filters__attach(self->skel));
	ASSERT_EQ(0, td_register_skel(&self->utd, self->skel->skeleton));
	self->utd.ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
	snprintf(self->utd.ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "observe");

	fd = openat(self->ufd, "observe", O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	td_reset(&self->ltd);
	EXPECT_EQ(4096, aio_rw(fd, IOCB_CMD_PREAD, self->buf, 4096, 4096));
	EXPECT_EQ(4096, self->skel->bss->read_seen);
	EXPECT_EQ(0, memcmp(self->buf, self->data + 4096, 4096));
	/* within the file: FUSE makes extending direct writes synchronous */
	memset(self->buf, 'q', 4096);
	EXPECT_EQ(4096, aio_rw(fd, IOCB_CMD_PWRITE, self->buf, 4096, 0));
	EXPECT_EQ(4096, self->skel->bss->write_seen);
	/* through the lower daemon, which FUSE's async direct I/O waits for */
	EXPECT_LT(0, td_count(&self->ltd, FUSE_READ));
	EXPECT_LT(0, td_count(&self->ltd, FUSE_WRITE));
	EXPECT_EQ(0, td_count(&self->utd, FUSE_READ));
	EXPECT_EQ(0, td_count(&self->utd, FUSE_WRITE));
	EXPECT_TRUE(same_as_backing(_metadata, self->ufd, self->bfd,
				    "observe"));
	EXPECT_EQ(0, close(fd));
}

/* The module is loaded again at the end, whatever failed. */
FIXTURE(rmmod) {
	struct filters *skel;
};

FIXTURE_SETUP(rmmod) {}

FIXTURE_TEARDOWN(rmmod)
{
	int err;

	filters__destroy(self->skel);
	if (!module_loaded()) {
		err = load_module();
		EXPECT_EQ(0, err) TH_LOG("load: %s", strerror(err));
	}
}

TEST_F(rmmod, refused_while_filters_loaded)
{
	self->skel = filters__open_and_load();
	ASSERT_NE(NULL, self->skel);
	ASSERT_EQ(0, filters__attach(self->skel));
	EXPECT_EQ(EWOULDBLOCK, try_unload());
	filters__destroy(self->skel);
	self->skel = NULL;
	EXPECT_EQ(0, reload_module());
}

TEST_HARNESS_MAIN
