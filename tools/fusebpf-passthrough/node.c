// SPDX-License-Identifier: GPL-2.0
/*
 * fusebpf-passthrough: the nodes the kernel knows, each an O_PATH
 * descriptor keyed by (device, inode number), with the count of lookups
 * the kernel has not forgotten yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "passthrough.h"

/**
 * pt_fd_path - the path through which an O_PATH descriptor is reopened
 * @buf: where to write it
 * @size: size of @buf (32 bytes are enough)
 * @fd: the descriptor
 *
 * Return: @buf.
 */
char *pt_fd_path(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return buf;
}

/**
 * pt_nodes_init - start the table with the root
 * @nodes: the table
 * @source: the backing directory of the root
 *
 * Return: 0 or a negative errno (ENOTDIR if @source is not a directory).
 */
int pt_nodes_init(struct pt_nodes *nodes, const char *source)
{
	struct stat st;
	int fd;

	memset(nodes, 0, sizeof(*nodes));
	fd = open(source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int err = -errno;

		close(fd);
		return err;
	}
	nodes->root.fd = fd;
	nodes->root.dev = st.st_dev;
	nodes->root.ino = st.st_ino;
	nodes->root.nlookup = 1;
	nodes->root.backed = true;
	pthread_mutex_init(&nodes->lock, NULL);
	return 0;
}

/**
 * pt_nodes_destroy - close every node
 * @nodes: the table
 */
void pt_nodes_destroy(struct pt_nodes *nodes)
{
	struct pt_node *n, *next;
	unsigned int i;

	for (i = 0; i < PT_BUCKETS; i++) {
		for (n = nodes->hash[i]; n; n = next) {
			next = n->next;
			close(n->fd);
			free(n);
		}
		nodes->hash[i] = NULL;
	}
	if (nodes->root.fd > 0)
		close(nodes->root.fd);
	nodes->root.fd = -1;
	pthread_mutex_destroy(&nodes->lock);
}

/**
 * pt_node - the node of a node id
 * @req: a request of the session
 * @ino: a node id the kernel was given and has not forgotten
 *
 * The kernel sends a node id only while its lookup count is above zero,
 * so the node cannot go away under a request that names it.
 *
 * Return: the node.
 */
struct pt_node *pt_node(fuse_req_t req, fuse_ino_t ino)
{
	struct pt_fs *fs = fuse_req_userdata(req);

	if (ino == FUSE_ROOT_ID)
		return &fs->nodes.root;
	return (struct pt_node *)(uintptr_t)ino;
}

static struct pt_node **pt_bucket(struct pt_nodes *nodes, dev_t dev,
				  ino_t ino)
{
	uint64_t key = (uint64_t)dev * 0x9e3779b97f4a7c15ULL ^ ino;

	return &nodes->hash[key % PT_BUCKETS];
}

/**
 * pt_node_lookup - find @name in @parent and count a lookup of its node
 * @nodes: the table
 * @parent: the directory
 * @name: the name
 * @backed: whether the reply backs the node
 * @e: filled with the node id and the attributes; the caller sets the
 *	timeouts
 *
 * A file has two nodes at most: one the kernel backs and one it does not
 * (the reply of a create, mkdir, mknod, symlink or link has no room for a
 * backing), for the kernel keeps the attachment of a node id as the reply
 * that made its inode said. Every successful call must be answered with
 * @e, or undone with pt_node_forget(), so that the count stays the
 * kernel's.
 *
 * Return: 0 or a negative errno.
 */
int pt_node_lookup(struct pt_nodes *nodes, struct pt_node *parent,
		   const char *name, bool backed,
		   struct fuse_entry_param *e)
{
	struct pt_node **head, *n;
	int fd, err;

	memset(e, 0, sizeof(*e));
	fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatat(fd, "", &e->attr, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		err = -errno;
		close(fd);
		return err;
	}
	pthread_mutex_lock(&nodes->lock);
	head = pt_bucket(nodes, e->attr.st_dev, e->attr.st_ino);
	for (n = *head; n; n = n->next)
		if (n->dev == e->attr.st_dev && n->ino == e->attr.st_ino &&
		    n->backed == backed)
			break;
	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n) {
			pthread_mutex_unlock(&nodes->lock);
			close(fd);
			return -ENOMEM;
		}
		n->fd = fd;
		n->dev = e->attr.st_dev;
		n->ino = e->attr.st_ino;
		n->backed = backed;
		n->next = *head;
		*head = n;
		fd = -1;
	}
	n->nlookup++;
	pthread_mutex_unlock(&nodes->lock);
	if (fd >= 0)
		close(fd);
	e->ino = (uintptr_t)n;
	e->generation = 0;
	return 0;
}

/**
 * pt_node_forget - drop lookups of a node; the last one frees it
 * @nodes: the table
 * @ino: the node id
 * @nlookup: how many
 */
void pt_node_forget(struct pt_nodes *nodes, fuse_ino_t ino,
		    uint64_t nlookup)
{
	struct pt_node *n = (struct pt_node *)(uintptr_t)ino;
	struct pt_node **p;

	if (ino == FUSE_ROOT_ID)
		return;
	pthread_mutex_lock(&nodes->lock);
	if (nlookup >= n->nlookup) {
		for (p = pt_bucket(nodes, n->dev, n->ino); *p != n;
		     p = &(*p)->next)
			;
		*p = n->next;
	} else {
		n->nlookup -= nlookup;
		n = NULL;
	}
	pthread_mutex_unlock(&nodes->lock);
	if (n) {
		close(n->fd);
		free(n);
	}
}
