// SPDX-License-Identifier: LGPL-2.1
/*
 * libfusebpf: a whole daemon's life in one call, from the session to the
 * unmount.
 */
#include <errno.h>

#include "internal.h"

/*
 * A session for @serve: NULL, with *@err set to -ENOMEM or -EINVAL (libfuse
 * refused the options, or says no more), if fuse_session_new() failed.
 */
static struct fuse_session *
serve_session(const struct fusebpf_serve_opts *serve, int *err)
{
	static const struct fuse_lowlevel_ops none;
	static char *const name[] = { "fusebpf", NULL };
	struct fuse_args own = FUSE_ARGS_INIT(1, (char **)name);
	struct fuse_args *args = serve->args ? serve->args : &own;
	const struct fuse_lowlevel_ops *ops = serve->ops ? serve->ops : &none;
	size_t size = serve->ops ? serve->ops_size : sizeof(none);
	struct fuse_session *se;

	errno = 0;
	se = fuse_session_new(args, ops, size, serve->userdata);
	*err = errno == ENOMEM ? -ENOMEM : -EINVAL;
	/* libfuse's parser gives @own an allocated copy */
	fuse_opt_free_args(&own);
	return se;
}

/**
 * fusebpf_serve() - mount a fuse-bpf file system and serve it until it goes
 * @mountpoint: the directory to mount on
 * @opts: how to mount, as for fusebpf_mount(), or NULL
 * @serve: the session and its loop, or NULL for a session without
 *	handlers, served by the calling thread
 *
 * What a daemon does between loading its filter and exiting, in one call:
 * fuse_session_new() with @serve->args, @serve->ops and @serve->userdata,
 * fuse_set_signal_handlers(), fusebpf_mount() with @opts, the session loop
 * with @serve->loop and @serve->loop_data (fusebpf_session_loop(), or
 * fusebpf_session_loop_mt() for @serve->threads of 2 or more), and then
 * fusebpf_unmount(), fuse_remove_signal_handlers() and
 * fuse_session_destroy(). It returns when the mount is unmounted, or when
 * SIGTERM, SIGINT or SIGHUP comes (both no error), or when the loop
 * fails; in every case after unmounting, with the signal handlers of
 * before and no descriptor of its own left open. @opts->filter stays the
 * caller's, to close after.
 *
 * Return: 0, or a negative errno: -EINVAL for a NULL @mountpoint or more
 * than 256 @serve->threads, or for @serve->args that fuse_session_new()
 * refuses; -ENOMEM; -EIO if the signal handlers could not be set; else
 * that of fusebpf_mount(), of the session loop, or of fusebpf_unmount(),
 * the first.
 */
int fusebpf_serve(const char *mountpoint,
		  const struct fusebpf_mount_opts *opts,
		  const struct fusebpf_serve_opts *serve)
{
	static const struct fusebpf_serve_opts defaults;
	struct fusebpf_mount *mount;
	struct fuse_session *se;
	int err, err2;

	if (!serve)
		serve = &defaults;
	if (!mountpoint || serve->threads > FUSEBPF_MAX_THREADS)
		return -EINVAL;
	se = serve_session(serve, &err);
	if (!se)
		return err;
	err = -EIO;
	if (fuse_set_signal_handlers(se))
		goto out_destroy;
	err = fusebpf_mount(se, mountpoint, opts, &mount);
	if (err)
		goto out_signals;
	if (serve->threads > 1)
		err = fusebpf_session_loop_mt(se, serve->loop, serve->loop_data,
					      serve->threads);
	else
		err = fusebpf_session_loop(se, serve->loop, serve->loop_data);
	err2 = fusebpf_unmount(mount);
	err = err ?: err2;
out_signals:
	fuse_remove_signal_handlers(se);
out_destroy:
	fuse_session_destroy(se);
	return err;
}
