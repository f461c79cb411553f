/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * fuse-bpf: the user-space interface of fuse_bpf.ko beyond the FUSE
 * protocol of <linux/fuse.h>, which it speaks unchanged.
 */
#ifndef _UAPI_LINUX_FUSE_BPF_H
#define _UAPI_LINUX_FUSE_BPF_H

/*
 * fuse_bpf.ko is loaded beside the kernel's own FUSE and takes names of its
 * own: a daemon opens FUSE_BPF_DEVICE (a misc device with a dynamic minor)
 * and mounts FUSE_BPF_FSTYPE, or FUSE_BPF_FSTYPE ".SUBTYPE", with the usual
 * "fd=N,rootmode=M,user_id=U,group_id=G" options; block-device mounts use
 * FUSE_BPF_BLK_FSTYPE and the control filesystem is FUSE_BPF_CTL_FSTYPE,
 * mounted on FUSE_BPF_CTL_MOUNT.
 */
#define FUSE_BPF_DEVICE		"/dev/fuse-bpf"
#define FUSE_BPF_FSTYPE		"fusebpf"
#define FUSE_BPF_BLK_FSTYPE	"fusebpfblk"
#define FUSE_BPF_CTL_FSTYPE	"fusebpfctl"
#define FUSE_BPF_CTL_MOUNT	"/sys/fs/fusebpf/connections"

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Mount option that turns fuse-bpf on for a mount: "fd=N,...,bpf". Without
 * it the mount is plain FUSE and a daemon never sees anything below. With
 * it, every FUSE_LOOKUP reply may carry a struct fuse_bpf_entry_out after
 * its struct fuse_entry_out, and FUSE_DO_READDIRPLUS is not offered (a
 * READDIRPLUS entry has no room for one). A mount option rather than a
 * FUSE_INIT flag, because libfuse3 drops INIT flags it does not know.
 *
 * Node ids with FUSE_BPF_NODEID_KERNEL set are reserved on such a mount for
 * inodes the kernel looked up in a backing directory by itself; the daemon
 * never sees them, and a reply that gives one is refused (the request
 * fails).
 */
#define FUSE_BPF_MOUNT_OPTION	"bpf"
#define FUSE_BPF_NODEID_KERNEL	(1ULL << 63)

/*
 * Mount options of a backed root, beside FUSE_BPF_MOUNT_OPTION:
 * "root_fd=N" names a directory descriptor (O_PATH is enough) in the
 * table of the process that mounts; the root inode is backed by that
 * directory from the start, with the mounter's credentials less
 * CAP_SYS_RESOURCE, as a file registered with FUSE_DEV_IOC_BACKING_OPEN
 * is, so that everything below the mount point is served by the kernel
 * from the first lookup. "root_filter_fd=N", with root_fd, names the
 * struct_ops link of an attached fuse_ops instance: it is registered for
 * the connection, as FUSE_BPF_DEV_IOC_FILTER does, and filters the root
 * (its children inherit it as usual). Both need CAP_SYS_ADMIN; the mount
 * fails with EPERM without it, EBADF for a descriptor the mounter does
 * not have, ENOTDIR for one that is not a directory, ELOOP for a backing
 * stacked FILESYSTEM_MAX_STACK_DEPTH deep already, EAGAIN for a directory
 * on a FUSE mount whose FUSE_INIT is not answered yet (or, on the stock
 * FUSE, one opened O_PATH), EINVAL for a link that is not an attached
 * fuse_ops instance or an option without "bpf" (or a filter without a
 * root). As for "fd=N", the descriptors are those of the task that
 * creates the mount (mount(2), or fsconfig(2)'s FSCONFIG_CMD_CREATE), and
 * a mount that joins an existing connection ignores them. The mount is
 * one deeper in the stack than the root's backing from the start, and
 * FUSE_INIT's max_stack_depth cannot take it deeper.
 */
#define FUSE_BPF_ROOT_FD_OPTION		"root_fd"
#define FUSE_BPF_ROOT_FILTER_OPTION	"root_filter_fd"

/* Length of a struct_ops fuse_ops instance name, NUL included. */
#define FUSE_BPF_NAME_LEN	16

/* What a LOOKUP reply says about the backing of the node it returns. */
enum fuse_bpf_backing_action {
	/* No backing: a plain FUSE inode, served by the daemon. */
	FUSE_BPF_BACKING_NONE = 0,
	/*
	 * Keep the parent's: the backing is the entry of the same name in
	 * the parent's backing directory (ENOENT if there is none).
	 */
	FUSE_BPF_BACKING_PARENT = 1,
	/* The file registered with FUSE_DEV_IOC_BACKING_OPEN as backing_id. */
	FUSE_BPF_BACKING_ID = 2,
};

/* What a LOOKUP reply says about the BPF filter of the node. */
enum fuse_bpf_ops_action {
	/* Inherit the parent directory's fuse_ops instance, if any. */
	FUSE_BPF_OPS_INHERIT = 0,
	/* No filter: every operation of a backed node goes to the backing. */
	FUSE_BPF_OPS_REMOVE = 1,
	/*
	 * The struct_ops fuse_ops instance called ops_name that this
	 * connection's daemon registered with FUSE_BPF_DEV_IOC_FILTER.
	 */
	FUSE_BPF_OPS_NAME = 2,
};

/*
 * Register a filter for the connection: on the connection's
 * FUSE_BPF_DEVICE descriptor, with a pointer to the descriptor of the
 * struct_ops link of an attached fuse_ops map (bpf_link_create(), or
 * libbpf's bpf_map__attach_struct_ops()). LOOKUP replies on this
 * connection then name the instance by its name; no other connection's
 * replies can. Needs CAP_SYS_ADMIN. Fails with EEXIST while the
 * connection has a live instance of the same name; when an instance goes
 * (its link is destroyed, its loader exits), the nodes that name it fail
 * with ENOTCONN until the daemon registers another of that name.
 */
#define FUSE_BPF_DEV_IOC_FILTER	_IOW(229, 64, __u32)

/**
 * struct fuse_bpf_entry_out - the fuse-bpf extension of a LOOKUP reply
 * @backing_action: an enum fuse_bpf_backing_action
 * @backing_id: with FUSE_BPF_BACKING_ID, the id FUSE_DEV_IOC_BACKING_OPEN
 *	returned; the inode takes its own reference, so the daemon may close
 *	the id once the reply is written. Must be 0 otherwise.
 * @ops_action: an enum fuse_bpf_ops_action
 * @padding: must be 0
 * @ops_name: with FUSE_BPF_OPS_NAME, the NUL-terminated instance name
 *	(the "name" member of the struct_ops map); zeroes otherwise
 *
 * The extension is all or nothing: a reply with only a fuse_entry_out
 * means FUSE_BPF_BACKING_NONE and FUSE_BPF_OPS_INHERIT; any other length
 * than sizeof(struct fuse_bpf_entry_out) fails the lookup. The backing and
 * the filter are decided by the reply that creates the inode; replies for
 * a node the kernel already has leave its attachment as it is.
 */
struct fuse_bpf_entry_out {
	__u32	backing_action;
	__u32	backing_id;
	__u32	ops_action;
	__u32	padding;
	char	ops_name[FUSE_BPF_NAME_LEN];
};

/*
 * What a prefilter returns (a postfilter returns the operation's result,
 * which it may change):
 * FUSE_BPF_BACKING: the kernel performs the operation on the backing.
 * FUSE_BPF_USER: a normal FUSE request goes to the daemon.
 * FUSE_BPF_USER_PREFILTER: the daemon gets the request with
 *	FUSE_BPF_OPCODE_PREFILTER or'ed into the opcode; it replies with a
 *	struct fuse_bpf_filter_out whose result is one of these codes (not
 *	FUSE_BPF_USER_PREFILTER), followed by the op's input struct, which it
 *	may have edited.
 * FUSE_BPF_POSTFILTER: the backing operation, then the BPF postfilter.
 * FUSE_BPF_USER_POSTFILTER: the backing operation, then the daemon gets
 *	the op's input struct and a struct fuse_bpf_filter_out holding the
 *	result, with FUSE_BPF_OPCODE_POSTFILTER or'ed into the opcode; an error in
 *	its reply replaces the result. The operation happened: if no reply
 *	comes (the caller is killed or interrupted, the connection goes),
 *	the result stands, and so it does for a reply of EINTR, ENOTCONN,
 *	ECONNABORTED, ECONNREFUSED or ENOMEM, which the kernel gives itself
 *	when no verdict came.
 * A negative errno: the operation fails with it.
 * Without a prefilter, the operation goes to the backing, and to the
 * postfilter if the instance has one for it.
 */
enum fuse_bpf_result {
	FUSE_BPF_BACKING = 0,
	FUSE_BPF_USER = 1,
	FUSE_BPF_USER_PREFILTER = 2,
	FUSE_BPF_POSTFILTER = 3,
	FUSE_BPF_USER_POSTFILTER = 4,
};

/* Opcode flags of the daemon-side filter requests. */
#define FUSE_BPF_OPCODE_PREFILTER	0x10000
#define FUSE_BPF_OPCODE_POSTFILTER	0x20000

/**
 * struct fuse_bpf_filter_out - a daemon-side filter's verdict
 * @result: in a FUSE_BPF_OPCODE_PREFILTER reply, an enum fuse_bpf_result
 *	or a negative errno; in a FUSE_BPF_OPCODE_POSTFILTER request, the
 *	result of the backing operation
 * @padding: 0
 */
struct fuse_bpf_filter_out {
	__s64	result;
	__u64	padding;
};

/**
 * struct fuse_bpf_meta - what every filter is told about the operation
 * @nodeid: the node id (FUSE_BPF_NODEID_KERNEL set for kernel-only nodes)
 * @opcode: the FUSE opcode of the operation
 * @uid: the caller's fsuid
 * @gid: the caller's fsgid
 * @pid: the caller's thread group id
 */
struct fuse_bpf_meta {
	__u64	nodeid;
	__u32	opcode;
	__u32	uid;
	__u32	gid;
	__u32	pid;
};

/**
 * struct fuse_bpf_name - a name, argument of the filters of name operations
 * @namelen: length of @name, without the NUL
 * @padding: 0
 * @name: the NUL-terminated name
 */
struct fuse_bpf_name {
	__u32	namelen;
	__u32	padding;
	char	name[256];
};

#endif /* _UAPI_LINUX_FUSE_BPF_H */
