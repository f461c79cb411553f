// SPDX-License-Identifier: GPL-2.0
/*
 * An adversarial daemon: it speaks the FUSE protocol on /dev/fuse-bpf
 * itself and answers each LOOKUP in a way drawn from a fixed seed: well,
 * or with wrong lengths, a truncated or oversized fuse-bpf extension, an
 * invalid backing id, an id of the wrong file type, an unknown ops name,
 * an invalid action, an invalid error, a reply to a request id that does
 * not exist, a second reply, or a reply after an interrupt. Each lookup
 * must succeed when the reply was good and fail with an errno when it was
 * not; the kernel log check (and kmemleak, on the debug kernel) of
 * dmesg_test comes after.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <linux/fuse.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"

#define SEED		0x5eed
#define LOOKUPS		200
#define BUF_SIZE	(1 << 20)

enum reply {
	R_GOOD,			/* an entry without extension */
	R_GOOD_BACKED,		/* an entry backed by a registered file */
	R_UNKNOWN_UNIQUE,	/* a reply to no request, then a good one */
	R_TWICE,		/* a good reply, then the same again */
	R_AFTER_INTERRUPT,	/* the caller interrupted, then a good one */
	R_GOOD_NR,		/* the replies above are good */
	R_LONG_HEADER = R_GOOD_NR, /* out.len larger than what is written */
	R_SHORT_ENTRY,		/* a truncated fuse_entry_out */
	R_SHORT_EXT,		/* a truncated fuse_bpf_entry_out */
	R_LONG_EXT,		/* a fuse_bpf_entry_out with bytes after it */
	R_BAD_ID,		/* a backing id nobody registered */
	R_WRONG_TYPE,		/* a directory's id for a regular file */
	R_UNKNOWN_OPS,		/* an ops name no instance has */
	R_BAD_ACTION,		/* a backing action that does not exist */
	R_BAD_PADDING,		/* padding not 0 */
	R_BAD_ERROR,		/* a positive error */
	R_ERROR_PAYLOAD,	/* an error with bytes after the header */
	R_BAD_MODE,		/* attributes of no file type */
	R_NO_NODE,		/* node id 0 */
	R_NR,
};

/* What the daemon did, shared with the test. */
struct adversary {
	int lookups;			/* LOOKUP requests seen */
	unsigned char reply[LOOKUPS];	/* enum reply, by LOOKUP */
	int interrupts;			/* FUSE_INTERRUPT requests seen */
};

struct daemon {
	int fd;
	struct adversary *adv;
	unsigned int seed;
	int file_id;			/* registered backing ids */
	int dir_id;
	__u64 next_node;
	char *buf;
};

static void on_signal(int sig)
{
}

static int send_reply(int fd, __u64 unique, int error, const void *arg,
		      size_t len, size_t claimed)
{
	struct fuse_out_header out = {
		.len = sizeof(out) + claimed, .error = error, .unique = unique,
	};
	struct iovec iov[2] = { { &out, sizeof(out) }, { (void *)arg, len } };

	return writev(fd, iov, len ? 2 : 1) < 0 ? -errno : 0;
}

/* A reply of @len bytes of @arg, which claims to be that long. */
static int reply(int fd, __u64 unique, const void *arg, size_t len)
{
	return send_reply(fd, unique, 0, arg, len, len);
}

static void reply_init(struct daemon *d, const struct fuse_in_header *in)
{
	const struct fuse_init_in *init = (const void *)(in + 1);
	struct fuse_init_out out = {
		.major = FUSE_KERNEL_VERSION, .minor = init->minor,
		.max_readahead = init->max_readahead, .max_write = 65536,
		.time_gran = 1, .flags = FUSE_INIT_EXT,
		/* backing ids need passthrough */
		.flags2 = FUSE_PASSTHROUGH >> 32, .max_stack_depth = 1,
	};

	reply(d->fd, in->unique, &out, sizeof(out));
}

static void reply_root_attr(struct daemon *d, const struct fuse_in_header *in)
{
	struct fuse_attr_out out = {
		.attr_valid = 3600,
		.attr = { .ino = FUSE_ROOT_ID, .mode = S_IFDIR | 0755,
			  .nlink = 2 },
	};

	reply(d->fd, in->unique, &out, sizeof(out));
}

/* Read requests until FUSE_INTERRUPT, leaving out FORGETs. */
static void await_interrupt(struct daemon *d)
{
	const struct fuse_in_header *in = (const void *)d->buf;
	int i;

	for (i = 0; i < 16; i++) {
		if (read(d->fd, d->buf, BUF_SIZE) <= 0)
			return;
		if (in->opcode == FUSE_INTERRUPT) {
			d->adv->interrupts++;
			return;
		}
	}
}

/* Answer a LOOKUP as the seed says; record how. */
static void reply_lookup(struct daemon *d, const struct fuse_in_header *in)
{
	enum reply r = rand_r(&d->seed) % R_NR;
	__u64 unique = in->unique;
	pid_t caller = in->pid;
	struct {
		struct fuse_entry_out entry;
		struct fuse_bpf_entry_out ext;
		char more[8];
	} out = {
		.entry = {
			.nodeid = d->next_node++, .attr_valid = 3600,
			.attr = { .mode = S_IFREG | 0644, .nlink = 1 },
		},
		.ext = {
			.backing_action = FUSE_BPF_BACKING_ID,
			.backing_id = d->file_id,
			.ops_action = FUSE_BPF_OPS_REMOVE,
		},
	};
	size_t len = sizeof(out.entry) + sizeof(out.ext);

	out.entry.attr.ino = out.entry.nodeid;
	if (d->adv->lookups < LOOKUPS)
		d->adv->reply[d->adv->lookups] = r;
	d->adv->lookups++;
	switch (r) {
	case R_GOOD:
		len = sizeof(out.entry);
		break;
	case R_UNKNOWN_UNIQUE:
		reply(d->fd, unique + (1 << 20), &out, len);
		break;
	case R_AFTER_INTERRUPT:
		kill(caller, SIGUSR1);
		await_interrupt(d);
		break;
	case R_LONG_HEADER:
		/* refused whole: the request still waits for its reply */
		send_reply(d->fd, unique, 0, &out, len, len + 8);
		send_reply(d->fd, unique, -EIO, NULL, 0, 0);
		return;
	case R_SHORT_ENTRY:
		len = sizeof(out.entry) - 8;
		break;
	case R_SHORT_EXT:
		len -= 8;
		break;
	case R_LONG_EXT:
		len += sizeof(out.more);
		break;
	case R_BAD_ID:
		out.ext.backing_id = 0x7fff0000;
		break;
	case R_WRONG_TYPE:
		out.ext.backing_id = d->dir_id;
		break;
	case R_UNKNOWN_OPS:
		out.ext.ops_action = FUSE_BPF_OPS_NAME;
		snprintf(out.ext.ops_name, FUSE_BPF_NAME_LEN, "no_such_ops");
		break;
	case R_BAD_ACTION:
		out.ext.backing_action = 77;
		break;
	case R_BAD_PADDING:
		out.ext.padding = 1;
		break;
	case R_BAD_ERROR:
		/* refused whole, as R_LONG_HEADER */
		send_reply(d->fd, unique, 5, NULL, 0, 0);
		send_reply(d->fd, unique, -EIO, NULL, 0, 0);
		return;
	case R_ERROR_PAYLOAD:
		send_reply(d->fd, unique, -ENOENT, &out, 8, 8);
		return;
	case R_BAD_MODE:
		out.entry.attr.mode = S_IFMT | 0644;
		break;
	case R_NO_NODE:
		/* a negative entry, ENOENT; FUSE_ROOT_ID would brick the root */
		out.entry.nodeid = 0;
		break;
	default:
		break;
	}
	reply(d->fd, unique, &out, len);
	if (r == R_TWICE)
		reply(d->fd, unique, &out, len);
}

/* Register @path as a backing file of the connection: its id, or -1. */
static int register_path(int fd, const char *path)
{
	struct fuse_backing_map map = { .fd = open(path, O_RDONLY) };
	int id;

	if (map.fd < 0)
		return -1;
	id = ioctl(fd, FUSE_DEV_IOC_BACKING_OPEN, &map);
	close(map.fd);
	return id;
}

/* The daemon process, until the connection goes. */
static int serve(int fd, const char *backing, struct adversary *adv)
{
	struct daemon d = {
		.fd = fd, .adv = adv, .seed = SEED, .next_node = 2,
		.buf = malloc(BUF_SIZE),
	};
	const struct fuse_in_header *in = (const void *)d.buf;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/file", backing);
	if (!d.buf)
		return 1;
	while (read(fd, d.buf, BUF_SIZE) > 0) {
		switch (in->opcode) {
		case FUSE_INIT:
			reply_init(&d, in);
			d.file_id = register_path(fd, path);
			d.dir_id = register_path(fd, backing);
			if (d.file_id <= 0 || d.dir_id <= 0)
				return 1;
			break;
		case FUSE_GETATTR:
			reply_root_attr(&d, in);
			break;
		case FUSE_LOOKUP:
			reply_lookup(&d, in);
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			break;
		default:
			send_reply(fd, in->unique, -EOPNOTSUPP, NULL, 0, 0);
			break;
		}
	}
	return 0;
}

static int min_seen(const int *seen)
{
	int i, min = LOOKUPS;

	for (i = 0; i < R_NR; i++)
		min = seen[i] < min ? seen[i] : min;
	return min;
}

TEST(malformed_replies)
{
	char backing[DIR_PATH_LEN], mnt[DIR_PATH_LEN], name[32], opts[160];
	struct sigaction sa = { .sa_handler = on_signal };
	int bfd, mfd, fd, i, status, wrong = 0, seen[R_NR] = {};
	struct adversary *adv;
	struct stat s, file;
	pid_t pid;

	TH_LOG("seed %#x, %d lookups", SEED, LOOKUPS);
	adv = mmap(NULL, sizeof(*adv), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, adv);
	ASSERT_EQ(0, make_dirs(backing, mnt, &bfd));
	ASSERT_EQ(0, put_file(bfd, "file", "data", 4, 0644));
	ASSERT_EQ(0, fstatat(bfd, "file", &file, 0));
	/* no SA_RESTART: the interrupted lookups see the signal */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));

	fd = open(FUSE_BPF_DEVICE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	td_mount_options(opts, sizeof(opts), fd);
	strcat(opts, "," FUSE_BPF_MOUNT_OPTION);
	ASSERT_EQ(0, mount("adversary", mnt, FUSE_BPF_FSTYPE ".adversary", 0,
			   opts));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(serve(fd, backing, adv));
	close(fd);
	mfd = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, mfd);

	for (i = 0; i < LOOKUPS; i++) {
		int err;
		bool good;

		snprintf(name, sizeof(name), "n%d", i);
		err = fstatat(mfd, name, &s, 0) ? errno : 0;
		ASSERT_EQ(i + 1, adv->lookups);
		/* a good reply works, and a backed node is its backing */
		if (adv->reply[i] < R_GOOD_NR)
			good = !err && (adv->reply[i] != R_GOOD_BACKED ||
					s.st_ino == file.st_ino);
		else
			good = err;
		if (!good && wrong++ < 10)
			TH_LOG("lookup %d, reply %d: %s", i, adv->reply[i],
			       strerror(err));
	}
	for (i = 0; i < LOOKUPS; i++)
		seen[adv->reply[i]]++;
	for (i = 0; i < R_NR; i++)
		EXPECT_LT(0, seen[i]);
	TH_LOG("%d lookups, each of the %d kinds of reply at least %d times",
	       LOOKUPS, R_NR, min_seen(seen));
	EXPECT_EQ(0, wrong);
	EXPECT_LT(0, adv->interrupts);
	close(mfd);
	EXPECT_EQ(0, umount(mnt));
	EXPECT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	close(bfd);
}

TEST_HARNESS_MAIN
