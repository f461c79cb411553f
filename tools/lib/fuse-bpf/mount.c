// SPDX-License-Identifier: LGPL-2.1
/*
 * libfusebpf: mounting through /dev/fuse-bpf, with or without a backed
 * root, and unmounting.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "internal.h"

/**
 * struct fusebpf_mount - a mount made by fusebpf_mount()
 * @se: its session
 * @mountpoint: where it is mounted
 */
struct fusebpf_mount {
	struct fuse_session *se;
	char mountpoint[];
};

/*
 * The link of the instance of @opts->filter that the kernel registers
 * with the backed root (root_filter_fd), or -1 for none: 0, or -EINVAL or
 * -ENOENT for options that do not go together.
 */
static int root_filter(const struct fusebpf_mount_opts *opts, int *link)
{
	*link = -1;
	if (opts->root_filter && (!opts->root || !opts->filter))
		return -EINVAL;
	if (!opts->filter)
		return 0;
	if (opts->root_filter) {
		*link = fusebpf_filter_link_fd(opts->filter, opts->root_filter);
		return *link < 0 ? *link : 0;
	}
	if (fusebpf_filter_instances(opts->filter) == 1) {
		if (opts->root)
			*link = fusebpf_filter_nth_link(opts->filter, 0);
		return 0;
	}
	/* which of several filters the root? */
	return opts->root ? -EINVAL : 0;
}

/* The mount(2) data, allocated: 0 or -ENOMEM. */
static int mount_data(char **data, int dev, int root_fd, int link,
		      const char *more)
{
	char root[48] = "", filter[48] = "";

	if (root_fd >= 0)
		snprintf(root, sizeof(root), ",%s=%d",
			 FUSE_BPF_ROOT_FD_OPTION, root_fd);
	if (link >= 0)
		snprintf(filter, sizeof(filter), ",%s=%d",
			 FUSE_BPF_ROOT_FILTER_OPTION, link);
	if (asprintf(data, "fd=%d,rootmode=40000,user_id=%u,group_id=%u,%s%s%s%s%s",
		     dev, getuid(), getgid(), FUSE_BPF_MOUNT_OPTION, root,
		     filter, more && *more ? "," : "", more ? more : "") < 0)
		return -ENOMEM;
	return 0;
}

/* mount(2), which fusebpf_mount()'s @mount hides */
static int sys_mount(const char *source, const char *target,
		     const char *type, const char *data)
{
	return mount(source, target, type, MS_NOSUID | MS_NODEV, data);
}

/* Undo a mount(2) that nothing uses yet. */
static void undo_mount(const char *mountpoint)
{
	if (umount2(mountpoint, 0))
		umount2(mountpoint, MNT_DETACH);
}

/**
 * fusebpf_mount() - mount a fuse-bpf file system for a session
 * @se: the session (fuse_session_new()), not mounted yet
 * @mountpoint: the directory to mount on
 * @opts: how, or NULL for a mount whose root the daemon serves, without
 *	filter and options
 * @mount: set to the mount, for fusebpf_unmount()
 *
 * Opens FUSE_BPF_DEVICE, mounts type "fusebpf" (or "fusebpf.SUBTYPE")
 * with the "bpf" option, the backed root and its filter that @opts asks
 * for and @opts->options, registers the other instances of @opts->filter
 * for the connection, and gives the device to @se as
 * fuse_session_mount("/dev/fd/N") does: from then on the descriptor is
 * @se's, and fuse_session_destroy() closes it. The filters are registered
 * before the session takes the descriptor, so that a failure leaves @se
 * as it was. Mounting needs CAP_SYS_ADMIN, as do a backed root and filter
 * registrations.
 *
 * Return: 0, or a negative errno with nothing mounted, opened or
 * registered that stays: -EINVAL for a NULL @se, @mountpoint or @mount,
 * for @opts->root_filter without @opts->root and @opts->filter, or for a
 * @opts->filter of several instances with @opts->root and no
 * @opts->root_filter; -ENOENT for an @opts->root_filter that names no
 * instance of @opts->filter; else the errno of open(2) of the device or
 * of @opts->root, of mount(2) (EINVAL from a kernel without backed roots
 * when @opts->root is set) or of the registration
 * (fusebpf_filter_register()).
 */
int fusebpf_mount(struct fuse_session *se, const char *mountpoint,
		  const struct fusebpf_mount_opts *opts,
		  struct fusebpf_mount **mount)
{
	static const struct fusebpf_mount_opts none;
	int dev = -1, root_fd = -1, link, err;
	char *data = NULL, *type = NULL, dev_path[32];
	struct fusebpf_mount *m = NULL;
	size_t len;

	if (!se || !mountpoint || !mount)
		return -EINVAL;
	*mount = NULL;
	if (!opts)
		opts = &none;
	err = root_filter(opts, &link);
	if (err)
		return err;
	err = -ENOMEM;
	len = strlen(mountpoint) + 1;
	m = calloc(1, sizeof(*m) + len);
	if (!m)
		return err;
	memcpy(m->mountpoint, mountpoint, len);
	m->se = se;
	if (asprintf(&type, "%s%s%s", FUSE_BPF_FSTYPE,
		     opts->subtype ? "." : "",
		     opts->subtype ? opts->subtype : "") < 0) {
		type = NULL;
		goto out;
	}
	dev = open(FUSE_BPF_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		goto out_errno;
	if (opts->root) {
		root_fd = open(opts->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (root_fd < 0)
			goto out_errno;
	}
	err = mount_data(&data, dev, root_fd, link, opts->options);
	if (err)
		goto out;
	if (sys_mount(opts->fsname ? opts->fsname : FUSE_BPF_FSTYPE,
		      mountpoint, type, data))
		goto out_errno;
	if (opts->filter) {
		err = fusebpf_filter_register_dev(dev, opts->filter, link);
		if (err)
			goto out_mounted;
	}
	snprintf(dev_path, sizeof(dev_path), "/dev/fd/%d", dev);
	err = -EIO;
	if (fuse_session_mount(se, dev_path))
		goto out_mounted;
	dev = -1;
	*mount = m;
	m = NULL;
	err = 0;
	goto out;
out_errno:
	err = -errno;
	goto out;
out_mounted:
	undo_mount(mountpoint);
out:
	if (dev >= 0)
		close(dev);
	if (root_fd >= 0)
		close(root_fd);
	free(data);
	free(type);
	free(m);
	return err;
}

/**
 * fusebpf_unmount() - unmount what fusebpf_mount() mounted
 * @mount: the mount, or NULL (nothing done)
 *
 * Unmounts the mount point, lazily (MNT_DETACH) if it is busy, calls
 * fuse_session_unmount() and frees @mount, also when unmounting failed.
 * The session loop, if it still runs, then ends (ENODEV). A mount point
 * that is no longer mounted (unmounted by someone else, with umount(8)
 * or fusermount) is no error. The session stays the caller's, to be
 * destroyed with fuse_session_destroy().
 *
 * Return: 0, or the negative errno of umount2(2).
 */
int fusebpf_unmount(struct fusebpf_mount *mount)
{
	int err = 0;

	if (!mount)
		return 0;
	if (umount2(mount->mountpoint, 0)) {
		err = -errno;
		if (err == -EBUSY)
			err = umount2(mount->mountpoint, MNT_DETACH) ?
			      -errno : 0;
		if (err == -EINVAL)
			err = 0;
	}
	fuse_session_unmount(mount->se);
	free(mount);
	return err;
}
