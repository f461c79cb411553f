/* SPDX-License-Identifier: GPL-2.0 */
/*
 * redact: what the daemon (redact.c) and its filter (redact.bpf.c) share.
 *
 * Include <linux/types.h> (user space) or the filter header (BPF) first.
 */
#ifndef _REDACT_H
#define _REDACT_H

#define REDACT_NAME_LEN		64	/* bytes of a file name, NUL included */
#define REDACT_MAX_RANGES	8	/* redacted ranges per file */

/**
 * struct redact_range - bytes the daemon serves as 'X'
 * @off: the offset of the first
 * @len: how many
 */
struct redact_range {
	__u64 off;
	__u64 len;
};

/**
 * struct redact_file - the value of the map "files", by node id
 * @count: how many of @range are used
 * @padding: 0
 * @range: the redacted ranges
 */
struct redact_file {
	__u32 count;
	__u32 padding;
	struct redact_range range[REDACT_MAX_RANGES];
};

#endif /* _REDACT_H */
