#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stage-ext4.sh DIR KVER, inside the build root: add to the guest tree DIR
# what an ext4 file system on a RAM disk needs: mkfs.ext4, and unless the
# kernel KVER has them built in (the debug kernel), the modules of ext4
# and its dependencies (decompressed; their load order in
# lib/modules/ext4/order, which scripts/guest-init follows) and of brd.
set -euo pipefail

dir=$1
kver=$2
mods=$dir/lib/modules/ext4

mkdir -p "$dir/usr/bin"
cp /usr/sbin/mkfs.ext4 "$dir/usr/bin/"
[ -d "/lib/modules/$kver" ] || exit 0
mkdir -p "$mods"
for m in ext4 brd; do
	modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	name=$(basename "$ko" .xz)
	xz -dc "$ko" >"$mods/$name"
	[ "$name" = brd.ko ] || echo "$name" >>"$mods/order"
done
