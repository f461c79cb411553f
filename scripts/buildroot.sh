#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Create or update the Debian trixie build root used to build the module and
# the tests and to run the test VM.  Usage: buildroot.sh ROOT MIRROR PKGLIST
#
# The root is made once by debootstrap and kept; the package list is
# installed again whenever it changed, so an old root never lacks a package.
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

if ! cmp -s "$pkglist" "$root/.stamp-packages"; then
	need_mirror
	echo "buildroot: installing packages from $pkglist"
	# shellcheck disable=SC2046
	"$here/inroot.sh" "$root" sh -ec '
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "$@" >/dev/null
		apt-get clean' sh $(grep -v '^#' "$pkglist") >"$root.log" 2>&1 ||
		die "package installation failed, see $root.log"
	cp "$pkglist" "$root/.stamp-packages"
fi

# nfstest 3.2 under Python 3.13: rexec.py runs exec(fstr) in a function, whose
# locals no longer reach the code that follows (PEP 667), and nfstest_lock
# dies with a KeyError.  Give it the module's globals.
rexec=$root/usr/lib/python3/dist-packages/nfstest/rexec.py
sed -i 's/exec(fstr)$/exec(fstr, globals())/' "$rexec"
grep -q 'exec(fstr, globals())$' "$rexec" ||
	die "cannot apply the Python 3.13 fix to $rexec"
