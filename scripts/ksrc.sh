#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ksrc.sh KSRC CACHE: print a kernel source directory holding what the build
# takes from the kernel (fs/fuse, the kselftest harness, checkpatch, the
# top Makefile that says its version).
#
# KSRC is a kernel tree, used as it is, or a linux-source tarball, whose
# needed parts are unpacked once into CACHE under a name made of the
# tarball's name, size and mtime, so that a new tarball is never mistaken
# for the old one.
set -euo pipefail

ksrc=$1
cache=$2

die() { echo "ksrc: $*" >&2; exit 1; }

if [ -d "$ksrc" ]; then
	[ -f "$ksrc/fs/fuse/fuse_i.h" ] || die "KSRC=$ksrc is not a kernel source tree (no fs/fuse/fuse_i.h)"
	readlink -f "$ksrc"
	exit 0
fi
[ -f "$ksrc" ] || die "KSRC=$ksrc does not exist (a kernel tree or a linux-source tarball)"

dir=$cache/$(basename "$ksrc")-$(stat -c %s-%Y "$ksrc")
if [ ! -e "$dir/.stamp" ] || [ ! -f "$dir/Makefile" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xf "$ksrc" -C "$dir" --strip-components=1 --wildcards \
		'*/fs/fuse/*' '*/tools/testing/selftests/kselftest*' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' \
		--no-wildcards-match-slash '*/Makefile' ||
		die "cannot unpack $ksrc"
	[ -f "$dir/fs/fuse/fuse_i.h" ] && [ -f "$dir/Makefile" ] ||
		die "$ksrc holds no fs/fuse or no top Makefile"
	touch "$dir/.stamp"
fi
echo "$dir"
