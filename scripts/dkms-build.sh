#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-build.sh KVER: DKMS's build of fuse_bpf.ko for the kernel KVER (the
# MAKE of dkms.conf), run in DKMS's copy of the sources.  The stock fs/fuse
# comes from /usr/src/linux-source-X.Y.tar.xz, X.Y being KVER's version, and
# the module is built against /lib/modules/KVER/build by
# scripts/build-module.sh into module/fs/fuse/fuse_bpf.ko.  KSRC, when set,
# names another kernel tree or tarball.
set -euo pipefail

kver=$1
top=$(readlink -f "$(dirname "$0")/..")
xy=$(echo "$kver" | cut -d. -f1,2)
ksrc=${KSRC:-/usr/src/linux-source-$xy.tar.xz}
kdir=/lib/modules/$kver/build

die() { echo "fuse-bpf: $*" >&2; exit 1; }

[[ $xy =~ ^[0-9]+\.[0-9]+$ ]] || die "cannot tell the version X.Y of the kernel $kver"
[ -e "$ksrc" ] || die "$ksrc is missing: fuse_bpf.ko for $kver is built from the fs/fuse of that kernel's source. Install it: apt install linux-source-$xy (for a trixie-backports kernel: apt install -t trixie-backports linux-source-$xy), then: dkms autoinstall -k $kver"
[ -f "$kdir/Makefile" ] || die "$kdir is missing: install the headers of the kernel: apt install linux-headers-$kver"
echo "fuse-bpf: building fuse_bpf.ko for $kver from the fs/fuse of $ksrc"
exec "$top/scripts/build-module.sh" "$ksrc" "$kdir" "$top"
