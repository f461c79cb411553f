#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh deb|check, on the host: make sure the build root exists, then build
# the Debian packages in it into .build/deb (scripts/deb-build.sh); with
# check, test them too (scripts/deb-test.sh).
set -euo pipefail

mode=$1
top=$(readlink -f "$(dirname "$0")/..")
root=$top/.build/root

die() { echo "make $mode: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] ||
	die "must run as root: it makes a Debian build root (debootstrap, chroot)"
case $mode in
deb | check) ;;
*) die "deb.sh deb|check" ;;
esac

"$top/scripts/buildroot.sh" "$root" "${MIRROR:-http://deb.debian.org/debian}" \
	"$top/scripts/packages"
"$top/scripts/inroot.sh" "$root" /src/scripts/deb-build.sh /src/.build/deb
[ "$mode" = deb ] || exec "$top/scripts/deb-test.sh"
