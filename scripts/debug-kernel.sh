#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh KSRC CACHE, inside the build root: build (once) the debug
# kernel of kernel/debug.config from the linux-source tarball KSRC and
# print its build directory, which is both the KDIR of the module and the
# home of the bzImage the VM boots.
#
# The tree lives in CACHE under a name made of the tarball's name, size and
# mtime and a hash of the configuration inputs (kernel/debug.config and this
# script); it is marked done only after a complete build, so an interrupted
# build is resumed, never used.
set -euo pipefail

ksrc=$1
cache=$2
top=$(readlink -f "$(dirname "$0")/..")

die() { echo "debug-kernel: $*" >&2; exit 1; }

[ -f "$ksrc" ] || die "KERNEL=debug needs a linux-source tarball (KSRC=$ksrc)"
ver=$(basename "$ksrc" .tar.xz)-$(stat -c %s-%Y "$ksrc")
hash=$(cat "$top/kernel/debug.config" "$0" | sha256sum | cut -c1-12)
tree=$cache/$ver-debug-$hash

if [ ! -e "$tree/.stamp-built" ]; then
	if [ ! -e "$tree/.stamp-unpacked" ]; then
		# Trees of an older tarball or configuration are not used again.
		rm -rf "$cache"/*-debug-*
		mkdir -p "$tree"
		echo "debug-kernel: unpacking $ksrc into $tree" >&2
		tar -xf "$ksrc" -C "$tree" --strip-components=1
		touch "$tree/.stamp-unpacked"
	fi
	echo "debug-kernel: building (about 20 minutes on 2 cores)" >&2
	(
		cd "$tree"
		make -s x86_64_defconfig
		scripts/kconfig/merge_config.sh -m .config \
			kernel/configs/kvm_guest.config "$top/kernel/debug.config"
		make -s olddefconfig
		for opt in $(grep -o '^CONFIG_[A-Z0-9_]*=[^n]*' "$top/kernel/debug.config"); do
			grep -qx "$opt" .config || die "$opt did not stick in .config"
		done
		make -s -j"$(nproc)" bzImage modules
	) >&2 || die "the build failed"
	touch "$tree/.stamp-built"
fi
echo "$tree"
