// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace operations in a backed directory against changes made directly
 * on its backing directory. The VFS checks the FUSE dentries; the backing
 * operation must act on the entries it checked, or fail as the VFS would:
 * RENAME_NOREPLACE never overwrites, RENAME_EXCHANGE with a vanished
 * target is ENOENT, an exchange onto the rename trap is EINVAL, and
 * unlink, rmdir and rename never act on an entry the VFS did not check.
 *
 * Each test runs one round with the backing changed first (the mount's
 * dentries are stale: the result is known), then a fixed number of rounds
 * with both sides released together. Whichever side wins a round, what
 * the round asserts holds; none depends on speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/fs.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"

#define ROUNDS		300
#define USER_ID		1000

/* What the sticky-directory tests do to an entry named "f". */
enum op { OP_UNLINK, OP_RMDIR, OP_RENAME };

/* What the two sides of a round share. */
struct race_ctx {
	int mtree;		/* "tree", sticky, through the mount */
	int btree;		/* and in the backing directory */
	enum op op;
	bool created;		/* the backing side made its entry */
	ino_t user_ino;		/* the entry the mount side checks */
	ino_t root_ino;		/* the one the backing side puts there */
	int ret, err;		/* the mount side's, last round */
};

FIXTURE(race) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	int bfd;
	int mfd;
	struct test_daemon td;
	int bad0;		/* bad kernel log lines before */
	struct race_ctx c;
};

FIXTURE_SETUP(race)
{
	self->bad0 = bad_log_lines();
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt, TD_BPF,
				&self->mfd));
	/* like /tmp: a sticky bit for the VFS to check on the caller */
	ASSERT_EQ(0, mkdirat(self->bfd, "tree", 01777));
	self->c.mtree = openat(self->mfd, "tree", O_PATH | O_DIRECTORY);
	ASSERT_LE(0, self->c.mtree);
	self->c.btree = openat(self->bfd, "tree", O_PATH | O_DIRECTORY);
	ASSERT_LE(0, self->c.btree);
}

FIXTURE_TEARDOWN(race)
{
	close(self->c.btree);
	close(self->c.mtree);
	close(self->mfd);
	close(self->bfd);
	EXPECT_EQ(0, td_stop(&self->td));
	EXPECT_LOG_CLEAN(self->bad0);
}

/*
 * One side each of a round: prepare() runs alone, as root; backing() as
 * root, directly on the backing directory; mount() through the mount, in
 * another process, returning the call's result with errno set; check()
 * alone again, told the mount side's result and errno.
 */
struct race_ops {
	int (*prepare)(struct race_ctx *c);
	void (*backing)(struct race_ctx *c);
	int (*mount)(struct race_ctx *c);
	bool (*check)(struct race_ctx *c);
};

/* Shared by the two processes of race(). */
struct race_shared {
	pthread_barrier_t go, done;
	int ok;			/* the mount side has its credentials */
	int ret, err;
};

/*
 * Run @rounds rounds of @ops, the mount side as @uid. With @stale, the
 * backing side runs before the mount side is released (once its dentries
 * were looked up by prepare()), else both are released together.
 *
 * Return: the number of rounds check() found wrong, -1 if one could not
 * be run; c->ret and c->err hold the last round's result.
 */
static int race(struct __test_metadata *_metadata, struct race_ctx *c,
		const struct race_ops *ops, int rounds, uid_t uid, bool stale)
{
	struct race_shared *r;
	pthread_barrierattr_t attr;
	int i, status, wrong = 0;
	pid_t pid;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return -1;
	pthread_barrierattr_init(&attr);
	pthread_barrierattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&r->go, &attr, 2);
	pthread_barrier_init(&r->done, &attr, 2);
	pid = fork();
	if (pid < 0) {
		munmap(r, sizeof(*r));
		return -1;
	}
	if (!pid) {
		/* both sides always meet at both barriers, whatever fails */
		r->ok = !uid || (!setgid(uid) && !setuid(uid));
		for (i = 0; i < rounds; i++) {
			pthread_barrier_wait(&r->go);
			if (r->ok) {
				errno = 0;
				r->ret = ops->mount(c);
				r->err = errno;
			}
			pthread_barrier_wait(&r->done);
		}
		_exit(0);
	}
	for (i = 0; i < rounds; i++) {
		bool ready = !ops->prepare(c);

		if (ready && stale)
			ops->backing(c);
		pthread_barrier_wait(&r->go);
		if (ready && !stale)
			ops->backing(c);
		pthread_barrier_wait(&r->done);
		c->ret = r->ret;
		c->err = r->err;
		if (!ready || !r->ok) {
			TH_LOG("round %d: %s", i, ready ? "no credentials" :
			       "prepare failed");
			wrong = -1;
			break;
		}
		if (!ops->check(c)) {
			TH_LOG("round %d: wrong after the mount side's %d (%s)",
			       i, c->ret, strerror(c->err));
			wrong++;
		}
	}
	/* the child stops at its next barrier: a failed round ends it */
	if (i < rounds)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	munmap(r, sizeof(*r));
	return wrong;
}

/* Whether @name in @dir holds the string @s. */
static bool holds(int dir, const char *name, const char *s)
{
	char buf[64];
	ssize_t n = get_file(dir, name, buf, sizeof(buf));

	return n == (ssize_t)strlen(s) && !memcmp(buf, s, n);
}

/* The inode number of @name in @dir, 0 if there is none. */
static ino_t ino_of(int dir, const char *name)
{
	struct stat s;

	return fstatat(dir, name, &s, AT_SYMLINK_NOFOLLOW) ? 0 : s.st_ino;
}

/* Remove @name from @dir, whatever it is, if it is there. */
static void clear(int dir, const char *name)
{
	if (unlinkat(dir, name, 0) && errno == EISDIR)
		unlinkat(dir, name, AT_REMOVEDIR);
}

/* ---- RENAME_NOREPLACE against a create on the backing ---- */

static int noreplace_prepare(struct race_ctx *c)
{
	struct stat s;

	clear(c->btree, "victim");
	/* the mount looks "victim" up, and does not find it */
	fstatat(c->mtree, "victim", &s, 0);
	return put_file(c->btree, "src", "src", 3, 0644);
}

static void noreplace_backing(struct race_ctx *c)
{
	int fd = openat(c->btree, "victim",
			O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	c->created = fd >= 0;
	if (fd < 0)
		return;
	if (write(fd, "victim", 6) != 6)
		c->created = false;
	close(fd);
}

static int noreplace_mount(struct race_ctx *c)
{
	return renameat2(c->mtree, "src", c->mtree, "victim",
			 RENAME_NOREPLACE);
}

/* Made first, the victim survives; renamed first, it was never made. */
static bool noreplace_check(struct race_ctx *c)
{
	if (c->created)
		return c->ret == -1 && c->err == EEXIST &&
		       holds(c->btree, "victim", "victim") &&
		       holds(c->btree, "src", "src");
	return !c->ret && holds(c->btree, "victim", "src") &&
	       !ino_of(c->btree, "src");
}

static const struct race_ops noreplace = {
	noreplace_prepare, noreplace_backing, noreplace_mount, noreplace_check,
};

TEST_F_TIMEOUT(race, noreplace_never_overwrites, 300)
{
	EXPECT_EQ(0, race(_metadata, &self->c, &noreplace, ROUNDS, 0, false));
}

/* ---- RENAME_EXCHANGE against the target's rename on the backing ---- */

static int exchange_prepare(struct race_ctx *c)
{
	struct stat s;

	clear(c->btree, "gone");
	/* the mount has both dentries, positive */
	return put_file(c->btree, "s", "S", 1, 0644) ||
	       put_file(c->btree, "t", "T", 1, 0644) ||
	       fstatat(c->mtree, "s", &s, 0) ||
	       fstatat(c->mtree, "t", &s, 0);
}

static void exchange_backing(struct race_ctx *c)
{
	renameat(c->btree, "t", c->btree, "gone");
}

static int exchange_mount(struct race_ctx *c)
{
	return renameat2(c->mtree, "s", c->mtree, "t", RENAME_EXCHANGE);
}

/* Exchanged, then moved away; or not exchanged, the target gone. */
static bool exchange_check(struct race_ctx *c)
{
	if (ino_of(c->btree, "t"))
		return false;
	if (!c->ret)
		return holds(c->btree, "s", "T") &&
		       holds(c->btree, "gone", "S");
	return c->err == ENOENT && holds(c->btree, "s", "S") &&
	       holds(c->btree, "gone", "T");
}

static const struct race_ops exchange = {
	exchange_prepare, exchange_backing, exchange_mount, exchange_check,
};

TEST_F_TIMEOUT(race, exchange_with_vanished_target_is_enoent, 300)
{
	EXPECT_EQ(0, race(_metadata, &self->c, &exchange, 1, 0, true));
	EXPECT_EQ(-1, self->c.ret);
	EXPECT_EQ(ENOENT, self->c.err);
	EXPECT_EQ(0, race(_metadata, &self->c, &exchange, ROUNDS, 0, false));
}

/*
 * ---- the rename trap of the backing directories ----
 * "W" is moved into "X/t" on the backing, so that the mount, which still
 * has both where they were, sees no relation between "W" and "X/t".
 */
TEST_F(race, exchange_onto_trap_is_einval)
{
	int m = self->c.mtree, b = self->c.btree;
	struct stat s;

	ASSERT_EQ(0, mkdirat(b, "X", 0777));
	ASSERT_EQ(0, mkdirat(b, "X/t", 0777));
	ASSERT_EQ(0, mkdirat(b, "W", 0777));
	ASSERT_EQ(0, put_file(b, "W/x", "x", 1, 0644));
	ASSERT_EQ(0, fstatat(m, "X/t", &s, 0));
	ASSERT_EQ(0, fstatat(m, "W/x", &s, 0));
	ASSERT_EQ(0, renameat(b, "W", b, "X/t/W"));
	/* the target is an ancestor of the source: as do_renameat2() */
	EXPECT_EQ(-1, renameat2(m, "W/x", m, "X/t", RENAME_EXCHANGE));
	EXPECT_EQ(EINVAL, errno);
	/* the source is an ancestor of the target */
	EXPECT_EQ(-1, renameat(m, "X/t", m, "W/n"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(holds(b, "X/t/W/x", "x"));
	EXPECT_EQ(0, fstatat(b, "X/t", &s, 0));
}

/*
 * ---- unlink, rmdir, rename in a sticky directory ----
 * A user's "f" is moved to "mine" on the backing, and root makes another
 * "f" there. The user may remove or rename the first, not root's: the
 * backing side (root's credentials) does not check that, the VFS did,
 * on the entry it looked up.
 */
static int sticky_prepare(struct race_ctx *c)
{
	struct stat s;
	int err;

	clear(c->btree, "f");
	clear(c->btree, "g");
	clear(c->btree, "mine");
	if (c->op == OP_RMDIR)
		err = mkdirat(c->btree, "f", 0755);
	else
		err = put_file(c->btree, "f", "user", 4, 0644);
	if (err || fchownat(c->btree, "f", USER_ID, USER_ID, 0))
		return -1;
	c->user_ino = ino_of(c->btree, "f");
	c->root_ino = 0;
	/* the mount has the user's "f" */
	return fstatat(c->mtree, "f", &s, 0);
}

static void sticky_backing(struct race_ctx *c)
{
	renameat(c->btree, "f", c->btree, "mine");
	if (c->op == OP_RMDIR)
		mkdirat(c->btree, "f", 0755);
	else
		put_file(c->btree, "f", "root", 4, 0644);
	c->root_ino = ino_of(c->btree, "f");
}

static int sticky_mount(struct race_ctx *c)
{
	switch (c->op) {
	case OP_UNLINK:
		return unlinkat(c->mtree, "f", 0);
	case OP_RMDIR:
		return unlinkat(c->mtree, "f", AT_REMOVEDIR);
	case OP_RENAME:
		return renameat(c->mtree, "f", c->mtree, "g");
	}
	return -1;
}

/*
 * Root's "f" stays; the user's entry went (to "g" for a rename) if the
 * call succeeded, else it is "mine".
 */
static bool sticky_check(struct race_ctx *c)
{
	ino_t g = ino_of(c->btree, "g"), mine = ino_of(c->btree, "mine");

	if (!c->root_ino || ino_of(c->btree, "f") != c->root_ino)
		return false;
	if (!c->ret)
		return !mine && (c->op == OP_RENAME ?
				 g == c->user_ino : !g);
	return (c->err == EPERM || c->err == ENOENT) &&
	       mine == c->user_ino && !g;
}

static const struct race_ops sticky = {
	sticky_prepare, sticky_backing, sticky_mount, sticky_check,
};

/* The stale round: after a retry with a fresh lookup, root's "f" is EPERM. */
static void acts_on_checked_entry(struct __test_metadata *_metadata,
				  struct race_ctx *c, enum op op)
{
	c->op = op;
	EXPECT_EQ(0, race(_metadata, c, &sticky, 1, USER_ID, true));
	EXPECT_EQ(-1, c->ret);
	EXPECT_EQ(EPERM, c->err);
	EXPECT_EQ(0, race(_metadata, c, &sticky, ROUNDS, USER_ID, false));
}

TEST_F_TIMEOUT(race, unlink_acts_on_checked_entry, 300)
{
	acts_on_checked_entry(_metadata, &self->c, OP_UNLINK);
}

TEST_F_TIMEOUT(race, rmdir_acts_on_checked_entry, 300)
{
	acts_on_checked_entry(_metadata, &self->c, OP_RMDIR);
}

TEST_F_TIMEOUT(race, rename_acts_on_checked_source, 300)
{
	acts_on_checked_entry(_metadata, &self->c, OP_RENAME);
}

TEST_HARNESS_MAIN
