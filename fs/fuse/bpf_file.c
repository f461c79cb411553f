// SPDX-License-Identifier: GPL-2.0
/*
 * fuse-bpf: file operations of backed inodes.
 *
 * Opening a backed inode opens its backing file (backing_file_open(), with
 * the backing's credentials), kept in fuse_file->bpf_backing; FUSE_OPEN
 * goes to the daemon only if the open prefilter says so. read_iter and
 * write_iter run prefilter -> backing or daemon -> postfilter, both
 * synchronously and as AIO; splice and mmap take the same decisions.
 */

#include "fuse_i.h"

#include <linux/backing-file.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/splice.h>
#include <linux/uio.h>

/*
 * An asynchronous backing read or write: a clone of the caller's kiocb
 * that pins the backing file, and what the postfilter needs at completion.
 * One reference for the submitter, one for the completion.
 */
struct fuse_bpf_aio {
	struct kiocb iocb;
	refcount_t ref;
	struct kiocb *orig_iocb;
	struct fuse_bpf_filter *filter;
	struct fuse_bpf_meta meta;
	union {
		struct fuse_read_in read;
		struct fuse_write_in write;
	} in;
	int action;
	long res;
	struct work_struct work;
};

static struct kmem_cache *fuse_bpf_aio_cachep;
static struct workqueue_struct *fuse_bpf_wq;

/*
 * FUSE's file operations for backed files: poll and remap_file_range are
 * the backing's. [0] has no poll, for backings that have none: their
 * readiness is the backing's, always ready. A ->poll makes io_uring arm a
 * poll for a write it cannot issue without blocking (buffered, no
 * FOP_BUFFER_WASYNC), find it ready at once and retry it without blocking
 * again, over and over, before punting it to a worker.
 */
static struct file_operations fuse_bpf_file_operations[2] __ro_after_init;

#define FUSE_BPF_IOCB_MASK \
	(IOCB_NOWAIT | IOCB_HIPRI | IOCB_DSYNC | IOCB_SYNC | IOCB_APPEND)

static rwf_t fuse_bpf_rwf(int ki_flags)
{
	return (__force rwf_t)(ki_flags & FUSE_BPF_IOCB_MASK);
}

/* What fcntl(F_SETFL) may change on an open file, as fs/fcntl.c's SETFL_MASK */
#define FUSE_BPF_SETFL_MASK (O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | \
			     O_NOATIME)

/*
 * The backing file of a backed file, with the flags F_SETFL changed on
 * @file since: the backing's own I/O (its kiocbs, its O_APPEND) follows
 * them. O_DIRECT reaches a backing that can do it; read_iter and
 * write_iter refuse it on one that cannot.
 */
static struct file *fuse_bpf_backing_file(struct file *file)
{
	struct fuse_file *ff = file->private_data;
	struct file *backing = ff->bpf_backing;
	unsigned int mask = FUSE_BPF_SETFL_MASK, flags;

	if (!(backing->f_mode & FMODE_CAN_ODIRECT))
		mask &= ~O_DIRECT;
	if (!((READ_ONCE(file->f_flags) ^ READ_ONCE(backing->f_flags)) & mask))
		return backing;
	spin_lock(&backing->f_lock);
	flags = READ_ONCE(file->f_flags) & mask;
	backing->f_flags = (backing->f_flags & ~mask) | flags;
	backing->f_iocb_flags = iocb_flags(backing);
	spin_unlock(&backing->f_lock);
	return backing;
}

/**
 * fuse_bpf_open - open a backed regular file
 * @inode: the inode
 * @file: the file being opened
 * @res: the result, if this returns true
 *
 * Return: false if @inode is not backed.
 */
bool fuse_bpf_open(struct inode *inode, struct file *file, int *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_mount *fm = get_fuse_mount(inode);
	struct fuse_open_in in = {};
	struct fuse_bpf_meta meta;
	struct fuse_file *ff;
	struct file *backing;
	int ret;

	if (!fbi)
		return false;
	*res = generic_file_open(inode, file);
	if (*res)
		return true;

	fuse_bpf_meta_init(&meta, inode, FUSE_OPEN);
	in.flags = file->f_flags & ~(O_CREAT | O_EXCL | O_NOCTTY);
	ret = fuse_bpf_pre(fbi, open, inode, &meta, &in);
	*res = ret;
	if (ret < 0)
		return true;

	if (ret == FUSE_BPF_USER)
		ff = fuse_file_open(fm, get_node_id(inode), file->f_flags,
				    false);
	else
		ff = fuse_file_alloc(fm, false) ?: ERR_PTR(-ENOMEM);
	if (IS_ERR(ff)) {
		*res = PTR_ERR(ff);
		return true;
	}
	ff->nodeid = get_node_id(inode);
	/*
	 * What goes to the daemon bypasses FUSE's page cache, and the file's
	 * backing is its inode's, whatever passthrough the daemon asked for.
	 * A stream has no position, which the backing's I/O needs (as
	 * upstream passthrough refuses it). The daemon's other flags stand.
	 */
	ff->open_flags &= ~(FOPEN_PASSTHROUGH | FOPEN_STREAM);
	ff->open_flags |= FOPEN_DIRECT_IO;
	file->private_data = ff;

	/* O_TRUNC is the VFS's, after open: setattr, fuse_bpf_setattr() */
	backing = backing_file_open(file, file->f_flags &
				    ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC),
				    &fbi->path, fbi->cred);
	*res = PTR_ERR_OR_ZERO(backing);
	if (!*res) {
		ff->bpf_backing = backing;
		/*
		 * Nothing but the backing and the daemon can block, and a
		 * read or write that needs the daemon refuses IOCB_NOWAIT
		 * (fuse_bpf_rw_decide(), fuse_bpf_write_iter()): the backing
		 * says whether io_uring issues in line rather than in a
		 * worker. Not when the backing can poll: io_uring would
		 * wait for it to be ready and ask the filter again, each
		 * time it is.
		 */
		if (!fbi->filter || !file_can_poll(backing))
			file->f_mode |= backing->f_mode & FMODE_NOWAIT;
		/* same owner: the module reference of the open covers it */
		file->f_op = &fuse_bpf_file_operations[file_can_poll(backing)];
	}

	*res = fuse_bpf_post(fbi->filter, open, ret, inode, *res, &meta, &in);
	if (*res) {
		if (ff->bpf_backing)
			fput(ff->bpf_backing);
		ff->bpf_backing = NULL;
		fuse_sync_release(get_fuse_inode(inode), ff, file->f_flags);
		file->private_data = NULL;
	} else if (ff->open_flags & FOPEN_NONSEEKABLE) {
		/* as fuse_finish_open() */
		nonseekable_open(inode, file);
	}
	fuse_bpf_copyattr(inode);
	return true;
}

/**
 * fuse_bpf_file_release - drop the backing file of a backed file or dir
 * @file: the file being released
 *
 * The rest of the release is FUSE's own: FUSE_RELEASE goes to the daemon
 * if FUSE_OPEN went.
 */
void fuse_bpf_file_release(struct file *file)
{
	struct fuse_file *ff = file->private_data;
	struct inode *inode = file_inode(file);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_release_in in = {};
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi || !ff->bpf_backing)
		return;
	in.fh = ff->fh;
	in.flags = file->f_flags;
	if (S_ISDIR(inode->i_mode)) {
		fuse_bpf_meta_init(&meta, inode, FUSE_RELEASEDIR);
		ret = fuse_bpf_prefilter(fbi, releasedir, &meta, &in);
	} else {
		fuse_bpf_meta_init(&meta, inode, FUSE_RELEASE);
		ret = fuse_bpf_prefilter(fbi, release, &meta, &in);
	}
	fput(ff->bpf_backing);
	ff->bpf_backing = NULL;
	if (S_ISDIR(inode->i_mode))
		fuse_bpf_post(fbi->filter, releasedir, ret, inode, 0, &meta,
			      &in);
	else
		fuse_bpf_post(fbi->filter, release, ret, inode, 0, &meta, &in);
}

/*
 * The result a read or write of @iocb returns, after the postfilter. The
 * backing moved the position by @res; a postfilter that reports fewer
 * bytes moves it back, so that the caller goes on from where it was told
 * (after an error, the callers do not take the position). An append
 * cannot be told less than it wrote: the rest would be appended again.
 */
static s64 fuse_bpf_rw_post(struct kiocb *iocb, struct fuse_bpf_filter *f,
			    int action, const struct fuse_bpf_meta *meta,
			    const void *in, s64 res)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	s64 ret;

	/* a non-blocking try the backing refused is retried or given up */
	if ((iocb->ki_flags & IOCB_NOWAIT) &&
	    (res == -EAGAIN || res == -EOPNOTSUPP))
		return res;
	if (meta->opcode == FUSE_WRITE) {
		fuse_bpf_copyattr(inode);
		ret = fuse_bpf_post(f, write_iter, action, inode, res, meta,
				    (const struct fuse_write_in *)in);
	} else {
		ret = fuse_bpf_post(f, read_iter, action, inode, res, meta,
				    (const struct fuse_read_in *)in);
	}
	if (ret >= 0 && ret < res && (iocb->ki_flags & IOCB_APPEND) &&
	    meta->opcode == FUSE_WRITE)
		ret = -EIO;
	if (ret >= 0 && ret < res)
		iocb->ki_pos -= res - ret;
	return ret;
}

static void fuse_bpf_aio_put(struct fuse_bpf_aio *aio)
{
	if (!refcount_dec_and_test(&aio->ref))
		return;
	fput(aio->iocb.ki_filp);
	fuse_bpf_filter_put(aio->filter);
	kmem_cache_free(fuse_bpf_aio_cachep, aio);
}

static long fuse_bpf_aio_finish(struct fuse_bpf_aio *aio, long res)
{
	struct kiocb *orig = aio->orig_iocb;

	orig->ki_pos = aio->iocb.ki_pos;
	return fuse_bpf_rw_post(orig, aio->filter, aio->action, &aio->meta,
				&aio->in, res);
}

static void fuse_bpf_aio_done(struct fuse_bpf_aio *aio, long res)
{
	struct kiocb *orig = aio->orig_iocb;

	if (aio->iocb.ki_flags & IOCB_WRITE)
		kiocb_end_write(&aio->iocb);
	res = fuse_bpf_aio_finish(aio, res);
	fuse_bpf_aio_put(aio);
	orig->ki_complete(orig, res);
}

static void fuse_bpf_aio_work(struct work_struct *work)
{
	struct fuse_bpf_aio *aio = container_of(work, struct fuse_bpf_aio,
					       work);

	fuse_bpf_aio_done(aio, aio->res);
}

/*
 * Completion of the backing I/O, maybe in interrupt context: writes (to
 * serialize the size and time updates) and filtered I/O (the registry
 * entry is put under a mutex) finish on a workqueue. Nothing there waits
 * for a daemon: I/O with a daemon postfilter is never queued.
 */
static void fuse_bpf_aio_complete(struct kiocb *iocb, long res)
{
	struct fuse_bpf_aio *aio = container_of(iocb, struct fuse_bpf_aio,
					       iocb);

	if (!(iocb->ki_flags & IOCB_WRITE) && !aio->filter) {
		fuse_bpf_aio_done(aio, res);
		return;
	}
	aio->res = res;
	INIT_WORK(&aio->work, fuse_bpf_aio_work);
	queue_work(fuse_bpf_wq, &aio->work);
}

/*
 * The backing read or write of @iocb. Synchronous calls and buffered I/O
 * return their postfiltered result; asynchronous direct I/O returns
 * -EIOCBQUEUED and completes with it, or returns it at once if the backing
 * did not queue.
 */
static ssize_t fuse_bpf_rw_backing(struct kiocb *iocb, struct iov_iter *iter,
				   struct fuse_bpf_inode *fbi, int action,
				   const struct fuse_bpf_meta *meta,
				   const void *in)
{
	struct file *backing = fuse_bpf_backing_file(iocb->ki_filp);
	bool write = meta->opcode == FUSE_WRITE;
	const struct cred *old_cred;
	struct fuse_bpf_aio *aio;
	ssize_t ret, res;

	if (iocb->ki_flags & IOCB_DIRECT &&
	    !(backing->f_mode & FMODE_CAN_ODIRECT))
		return -EINVAL;

	/*
	 * io_uring checked that the FUSE file system is not frozen, not
	 * that the backing's is, whose freeze vfs_iter_write() and
	 * kiocb_start_write() wait for: -EAGAIN (a freeze that begins
	 * after this check is still waited for).
	 */
	if (write && (iocb->ki_flags & IOCB_NOWAIT)) {
		struct super_block *sb = file_inode(backing)->i_sb;

		if (!sb_start_write_trylock(sb))
			return -EAGAIN;
		sb_end_write(sb);
	}

	old_cred = override_creds(fbi->cred);
	/*
	 * Buffered I/O completes within the call (the FUSE file does not
	 * offer FMODE_BUF_RASYNC), so it needs no clone of an async kiocb.
	 * Nor does I/O whose result goes to the daemon: its request is sent
	 * and waited for by the submitter, with its ids, killable and ended
	 * by an abort of its own connection, never from a shared worker.
	 */
	if (is_sync_kiocb(iocb) || !(iocb->ki_flags & IOCB_DIRECT) ||
	    action == FUSE_BPF_USER_POSTFILTER) {
		if (write)
			ret = vfs_iter_write(backing, iter, &iocb->ki_pos,
					     fuse_bpf_rwf(iocb->ki_flags));
		else
			ret = vfs_iter_read(backing, iter, &iocb->ki_pos,
					    fuse_bpf_rwf(iocb->ki_flags));
		revert_creds(old_cred);
		res = fuse_bpf_rw_post(iocb, fbi->filter, action, meta, in,
				       ret);
		if (res >= 0 && res < ret)
			iov_iter_revert(iter, ret - res);
		return res;
	}

	ret = -ENOMEM;
	aio = kmem_cache_zalloc(fuse_bpf_aio_cachep, GFP_KERNEL);
	if (!aio)
		goto out;
	aio->orig_iocb = iocb;
	aio->filter = fuse_bpf_filter_dup(fbi->filter);
	aio->meta = *meta;
	memcpy(&aio->in, in, write ? sizeof(aio->in.write) :
				     sizeof(aio->in.read));
	aio->action = action;
	kiocb_clone(&aio->iocb, iocb, get_file(backing));
	aio->iocb.ki_flags &= ~FUSE_BPF_IOCB_CALLER_COMP;
	aio->iocb.ki_complete = fuse_bpf_aio_complete;
	refcount_set(&aio->ref, 2);
	if (write)
		ret = vfs_iocb_iter_write(backing, &aio->iocb, iter);
	else
		ret = vfs_iocb_iter_read(backing, &aio->iocb, iter);
	if (ret != -EIOCBQUEUED) {
		/* no completion will come: drop its reference too */
		fuse_bpf_aio_put(aio);
		ret = fuse_bpf_aio_finish(aio, ret);
	}
	fuse_bpf_aio_put(aio);
out:
	revert_creds(old_cred);
	return ret;
}

/*
 * What a read or write does after its BPF prefilter said @ret, as
 * fuse_bpf_pre(). An answer that needs the daemon would block: under
 * IOCB_NOWAIT it is -EAGAIN before anything is sent, and io_uring issues
 * the I/O again from its worker, where the prefilter runs again.
 */
static int fuse_bpf_rw_decide(struct kiocb *iocb, int ret,
			      const struct fuse_bpf_meta *meta, void *in,
			      size_t size)
{
	if (ret != FUSE_BPF_USER && ret != FUSE_BPF_USER_PREFILTER &&
	    ret != FUSE_BPF_USER_POSTFILTER)
		return ret;
	if (iocb->ki_flags & IOCB_NOWAIT)
		return -EAGAIN;
	if (ret == FUSE_BPF_USER_PREFILTER)
		ret = fuse_bpf_user_prefilter(file_inode(iocb->ki_filp),
					      meta->opcode, in, size);
	return ret;
}

/* The fuse_read_in or fuse_write_in a filter sees for @iocb. */
#define fuse_bpf_rw_in(in, iocb, count)					\
	do {								\
		(in)->fh = ((struct fuse_file *)(iocb)->ki_filp->private_data)->fh; \
		(in)->offset = (iocb)->ki_pos;				\
		(in)->size = min_t(size_t, count, UINT_MAX);		\
		(in)->flags = (iocb)->ki_filp->f_flags;			\
	} while (0)

/**
 * fuse_bpf_read_iter - read from a backed file
 * @iocb: the caller's kiocb
 * @to: the destination
 * @res: the result, if this returns true
 *
 * A prefilter may shrink in->size; it cannot grow the read.
 *
 * Return: false if the read goes to the daemon.
 */
bool fuse_bpf_read_iter(struct kiocb *iocb, struct iov_iter *to,
			ssize_t *res)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	size_t count = iov_iter_count(to);
	struct fuse_read_in in = {};
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_meta_init(&meta, inode, FUSE_READ);
	fuse_bpf_rw_in(&in, iocb, count);
	ret = fuse_bpf_prefilter(fbi, read_iter, &meta, &in);
	ret = fuse_bpf_rw_decide(iocb, ret, &meta, &in, sizeof(in));
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	if (in.size < count)
		iov_iter_truncate(to, in.size);
	*res = fuse_bpf_rw_backing(iocb, to, fbi, ret, &meta, &in);
	iov_iter_reexpand(to, iov_iter_count(to) + count -
			  min_t(size_t, count, in.size));
	return true;
}

/**
 * fuse_bpf_write_iter - write to a backed file
 * @iocb: the caller's kiocb
 * @from: the source
 * @res: the result, if this returns true
 *
 * Like fuse_bpf_read_iter(); the FUSE inode takes the backing's size and
 * times after the write, and the write strips suid/sgid through setattr.
 * IOCB_NOWAIT never waits for the inode lock nor asks whether privileges
 * go: -EAGAIN.
 *
 * Return: false if the write goes to the daemon.
 */
bool fuse_bpf_write_iter(struct kiocb *iocb, struct iov_iter *from,
			 ssize_t *res)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	size_t count = iov_iter_count(from);
	struct fuse_write_in in = {};
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_meta_init(&meta, inode, FUSE_WRITE);
	fuse_bpf_rw_in(&in, iocb, count);
	ret = fuse_bpf_prefilter(fbi, write_iter, &meta, &in);
	ret = fuse_bpf_rw_decide(iocb, ret, &meta, &in, sizeof(in));
	if (ret == FUSE_BPF_USER) {
		/* FUSE checks O_APPEND and limits against this inode */
		fuse_bpf_copyattr(inode);
		return false;
	}
	*res = ret;
	if (ret < 0)
		return true;
	if (in.size < count)
		iov_iter_truncate(from, in.size);

	if (iocb->ki_flags & IOCB_NOWAIT) {
		*res = -EAGAIN;
		if (!inode_trylock(inode))
			goto out;
	} else {
		inode_lock(inode);
	}
	/*
	 * The caller, not the backing's credentials, decides whether suid,
	 * sgid and capabilities go; a backing inode that the VFS knows has
	 * none (S_NOSEC) spares the FUSE inode's xattr lookup, which may ask
	 * the daemon: IOCB_NOWAIT is told to retry blocking.
	 */
	*res = 0;
	if (!IS_NOSEC(d_inode(fbi->path.dentry)))
		*res = iocb->ki_flags & IOCB_NOWAIT ? -EAGAIN :
			file_remove_privs(iocb->ki_filp);
	if (!*res)
		*res = fuse_bpf_rw_backing(iocb, from, fbi, ret, &meta, &in);
	inode_unlock(inode);
out:
	iov_iter_reexpand(from, iov_iter_count(from) + count -
			  min_t(size_t, count, in.size));
	return true;
}

/**
 * fuse_bpf_splice_read - splice from a backed file
 * @in: the file
 * @ppos: position
 * @pipe: destination
 * @len: length
 * @flags: SPLICE_F_*
 * @res: the result, if this returns true
 *
 * Without a filter, straight from the backing file. With one, through
 * read_iter, so that the filter decides exactly as for read(2).
 *
 * Return: false if @in is not backed.
 */
bool fuse_bpf_splice_read(struct file *in, loff_t *ppos,
			  struct pipe_inode_info *pipe, size_t len,
			  unsigned int flags, ssize_t *res)
{
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(file_inode(in));
	const struct cred *old_cred;

	if (!fbi)
		return false;
	if (fbi->filter) {
		*res = copy_splice_read(in, ppos, pipe, len, flags);
		return true;
	}
	old_cred = override_creds(fbi->cred);
	*res = vfs_splice_read(fuse_bpf_backing_file(in), ppos, pipe, len,
			       flags);
	revert_creds(old_cred);
	return true;
}

/**
 * fuse_bpf_splice_write - splice to a backed file
 * @pipe: source
 * @out: the file
 * @ppos: position
 * @len: length
 * @flags: SPLICE_F_*
 * @res: the result, if this returns true
 *
 * From the pipe to the backing file (backing_file_splice_write()), under
 * the FUSE inode's lock, which is taken before the backing's freeze
 * protection and the pipe's, as setattr takes it before the backing's.
 * The write filters decide as for write(2); what they send to the daemon
 * is FUSE's own splice, through write_iter. Pipe buffers the backing took
 * are gone, so a postfilter cannot report fewer bytes than it wrote (EIO).
 *
 * Return: false if @out is not backed or the daemon writes.
 */
bool fuse_bpf_splice_write(struct pipe_inode_info *pipe, struct file *out,
			   loff_t *ppos, size_t len, unsigned int flags,
			   ssize_t *res)
{
	struct inode *inode = file_inode(out);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct backing_file_ctx ctx = {};
	struct fuse_write_in in = {
		.fh = ((struct fuse_file *)out->private_data)->fh,
		.offset = *ppos, .size = min_t(size_t, len, UINT_MAX),
		.flags = out->f_flags,
	};
	struct fuse_bpf_meta meta;
	s64 post;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_meta_init(&meta, inode, FUSE_WRITE);
	ret = fuse_bpf_pre(fbi, write_iter, inode, &meta, &in);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	ctx.cred = fbi->cred;
	fuse_bpf_ctx_user_file(&ctx, out);
	inode_lock(inode);
	*res = 0;
	if (!IS_NOSEC(d_inode(fbi->path.dentry)))
		*res = file_remove_privs(out);
	if (!*res)
		*res = fuse_bpf_splice_write_backing(pipe,
						     fuse_bpf_backing_file(out),
						     out, ppos,
						     min_t(size_t, len, in.size),
						     flags, &ctx);
	fuse_bpf_copyattr(inode);
	inode_unlock(inode);
	post = fuse_bpf_post(fbi->filter, write_iter, ret, inode, (s64)*res,
			     &meta, &in);
	*res = post >= 0 && post < *res ? -EIO : post;
	return true;
}

/**
 * fuse_bpf_mmap - map a backed file
 * @file: the file
 * @vma: the mapping
 * @res: the result, if this returns true
 *
 * The mapping is the backing file's, so mapped reads and writes reach the
 * backing directly. The read_iter (and, for shared writable mappings,
 * write_iter) prefilter decides first: an errno of either fails the mmap;
 * "user" from either leaves a private or read-only mapping to FUSE and
 * the daemon, as for any direct-I/O file, and fails a shared writable one
 * with ENODEV.
 *
 * Return: false if the mapping goes to FUSE.
 */
bool fuse_bpf_mmap(struct file *file, struct vm_area_struct *vma, int *res)
{
	struct inode *inode = file_inode(file);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct backing_file_ctx ctx = {};
	struct fuse_bpf_meta meta;
	bool shared_write = (vma->vm_flags & VM_SHARED) &&
			    (vma->vm_flags & VM_MAYWRITE);
	struct fuse_read_in rin = {};
	struct fuse_write_in win = {};
	int ret, wret;

	if (!fbi)
		return false;
	rin.offset = win.offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	rin.size = win.size = min_t(unsigned long,
				    vma->vm_end - vma->vm_start, UINT_MAX);
	rin.flags = win.flags = file->f_flags;
	fuse_bpf_meta_init(&meta, inode, FUSE_READ);
	ret = fuse_bpf_prefilter(fbi, read_iter, &meta, &rin);
	if (shared_write) {
		meta.opcode = FUSE_WRITE;
		wret = fuse_bpf_prefilter(fbi, write_iter, &meta, &win);
		/* a refusal of either refuses; the daemon of either, its */
		if (ret >= 0 && (wret < 0 || wret == FUSE_BPF_USER ||
				 wret == FUSE_BPF_USER_PREFILTER))
			ret = wret;
	}
	/*
	 * FUSE's own mapping of a direct-I/O file, through its page cache;
	 * not a shared writable one, whose pages FUSE would write back on
	 * a file whose writes, fsync included, are not its own.
	 */
	if (ret == FUSE_BPF_USER || ret == FUSE_BPF_USER_PREFILTER) {
		if (!shared_write)
			return false;
		ret = -ENODEV;
	}
	*res = ret;
	if (ret < 0)
		return true;
	ctx.cred = fbi->cred;
	fuse_bpf_ctx_user_file(&ctx, file);
	*res = backing_file_mmap(fuse_bpf_backing_file(file), vma, &ctx);
	return true;
}

/**
 * fuse_bpf_flush - flush a backed file
 * @file: the file
 * @id: the lock owner
 * @res: the result, if this returns true
 *
 * Return: false if the flush goes to the daemon.
 */
bool fuse_bpf_flush(struct file *file, fl_owner_t id, int *res)
{
	struct inode *inode = file_inode(file);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_file *ff = file->private_data;
	struct file *backing = ff->bpf_backing;
	struct fuse_flush_in in = { .fh = ff->fh };
	const struct cred *old_cred;
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_meta_init(&meta, inode, FUSE_FLUSH);
	ret = fuse_bpf_pre(fbi, flush, inode, &meta, &in);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	*res = 0;
	if (backing->f_op->flush) {
		old_cred = override_creds(fbi->cred);
		*res = backing->f_op->flush(backing, id);
		revert_creds(old_cred);
	}
	*res = fuse_bpf_post(fbi->filter, flush, ret, inode, *res, &meta, &in);
	return true;
}

/**
 * fuse_bpf_fsync - fsync a backed file or directory
 * @file: the file or directory, whose filter sees FUSE_FSYNC or
 *	FUSE_FSYNCDIR
 * @start: first byte
 * @end: last byte
 * @datasync: only the data
 * @res: the result, if this returns true
 *
 * Return: false if the fsync goes to the daemon.
 */
bool fuse_bpf_fsync(struct file *file, loff_t start, loff_t end,
		    int datasync, int *res)
{
	struct inode *inode = file_inode(file);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_file *ff = file->private_data;
	struct fuse_fsync_in in = { .fh = ff->fh };
	const struct cred *old_cred;
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi)
		return false;
	in.fsync_flags = datasync ? FUSE_FSYNC_FDATASYNC : 0;
	fuse_bpf_meta_init(&meta, inode, S_ISDIR(inode->i_mode) ?
			   FUSE_FSYNCDIR : FUSE_FSYNC);
	ret = fuse_bpf_pre(fbi, fsync, inode, &meta, &in);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	old_cred = override_creds(fbi->cred);
	*res = vfs_fsync_range(ff->bpf_backing, start, end, datasync);
	revert_creds(old_cred);
	fuse_bpf_copyattr(inode);
	*res = fuse_bpf_post(fbi->filter, fsync, ret, inode, *res, &meta, &in);
	return true;
}

/**
 * fuse_bpf_sync_fs - sync the backing file systems of a fuse-bpf mount
 * @sb: the FUSE super block, its s_umount held
 *
 * syncfs(2) of a fuse-bpf mount syncs each file system that backs one of
 * the inodes it has in memory, once, as overlayfs syncs its upper layer
 * (a backing whose FUSE inodes were all evicted is left to its own
 * writeback). The caller holds @sb's s_umount, at lockdep subclass 0; a
 * backing's, of a lower s_stack_depth than @sb's (maybe of this file
 * system type), is taken at its depth + 1.
 *
 * Return: the first error, or 0.
 */
int fuse_bpf_sync_fs(struct super_block *sb)
{
	struct inode *inode, *prev = NULL;
	struct fuse_bpf_inode *fbi;
	struct super_block *bsb;
	struct xarray done;
	int err = 0, ret;

	if (!get_fuse_conn_super(sb)->bpf)
		return 0;
	xa_init(&done);
	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		spin_lock(&inode->i_lock);
		/* not being evicted: its backing stays */
		fbi = fuse_bpf_backed(inode);
		if ((fuse_bpf_i_state(inode) & (I_FREEING | I_WILL_FREE | I_NEW)) ||
		    !fbi || xa_load(&done, fbi->path.mnt->mnt_sb->s_dev)) {
			spin_unlock(&inode->i_lock);
			continue;
		}
		bsb = fbi->path.mnt->mnt_sb;
		__iget(inode);
		spin_unlock(&inode->i_lock);
		spin_unlock(&sb->s_inode_list_lock);
		iput(prev);
		prev = inode;

		/* without memory, a backing may be synced twice */
		xa_store(&done, bsb->s_dev, xa_mk_value(1), GFP_KERNEL);
		down_read_nested(&bsb->s_umount, bsb->s_stack_depth + 1);
		ret = sync_filesystem(bsb);
		up_read(&bsb->s_umount);
		err = err ?: ret;
		cond_resched();
		spin_lock(&sb->s_inode_list_lock);
	}
	spin_unlock(&sb->s_inode_list_lock);
	iput(prev);
	xa_destroy(&done);
	return err;
}

/**
 * fuse_bpf_fallocate - fallocate on a backed file
 * @file: the file
 * @mode: FALLOC_FL_*
 * @offset: start
 * @length: length
 * @res: the result, if this returns true
 *
 * Return: false if the fallocate goes to the daemon.
 */
bool fuse_bpf_fallocate(struct file *file, int mode, loff_t offset,
			loff_t length, long *res)
{
	struct inode *inode = file_inode(file);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_file *ff = file->private_data;
	struct fuse_fallocate_in in = {
		.fh = ff->fh, .offset = offset, .length = length, .mode = mode,
	};
	const struct cred *old_cred;
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_meta_init(&meta, inode, FUSE_FALLOCATE);
	ret = fuse_bpf_pre(fbi, fallocate, inode, &meta, &in);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	inode_lock(inode);
	*res = file_remove_privs(file);
	if (!*res) {
		old_cred = override_creds(fbi->cred);
		*res = vfs_fallocate(ff->bpf_backing, mode, offset, length);
		revert_creds(old_cred);
	}
	fuse_bpf_copyattr(inode);
	inode_unlock(inode);
	*res = fuse_bpf_post(fbi->filter, fallocate, ret, inode, (int)*res,
			     &meta, &in);
	return true;
}

/**
 * fuse_bpf_lseek - SEEK_DATA and SEEK_HOLE on a backed file
 * @file: the file
 * @offset: where to start
 * @whence: SEEK_DATA or SEEK_HOLE
 * @res: the new position or an error, if this returns true
 *
 * Return: false if the lseek goes to the daemon.
 */
bool fuse_bpf_lseek(struct file *file, loff_t offset, int whence,
		    loff_t *res)
{
	struct inode *inode = file_inode(file);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode);
	struct fuse_file *ff = file->private_data;
	struct fuse_lseek_in in = {
		.fh = ff->fh, .offset = offset, .whence = whence,
	};
	const struct cred *old_cred;
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi)
		return false;
	fuse_bpf_meta_init(&meta, inode, FUSE_LSEEK);
	ret = fuse_bpf_pre(fbi, lseek, inode, &meta, &in);
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	old_cred = override_creds(fbi->cred);
	*res = vfs_llseek(ff->bpf_backing, offset, whence);
	revert_creds(old_cred);
	*res = fuse_bpf_post(fbi->filter, lseek, ret, inode, (s64)*res, &meta,
			     &in);
	if (*res >= 0)
		*res = vfs_setpos(file, *res, inode->i_sb->s_maxbytes);
	return true;
}

/* The read and write sides of a copy, as their filters see them. */
struct fuse_bpf_copy {
	struct fuse_read_in rin;
	struct fuse_write_in win;
	struct fuse_bpf_meta rmeta, wmeta;
	int rret, wret;
};

/* Whether a read or write prefilter's @ret lets a copy of @size go on. */
static bool fuse_bpf_copy_ok(int ret, u32 size, u32 want)
{
	return (ret == FUSE_BPF_BACKING || ret == FUSE_BPF_POSTFILTER) &&
	       size >= want;
}

/*
 * Whether the read filter of the source and the write filter of the
 * destination both let a copy go to the backing as it is, their
 * postfilters to see its result. Anything else (a daemon, a refusal, a
 * shorter size) is theirs to decide through read_iter and write_iter, on
 * the generic copy.
 */
static bool fuse_bpf_copy_sides(struct fuse_bpf_copy *c, struct file *in,
				struct fuse_bpf_inode *fbi, loff_t pos_in,
				struct file *out, struct fuse_bpf_inode *fbo,
				loff_t pos_out, size_t len)
{
	c->rin = (struct fuse_read_in) {
		.fh = ((struct fuse_file *)in->private_data)->fh,
		.offset = pos_in, .size = min_t(size_t, len, UINT_MAX),
		.flags = in->f_flags,
	};
	c->win = (struct fuse_write_in) {
		.fh = ((struct fuse_file *)out->private_data)->fh,
		.offset = pos_out, .size = c->rin.size, .flags = out->f_flags,
	};
	c->rret = c->wret = FUSE_BPF_BACKING;
	if (fbi->filter) {
		fuse_bpf_meta_init(&c->rmeta, file_inode(in), FUSE_READ);
		c->rret = fuse_bpf_prefilter(fbi, read_iter, &c->rmeta,
					     &c->rin);
		if (!fuse_bpf_copy_ok(c->rret, c->rin.size, c->win.size))
			return false;
	}
	if (fbo->filter) {
		fuse_bpf_meta_init(&c->wmeta, file_inode(out), FUSE_WRITE);
		c->wret = fuse_bpf_prefilter(fbo, write_iter, &c->wmeta,
					     &c->win);
		if (!fuse_bpf_copy_ok(c->wret, c->win.size, c->rin.size))
			return false;
	}
	return true;
}

/* The bytes copied, after the read and write postfilters asked for. */
static s64 fuse_bpf_copy_post(struct fuse_bpf_copy *c,
			      struct fuse_bpf_inode *fbi,
			      struct fuse_bpf_inode *fbo, s64 res)
{
	if (c->rret == FUSE_BPF_POSTFILTER)
		res = fuse_bpf_postfilter(fbi->filter, read_iter, res,
					  &c->rmeta, &c->rin);
	if (c->wret == FUSE_BPF_POSTFILTER)
		res = fuse_bpf_postfilter(fbo->filter, write_iter, res,
					  &c->wmeta, &c->win);
	return res;
}

/**
 * fuse_bpf_copy_file_range - copy_file_range involving a backed file
 * @in: the source
 * @pos_in: where in @in
 * @out: the destination
 * @pos_out: where in @out
 * @len: how much
 * @flags: 0
 * @res: the bytes copied or an error, if this returns true
 *
 * Between backed files on one backing file system, the backing copies
 * (reflinks, server-side copy); otherwise -EXDEV sends the caller to the
 * generic splice copy, which goes through read_iter and write_iter. The
 * source's copy_file_range filter decides first; then the backing copies
 * only if the source's read filter and the destination's write filter
 * would both let their part go to the backing (and their postfilters see
 * its result), else FUSE's generic copy asks them.
 *
 * Return: false if neither file is backed, or the filter forwards it.
 */
bool fuse_bpf_copy_file_range(struct file *in, loff_t pos_in,
			      struct file *out, loff_t pos_out, size_t len,
			      unsigned int flags, ssize_t *res)
{
	struct inode *inode_in = file_inode(in), *inode_out = file_inode(out);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(inode_in);
	struct fuse_bpf_inode *fbo = fuse_bpf_inode(inode_out);
	struct fuse_file *ff_in = in->private_data;
	struct fuse_file *ff_out = out->private_data;
	struct fuse_copy_file_range_in arg = {
		.fh_in = ff_in->fh, .off_in = pos_in,
		.nodeid_out = get_node_id(inode_out), .fh_out = ff_out->fh,
		.off_out = pos_out, .len = len, .flags = flags,
	};
	const struct cred *old_cred;
	struct fuse_bpf_copy c;
	struct fuse_bpf_meta meta;
	int ret;

	if (!fbi && !fbo)
		return false;
	*res = -EXDEV;
	if (!fbi || !fbo)
		return true;
	fuse_bpf_meta_init(&meta, inode_in, FUSE_COPY_FILE_RANGE);
	ret = fuse_bpf_pre(fbi, copy_file_range, inode_in, &meta, &arg);
	/* the request would name the destination to the daemon */
	if (ret == FUSE_BPF_USER &&
	    fuse_bpf_nodeid_is_kernel(get_node_id(inode_out)))
		ret = -EIO;
	if (ret == FUSE_BPF_USER)
		return false;
	*res = ret;
	if (ret < 0)
		return true;
	*res = -EXDEV;
	if (!fuse_bpf_copy_sides(&c, in, fbi, pos_in, out, fbo, pos_out, len))
		return true;
	inode_lock(inode_out);
	*res = file_remove_privs(out);
	if (!*res) {
		old_cred = override_creds(fbo->cred);
		*res = vfs_copy_file_range(fuse_bpf_backing_file(in), pos_in,
					   fuse_bpf_backing_file(out), pos_out,
					   c.rin.size, flags);
		revert_creds(old_cred);
	}
	fuse_bpf_copyattr(inode_out);
	inode_unlock(inode_out);
	*res = fuse_bpf_copy_post(&c, fbi, fbo, *res);
	*res = fuse_bpf_post(fbi->filter, copy_file_range, ret, inode_in,
			     (s64)*res, &meta, &arg);
	return true;
}

/**
 * fuse_bpf_remap_file_range - clone or dedupe a range of a backed file
 * @in: the source, a backed file
 * @pos_in: where in @in
 * @out: the destination, a FUSE file of the same mount
 * @pos_out: where in @out
 * @len: how much, 0 for up to the end of @in
 * @remap_flags: REMAP_FILE_*
 *
 * FICLONE, FICLONERANGE and FIDEDUPERANGE between backed files are the
 * backing file system's, with the credentials of the destination's
 * backing: -EXDEV between two of them. The filters see a copy: the
 * source's read filter and the destination's write filter must both let
 * it go to the backing as it is (their postfilters see the result), the
 * range to the end of the file resolved to its length. Anything else (a
 * filtered range a read size cannot hold, a destination not backed) is
 * -EOPNOTSUPP, as on FUSE, which has no remap request; cp --reflink=auto
 * then copies, through the filters.
 *
 * Return: the bytes remapped or a negative errno.
 */
static loff_t fuse_bpf_remap_file_range(struct file *in, loff_t pos_in,
					struct file *out, loff_t pos_out,
					loff_t len, unsigned int remap_flags)
{
	struct inode *inode_out = file_inode(out);
	struct fuse_bpf_inode *fbi = fuse_bpf_inode(file_inode(in));
	struct fuse_bpf_inode *fbo = fuse_bpf_inode(inode_out);
	bool dedup = remap_flags & REMAP_FILE_DEDUP;
	const struct cred *old_cred;
	struct file *bin, *bout;
	struct fuse_bpf_copy c;
	loff_t ret;

	if (remap_flags & ~(REMAP_FILE_DEDUP | REMAP_FILE_ADVISORY))
		return -EINVAL;
	if (!fbi || !fbo)
		return -EOPNOTSUPP;
	/*
	 * The filters decide on the range the backing remaps, no more: up to
	 * the end of the file is its length now, a read size must hold it.
	 * A dedupe of nothing does nothing, as in the VFS.
	 */
	if (!len) {
		loff_t size = i_size_read(d_inode(fbi->path.dentry));

		if (dedup || pos_in >= size)
			return pos_in > size && !dedup ? -EINVAL : 0;
		len = size - pos_in;
	}
	if ((fbi->filter || fbo->filter) && len > UINT_MAX)
		return -EOPNOTSUPP;
	if (!fuse_bpf_copy_sides(&c, in, fbi, pos_in, out, fbo, pos_out, len))
		return -EOPNOTSUPP;
	bin = fuse_bpf_backing_file(in);
	bout = fuse_bpf_backing_file(out);
	inode_lock(inode_out);
	/* a clone writes @out: the caller decides what privileges go */
	ret = dedup ? 0 : file_remove_privs(out);
	if (!ret) {
		old_cred = override_creds(fbo->cred);
		if (dedup)
			ret = vfs_dedupe_file_range_one(bin, pos_in, bout,
							pos_out, len,
							remap_flags);
		else
			ret = vfs_clone_file_range(bin, pos_in, bout, pos_out,
						   len, remap_flags);
		revert_creds(old_cred);
	}
	fuse_bpf_copyattr(inode_out);
	inode_unlock(inode_out);
	return fuse_bpf_copy_post(&c, fbi, fbo, ret);
}

/* The readiness of a backed file is its backing's. */
static __poll_t fuse_bpf_poll(struct file *file, poll_table *wait)
{
	return vfs_poll(fuse_bpf_backing_file(file), wait);
}

/**
 * fuse_bpf_local_locks - whether @inode's locks are the kernel's own
 * @inode: a FUSE inode
 *
 * The daemon does not know kernel-only nodes, and the backing's locks are
 * not the caller's to take: the POSIX and flock locks of a backed file are
 * local, as in FUSE for daemons without lock support.
 *
 * Return: true if @inode is backed.
 */
bool fuse_bpf_local_locks(struct inode *inode)
{
	return fuse_bpf_inode(inode);
}

int fuse_bpf_file_init(void)
{
	struct file_operations *fops = fuse_bpf_file_operations;

	fops[0] = fuse_file_operations;
	fops[0].poll = NULL;
	fops[0].remap_file_range = fuse_bpf_remap_file_range;
	fops[1] = fops[0];
	fops[1].poll = fuse_bpf_poll;
	fuse_bpf_aio_cachep = KMEM_CACHE(fuse_bpf_aio, SLAB_HWCACHE_ALIGN);
	if (!fuse_bpf_aio_cachep)
		return -ENOMEM;
	fuse_bpf_wq = alloc_workqueue("fuse_bpf", WQ_UNBOUND, 0);
	if (!fuse_bpf_wq) {
		kmem_cache_destroy(fuse_bpf_aio_cachep);
		return -ENOMEM;
	}
	return 0;
}

void fuse_bpf_file_exit(void)
{
	destroy_workqueue(fuse_bpf_wq);
	kmem_cache_destroy(fuse_bpf_aio_cachep);
}
