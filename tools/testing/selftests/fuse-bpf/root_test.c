// SPDX-License-Identifier: GPL-2.0
/*
 * A backed mount root: the mount options root_fd and root_filter_fd back
 * the root from mount(2) on, so that the kernel serves everything below
 * the mount point without a single request to the daemon; bad descriptors,
 * stacking too deep and a mounter without the privilege fail the mount
 * with their errno and leave nothing behind.
 *
 * No daemon runs here: the test holds the device, answers FUSE_INIT
 * itself and then reads every request the kernel sends, which must be
 * none.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <bpf/libbpf.h>
#include <linux/fuse.h>
#include <linux/fuse_bpf.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"
#include "filters.skel.h"

#define FSTYPE		FUSE_BPF_FSTYPE ".root"
#define DEV_BUF		(1 << 20)

/* The number of descriptors the process has open. */
static int open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* The exit status of the child @pid, -1 if it did not exit. */
static int wait_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The entries of the directory @path, "." and ".." left out. */
static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* Write @s to the file @path: 0, or -1. */
static int write_once(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return ret;
}

/*
 * mount(2) a bpf mount on @mnt with the device @dev and @extra options
 * ("root_fd=N..."): 0, or the errno.
 */
static int mount_root(const char *mnt, int dev, const char *extra)
{
	char opts[256];

	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=40000,user_id=0,group_id=0,%s", dev, extra);
	return mount("test", mnt, FSTYPE, MS_NOSUID | MS_NODEV, opts) ?
	       errno : 0;
}

/*
 * Read the next request from the non-blocking device @dev: its opcode,
 * 0 if there is none.
 */
static unsigned int next_request(int dev, void *buf)
{
	ssize_t n = read(dev, buf, DEV_BUF);

	if (n < (ssize_t)sizeof(struct fuse_in_header))
		return 0;
	return ((struct fuse_in_header *)buf)->opcode;
}

/*
 * Answer the FUSE_INIT the mount sent: the least a daemon says, and with
 * @depth, passthrough with that max_stack_depth.
 */
static int answer_init_depth(int dev, void *buf, unsigned int depth)
{
	struct fuse_in_header *in = buf;
	struct {
		struct fuse_out_header h;
		struct fuse_init_out init;
	} out = {
		.h = { .len = sizeof(out), .unique = in->unique },
		.init = { .major = FUSE_KERNEL_VERSION,
			  .minor = FUSE_KERNEL_MINOR_VERSION,
			  .max_write = 65536 },
	};

	if (next_request(dev, buf) != FUSE_INIT)
		return -1;
	out.h.unique = in->unique;
	if (depth) {
		out.init.flags = FUSE_INIT_EXT;
		out.init.flags2 = FUSE_PASSTHROUGH >> 32;
		out.init.max_stack_depth = depth;
	}
	return write(dev, &out, sizeof(out)) == sizeof(out) ? 0 : -1;
}

static int answer_init(int dev, void *buf)
{
	return answer_init_depth(dev, buf, 0);
}

FIXTURE(root) {
	char dir[64];		/* holds backing, mnt, mnt2, mnt3 */
	char backing[96], mnt[96], mnt2[96], mnt3[96];
	int bfd;		/* the backing directory, O_PATH */
	int dev;		/* an open /dev/fuse-bpf */
	int fds;		/* descriptors open after the setup */
	bool bpf;		/* BPF objects were loaded */
	void *buf;
};

FIXTURE_SETUP(root)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/root-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->backing, sizeof(self->backing), "%s/b", self->dir);
	snprintf(self->mnt, sizeof(self->mnt), "%s/m", self->dir);
	snprintf(self->mnt2, sizeof(self->mnt2), "%s/m2", self->dir);
	snprintf(self->mnt3, sizeof(self->mnt3), "%s/m3", self->dir);
	ASSERT_EQ(0, mkdir(self->backing, 0755));
	ASSERT_EQ(0, mkdir(self->mnt, 0755));
	ASSERT_EQ(0, mkdir(self->mnt2, 0755));
	ASSERT_EQ(0, mkdir(self->mnt3, 0755));
	self->bfd = open(self->backing, O_PATH | O_DIRECTORY);
	ASSERT_LE(0, self->bfd);
	self->dev = open(FUSE_BPF_DEVICE, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, self->dev);
	self->buf = malloc(DEV_BUF);
	ASSERT_NE(NULL, self->buf);
	self->fds = open_fds();
}

FIXTURE_TEARDOWN(root)
{
	UMOUNT_WAIT(self->mnt3);
	UMOUNT_WAIT(self->mnt2);
	UMOUNT_WAIT(self->mnt);
	EXPECT_EQ(self->fds, open_fds());
	close(self->dev);
	close(self->bfd);
	free(self->buf);
	/*
	 * What the mounts took of the module is back once they are gone;
	 * loaded BPF objects hold it until this process exits (scripts/
	 * guest-init checks after the binary).
	 */
	if (!self->bpf)
		EXPECT_TRUE(WAIT_UNTIL(module_refcnt() == 0));
	snprintf(self->backing, sizeof(self->backing), "rm -rf %s", self->dir);
	EXPECT_EQ(0, system(self->backing));
}

/*
 * Everything below the mount point is the backing's, from the first
 * lookup on: creates, renames and removals in the root, data and
 * attributes, and the daemon gets no request but FUSE_INIT.
 */
TEST_F(root, served_without_the_daemon)
{
	char opt[96], data[16] = { 0 };
	int mfd, fd;

	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", self->bfd);
	ASSERT_EQ(0, mount_root(self->mnt, self->dev, opt));
	ASSERT_EQ(0, answer_init(self->dev, self->buf));
	mfd = open(self->mnt, O_PATH | O_DIRECTORY);
	ASSERT_LE(0, mfd);
	EXPECT_TRUE(same_as_backing(_metadata, mfd, self->bfd, "."));

	ASSERT_EQ(0, mkdirat(mfd, "d", 0750));
	ASSERT_EQ(0, put_file(mfd, "d/f", "hello", 5, 0640));
	ASSERT_EQ(0, renameat(mfd, "d/f", mfd, "g"));
	EXPECT_EQ(5, get_file(self->bfd, "g", data, sizeof(data)));
	EXPECT_STREQ("hello", data);
	EXPECT_TRUE(same_as_backing(_metadata, mfd, self->bfd, "g"));
	EXPECT_TRUE(same_as_backing(_metadata, mfd, self->bfd, "d"));
	EXPECT_TRUE(same_as_backing(_metadata, mfd, self->bfd, "."));
	ASSERT_EQ(0, unlinkat(mfd, "g", 0));
	ASSERT_EQ(0, unlinkat(mfd, "d", AT_REMOVEDIR));
	EXPECT_EQ(-1, faccessat(self->bfd, "g", F_OK, 0));
	EXPECT_EQ(-1, faccessat(self->bfd, "d", F_OK, 0));
	EXPECT_EQ(0, count_entries(self->mnt));
	fd = openat(mfd, "new", O_CREAT | O_WRONLY, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(1, count_entries(self->mnt));
	EXPECT_EQ(1, count_entries(self->backing));
	close(mfd);

	/* nothing reached the daemon */
	EXPECT_EQ(0, next_request(self->dev, self->buf));
	EXPECT_EQ(EAGAIN, errno);
}

/* root_filter_fd's instance filters the root and what is below it. */
TEST_F(root, filter_of_the_root)
{
	struct filters *skel = filters__open_and_load();
	char opt[128], data[8];
	int fd;

	self->bpf = true;
	ASSERT_NE(NULL, skel);
	ASSERT_EQ(0, filters__attach(skel));
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d,root_filter_fd=%d",
		 self->bfd, bpf_link__fd(skel->links.deny));
	ASSERT_EQ(0, mount_root(self->mnt, self->dev, opt));
	ASSERT_EQ(0, answer_init(self->dev, self->buf));
	/* registered for the connection: once is all */
	EXPECT_EQ(-1, ioctl(self->dev, FUSE_BPF_DEV_IOC_FILTER,
			    &(__u32){ bpf_link__fd(skel->links.deny) }));
	EXPECT_EQ(EEXIST, errno);

	/* "deny": writes pass, reads fail */
	snprintf(opt, sizeof(opt), "%s/f", self->mnt);
	fd = open(opt, O_CREAT | O_RDWR, 0644);
	ASSERT_LE(0, fd);
	EXPECT_EQ(3, pwrite(fd, "abc", 3, 0));
	EXPECT_EQ(-1, pread(fd, data, sizeof(data), 0));
	EXPECT_EQ(EACCES, errno);
	close(fd);
	fd = openat(self->bfd, "f", O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(3, read(fd, data, sizeof(data)));
	close(fd);
	EXPECT_EQ(0, next_request(self->dev, self->buf));

	UMOUNT_WAIT(self->mnt);
	filters__destroy(skel);
}

/* Each bad option fails the mount with its errno, and leaves nothing. */
TEST_F(root, bad_options)
{
	int file = openat(self->bfd, "file", O_CREAT | O_RDWR, 0644);
	char opt[96];

	ASSERT_LE(0, file);
	/* a descriptor of a file */
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", file);
	EXPECT_EQ(ENOTDIR, mount_root(self->mnt, self->dev, opt));
	/* without the bpf option */
	snprintf(opt, sizeof(opt), "root_fd=%d", self->bfd);
	EXPECT_EQ(EINVAL, mount_root(self->mnt, self->dev, opt));
	/* a filter without a root */
	snprintf(opt, sizeof(opt), "bpf,root_filter_fd=%d", file);
	EXPECT_EQ(EINVAL, mount_root(self->mnt, self->dev, opt));
	/* a filter descriptor that is no BPF link */
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d,root_filter_fd=%d",
		 self->bfd, file);
	EXPECT_EQ(EINVAL, mount_root(self->mnt, self->dev, opt));
	/* ... or an O_PATH one, which is no descriptor to bpf(2) */
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d,root_filter_fd=%d",
		 self->bfd, self->bfd);
	EXPECT_EQ(EBADF, mount_root(self->mnt, self->dev, opt));
	/* a filter descriptor that is not open */
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d,root_filter_fd=999",
		 self->bfd);
	EXPECT_EQ(EBADF, mount_root(self->mnt, self->dev, opt));
	/* a root mode that is no directory */
	snprintf(opt, sizeof(opt),
		 "fd=%d,rootmode=100000,user_id=0,group_id=0,bpf,root_fd=%d",
		 self->dev, self->bfd);
	EXPECT_EQ(-1, mount("test", self->mnt, FSTYPE, 0, opt));
	EXPECT_EQ(ENOTDIR, errno);

	EXPECT_FALSE(in_mounts(self->mnt));
	close(file);
	/* the device was never taken: it still mounts */
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", self->bfd);
	EXPECT_EQ(0, mount_root(self->mnt, self->dev, opt));
}

/*
 * The descriptor is looked up in the mounter's table: one that another
 * process has open, under a number the mounter does not use, is EBADF.
 */
TEST_F(root, descriptor_of_another_process)
{
	int ready[2], done[2];
	char opt[96], c;
	pid_t pid;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	ASSERT_EQ(-1, fcntl(900, F_GETFD));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (dup2(self->bfd, 900) != 900 || write(ready[1], "r", 1) != 1)
			_exit(1);
		_exit(read(done[0], &c, 1) == 1 ? 0 : 1);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	snprintf(opt, sizeof(opt), "bpf,root_fd=900");
	EXPECT_EQ(EBADF, mount_root(self->mnt, self->dev, opt));
	ASSERT_EQ(1, write(done[1], "d", 1));
	EXPECT_EQ(0, wait_status(pid));
	EXPECT_FALSE(in_mounts(self->mnt));
	close(ready[0]);
	close(ready[1]);
	close(done[0]);
	close(done[1]);
}

/*
 * A backed root counts in the stack: a mount backed by one backed by a
 * directory on tmpfs is two deep, and a third on top is ELOOP.
 */
TEST_F(root, stacking_too_deep)
{
	int dev2 = open(FUSE_BPF_DEVICE, O_RDWR | O_NONBLOCK);
	int dev3 = open(FUSE_BPF_DEVICE, O_RDWR | O_NONBLOCK);
	int fd1, fd2;
	char opt[128];

	ASSERT_LE(0, dev2);
	ASSERT_LE(0, dev3);
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", self->bfd);
	ASSERT_EQ(0, mount_root(self->mnt, self->dev, opt));
	ASSERT_EQ(0, answer_init(self->dev, self->buf));
	fd1 = open(self->mnt, O_PATH | O_DIRECTORY);
	ASSERT_LE(0, fd1);
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", fd1);
	ASSERT_EQ(0, mount_root(self->mnt2, dev2, opt));
	ASSERT_EQ(0, answer_init(dev2, self->buf));
	/* the second serves the first's backing */
	ASSERT_EQ(0, mkdirat(self->bfd, "deep", 0755));
	snprintf(opt, sizeof(opt), "%s/deep", self->mnt2);
	EXPECT_EQ(0, access(opt, F_OK));

	fd2 = open(self->mnt2, O_PATH | O_DIRECTORY);
	ASSERT_LE(0, fd2);
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", fd2);
	EXPECT_EQ(ELOOP, mount_root(self->mnt3, dev3, opt));
	EXPECT_FALSE(in_mounts(self->mnt3));
	close(fd1);
	close(fd2);
	UMOUNT_WAIT(self->mnt2);
	close(dev2);
	close(dev3);
}

/*
 * A FUSE mount's depth is final once its FUSE_INIT is answered: a backed
 * root on a mount that is not answered yet is EAGAIN, or that mount could
 * end up above the new one, and stack on itself through it. One whose own
 * root is backed has its depth from the start.
 */
TEST_F(root, backing_before_its_init)
{
	int dev2 = open(FUSE_BPF_DEVICE, O_RDWR | O_NONBLOCK);
	int dev3 = open(FUSE_BPF_DEVICE, O_RDWR | O_NONBLOCK);
	struct fuse_backing_map map = { 0 };
	char opt[128];
	int fd1;

	ASSERT_LE(0, dev2);
	ASSERT_LE(0, dev3);
	/* a mount the daemon serves, its INIT not answered */
	ASSERT_EQ(0, mount_root(self->mnt, self->dev, "bpf"));
	fd1 = open(self->mnt, O_PATH | O_DIRECTORY);
	ASSERT_LE(0, fd1);
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", fd1);
	EXPECT_EQ(EAGAIN, mount_root(self->mnt2, dev2, opt));
	EXPECT_FALSE(in_mounts(self->mnt2));
	/* answered: one deep, and the second mount two */
	ASSERT_EQ(0, answer_init_depth(self->dev, self->buf, 1));
	ASSERT_EQ(0, mount_root(self->mnt2, dev2, opt));
	/* which the first may not take as a backing */
	map.fd = open(self->mnt2, O_PATH | O_DIRECTORY);
	ASSERT_LE(0, map.fd);
	EXPECT_EQ(-1, ioctl(self->dev, FUSE_DEV_IOC_BACKING_OPEN, &map));
	EXPECT_EQ(ELOOP, errno);
	close(map.fd);
	close(fd1);

	/* a backed root's mount, its INIT not answered */
	fd1 = open(self->mnt2, O_PATH | O_DIRECTORY);
	ASSERT_LE(0, fd1);
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", fd1);
	EXPECT_EQ(ELOOP, mount_root(self->mnt3, dev3, opt));
	close(fd1);
	UMOUNT_WAIT(self->mnt2);
	close(dev2);
	dev2 = open(FUSE_BPF_DEVICE, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, dev2);
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", self->bfd);
	ASSERT_EQ(0, mount_root(self->mnt2, dev2, opt));
	fd1 = open(self->mnt2, O_PATH | O_DIRECTORY);
	ASSERT_LE(0, fd1);
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", fd1);
	EXPECT_EQ(0, mount_root(self->mnt3, dev3, opt));
	close(fd1);
	UMOUNT_WAIT(self->mnt3);
	UMOUNT_WAIT(self->mnt2);
	close(dev2);
	close(dev3);
}

/*
 * FUSE_INIT does not move a backed root's mount in the stack: one over
 * tmpfs stays one deep when its daemon declares passthrough two deep, so
 * that it takes no backing file one deep itself, as its root is not.
 */
TEST_F(root, init_keeps_the_depth)
{
	int dev2 = open(FUSE_BPF_DEVICE, O_RDWR | O_NONBLOCK);
	struct fuse_backing_map map = { 0 };
	char opt[128];

	ASSERT_LE(0, dev2);
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", self->bfd);
	ASSERT_EQ(0, mount_root(self->mnt, self->dev, opt));
	ASSERT_EQ(0, answer_init_depth(self->dev, self->buf, 2));
	/* another mount one deep, beside it */
	ASSERT_EQ(0, mount_root(self->mnt2, dev2, opt));
	ASSERT_EQ(0, answer_init(dev2, self->buf));
	map.fd = open(self->mnt2, O_PATH | O_DIRECTORY);
	ASSERT_LE(0, map.fd);
	EXPECT_EQ(-1, ioctl(self->dev, FUSE_DEV_IOC_BACKING_OPEN, &map));
	EXPECT_EQ(ELOOP, errno);
	close(map.fd);
	/* a file on tmpfs it takes */
	ASSERT_EQ(0, put_file(self->bfd, "f", "x", 1, 0644));
	map.fd = openat(self->bfd, "f", O_RDONLY);
	ASSERT_LE(0, map.fd);
	EXPECT_LT(0, ioctl(self->dev, FUSE_DEV_IOC_BACKING_OPEN, &map));
	close(map.fd);
	/* and the mount is still one deep: one on top of it is two */
	map.fd = open(self->mnt, O_PATH | O_DIRECTORY);
	ASSERT_LE(0, map.fd);
	UMOUNT_WAIT(self->mnt2);
	close(dev2);
	dev2 = open(FUSE_BPF_DEVICE, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, dev2);
	snprintf(opt, sizeof(opt), "bpf,root_fd=%d", map.fd);
	EXPECT_EQ(0, mount_root(self->mnt2, dev2, opt));
	close(map.fd);
	UMOUNT_WAIT(self->mnt2);
	close(dev2);
}

/*
 * A mounter without CAP_SYS_ADMIN in the initial namespace (root of a
 * user namespace of its own) mounts, but cannot back the root.
 */
TEST_F(root, unprivileged_mounter)
{
	pid_t pid;

	if (access("/proc/self/ns/user", F_OK))
		SKIP(return, "no user namespaces in this kernel");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char opt[96];
		int dev, ret;

		if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
			_exit(10);
		/* root, user_id=0 and group_id=0 are the same there */
		if (write_once("/proc/self/uid_map", "0 0 1") ||
		    write_once("/proc/self/setgroups", "deny") ||
		    write_once("/proc/self/gid_map", "0 0 1") ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(10);
		/* the device opened in the namespace that mounts */
		dev = open(FUSE_BPF_DEVICE, O_RDWR | O_NONBLOCK);
		if (dev < 0)
			_exit(11);
		snprintf(opt, sizeof(opt), "bpf,root_fd=%d", self->bfd);
		ret = mount_root(self->mnt, dev, opt);
		if (ret != EPERM)
			_exit(ret == 0 ? 12 : 20 + ret);
		/* the same mount without a backed root works there */
		ret = mount_root(self->mnt, dev, "bpf");
		_exit(ret ? 14 : 0);
	}
	EXPECT_EQ(0, wait_status(pid));
	EXPECT_FALSE(in_mounts(self->mnt));
}

TEST_HARNESS_MAIN
