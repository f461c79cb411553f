#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT KO TESTDIR: pack the test VM's initramfs into OUT.
#
# busybox, the module (debug info stripped), the test binaries and scripts
# of TESTDIR with the shared libraries ldd names, and scripts/guest-init.
set -euo pipefail

out=$1
ko=$2
tests=$3
top=$(readlink -f "$(dirname "$0")/..")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp"/{bin,dev,proc,sys,tmp,mnt,lib/modules,tests}
ln -s bin "$tmp/sbin"
cp /usr/bin/busybox "$tmp/bin/busybox"
for applet in $(busybox --list); do
	[ "$applet" = busybox ] || ln -s busybox "$tmp/bin/$applet"
done
install -m 755 "$top/scripts/guest-init" "$tmp/init"
strip --strip-debug -o "$tmp/lib/modules/fuse_bpf.ko" "$ko"
cp -a "$tests"/. "$tmp/tests/"
for f in "$tmp"/tests/*; do
	[ -x "$f" ] && ! [ -d "$f" ] || continue
	ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
done | sort -u | while read -r lib; do
	cp --parents -L "$lib" "$tmp"
done
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
