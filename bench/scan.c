// SPDX-License-Identifier: GPL-2.0
/*
 * scan: "scan readdir DIR" reads every entry of DIR; "scan stat DIR" also
 * stats each (fstatat(2) without following links: a lookup, then getattr).
 * Prints the number of entries, "." and ".." not counted; exits non-zero
 * if any call fails. make bench's scaling set runs it on directories of
 * 1,000 to 100,000 files.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	unsigned long n = 0;
	struct dirent *de;
	struct stat st;
	int do_stat;
	DIR *d;

	if (argc != 3 || (strcmp(argv[1], "readdir") &&
			  strcmp(argv[1], "stat"))) {
		fprintf(stderr, "usage: scan readdir|stat DIR\n");
		return 2;
	}
	do_stat = !strcmp(argv[1], "stat");
	d = opendir(argv[2]);
	if (!d) {
		perror(argv[2]);
		return 1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (do_stat && fstatat(dirfd(d), de->d_name, &st,
				       AT_SYMLINK_NOFOLLOW)) {
			perror(de->d_name);
			return 1;
		}
		n++;
	}
	closedir(d);
	printf("%lu\n", n);
	return 0;
}
