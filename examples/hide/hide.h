/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hide: what the daemon (hide.c) and its filter (hide.bpf.c) share, the
 * value of the map "rules": the patterns one uid must not see.
 *
 * Include <linux/types.h> (user space) or the filter header (BPF) first.
 */
#ifndef _HIDE_H
#define _HIDE_H

#define HIDE_MAX_RULES		8	/* patterns per uid */
#define HIDE_PATTERN_LEN	32	/* bytes of a pattern, NUL included */

/* How a pattern matches a name. */
enum hide_kind {
	HIDE_EXACT,	/* "notes.txt": that name */
	HIDE_PREFIX,	/* "secret*": names starting with "secret" */
	HIDE_SUFFIX,	/* "*.key": names ending with ".key" */
};

/**
 * struct hide_rule - one pattern
 * @kind: an enum hide_kind
 * @len: the length of @text, 1 to HIDE_PATTERN_LEN - 1
 * @text: the pattern without its '*', NUL-terminated
 */
struct hide_rule {
	__u32 kind;
	__u32 len;
	char text[HIDE_PATTERN_LEN];
};

/**
 * struct hide_rules - the patterns of one uid, the value of "rules"
 * @count: how many of @rule are used
 * @padding: 0
 * @rule: the patterns
 */
struct hide_rules {
	__u32 count;
	__u32 padding;
	struct hide_rule rule[HIDE_MAX_RULES];
};

#endif /* _HIDE_H */
