// SPDX-License-Identifier: GPL-2.0
/*
 * scan: "scan readdir DIR" reads every entry of DIR and prints how many
 * there were, "." and ".." not counted. "scan stat DIR COUNT STEP" stats
 * (fstatat(2), links not followed: a lookup, then getattr) the names
 * f000001 to f<COUNT> of DIR, every STEP-th, and prints how many. Exits
 * non-zero if any call fails. make bench's set F runs it on directories
 * of 1,000 to 100,000 files named so.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int scan_readdir(const char *path)
{
	unsigned long n = 0;
	struct dirent *de;
	DIR *d = opendir(path);

	if (!d) {
		perror(path);
		return 1;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	printf("%lu\n", n);
	return 0;
}

static int scan_stat(const char *path, unsigned long count,
		     unsigned long step)
{
	unsigned long i, n = 0;
	char name[32];
	struct stat st;
	int dfd = open(path, O_RDONLY | O_DIRECTORY);

	if (dfd < 0) {
		perror(path);
		return 1;
	}
	for (i = 1; i <= count; i += step) {
		snprintf(name, sizeof(name), "f%06lu", i);
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
			perror(name);
			return 1;
		}
		n++;
	}
	printf("%lu\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "readdir"))
		return scan_readdir(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "stat") && atol(argv[3]) > 0 &&
	    atol(argv[4]) > 0)
		return scan_stat(argv[2], atol(argv[3]), atol(argv[4]));
	fprintf(stderr, "usage: scan readdir DIR | scan stat DIR COUNT STEP\n");
	return 2;
}
