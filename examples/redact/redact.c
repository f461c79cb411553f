// SPDX-License-Identifier: GPL-2.0
/*
 * fusebpf-example-redact: SOURCE on MOUNTPOINT, with chosen byte ranges
 * of chosen files read as 'X'.
 *
 *	fusebpf-example-redact -r NAME:OFFSET:LENGTH [-r ...] SOURCE MOUNTPOINT
 *
 * NAME is a file in the root of SOURCE; up to 8 ranges per file, 64
 * files. The kernel serves the tree from SOURCE; the filter
 * (redact.bpf.c) sends this daemon the lookups of the NAMEs, their opens,
 * and the reads that touch a redacted range, with their releases. The
 * daemon answers a lookup with the backing the kernel would have taken
 * (FUSE_BPF_BACKING_PARENT), under a node id it chose and whose ranges it
 * put in the filter's map beforehand, and a read by reading the backing
 * file and masking. Everything else, stat, writes and the other reads,
 * is the backing's. At exit it prints how many requests of each FUSE
 * opcode it received.
 */
#define FUSE_USE_VERSION 317

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/libbpf.h>
#include <fuse_lowlevel.h>
#include <fusebpf.h>
#include <linux/fuse.h>

#include "redact.h"
#include "redact.skel.h"
#include "requests.h"

#define MAX_FILES	64

/*
 * The redacted files: file[i] is node id i + 2, the first after
 * FUSE_ROOT_ID; its ranges are also in the filter's map "files".
 */
static struct {
	char name[REDACT_NAME_LEN];
	struct redact_file ranges;
} file[MAX_FILES];
static unsigned int files;
static int root_fd;			/* SOURCE, O_PATH */

/* The index of file @name, -1 if it is not redacted. */
static int find(const char *name)
{
	unsigned int i;

	for (i = 0; i < files; i++)
		if (!strcmp(file[i].name, name))
			return i;
	return -1;
}

/* Add "NAME:OFFSET:LENGTH" to the files and the maps: 0 or -errno. */
static int add_range(struct redact *skel, const char *arg)
{
	unsigned long long off, len;
	struct redact_file *f;
	char name[REDACT_NAME_LEN];
	__u64 nodeid;
	__u8 one = 1;
	int i, n;

	memset(name, 0, sizeof(name));
	if (sscanf(arg, "%63[^:/]:%llu:%llu%n", name, &off, &len, &n) != 3 ||
	    arg[n] || !len || off + len < off)
		return -EINVAL;
	i = find(name);
	if (i < 0) {
		if (files == MAX_FILES)
			return -ENOSPC;
		i = files++;
		memcpy(file[i].name, name, sizeof(name));
	}
	f = &file[i].ranges;
	if (f->count == REDACT_MAX_RANGES)
		return -ENOSPC;
	f->range[f->count].off = off;
	f->range[f->count].len = len;
	f->count++;
	nodeid = i + 2;
	return bpf_map__update_elem(skel->maps.files, &nodeid, sizeof(nodeid),
				    f, sizeof(*f), BPF_ANY) ?:
	       bpf_map__update_elem(skel->maps.names, name, sizeof(name),
				    &one, sizeof(one), BPF_ANY);
}

/* Only the NAMEs in the root come here: the filter sends no other. */
static void redact_lookup(fuse_req_t req, fuse_ino_t parent,
			  const char *name)
{
	static const struct fusebpf_entry ext = {
		.backing = FUSE_BPF_BACKING_PARENT,
		.filter = FUSE_BPF_OPS_INHERIT,
	};
	struct fuse_entry_param e = {
		.entry_timeout = 3600,
		.attr_timeout = 3600,
	};
	int i = find(name);

	if (parent != FUSE_ROOT_ID || i < 0) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (fstatat(root_fd, name, &e.attr, AT_SYMLINK_NOFOLLOW)) {
		fuse_reply_err(req, errno);
		return;
	}
	e.ino = i + 2;
	if (fusebpf_reply_entry(req, &e, &ext) == -EINVAL)
		fuse_reply_err(req, EIO);
}

static void redact_open(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	int fd = -1;

	if (ino >= 2 && ino - 2 < files)
		fd = openat(root_fd, file[ino - 2].name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fuse_reply_err(req, ino >= 2 && ino - 2 < files ? errno : EIO);
		return;
	}
	fi->fh = fd;
	fuse_reply_open(req, fi);
}

/* Mask the redacted bytes of @buf, @len bytes read at @off in @f. */
static void mask(const struct redact_file *f, char *buf, size_t len,
		 off_t off)
{
	unsigned long long start, end;
	unsigned int i;

	for (i = 0; i < f->count; i++) {
		start = f->range[i].off > (unsigned long long)off ?
			f->range[i].off : off;
		end = f->range[i].off + f->range[i].len;
		if (end > off + len)
			end = off + len;
		if (start < end)
			memset(buf + (start - off), 'X', end - start);
	}
}

static void redact_read(fuse_req_t req, fuse_ino_t ino, size_t size,
			off_t off, struct fuse_file_info *fi)
{
	char *buf = malloc(size ? size : 1);
	ssize_t n;

	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	n = pread(fi->fh, buf, size, off);
	if (n < 0) {
		fuse_reply_err(req, errno);
	} else {
		mask(&file[ino - 2].ranges, buf, n, off);
		fuse_reply_buf(req, buf, n);
	}
	free(buf);
}

static void redact_release(fuse_req_t req, fuse_ino_t ino,
			   struct fuse_file_info *fi)
{
	close(fi->fh);
	fuse_reply_err(req, 0);
}

/* What the filter sends this daemon; the kernel does all the rest. */
static const struct fuse_lowlevel_ops redact_ops = {
	.lookup = redact_lookup,
	.open = redact_open,
	.read = redact_read,
	.release = redact_release,
};

int main(int argc, char *argv[])
{
	struct fusebpf_mount_opts opts = {
		.options = "allow_other",
		.subtype = "redact",
	};
	struct fusebpf_serve_opts serve = {
		.ops = &redact_ops,
		.ops_size = sizeof(redact_ops),
		.loop = &count_requests,
	};
	struct redact *skel;
	int opt, err;

	skel = redact__open_and_load();
	if (!skel || redact__attach(skel)) {
		perror("redact: loading the filter");
		return 1;
	}
	err = -EINVAL;
	while ((opt = getopt(argc, argv, "r:")) != -1) {
		if (opt != 'r')
			goto usage;
		err = add_range(skel, optarg);
		if (err) {
			fprintf(stderr, "redact: -r %s: %s\n", optarg,
				strerror(-err));
			goto out;
		}
	}
	if (optind + 2 != argc)
		goto usage;

	/* the daemon reads the redacted files from SOURCE itself */
	root_fd = open(argv[optind], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		err = -errno;
		fprintf(stderr, "redact: %s: %s\n", argv[optind],
			strerror(-err));
		goto out;
	}
	/* SOURCE backs the root, which redact.bpf.c filters */
	opts.root = argv[optind];
	opts.fsname = argv[optind];
	opts.filter = fusebpf_filter_from_skeleton(skel->skeleton);
	/* mount, serve until the unmount or SIGTERM/SIGINT, unmount */
	err = opts.filter ? fusebpf_serve(argv[optind + 1], &opts, &serve) :
			    -errno;
	fusebpf_filter_close(opts.filter);
	close(root_fd);
	if (err)
		fprintf(stderr, "redact: %s\n", strerror(-err));
	print_requests();
	goto out;
usage:
	fprintf(stderr,
		"usage: %s -r NAME:OFFSET:LENGTH [-r ...] SOURCE MOUNTPOINT\n",
		argv[0]);
out:
	redact__destroy(skel);
	return err ? 1 : 0;
}
