/* SPDX-License-Identifier: GPL-2.0 */
/*
 * requests: what every example daemon does to show what reached it.
 *
 * Each daemon serves its session with count_requests as its loop
 * callbacks (struct fusebpf_serve_opts' loop), and calls print_requests()
 * at exit: one line "opcode N: M requests" for each FUSE opcode N it
 * received. Where the kernel does all from the backing, that is FUSE_INIT
 * and nothing else, which the examples' tests check.
 *
 * Include <fusebpf.h> first.
 */
#ifndef _REQUESTS_H
#define _REQUESTS_H

extern const struct fusebpf_loop_ops count_requests;

void print_requests(void);

#endif /* _REQUESTS_H */
