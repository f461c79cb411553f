/* SPDX-License-Identifier: GPL-2.0 */
/*
 * audit: what the daemon (audit.c) and its filter (audit.bpf.c) share.
 *
 * Include <linux/types.h> (user space) or the filter header (BPF) first.
 */
#ifndef _AUDIT_H
#define _AUDIT_H

#define AUDIT_NAME_LEN	64	/* bytes of a denied name, NUL included */

/**
 * struct audit_key - the key of the map "counts", whose values are the
 *	numbers of operations (__u64)
 * @uid: the callers' fsuid
 * @opcode: the FUSE opcode of the operation
 */
struct audit_key {
	__u32 uid;
	__u32 opcode;
};

/**
 * struct audit_event - a refused operation, in the ring buffer "events"
 * @uid: the caller's fsuid
 * @pid: the caller's thread group id
 * @opcode: the FUSE opcode of the operation
 * @error: the errno it failed with, negative
 * @name: the name it was about, NUL-terminated, maybe cut short
 */
struct audit_event {
	__u32 uid;
	__u32 pid;
	__u32 opcode;
	__s32 error;
	char name[AUDIT_NAME_LEN];
};

#endif /* _AUDIT_H */
