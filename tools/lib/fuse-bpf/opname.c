// SPDX-License-Identifier: LGPL-2.1
/*
 * libfusebpf: the names of FUSE opcodes, for daemons that count or log
 * what they receive.
 */
#include <linux/fuse.h>

#include "internal.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char * const fusebpf_opnames[] = {
	[FUSE_LOOKUP] = "LOOKUP", [FUSE_FORGET] = "FORGET",
	[FUSE_GETATTR] = "GETATTR", [FUSE_SETATTR] = "SETATTR",
	[FUSE_READLINK] = "READLINK", [FUSE_SYMLINK] = "SYMLINK",
	[FUSE_MKNOD] = "MKNOD", [FUSE_MKDIR] = "MKDIR",
	[FUSE_UNLINK] = "UNLINK", [FUSE_RMDIR] = "RMDIR",
	[FUSE_RENAME] = "RENAME", [FUSE_LINK] = "LINK",
	[FUSE_OPEN] = "OPEN", [FUSE_READ] = "READ", [FUSE_WRITE] = "WRITE",
	[FUSE_STATFS] = "STATFS", [FUSE_RELEASE] = "RELEASE",
	[FUSE_FSYNC] = "FSYNC", [FUSE_SETXATTR] = "SETXATTR",
	[FUSE_GETXATTR] = "GETXATTR", [FUSE_LISTXATTR] = "LISTXATTR",
	[FUSE_REMOVEXATTR] = "REMOVEXATTR", [FUSE_FLUSH] = "FLUSH",
	[FUSE_INIT] = "INIT", [FUSE_OPENDIR] = "OPENDIR",
	[FUSE_READDIR] = "READDIR", [FUSE_RELEASEDIR] = "RELEASEDIR",
	[FUSE_FSYNCDIR] = "FSYNCDIR", [FUSE_GETLK] = "GETLK",
	[FUSE_SETLK] = "SETLK", [FUSE_SETLKW] = "SETLKW",
	[FUSE_ACCESS] = "ACCESS", [FUSE_CREATE] = "CREATE",
	[FUSE_INTERRUPT] = "INTERRUPT", [FUSE_BMAP] = "BMAP",
	[FUSE_DESTROY] = "DESTROY", [FUSE_IOCTL] = "IOCTL",
	[FUSE_POLL] = "POLL", [FUSE_NOTIFY_REPLY] = "NOTIFY_REPLY",
	[FUSE_BATCH_FORGET] = "BATCH_FORGET",
	[FUSE_FALLOCATE] = "FALLOCATE", [FUSE_READDIRPLUS] = "READDIRPLUS",
	[FUSE_RENAME2] = "RENAME2", [FUSE_LSEEK] = "LSEEK",
	[FUSE_COPY_FILE_RANGE] = "COPY_FILE_RANGE",
	[FUSE_SYNCFS] = "SYNCFS", [FUSE_TMPFILE] = "TMPFILE",
	[FUSE_STATX] = "STATX",
};

/**
 * fusebpf_opname() - the name of a FUSE opcode
 * @opcode: the opcode, without FUSE_BPF_OPCODE_PREFILTER or
 *	FUSE_BPF_OPCODE_POSTFILTER
 *
 * Return: its name as <linux/fuse.h> spells it without "FUSE_", such as
 * "LOOKUP", or NULL for an opcode it does not know.
 */
const char *fusebpf_opname(uint32_t opcode)
{
	if (opcode >= ARRAY_SIZE(fusebpf_opnames))
		return NULL;
	return fusebpf_opnames[opcode];
}
