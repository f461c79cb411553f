// SPDX-License-Identifier: GPL-2.0
/*
 * fusebpf-passthrough, the installed command (/usr/bin), run as a user
 * runs it on a tmpfs directory: it goes to the background once the mount
 * is up; the kernel serves data, attributes and the namespace from the
 * backing without the daemon hearing of them (its own request counts,
 * -o stats, say so); what a filter forwards, the daemon serves; SIGTERM
 * and umount end it; bad arguments fail with one line and leave nothing.
 *
 * The test is a child subreaper, so that the daemon, once its parent
 * has returned, is the test's child: its exit status is waited for.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"

#define CMD		"/usr/bin/fusebpf-passthrough"
#define FILTER_READS	"/tests/reads_user.bpf.o"
#define FILTER_EVERY	"/tests/every.bpf.o"
#define FSTYPE		"fusebpf.passthrough"
#define DATA_LEN	(256 * 1024 + 123)
#define MAX_ARGS	16

/*
 * Run the command with @args (NULL-terminated, CMD first) and wait for
 * it: its exit status, or -1. What it printed on standard error goes to
 * @err, NUL-terminated.
 */
static int run(char *const args[], char *err, size_t size)
{
	int fd = memfd_create("stderr", MFD_CLOEXEC), status;
	ssize_t n;
	pid_t pid;

	if (fd < 0)
		return -1;
	pid = fork();
	if (!pid) {
		dup2(fd, STDERR_FILENO);
		execv(CMD, args);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		close(fd);
		return -1;
	}
	n = pread(fd, err, size - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Whether @mnt is a mount point of type FSTYPE in /proc/self/mounts. */
static bool mounted(const char *mnt)
{
	char dev[256], dir[256], type[64], line[1024];
	FILE *f = fopen("/proc/self/mounts", "r");
	bool found = false;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %255s %63s", dev, dir, type) == 3 &&
		    !strcmp(dir, mnt) && !strcmp(type, FSTYPE))
			found = true;
	if (f)
		fclose(f);
	return found;
}

/*
 * The process running CMD with @mnt as its last argument, alive (not a
 * zombie): its pid, or 0.
 */
static pid_t find_daemon(const char *mnt)
{
	DIR *d = opendir("/proc");
	char path[64], buf[1024], state;
	struct dirent *e;
	pid_t found = 0;
	ssize_t n;
	int fd;

	while (d && !found && (e = readdir(d))) {
		pid_t pid = atoi(e->d_name);
		const char *last = buf;
		FILE *f;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0 || strcmp(buf, CMD))
			continue;
		buf[n] = '\0';
		for (char *p = buf; p < buf + n - 1; p++)
			if (!*p)
				last = p + 1;
		if (strcmp(last, mnt))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (f && fscanf(f, "%*d (%*[^)]) %c", &state) == 1 &&
		    state != 'Z')
			found = pid;
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

/* The exit status of the child @pid, once it exits; -1 if not 0..255. */
static int wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The count of @name in the stats file @path; -1 if unreadable. */
static long stat_count(const char *path, const char *name)
{
	char line[128], key[64];
	FILE *f = fopen(path, "r");
	long n = 0, v;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", key, &v) == 2 &&
		    !strcmp(key, name))
			n = v;
	fclose(f);
	return n;
}

/* Log the stats file, for a failing test. */
static void log_stats(struct __test_metadata *_metadata, const char *path)
{
	char buf[2048];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	TH_LOG("stats of the daemon:\n%s", buf);
}

/* A command line, and what the command said on standard error. */
struct cmdline {
	char *args[MAX_ARGS];
	int nargs;
	char err[4096];
};

FIXTURE(pt) {
	char backing[DIR_PATH_LEN], mnt[DIR_PATH_LEN];
	char stats[DIR_PATH_LEN + 16], opt[DIR_PATH_LEN + 64];
	struct cmdline c;
	int bfd, mfd;
	pid_t daemon;
};

FIXTURE_SETUP(pt)
{
	if (access(CMD, X_OK))
		SKIP(return, CMD " is not installed");
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	snprintf(self->stats, sizeof(self->stats), "%s.stats",
		 self->backing);
	self->mfd = -1;
	/* the daemon becomes this process's child once its parent exits */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
}

FIXTURE_TEARDOWN(pt)
{
	char cmd[8 * DIR_PATH_LEN];

	if (self->mfd >= 0)
		close(self->mfd);
	if (self->daemon > 0 && find_daemon(self->mnt)) {
		TH_LOG("the daemon still runs: killed");
		kill(self->daemon, SIGKILL);
	}
	if (self->daemon > 0)
		waitpid(self->daemon, NULL, 0);
	if (mounted(self->mnt))
		UMOUNT_WAIT(self->mnt);
	close(self->bfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s %s %s.tmp", self->backing,
		 self->mnt, self->stats, self->stats);
	system(cmd);
}

/* Start the command line @c: CMD, then @first... until NULL. */
static void args(struct cmdline *c, const char *first, ...)
{
	const char *a;
	va_list ap;

	c->nargs = 0;
	c->args[c->nargs++] = CMD;
	va_start(ap, first);
	for (a = first; a && c->nargs < MAX_ARGS - 3; a = va_arg(ap, char *))
		c->args[c->nargs++] = (char *)a;
	va_end(ap);
	c->args[c->nargs] = NULL;
}

/*
 * Run the command with the arguments given to args(), then SOURCE and
 * MOUNTPOINT: it must return 0, silent, with the mount up and the daemon
 * running; the mount is opened as self->mfd.
 */
#define START(self) do {						\
	struct cmdline *__c = &(self)->c;				\
									\
	__c->args[__c->nargs++] = (self)->backing;			\
	__c->args[__c->nargs++] = (self)->mnt;				\
	__c->args[__c->nargs] = NULL;					\
	ASSERT_EQ(0, run(__c->args, __c->err, sizeof(__c->err)))	\
		TH_LOG("stderr: %s", __c->err);				\
	EXPECT_STREQ("", __c->err);					\
	/* up when the command returns: no waiting */			\
	ASSERT_TRUE(mounted((self)->mnt));				\
	(self)->daemon = find_daemon((self)->mnt);			\
	ASSERT_LT(0, (self)->daemon);					\
	(self)->mfd = open((self)->mnt, O_PATH | O_DIRECTORY);		\
	ASSERT_LE(0, (self)->mfd);					\
} while (0)

/* umount MOUNTPOINT: the daemon exits 0 and writes its last stats. */
#define STOP(self) do {							\
	close((self)->mfd);						\
	(self)->mfd = -1;						\
	ASSERT_EQ(0, umount((self)->mnt));				\
	ASSERT_EQ(0, wait_exit((self)->daemon));			\
	(self)->daemon = 0;						\
	EXPECT_FALSE(mounted((self)->mnt));				\
} while (0)

/* Data written on either side is read back on the other. */
TEST_F(pt, data_both_ways)
{
	char *a = malloc(DATA_LEN), *b = malloc(DATA_LEN);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	args(&self->c, NULL);
	START(self);

	fill(a, DATA_LEN, 1);
	ASSERT_EQ(0, put_file(self->mfd, "through", a, DATA_LEN, 0644));
	ASSERT_EQ(DATA_LEN, get_file(self->bfd, "through", b, DATA_LEN));
	EXPECT_EQ(0, memcmp(a, b, DATA_LEN));

	fill(a, DATA_LEN, 2);
	ASSERT_EQ(0, put_file(self->bfd, "beside", a, DATA_LEN, 0600));
	memset(b, 0, DATA_LEN);
	ASSERT_EQ(DATA_LEN, get_file(self->mfd, "beside", b, DATA_LEN));
	EXPECT_EQ(0, memcmp(a, b, DATA_LEN));

	/* over what the mount read before */
	fill(a, 4096, 3);
	ASSERT_EQ(0, put_file(self->bfd, "beside", a, 4096, 0600));
	ASSERT_EQ(4096, get_file(self->mfd, "beside", b, DATA_LEN));
	EXPECT_EQ(0, memcmp(a, b, 4096));
	STOP(self);
	free(a);
	free(b);
}

/* stat through the mount says what stat of the backing says. */
TEST_F(pt, stat_same_as_backing)
{
	char data[100] = "x";

	ASSERT_EQ(0, put_file(self->bfd, "file", data, sizeof(data), 0640));
	ASSERT_EQ(0, mkdirat(self->bfd, "dir", 0751));
	ASSERT_EQ(0, symlinkat("file", self->bfd, "link"));
	ASSERT_EQ(0, put_file(self->bfd, "dir/deep", data, 10, 0604));
	ASSERT_EQ(0, fchownat(self->bfd, "dir/deep", 1234, 5678, 0));
	args(&self->c, NULL);
	START(self);

	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "dir"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "link"));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "dir/deep"));
	/* changed through the mount, then on the backing */
	ASSERT_EQ(0, fchmodat(self->mfd, "file", 0600, 0));
	snprintf(self->opt, sizeof(self->opt), "%s/file", self->mnt);
	ASSERT_EQ(0, truncate(self->opt, 3));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	ASSERT_EQ(0, put_file(self->bfd, "file", data, 7, 0600));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
	STOP(self);
}

/*
 * Without a filter, creates, mkdirs, renames and unlinks in the root go
 * to the backing, and the daemon gets no request for them: its counts,
 * written when umount ends it, have FUSE_INIT and nothing else.
 */
TEST_F(pt, namespace_without_the_daemon)
{
	char data[64] = "namespace", back[64];
	struct stat st;
	long total, init;

	snprintf(self->opt, sizeof(self->opt), "stats=%s", self->stats);
	args(&self->c, "-o", self->opt, NULL);
	START(self);

	ASSERT_EQ(0, put_file(self->mfd, "created", data, sizeof(data), 0644));
	ASSERT_EQ(0, mkdirat(self->mfd, "made", 0755));
	ASSERT_EQ(0, renameat(self->mfd, "created", self->mfd, "made/moved"));
	ASSERT_EQ(0, put_file(self->mfd, "doomed", data, 1, 0644));
	ASSERT_EQ(0, unlinkat(self->mfd, "doomed", 0));

	ASSERT_EQ(0, fstatat(self->bfd, "made", &st, 0));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(0755, st.st_mode & 07777);
	ASSERT_EQ((ssize_t)sizeof(data),
		  get_file(self->bfd, "made/moved", back, sizeof(back)));
	EXPECT_EQ(0, memcmp(data, back, sizeof(data)));
	EXPECT_EQ(-1, faccessat(self->bfd, "created", F_OK, 0));
	EXPECT_EQ(-1, faccessat(self->bfd, "doomed", F_OK, 0));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "made/moved"));
	STOP(self);

	total = stat_count(self->stats, "total");
	init = stat_count(self->stats, "INIT");
	ASSERT_LE(0, total);
	EXPECT_EQ(1, init);
	EXPECT_EQ(0, stat_count(self->stats, "LOOKUP"));
	EXPECT_EQ(0, stat_count(self->stats, "CREATE"));
	EXPECT_EQ(0, stat_count(self->stats, "MKDIR"));
	EXPECT_EQ(0, stat_count(self->stats, "RENAME"));
	EXPECT_EQ(0, stat_count(self->stats, "RENAME2"));
	EXPECT_EQ(0, stat_count(self->stats, "UNLINK"));
	EXPECT_EQ(0, stat_count(self->stats, "WRITE"));
	/* FUSE_INIT, and FUSE_DESTROY if the unmount sent one */
	EXPECT_EQ(init + stat_count(self->stats, "DESTROY"), total)
		log_stats(_metadata, self->stats);
}

/* SIGUSR1 to @daemon, then the INIT count of @path once it is there. */
static long usr1_init_count(pid_t daemon, const char *path)
{
	if (kill(daemon, SIGUSR1) || !WAIT_UNTIL(!access(path, F_OK)))
		return -1;
	return stat_count(path, "INIT");
}

/*
 * SIGUSR1 writes the counts while the daemon runs. The mount may be up
 * before the daemon has read FUSE_INIT: ask until it is counted.
 */
TEST_F(pt, stats_on_sigusr1)
{
	snprintf(self->opt, sizeof(self->opt), "stats=%s", self->stats);
	args(&self->c, "-o", self->opt, NULL);
	START(self);
	EXPECT_EQ(-1, access(self->stats, F_OK));
	ASSERT_TRUE(WAIT_UNTIL(usr1_init_count(self->daemon, self->stats) == 1));
	EXPECT_EQ(1, stat_count(self->stats, "total"));
	/* still serving */
	EXPECT_TRUE(mounted(self->mnt));
	EXPECT_EQ(self->daemon, find_daemon(self->mnt));
	STOP(self);
}

/* SIGTERM unmounts, and the daemon exits 0. */
TEST_F(pt, sigterm_unmounts)
{
	args(&self->c, NULL);
	START(self);
	close(self->mfd);
	self->mfd = -1;
	ASSERT_EQ(0, kill(self->daemon, SIGTERM));
	EXPECT_EQ(0, wait_exit(self->daemon));
	self->daemon = 0;
	EXPECT_FALSE(mounted(self->mnt));
	EXPECT_EQ(0, find_daemon(self->mnt));
}

/* -f stays in the foreground: the daemon is the command itself. */
TEST_F(pt, foreground)
{
	pid_t pid;

	args(&self->c, "-f", self->backing, self->mnt, NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		execv(CMD, self->c.args);
		_exit(127);
	}
	self->daemon = pid;
	ASSERT_TRUE(WAIT_UNTIL(mounted(self->mnt)));
	EXPECT_EQ(pid, find_daemon(self->mnt));
	ASSERT_EQ(0, kill(pid, SIGINT));
	EXPECT_EQ(0, wait_exit(pid));
	self->daemon = 0;
	EXPECT_FALSE(mounted(self->mnt));
}

/*
 * Under a filter that sends lookups, opens and reads to the daemon, the
 * daemon serves them, from the backing: the data agree, and its counts
 * say it read; writes, which the filter leaves to the backing, it does
 * not see.
 */
TEST_F(pt, filter_reads_served_by_daemon)
{
	char *a = malloc(DATA_LEN), *b = malloc(DATA_LEN);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	fill(a, DATA_LEN, 4);
	ASSERT_EQ(0, mkdirat(self->bfd, "sub", 0755));
	ASSERT_EQ(0, put_file(self->bfd, "sub/data", a, DATA_LEN, 0644));
	snprintf(self->opt, sizeof(self->opt), "stats=%s", self->stats);
	args(&self->c, "--filter", FILTER_READS, "-o", self->opt, NULL);
	START(self);

	ASSERT_EQ(DATA_LEN, get_file(self->mfd, "sub/data", b, DATA_LEN));
	EXPECT_EQ(0, memcmp(a, b, DATA_LEN));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "sub/data"));
	/* a write goes to the backing; the daemon reads it back */
	fill(a, 8192, 5);
	ASSERT_EQ(0, put_file(self->mfd, "sub/data", a, 8192, 0644));
	memset(b, 0, 8192);
	ASSERT_EQ(8192, get_file(self->bfd, "sub/data", b, DATA_LEN));
	EXPECT_EQ(0, memcmp(a, b, 8192));
	memset(b, 0, 8192);
	ASSERT_EQ(8192, get_file(self->mfd, "sub/data", b, DATA_LEN));
	EXPECT_EQ(0, memcmp(a, b, 8192));
	STOP(self);

	EXPECT_LE(2, stat_count(self->stats, "LOOKUP"));
	EXPECT_LE(2, stat_count(self->stats, "OPEN"));
	EXPECT_LE(1, stat_count(self->stats, "READ"));
	EXPECT_EQ(0, stat_count(self->stats, "WRITE"));
	EXPECT_EQ(0, stat_count(self->stats, "CREATE"));
	log_stats(_metadata, self->stats);
	free(a);
	free(b);
}

/*
 * -o root_filter picks the instance of an object of several: all_user
 * sends every operation to the daemon, which does them on the backing,
 * here with one thread (-s).
 */
TEST_F(pt, filter_everything_to_daemon)
{
	char data[5000], back[5000];
	struct stat st;

	fill(data, sizeof(data), 6);
	ASSERT_EQ(0, put_file(self->bfd, "old", data, sizeof(data), 0644));
	snprintf(self->opt, sizeof(self->opt),
		 "root_filter=all_user,timeout=0,stats=%s", self->stats);
	args(&self->c, "-s", "--filter", FILTER_EVERY, "-o", self->opt, NULL);
	START(self);

	ASSERT_EQ((ssize_t)sizeof(data),
		  get_file(self->mfd, "old", back, sizeof(back)));
	EXPECT_EQ(0, memcmp(data, back, sizeof(data)));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "old"));
	fill(data, sizeof(data), 7);
	ASSERT_EQ(0, put_file(self->mfd, "new", data, sizeof(data), 0640));
	ASSERT_EQ(0, mkdirat(self->mfd, "dir", 0700));
	ASSERT_EQ(0, renameat(self->mfd, "new", self->mfd, "dir/new"));
	ASSERT_EQ(0, unlinkat(self->mfd, "old", 0));

	ASSERT_EQ((ssize_t)sizeof(data),
		  get_file(self->bfd, "dir/new", back, sizeof(back)));
	EXPECT_EQ(0, memcmp(data, back, sizeof(data)));
	ASSERT_EQ(0, fstatat(self->bfd, "dir", &st, 0));
	EXPECT_EQ(0700, st.st_mode & 07777);
	EXPECT_EQ(-1, faccessat(self->bfd, "old", F_OK, 0));
	EXPECT_EQ(-1, faccessat(self->bfd, "new", F_OK, 0));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "dir/new"));
	STOP(self);

	log_stats(_metadata, self->stats);
	EXPECT_LE(1, stat_count(self->stats, "CREATE"));
	EXPECT_LE(1, stat_count(self->stats, "MKDIR"));
	EXPECT_LE(1, stat_count(self->stats, "RENAME") +
		     stat_count(self->stats, "RENAME2"));
	EXPECT_LE(1, stat_count(self->stats, "UNLINK"));
	EXPECT_LE(1, stat_count(self->stats, "WRITE"));
	EXPECT_LE(1, stat_count(self->stats, "READ"));
}

/*
 * Run with a bad argument: exit status 1, one line on standard error
 * that names it, nothing mounted, nothing running.
 */
static void bad(struct __test_metadata *_metadata, struct cmdline *c,
		const char *mnt, const char *what, const char *expect)
{
	char *nl;

	EXPECT_EQ(1, run(c->args, c->err, sizeof(c->err)))
		TH_LOG("%s", what);
	nl = strchr(c->err, '\n');
	EXPECT_TRUE(nl && !nl[1])
		TH_LOG("%s: not one line: \"%s\"", what, c->err);
	EXPECT_EQ(0, strncmp(c->err, "fusebpf-passthrough: ", 21))
		TH_LOG("%s: %s", what, c->err);
	EXPECT_NE(NULL, strstr(c->err, expect))
		TH_LOG("%s: \"%s\" lacks \"%s\"", what, c->err, expect);
	EXPECT_FALSE(mounted(mnt));
	EXPECT_EQ(0, find_daemon(mnt));
}

TEST_F(pt, bad_arguments)
{
	char missing[DIR_PATH_LEN + 16], file[DIR_PATH_LEN + 16];
	char msg[2 * DIR_PATH_LEN + 64];

	snprintf(missing, sizeof(missing), "%s/missing", self->backing);
	snprintf(file, sizeof(file), "%s/file", self->backing);
	ASSERT_EQ(0, put_file(self->bfd, "file", "not BPF\n", 8, 0644));

	args(&self->c, missing, self->mnt, NULL);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", missing);
	bad(_metadata, &self->c, self->mnt, "missing SOURCE", msg);

	args(&self->c, file, self->mnt, NULL);
	snprintf(msg, sizeof(msg), "%s: Not a directory", file);
	bad(_metadata, &self->c, self->mnt, "a file as SOURCE", msg);

	args(&self->c, self->backing, missing, NULL);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", missing);
	bad(_metadata, &self->c, self->mnt, "missing MOUNTPOINT", msg);

	args(&self->c, self->backing, file, NULL);
	snprintf(msg, sizeof(msg), "%s: Not a directory", file);
	bad(_metadata, &self->c, self->mnt, "a file as MOUNTPOINT", msg);

	args(&self->c, "--filter", missing, self->backing, self->mnt, NULL);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", missing);
	bad(_metadata, &self->c, self->mnt, "missing filter", msg);

	args(&self->c, "--filter", file, self->backing, self->mnt, NULL);
	bad(_metadata, &self->c, self->mnt, "not a BPF object", file);

	args(&self->c, "--filter", FILTER_EVERY, self->backing, self->mnt, NULL);
	bad(_metadata, &self->c, self->mnt, "several instances", "root_filter");

	args(&self->c, "--filter", FILTER_EVERY, "-o", "root_filter=nosuch",
	     self->backing, self->mnt, NULL);
	bad(_metadata, &self->c, self->mnt, "no such instance", "nosuch");

	/* a command line it cannot parse: 2 */
	args(&self->c, self->backing, NULL);
	EXPECT_EQ(2, run(self->c.args, self->c.err, sizeof(self->c.err)));
	args(&self->c, "-o", "threads=zero", self->backing, self->mnt, NULL);
	EXPECT_EQ(2, run(self->c.args, self->c.err, sizeof(self->c.err)));
	EXPECT_FALSE(mounted(self->mnt));
}

/* --help says every option; --version says the version. */
TEST_F(pt, help_and_version)
{
	static const char * const said[] = {
		"SOURCE MOUNTPOINT", "--filter", "-f", "-d", "-s", "-o",
		"root_filter=", "stats", "threads=", "timeout=", "fsname=",
		"subtype=", "allow_other", "default_permissions",
		"Exit status", "Examples", "SIGTERM", "umount",
	};
	char out[8192];
	int fd = memfd_create("stdout", MFD_CLOEXEC), status;
	size_t i;
	ssize_t n;
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		dup2(fd, STDOUT_FILENO);
		execl(CMD, CMD, "--help", (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	n = pread(fd, out, sizeof(out) - 1, 0);
	ASSERT_LT(0, n);
	out[n] = '\0';
	for (i = 0; i < ARRAY_SIZE(said); i++) {
		EXPECT_NE(NULL, strstr(out, said[i]))
			TH_LOG("--help does not say %s", said[i]);
	}
	close(fd);
	args(&self->c, "--version", NULL);
	EXPECT_EQ(0, run(self->c.args, self->c.err, sizeof(self->c.err)));
}

TEST_HARNESS_MAIN
