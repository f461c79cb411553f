#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh KSRC KDIR OUT: build fuse_bpf.ko into OUT/module.
#
# The stock fs/fuse of KSRC is copied into OUT/module, fs/fuse/patches/series
# is applied, the project's own files are added, and Kbuild runs against
# KDIR.  The staging tree is made anew each time: nothing of an earlier
# build can leak into this one.
set -euo pipefail

ksrc=$1
kdir=$2
out=$3
top=$(readlink -f "$(dirname "$0")/..")
stage=$out/module

die() { echo "build-module: $*" >&2; exit 1; }

[ -f "$kdir/Makefile" ] || die "KDIR=$kdir is not a kernel build directory (no Makefile; install the kernel headers or name KDIR=)"
src=$("$top/scripts/ksrc.sh" "$ksrc" "$out/ksrc")

rm -rf "$stage"
mkdir -p "$stage/fs/fuse"
cp "$src"/fs/fuse/*.[ch] "$stage/fs/fuse/"
while read -r p; do
	case $p in '' | '#'*) continue ;; esac
	patch -s -p1 -d "$stage" <"$top/fs/fuse/patches/$p" ||
		die "patch $p does not apply to $src"
done <"$top/fs/fuse/patches/series"
cp "$top/Kbuild" "$stage/"
find "$top/fs/fuse" -maxdepth 1 -type f -exec cp {} "$stage/fs/fuse/" \;
cp -r "$top/include" "$stage/"

make -C "$kdir" M="$stage" modules
ko=$stage/fs/fuse/fuse_bpf.ko
readelf -S "$ko" | grep -q '\.BTF' ||
	die "$ko has no .BTF section (is pahole installed, does KDIR have vmlinux?)"
# An alias would load this module where the stock FUSE is asked for.  (An
# export is refused by modpost already: the built-in FUSE has the names.)
! modinfo -F alias "$ko" | grep -q . || die "$ko has module aliases"
