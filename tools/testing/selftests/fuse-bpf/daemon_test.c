// SPDX-License-Identifier: GPL-2.0
/*
 * The test daemon serves a backing directory over fuse-bpf, and over the
 * stock FUSE beside it: every operation gives what the same operation
 * gives on the backing directory, and the daemon sees the requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <linux/fuse.h>

#include "kselftest_harness.h"
#include "test_daemon.h"

FIXTURE(daemon) {
	char backing[64];
	char mnt[64];
	struct test_daemon td;
};

FIXTURE_VARIANT(daemon) {
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(daemon, fuse_bpf) { .flags = 0 };
FIXTURE_VARIANT_ADD(daemon, stock) { .flags = TD_STOCK };
FIXTURE_VARIANT_ADD(daemon, fuse_bpf_passthrough) { .flags = TD_PASSTHROUGH };
FIXTURE_VARIANT_ADD(daemon, stock_passthrough) {
	.flags = TD_STOCK | TD_PASSTHROUGH
};

FIXTURE_SETUP(daemon)
{
	strcpy(self->backing, "/tmp/backing-XXXXXX");
	strcpy(self->mnt, "/tmp/mnt-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->backing));
	ASSERT_NE(NULL, mkdtemp(self->mnt));
	ASSERT_EQ(0, td_start(&self->td, self->backing, self->mnt,
			      variant->flags));
}

FIXTURE_TEARDOWN(daemon)
{
	EXPECT_EQ(0, td_stop(&self->td));
}

TEST_F(daemon, read_write)
{
	static const char data[] = "written through the mount";
	char path[128], buf[64] = "";
	int fd;

	snprintf(path, sizeof(path), "%s/file", self->mnt);
	fd = open(path, O_CREAT | O_RDWR, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(data), pwrite(fd, data, sizeof(data), 0));
	close(fd);
	snprintf(path, sizeof(path), "%s/file", self->backing);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(data), read(fd, buf, sizeof(buf)));
	close(fd);
	ASSERT_STREQ(data, buf);
	if (variant->flags & TD_PASSTHROUGH) {
		EXPECT_EQ(0, td_count(&self->td, FUSE_WRITE));
	} else {
		EXPECT_LT(0, td_count(&self->td, FUSE_WRITE));
	}
}

TEST_HARNESS_MAIN
