#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stage-fs.sh DIR KVER [MODULE...], inside the build root: add to the guest tree DIR
# what ext4 and XFS file systems on RAM disks and loop devices, and
# overlayfs, need: mkfs.ext4 and mkfs.xfs, and unless the kernel KVER has
# them built in (the debug kernel), the modules of ext4, XFS, loop,
# overlay and their
# dependencies (decompressed; their load order in lib/modules/fs/order,
# which scripts/guest-init follows) and of brd; and those of the MODULEs
# given (make vm's 9p).
set -euo pipefail

dir=$1
kver=$2
shift 2
mods=$dir/lib/modules/fs

mkdir -p "$dir/usr/bin"
cp /usr/sbin/mkfs.ext4 /usr/sbin/mkfs.xfs "$dir/usr/bin/"
[ -d "/lib/modules/$kver" ] || exit 0
mkdir -p "$mods"
for m in ext4 xfs loop overlay brd "$@"; do
	modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	name=$(basename "$ko" .xz)
	xz -dc "$ko" >"$mods/$name"
	[ "$name" = brd.ko ] || echo "$name" >>"$mods/order"
done
