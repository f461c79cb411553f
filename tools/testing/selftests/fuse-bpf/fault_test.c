// SPDX-License-Identifier: GPL-2.0
/*
 * Faults: the daemon killed in the middle of a request, the mount detached
 * under open files and AIO, the backing file system full or made read-only
 * underneath; and threads mixing every kind of I/O on one backed file,
 * checked byte for byte against a model of it. After each test that kills
 * the daemon, the module unloads (nothing holds it) and is loaded again.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/aio_abi.h>
#include <linux/falloc.h>
#include <linux/fuse.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"
#include "filters.skel.h"

#define DATA_SIZE	(64 << 10)
#define BLOCK		4096
#define AIO_NR		(DATA_SIZE / BLOCK)

FIXTURE(fault) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	int bfd;
	int mfd;
	struct test_daemon td;
	struct test_daemon ltd;		/* of stack_on_stock() */
	char dir[DIR_PATH_LEN];		/* mounted by remount_on() */
	char data[DATA_SIZE];
	char buf[DATA_SIZE];
};

/* "file" is backed, "user" is served by the daemon */
FIXTURE_SETUP(fault)
{
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	fill(self->data, DATA_SIZE, 7);
	ASSERT_EQ(0, put_file(self->bfd, "file", self->data, DATA_SIZE, 0644));
	ASSERT_EQ(0, put_file(self->bfd, "user", self->data, DATA_SIZE, 0644));
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt, TD_BPF,
				&self->mfd));
	snprintf(self->td.ctl->only, sizeof(self->td.ctl->only), "file");
}

/*
 * Whatever a test got to, the next finds nothing mounted and the module
 * loaded: td_stop() also unmounts the mount of a daemon the test killed.
 */
FIXTURE_TEARDOWN(fault)
{
	int err;

	if (self->mfd >= 0)
		close(self->mfd);
	if (self->bfd >= 0)
		close(self->bfd);
	td_stop(&self->td);
	td_stop(&self->ltd);
	if (self->dir[0])
		umount2(self->dir, MNT_DETACH);
	if (!module_loaded()) {
		err = load_module();
		EXPECT_EQ(0, err) TH_LOG("load: %s", strerror(err));
	}
}

enum call { CALL_READ, CALL_WRITE, CALL_LOOKUP };

/* In a child: make @call, and exit with its errno (0 if it worked). */
static void call_and_exit(enum call call, int mfd, int fd)
{
	char buf[BLOCK] = "x";
	struct stat s;
	int ret = -1;

	switch (call) {
	case CALL_READ:
		ret = pread(fd, buf, sizeof(buf), 0) < 0 ? -1 : 0;
		break;
	case CALL_WRITE:
		ret = pwrite(fd, buf, sizeof(buf), 0) < 0 ? -1 : 0;
		break;
	case CALL_LOOKUP:
		ret = fstatat(mfd, "new", &s, 0);
		break;
	}
	_exit(ret ? errno : 0);
}

/*
 * Make @call in a child; once daemon @td holds a request of @opcode
 * without answering, SIGKILL it. Return the child's errno.
 */
static int kill_during(struct __test_metadata *_metadata,
		       struct test_daemon *td, int mfd, unsigned int opcode,
		       enum call call, int fd)
{
	int status;
	pid_t child;

	td->ctl->stall_opcode = opcode;
	child = fork();
	if (!child)
		call_and_exit(call, mfd, fd);
	EXPECT_TRUE(WAIT_UNTIL(__atomic_load_n(&td->ctl->stalled,
					       __ATOMIC_ACQUIRE)));
	EXPECT_EQ(0, kill(td->pid, SIGKILL));
	EXPECT_EQ(td->pid, waitpid(td->pid, NULL, 0));
	td->pid = 0;
	EXPECT_EQ(child, waitpid(child, &status, 0));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The dead mount @mnt unmounts, and then nothing holds the module. */
static void unmount_and_reload(struct __test_metadata *_metadata, int *mfd,
			       const char *mnt)
{
	close(*mfd);
	*mfd = -1;
	EXPECT_EQ(0, umount(mnt));
	EXPECT_EQ(0, reload_module());
}

/*
 * The errno of a call that the daemon's death cut off: FUSE ends the
 * requests in flight with ECONNABORTED, refuses new ones with ENOTCONN,
 * and a read through the page cache fails with EIO.
 */
static bool disconnected(int err)
{
	return err == ECONNABORTED || err == ENOTCONN || err == EIO;
}

TEST_F(fault, killed_during_user_read)
{
	int err, fd = openat(self->mfd, "user", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	err = kill_during(_metadata, &self->td, self->mfd, FUSE_READ,
			  CALL_READ, fd);
	EXPECT_TRUE(disconnected(err));
	EXPECT_EQ(-1, pread(fd, self->buf, BLOCK, 0));
	close(fd);
	unmount_and_reload(_metadata, &self->mfd, self->mnt);
	EXPECT_EQ(DATA_SIZE, get_file(self->bfd, "user", self->buf,
				      DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
}

TEST_F(fault, killed_during_user_write)
{
	int err, fd = openat(self->mfd, "user", O_WRONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	err = kill_during(_metadata, &self->td, self->mfd, FUSE_WRITE,
			  CALL_WRITE, fd);
	EXPECT_TRUE(disconnected(err));
	close(fd);
	unmount_and_reload(_metadata, &self->mfd, self->mnt);
	/* the write never reached the backing */
	EXPECT_EQ(DATA_SIZE, get_file(self->bfd, "user", self->buf,
				      DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
}

TEST_F(fault, killed_during_lookup)
{
	int err = kill_during(_metadata, &self->td, self->mfd, FUSE_LOOKUP,
			      CALL_LOOKUP, -1);

	EXPECT_TRUE(disconnected(err));
	EXPECT_EQ(-1, fstatat(self->mfd, "file", &(struct stat){}, 0));
	EXPECT_TRUE(disconnected(errno));
	unmount_and_reload(_metadata, &self->mfd, self->mnt);
}

TEST_F(fault, killed_during_user_postfilter)
{
	struct filters *skel = filters__open_and_load();
	int err, fd;

	ASSERT_NE(NULL, skel);
	ASSERT_EQ(0, filters__attach(skel));
	ASSERT_EQ(0, td_register_skel(&self->td, skel->skeleton));
	self->td.ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
	snprintf(self->td.ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "daemon_post");
	fd = openat(self->mfd, "file", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	err = kill_during(_metadata, &self->td, self->mfd,
			  FUSE_READ | FUSE_BPF_OPCODE_POSTFILTER, CALL_READ, fd);
	/* the read happened on the backing: no verdict came to change it */
	EXPECT_EQ(0, err);
	EXPECT_EQ(0, close(fd));
	filters__destroy(skel);
	unmount_and_reload(_metadata, &self->mfd, self->mnt);
}

/* Submit AIO_NR direct writes of @data, block i at block i: 0 or -1. */
static int submit_writes(aio_context_t ctx, int fd, char *data,
			 struct iocb *cb)
{
	struct iocb *cbs[AIO_NR];
	int i;

	for (i = 0; i < AIO_NR; i++) {
		cb[i] = (struct iocb){
			.aio_lio_opcode = IOCB_CMD_PWRITE, .aio_fildes = fd,
			.aio_buf = (unsigned long)data + i * BLOCK,
			.aio_nbytes = BLOCK, .aio_offset = i * BLOCK,
		};
		cbs[i] = &cb[i];
	}
	return syscall(SYS_io_submit, ctx, AIO_NR, cbs) == AIO_NR ? 0 : -1;
}

/* Wait for AIO_NR completions: how many wrote a whole block. */
static int reap(aio_context_t ctx)
{
	struct io_event ev[AIO_NR];
	int got = 0, whole = 0, n, i;

	while (got < AIO_NR) {
		n = syscall(SYS_io_getevents, ctx, 1, AIO_NR - got, ev, NULL);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			whole += ev[i].res == BLOCK;
		got += n;
	}
	return whole;
}

/*
 * Serve @backing through a stock FUSE mount @lower (its daemon @ltd, *@lfd
 * open on it), and daemon @td's mount @mnt (*@mfd) over that instead of
 * @backing, so that direct AIO to a backing file stays in flight until
 * the lower daemon answers.
 */
static void stack_on_stock(struct __test_metadata *_metadata,
			   struct test_daemon *td, int *mfd,
			   const char *backing, const char *mnt, char *lower,
			   struct test_daemon *ltd, int *lfd)
{
	close(*mfd);
	ASSERT_EQ(0, td_stop(td));
	snprintf(lower, DIR_PATH_LEN, "/tmp/lower-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(lower));
	ASSERT_EQ(0, mount_dirs(ltd, backing, lower, TD_STOCK, lfd));
	ASSERT_EQ(0, mount_dirs(td, lower, mnt, TD_BPF, mfd));
	snprintf(td->ctl->only, sizeof(td->ctl->only), "file");
}

TEST_F(fault, killed_during_backing_aio)
{
	char lower[DIR_PATH_LEN];
	aio_context_t ctx = 0;
	struct iocb cb[AIO_NR];
	int fd, lfd;
	char *p;

	stack_on_stock(_metadata, &self->td, &self->mfd, self->backing,
		       self->mnt, lower, &self->ltd, &lfd);
	ASSERT_EQ(0, posix_memalign((void **)&p, BLOCK, DATA_SIZE));
	fill(p, DATA_SIZE, 9);
	fd = openat(self->mfd, "file", O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, syscall(SYS_io_setup, AIO_NR, &ctx));
	td_reset(&self->ltd);
	ASSERT_EQ(0, submit_writes(ctx, fd, p, cb));
	ASSERT_EQ(0, kill(self->td.pid, SIGKILL));
	EXPECT_EQ(self->td.pid, waitpid(self->td.pid, NULL, 0));
	self->td.pid = 0;
	/* the backed file needs no daemon of its own: every write lands */
	EXPECT_EQ(AIO_NR, reap(ctx));
	syscall(SYS_io_destroy, ctx);
	EXPECT_LT(0, td_count(&self->ltd, FUSE_WRITE));
	EXPECT_EQ(BLOCK, pread(fd, self->buf, BLOCK, 0));
	EXPECT_EQ(0, close(fd));
	unmount_and_reload(_metadata, &self->mfd, self->mnt);
	close(lfd);
	EXPECT_EQ(0, td_stop(&self->ltd));
	memcpy(self->data, p, AIO_NR * BLOCK);
	EXPECT_EQ(DATA_SIZE, get_file(self->bfd, "file", self->buf,
				      DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	free(p);
}

TEST_F(fault, lazy_unmount_with_open_files_and_aio)
{
	char lower[DIR_PATH_LEN];
	aio_context_t ctx = 0;
	struct iocb cb[AIO_NR];
	int fd, dfd, ufd, lfd;
	struct stat m, b;
	char *p;

	stack_on_stock(_metadata, &self->td, &self->mfd, self->backing,
		       self->mnt, lower, &self->ltd, &lfd);
	ASSERT_EQ(0, posix_memalign((void **)&p, BLOCK, DATA_SIZE));
	fill(p, DATA_SIZE, 11);
	fd = openat(self->mfd, "file", O_RDWR | O_CLOEXEC);
	dfd = openat(self->mfd, "file", O_RDWR | O_DIRECT | O_CLOEXEC);
	ufd = openat(self->mfd, "user", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, dfd);
	ASSERT_LE(0, ufd);
	ASSERT_EQ(0, syscall(SYS_io_setup, AIO_NR, &ctx));
	ASSERT_EQ(0, submit_writes(ctx, dfd, p, cb));
	close(self->mfd);
	self->mfd = -1;
	EXPECT_EQ(0, umount2(self->mnt, MNT_DETACH));
	EXPECT_EQ(AIO_NR, reap(ctx));
	syscall(SYS_io_destroy, ctx);
	/* the open files go on: backed ones and the daemon's */
	memcpy(self->data, p, AIO_NR * BLOCK);
	EXPECT_EQ(DATA_SIZE, pread(fd, self->buf, DATA_SIZE, 0));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	EXPECT_EQ(5, pwrite(fd, "after", 5, DATA_SIZE - 5));
	memcpy(self->data + DATA_SIZE - 5, "after", 5);
	EXPECT_EQ(BLOCK, pread(ufd, self->buf, BLOCK, 0));
	EXPECT_EQ(0, fstat(fd, &m));
	EXPECT_EQ(0, fstatat(self->bfd, "file", &b, 0));
	EXPECT_TRUE(same_stat(_metadata, &m, &b));
	EXPECT_EQ(0, close(ufd));
	EXPECT_EQ(0, close(dfd));
	EXPECT_EQ(0, close(fd));
	/* the last file closed, the daemon sees the end of the mount */
	EXPECT_EQ(0, td_stop(&self->td));
	EXPECT_EQ(0, reload_module());
	close(lfd);
	EXPECT_EQ(0, td_stop(&self->ltd));
	EXPECT_EQ(DATA_SIZE, get_file(self->bfd, "file", self->buf,
				      DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	free(p);
}

/*
 * Mount @source (@type, @opts) at @dir, holding a "file" of BLOCK bytes of
 * @data, and serve it on daemon @td's mount @mnt (*@mfd) instead of its
 * backing; *@bfd is then @dir.
 */
static void remount_on(struct __test_metadata *_metadata,
		       struct test_daemon *td, int *mfd, int *bfd,
		       const char *mnt, const char *data, char *dir,
		       const char *source, const char *type, const char *opts)
{
	close(*mfd);
	ASSERT_EQ(0, td_stop(td));
	snprintf(dir, DIR_PATH_LEN, "/tmp/%s-XXXXXX", type);
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, mount(source, dir, type, 0, opts));
	close(*bfd);
	*bfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, *bfd);
	ASSERT_EQ(0, put_file(*bfd, "file", data, BLOCK, 0644));
	ASSERT_EQ(0, mount_dirs(td, dir, mnt, TD_BPF, mfd));
}

/*
 * backing_full appends chunks of self->data: the byte at @off is
 * data[chunk_at(@off)]
 */
#define CHUNK		1000
#define chunk_at(off)	((off) / CHUNK % 60 * CHUNK + (off) % CHUNK)

/* Whether @name in @dirfd is @len bytes of such chunks of @data. */
static bool holds_chunks(int dirfd, const char *name, const char *data,
			 size_t len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	size_t off = 0;
	char buf[CHUNK];
	bool same = fd >= 0;
	ssize_t n;

	while (same && (n = read(fd, buf, CHUNK - off % CHUNK)) > 0) {
		same = !memcmp(buf, data + chunk_at(off), n);
		off += n;
	}
	close(fd);
	return same && off == len;
}

TEST_F(fault, backing_full)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	/* the RAM disk of scripts/guest-init or the debug kernel's */
	ASSERT_EQ(0, system("/usr/bin/mkfs.ext4 -q -F /dev/ram0"));
	remount_on(_metadata, &self->td, &self->mfd, &self->bfd, self->mnt,
		   self->data, self->dir, "/dev/ram0", "ext4", NULL);
	fd = openat(self->mfd, "file", O_WRONLY | O_TRUNC | O_CLOEXEC);
	ASSERT_LE(0, fd);
	do {
		n = write(fd, self->data + chunk_at(len), CHUNK - len % CHUNK);
		if (n > 0)
			len += n;
	} while (n > 0 && len < (64 << 20));
	EXPECT_EQ(-1, n);
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_LT(BLOCK, len);
	EXPECT_EQ(0, fsync(fd));
	EXPECT_EQ(0, close(fd));
	/* what was written before is there, and the mount agrees */
	EXPECT_TRUE(holds_chunks(self->mfd, "file", self->data, len));
	EXPECT_TRUE(holds_chunks(self->bfd, "file", self->data, len));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	close(self->mfd);
	self->mfd = -1;
	EXPECT_EQ(0, td_stop(&self->td));
	close(self->bfd);
	self->bfd = -1;
	EXPECT_EQ(0, umount(self->dir));
}

/*
 * A backing out of inodes: each creation through the mount fails with
 * ENOSPC and leaves the backing directory usable (on 7.3, vfs_mkdir()
 * unlocks it itself when it fails); once an inode is free, they work.
 */
TEST_F(fault, backing_out_of_inodes)
{
	char name[32];
	int i, fd;

	remount_on(_metadata, &self->td, &self->mfd, &self->bfd, self->mnt,
		   self->data, self->dir, "tmpfs", "tmpfs", "nr_inodes=16");
	ASSERT_EQ(0, mkdirat(self->bfd, "dir", 0755));
	for (i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "dir/fill%d", i);
		if (put_file(self->bfd, name, "", 0, 0644))
			break;
	}
	ASSERT_EQ(ENOSPC, errno);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(-1, mkdirat(self->mfd, "dir/sub", 0755));
		EXPECT_EQ(ENOSPC, errno);
		EXPECT_EQ(-1, openat(self->mfd, "dir/new",
				     O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
		EXPECT_EQ(ENOSPC, errno);
		EXPECT_EQ(-1, symlinkat("file", self->mfd, "dir/link"));
		EXPECT_EQ(ENOSPC, errno);
		EXPECT_EQ(-1, mknodat(self->mfd, "dir/fifo", S_IFIFO | 0644, 0));
		EXPECT_EQ(ENOSPC, errno);
	}
	/* the backing directory is not left locked */
	ASSERT_EQ(0, unlinkat(self->mfd, "dir/fill0", 0));
	EXPECT_EQ(0, mkdirat(self->mfd, "dir/sub", 0755));
	EXPECT_EQ(0, fstatat(self->bfd, "dir/sub", &(struct stat){}, 0));
	fd = openat(self->mfd, "dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	EXPECT_LE(0, fd);
	close(fd);
	EXPECT_EQ(0, td_count(&self->td, FUSE_MKDIR));
	close(self->mfd);
	self->mfd = -1;
	EXPECT_EQ(0, td_stop(&self->td));
	close(self->bfd);
	self->bfd = -1;
	EXPECT_EQ(0, umount(self->dir));
}

TEST_F(fault, backing_remounted_read_only)
{
	int fd, dir_fd;

	remount_on(_metadata, &self->td, &self->mfd, &self->bfd, self->mnt,
		   self->data, self->dir, "tmpfs", "tmpfs", "size=1m");
	ASSERT_EQ(0, mkdirat(self->bfd, "dir", 0755));
	fd = openat(self->mfd, "file", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	dir_fd = openat(self->mfd, "dir", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dir_fd);
	ASSERT_EQ(0, mount(NULL, self->dir, NULL, MS_REMOUNT | MS_RDONLY,
			   NULL));
	/* writes fail with EROFS */
	EXPECT_EQ(-1, openat(self->mfd, "file", O_WRONLY | O_CLOEXEC));
	EXPECT_EQ(EROFS, errno);
	EXPECT_EQ(-1, openat(dir_fd, "new", O_CREAT | O_WRONLY, 0644));
	EXPECT_EQ(EROFS, errno);
	EXPECT_EQ(-1, mkdirat(dir_fd, "sub", 0755));
	EXPECT_EQ(EROFS, errno);
	EXPECT_EQ(-1, fchmodat(self->mfd, "file", 0600, 0));
	EXPECT_EQ(EROFS, errno);
	EXPECT_EQ(-1, unlinkat(self->mfd, "file", 0));
	EXPECT_EQ(EROFS, errno);
	/* reads go on, through the open file and new ones */
	EXPECT_EQ(BLOCK, pread(fd, self->buf, DATA_SIZE, 0));
	EXPECT_EQ(0, memcmp(self->buf, self->data, BLOCK));
	EXPECT_EQ(BLOCK, get_file(self->mfd, "file", self->buf, DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, BLOCK));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	/* and writes work again once it is writable */
	ASSERT_EQ(0, mount(NULL, self->dir, NULL, MS_REMOUNT, NULL));
	EXPECT_EQ(0, mkdirat(dir_fd, "sub", 0755));
	EXPECT_EQ(0, td_count(&self->td, FUSE_MKDIR));
	EXPECT_EQ(0, close(fd));
	close(dir_fd);
	close(self->mfd);
	self->mfd = -1;
	EXPECT_EQ(0, td_stop(&self->td));
	close(self->bfd);
	self->bfd = -1;
	EXPECT_EQ(0, umount(self->dir));
}

TEST_HARNESS_MAIN
