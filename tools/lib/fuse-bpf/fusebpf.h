/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * libfusebpf: what a libfuse3 low-level daemon calls to use fuse-bpf.
 *
 * fuse-bpf speaks the FUSE protocol of <linux/fuse.h> with the few
 * additions of <linux/fuse_bpf.h>: a mount option, an extension of LOOKUP
 * replies, a registration ioctl for BPF filters and two kinds of requests
 * for filters run by the daemon. libfuse knows none of them; this library
 * does them on top of a struct fuse_session, which stays the daemon's.
 *
 * Every call that can fail returns 0 (or a positive id) on success and a
 * negative errno on failure, and a failed call leaves nothing behind: no
 * descriptor, no mount, no registration.
 *
 * Include <fuse_lowlevel.h> with FUSE_USE_VERSION 317 or later first.
 * Build with `pkg-config --cflags --libs libfusebpf`. Each function is
 * documented where it is defined: mount.c, backing.c, entry.c, filter.c,
 * loop.c, loop_mt.c and serve.c. fusebpf_serve() is most of a daemon in
 * one call: session, mount, loop, unmount.
 */
#ifndef _FUSEBPF_H
#define _FUSEBPF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/fuse_bpf.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bpf_object;
struct bpf_object_skeleton;
struct fuse_args;
struct fuse_entry_param;
struct fuse_in_header;
struct fuse_lowlevel_ops;
struct fuse_session;
struct fusebpf_filter;
struct fusebpf_mount;

/**
 * struct fusebpf_mount_opts - how fusebpf_mount() mounts
 * @root: the backing directory of the mount root, or NULL for a root
 *	the daemon serves. With one, everything below the mount point is
 *	served by the kernel from the first lookup, as the filter says.
 * @filter: a loaded filter whose instances are all registered for the
 *	mount, or NULL
 * @root_filter: the name of the instance of @filter that filters the
 *	root, and what inherits it; NULL for @filter's only instance, or
 *	for none if @filter is NULL. Needs @root.
 * @options: more mount options, comma separated ("allow_other",
 *	"default_permissions", "max_read=N", ...), or NULL
 * @fsname: the source shown in /proc/self/mounts, or NULL for "fusebpf"
 * @subtype: the type is "fusebpf.@subtype", or "fusebpf" if NULL
 */
struct fusebpf_mount_opts {
	const char *root;
	struct fusebpf_filter *filter;
	const char *root_filter;
	const char *options;
	const char *fsname;
	const char *subtype;
};

int fusebpf_mount(struct fuse_session *se, const char *mountpoint,
		  const struct fusebpf_mount_opts *opts,
		  struct fusebpf_mount **mount);
int fusebpf_unmount(struct fusebpf_mount *mount);

int fusebpf_backing_open(struct fuse_session *se, int fd);
int fusebpf_backing_close(struct fuse_session *se, int backing_id);

/**
 * struct fusebpf_entry - the fuse-bpf part of a LOOKUP reply
 * @backing: an enum fuse_bpf_backing_action
 * @backing_id: with FUSE_BPF_BACKING_ID, what fusebpf_backing_open()
 *	returned
 * @filter: an enum fuse_bpf_ops_action
 * @filter_name: with FUSE_BPF_OPS_NAME, the instance's name
 */
struct fusebpf_entry {
	unsigned int backing;
	int backing_id;
	unsigned int filter;
	const char *filter_name;
};

int fusebpf_reply_entry(fuse_req_t req, const struct fuse_entry_param *e,
			const struct fusebpf_entry *ext);

struct fusebpf_filter *fusebpf_filter_open(const char *path);
struct fusebpf_filter *fusebpf_filter_from_skeleton(
	const struct bpf_object_skeleton *skel);
struct bpf_object *fusebpf_filter_object(const struct fusebpf_filter *f);
int fusebpf_filter_link_fd(const struct fusebpf_filter *f, const char *name);
int fusebpf_filter_register(struct fuse_session *se,
			    const struct fusebpf_filter *f);
void fusebpf_filter_close(struct fusebpf_filter *f);

/**
 * struct fusebpf_request - a daemon-side filter request
 * @opcode: the FUSE opcode, without FUSE_BPF_OPCODE_PREFILTER or
 *	FUSE_BPF_OPCODE_POSTFILTER
 * @nodeid: the node (FUSE_BPF_NODEID_KERNEL set for a kernel-only node)
 * @uid: the caller's fsuid
 * @gid: the caller's fsgid
 * @pid: the caller's thread group id
 * @arg: the operation's input, as the kernel sent it
 * @size: its size in bytes
 */
struct fusebpf_request {
	uint32_t opcode;
	uint64_t nodeid;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	void *arg;
	size_t size;
};

/**
 * struct fusebpf_loop_ops - what the session loop hands the daemon
 * @prefilter: a FUSE_BPF_USER_PREFILTER request: return an enum
 *	fuse_bpf_result other than FUSE_BPF_USER_PREFILTER, or a negative
 *	errno to fail the operation; it may edit @req->arg, which goes back
 *	to the kernel. NULL: FUSE_BPF_BACKING.
 * @postfilter: a FUSE_BPF_USER_POSTFILTER request, after the backing
 *	operation gave @result: return 0 to keep it, or a negative errno
 *	that replaces it. NULL: 0.
 * @request: if set, called with every request as it arrives, before
 *	anything handles it
 *
 * Every other request goes to libfuse's fuse_session_process_buf().
 */
struct fusebpf_loop_ops {
	int (*prefilter)(void *data, struct fusebpf_request *req);
	int (*postfilter)(void *data, const struct fusebpf_request *req,
			  int64_t result);
	void (*request)(void *data, const struct fuse_in_header *in);
};

int fusebpf_session_loop(struct fuse_session *se,
			 const struct fusebpf_loop_ops *ops, void *data);
int fusebpf_session_loop_mt(struct fuse_session *se,
			    const struct fusebpf_loop_ops *ops, void *data,
			    unsigned int threads);

/**
 * struct fusebpf_serve_opts - the session fusebpf_serve() makes and serves
 * @args: libfuse's options for fuse_session_new(), which rewrites them
 *	(free them with fuse_opt_free_args() after), or NULL for none
 * @ops: the session's handlers, or NULL for none: a mount whose root is
 *	backed and whose filter sends the daemon nothing needs none
 * @ops_size: sizeof(*@ops)
 * @userdata: what fuse_req_userdata() gives the handlers
 * @loop: the session loop's callbacks (fusebpf_session_loop()), or NULL
 * @loop_data: their first argument
 * @threads: 0 or 1 for the calling thread alone; 2 to 256 for that many
 *	workers (fusebpf_session_loop_mt())
 */
struct fusebpf_serve_opts {
	struct fuse_args *args;
	const struct fuse_lowlevel_ops *ops;
	size_t ops_size;
	void *userdata;
	const struct fusebpf_loop_ops *loop;
	void *loop_data;
	unsigned int threads;
};

int fusebpf_serve(const char *mountpoint,
		  const struct fusebpf_mount_opts *opts,
		  const struct fusebpf_serve_opts *serve);

const char *fusebpf_opname(uint32_t opcode);

#ifdef __cplusplus
}
#endif

#endif /* _FUSEBPF_H */
