#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-stage.sh OUT KSRC KVER, inside the build root: gather what make
# bench adds to the guest into OUT/stage, and print its path: fio,
# libfuse's passthrough_hp (scripts/passthrough-hp.sh), the job files,
# bench.sh and its probes (now, scan), what ext4 on a RAM disk needs
# (scripts/stage-fs.sh), and for set E a tar of a few directories of the
# kernel's fs/: ext4, fuse, nfs and xfs (about 600 files).
set -euo pipefail

out=$1
ksrc=$2
kver=$3
top=/src
stage=$out/stage

"$top/scripts/passthrough-hp.sh" "$out" >&2
# set E's tree, kept per tarball
dirs="ext4 fuse nfs xfs"
key=$(stat -c '%n-%s-%Y' "$ksrc" | tr / _)-${dirs// /-}
if [ ! -f "$out/fs-$key.tar" ]; then
	rm -f "$out"/fs-*.tar
	tmp=$(mktemp -d)
	mkdir -p "$tmp/fs"
	if [ -d "$ksrc" ]; then
		for d in $dirs; do
			cp -a "$ksrc/fs/$d" "$tmp/fs/"
		done
	else
		pats=()
		for d in $dirs; do
			pats+=("*/fs/$d/*")
		done
		tar -xJf "$ksrc" -C "$tmp" --wildcards "${pats[@]}"
		mv "$tmp"/linux-*/fs/* "$tmp/fs/"
	fi
	tar -cf "$out/fs-$key.tar" -C "$tmp" fs
	rm -rf "$tmp"
fi

rm -rf "$stage"
mkdir -p "$stage"/usr/bin "$stage"/bench
"$top/scripts/stage-fs.sh" "$stage" "$kver"
cp /usr/bin/fio "$stage"/usr/bin/
cp "$out/passthrough_hp" "$top"/bench/*.fio "$top"/bench/bench.sh "$stage"/bench/
for tool in now scan; do
	gcc -O2 -Wall -Wextra -Werror -static -o "$stage/bench/$tool" "$top/bench/$tool.c"
done
cp "$out/fs-$key.tar" "$stage"/bench/fs.tar
echo "$stage"
