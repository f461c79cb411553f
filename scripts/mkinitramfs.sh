#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT KO TESTDIR: pack the test VM's initramfs into OUT.
#
# busybox, the module (debug info stripped), the test binaries and scripts
# of TESTDIR with the shared libraries ldd names, and scripts/guest-init;
# with WITH_NFSTEST=1, python3 and nfstest too; with EXTRA=DIR, the tree
# DIR (make bench's), with the libraries of its executables; with
# GUEST_ROOT=DIR, what make install-user installed there, without headers,
# static libraries and pkg-config files, with the libraries it needs.
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
# The POSIX suites: python3 and nfstest, with their libraries and the few
# files of /etc they read.
if [ "${WITH_NFSTEST:-}" = 1 ]; then
	mkdir -p "$tmp"/usr/bin "$tmp"/usr/lib/python3 "$tmp"/etc
	cp -a /usr/bin/python3 /usr/bin/python3.13 /usr/bin/nfstest_posix \
		/usr/bin/nfstest_lock "$tmp"/usr/bin/
	cp -a /usr/lib/python3.13 "$tmp"/usr/lib/
	cp -a /usr/lib/python3/dist-packages "$tmp"/usr/lib/python3/
	for f in /usr/bin/python3.13 /usr/lib/python3.13/lib-dynload/*.so; do
		ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
	done | sort -u | while read -r lib; do
		cp --parents -L "$lib" "$tmp"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp"/etc/passwd
	echo 'root:x:0:' >"$tmp"/etc/group
	echo '127.0.0.1 localhost' >"$tmp"/etc/hosts
fi
if [ -n "${GUEST_ROOT:-}" ] && [ -d "$GUEST_ROOT" ]; then
	(cd "$GUEST_ROOT" && find . ! -type d ! -path '*/include/*' \
		! -name '*.a' ! -name '*.pc' -print0 |
		cpio -0pdm --quiet "$tmp")
	find "$GUEST_ROOT" -type f \( -perm -u+x -o -name '*.so*' \) |
	while read -r f; do
		ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
	done | sort -u | while read -r lib; do
		cp --parents -L "$lib" "$tmp"
	done
fi
if [ -n "${EXTRA:-}" ]; then
	cp -a "$EXTRA"/. "$tmp"/
	find "$EXTRA" -type f -perm -u+x | while read -r f; do
		ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
	done | sort -u | while read -r lib; do
		cp --parents -L "$lib" "$tmp"
	done
fi
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
