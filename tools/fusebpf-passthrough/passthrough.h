/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fusebpf-passthrough: pass a directory through a fuse-bpf mount.
 *
 * The kernel serves the whole tree from the backing directory, under a
 * BPF filter if one is given; what the filter forwards to the daemon
 * (FUSE_BPF_USER), the daemon serves from the same directory. One
 * section per file.
 */
#ifndef _FUSEBPF_PASSTHROUGH_H
#define _FUSEBPF_PASSTHROUGH_H

#define FUSE_USE_VERSION 317

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <fuse_lowlevel.h>

#define PT_NAME		"fusebpf-passthrough"

struct fuse_in_header;

/**
 * struct pt_node - a file or directory the kernel knows by a node id
 * @next: the next node of its hash chain
 * @fd: an O_PATH descriptor of it, not following a final symlink
 * @dev: its device number, the first half of its key
 * @ino: its inode number, the second half
 * @nlookup: the lookups the kernel has not forgotten yet
 * @backed: whether the kernel's inode of this node is backed, as the
 *	replies that give it say: then LOOKUPs of its children are
 *	answered with the backing of the parent
 *
 * The node id of a node is its address, except for the root, whose node
 * id is FUSE_ROOT_ID and which is never forgotten. A node is keyed by
 * (@dev, @ino, @backed).
 */
struct pt_node {
	struct pt_node *next;
	int fd;
	dev_t dev;
	ino_t ino;
	uint64_t nlookup;
	bool backed;
};

#define PT_BUCKETS	4096

/**
 * struct pt_nodes - the nodes the kernel knows
 * @root: the root, FUSE_ROOT_ID
 * @lock: protects the hash table and the lookup counts
 * @hash: the nodes by (dev, ino)
 */
struct pt_nodes {
	struct pt_node root;
	pthread_mutex_t lock;
	struct pt_node *hash[PT_BUCKETS];
};

/**
 * struct pt_stats - the requests the daemon received
 * @path: where pt_stats_write() writes them; NULL for standard error
 * @count: the requests by FUSE opcode, filter requests apart:
 *	[0] plain requests, [1] FUSE_BPF_OPCODE_PREFILTER, [2] ..._POSTFILTER
 */
#define PT_OPCODES	64
struct pt_stats {
	const char *path;
	unsigned long count[3][PT_OPCODES];
};

/**
 * struct pt_fs - the daemon's state, the session's user data
 * @nodes: the nodes
 * @timeout: entry and attribute timeout of the replies, in seconds
 * @as_caller: make new files with the caller's fsuid and fsgid (the
 *	daemon runs as root)
 * @debug: -d was given
 * @stats: the request counters, or NULL if not asked for
 */
struct pt_fs {
	struct pt_nodes nodes;
	double timeout;
	bool as_caller;
	bool debug;
	struct pt_stats *stats;
};

/* node.c */
int pt_nodes_init(struct pt_nodes *nodes, const char *source);
void pt_nodes_destroy(struct pt_nodes *nodes);
struct pt_node *pt_node(fuse_req_t req, fuse_ino_t ino);
int pt_node_lookup(struct pt_nodes *nodes, struct pt_node *parent,
		   const char *name, bool backed,
		   struct fuse_entry_param *e);
void pt_node_forget(struct pt_nodes *nodes, fuse_ino_t ino,
		    uint64_t nlookup);
char *pt_fd_path(char *buf, size_t size, int fd);

/* ops.c */
extern const struct fuse_lowlevel_ops pt_ops;

/* stats.c */
void pt_stats_request(void *data, const struct fuse_in_header *in);
int pt_stats_write(const struct pt_stats *stats);
int pt_stats_start(struct pt_stats *stats);

#endif /* _FUSEBPF_PASSTHROUGH_H */
