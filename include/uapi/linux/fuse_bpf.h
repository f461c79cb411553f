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

#endif /* _UAPI_LINUX_FUSE_BPF_H */
