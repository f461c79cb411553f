// SPDX-License-Identifier: GPL-2.0
/*
 * Threads mix read, write, AIO, io_uring, fallocate, mmap, truncate and
 * stat on one backed file, each on its own region, for a fixed number of
 * operations chosen from a fixed seed. Each thread keeps a model of its
 * region and checks every read against it; at the end the whole file,
 * through the mount and in the backing directory, is the model, and stat
 * agrees with the backing file.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/falloc.h>

#include "kselftest_harness.h"
#include "test_daemon.h"
#include "test_util.h"

#define SEED		20261125
#define WORKERS		4
#define BLOCK		4096
#define REGION		(16 * BLOCK)
/* the truncating thread's region, after the others: the file's tail */
#define TAIL		(WORKERS * REGION)
#define FILE_MAX	(TAIL + REGION)
#define OPS		300

/* One thread: its region of the file, its model of it, its descriptors. */
struct worker {
	struct __test_metadata *_metadata;
	unsigned int seed;
	off_t base;		/* of its region */
	char *model;		/* the whole file's model, shared */
	off_t *size;		/* the file's size in the model, tail only */
	int fd;			/* buffered */
	int dfd;		/* O_DIRECT */
	char *map;		/* its region, MAP_SHARED; NULL for the tail */
	struct io_uring ring;
	char *io;		/* BLOCK-aligned buffer */
	int errors;
};

enum op {
	OP_PWRITE, OP_PREAD, OP_AIO_WRITE, OP_AIO_READ, OP_URING_WRITE,
	OP_URING_READ, OP_PUNCH, OP_ALLOCATE, OP_MMAP_WRITE, OP_MMAP_READ,
	OP_STAT, OP_TRUNCATE, OP_NR,
};

static const char * const op_names[OP_NR] = {
	"pwrite", "pread", "aio write", "aio read", "io_uring write",
	"io_uring read", "punch hole", "allocate", "mmap write", "mmap read",
	"stat", "truncate",
};

static ssize_t uring_rw(struct worker *w, bool write, off_t off)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);
	struct io_uring_cqe *cqe;
	ssize_t ret;

	if (write)
		io_uring_prep_write(sqe, w->fd, w->io, BLOCK, off);
	else
		io_uring_prep_read(sqe, w->dfd, w->io, BLOCK, off);
	if (io_uring_submit(&w->ring) != 1 ||
	    io_uring_wait_cqe(&w->ring, &cqe))
		return -1;
	ret = cqe->res;
	io_uring_cqe_seen(&w->ring, cqe);
	return ret;
}

/* Bytes of the block at @off that the file has, in the model. */
static size_t in_file(struct worker *w, off_t off)
{
	if (!w->size || off + BLOCK <= *w->size)
		return BLOCK;
	return off < *w->size ? *w->size - off : 0;
}

static void op_failed(struct worker *w, enum op kind, off_t off, ssize_t ret)
{
	struct __test_metadata *_metadata = w->_metadata;

	if (w->errors++ < 5)
		TH_LOG("%s at %lld: %zd (%s)", op_names[kind], (long long)off,
		       ret, strerror(errno));
}

static bool is_write(enum op kind)
{
	return kind == OP_PWRITE || kind == OP_AIO_WRITE ||
	       kind == OP_URING_WRITE || kind == OP_MMAP_WRITE;
}

static bool is_read(enum op kind)
{
	return kind == OP_PREAD || kind == OP_AIO_READ ||
	       kind == OP_URING_READ || kind == OP_MMAP_READ;
}

/* One operation on the block at @off of @w's region, checked. */
static void one_op(struct worker *w, enum op kind, off_t off)
{
	char *m = w->model + off;
	size_t want = in_file(w, off);
	struct stat s;
	ssize_t ret = 0;
	bool ok = true;
	int i;

	if (is_write(kind))
		for (i = 0; i < BLOCK; i++)
			w->io[i] = rand_r(&w->seed);
	switch (kind) {
	case OP_PWRITE:
		ok = pwrite(w->fd, w->io, BLOCK, off) == BLOCK;
		break;
	case OP_AIO_WRITE:
		ok = aio_rw(w->dfd, IOCB_CMD_PWRITE, w->io, BLOCK, off) == BLOCK;
		break;
	case OP_URING_WRITE:
		ok = uring_rw(w, true, off) == BLOCK;
		break;
	case OP_MMAP_WRITE:
		memcpy(w->map + off - w->base, w->io, BLOCK);
		break;
	case OP_PREAD:
		ret = pread(w->fd, w->io, BLOCK, off);
		break;
	case OP_AIO_READ:
		ret = aio_rw(w->dfd, IOCB_CMD_PREAD, w->io, BLOCK, off);
		break;
	case OP_URING_READ:
		ret = uring_rw(w, false, off);
		break;
	case OP_MMAP_READ:
		memcpy(w->io, w->map + off - w->base, BLOCK);
		ret = BLOCK;
		break;
	case OP_PUNCH:
		ok = !fallocate(w->fd, FALLOC_FL_PUNCH_HOLE |
				FALLOC_FL_KEEP_SIZE, off, BLOCK);
		if (ok)
			memset(m, 0, BLOCK);
		break;
	case OP_ALLOCATE:
		ok = !fallocate(w->fd, w->size ? 0 : FALLOC_FL_KEEP_SIZE, off,
				BLOCK);
		if (ok && w->size && *w->size < off + BLOCK)
			*w->size = off + BLOCK;
		break;
	case OP_TRUNCATE:
		ok = !ftruncate(w->fd, off);
		if (ok) {
			memset(w->model + off, 0, FILE_MAX - off);
			*w->size = off;
		}
		break;
	case OP_STAT:
		ok = !fstat(w->fd, &s) && (w->size ? s.st_size == *w->size :
					   s.st_size >= TAIL);
		break;
	case OP_NR:
		break;
	}
	if (is_write(kind)) {
		if (ok)
			memcpy(m, w->io, BLOCK);
		if (ok && w->size && *w->size < off + BLOCK)
			*w->size = off + BLOCK;
	}
	if (is_read(kind))
		ok = ret == (ssize_t)want && !memcmp(w->io, m, want);
	if (!ok)
		op_failed(w, kind, off, ret);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	enum op op;
	off_t off;
	int i;

	for (i = 0; i < OPS; i++) {
		op = rand_r(&w->seed) % OP_NR;
		off = w->base + rand_r(&w->seed) % (REGION / BLOCK) * BLOCK;
		/* the tail has no mapping; the others do not truncate */
		if (w->size && (op == OP_MMAP_WRITE || op == OP_MMAP_READ))
			op = OP_PWRITE;
		if (!w->size && op == OP_TRUNCATE)
			op = OP_STAT;
		one_op(w, op, off);
	}
	return NULL;
}

FIXTURE(model) {
	char backing[DIR_PATH_LEN];
	char mnt[DIR_PATH_LEN];
	int bfd;
	int mfd;
	struct test_daemon td;
	char model[FILE_MAX];
	char buf[FILE_MAX];
	off_t size;
	struct worker w[WORKERS + 1];
};

FIXTURE_SETUP(model)
{
	ASSERT_EQ(0, make_dirs(self->backing, self->mnt, &self->bfd));
	fill(self->model, FILE_MAX, 3);
	self->size = FILE_MAX;
	ASSERT_EQ(0, put_file(self->bfd, "file", self->model, FILE_MAX,
			      0644));
	ASSERT_EQ(0, mount_dirs(&self->td, self->backing, self->mnt, TD_BPF,
				&self->mfd));
}

FIXTURE_TEARDOWN(model)
{
	close(self->mfd);
	close(self->bfd);
	td_stop(&self->td);
}

TEST_F(model, threads_on_one_file)
{
	pthread_t t[WORKERS + 1];
	struct worker *w;
	int i, errors = 0;

	TH_LOG("seed %u, %d threads, %d operations each", SEED, WORKERS + 1,
	       OPS);
	for (i = 0; i <= WORKERS; i++) {
		w = &self->w[i];
		w->_metadata = _metadata;
		w->seed = SEED + i;
		w->base = (off_t)i * REGION;
		w->model = self->model;
		w->size = i == WORKERS ? &self->size : NULL;
		w->fd = openat(self->mfd, "file", O_RDWR | O_CLOEXEC);
		w->dfd = openat(self->mfd, "file",
				O_RDWR | O_DIRECT | O_CLOEXEC);
		ASSERT_LE(0, w->fd);
		ASSERT_LE(0, w->dfd);
		if (i < WORKERS) {
			w->map = mmap(NULL, REGION, PROT_READ | PROT_WRITE,
				      MAP_SHARED, w->fd, w->base);
			ASSERT_NE(MAP_FAILED, w->map);
		}
		ASSERT_EQ(0, io_uring_queue_init(2, &w->ring, 0));
		ASSERT_EQ(0, posix_memalign((void **)&w->io, BLOCK, BLOCK));
	}
	for (i = 0; i <= WORKERS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, work, &self->w[i]));
	for (i = 0; i <= WORKERS; i++) {
		w = &self->w[i];
		pthread_join(t[i], NULL);
		errors += w->errors;
		if (w->map)
			EXPECT_EQ(0, munmap(w->map, REGION));
		io_uring_queue_exit(&w->ring);
		free(w->io);
		EXPECT_EQ(0, close(w->dfd));
		EXPECT_EQ(0, close(w->fd));
	}
	EXPECT_EQ(0, errors);
	/* every byte, through the mount and in the backing file */
	EXPECT_EQ(self->size, get_file(self->mfd, "file", self->buf,
				       FILE_MAX));
	EXPECT_EQ(0, memcmp(self->buf, self->model, self->size));
	EXPECT_EQ(self->size, get_file(self->bfd, "file", self->buf,
				       FILE_MAX));
	EXPECT_EQ(0, memcmp(self->buf, self->model, self->size));
	EXPECT_TRUE(same_as_backing(_metadata, self->mfd, self->bfd, "file"));
}

TEST_HARNESS_MAIN
