// SPDX-License-Identifier: GPL-2.0
/*
 * libfusebpf (tools/lib/fuse-bpf): each call's bad input fails with the
 * documented errno and leaves nothing behind; fusebpf_mount() and
 * fusebpf_unmount(); fusebpf_reply_entry() against the backing; the
 * filter callbacks of the session loop; the multi-threaded loop; a backed
 * root (skipped on a kernel without root_fd); fusebpf_serve(), a daemon's
 * whole life, with one thread and with several.
 */
#define FUSE_USE_VERSION 317

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <bpf/libbpf.h>
#include <fuse_lowlevel.h>
#include <fusebpf.h>
#include <linux/fuse.h>

#include "kselftest_harness.h"
#include "test_util.h"
#include "libtest.skel.h"

#define DATA_SIZE 8192

/* Descriptors open in this process. */
static int fd_count(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n - 1;	/* the directory's own */
}

/* The line of /proc/self/mounts that mounts @mnt, or "" for none. */
static char *mount_line(const char *mnt, char *line, size_t size)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char pat[PATH_MAX + 2];

	line[0] = '\0';
	if (!f)
		return line;
	snprintf(pat, sizeof(pat), " %s ", mnt);
	while (fgets(line, size, f))
		if (strstr(line, pat))
			break;
	if (!strstr(line, pat))
		line[0] = '\0';
	fclose(f);
	return line;
}

static bool mounted(const char *mnt)
{
	char line[1024];

	return mount_line(mnt, line, sizeof(line))[0];
}

/* A session with no handlers, for the calls that take one. */
static struct fuse_session *new_session(void)
{
	static const struct fuse_lowlevel_ops none;
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_session *se = NULL;

	if (!fuse_opt_add_arg(&args, "lib_test"))
		se = fuse_session_new(&args, &none, sizeof(none), NULL);
	fuse_opt_free_args(&args);
	return se;
}

/* libtest.bpf.o, beside this binary. */
static char *object_path(char *buf, size_t size)
{
	char exe[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = '\0';
	*(strrchr(exe, '/') ?: exe) = '\0';
	snprintf(buf, size, "%s/libtest.bpf.o", exe);
	return buf;
}

TEST(bad_input_leaves_nothing)
{
	char backing[DIR_PATH_LEN], mnt[DIR_PATH_LEN], path[PATH_MAX];
	struct fusebpf_mount_opts opts = { 0 };
	struct fusebpf_mount *m = (void *)1;
	struct fusebpf_filter *f, *one;
	struct fuse_session *se;
	struct libtest *skel;
	int bfd, fds, junk;

	ASSERT_EQ(0, make_dirs(backing, mnt, &bfd));
	se = new_session();
	ASSERT_NE(NULL, se);
	skel = libtest__open_and_load();
	ASSERT_NE(NULL, skel);
	ASSERT_EQ(0, libtest__attach(skel));
	fds = fd_count();

	/* mount */
	EXPECT_EQ(-EINVAL, fusebpf_mount(NULL, mnt, NULL, &m));
	EXPECT_EQ(-EINVAL, fusebpf_mount(se, NULL, NULL, &m));
	EXPECT_EQ(-EINVAL, fusebpf_mount(se, mnt, NULL, NULL));
	f = fusebpf_filter_from_skeleton(skel->skeleton);
	ASSERT_NE(NULL, f);
	opts.filter = f;
	opts.root_filter = "lib_pre";
	EXPECT_EQ(-EINVAL, fusebpf_mount(se, mnt, &opts, &m));	/* no root */
	EXPECT_EQ(NULL, m);
	opts.root = backing;
	opts.root_filter = "nothing";
	EXPECT_EQ(-ENOENT, fusebpf_mount(se, mnt, &opts, &m));
	opts.root_filter = NULL;	/* which of three? */
	EXPECT_EQ(-EINVAL, fusebpf_mount(se, mnt, &opts, &m));
	opts.filter = NULL;
	opts.root_filter = "lib_pre";
	EXPECT_EQ(-EINVAL, fusebpf_mount(se, mnt, &opts, &m));
	opts = (struct fusebpf_mount_opts){ .root = "/nonexistent" };
	EXPECT_EQ(-ENOENT, fusebpf_mount(se, mnt, &opts, &m));
	EXPECT_EQ(-ENOENT, fusebpf_mount(se, "/nonexistent", NULL, &m));
	opts = (struct fusebpf_mount_opts){ .options = "no_such_option" };
	EXPECT_EQ(-EINVAL, fusebpf_mount(se, mnt, &opts, &m));
	EXPECT_EQ(-1, fuse_session_fd(se));
	EXPECT_EQ(0, fusebpf_unmount(NULL));

	/* backing ids: a session that is not mounted has no connection */
	EXPECT_EQ(-EINVAL, fusebpf_backing_open(NULL, bfd));
	EXPECT_EQ(-EBADF, fusebpf_backing_open(se, bfd));
	EXPECT_EQ(-EINVAL, fusebpf_backing_close(NULL, 1));
	EXPECT_EQ(-EINVAL, fusebpf_backing_close(se, 0));
	EXPECT_EQ(-EBADF, fusebpf_backing_close(se, 1));

	/* filters */
	errno = 0;
	EXPECT_EQ(NULL, fusebpf_filter_open(NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, fusebpf_filter_open("/nonexistent.bpf.o"));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, put_file(bfd, "junk.o", "not an ELF object", 17, 0644));
	snprintf(path, sizeof(path), "%s/junk.o", backing);
	errno = 0;
	EXPECT_EQ(NULL, fusebpf_filter_open(path));
	EXPECT_NE(0, errno);
	errno = 0;
	EXPECT_EQ(NULL, fusebpf_filter_from_skeleton(NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, fusebpf_filter_object(NULL));
	EXPECT_EQ(skel->obj, fusebpf_filter_object(f));
	EXPECT_EQ(-EINVAL, fusebpf_filter_link_fd(NULL, "lib_pre"));
	EXPECT_EQ(-EINVAL, fusebpf_filter_link_fd(f, NULL));
	EXPECT_EQ(-ENOENT, fusebpf_filter_link_fd(f, "nothing"));
	/* instances go by their name member, not by their map's */
	EXPECT_EQ(bpf_link__fd(skel->links.lib_names_ops),
		  fusebpf_filter_link_fd(f, "lib_names"));
	EXPECT_EQ(-ENOENT, fusebpf_filter_link_fd(f, "lib_names_ops"));
	EXPECT_EQ(-EINVAL, fusebpf_filter_register(NULL, f));
	EXPECT_EQ(-EINVAL, fusebpf_filter_register(se, NULL));
	EXPECT_EQ(-EBADF, fusebpf_filter_register(se, f));
	fusebpf_filter_close(NULL);

	/* an object file of the library's own, with its names */
	one = fusebpf_filter_open(object_path(path, sizeof(path)));
	ASSERT_NE(NULL, one);
	EXPECT_LE(0, fusebpf_filter_link_fd(one, "lib_post"));
	fusebpf_filter_close(one);

	/* loops */
	EXPECT_EQ(-EINVAL, fusebpf_session_loop(NULL, NULL, NULL));
	EXPECT_EQ(-EINVAL, fusebpf_session_loop_mt(NULL, NULL, NULL, 2));
	EXPECT_EQ(-EINVAL, fusebpf_session_loop_mt(se, NULL, NULL, 100000));

	/* the filter of a skeleton leaves the skeleton as it was */
	fusebpf_filter_close(f);
	EXPECT_LE(0, bpf_link__fd(skel->links.lib_pre));
	EXPECT_EQ(fds, fd_count());
	EXPECT_FALSE(mounted(mnt));
	junk = openat(bfd, "junk.o", O_RDONLY);
	EXPECT_LE(0, junk);
	close(junk);
	unlinkat(bfd, "junk.o", 0);
	libtest__destroy(skel);
	fuse_session_destroy(se);
	close(bfd);
	rmdir(backing);
	rmdir(mnt);
}

TEST(mount_and_unmount)
{
	char backing[DIR_PATH_LEN], mnt[DIR_PATH_LEN], line[1024];
	struct fusebpf_mount_opts opts = {
		.options = "max_read=4096", .fsname = "libtest-src",
		.subtype = "libtest",
	};
	struct fusebpf_mount *m = NULL;
	struct fusebpf_filter *f;
	struct fuse_session *se;
	struct libtest *skel;
	int bfd, fds;

	ASSERT_EQ(0, make_dirs(backing, mnt, &bfd));
	skel = libtest__open_and_load();
	ASSERT_NE(NULL, skel);
	ASSERT_EQ(0, libtest__attach(skel));
	f = fusebpf_filter_from_skeleton(skel->skeleton);
	ASSERT_NE(NULL, f);
	fds = fd_count();
	se = new_session();
	ASSERT_NE(NULL, se);
	opts.filter = f;
	ASSERT_EQ(0, fusebpf_mount(se, mnt, &opts, &m));
	ASSERT_NE(NULL, m);
	/* the device, now the session's; the root descriptor is closed */
	EXPECT_EQ(fds + 1, fd_count());
	EXPECT_LE(0, fuse_session_fd(se));
	mount_line(mnt, line, sizeof(line));
	TH_LOG("%s", line);
	EXPECT_EQ(0, strncmp(line, "libtest-src ", 12));
	EXPECT_NE(NULL, strstr(line, " fusebpf.libtest "));
	EXPECT_NE(NULL, strstr(line, "max_read=4096"));
	/* every instance was registered for the connection */
	EXPECT_EQ(-EEXIST, fusebpf_filter_register(se, f));
	EXPECT_EQ(0, fusebpf_unmount(m));
	EXPECT_FALSE(mounted(mnt));
	fuse_session_destroy(se);
	EXPECT_EQ(fds, fd_count());
	fusebpf_filter_close(f);
	libtest__destroy(skel);
	close(bfd);
	rmdir(backing);
	rmdir(mnt);
}

FIXTURE(lib) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	char obj[PATH_MAX];
	struct test_daemon td;
	int bfd, mfd;
	char data[DATA_SIZE];
	char buf[DATA_SIZE];
};

FIXTURE_SETUP(lib)
{
	static const char * const files[] = {
		"attr", "fresh", "backed", "lib_bad_ext", "pre", "post",
	};
	size_t i;

	self->mfd = -1;
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	fill(self->data, DATA_SIZE, 5);
	for (i = 0; i < ARRAY_SIZE(files); i++)
		ASSERT_EQ(0, put_file(self->bfd, files[i], self->data,
				      DATA_SIZE, 0644));
	/* the daemon loads the filters and fusebpf_mount() registers them */
	object_path(self->obj, sizeof(self->obj));
	ASSERT_EQ(0, td_start_lib(&self->td, self->backing, self->mnt, TD_BPF,
				  self->obj, NULL));
	self->mfd = open(self->mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->mfd);
}

FIXTURE_TEARDOWN(lib)
{
	close(self->mfd);
	close(self->bfd);
	EXPECT_EQ(0, td_stop(&self->td));
}

/* fuse_reply_entry()'s fields, as the kernel caches them */
TEST_F(lib, entry_as_fuse_reply_entry)
{
	struct stat m, b;

	/* no extension: a node of the daemon, with the reply's attributes */
	self->td.ctl->ext_len = 0;
	self->td.ctl->entry_valid = 3600;
	self->td.ctl->attr_valid = 3600;
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "attr"));
	EXPECT_EQ(1, td_count(&self->td, FUSE_LOOKUP));
	td_reset(&self->td);
	/* within both timeouts: neither LOOKUP nor GETATTR */
	ASSERT_EQ(0, fstatat(self->mfd, "attr", &m, 0));
	ASSERT_EQ(0, fstatat(self->bfd, "attr", &b, 0));
	EXPECT_TRUE(same_stat(_metadata, &m, &b));
	EXPECT_EQ(0, td_count(&self->td, FUSE_LOOKUP));
	EXPECT_EQ(0, td_count(&self->td, FUSE_GETATTR));
	EXPECT_EQ(DATA_SIZE, m.st_size);

	/* timeouts of 0: each stat looks the name up again */
	self->td.ctl->entry_valid = 0;
	self->td.ctl->attr_valid = 0;
	ASSERT_EQ(0, fstatat(self->mfd, "fresh", &m, 0));
	td_reset(&self->td);
	ASSERT_EQ(0, fstatat(self->mfd, "fresh", &m, 0));
	EXPECT_EQ(1, td_count(&self->td, FUSE_LOOKUP));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "fresh"));
}

TEST_F(lib, entry_with_backing)
{
	/* the default td_ctl: backed by its file, registered by the library */
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "backed"));
	EXPECT_EQ(0, self->td.ctl->backing_errno);
	td_reset(&self->td);
	ASSERT_EQ(DATA_SIZE, get_file(self->mfd, "backed", self->buf,
				      DATA_SIZE));
	EXPECT_EQ(0, memcmp(self->buf, self->data, DATA_SIZE));
	EXPECT_EQ(0, td_count(&self->td, FUSE_OPEN));
	EXPECT_EQ(0, td_count(&self->td, FUSE_READ));
}

TEST_F(lib, reply_entry_refuses_bad_extensions)
{
	size_t i;

	/* each refused without a reply: the request then gets one */
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd,
				    "lib_bad_ext"));
	ASSERT_TRUE(self->td.ctl->bad_ext_done);
	for (i = 0; i < ARRAY_SIZE(self->td.ctl->bad_ext); i++) {
		TH_LOG("bad extension %zu", i);
		EXPECT_EQ(-EINVAL, self->td.ctl->bad_ext[i]);
	}
}

/* the caller's fstat of @fd as uid @uid in a child: its errno, or 0 */
static int fstat_as(int fd, uid_t uid)
{
	pid_t pid = fork();
	struct stat s;
	int status;

	if (!pid) {
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(100);
		_exit(fstat(fd, &s) ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(lib, prefilter_callback)
{
	struct stat m, b;
	int fd;

	self->td.ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
	snprintf(self->td.ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "lib_pre");
	fd = openat(self->mfd, "pre", O_PATH | O_CLOEXEC);
	ASSERT_LE(0, fd);
	td_reset(&self->td);
	/* the daemon says backing */
	self->td.ctl->prefilter_result = FUSE_BPF_BACKING;
	ASSERT_EQ(0, fstat_as(fd, 1234));
	EXPECT_EQ(FUSE_GETATTR | FUSE_BPF_OPCODE_PREFILTER,
		  self->td.ctl->filter_opcode);
	EXPECT_EQ(self->td.ctl->last_nodeid, self->td.ctl->filter_nodeid);
	EXPECT_EQ(1234, self->td.ctl->filter_uid);
	EXPECT_EQ(0, td_count(&self->td, FUSE_GETATTR));
	/* denies */
	self->td.ctl->prefilter_result = -EACCES;
	EXPECT_EQ(-1, fstat(fd, &m));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, self->td.ctl->filter_uid);
	/* sends it to the daemon, which answers from the backing */
	self->td.ctl->prefilter_result = FUSE_BPF_USER;
	ASSERT_EQ(0, fstat(fd, &m));
	EXPECT_EQ(1, td_count(&self->td, FUSE_GETATTR));
	ASSERT_EQ(0, fstatat(self->bfd, "pre", &b, 0));
	EXPECT_TRUE(same_stat(_metadata, &m, &b));
	close(fd);
}

TEST_F(lib, postfilter_callback)
{
	struct stat m;
	int fd;

	self->td.ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
	snprintf(self->td.ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "lib_post");
	fd = openat(self->mfd, "post", O_PATH | O_CLOEXEC);
	ASSERT_LE(0, fd);
	self->td.ctl->postfilter_seen = -1;
	ASSERT_EQ(0, fstat(fd, &m));
	EXPECT_EQ(FUSE_GETATTR | FUSE_BPF_OPCODE_POSTFILTER,
		  self->td.ctl->filter_opcode);
	EXPECT_EQ(0, self->td.ctl->postfilter_seen);
	EXPECT_EQ(DATA_SIZE, m.st_size);
	self->td.ctl->postfilter_error = -EREMOTEIO;
	EXPECT_EQ(-1, fstat(fd, &m));
	EXPECT_EQ(EREMOTEIO, errno);
	close(fd);
}

struct reader {
	int mfd;
	const char *data;
	int rounds;
	int ok;
};

static void *read_rounds(void *arg)
{
	struct reader *r = arg;
	char buf[DATA_SIZE];
	int i;

	for (i = 0; i < r->rounds; i++) {
		if (get_file(r->mfd, "f", buf, DATA_SIZE) != DATA_SIZE ||
		    memcmp(buf, r->data, DATA_SIZE))
			return NULL;
	}
	__atomic_store_n(&r->ok, 1, __ATOMIC_RELEASE);
	return NULL;
}

struct stater {
	int mfd;
	int done;
};

static void *stat_g(void *arg)
{
	struct stater *s = arg;
	struct stat st;

	if (!fstatat(s->mfd, "g", &st, 0))
		__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&s->done, -1, __ATOMIC_RELEASE);
	return NULL;
}

TEST(mt_loop)
{
	char backing[DIR_PATH_LEN], mnt[DIR_PATH_LEN], data[DATA_SIZE];
	struct reader r[4];
	struct stater s = { 0 };
	struct test_daemon td;
	pthread_t t[4], ts;
	int bfd, mfd, i, fd;

	ASSERT_EQ(0, make_dirs(backing, mnt, &bfd));
	fill(data, DATA_SIZE, 9);
	ASSERT_EQ(0, put_file(bfd, "f", data, DATA_SIZE, 0644));
	ASSERT_EQ(0, put_file(bfd, "g", "g", 1, 0644));
	ASSERT_EQ(0, td_start_lib(&td, backing, mnt, TD_BPF | TD_MT, NULL,
				  NULL));
	mfd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, mfd);
	/* files of the daemon: every open and read is a request */
	td.ctl->ext.backing_action = FUSE_BPF_BACKING_NONE;
	td.ctl->register_backing = 0;

	/* four readers at once */
	for (i = 0; i < 4; i++) {
		r[i] = (struct reader){ .mfd = mfd, .data = data, .rounds = 10 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, read_rounds, &r[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		EXPECT_TRUE(r[i].ok);
	}
	EXPECT_EQ(40, td_count(&td, FUSE_OPEN));
	EXPECT_EQ(40, wait_count(&td, FUSE_RELEASE, 40));

	/* a worker stuck in a request: another serves the next one */
	fd = openat(mfd, "f", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	td.ctl->stall_opcode = FUSE_READ;
	r[0] = (struct reader){ .mfd = mfd, .data = data, .rounds = 1 };
	ASSERT_EQ(0, pthread_create(&t[0], NULL, read_rounds, &r[0]));
	ASSERT_TRUE(WAIT_UNTIL(__atomic_load_n(&td.ctl->stalled,
					       __ATOMIC_ACQUIRE)));
	s.mfd = mfd;
	ASSERT_EQ(0, pthread_create(&ts, NULL, stat_g, &s));
	EXPECT_TRUE(WAIT_UNTIL(__atomic_load_n(&s.done, __ATOMIC_ACQUIRE)));
	EXPECT_EQ(1, s.done);
	__atomic_store_n(&td.ctl->stall_release, 1, __ATOMIC_RELEASE);
	pthread_join(ts, NULL);
	pthread_join(t[0], NULL);
	EXPECT_TRUE(r[0].ok);
	close(fd);
	close(mfd);
	/* every worker ends on unmount, and the daemon exits cleanly */
	EXPECT_EQ(0, td_stop(&td));
	EXPECT_FALSE(mounted(mnt));
	close(bfd);
}

/* A backed root: the kernel serves what the root filter leaves to it. */
TEST(backed_root)
{
	char backing[DIR_PATH_LEN], mnt[DIR_PATH_LEN], obj[PATH_MAX];
	char data[DATA_SIZE], buf[DATA_SIZE];
	struct test_daemon td;
	int bfd, mfd;

	ASSERT_EQ(0, make_dirs(backing, mnt, &bfd));
	fill(data, DATA_SIZE, 13);
	ASSERT_EQ(0, put_file(bfd, "plain", data, DATA_SIZE, 0644));
	ASSERT_EQ(0, put_file(bfd, "daemon", "d", 1, 0644));
	if (td_start_lib(&td, backing, mnt, TD_BPF,
			 object_path(obj, sizeof(obj)), "lib_names")) {
		ASSERT_EQ(EINVAL, errno);
		close(bfd);
		SKIP(return, "no root_fd in this kernel (EINVAL)");
	}
	mfd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, mfd);
	EXPECT_TRUE(same_as_backing(_metadata, mfd, bfd, "plain"));
	ASSERT_EQ(DATA_SIZE, get_file(mfd, "plain", buf, DATA_SIZE));
	EXPECT_EQ(0, memcmp(buf, data, DATA_SIZE));
	EXPECT_EQ(0, td_count(&td, FUSE_LOOKUP));
	/* the filter sends this name to the daemon */
	EXPECT_TRUE(same_as_backing(_metadata, mfd, bfd, "daemon"));
	EXPECT_EQ(1, td_count(&td, FUSE_LOOKUP));
	close(mfd);
	EXPECT_EQ(0, td_stop(&td));
	EXPECT_FALSE(mounted(mnt));
	close(bfd);
}

/* What a daemon of fusebpf_serve() tells the test, in shared memory. */
struct served {
	int inits;			/* by the session's init handler */
	unsigned long requests[64];	/* by the loop's request callback */
};

static void served_init(void *userdata, struct fuse_conn_info *conn)
{
	struct served *s = userdata;

	__atomic_add_fetch(&s->inits, 1, __ATOMIC_RELAXED);
}

static void served_request(void *data, const struct fuse_in_header *in)
{
	struct served *s = data;

	if (in->opcode < 64)
		__atomic_add_fetch(&s->requests[in->opcode], 1,
				   __ATOMIC_RELAXED);
}

/*
 * Serve @mnt, its root backed by @backing, with @threads, in a child:
 * 0 once served and left as before (descriptors, SIGTERM's handler), the
 * errno fusebpf_serve() returned, or 200 and more for what it left.
 */
static int serve_child(const char *backing, const char *mnt,
		       struct served *s, unsigned int threads)
{
	static const struct fuse_lowlevel_ops ops = { .init = served_init };
	static const struct fusebpf_loop_ops loop = {
		.request = served_request,
	};
	struct fusebpf_mount_opts opts = {
		.root = backing,
		.subtype = "serve",
	};
	struct fusebpf_serve_opts serve = {
		.ops = &ops,
		.ops_size = sizeof(ops),
		.userdata = s,
		.loop = &loop,
		.loop_data = s,
		.threads = threads,
	};
	struct sigaction before, after;
	int fds = fd_count(), err;

	sigaction(SIGTERM, NULL, &before);
	err = fusebpf_serve(mnt, &opts, &serve);
	if (err)
		return -err;
	if (fd_count() != fds)
		return 200;
	sigaction(SIGTERM, NULL, &after);
	if (after.sa_handler != before.sa_handler)
		return 201;
	return 0;
}

FIXTURE(serve) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	int bfd;
	struct served *s;
	pid_t pid;
	int status;
};

FIXTURE_VARIANT(serve) {
	unsigned int threads;
};

FIXTURE_VARIANT_ADD(serve, one_thread) {
	.threads = 0,
};

FIXTURE_VARIANT_ADD(serve, three_threads) {
	.threads = 3,
};

FIXTURE_SETUP(serve)
{
	self->pid = -1;
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	self->s = mmap(NULL, sizeof(*self->s), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->s);
}

FIXTURE_TEARDOWN(serve)
{
	if (self->pid > 0) {
		kill(self->pid, SIGKILL);
		waitpid(self->pid, NULL, 0);
		umount2(self->mnt, MNT_DETACH);
	}
	munmap(self->s, sizeof(*self->s));
	close(self->bfd);
	rmdir(self->backing);
	rmdir(self->mnt);
}

/* Whether the child serving exited (reaping it). */
static bool serve_gone(struct _test_data_serve *self)
{
	if (self->pid > 0 &&
	    waitpid(self->pid, &self->status, WNOHANG) == self->pid)
		self->pid = -1;
	return self->pid < 0;
}

/* data through a mount of fusebpf_serve(), until SIGTERM ends it */
TEST_F(serve, until_sigterm)
{
	char data[DATA_SIZE], buf[DATA_SIZE];
	int mfd;

	fill(data, DATA_SIZE, 17);
	ASSERT_EQ(0, put_file(self->bfd, "f", data, DATA_SIZE, 0644));
	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (!self->pid)
		_exit(serve_child(self->backing, self->mnt, self->s,
				  variant->threads));
	WAIT_UNTIL(mounted(self->mnt) || serve_gone(self));
	ASSERT_TRUE(mounted(self->mnt)) {
		if (self->pid < 0 && WIFEXITED(self->status))
			TH_LOG("fusebpf_serve(): %s",
			       strerror(WEXITSTATUS(self->status)));
	}
	mfd = open(self->mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, mfd);
	EXPECT_TRUE(same_as_backing(_metadata, mfd, self->bfd, "f"));
	ASSERT_EQ(DATA_SIZE, get_file(mfd, "f", buf, DATA_SIZE));
	EXPECT_EQ(0, memcmp(buf, data, DATA_SIZE));
	close(mfd);
	/*
	 * the handlers and callbacks got their data; the kernel did all,
	 * without waiting for the daemon's INIT, which may come later
	 */
	EXPECT_TRUE(WAIT_UNTIL(self->s->inits == 1 &&
			       self->s->requests[FUSE_INIT] == 1));
	EXPECT_EQ(1, self->s->inits);
	EXPECT_EQ(1, self->s->requests[FUSE_INIT]);
	EXPECT_EQ(0, self->s->requests[FUSE_LOOKUP]);
	EXPECT_EQ(0, self->s->requests[FUSE_READ]);

	ASSERT_EQ(0, kill(self->pid, SIGTERM));
	ASSERT_TRUE(WAIT_UNTIL(serve_gone(self)));
	ASSERT_TRUE(WIFEXITED(self->status));
	EXPECT_EQ(0, WEXITSTATUS(self->status));
	EXPECT_FALSE(mounted(self->mnt));
	unlinkat(self->bfd, "f", 0);
}

/* fusebpf_serve() that cannot mount: its errno, and nothing left */
/* the names of opcodes, for daemons that count what they receive */
TEST(opname)
{
	EXPECT_STREQ("LOOKUP", fusebpf_opname(FUSE_LOOKUP));
	EXPECT_STREQ("STATX", fusebpf_opname(FUSE_STATX));
	EXPECT_EQ(NULL, fusebpf_opname(0));
	EXPECT_EQ(NULL, fusebpf_opname(FUSE_BPF_OPCODE_PREFILTER));
	EXPECT_EQ(NULL, fusebpf_opname(CUSE_INIT));
}

TEST(serve_fails_leaving_nothing)
{
	char backing[DIR_PATH_LEN], mnt[DIR_PATH_LEN];
	struct fusebpf_mount_opts opts = { 0 };
	struct fusebpf_serve_opts serve = { .threads = 257 };
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct sigaction before, after;
	int bfd, fds;

	ASSERT_EQ(0, make_dirs(backing, mnt, &bfd));
	ASSERT_EQ(0, fuse_opt_add_arg(&args, "lib_test"));
	ASSERT_EQ(0, fuse_opt_add_arg(&args, "-o"));
	ASSERT_EQ(0, fuse_opt_add_arg(&args, "no_such_option"));
	sigaction(SIGTERM, NULL, &before);
	fds = fd_count();

	EXPECT_EQ(-ENOENT, fusebpf_serve("/nonexistent", NULL, NULL));
	EXPECT_EQ(-EINVAL, fusebpf_serve(NULL, NULL, NULL));
	EXPECT_EQ(-EINVAL, fusebpf_serve(mnt, NULL, &serve));
	serve = (struct fusebpf_serve_opts){ .args = &args };
	EXPECT_EQ(-EINVAL, fusebpf_serve(mnt, NULL, &serve));
	fuse_opt_free_args(&args);
	opts.root = "/nonexistent";
	EXPECT_EQ(-ENOENT, fusebpf_serve(mnt, &opts, NULL));
	opts = (struct fusebpf_mount_opts){ .options = "no_such_option" };
	EXPECT_EQ(-EINVAL, fusebpf_serve(mnt, &opts, NULL));

	EXPECT_EQ(fds, fd_count());
	EXPECT_FALSE(mounted(mnt));
	sigaction(SIGTERM, NULL, &after);
	EXPECT_EQ(before.sa_handler, after.sa_handler);
	close(bfd);
	rmdir(backing);
	rmdir(mnt);
}

TEST_HARNESS_MAIN
