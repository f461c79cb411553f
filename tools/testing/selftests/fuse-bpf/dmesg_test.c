// SPDX-License-Identifier: GPL-2.0
/*
 * Run last: after all the other tests, the kernel log holds no warning,
 * bug, oops, stack trace, refcount or leak report.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>

#include "kselftest_harness.h"

#define SYSLOG_ACTION_READ_ALL		3
#define SYSLOG_ACTION_SIZE_BUFFER	10

static const char * const bad[] = {
	"WARNING", "BUG", "Oops", "Call Trace", "refcount_t", "leak",
};

TEST(kernel_log_clean)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0), len, found = 0;
	char *buf, *line, *save;
	unsigned int i;

	ASSERT_LT(0, size);
	buf = calloc(1, size + 1);
	ASSERT_NE(NULL, buf);
	len = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	ASSERT_LT(0, len);
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		for (i = 0; i < ARRAY_SIZE(bad); i++)
			if (strstr(line, bad[i])) {
				TH_LOG("%s", line);
				found++;
				break;
			}
	free(buf);
	EXPECT_EQ(0, found);
}

TEST_HARNESS_MAIN
