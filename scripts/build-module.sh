#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh KSRC KDIR OUT: build fuse_bpf.ko into OUT/module.
#
# The stock fs/fuse of KSRC is copied into OUT/module, the patch series of
# its version is applied (fs/fuse/patches/series for 6.12; for another
# version X.Y, fs/fuse/patches/X.Y/series, whose patches are taken from
# fs/fuse/patches/X.Y/ where a version of their own is there, else from
# fs/fuse/patches/), the project's own files are added, and Kbuild runs
# against KDIR, which must be a kernel of the same version.  The staging
# tree is made anew each time: nothing of an earlier build can leak into
# this one.
set -euo pipefail

ksrc=$1
kdir=$2
out=$3
top=$(readlink -f "$(dirname "$0")/..")
stage=$out/module

die() { echo "build-module: $*" >&2; exit 1; }

[ -f "$kdir/Makefile" ] || die "KDIR=$kdir is not a kernel build directory (no Makefile; install the kernel headers or name KDIR=)"
src=$("$top/scripts/ksrc.sh" "$ksrc" "$out/ksrc")
mk=$src/Makefile
ver=$(sed -n 's/^VERSION = //p' "$mk").$(sed -n 's/^PATCHLEVEL = //p' "$mk")
kver=$(cut -d. -f1,2 "$kdir/include/config/kernel.release" 2>/dev/null) ||
	die "KDIR=$kdir has no include/config/kernel.release"
[ "$ver" = "$kver" ] ||
	die "KSRC=$ksrc is Linux $ver, KDIR=$kdir is $kver: they must match"
patches=$top/fs/fuse/patches
series=$patches/series
if [ "$ver" != 6.12 ]; then
	series=$patches/$ver/series
	others=$(cd "$patches" && printf ' %s' */series | sed 's|/series||g')
	[ -f "$series" ] ||
		die "Linux $ver is not supported: there are series for 6.12 and$others"
fi

rm -rf "$stage"
mkdir -p "$stage/fs/fuse"
cp "$src"/fs/fuse/*.[ch] "$stage/fs/fuse/"
while read -r p; do
	case $p in '' | '#'*) continue ;; esac
	f=$patches/$ver/$p
	[ -f "$f" ] || f=$patches/$p
	patch -s -p1 -d "$stage" <"$f" || die "patch $f does not apply to $src"
done <"$series"
cp "$top/Kbuild" "$stage/"
find "$top/fs/fuse" -maxdepth 1 -type f -exec cp {} "$stage/fs/fuse/" \;
cp -r "$top/include" "$stage/"

make -C "$kdir" M="$stage" modules
ko=$stage/fs/fuse/fuse_bpf.ko
readelf -S "$ko" | grep '\.BTF' >/dev/null ||
	die "$ko has no .BTF section (is pahole installed, does KDIR have vmlinux?)"
# An alias would load this module where the stock FUSE is asked for.  (An
# export is refused by modpost already: the built-in FUSE has the names.)
[ -z "$(modinfo -F alias "$ko")" ] || die "$ko has module aliases"
