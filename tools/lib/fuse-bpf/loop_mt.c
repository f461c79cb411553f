// SPDX-License-Identifier: LGPL-2.1
/*
 * libfusebpf: the multi-threaded session loop.
 *
 * Workers receive and handle requests; the calling thread waits for the
 * session to end, then stops them. The device is non-blocking while the
 * loop runs, and a worker waits in poll(2) for a request or for the stop
 * event, so that stopping needs neither signals nor thread cancellation
 * (which would need libgcc_s and could lose a request a worker took).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "internal.h"

#define DEFAULT_THREADS	4

/**
 * struct mt_loop - what the workers of one loop share
 * @se: the session
 * @ops: the daemon's callbacks
 * @data: their first argument
 * @finish: posted by a worker that stops
 * @stop: an eventfd, readable once the workers are to stop
 * @lock: protects @error
 * @error: the first negative errno with which receiving failed, or 0
 */
struct mt_loop {
	struct fuse_session *se;
	const struct fusebpf_loop_ops *ops;
	void *data;
	sem_t finish;
	int stop;
	pthread_mutex_t lock;
	int error;
};

/**
 * struct mt_worker - one worker
 * @thread: its thread
 * @loop: the loop it belongs to
 * @buf: its receive buffer, which fuse_session_receive_buf() allocates
 */
struct mt_worker {
	pthread_t thread;
	struct mt_loop *loop;
	struct fuse_buf buf;
};

static void *mt_work(void *arg)
{
	struct mt_worker *w = arg;
	struct mt_loop *mt = w->loop;
	struct pollfd p[2] = {
		{ .fd = fuse_session_fd(mt->se), .events = POLLIN },
		{ .fd = mt->stop, .events = POLLIN },
	};
	int res = 0;

	while (!fuse_session_exited(mt->se)) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			res = -errno;
			break;
		}
		if (p[1].revents)
			break;
		/* another worker may have taken the request: EAGAIN */
		res = fuse_session_receive_buf(mt->se, &w->buf);
		if (res == -EINTR || res == -EAGAIN) {
			res = 0;
			continue;
		}
		if (res <= 0)
			break;
		if (fusebpf_dispatch(mt->se, &w->buf, res, mt->ops,
				     mt->data) == -ENODEV)
			fuse_session_exit(mt->se);
		res = 0;
	}
	if (res < 0 && res != -ENODEV) {
		pthread_mutex_lock(&mt->lock);
		if (!mt->error)
			mt->error = res;
		pthread_mutex_unlock(&mt->lock);
	}
	/* whatever ended this worker ends them all */
	fuse_session_exit(mt->se);
	sem_post(&mt->finish);
	return NULL;
}

/* Stop the first @n workers of @w and free their buffers. */
static void mt_stop(struct mt_loop *mt, struct mt_worker *w, unsigned int n)
{
	unsigned int i;

	eventfd_write(mt->stop, 1);
	for (i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		free(w[i].buf.mem);
	}
}

/*
 * Wait until the session ends: a worker posts @mt->finish when it stops,
 * and a signal (fuse_set_signal_handlers()) interrupts the wait. The
 * timeout catches a fuse_session_exit() from a thread that is neither.
 */
static void mt_wait(struct mt_loop *mt)
{
	struct timespec ts;

	while (!fuse_session_exited(mt->se)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec++;
		sem_timedwait(&mt->finish, &ts);
	}
}

/**
 * fusebpf_session_loop_mt() - serve a session with several threads
 * @se: the session, mounted (fusebpf_mount())
 * @ops: the daemon's callbacks, or NULL for none
 * @data: their first argument
 * @threads: how many worker threads, 0 for a default (4); at most 256
 *
 * fusebpf_session_loop() with @threads workers, each with its own buffer,
 * receiving and handling requests at once: the callbacks of @ops and the
 * session's fuse_lowlevel_ops may run concurrently, in any worker, and
 * must lock what they share. The calling thread only waits.
 *
 * The loop ends when the session ends: on unmount every worker's read
 * fails with ENODEV; after fuse_session_exit(), from a callback, from
 * another thread, or from the handlers of fuse_set_signal_handlers(), the
 * workers that wait for a request stop and those that handle one finish
 * it first. A worker whose read fails ends the loop as well. Then
 * fuse_session_reset() is called. While the loop runs, the session's
 * descriptor is non-blocking (O_NONBLOCK); its flags are restored after.
 *
 * Return: 0 when the session ended, -EINVAL for a NULL @se or more than
 * 256 @threads, the negative errno of a thread that could not be created,
 * or the first with which receiving a request failed.
 */
int fusebpf_session_loop_mt(struct fuse_session *se,
			    const struct fusebpf_loop_ops *ops, void *data,
			    unsigned int threads)
{
	struct mt_loop mt = { .se = se, .ops = ops, .data = data };
	int dev, flags, err = 0;
	struct mt_worker *w;
	unsigned int i;

	if (!se || threads > FUSEBPF_MAX_THREADS)
		return -EINVAL;
	if (!threads)
		threads = DEFAULT_THREADS;
	dev = fuse_session_fd(se);
	flags = fcntl(dev, F_GETFL);
	if (flags < 0)
		return -errno;
	w = calloc(threads, sizeof(*w));
	if (!w)
		return -ENOMEM;
	mt.stop = eventfd(0, EFD_CLOEXEC);
	if (mt.stop < 0 || fcntl(dev, F_SETFL, flags | O_NONBLOCK)) {
		err = -errno;
		if (mt.stop >= 0)
			close(mt.stop);
		free(w);
		return err;
	}
	/* cannot fail: a private semaphore of value 0 */
	sem_init(&mt.finish, 0, 0);
	pthread_mutex_init(&mt.lock, NULL);
	for (i = 0; i < threads && !err; i++) {
		w[i].loop = &mt;
		err = -pthread_create(&w[i].thread, NULL, mt_work, &w[i]);
	}
	if (err) {
		/* the session goes on: only the workers started stop */
		mt_stop(&mt, w, i - 1);
	} else {
		mt_wait(&mt);
		mt_stop(&mt, w, threads);
		err = mt.error;
		fuse_session_reset(se);
	}
	fcntl(dev, F_SETFL, flags);
	pthread_mutex_destroy(&mt.lock);
	sem_destroy(&mt.finish);
	close(mt.stop);
	free(w);
	return err;
}
