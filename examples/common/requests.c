// SPDX-License-Identifier: GPL-2.0
/*
 * requests: the requests an example daemon received, counted as they come
 * and printed at exit (requests.h).
 */
#define FUSE_USE_VERSION 317

#include <stdio.h>

#include <fuse_lowlevel.h>
#include <fusebpf.h>
#include <linux/fuse.h>

#include "requests.h"

#define OPCODES	64	/* counted: the FUSE opcodes below this */

/* by opcode; one thread serves the examples' sessions: no lock */
static unsigned long requests[OPCODES];

/* Called by the session loop with every request, before it is handled. */
static void count_request(void *data, const struct fuse_in_header *in)
{
	if (in->opcode < OPCODES)
		requests[in->opcode]++;
}

const struct fusebpf_loop_ops count_requests = {
	.request = count_request,
};

void print_requests(void)
{
	unsigned int i;

	for (i = 0; i < OPCODES; i++)
		if (requests[i])
			printf("opcode %u: %lu requests\n", i, requests[i]);
}
