/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forced into every object of fuse_bpf.ko by Kbuild, after the target
 * kernel's autoconf.h.
 *
 * The module is built from the stock fs/fuse of a kernel that has FUSE
 * built in; whatever that kernel's configuration says, the module leaves
 * DAX out (it serves no virtiofs mounts), and FUSE over io_uring (7.3): a
 * daemon asking for it in FUSE_INIT is not granted it, and io_uring
 * commands on /dev/fuse-bpf are EOPNOTSUPP.
 */
#undef CONFIG_FUSE_DAX
#undef CONFIG_FUSE_IO_URING
