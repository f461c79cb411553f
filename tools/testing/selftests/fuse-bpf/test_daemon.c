// SPDX-License-Identifier: GPL-2.0
/*
 * The fuse-bpf test daemon: a passthrough of a backing directory over the
 * FUSE protocol, each inode held as an O_PATH descriptor.
 *
 * td_start() mounts in the caller, with mount(2) and fd=N as fuse-bpf users
 * do, then forks the daemon, which takes the descriptor through
 * fuse_session_mount("/dev/fd/N").  The daemon is single threaded, so its
 * state needs no locking; the request counters live in a shared anonymous
 * mapping so that the test reads them directly, also after td_stop().
 *
 * It speaks fuse-bpf through libfusebpf: fusebpf_reply_entry(),
 * fusebpf_backing_open(), fusebpf_session_loop() and
 * fusebpf_filter_register(). Only the replies that the tests make
 * malformed on purpose are written by hand (marked "hostile").
 */
#define FUSE_USE_VERSION 317

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#include <bpf/libbpf.h>
#include <fuse_lowlevel.h>
#include <fusebpf.h>
#include <linux/capability.h>
#include <linux/fuse.h>
#include <linux/fuse_bpf.h>

#include "test_daemon.h"

#define TD_BUCKETS 1024
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

struct td_node {
	struct td_node *next;		/* hash chain */
	int fd;				/* O_PATH, not following symlinks */
	dev_t dev;
	ino_t ino;
	uint64_t nlookup;
	int backing_id;			/* > 0 once registered, TD_BPF */
};

struct td_state {
	struct td_node root;		/* nodeid FUSE_ROOT_ID, never forgotten */
	struct fuse_session *se;
	pthread_mutex_t lock;		/* the hash and nlookup, for TD_MT */
	struct td_node *hash[TD_BUCKETS];
	unsigned int flags;
	unsigned long *count;
	struct td_ctl *ctl;
};

struct td_file {
	int fd;
	int backing_id;			/* > 0 when opened for passthrough */
};

struct td_dir {
	DIR *dp;
	off_t pos;			/* offset of the next entry to return */
	struct dirent *pending;		/* read but did not fit the last reply */
};

static struct td_state *state(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static struct td_node *node(fuse_req_t req, fuse_ino_t ino)
{
	if (ino == FUSE_ROOT_ID)
		return &state(req)->root;
	return (struct td_node *)(uintptr_t)ino;
}

static struct td_file *file(struct fuse_file_info *fi)
{
	return (struct td_file *)(uintptr_t)fi->fh;
}

/* The path through which an O_PATH descriptor is opened or changed. */
static char *fd_path(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return buf;
}

static struct td_node **bucket(struct td_state *st, dev_t dev, ino_t ino)
{
	return &st->hash[(dev ^ ino) % TD_BUCKETS];
}

/*
 * Look @name up in @parent, taking one lookup reference on its node.
 * Returns 0 or -errno, as all the helpers here do.
 */
static int td_lookup_entry(struct td_state *st, struct td_node *parent,
			   const char *name, struct fuse_entry_param *e)
{
	struct td_node **head, *n;
	int fd;

	memset(e, 0, sizeof(*e));
	fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatat(fd, "", &e->attr, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		close(fd);
		return -errno;
	}
	pthread_mutex_lock(&st->lock);
	head = bucket(st, e->attr.st_dev, e->attr.st_ino);
	for (n = *head; n; n = n->next)
		if (n->dev == e->attr.st_dev && n->ino == e->attr.st_ino)
			break;
	if (n) {
		close(fd);
	} else {
		n = calloc(1, sizeof(*n));
		if (!n) {
			pthread_mutex_unlock(&st->lock);
			close(fd);
			return -ENOMEM;
		}
		n->fd = fd;
		n->dev = e->attr.st_dev;
		n->ino = e->attr.st_ino;
		n->next = *head;
		*head = n;
	}
	n->nlookup++;
	pthread_mutex_unlock(&st->lock);
	e->ino = (uintptr_t)n;
	return 0;
}

static void td_forget_one(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct td_state *st = state(req);
	struct td_node **p, *n;

	if (ino == FUSE_ROOT_ID)
		return;
	n = (struct td_node *)(uintptr_t)ino;
	pthread_mutex_lock(&st->lock);
	n->nlookup -= nlookup;
	if (n->nlookup) {
		pthread_mutex_unlock(&st->lock);
		return;
	}
	for (p = bucket(st, n->dev, n->ino); *p != n; p = &(*p)->next)
		;
	*p = n->next;
	pthread_mutex_unlock(&st->lock);
	if (n->backing_id > 0)
		fusebpf_backing_close(st->se, n->backing_id);
	close(n->fd);
	free(n);
}

/* Answer a request that made @name in @parent (or failed with -@err). */
static void reply_made(fuse_req_t req, struct td_node *parent,
		       const char *name, int err)
{
	struct fuse_entry_param e;

	if (!err)
		err = td_lookup_entry(state(req), parent, name, &e);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_entry(req, &e);
}

static void reply_attr(fuse_req_t req, struct td_node *n)
{
	struct stat s;

	if (fstatat(n->fd, "", &s, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		fuse_reply_err(req, errno);
	else
		fuse_reply_attr(req, &s, 0);
}

/* Hand out @fd as the open file of @fi; @e is set for a create. */
static void reply_open(fuse_req_t req, struct fuse_file_info *fi, int fd,
		       const struct fuse_entry_param *e)
{
	struct td_file *f = calloc(1, sizeof(*f));

	if (!f) {
		close(fd);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	f->fd = fd;
	if (state(req)->flags & TD_PASSTHROUGH) {
		f->backing_id = fusebpf_backing_open(state(req)->se, fd);
		if (f->backing_id <= 0) {
			close(fd);
			free(f);
			fuse_reply_err(req, EIO);
			return;
		}
		fi->backing_id = f->backing_id;
	}
	fi->fh = (uintptr_t)f;
	if (state(req)->ctl && state(req)->ctl->nonseekable)
		fi->nonseekable = 1;
	if (e)
		fuse_reply_create(req, e, fi);
	else
		fuse_reply_open(req, fi);
}

static void td_init(void *data, struct fuse_conn_info *conn)
{
	struct td_state *st = data;

	if (st->flags & (TD_PASSTHROUGH | TD_BPF)) {
		if (!fuse_set_feature_flag(conn, FUSE_CAP_PASSTHROUGH))
			fprintf(stderr, "test_daemon: no passthrough\n");
		/*
		 * Backings are not stacked, unless on a fuse-bpf mount; an
		 * overlayfs may stack on top of the one that is not.
		 */
		conn->max_backing_stack_depth = !!(st->flags & TD_OVER_BPF);
	}
}

static void fill_attr(struct fuse_attr *a, const struct stat *s)
{
	*a = (struct fuse_attr) {
		.ino = s->st_ino, .size = s->st_size, .blocks = s->st_blocks,
		.atime = s->st_atim.tv_sec, .atimensec = s->st_atim.tv_nsec,
		.mtime = s->st_mtim.tv_sec, .mtimensec = s->st_mtim.tv_nsec,
		.ctime = s->st_ctim.tv_sec, .ctimensec = s->st_ctim.tv_nsec,
		.mode = s->st_mode, .nlink = s->st_nlink, .uid = s->st_uid,
		.gid = s->st_gid, .rdev = s->st_rdev, .blksize = s->st_blksize,
	};
}

/* Set or clear CAP_SYS_ADMIN in the daemon's effective set. */
static void cap_sys_admin(bool on)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return;
	if (on)
		d[0].effective |= 1U << CAP_SYS_ADMIN;
	else
		d[0].effective &= ~(1U << CAP_SYS_ADMIN);
	syscall(SYS_capset, &h, d);
}

/* Register what td_ctl says as the backing of @n: the id, or 0. */
static int register_backing(fuse_req_t req, struct td_node *n)
{
	struct td_ctl *ctl = state(req)->ctl;
	int fd = n->fd, id;

	if (ctl->backing_path[0]) {
		fd = open(ctl->backing_path, O_PATH | O_CLOEXEC);
		if (fd < 0)
			return 0;
	} else if (n->backing_id) {
		return n->backing_id;
	}
	if (ctl->drop_cap)
		cap_sys_admin(false);
	id = fusebpf_backing_open(state(req)->se, fd);
	ctl->backing_errno = id > 0 ? 0 : -id;
	if (ctl->drop_cap)
		cap_sys_admin(true);
	if (fd != n->fd)
		close(fd);
	else if (id > 0)
		n->backing_id = id;
	return id > 0 ? id : 0;
}

/*
 * Whether @x is what fusebpf_reply_entry() makes of a struct
 * fusebpf_entry: no padding, and the name NUL-terminated and padded with
 * zeroes with FUSE_BPF_OPS_NAME, all zeroes without.
 */
static bool ext_sendable(const struct fuse_bpf_entry_out *x)
{
	size_t len = strnlen(x->ops_name, sizeof(x->ops_name)), i;

	if (x->padding || len == sizeof(x->ops_name) ||
	    (len && x->ops_action != FUSE_BPF_OPS_NAME))
		return false;
	for (i = len; i < sizeof(x->ops_name); i++)
		if (x->ops_name[i])
			return false;
	return true;
}

/*
 * Hostile: a LOOKUP reply with the @len bytes of @x as its extension,
 * which the library refuses to send (a length or a field the kernel must
 * refuse), written by hand.
 */
static void reply_entry_raw(fuse_req_t req, const struct fuse_entry_param *e,
			    const struct fuse_bpf_entry_out *x, int len)
{
	struct fuse_entry_out out = {
		.nodeid = e->ino, .entry_valid = e->entry_timeout,
	};
	struct {
		struct fuse_bpf_entry_out ext;
		char more[64];			/* for oversized extensions */
	} big = { .ext = *x };
	struct iovec iov[2] = {
		{ &out, sizeof(out) },
		{ &big, (size_t)len < sizeof(big) ? len : 0 },
	};

	fill_attr(&out.attr, &e->attr);
	fuse_reply_iov(req, iov, iov[1].iov_len ? 2 : 1);
}

/*
 * fusebpf_reply_entry() with extensions it must refuse, without replying:
 * what it returned, in td_ctl.bad_ext.
 */
static void try_bad_ext(fuse_req_t req, const struct fuse_entry_param *e,
			struct td_ctl *ctl)
{
	static const struct fusebpf_entry bad[] = {
		{ .backing = 3 },
		{ .filter = 3 },
		{ .backing = FUSE_BPF_BACKING_PARENT, .backing_id = 1 },
		{ .backing = FUSE_BPF_BACKING_ID, .backing_id = 0 },
		{ .filter = FUSE_BPF_OPS_NAME },
		{ .filter = FUSE_BPF_OPS_NAME,
		  .filter_name = "sixteen_bytes_xx" },
		{ .filter = FUSE_BPF_OPS_REMOVE, .filter_name = "x" },
	};
	struct fuse_entry_param neg = { .ino = 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ctl->bad_ext[i] = fusebpf_reply_entry(req, e, &bad[i]);
	/* a negative entry has nothing to back */
	ctl->bad_ext[i] = fusebpf_reply_entry(req, &neg,
				&(struct fusebpf_entry){ 0 });
	__atomic_store_n(&ctl->bad_ext_done, 1, __ATOMIC_RELEASE);
}

/* A LOOKUP reply with the fuse-bpf extension td_ctl asks for. */
static void reply_entry_bpf(fuse_req_t req, struct fuse_entry_param *e,
			    const char *name)
{
	struct td_ctl *ctl = state(req)->ctl;
	struct fuse_bpf_entry_out x = ctl->ext;
	bool with = !ctl->only[0] || !strcmp(ctl->only, name);
	struct fusebpf_entry ext;

	e->entry_timeout = ctl->entry_valid;
	e->attr_timeout = ctl->attr_valid;
	ctl->last_nodeid = e->ino;
	if (!strcmp(name, "lib_bad_ext"))
		try_bad_ext(req, e, ctl);
	if (ctl->lie_attr) {
		e->attr.st_mode = (e->attr.st_mode & S_IFMT) | 0777;
		e->attr.st_size = 12345;
		e->attr.st_uid = 1234;
		e->attr.st_nlink = 7;
	}
	if (with && ctl->register_backing)
		x.backing_id = register_backing(req, node(req, e->ino));
	if (!with || !ctl->ext_len) {
		fusebpf_reply_entry(req, e, NULL);
		return;
	}
	if (ctl->ext_len == sizeof(x) && ext_sendable(&x)) {
		ext = (struct fusebpf_entry) {
			.backing = x.backing_action,
			.backing_id = x.backing_id,
			.filter = x.ops_action,
			.filter_name = x.ops_action == FUSE_BPF_OPS_NAME ?
				       x.ops_name : NULL,
		};
		/* -EINVAL: refused, and the request is still ours */
		if (fusebpf_reply_entry(req, e, &ext) != -EINVAL)
			return;
	}
	reply_entry_raw(req, e, &x, ctl->ext_len);
}

static void td_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	int err;

	if (!(state(req)->flags & TD_BPF)) {
		reply_made(req, node(req, parent), name, 0);
		return;
	}
	err = td_lookup_entry(state(req), node(req, parent), name, &e);
	if (err)
		fuse_reply_err(req, -err);
	else
		reply_entry_bpf(req, &e, name);
}

static void td_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	td_forget_one(req, ino, nlookup);
	fuse_reply_none(req);
}

static void td_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *forgets)
{
	size_t i;

	for (i = 0; i < count; i++)
		td_forget_one(req, forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

static void td_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	reply_attr(req, node(req, ino));
}

static int td_set_times(const char *path, const struct stat *attr, int valid)
{
	struct timespec tv[2] = {
		{ .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT }
	};

	if (valid & FUSE_SET_ATTR_ATIME_NOW)
		tv[0].tv_nsec = UTIME_NOW;
	else if (valid & FUSE_SET_ATTR_ATIME)
		tv[0] = attr->st_atim;
	if (valid & FUSE_SET_ATTR_MTIME_NOW)
		tv[1].tv_nsec = UTIME_NOW;
	else if (valid & FUSE_SET_ATTR_MTIME)
		tv[1] = attr->st_mtim;
	return utimensat(AT_FDCWD, path, tv, 0);
}

static void td_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int valid, struct fuse_file_info *fi)
{
	struct td_node *n = node(req, ino);
	uid_t uid = valid & FUSE_SET_ATTR_UID ? attr->st_uid : (uid_t)-1;
	gid_t gid = valid & FUSE_SET_ATTR_GID ? attr->st_gid : (gid_t)-1;
	char path[32];

	fd_path(path, sizeof(path), n->fd);
	if (((valid & FUSE_SET_ATTR_MODE) && chmod(path, attr->st_mode)) ||
	    ((valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) &&
	     fchownat(n->fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) ||
	    ((valid & FUSE_SET_ATTR_SIZE) &&
	     (fi ? ftruncate(file(fi)->fd, attr->st_size) :
		   truncate(path, attr->st_size))) ||
	    ((valid & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) &&
	     td_set_times(path, attr, valid))) {
		fuse_reply_err(req, errno);
		return;
	}
	reply_attr(req, n);
}

static void td_readlink(fuse_req_t req, fuse_ino_t ino)
{
	char buf[PATH_MAX];
	ssize_t len;

	len = readlinkat(node(req, ino)->fd, "", buf, sizeof(buf) - 1);
	if (len < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	buf[len] = '\0';
	fuse_reply_readlink(req, buf);
}

static void td_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	struct td_node *p = node(req, parent);

	reply_made(req, p, name, mknodat(p->fd, name, mode, rdev) ? -errno : 0);
}

static void td_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	struct td_node *p = node(req, parent);

	reply_made(req, p, name, mkdirat(p->fd, name, mode) ? -errno : 0);
}

static void td_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	struct td_node *p = node(req, parent);

	reply_made(req, p, name, symlinkat(link, p->fd, name) ? -errno : 0);
}

static void td_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	struct td_node *p = node(req, newparent);
	char path[32];
	int err;

	fd_path(path, sizeof(path), node(req, ino)->fd);
	err = linkat(AT_FDCWD, path, p->fd, newname, AT_SYMLINK_FOLLOW);
	reply_made(req, p, newname, err ? -errno : 0);
}

static void td_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_reply_err(req, unlinkat(node(req, parent)->fd, name, 0) ? errno : 0);
}

static void td_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_reply_err(req, unlinkat(node(req, parent)->fd, name,
				     AT_REMOVEDIR) ? errno : 0);
}

static void td_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	fuse_reply_err(req, renameat2(node(req, parent)->fd, name,
				      node(req, newparent)->fd, newname,
				      flags) ? errno : 0);
}

/*
 * The flags the daemon opens a backing file with: its own reads and writes
 * go through buffers of its own, unaligned, so O_DIRECT stays the caller's
 * (FUSE's direct I/O to the daemon), except for a passthrough file, which
 * the backing itself serves.
 */
static int td_open_flags(fuse_req_t req, const struct fuse_file_info *fi)
{
	int flags = (fi->flags & ~O_NOFOLLOW) | O_CLOEXEC;

	return state(req)->flags & TD_PASSTHROUGH ? flags : flags & ~O_DIRECT;
}

static void td_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	char path[32];
	int fd;

	fd_path(path, sizeof(path), node(req, ino)->fd);
	fd = open(path, td_open_flags(req, fi));
	if (fd < 0)
		fuse_reply_err(req, errno);
	else
		reply_open(req, fi, fd, NULL);
}

static void td_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	struct td_node *p = node(req, parent);
	struct fuse_entry_param e;
	int fd, err;

	fd = openat(p->fd, name, td_open_flags(req, fi) | O_CREAT, mode);
	if (fd < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	err = td_lookup_entry(state(req), p, name, &e);
	if (err) {
		close(fd);
		fuse_reply_err(req, -err);
		return;
	}
	reply_open(req, fi, fd, &e);
}

static void td_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	char *buf = malloc(size);
	ssize_t n;

	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	n = pread(file(fi)->fd, buf, size, off);
	if (n > 0 && state(req)->ctl && state(req)->ctl->read_fill)
		memset(buf, state(req)->ctl->read_fill, n);
	if (n < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_buf(req, buf, n);
	free(buf);
}

static void td_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	ssize_t n;

	n = pwrite(file(fi)->fd, buf, size, off);
	if (n < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_write(req, n);
}

static void td_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

static void td_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct td_file *f = file(fi);

	if (f->backing_id > 0)
		fusebpf_backing_close(state(req)->se, f->backing_id);
	close(f->fd);
	free(f);
	fuse_reply_err(req, 0);
}

static void td_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	int fd = file(fi)->fd;

	fuse_reply_err(req, (datasync ? fdatasync(fd) : fsync(fd)) ? errno : 0);
}

static void td_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct td_dir *d = calloc(1, sizeof(*d));
	int fd;

	if (!d) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	fd = openat(node(req, ino)->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d->dp = fd < 0 ? NULL : fdopendir(fd);
	if (!d->dp) {
		fuse_reply_err(req, errno);
		if (fd >= 0)
			close(fd);
		free(d);
		return;
	}
	fi->fh = (uintptr_t)d;
	fuse_reply_open(req, fi);
}

static void td_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct td_dir *d = (struct td_dir *)(uintptr_t)fi->fh;
	char *buf = malloc(size);
	size_t used = 0, len;
	struct stat s;
	off_t next;
	int err = 0;

	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (off != d->pos) {
		seekdir(d->dp, off);
		d->pos = off;
		d->pending = NULL;
	}
	for (;;) {
		if (!d->pending) {
			errno = 0;
			d->pending = readdir(d->dp);
			if (!d->pending) {
				err = errno;
				break;
			}
		}
		memset(&s, 0, sizeof(s));
		s.st_ino = d->pending->d_ino;
		s.st_mode = DTTOIF(d->pending->d_type);
		next = telldir(d->dp);
		len = fuse_add_direntry(req, buf + used, size - used,
					d->pending->d_name, &s, next);
		if (len > size - used)
			break;
		used += len;
		d->pos = next;
		d->pending = NULL;
	}
	if (!used && err)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, buf, used);
	free(buf);
}

static void td_releasedir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct td_dir *d = (struct td_dir *)(uintptr_t)fi->fh;

	closedir(d->dp);
	free(d);
	fuse_reply_err(req, 0);
}

static void td_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;

	if (fstatvfs(node(req, ino)->fd, &sv))
		fuse_reply_err(req, errno);
	else
		fuse_reply_statfs(req, &sv);
}

static const struct fuse_lowlevel_ops td_ops = {
	.init		= td_init,
	.lookup		= td_lookup,
	.forget		= td_forget,
	.forget_multi	= td_forget_multi,
	.getattr	= td_getattr,
	.setattr	= td_setattr,
	.readlink	= td_readlink,
	.mknod		= td_mknod,
	.mkdir		= td_mkdir,
	.symlink	= td_symlink,
	.link		= td_link,
	.unlink		= td_unlink,
	.rmdir		= td_rmdir,
	.rename		= td_rename,
	.open		= td_open,
	.create		= td_create,
	.read		= td_read,
	.write		= td_write,
	.flush		= td_flush,
	.release	= td_release,
	.fsync		= td_fsync,
	.opendir	= td_opendir,
	.readdir	= td_readdir,
	.releasedir	= td_releasedir,
	.statfs		= td_statfs,
};

/* Send the notification td_ctl asks for, once, after a request. */
static void td_notify(struct fuse_session *se, struct td_ctl *ctl)
{
	char data[4] = "XXXX";
	struct fuse_bufvec bv = FUSE_BUFVEC_INIT(sizeof(data));
	int ret;

	bv.buf[0].mem = data;
	switch (ctl->notify) {
	case TD_NOTIFY_INVAL_INODE:
		ret = fuse_lowlevel_notify_inval_inode(se, ctl->notify_nodeid,
						       0, 0);
		break;
	case TD_NOTIFY_INVAL_ENTRY:
		ret = fuse_lowlevel_notify_inval_entry(se, ctl->notify_nodeid,
						       "f", 1);
		break;
	case TD_NOTIFY_STORE:
		ret = fuse_lowlevel_notify_store(se, ctl->notify_nodeid, 0,
						 &bv, 0);
		break;
	default:
		return;
	}
	ctl->notify = TD_NOTIFY_NONE;
	ctl->notify_result = ret;
	__atomic_store_n(&ctl->notify_done, 1, __ATOMIC_RELEASE);
}

/*
 * Hostile: a FUSE_BPF_OPCODE_PREFILTER reply td_ctl.filter_reply_trim
 * bytes short, written by hand before the library answers; the kernel
 * fails the request with it, and the library's reply then finds no
 * request (ENOENT, which the loop ignores).
 */
static void reply_filter_trimmed(struct fuse_session *se, struct td_ctl *ctl,
				 const struct fuse_in_header *in)
{
	struct fuse_bpf_filter_out res = { .result = ctl->prefilter_result };
	struct fuse_out_header out = { .unique = in->unique };
	struct iovec iov[3] = {
		{ &out, sizeof(out) }, { &res, sizeof(res) },
		{ (char *)(in + 1), in->len - sizeof(*in) },
	};

	if ((size_t)ctl->filter_reply_trim >= iov[2].iov_len)
		return;
	iov[2].iov_len -= ctl->filter_reply_trim;
	out.len = sizeof(out) + sizeof(res) + iov[2].iov_len;
	if (writev(fuse_session_fd(se), iov, 3) < 0 && errno != EINVAL)
		perror("test_daemon: trimmed filter reply");
}

/*
 * Every request as it arrives, whether libfuse has a handler for it or
 * not: counted, stalled if td_ctl says so, and followed by a notification
 * td_ctl asks for.
 */
static void td_request(void *data, const struct fuse_in_header *in)
{
	struct td_state *st = data;

	if (in->opcode < TD_OPCODES)
		__atomic_fetch_add(&st->count[in->opcode], 1, __ATOMIC_RELAXED);
	if (!st->ctl)
		return;
	/* the daemon hangs there, until the test kills it */
	if (st->ctl->stall_opcode == in->opcode) {
		__atomic_store_n(&st->ctl->stalled, 1, __ATOMIC_RELEASE);
		/* or releases it: the request is then answered */
		while (!__atomic_load_n(&st->ctl->stall_release,
					__ATOMIC_ACQUIRE))
			usleep(1000);
		st->ctl->stall_opcode = 0;
	}
	if ((in->opcode & FUSE_BPF_OPCODE_PREFILTER) &&
	    st->ctl->filter_reply_trim)
		reply_filter_trimmed(st->se, st->ctl, in);
	td_notify(st->se, st->ctl);
}

static void filter_seen(struct td_ctl *ctl, const struct fusebpf_request *req,
			unsigned int flag)
{
	ctl->filter_opcode = req->opcode | flag;
	ctl->filter_nodeid = req->nodeid;
	ctl->filter_uid = req->uid;
}

/* A FUSE_BPF_OPCODE_PREFILTER request: the verdict td_ctl holds. */
static int td_prefilter(void *data, struct fusebpf_request *req)
{
	struct td_state *st = data;

	if (!st->ctl)
		return FUSE_BPF_BACKING;
	filter_seen(st->ctl, req, FUSE_BPF_OPCODE_PREFILTER);
	return st->ctl->prefilter_result;
}

/* A FUSE_BPF_OPCODE_POSTFILTER request: the error td_ctl holds. */
static int td_postfilter(void *data, const struct fusebpf_request *req,
			 int64_t result)
{
	struct td_state *st = data;

	if (!st->ctl)
		return 0;
	filter_seen(st->ctl, req, FUSE_BPF_OPCODE_POSTFILTER);
	st->ctl->postfilter_seen = result;
	return st->ctl->postfilter_error;
}

static const struct fusebpf_loop_ops td_loop_ops = {
	.prefilter	= td_prefilter,
	.postfilter	= td_postfilter,
	.request	= td_request,
};

/*
 * TD_LIB: mount @mnt with fusebpf_mount() and serve it until it is
 * unmounted; a non-zero exit status if anything failed.
 */
static int td_serve_lib(struct fuse_session *se, struct td_state *st,
			const char *backing, const char *mnt,
			struct td_ctl *ctl)
{
	struct fusebpf_mount_opts opts = {
		.options = "allow_other", .fsname = "test", .subtype = "test",
		.root = ctl->lib_root ? backing : NULL,
		.root_filter = ctl->lib_root_filter[0] ?
			       ctl->lib_root_filter : NULL,
	};
	struct fusebpf_mount *m;
	int err;

	if (ctl->lib_filter[0]) {
		opts.filter = fusebpf_filter_open(ctl->lib_filter);
		if (!opts.filter) {
			ctl->lib_err = -errno;
			goto out;
		}
	}
	ctl->lib_err = fusebpf_mount(se, mnt, &opts, &m);
	if (ctl->lib_err)
		goto out;
	__atomic_store_n(&ctl->lib_dev, fuse_session_fd(se), __ATOMIC_RELEASE);
	if (st->flags & TD_MT)
		err = fusebpf_session_loop_mt(se, &td_loop_ops, st, 4);
	else
		err = fusebpf_session_loop(se, &td_loop_ops, st);
	err = fusebpf_unmount(m) || err;
	fusebpf_filter_close(opts.filter);
	return err;
out:
	fusebpf_filter_close(opts.filter);
	__atomic_store_n(&ctl->lib_dev, -1, __ATOMIC_RELEASE);
	return 1;
}

/* The daemon process: serve @backing on the mounted device @fd. */
static int td_serve(int fd, const char *backing, const char *mnt,
		    unsigned int flags, unsigned long *count,
		    struct td_ctl *ctl)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct td_state *st = calloc(1, sizeof(*st));
	struct fuse_session *se;
	char dev[32];
	int err;

	if (!st)
		return 1;
	st->flags = flags;
	st->count = count;
	st->ctl = flags & TD_BPF ? ctl : NULL;
	pthread_mutex_init(&st->lock, NULL);
	st->root.fd = open(backing, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (st->root.fd < 0 || fuse_opt_add_arg(&args, "test_daemon"))
		return 1;
	se = fuse_session_new(&args, &td_ops, sizeof(td_ops), st);
	fuse_opt_free_args(&args);
	if (!se)
		return 1;
	st->se = se;
	snprintf(dev, sizeof(dev), "/dev/fd/%d", fd);
	if (flags & TD_LIB)
		err = td_serve_lib(se, st, backing, mnt, ctl);
	else
		err = fuse_session_mount(se, dev) ||
		      fusebpf_session_loop(se, &td_loop_ops, st);
	fuse_session_destroy(se);
	return err;
}

/**
 * td_mount_options() - the mount(2) data of a FUSE mount on device @fd
 * @buf: where to write them
 * @size: size of @buf
 * @fd: the open /dev/fuse-bpf (or /dev/fuse)
 *
 * Return: what snprintf() returns.
 */
int td_mount_options(char *buf, size_t size, int fd)
{
	return snprintf(buf, size, "fd=%d,rootmode=40000,user_id=%u,group_id=%u",
			fd, getuid(), getgid());
}

/* The shared counters and td_ctl, set as td_start() documents. */
static int td_setup(struct test_daemon *td)
{
	memset(td, 0, sizeof(*td));
	td->count = mmap(NULL, TD_OPCODES * sizeof(*td->count) +
			 sizeof(*td->ctl), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (td->count == MAP_FAILED)
		return -1;
	td->ctl = (struct td_ctl *)(td->count + TD_OPCODES);
	td->ctl->ext_len = sizeof(td->ctl->ext);
	td->ctl->ext.backing_action = FUSE_BPF_BACKING_ID;
	td->ctl->ext.ops_action = FUSE_BPF_OPS_REMOVE;
	td->ctl->register_backing = 1;
	return 0;
}

/*
 * TD_LIB: start the daemon, which mounts with fusebpf_mount(), and wait
 * for its mount.
 */
static int td_start_forked(struct test_daemon *td, const char *backing,
			   const char *mnt, unsigned int flags)
{
	struct stat s;
	int err, dev;

	td->ctl->lib_dev = 0;
	td->pid = fork();
	if (!td->pid)
		_exit(td_serve(-1, backing, mnt, flags, td->count, td->ctl));
	if (td->pid < 0)
		return -1;
	WAIT_UNTIL((dev = __atomic_load_n(&td->ctl->lib_dev,
					  __ATOMIC_ACQUIRE)) != 0);
	if (dev <= 0) {
		err = td->ctl->lib_err ? -td->ctl->lib_err : ETIMEDOUT;
		td_stop(td);
		errno = err;
		return -1;
	}
	td->dev = dev;
	snprintf(td->mnt, sizeof(td->mnt), "%s", mnt);
	if (stat(mnt, &s)) {
		err = errno;
		td_stop(td);
		errno = err;
		return -1;
	}
	td_reset(td);
	return 0;
}

/**
 * td_start_lib() - start a daemon that mounts with libfusebpf
 * @td: the daemon, filled in
 * @backing: the backing directory
 * @mnt: the mount point
 * @flags: enum td_flags; TD_LIB is implied
 * @filter: an object file whose filters fusebpf_mount() registers, or NULL
 * @root_filter: the instance that filters the backed root, or NULL; with
 *	@root_filter or TD_LIB_ROOT, @backing is the backed root
 *
 * Return: 0, or -1 with errno set (fusebpf_mount()'s error, the daemon's).
 */
int td_start_lib(struct test_daemon *td, const char *backing,
		 const char *mnt, unsigned int flags, const char *filter,
		 const char *root_filter)
{
	if (td_setup(td))
		return -1;
	if (filter)
		snprintf(td->ctl->lib_filter, sizeof(td->ctl->lib_filter),
			 "%s", filter);
	if (root_filter)
		snprintf(td->ctl->lib_root_filter,
			 sizeof(td->ctl->lib_root_filter), "%s", root_filter);
	td->ctl->lib_root = root_filter || (flags & TD_LIB_ROOT);
	return td_start_forked(td, backing, mnt, flags | TD_LIB);
}

/**
 * td_start() - mount @backing on @mnt and start a daemon serving it
 * @td: the daemon, filled in
 * @backing: the backing directory
 * @mnt: the mount point
 * @flags: enum td_flags
 *
 * Returns once the mount answers, with the counters at zero.
 *
 * Return: 0, or -1 with errno set.
 */
int td_start(struct test_daemon *td, const char *backing, const char *mnt,
	     unsigned int flags)
{
	const char *dev = flags & TD_STOCK ? "/dev/fuse" : FUSE_BPF_DEVICE;
	const char *type = flags & TD_STOCK ? "fuse.test" : FUSE_BPF_FSTYPE ".test";
	char opts[160];
	struct stat s;
	int fd, err;

	if (td_setup(td))
		return -1;
	if (flags & TD_LIB)
		return td_start_forked(td, backing, mnt, flags);
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	td_mount_options(opts, sizeof(opts), fd);
	/* other users, for the tests of who owns what */
	if (flags & TD_BPF)
		strcat(opts, ",allow_other," FUSE_BPF_MOUNT_OPTION);
	if (mount("test", mnt, type, MS_NOSUID | MS_NODEV, opts)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	snprintf(td->mnt, sizeof(td->mnt), "%s", mnt);
	td->pid = fork();
	if (!td->pid) {
		if (flags & TD_CLOSE_FDS)
			for (int i = 3; i < 1024; i++)
				if (i != fd)
					close(i);
		_exit(td_serve(fd, backing, mnt, flags, td->count, td->ctl));
	}
	/* the same number in the daemon: see td_register() */
	td->dev = fd;
	close(fd);
	if (td->pid < 0 || stat(mnt, &s)) {
		err = errno;
		td_stop(td);
		errno = err;
		return -1;
	}
	td_reset(td);
	return 0;
}

/**
 * td_stop() - unmount and wait for the daemon to exit
 * @td: the daemon
 *
 * Also unmounts a mount whose daemon the test killed (td->pid 0), so
 * that no dead mount holds the module for the tests after. A daemon that
 * has not exited WAIT_SECS after the unmount is killed.
 *
 * Return: 0 if the daemon exited cleanly or was gone, -1 otherwise.
 */
int td_stop(struct test_daemon *td)
{
	int status = -1;

	if (td->mnt[0] && umount2(td->mnt, 0))
		umount2(td->mnt, MNT_DETACH);
	td->mnt[0] = '\0';
	if (td->pid <= 0)
		return 0;
	/* waitpid() answers 0 while the daemon runs */
	if (!WAIT_UNTIL(waitpid(td->pid, &status, WNOHANG) != 0)) {
		kill(td->pid, SIGKILL);
		waitpid(td->pid, &status, 0);
	}
	td->pid = 0;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/**
 * td_dev() - a copy of the daemon's descriptor of the connection
 * @td: the daemon
 *
 * The test loads its filters after the daemon forked, so that they go
 * with the test, and registers them on such a copy, which it closes: the
 * connection ends with the daemon, as without fuse-bpf.
 *
 * Return: the descriptor, or -1 with errno set.
 */
int td_dev(const struct test_daemon *td)
{
	int pidfd, dev, err;

	pidfd = syscall(SYS_pidfd_open, td->pid, 0);
	if (pidfd < 0)
		return -1;
	dev = syscall(SYS_pidfd_getfd, pidfd, td->dev, 0);
	err = errno;
	close(pidfd);
	errno = err;
	return dev;
}

/**
 * td_register() - register an attached fuse_ops instance for the mount
 * @td: the daemon
 * @link_fd: the descriptor of the instance's struct_ops link
 *
 * Return: 0, or -1 with errno set.
 */
int td_register(const struct test_daemon *td, int link_fd)
{
	int dev = td_dev(td), ret, err;
	__u32 fd = link_fd;

	if (dev < 0)
		return -1;
	ret = ioctl(dev, FUSE_BPF_DEV_IOC_FILTER, &fd);
	err = errno;
	close(dev);
	errno = err;
	return ret;
}

/**
 * td_register_skel() - register every instance a skeleton attached
 * @td: the daemon
 * @s: the skeleton, after its attach
 *
 * Return: 0, or -1 with errno set.
 */
int td_register_skel(const struct test_daemon *td,
		     const struct bpf_object_skeleton *s)
{
	static const struct fuse_lowlevel_ops none;
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fusebpf_filter *f;
	struct fuse_session *se;
	char path[32];
	int dev, err;

	f = fusebpf_filter_from_skeleton(s);
	if (!f)
		return -1;
	dev = td_dev(td);
	err = dev < 0 || fuse_opt_add_arg(&args, "test_daemon") ? -EIO : 0;
	/* a session of the test's own, whose descriptor is the copy */
	se = err ? NULL : fuse_session_new(&args, &none, sizeof(none), NULL);
	fuse_opt_free_args(&args);
	snprintf(path, sizeof(path), "/dev/fd/%d", dev);
	if (!se || fuse_session_mount(se, path)) {
		err = -EIO;
		if (dev >= 0)
			close(dev);
	} else {
		err = fusebpf_filter_register(se, f);
	}
	if (se)
		fuse_session_destroy(se);
	fusebpf_filter_close(f);
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}

unsigned long td_count(const struct test_daemon *td, unsigned int opcode)
{
	return __atomic_load_n(&td->count[opcode], __ATOMIC_RELAXED);
}

void td_reset(struct test_daemon *td)
{
	unsigned int i;

	for (i = 0; i < TD_OPCODES; i++)
		__atomic_store_n(&td->count[i], 0, __ATOMIC_RELAXED);
}

const char *td_opname(unsigned int opcode)
{
	return fusebpf_opname(opcode) ?: "?";
}
