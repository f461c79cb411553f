/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RAM disk /dev/ram0 of scripts/guest-init, for the tests that need
 * a backing on ext4; include after kselftest_harness.h.
 */
#ifndef _FUSE_BPF_RAM0_H
#define _FUSE_BPF_RAM0_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "test_daemon.h"

/*
 * Detach what a test before left mounted from the RAM disk (logged), so
 * that mkfs.ext4 can use it.
 */
static inline void release_ram0(struct __test_metadata *_metadata)
{
	char dev[64], dir[256];
	FILE *f = fopen("/proc/mounts", "r");

	if (!f)
		return;
	while (fscanf(f, "%63s %255s %*[^\n]", dev, dir) == 2)
		if (!strcmp(dev, "/dev/ram0")) {
			TH_LOG("/dev/ram0 still mounted on %s: detached", dir);
			umount2(dir, MNT_DETACH);
		}
	fclose(f);
}

/* Whether nothing holds /dev/ram0: mkfs.ext4 would refuse it otherwise. */
static inline bool ram0_free(void)
{
	int fd = open("/dev/ram0", O_RDONLY | O_EXCL | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * mkfs.ext4 @opts on /dev/ram0, once what a test before left there (a
 * detached mount whose last user is going) lets go of it: 0 or -1.
 */
static inline int mkfs_ram0(struct __test_metadata *_metadata, const char *opts)
{
	char cmd[128];

	release_ram0(_metadata);
	if (!WAIT_UNTIL(ram0_free())) {
		TH_LOG("/dev/ram0 still busy after %d s", WAIT_SECS);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "/usr/bin/mkfs.ext4 -q -F %s /dev/ram0 >/dev/null 2>&1",
		 opts);
	return system(cmd) ? -1 : 0;
}

#endif
