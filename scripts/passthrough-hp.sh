#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# passthrough-hp.sh OUT, inside the build root: build libfuse's
# example/passthrough_hp from Debian's fuse3 source package, the version of
# the installed libfuse3, into OUT/passthrough_hp; kept until that version
# changes.
set -euo pipefail

out=$1
ver=$(dpkg-query -W -f '${Version}' libfuse3-dev)
[ -x "$out/passthrough_hp" ] && [ "$(cat "$out/version" 2>/dev/null)" = "$ver" ] &&
	exit 0

# the source lines of the build root's own mirror
sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >/etc/apt/sources.list.d/fuse-bpf-src.list
apt-get update -qq
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get source -qq "fuse3=$ver" >/dev/null 2>&1) ||
	{ echo "passthrough-hp: apt-get source fuse3=$ver failed" >&2; exit 1; }
mkdir -p "$out"
# shellcheck disable=SC2046
g++ -O2 -w -std=c++17 -o "$out/passthrough_hp" "$tmp"/fuse3-*/example/passthrough_hp.cc \
	$(pkg-config --cflags --libs fuse3) -pthread
echo "$ver" >"$out/version"
