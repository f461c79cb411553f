#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a command inside the build root: inroot.sh ROOT [NAME=VALUE...] CMD [ARG...]
# The command gets a clean environment, plus the NAME=VALUE given.
#
# A private mount namespace holds /proc, /dev and the bind mount of the
# source tree at /src, so nothing stays mounted when the command ends.
# Extra host directories can be mapped with INROOT_BIND="host:guest ...".
set -euo pipefail

root=$(readlink -f "$1")
shift
src=$(readlink -f "$(dirname "$0")/..")

exec unshare --mount --propagation private /bin/bash -ec '
	root=$1 src=$2
	shift 2
	mount -t proc proc "$root/proc"
	mount --rbind /dev "$root/dev"
	mkdir -p "$root/src"
	mount --bind "$src" "$root/src"
	for m in ${INROOT_BIND:-}; do
		mkdir -p "$root/${m#*:}"
		mount --bind "${m%%:*}" "$root/${m#*:}"
	done
	exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 "$@"' inroot "$root" "$src" "$@"
