// SPDX-License-Identifier: GPL-2.0
/*
 * fusebpf-passthrough: the FUSE low-level operations, for what a filter
 * forwards to the daemon (FUSE_BPF_USER) and for the nodes the daemon
 * made itself. Each one does the same on the backing directory with the
 * daemon's descriptors and answers as the backing did.
 *
 * Nodes are reached through their O_PATH descriptors (node.c); open
 * files and directories are descriptors of their own, kept in fi->fh.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>

#include "passthrough.h"
#include "fusebpf.h"

static struct pt_fs *pt_fs(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static void pt_set_timeouts(fuse_req_t req, struct fuse_entry_param *e)
{
	e->attr_timeout = pt_fs(req)->timeout;
	e->entry_timeout = pt_fs(req)->timeout;
}

static void pt_reply_errno(fuse_req_t req, int ret)
{
	fuse_reply_err(req, ret ? errno : 0);
}

/*
 * Reply to OPEN or OPENDIR with @fd, the descriptor just opened, or its
 * errno if it is -1; @fd is closed if the reply cannot go.
 */
static void pt_reply_open(fuse_req_t req, struct fuse_file_info *fi, int fd)
{
	if (fd < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	fi->fh = fd;
	if (fuse_reply_open(req, fi))
		close(fd);
}

/*
 * The entry of what the daemon made: a node the kernel does not back, for
 * a reply of FUSE_CREATE, MKNOD, MKDIR, SYMLINK or LINK has no room for a
 * fuse-bpf extension. Its entry times out at once, so that the next path
 * walk looks it up again: in a backed directory, the LOOKUP gives the
 * file's backed node, another node id, and the kernel drops the entry
 * for one of the backed node (what is open stays open). The backed
 * directory's filter thus decides what the daemon made, as the rest.
 */
static int pt_made_entry(fuse_req_t req, struct pt_node *parent,
			 const char *name, struct fuse_entry_param *e)
{
	int err = pt_node_lookup(&pt_fs(req)->nodes, parent, name, false, e);

	if (!err) {
		pt_set_timeouts(req, e);
		e->entry_timeout = 0;
	}
	return err;
}

/* Answer a request that made @name in @parent, or failed with -@err. */
static void pt_reply_made(fuse_req_t req, struct pt_node *parent,
			  const char *name, int err)
{
	struct fuse_entry_param e;

	if (!err)
		err = pt_made_entry(req, parent, name, &e);
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	if (fuse_reply_entry(req, &e))
		pt_node_forget(&pt_fs(req)->nodes, e.ino, 1);
}

/*
 * Give what the daemon just made as root to the caller, as the kernel
 * does for what it makes in a backed directory: the caller's fsuid, and
 * its fsgid unless @parent is set-group-ID. If that fails, the entry is
 * removed again.
 *
 * Return: 0 or a negative errno.
 */
static int pt_give_to_caller(fuse_req_t req, struct pt_node *parent,
			     const char *name, bool dir)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	gid_t gid = ctx->gid;
	struct stat st;
	int err;

	if (!pt_fs(req)->as_caller)
		return 0;
	if (!fstat(parent->fd, &st) && (st.st_mode & S_ISGID))
		gid = (gid_t)-1;
	if (!fchownat(parent->fd, name, ctx->uid, gid, AT_SYMLINK_NOFOLLOW))
		return 0;
	err = -errno;
	unlinkat(parent->fd, name, dir ? AT_REMOVEDIR : 0);
	return err;
}

static void pt_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	static const struct fusebpf_entry inherit = {
		.backing = FUSE_BPF_BACKING_PARENT,
		.filter = FUSE_BPF_OPS_INHERIT,
	};
	struct pt_node *p = pt_node(req, parent);
	struct fuse_entry_param e;
	int err;

	err = pt_node_lookup(&pt_fs(req)->nodes, p, name, p->backed, &e);
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	pt_set_timeouts(req, &e);
	/*
	 * A filter sent the lookup here: the node stays backed by the
	 * entry of the same name in the parent's backing directory, under
	 * the parent's filter, which decides its operations as before.
	 */
	if (p->backed)
		err = fusebpf_reply_entry(req, &e, &inherit);
	else
		err = fuse_reply_entry(req, &e);
	if (err)
		pt_node_forget(&pt_fs(req)->nodes, e.ino, 1);
}

static void pt_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	pt_node_forget(&pt_fs(req)->nodes, ino, nlookup);
	fuse_reply_none(req);
}

static void pt_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *forgets)
{
	size_t i;

	for (i = 0; i < count; i++)
		pt_node_forget(&pt_fs(req)->nodes, forgets[i].ino,
			       forgets[i].nlookup);
	fuse_reply_none(req);
}

static void pt_reply_attr(fuse_req_t req, struct pt_node *n)
{
	struct stat st;

	if (fstatat(n->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		fuse_reply_err(req, errno);
	else
		fuse_reply_attr(req, &st, pt_fs(req)->timeout);
}

static void pt_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	pt_reply_attr(req, pt_node(req, ino));
}

static int pt_utimens(const char *path, const struct stat *attr, int set)
{
	struct timespec ts[2] = {
		{ .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT },
	};

	if (set & FUSE_SET_ATTR_ATIME_NOW)
		ts[0].tv_nsec = UTIME_NOW;
	else if (set & FUSE_SET_ATTR_ATIME)
		ts[0] = attr->st_atim;
	if (set & FUSE_SET_ATTR_MTIME_NOW)
		ts[1].tv_nsec = UTIME_NOW;
	else if (set & FUSE_SET_ATTR_MTIME)
		ts[1] = attr->st_mtim;
	return utimensat(AT_FDCWD, path, ts, 0);
}

static int pt_do_setattr(struct pt_node *n, struct stat *attr, int set,
			 struct fuse_file_info *fi)
{
	uid_t uid = set & FUSE_SET_ATTR_UID ? attr->st_uid : (uid_t)-1;
	gid_t gid = set & FUSE_SET_ATTR_GID ? attr->st_gid : (gid_t)-1;
	char path[32];

	pt_fd_path(path, sizeof(path), n->fd);
	if ((set & FUSE_SET_ATTR_MODE) && chmod(path, attr->st_mode))
		return -errno;
	if ((set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) &&
	    fchownat(n->fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (set & FUSE_SET_ATTR_SIZE) {
		if (fi ? ftruncate(fi->fh, attr->st_size) :
			 truncate(path, attr->st_size))
			return -errno;
	}
	if ((set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) &&
	    pt_utimens(path, attr, set))
		return -errno;
	return 0;
}

static void pt_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int set, struct fuse_file_info *fi)
{
	struct pt_node *n = pt_node(req, ino);
	int err = pt_do_setattr(n, attr, set, fi);

	if (err)
		fuse_reply_err(req, -err);
	else
		pt_reply_attr(req, n);
}

static void pt_readlink(fuse_req_t req, fuse_ino_t ino)
{
	char buf[PATH_MAX + 1];
	ssize_t len;

	len = readlinkat(pt_node(req, ino)->fd, "", buf, sizeof(buf));
	if (len < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	if (len > PATH_MAX) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	buf[len] = '\0';
	fuse_reply_readlink(req, buf);
}

static void pt_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	struct pt_node *p = pt_node(req, parent);
	int err = mknodat(p->fd, name, mode, rdev) ? -errno : 0;

	if (!err)
		err = pt_give_to_caller(req, p, name, false);
	pt_reply_made(req, p, name, err);
}

static void pt_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	struct pt_node *p = pt_node(req, parent);
	int err = mkdirat(p->fd, name, mode) ? -errno : 0;

	if (!err)
		err = pt_give_to_caller(req, p, name, true);
	pt_reply_made(req, p, name, err);
}

static void pt_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	struct pt_node *p = pt_node(req, parent);
	int err = symlinkat(link, p->fd, name) ? -errno : 0;

	if (!err)
		err = pt_give_to_caller(req, p, name, false);
	pt_reply_made(req, p, name, err);
}

static void pt_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	struct pt_node *p = pt_node(req, newparent);
	char path[32];
	int err;

	pt_fd_path(path, sizeof(path), pt_node(req, ino)->fd);
	err = linkat(AT_FDCWD, path, p->fd, newname, AT_SYMLINK_FOLLOW);
	pt_reply_made(req, p, newname, err ? -errno : 0);
}

static void pt_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	pt_reply_errno(req, unlinkat(pt_node(req, parent)->fd, name, 0));
}

static void pt_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	pt_reply_errno(req, unlinkat(pt_node(req, parent)->fd, name,
				     AT_REMOVEDIR));
}

static void pt_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	pt_reply_errno(req, renameat2(pt_node(req, parent)->fd, name,
				      pt_node(req, newparent)->fd, newname,
				      flags));
}

/*
 * The flags of the daemon's own descriptor of an open file: its reads
 * and writes go through libfuse's buffers, which are not aligned for
 * O_DIRECT; the node is the file itself, whatever it is, and never a
 * controlling tty; a create says O_CREAT and O_EXCL itself.
 */
static int pt_open_flags(int flags)
{
	return (flags & ~(O_DIRECT | O_CREAT | O_EXCL | O_NOCTTY |
			  O_NOFOLLOW)) | O_CLOEXEC;
}

static void pt_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	char path[32];

	pt_fd_path(path, sizeof(path), pt_node(req, ino)->fd);
	pt_reply_open(req, fi, open(path, pt_open_flags(fi->flags)));
}

static void pt_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	struct pt_node *p = pt_node(req, parent);
	struct fuse_entry_param e;
	int fd, err;

	fd = openat(p->fd, name, pt_open_flags(fi->flags) | O_CREAT |
		    (fi->flags & O_EXCL), mode);
	if (fd < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	err = pt_give_to_caller(req, p, name, false) ?:
	      pt_made_entry(req, p, name, &e);
	if (err) {
		close(fd);
		fuse_reply_err(req, -err);
		return;
	}
	fi->fh = fd;
	if (fuse_reply_create(req, &e, fi)) {
		close(fd);
		pt_node_forget(&pt_fs(req)->nodes, e.ino, 1);
	}
}

static void pt_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);

	buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	buf.buf[0].fd = fi->fh;
	buf.buf[0].pos = off;
	fuse_reply_data(req, &buf, 0);
}

static void pt_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	ssize_t n = pwrite(fi->fh, buf, size, off);

	if (n < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_write(req, n);
}

static void pt_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	/* what close() of the caller's file would do to the backing file */
	int fd = dup(fi->fh);

	pt_reply_errno(req, fd < 0 ? -1 : close(fd));
}

/* RELEASE and RELEASEDIR: the descriptor of open or opendir goes */
static void pt_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	close(fi->fh);
	fuse_reply_err(req, 0);
}

/* FSYNC and FSYNCDIR, on the descriptor of open or opendir */
static void pt_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	pt_reply_errno(req, datasync ? fdatasync(fi->fh) : fsync(fi->fh));
}

static void pt_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	pt_reply_open(req, fi, openat(pt_node(req, ino)->fd, ".",
				      O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

/*
 * Fill @out with the entries of the directory @fd from offset @off on,
 * as many as fit in @size bytes: the entries read that did not fit are
 * read again by the next call, which starts at its own offset.
 *
 * Return: the bytes used, or a negative errno if none could be.
 */
static ssize_t pt_fill_dir(fuse_req_t req, int fd, char *out, size_t size,
			   off_t off)
{
	uint64_t in[1024];
	size_t used = 0, len;
	struct stat st = {};
	ssize_t n, pos;

	if (lseek(fd, off, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		n = getdents64(fd, in, sizeof(in));
		if (n < 0)
			return used ? (ssize_t)used : -errno;
		if (!n)
			return used;
		for (pos = 0; pos < n;) {
			struct dirent64 *d = (void *)((char *)in + pos);

			st.st_ino = d->d_ino;
			st.st_mode = DTTOIF(d->d_type);
			len = fuse_add_direntry(req, out + used, size - used,
						d->d_name, &st, d->d_off);
			if (len > size - used)
				return used;
			used += len;
			pos += d->d_reclen;
		}
	}
}

static void pt_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	char *out = malloc(size);
	ssize_t used;

	if (!out) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	used = pt_fill_dir(req, fi->fh, out, size, off);
	if (used < 0)
		fuse_reply_err(req, -used);
	else
		fuse_reply_buf(req, out, used);
	free(out);
}

static void pt_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;

	if (fstatvfs(pt_node(req, ino)->fd, &sv))
		fuse_reply_err(req, errno);
	else
		fuse_reply_statfs(req, &sv);
}

/*
 * Extended attributes go through the /proc path of the node, which an
 * O_PATH descriptor needs; a symlink's would be its target's, so a
 * symlink has none here.
 */
static bool pt_xattr_path(fuse_req_t req, fuse_ino_t ino, char *path,
			  size_t size)
{
	struct pt_node *n = pt_node(req, ino);
	struct stat st;

	if (fstatat(n->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		fuse_reply_err(req, errno);
		return false;
	}
	if (S_ISLNK(st.st_mode)) {
		fuse_reply_err(req, ENOTSUP);
		return false;
	}
	pt_fd_path(path, size, n->fd);
	return true;
}

/* Answer a getxattr or listxattr of @size bytes: the size, or the value. */
static void pt_reply_xattr(fuse_req_t req, size_t size,
			   ssize_t (*get)(const char *, const char *,
					  char *, size_t),
			   const char *path, const char *name)
{
	char *buf = NULL;
	ssize_t n;

	if (size) {
		buf = malloc(size);
		if (!buf) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
	}
	n = get(path, name, buf, size);
	if (n < 0)
		fuse_reply_err(req, errno);
	else if (!size)
		fuse_reply_xattr(req, n);
	else
		fuse_reply_buf(req, buf, n);
	free(buf);
}

static ssize_t pt_get(const char *path, const char *name, char *buf,
		      size_t size)
{
	return getxattr(path, name, buf, size);
}

static ssize_t pt_list(const char *path, const char *name, char *buf,
		       size_t size)
{
	return listxattr(path, buf, size);
}

static void pt_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	char path[32];

	if (pt_xattr_path(req, ino, path, sizeof(path)))
		pt_reply_xattr(req, size, pt_get, path, name);
}

static void pt_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	char path[32];

	if (pt_xattr_path(req, ino, path, sizeof(path)))
		pt_reply_xattr(req, size, pt_list, path, NULL);
}

static void pt_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			const char *value, size_t size, int flags)
{
	char path[32];

	if (pt_xattr_path(req, ino, path, sizeof(path)))
		pt_reply_errno(req, setxattr(path, name, value, size, flags));
}

static void pt_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	char path[32];

	if (pt_xattr_path(req, ino, path, sizeof(path)))
		pt_reply_errno(req, removexattr(path, name));
}

static void pt_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	char path[32];

	pt_fd_path(path, sizeof(path), pt_node(req, ino)->fd);
	pt_reply_errno(req, faccessat(AT_FDCWD, path, mask, AT_EACCESS));
}

static void pt_fallocate(fuse_req_t req, fuse_ino_t ino, int mode,
			 off_t offset, off_t length,
			 struct fuse_file_info *fi)
{
	pt_reply_errno(req, fallocate(fi->fh, mode, offset, length));
}

static void pt_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		     struct fuse_file_info *fi)
{
	off_t res = lseek(fi->fh, off, whence);

	if (res < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_lseek(req, res);
}

static void pt_copy_file_range(fuse_req_t req, fuse_ino_t ino_in,
			       off_t off_in, struct fuse_file_info *fi_in,
			       fuse_ino_t ino_out, off_t off_out,
			       struct fuse_file_info *fi_out, size_t len,
			       int flags)
{
	ssize_t n = copy_file_range(fi_in->fh, &off_in, fi_out->fh, &off_out,
				    len, flags);

	if (n < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_write(req, n);
}

const struct fuse_lowlevel_ops pt_ops = {
	.lookup		= pt_lookup,
	.forget		= pt_forget,
	.forget_multi	= pt_forget_multi,
	.getattr	= pt_getattr,
	.setattr	= pt_setattr,
	.readlink	= pt_readlink,
	.mknod		= pt_mknod,
	.mkdir		= pt_mkdir,
	.symlink	= pt_symlink,
	.link		= pt_link,
	.unlink		= pt_unlink,
	.rmdir		= pt_rmdir,
	.rename		= pt_rename,
	.open		= pt_open,
	.create		= pt_create,
	.read		= pt_read,
	.write		= pt_write,
	.flush		= pt_flush,
	.release	= pt_release,
	.fsync		= pt_fsync,
	.opendir	= pt_opendir,
	.readdir	= pt_readdir,
	.releasedir	= pt_release,
	.fsyncdir	= pt_fsync,
	.statfs		= pt_statfs,
	.setxattr	= pt_setxattr,
	.getxattr	= pt_getxattr,
	.listxattr	= pt_listxattr,
	.removexattr	= pt_removexattr,
	.access		= pt_access,
	.fallocate	= pt_fallocate,
	.lseek		= pt_lseek,
	.copy_file_range = pt_copy_file_range,
};
