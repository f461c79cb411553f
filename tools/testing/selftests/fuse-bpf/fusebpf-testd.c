// SPDX-License-Identifier: GPL-2.0
/*
 * fusebpf-testd [-s] [-p] [-b] BACKING MOUNTPOINT COMMAND [ARG...]
 *
 * Mount BACKING on MOUNTPOINT served by the test daemon, run COMMAND, then
 * unmount and print the requests the daemon received, by opcode.
 *   -s  use the stock FUSE (/dev/fuse, type "fuse") instead of fuse-bpf
 *   -p  open files with upstream FOPEN_PASSTHROUGH backing ids
 *   -b  a "bpf" mount: every node looked up is backed by its backing file
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "test_daemon.h"

int main(int argc, char **argv)
{
	struct test_daemon td;
	unsigned int flags = 0, op;
	int opt, status = 1;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+spb")) != -1) {
		if (opt == 's')
			flags |= TD_STOCK;
		else if (opt == 'p')
			flags |= TD_PASSTHROUGH;
		else if (opt == 'b')
			flags |= TD_BPF;
		else
			return 2;
	}
	if (argc - optind < 3) {
		fprintf(stderr, "usage: %s [-s] [-p] [-b] BACKING MOUNTPOINT COMMAND...\n",
			argv[0]);
		return 2;
	}
	if (td_start(&td, argv[optind], argv[optind + 1], flags)) {
		perror("fusebpf-testd: mount");
		return 1;
	}
	pid = fork();
	if (!pid) {
		execvp(argv[optind + 2], argv + optind + 2);
		perror("fusebpf-testd: exec");
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (td_stop(&td))
		fprintf(stderr, "fusebpf-testd: the daemon did not exit cleanly\n");
	printf("daemon requests:");
	for (op = 0; op < TD_OPCODES; op++)
		if (td_count(&td, op))
			printf(" %s=%lu", td_opname(op), td_count(&td, op));
	printf("\n");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
