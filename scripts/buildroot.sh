#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Create or update the Debian 13 (trixie) build root used to build the
# module and the tests and to run the test VM.
# Usage: buildroot.sh ROOT MIRROR PKGLIST
#
# The root follows Debian 13 as its users have it: trixie, trixie-updates
# and trixie-security, so the 6.12 kernel it builds for and boots is the
# newest of those suites.  From trixie-backports it takes only the newest
# kernel (image, headers and linux-source), for make check KERNEL=backports,
# and names it in /etc/fuse-bpf/backports-kernel.
#
# The root is made once by debootstrap and kept.  The packages are installed
# and upgraded again whenever the package list or the suites changed, and
# at least once a week, so an old root never lacks a package nor lags
# behind a security update for long.
set -euo pipefail

root=$1
mirror=$2
pkglist=$3
here=$(dirname "$(readlink -f "$0")")

die() { echo "buildroot: $*" >&2; exit 1; }

need_mirror() {
	local host=${mirror#*://}
	host=${host%%/*}
	timeout 15 bash -c "exec 3<>/dev/tcp/$host/80" 2>/dev/null ||
		die "cannot reach the Debian mirror $mirror (no network?); the build root must be created once with network access"
}

if [ ! -e "$root/.stamp-debootstrap" ]; then
	command -v debootstrap >/dev/null || {
		need_mirror
		echo "buildroot: installing debootstrap on the host"
		apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null
	} || die "cannot install debootstrap on the host"
	need_mirror
	rm -rf "$root"
	mkdir -p "$root"
	echo "buildroot: debootstrap trixie into $root"
	debootstrap --variant=minbase trixie "$root" "$mirror" >"$root.log" 2>&1 ||
		die "debootstrap failed, see $root.log"
	touch "$root/.stamp-debootstrap"
fi

security=${mirror%/debian}/debian-security
sources="deb $mirror trixie main
deb $mirror trixie-updates main
deb $security trixie-security main
deb $mirror trixie-backports main"
want=$(printf '%s\n' "$sources" | cat - "$pkglist")
stamp=$root/.stamp-packages
if [ "$want" != "$(cat "$stamp" 2>/dev/null)" ] ||
	[ -n "$(find "$stamp" -mtime +6)" ]; then
	need_mirror
	echo "buildroot: installing and upgrading the packages of $pkglist"
	printf '%s\n' "$sources" >"$root/etc/apt/sources.list"
	# shellcheck disable=SC2046
	"$here/inroot.sh" "$root" sh -ec '
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get upgrade -y -qq >/dev/null
		apt-get install -y -qq --no-install-recommends "$@" >/dev/null
		# the newest kernel of trixie-backports, beside the 6.12 one
		meta=$(apt-cache madison linux-headers-amd64 |
			awk "/trixie-backports/ { print \$3; exit }")
		abi=$(apt-cache show "linux-headers-amd64=$meta" |
			sed -n "s/^Depends:.* linux-headers-\([^ ,]*\).*/\1/p")
		[ -n "$abi" ] || { echo "no kernel in trixie-backports"; exit 1; }
		src=linux-source-${abi%%.*}.$(echo "$abi" | cut -d. -f2)
		# only what must come from there: the kernel and linux-base
		apt-get install -y -qq --no-install-recommends \
			"linux-image-$abi" "linux-headers-$abi" "$src" \
			linux-base/trixie-backports >/dev/null
		mkdir -p /etc/fuse-bpf
		echo "$abi" >/etc/fuse-bpf/backports-kernel
		apt-get clean' sh $(grep -v '^#' "$pkglist") >"$root.log" 2>&1 ||
		die "package installation failed, see $root.log"
	printf '%s\n' "$want" >"$stamp"
fi

# nfstest 3.2 under Python 3.13: rexec.py runs exec(fstr) in a function, whose
# locals no longer reach the code that follows (PEP 667), and nfstest_lock
# dies with a KeyError.  Give it the module's globals.
rexec=$root/usr/lib/python3/dist-packages/nfstest/rexec.py
sed -i 's/exec(fstr)$/exec(fstr, globals())/' "$rexec"
grep -q 'exec(fstr, globals())$' "$rexec" ||
	die "cannot apply the Python 3.13 fix to $rexec"
