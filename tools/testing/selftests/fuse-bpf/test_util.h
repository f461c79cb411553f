/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the fuse-bpf tests that compare a mount with its backing
 * directory; include after kselftest_harness.h.
 */
#ifndef _FUSE_BPF_TEST_UTIL_H
#define _FUSE_BPF_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/aio_abi.h>

#include "test_daemon.h"

/*
 * The harness gives each test 30 s by default: ten times what the slowest
 * tests here take under TCG (loading BPF objects in their fixtures, 1 to
 * 3 s), and less than they take on the debug kernel in a guest that host
 * load makes five times slower. Each test gets 300 s: a hundred times a
 * normal run, and room for two waits of WAIT_SECS that fail, so that the
 * test reports what it waited for and its teardown runs (a test the
 * harness kills has none). The tests that run longer say their own.
 */
#ifndef TEST_TIMEOUT_DEFAULT
#error "include kselftest_harness.h first"
#endif
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT	(2 * WAIT_SECS + 60)

/* The length of the paths make_dirs() fills in. */
#define DIR_PATH_LEN 64

/*
 * Make a backing directory and a mount point below /tmp, and open the
 * backing directory as *@bfd (O_PATH): 0, or -1 with errno set. Clears the
 * umask, so that the modes asked for are the modes made, by the daemon too.
 */
static inline int make_dirs(char *backing, char *mnt, int *bfd)
{
	umask(0);
	snprintf(backing, DIR_PATH_LEN, "/tmp/backing-XXXXXX");
	snprintf(mnt, DIR_PATH_LEN, "/tmp/mnt-XXXXXX");
	if (!mkdtemp(backing) || !mkdtemp(mnt))
		return -1;
	*bfd = open(backing, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return *bfd < 0 ? -1 : 0;
}

/* Mount @backing on @mnt with @flags and open it as *@mfd: 0 or -1. */
static inline int mount_dirs(struct test_daemon *td, const char *backing,
			     const char *mnt, unsigned int flags, int *mfd)
{
	if (td_start(td, backing, mnt, flags))
		return -1;
	*mfd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return *mfd < 0 ? -1 : 0;
}

/*
 * Whether @mnt, a stat through the mount, agrees with @backing, the stat
 * of the same path in the backing directory, on all that FUSE passes on;
 * logs each field that differs.
 */
static inline bool same_stat(struct __test_metadata *_metadata,
		      const struct stat *mnt, const struct stat *backing)
{
	const struct {
		const char *name;
		long long mnt, backing;
	} f[] = {
		{ "st_ino", mnt->st_ino, backing->st_ino },
		{ "st_mode", mnt->st_mode, backing->st_mode },
		{ "st_nlink", mnt->st_nlink, backing->st_nlink },
		{ "st_uid", mnt->st_uid, backing->st_uid },
		{ "st_gid", mnt->st_gid, backing->st_gid },
		{ "st_size", mnt->st_size, backing->st_size },
		{ "st_blocks", mnt->st_blocks, backing->st_blocks },
		{ "st_mtim.tv_sec", mnt->st_mtim.tv_sec,
		  backing->st_mtim.tv_sec },
		{ "st_mtim.tv_nsec", mnt->st_mtim.tv_nsec,
		  backing->st_mtim.tv_nsec },
		{ "st_ctim.tv_sec", mnt->st_ctim.tv_sec,
		  backing->st_ctim.tv_sec },
		{ "st_ctim.tv_nsec", mnt->st_ctim.tv_nsec,
		  backing->st_ctim.tv_nsec },
	};
	bool same = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		if (f[i].mnt == f[i].backing)
			continue;
		TH_LOG("%s differs: %lld through the mount, %lld in the backing dir",
		       f[i].name, f[i].mnt, f[i].backing);
		same = false;
	}
	return same;
}

/*
 * lstat @name through the mount @mfd and in the backing directory @bfd,
 * and compare.
 */
static inline bool same_as_backing(struct __test_metadata *_metadata, int mfd,
			    int bfd, const char *name)
{
	struct stat m, b;

	if (fstatat(mfd, name, &m, AT_SYMLINK_NOFOLLOW)) {
		TH_LOG("%s through the mount: %s", name, strerror(errno));
		return false;
	}
	if (fstatat(bfd, name, &b, AT_SYMLINK_NOFOLLOW)) {
		TH_LOG("%s in the backing dir: %s", name, strerror(errno));
		return false;
	}
	return same_stat(_metadata, &m, &b);
}

/* Fill @buf with a pattern that differs with @seed. */
static inline void fill(char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(i * 31 + seed);
}

/* Whether @mnt is in /proc/self/mounts. */
static inline bool in_mounts(const char *mnt)
{
	char line[512];
	FILE *f = fopen("/proc/self/mounts", "r");
	bool found = false;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, mnt))
			found = true;
	if (f)
		fclose(f);
	return found;
}

/* Create @name in @dirfd holding @len bytes of @buf: 0, or -1. */
static inline int put_file(int dirfd, const char *name, const char *buf, size_t len,
		    mode_t mode)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			mode);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	if (close(fd) || n != (ssize_t)len)
		return -1;
	return 0;
}

/* A POSIX ACL of five entries, in the form of its xattr. */
struct acl_xattr {
	__u32 version;
	struct { __u16 tag, perm; __u32 id; } e[5];
};

/* An access ACL, xattr form: user::rw- user:1234:r-- group::r-- mask::r-- */
static const struct acl_xattr test_acl = { 2, {
	{ 0x01, 6, -1 }, { 0x02, 4, 1234 }, { 0x04, 4, -1 },
	{ 0x10, 4, -1 }, { 0x20, 0, -1 },
} };

/* Read up to @size bytes of @name in @dirfd: the length read, or -1. */
static inline ssize_t get_file(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -1;
	while (len < size) {
		n = read(fd, buf + len, size - len);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	return n < 0 ? -1 : (ssize_t)len;
}

/*
 * FUSE sends RELEASE in the background once the last reference to an open
 * file goes: wait for the daemon to have counted @n of @opcode (WAIT_SECS
 * at most), and return the count.
 */
static inline unsigned long wait_count(const struct test_daemon *td,
				unsigned int opcode, unsigned long n)
{
	WAIT_UNTIL(td_count(td, opcode) >= n);
	return td_count(td, opcode);
}

/* One io_submit() AIO of @opcode (IOCB_CMD_*): its result, or -1. */
static inline long aio_rw(int fd, int opcode, void *buf, size_t len, off_t off)
{
	aio_context_t ctx = 0;
	struct iocb cb = {
		.aio_lio_opcode = opcode, .aio_fildes = fd,
		.aio_buf = (unsigned long)buf, .aio_nbytes = len,
		.aio_offset = off,
	};
	struct iocb *cbs[1] = { &cb };
	struct io_event ev;
	long ret = -1;

	if (syscall(SYS_io_setup, 1, &ctx))
		return -1;
	if (syscall(SYS_io_submit, ctx, 1, cbs) == 1 &&
	    syscall(SYS_io_getevents, ctx, 1, 1, &ev, NULL) == 1)
		ret = ev.res;
	syscall(SYS_io_destroy, ctx);
	return ret;
}

/* Lines of the kernel log that say something went wrong. */
static inline int bad_log_lines(void)
{
	static const char * const bad_log[] = {
		"WARNING", "BUG", "Oops", "Call Trace",
	};
	int size = klogctl(10 /* SIZE_BUFFER */, NULL, 0), len, n = 0;
	char *buf, *line, *save;
	unsigned int i;

	if (size <= 0)
		return -1;
	buf = calloc(1, size + 1);
	if (!buf)
		return -1;
	len = klogctl(3 /* READ_ALL */, buf, size);
	if (len < 0) {
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		for (i = 0; i < ARRAY_SIZE(bad_log); i++)
			if (strstr(line, bad_log[i])) {
				n++;
				break;
			}
	free(buf);
	return n;
}

/* Whether the log has no more bad lines than @before; logs the news. */
#define EXPECT_LOG_CLEAN(before) do {					\
	int __now = bad_log_lines();					\
									\
	if (__now != (before))						\
		TH_LOG("kernel log: %d new bad lines", __now - (before)); \
	EXPECT_EQ((before), __now);					\
} while (0)

/* Unmount @dir, waiting for what a stopped daemon still holds. */
#define UMOUNT_WAIT(dir) do {						\
	if (!WAIT_UNTIL(!umount(dir) || errno != EBUSY)) {		\
		TH_LOG("%s stays busy: detached", (dir));		\
		umount2((dir), MNT_DETACH);				\
	}								\
} while (0)

/* Where the VM keeps the module. */
#define MODULE_PATH	"/lib/modules/fuse_bpf.ko"

/* The module's reference count, -1 if it is not loaded. */
static inline int module_refcnt(void)
{
	FILE *f = fopen("/sys/module/fuse_bpf/refcnt", "r");
	int n = -1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

static inline bool module_loaded(void)
{
	return !access("/sys/module/fuse_bpf", F_OK);
}

/* Load the module: 0 or an errno. */
static inline int load_module(void)
{
	int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = errno;
	close(fd);
	return err;
}

/* Unload the module unless held: 0 or an errno (EWOULDBLOCK: held). */
static inline int try_unload(void)
{
	return syscall(SYS_delete_module, "fuse_bpf", O_NONBLOCK) ? errno : 0;
}

/*
 * Unload the module once nothing holds it (a dead mount goes with the
 * daemon's exit and the unmount, filter maps after RCU grace periods, one
 * after the other: polled, WAIT_SECS at most), and load it again for the
 * tests that follow: 0 or an errno.
 */
static inline int reload_module(void)
{
	int err;

	WAIT_UNTIL((err = try_unload()) != EWOULDBLOCK);
	return err ?: load_module();
}

#endif
