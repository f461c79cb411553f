// SPDX-License-Identifier: GPL-2.0
/*
 * Run last: after all the other tests, kmemleak (where the kernel has it)
 * finds no object allocated by fuse_bpf, and the kernel log holds no
 * warning, bug, oops, stack trace, refcount or leak report.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/klog.h>

#include "kselftest_harness.h"

#define SYSLOG_ACTION_READ_ALL		3
#define SYSLOG_ACTION_SIZE_BUFFER	10
#define KMEMLEAK			"/sys/kernel/debug/kmemleak"
#define KMEMLEAK_SIZE			(1 << 20)

static const char * const bad[] = {
	"WARNING", "BUG", "Oops", "Call Trace", "refcount_t", "leak",
};

/* kmemleak's own summary; its findings are judged by kmemleak_clean. */
static const char kmemleak_summary[] = "kmemleak: ";

/* A fixture for kmemleak_clean's timeout: the harness has none for TEST. */
FIXTURE(dmesg) {};
FIXTURE_SETUP(dmesg) {}
FIXTURE_TEARDOWN(dmesg) {}

/*
 * Runs first, so that what the scan prints is in the log checked next. A
 * scan of all memory takes long on the debug kernel under TCG.
 */
TEST_F_TIMEOUT(dmesg, kmemleak_clean, 600)
{
	char *buf, *rec, *next;
	int fd, len = 0, n, found = 0;

	fd = open(KMEMLEAK, O_RDWR);
	if (fd < 0)
		SKIP(return, "the kernel has no kmemleak");
	ASSERT_EQ(4, write(fd, "scan", 4));
	close(fd);
	buf = calloc(1, KMEMLEAK_SIZE + 1);
	ASSERT_NE(NULL, buf);
	fd = open(KMEMLEAK, O_RDONLY);
	ASSERT_LE(0, fd);
	while ((n = read(fd, buf + len, KMEMLEAK_SIZE - len)) > 0)
		len += n;
	close(fd);
	/* Records start with "unreferenced object"; each has a backtrace. */
	for (rec = strstr(buf, "unreferenced object"); rec; rec = next) {
		next = strstr(rec + 1, "unreferenced object");
		if (next)
			next[-1] = '\0';
		if (strstr(rec, "fuse_bpf")) {
			TH_LOG("%s", rec);
			found++;
		}
	}
	free(buf);
	EXPECT_EQ(0, found);
}

TEST_F(dmesg, kernel_log_clean)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0), len, found = 0;
	char *buf, *line, *save, *from;
	unsigned int i;

	ASSERT_LT(0, size);
	buf = calloc(1, size + 1);
	ASSERT_NE(NULL, buf);
	len = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	ASSERT_LT(0, len);
	buf[len] = '\0';
	/* from the guest's marker, before the module was loaded, if any */
	from = strstr(buf, "fusebpf: tests begin");
	if (from)
		TH_LOG("%d bytes of boot log before the tests not judged",
		       (int)(from - buf));
	for (line = strtok_r(from ?: buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, kmemleak_summary))
			continue;
		for (i = 0; i < ARRAY_SIZE(bad); i++)
			if (strstr(line, bad[i])) {
				TH_LOG("%s", line);
				found++;
				break;
			}
	}
	free(buf);
	EXPECT_EQ(0, found);
}

TEST_HARNESS_MAIN
