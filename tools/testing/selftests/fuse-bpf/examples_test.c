// SPDX-License-Identifier: GPL-2.0
/*
 * The example daemons of examples/, as a user runs them: each one,
 * installed in the guest as EXAMPLE_DIR/fusebpf-example-NAME, is started
 * as a process that mounts a tmpfs source with a backed root. Callers of
 * several uids (forked children) use the mount; what they read, list and
 * stat is compared with the source, what they may change with what
 * changed in it, and what the daemon prints at exit (the requests that
 * reached it, audit's counters and refusals) with what they did.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <linux/fuse.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"

#define EXAMPLE_DIR	"/usr/bin"
#define SHARED_LEN	(256 * 1024)

/* struct _test_data_example, the fixture data, is FIXTURE_DATA(example) */
FIXTURE(example) {
	char src[DIR_PATH_LEN];		/* a tmpfs */
	char mnt[DIR_PATH_LEN];
	char out[DIR_PATH_LEN + 8];	/* the daemon's standard output */
	int sfd;			/* src, O_PATH */
	pid_t pid;			/* the daemon, -1 once reaped */
	int status;			/* its wait status, once reaped */
	char *shared;			/* what children write for the test */
	ssize_t *shared_len;		/* the length of what they wrote */
};

FIXTURE_SETUP(example)
{
	ASSERT_EQ(0, make_dirs(self->src, self->mnt, &self->sfd));
	close(self->sfd);
	ASSERT_EQ(0, mount("tmpfs", self->src, "tmpfs", 0, "mode=0777"));
	self->sfd = open(self->src, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->sfd);
	snprintf(self->out, sizeof(self->out), "%s.out", self->src);
	self->pid = -1;
	self->shared_len = mmap(NULL, SHARED_LEN + 4096,
				PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->shared_len);
	self->shared = (char *)self->shared_len + 4096;
}

FIXTURE_TEARDOWN(example)
{
	if (self->pid > 0) {
		kill(self->pid, SIGKILL);
		waitpid(self->pid, NULL, 0);
	}
	umount2(self->mnt, MNT_DETACH);
	close(self->sfd);
	umount2(self->src, MNT_DETACH);
	rmdir(self->mnt);
	rmdir(self->src);
	unlink(self->out);
	munmap(self->shared_len, SHARED_LEN + 4096);
}

/* Whether @dir is a mount point. */
static bool mounted(const char *dir)
{
	struct stat d, p;
	char parent[DIR_PATH_LEN + 4];

	snprintf(parent, sizeof(parent), "%s/..", dir);
	return !stat(dir, &d) && !stat(parent, &p) && d.st_dev != p.st_dev;
}

/* Whether the daemon exited (reaping it). */
static bool gone(struct _test_data_example *self)
{
	if (self->pid > 0 && waitpid(self->pid, &self->status, WNOHANG) ==
	    self->pid)
		self->pid = -1;
	return self->pid < 0;
}

/*
 * Start fusebpf-example-@name with the options @opts (NULL-terminated)
 * on src and mnt, its output going to out, and wait for its mount:
 * 0 or -1.
 */
static int start(struct _test_data_example *self, const char *name,
		 const char *const *opts)
{
	char path[64];
	char *argv[32];
	int i = 0, fd;

	snprintf(path, sizeof(path), EXAMPLE_DIR "/fusebpf-example-%s", name);
	argv[i++] = path;
	while (*opts && i < 29)
		argv[i++] = (char *)*opts++;
	argv[i++] = self->src;
	argv[i++] = self->mnt;
	argv[i] = NULL;
	self->pid = fork();
	if (self->pid < 0)
		return -1;
	if (!self->pid) {
		fd = open(self->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execv(path, argv);
		_exit(127);
	}
	WAIT_UNTIL(mounted(self->mnt) || gone(self));
	return mounted(self->mnt) ? 0 : -1;
}

/* SIGTERM, then wait for the exit: the daemon's exit status, or -1. */
static int stop(struct _test_data_example *self)
{
	if (self->pid > 0)
		kill(self->pid, SIGTERM);
	if (!WAIT_UNTIL(gone(self)) || !WIFEXITED(self->status))
		return -1;
	return WEXITSTATUS(self->status);
}

/* The daemon's output so far, in shared (NUL-terminated). */
static const char *output(struct _test_data_example *self)
{
	int fd = open(self->out, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? 0 : read(fd, self->shared, SHARED_LEN - 1);

	if (fd >= 0)
		close(fd);
	self->shared[n > 0 ? n : 0] = '\0';
	return self->shared;
}

/* How many requests of @opcode the daemon said it received. */
static unsigned long requests(const char *out, unsigned int opcode)
{
	char line[32];
	const char *p;

	snprintf(line, sizeof(line), "opcode %u: ", opcode);
	p = strstr(out, line);
	return p ? strtoul(p + strlen(line), NULL, 10) : 0;
}

/* How many requests the daemon received beyond FUSE_INIT and DESTROY. */
static unsigned long other_requests(const char *out)
{
	unsigned long n = 0;
	unsigned int op;

	for (op = 0; op < 64; op++)
		if (op != FUSE_INIT && op != FUSE_DESTROY)
			n += requests(out, op);
	return n;
}

/*
 * Run @fn(@self, @arg) in a child whose ids are all @uid, without
 * supplementary groups: what it returns (0 or an errno), or -1.
 */
static int as_uid(struct _test_data_example *self, uid_t uid,
		  int (*fn)(struct _test_data_example *, const char *),
		  const char *arg)
{
	int status;
	pid_t pid = fork();

	if (!pid) {
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid))
			_exit(125);
		_exit(fn(self, arg));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int no_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

/* The names in mnt/@dir, sorted and space-separated, in shared: 0/errno. */
static int list(struct _test_data_example *self, const char *dir)
{
	char path[DIR_PATH_LEN * 2];
	struct dirent **names;
	int i, n;

	snprintf(path, sizeof(path), "%s/%s", self->mnt, dir);
	n = scandir(path, &names, no_dots, alphasort);
	if (n < 0)
		return errno;
	self->shared[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(self->shared, " ");
		strcat(self->shared, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* mnt/@name, in a buffer that the next call reuses. */
static const char *at(struct _test_data_example *self, const char *name)
{
	static char path[DIR_PATH_LEN * 2];

	snprintf(path, sizeof(path), "%s/%s", self->mnt, name);
	return path;
}

static int do_stat(struct _test_data_example *self, const char *name)
{
	struct stat st;

	return lstat(at(self, name), &st) ? errno : 0;
}

/* Read mnt/@name into shared: 0 or an errno; its length in shared_len. */
static int do_read(struct _test_data_example *self, const char *name)
{
	ssize_t n = get_file(AT_FDCWD, at(self, name), self->shared,
			     SHARED_LEN);

	if (n < 0)
		return errno;
	*self->shared_len = n;
	return 0;
}

/* Create mnt/@name: 0 or an errno. */
static int do_create(struct _test_data_example *self, const char *name)
{
	int fd = open(at(self, name), O_WRONLY | O_CREAT | O_EXCL, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Write the file @name of @len bytes of fill(@seed) in the source. */
static int src_file(struct _test_data_example *self, const char *name,
		    size_t len, unsigned int seed, char *buf)
{
	fill(buf, len, seed);
	return put_file(self->sfd, name, buf, len, 0666);
}

/*
 * hide: the names one uid must not see are neither listed nor found in
 * any directory, as the patterns say (exact, prefix, suffix); the others
 * see them, and what is seen is the source's.
 */
TEST_F(example, hide)
{
	static const char *const opts[] = {
		"-p", "1000:secret*", "-p", "1000:*.key", "-p", "1000:plan",
		"-p", "2000:visible", NULL
	};
	static const char *const hidden[] = {
		"secret.txt", "secret2", "notes.key", "plan", "sub/secret.txt",
	};
	char data[4096];
	unsigned int i;
	const char *out;

	ASSERT_EQ(0, mkdirat(self->sfd, "sub", 0777));
	ASSERT_EQ(0, src_file(self, "visible", sizeof(data), 1, data));
	ASSERT_EQ(0, src_file(self, "secret.txt", 10, 2, data));
	ASSERT_EQ(0, src_file(self, "secret2", 10, 3, data));
	ASSERT_EQ(0, src_file(self, "notes.key", 10, 4, data));
	ASSERT_EQ(0, src_file(self, "plan", 10, 5, data));
	ASSERT_EQ(0, src_file(self, "planet", 10, 6, data));
	ASSERT_EQ(0, src_file(self, "sub/secret.txt", 10, 7, data));
	ASSERT_EQ(0, src_file(self, "sub/keep", 10, 8, data));
	ASSERT_EQ(0, start(self, "hide", opts));

	/*
	 * uid 1000: ls does not show what stat cannot find. Each uid looks
	 * a name up before another does (hide_after_another_uid).
	 */
	ASSERT_EQ(0, as_uid(self, 1000, list, ""));
	EXPECT_STREQ("planet sub visible", self->shared);
	ASSERT_EQ(0, as_uid(self, 1000, list, "sub"));
	EXPECT_STREQ("keep", self->shared);
	for (i = 0; i < ARRAY_SIZE(hidden); i++) {
		const char *name = hidden[i];

		EXPECT_EQ(ENOENT, as_uid(self, 1000, do_stat, name))
			TH_LOG("%s", name);
	}
	/* nor can it make one */
	EXPECT_NE(0, as_uid(self, 1000, do_create, "secret-new"));
	EXPECT_EQ(-1, faccessat(self->sfd, "secret-new", F_OK, 0));

	/* uid 2000 has its own pattern */
	ASSERT_EQ(0, as_uid(self, 2000, list, ""));
	EXPECT_STREQ("notes.key plan planet secret.txt secret2 sub",
		     self->shared);
	EXPECT_EQ(ENOENT, as_uid(self, 2000, do_stat, "visible"));
	EXPECT_EQ(0, as_uid(self, 2000, do_stat, "secret.txt"));

	/* what they see is the source's */
	ASSERT_EQ(0, as_uid(self, 1000, do_read, "visible"));
	fill(data, sizeof(data), 1);
	ASSERT_EQ(sizeof(data), *self->shared_len);
	EXPECT_EQ(0, memcmp(data, self->shared, sizeof(data)));

	/* root sees all, as it is in the source */
	ASSERT_EQ(0, as_uid(self, 0, list, ""));
	EXPECT_STREQ("notes.key plan planet secret.txt secret2 sub visible",
		     self->shared);
	for (i = 0; i < ARRAY_SIZE(hidden); i++) {
		int mfd = open(self->mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);

		EXPECT_TRUE(same_as_backing(_metadata, mfd, self->sfd,
					    hidden[i]));
		close(mfd);
	}

	ASSERT_EQ(0, stop(self));
	EXPECT_FALSE(mounted(self->mnt));
	out = output(self);
	/* the kernel did it all */
	EXPECT_EQ(1, requests(out, FUSE_INIT));
	EXPECT_EQ(0, other_requests(out)) TH_LOG("%s", out);
}

/*
 * hide: a name another uid looked up (and the kernel keeps in its
 * dentry cache) stays hidden from the uid it is hidden from.
 */
TEST_F(example, hide_after_another_uid)
{
	static const char *const opts[] = { "-p", "1000:secret", NULL };
	char data[16];

	ASSERT_EQ(0, src_file(self, "secret", sizeof(data), 1, data));
	ASSERT_EQ(0, start(self, "hide", opts));
	EXPECT_EQ(0, as_uid(self, 0, do_stat, "secret"));
	EXPECT_EQ(ENOENT, as_uid(self, 1000, do_stat, "secret"));
	EXPECT_EQ(ENOENT, as_uid(self, 1000, do_read, "secret"));
	ASSERT_EQ(0, stop(self));
}

/* The path /proc/self/fd/@fd names, in @buf. */
static const char *fd_link(int fd, char *buf, size_t len)
{
	char p[64];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	n = readlink(p, buf, len - 1);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/*
 * A name hidden from one uid keeps, for those who see it, what is
 * mounted on it ...
 */
TEST_F(example, hidden_name_keeps_mounts)
{
	static const char *const opts[] = { "-p", "1000:secret", NULL };
	char path[DIR_PATH_LEN * 2];

	ASSERT_EQ(0, mkdirat(self->sfd, "secret", 0777));
	ASSERT_EQ(0, start(self, "hide", opts));
	snprintf(path, sizeof(path), "%s", at(self, "secret"));
	ASSERT_EQ(0, mount("none", path, "tmpfs", 0, NULL));
	EXPECT_TRUE(mounted(path));
	EXPECT_EQ(ENOENT, as_uid(self, 1000, do_stat, "secret"));
	EXPECT_TRUE(mounted(path));
	umount2(path, MNT_DETACH);
	ASSERT_EQ(0, stop(self));
}

/* ... and the path of a file open under it */
TEST_F(example, hidden_name_keeps_open_names)
{
	static const char *const opts[] = { "-p", "1000:secret", NULL };
	char data[16], path[DIR_PATH_LEN * 2], link[DIR_PATH_LEN * 2];
	int fd;

	ASSERT_EQ(0, src_file(self, "secret", sizeof(data), 1, data));
	ASSERT_EQ(0, start(self, "hide", opts));
	snprintf(path, sizeof(path), "%s", at(self, "secret"));
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_STREQ(path, fd_link(fd, link, sizeof(link)));
	EXPECT_EQ(ENOENT, as_uid(self, 1000, do_stat, "secret"));
	EXPECT_STREQ(path, fd_link(fd, link, sizeof(link)));
	EXPECT_EQ(0, as_uid(self, 0, do_stat, "secret"));
	close(fd);
	ASSERT_EQ(0, stop(self));
}

/* A second hard link in a filtered directory stays valid. */
TEST_F(example, hard_link_stays_valid)
{
	static const char *const opts[] = { "-p", "1000:secret", NULL };
	char data[16], path[DIR_PATH_LEN * 2], link[DIR_PATH_LEN * 2];
	int fd;

	ASSERT_EQ(0, src_file(self, "a", sizeof(data), 1, data));
	ASSERT_EQ(0, linkat(self->sfd, "a", self->sfd, "b", 0));
	ASSERT_EQ(0, start(self, "hide", opts));
	EXPECT_EQ(0, do_stat(self, "a"));
	snprintf(path, sizeof(path), "%s", at(self, "b"));
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, do_stat(self, "b"));
	EXPECT_STREQ(path, fd_link(fd, link, sizeof(link)));
	close(fd);
	ASSERT_EQ(0, stop(self));
}

/* The changes readonly-for refuses, each about mnt/@name: 0 or an errno. */
static int do_open_write(struct _test_data_example *self, const char *name)
{
	int fd = open(at(self, name), O_WRONLY);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int do_unlink(struct _test_data_example *self, const char *name)
{
	return unlink(at(self, name)) ? errno : 0;
}

static int do_mkdir(struct _test_data_example *self, const char *name)
{
	return mkdir(at(self, name), 0755) ? errno : 0;
}

static int do_rename(struct _test_data_example *self, const char *name)
{
	char to[DIR_PATH_LEN * 2 + 16];

	snprintf(to, sizeof(to), "%s.renamed", at(self, name));
	return rename(at(self, name), to) ? errno : 0;
}

static int do_link(struct _test_data_example *self, const char *name)
{
	char to[DIR_PATH_LEN * 2 + 16];

	snprintf(to, sizeof(to), "%s.link", at(self, name));
	return link(at(self, name), to) ? errno : 0;
}

static int do_symlink(struct _test_data_example *self, const char *name)
{
	return symlink("target", at(self, name)) ? errno : 0;
}

static int do_truncate(struct _test_data_example *self, const char *name)
{
	return truncate(at(self, name), 1) ? errno : 0;
}

static int do_chmod(struct _test_data_example *self, const char *name)
{
	return chmod(at(self, name), 0600) ? errno : 0;
}

static int do_utimes(struct _test_data_example *self, const char *name)
{
	return utimensat(AT_FDCWD, at(self, name), NULL, 0) ? errno : 0;
}

static int do_setxattr(struct _test_data_example *self, const char *name)
{
	return setxattr(at(self, name), "user.x", "1", 1, 0) ? errno : 0;
}

/* Append "more" to mnt/@name, a file opened for writing before. */
static int wfd = -1;

static int do_write_fd(struct _test_data_example *self, const char *name)
{
	return write(wfd, "more", 4) < 0 ? errno : 0;
}

static int do_append(struct _test_data_example *self, const char *name)
{
	int fd = open(at(self, name), O_WRONLY | O_APPEND);
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, "more", 4);
	close(fd);
	return n == 4 ? 0 : n < 0 ? errno : EIO;
}

/*
 * readonly-for: every change by a read-only uid fails with EROFS and
 * leaves the source as it was, also through a descriptor opened for
 * writing before; that uid reads the source, and other uids change it.
 */
TEST_F(example, readonly_for)
{
	static const char *const opts[] = { "-u", "1000", "-u", "1001", NULL };
	static const struct {
		int (*fn)(struct _test_data_example *self, const char *name);
		const char *name, *what;
	} changes[] = {
		{ do_open_write, "f", "open for writing" },
		{ do_create, "new", "create" },
		{ do_unlink, "f", "unlink" },
		{ do_mkdir, "newdir", "mkdir" },
		{ do_rename, "f", "rename" },
		{ do_link, "mine", "link" },
		{ do_symlink, "sym", "symlink" },
		{ do_truncate, "mine", "truncate" },
		{ do_chmod, "mine", "chmod" },
		{ do_utimes, "mine", "utimes" },
		{ do_setxattr, "mine", "setxattr" },
		{ do_unlink, "d/g", "unlink in a subdirectory" },
		{ do_write_fd, "", "write to a descriptor opened before" },
	};
	struct stat before[3], after[3];
	const char *names[3] = { ".", "f", "mine" };
	char data[5000];
	const char *out;
	unsigned int i;

	ASSERT_EQ(0, src_file(self, "f", sizeof(data), 1, data));
	ASSERT_EQ(0, src_file(self, "mine", 100, 2, data));
	ASSERT_EQ(0, fchownat(self->sfd, "mine", 1000, 1000, 0));
	ASSERT_EQ(0, mkdirat(self->sfd, "d", 0777));
	ASSERT_EQ(0, src_file(self, "d/g", 10, 3, data));
	ASSERT_EQ(0, start(self, "readonly-for", opts));
	wfd = open(at(self, "f"), O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, wfd);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, fstatat(self->sfd, names[i], &before[i], 0));

	for (i = 0; i < ARRAY_SIZE(changes); i++) {
		const char *what = changes[i].what;

		EXPECT_EQ(EROFS, as_uid(self, 1000, changes[i].fn,
					changes[i].name))
			TH_LOG("%s", what);
	}
	EXPECT_EQ(EROFS, as_uid(self, 1001, do_create, "new"));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, fstatat(self->sfd, names[i], &after[i], 0));
		EXPECT_TRUE(same_stat(_metadata, &after[i], &before[i]))
			TH_LOG("%s changed", names[i]);
	}
	EXPECT_EQ(-1, faccessat(self->sfd, "new", F_OK, 0));

	/* it reads, lists and stats what the source has */
	ASSERT_EQ(0, as_uid(self, 1000, do_read, "f"));
	fill(data, sizeof(data), 1);
	ASSERT_EQ(sizeof(data), *self->shared_len);
	EXPECT_EQ(0, memcmp(data, self->shared, sizeof(data)));
	ASSERT_EQ(0, as_uid(self, 1000, list, ""));
	EXPECT_STREQ("d f mine", self->shared);
	EXPECT_EQ(0, as_uid(self, 1000, do_stat, "d/g"));

	/* the others change it */
	EXPECT_EQ(0, as_uid(self, 2000, do_append, "f"));
	EXPECT_EQ(0, as_uid(self, 2000, do_create, "new"));
	EXPECT_EQ(0, as_uid(self, 0, do_write_fd, ""));
	ASSERT_EQ(0, fstatat(self->sfd, "f", &after[1], 0));
	EXPECT_EQ(sizeof(data) + 8, after[1].st_size);
	ASSERT_EQ(0, fstatat(self->sfd, "new", &after[0], 0));
	EXPECT_EQ(2000, after[0].st_uid);
	close(wfd);

	ASSERT_EQ(0, stop(self));
	out = output(self);
	EXPECT_EQ(1, requests(out, FUSE_INIT));
	EXPECT_EQ(0, other_requests(out)) TH_LOG("%s", out);
}

/* The last count audit printed for @uid and @op, or -1. */
static long long audit_count(const char *out, unsigned int uid,
			     const char *op)
{
	char line[64];
	const char *p = out, *q;
	long long n = -1;

	snprintf(line, sizeof(line), "count uid=%u op=%s n=", uid, op);
	while ((q = strstr(p, line))) {
		p = q + strlen(line);
		n = strtoll(p, NULL, 10);
	}
	return n;
}

/* How many times @line is a line of @out. */
static int lines(const char *out, const char *line)
{
	size_t len = strlen(line);
	const char *p;
	int n = 0;

	for (p = out; (p = strstr(p, line)); p += len)
		if ((p == out || p[-1] == '\n') && p[len] == '\n')
			n++;
	return n;
}

/* How many lines of @out start with @prefix. */
static int starting(const char *out, const char *prefix)
{
	size_t len = strlen(prefix);
	const char *p;
	int n = 0;

	for (p = out; (p = strstr(p, prefix)); p += len)
		n += p == out || p[-1] == '\n';
	return n;
}

/* stat mnt/@name, telling the test its pid in shared_len. */
static int do_stat_pid(struct _test_data_example *self, const char *name)
{
	*self->shared_len = getpid();
	return do_stat(self, name);
}

/*
 * audit: each refusal of a denied name is printed as it happens, with
 * the caller's uid and pid; the counters, on SIGUSR1 and at exit, say
 * how many operations of each kind each uid made.
 */
TEST_F(example, audit)
{
	static const char *const opts[] = { "-d", "denied", "-d", "other",
					    NULL };
	char data[100], line[128];
	const char *out;
	pid_t pid;

	ASSERT_EQ(0, src_file(self, "a", sizeof(data), 1, data));
	ASSERT_EQ(0, src_file(self, "denied", sizeof(data), 2, data));
	ASSERT_EQ(0, mkdirat(self->sfd, "sub", 0777));
	ASSERT_EQ(0, src_file(self, "sub/denied", sizeof(data), 3, data));
	ASSERT_EQ(0, start(self, "audit", opts));

	EXPECT_EQ(0, as_uid(self, 1000, do_stat, "a"));
	EXPECT_EQ(0, as_uid(self, 1000, do_read, "a"));
	EXPECT_EQ(sizeof(data), *self->shared_len);
	EXPECT_EQ(EACCES, as_uid(self, 1000, do_stat_pid, "denied"));
	pid = *self->shared_len;
	EXPECT_EQ(EACCES, as_uid(self, 1000, do_read, "sub/denied"));
	EXPECT_EQ(EACCES, as_uid(self, 0, do_stat, "denied"));
	/* denied names are listed */
	ASSERT_EQ(0, as_uid(self, 1000, list, ""));
	EXPECT_STREQ("a denied sub", self->shared);

	/* refusals come as they happen */
	snprintf(line, sizeof(line),
		 "refused uid=1000 pid=%d op=lookup name=denied error=-13",
		 pid);
	EXPECT_TRUE(WAIT_UNTIL(lines(output(self), line) == 1))
		TH_LOG("no \"%s\" in:\n%s", line, output(self));
	/* counters on SIGUSR1 */
	ASSERT_EQ(0, kill(self->pid, SIGUSR1));
	EXPECT_TRUE(WAIT_UNTIL(audit_count(output(self), 1000, "open") == 1))
		TH_LOG("%s", output(self));

	ASSERT_EQ(0, stop(self));
	out = output(self);
	EXPECT_EQ(1, lines(out, line));
	EXPECT_EQ(2, starting(out, "refused uid=1000 pid="));
	EXPECT_EQ(1, starting(out, "refused uid=0 pid="));
	/*
	 * a twice (the filter is asked again each time a path goes through
	 * a name it let through), denied, sub and sub/denied
	 */
	EXPECT_EQ(5, audit_count(out, 1000, "lookup"));
	EXPECT_EQ(1, audit_count(out, 1000, "open"));
	/* the data, then the end of the file */
	EXPECT_EQ(2, audit_count(out, 1000, "read"));
	EXPECT_EQ(1, audit_count(out, 1000, "opendir"));
	EXPECT_LT(0, audit_count(out, 1000, "getattr"));
	EXPECT_EQ(1, audit_count(out, 0, "lookup"));
	EXPECT_EQ(-1, audit_count(out, 0, "open"));
	EXPECT_EQ(1, requests(out, FUSE_INIT));
	EXPECT_EQ(0, other_requests(out)) TH_LOG("%s", out);
}

/* @len bytes of fill(@seed) from @off, with 'X' in redact's two ranges. */
static void redacted(char *buf, size_t len, off_t off, unsigned int seed)
{
	static const struct { off_t off, len; } r[] = {
		{ 10, 20 }, { 70000, 5000 },
	};
	char *all = malloc(off + len);
	unsigned int i;

	fill(all, off + len, seed);
	for (i = 0; i < ARRAY_SIZE(r); i++)
		if (r[i].off < off + (off_t)len)
			memset(all + r[i].off, 'X',
			       r[i].off + r[i].len > off + (off_t)len ?
			       off + len - r[i].off : r[i].len);
	memcpy(buf, all + off, len);
	free(all);
}

#define DOC_LEN		100000

static const char *const redact_opts[] = {
	"-r", "doc:10:20", "-r", "doc:70000:5000", NULL
};

/*
 * redact: the daemon gets the reads that touch a redacted range, and the
 * lookup, open and release of the file, nothing else; what a reader gets
 * is the source with 'X' in the ranges; stat is the source's, also after
 * a write through the mount, which the source gets.
 */
TEST_F(example, redact)
{
	char *want = malloc(DOC_LEN), *got = malloc(DOC_LEN);
	struct stat m, b;
	const char *out;
	int fd;

	ASSERT_NE(NULL, want);
	ASSERT_NE(NULL, got);
	ASSERT_EQ(0, src_file(self, "doc", DOC_LEN, 1, want));
	ASSERT_EQ(0, src_file(self, "plain", DOC_LEN, 2, want));
	ASSERT_EQ(0, mkdirat(self->sfd, "sub", 0777));
	ASSERT_EQ(0, src_file(self, "sub/doc", DOC_LEN, 3, want));
	ASSERT_EQ(0, start(self, "redact", redact_opts));

	fd = open(at(self, "doc"), O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	/* from the backing: no range there */
	ASSERT_EQ(4096, pread(fd, got, 4096, 40960));
	redacted(want, 4096, 40960, 1);
	EXPECT_EQ(0, memcmp(want, got, 4096));
	/* from the daemon: the first range, and across the second */
	ASSERT_EQ(40, pread(fd, got, 40, 0));
	redacted(want, 40, 0, 1);
	EXPECT_EQ(0, memcmp(want, got, 40));
	EXPECT_EQ('X', got[10]);
	EXPECT_EQ('X', got[29]);
	EXPECT_NE('X', got[30]);
	ASSERT_EQ(100, pread(fd, got, 100, 69950));
	redacted(want, 100, 69950, 1);
	EXPECT_EQ(0, memcmp(want, got, 100));
	/* stat: the source's */
	ASSERT_EQ(0, fstat(fd, &m));
	ASSERT_EQ(0, fstatat(self->sfd, "doc", &b, 0));
	EXPECT_TRUE(same_stat(_metadata, &m, &b));
	EXPECT_EQ(0, close(fd));

	/* the others are the source's, the same name elsewhere too */
	ASSERT_EQ(0, do_read(self, "plain"));
	fill(want, DOC_LEN, 2);
	ASSERT_EQ(DOC_LEN, *self->shared_len);
	EXPECT_EQ(0, memcmp(want, self->shared, DOC_LEN));
	ASSERT_EQ(0, do_read(self, "sub/doc"));
	fill(want, DOC_LEN, 3);
	ASSERT_EQ(DOC_LEN, *self->shared_len);
	EXPECT_EQ(0, memcmp(want, self->shared, DOC_LEN));

	ASSERT_EQ(0, stop(self));
	out = output(self);
	EXPECT_EQ(1, requests(out, FUSE_LOOKUP)) TH_LOG("%s", out);
	EXPECT_EQ(1, requests(out, FUSE_OPEN));
	EXPECT_EQ(2, requests(out, FUSE_READ));
	EXPECT_EQ(1, requests(out, FUSE_RELEASE));
	EXPECT_EQ(5, other_requests(out) - requests(out, FUSE_FORGET) -
		  requests(out, FUSE_BATCH_FORGET) - requests(out, FUSE_FLUSH))
		TH_LOG("%s", out);
	free(want);
	free(got);
}

/*
 * redact: whole-file reads, sendfile, a private mapping and a write
 * through the mount: the ranges read as 'X' whichever way, the write
 * reaches the source, and stat follows it.
 */
TEST_F(example, redact_every_way)
{
	char *want = malloc(DOC_LEN), *got = malloc(DOC_LEN), *map;
	struct stat m, b;
	int fd, pipefd[2];
	ssize_t n, len;

	ASSERT_NE(NULL, want);
	ASSERT_NE(NULL, got);
	ASSERT_EQ(0, src_file(self, "doc", DOC_LEN, 1, want));
	ASSERT_EQ(0, start(self, "redact", redact_opts));
	redacted(want, DOC_LEN, 0, 1);

	/* read(2), by another uid */
	ASSERT_EQ(0, as_uid(self, 1000, do_read, "doc"));
	ASSERT_EQ(DOC_LEN, *self->shared_len);
	EXPECT_EQ(0, memcmp(want, self->shared, DOC_LEN));

	/* sendfile into a pipe, as busybox cat does */
	fd = open(at(self, "doc"), O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(0, fcntl(pipefd[0], F_SETFL, O_NONBLOCK));
	for (len = 0; len < DOC_LEN; len += n) {
		n = sendfile(pipefd[1], fd, NULL, 4096);
		ASSERT_LT(0, n);
		ASSERT_EQ(n, read(pipefd[0], got + len, n));
	}
	EXPECT_EQ(0, memcmp(want, got, DOC_LEN));
	close(pipefd[0]);
	close(pipefd[1]);

	/* a private mapping */
	map = mmap(NULL, DOC_LEN, PROT_READ, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	EXPECT_EQ(0, memcmp(want, map, DOC_LEN));
	munmap(map, DOC_LEN);
	close(fd);

	/* a write into a range: the source has it, readers do not */
	fd = open(at(self, "doc"), O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, pwrite(fd, "abcd", 4, 12));
	ASSERT_EQ(4, pwrite(fd, "tail", 4, DOC_LEN));
	close(fd);
	ASSERT_EQ(DOC_LEN + 4, get_file(self->sfd, "doc", got, DOC_LEN + 4));
	EXPECT_EQ(0, memcmp("abcd", got + 12, 4));
	ASSERT_EQ(0, do_read(self, "doc"));
	ASSERT_EQ(DOC_LEN + 4, *self->shared_len);
	EXPECT_EQ(0, memcmp(want, self->shared, DOC_LEN));
	EXPECT_EQ(0, memcmp("tail", self->shared + DOC_LEN, 4));
	ASSERT_EQ(0, stat(at(self, "doc"), &m));
	ASSERT_EQ(0, fstatat(self->sfd, "doc", &b, 0));
	EXPECT_TRUE(same_stat(_metadata, &m, &b));

	ASSERT_EQ(0, stop(self));
	free(want);
	free(got);
}

TEST_HARNESS_MAIN
