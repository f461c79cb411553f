#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-build.sh OUT, inside the build root: build fuse-bpf's Debian packages
# (debian/) into OUT: fuse-bpf-dkms, libfusebpf0, libfusebpf-dev and
# libfusebpf-tools.  The checkout, less .build and .git, is copied to
# OUT/src/fuse-bpf-VERSION and built there, so that nothing of an earlier
# build is in it; the packages, .buildinfo and .changes are moved to OUT.
set -euo pipefail

out=$1
top=/src
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
src=$out/src/fuse-bpf-$ver

rm -rf "$out"
mkdir -p "$src"
tar -C "$top" --exclude=./.build --exclude=./.git -cf - . | tar -C "$src" -xf -
cd "$src"
dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "deb-build: dpkg-buildpackage failed, see .build/deb/build.log" >&2
	exit 1
}
mv "$out"/src/*.deb "$out"/src/*.buildinfo "$out"/src/*.changes "$out"/
ls "$out"/*.deb
