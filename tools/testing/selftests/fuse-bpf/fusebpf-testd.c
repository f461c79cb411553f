// SPDX-License-Identifier: GPL-2.0
/*
 * fusebpf-testd [-s] [-p] [-b] [-f] [-a] BACKING MOUNTPOINT COMMAND [ARG...]
 *
 * Mount BACKING on MOUNTPOINT served by the test daemon, run COMMAND, then
 * unmount and print the requests the daemon received, by opcode.
 *   -s  use the stock FUSE (/dev/fuse, type "fuse") instead of fuse-bpf
 *   -p  open files with upstream FOPEN_PASSTHROUGH backing ids
 *   -b  a "bpf" mount: every node looked up is backed by its backing file
 *   -f  and filtered by progs/demo.bpf.c, whose counters are printed too;
 *       entries stay valid for 60 s, so the daemon does not revalidate them
 *   -a  and filtered by progs/backing.bpf.c, which answers "backing" always
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <bpf/libbpf.h>

#include "test_daemon.h"
#include "demo.skel.h"
#include "backing.skel.h"

static void print_filter(const struct demo *skel)
{
	const struct demo__bss *c = skel->bss;

	printf("filter demo: %llu lookups (%llu denied), %llu opens, %llu reads (%llu bytes), %llu writes (%llu bytes)\n",
	       c->lookups, c->denied, c->opens, c->reads, c->read_bytes,
	       c->writes, c->write_bytes);
}

int main(int argc, char **argv)
{
	struct test_daemon td;
	unsigned int flags = 0, op;
	struct demo *skel = NULL;
	struct backing *all = NULL;
	bool filter = false, all_backing = false;
	int opt, status = 1;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+spbfa")) != -1) {
		if (opt == 's')
			flags |= TD_STOCK;
		else if (opt == 'p')
			flags |= TD_PASSTHROUGH;
		else if (opt == 'b')
			flags |= TD_BPF;
		else if (opt == 'f')
			filter = true;
		else if (opt == 'a')
			all_backing = true;
		else
			return 2;
	}
	if (argc - optind < 3) {
		fprintf(stderr, "usage: %s [-s] [-p] [-b] [-f] [-a] BACKING MOUNTPOINT COMMAND...\n",
			argv[0]);
		return 2;
	}
	if (td_start(&td, argv[optind], argv[optind + 1], flags)) {
		perror("fusebpf-testd: mount");
		return 1;
	}
	if (filter) {
		/* loaded after the daemon forked, so that it goes with us */
		skel = demo__open_and_load();
		if (!skel || demo__attach(skel) ||
		    td_register_skel(&td, skel->skeleton)) {
			fprintf(stderr, "fusebpf-testd: cannot load the filter\n");
			td_stop(&td);
			return 1;
		}
		td.ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
		snprintf(td.ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "demo");
		td.ctl->entry_valid = 60;
	} else if (all_backing) {
		all = backing__open_and_load();
		if (!all || backing__attach(all) ||
		    td_register_skel(&td, all->skeleton)) {
			fprintf(stderr, "fusebpf-testd: cannot load the filter\n");
			td_stop(&td);
			return 1;
		}
		td.ctl->ext.ops_action = FUSE_BPF_OPS_NAME;
		snprintf(td.ctl->ext.ops_name, FUSE_BPF_NAME_LEN, "backing");
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
	if (skel) {
		print_filter(skel);
		demo__destroy(skel);
	}
	backing__destroy(all);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
