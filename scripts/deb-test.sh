#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-test.sh, on the host, after scripts/deb-build.sh: test the packages of
# .build/deb in a throwaway copy of the build root, an overlayfs over it
# whose upper layer is .build/deb-test (the build root itself is not
# changed).  There: apt installs them, which has DKMS build and install
# the module for each kernel with headers; for Debian 13's 6.12 and for
# the trixie-backports kernel, the module is checked in DKMS and depmod and
# the kernel is booted with what the packages installed (scripts/deb-vm.sh,
# scripts/deb-guest.sh); a DKMS build without the kernel's linux-source
# must fail naming the package to install; apt purges the packages and
# nothing of them is left; lintian checks them.  TAP-ish results, then
# "N passed, N failed"; the exit status is non-zero on any failure.
set -euo pipefail

top=$(readlink -f "$(dirname "$0")/..")
root=$top/.build/root
debs=$top/.build/deb
work=$top/.build/deb-test
merged=$work/merged
pkgs=(fuse-bpf-dkms libfusebpf0 libfusebpf-dev libfusebpf-tools)

# The overlay lives in a mount namespace of this script's own: it goes
# away with it, whatever happens.
if [ -z "${DEB_TEST_NS:-}" ]; then
	DEB_TEST_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

n=0
passed=0
failed=0
ok() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}
# step DESCRIPTION CMD...: CMD's status decides; its output goes to
# step.log, whose end is shown on failure
step() {
	local what=$1
	shift
	if "$@" >"$work/step.log" 2>&1; then
		ok "$what"
	else
		not_ok "$what"
		tail -n 15 "$work/step.log" | sed 's/^/# /'
	fi
}
in_root() { "$top/scripts/inroot.sh" "$merged" "$@"; }
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}
trap 'echo "not ok - deb-test stopped early"; failed=$((failed + 1)); finish' ERR

rm -rf "$work"
mkdir -p "$work"/upper "$work"/work "$merged"
mount -t overlay overlay \
	-o "lowerdir=$root,upperdir=$work/upper,workdir=$work/work" "$merged"

# the kernels: Debian 13's newest 6.12, and the one of trixie-backports
# shellcheck disable=SC2012
k612=$(cd "$root/lib/modules" && ls -d 6.12.*/build 2>/dev/null |
	sed 's|/build||' | sort -V | tail -n 1)
k_bpo=$(cat "$root/etc/fuse-bpf/backports-kernel" 2>/dev/null || true)
echo "# kernels: ${k612:-no 6.12} and ${k_bpo:-no backports kernel}"
files=()
for p in "${pkgs[@]}"; do
	f=$(ls "$debs/${p}_"*.deb 2>/dev/null) || true
	[ -n "$f" ] && files+=("/src/.build/deb/$(basename "$f")")
done
if [ "${#files[@]}" = 4 ]; then
	ok "make deb built the four packages"
else
	not_ok "make deb built the four packages (there are: ${files[*]})"
fi

# apt install, as the README says: DKMS builds for every kernel with headers
step "apt install ./fuse-bpf-dkms_*.deb ./libfusebpf*.deb" \
	in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${files[@]}"
cp "$work/step.log" "$work/apt-install.log"
grep -E '^(Building for|fuse-bpf-dkms:|Error!)' "$work/apt-install.log" | sed 's/^/# /' || true
for p in "${pkgs[@]}"; do
	step "$p is installed" in_root sh -c \
		"dpkg-query -W -f '\${db:Status-Abbrev}' $p | grep -qx 'ii '"
done

for k in $k612 $k_bpo; do
	step "$k: DKMS built and installed fuse-bpf" in_root sh -c \
		"dkms status -m fuse-bpf -v 0.1.0 -k $k | grep ': installed'"
	# why not: the end of the failed build's log
	log=$merged/var/lib/dkms/fuse-bpf/0.1.0/build/make.log
	if ! grep -q ': installed' "$work/step.log" && [ -f "$log" ] &&
		grep -q "kernel $k" "$log"; then
		grep -E 'error|Error|fuse-bpf:|build-module:' "$log" | head -n 15 |
			sed 's/^/# make.log: /'
	fi
	step "$k: depmod has fuse_bpf in /lib/modules/$k/updates/dkms" \
		in_root sh -c "modinfo -k $k -F filename fuse_bpf | grep -q '^/lib/modules/$k/updates/dkms/fuse_bpf\.ko'"
	step "$k: the distribution's fuse.ko is left alone" in_root sh -c \
		"! modinfo -k $k -F filename fuse | grep -q dkms"
	# the guest: one at a time
	if in_root /src/scripts/deb-vm.sh "$k" "/src/.build/deb-test/vm-$k" \
		>"$work/vm-$k.out" 2>&1; then
		grep -E '^(not )?ok |^#' "$work/vm-$k/vm.log" || true
		awk -f "$top/scripts/tap-summary.awk" "$work/vm-$k/vm.log" \
			>"$work/vm-$k.sum" || true
		grep -v ' passed, ' "$work/vm-$k.sum" || true
		sum=$(tail -n 1 "$work/vm-$k.sum")
		echo "# $k guest: $sum"
		passed=$((passed + $(echo "$sum" | sed -n 's/^\([0-9]*\) passed.*/\1/p')))
		failed=$((failed + $(echo "$sum" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')))
	else
		not_ok "$k: the guest with the packages' module and files (not booted)"
		tail -n 15 "$work/vm-$k.out" | sed 's/^/# /'
	fi
done

# A build for a kernel whose linux-source is missing fails, naming it.
if [ -n "$k612" ]; then
	step "$k612: without /usr/src/linux-source-6.12.tar.xz, DKMS's build fails and names linux-source-6.12" \
		in_root sh -c "
		mv /usr/src/linux-source-6.12.tar.xz /usr/src/linux-source-6.12.tar.xz.away
		dkms unbuild -m fuse-bpf -v 0.1.0 -k $k612 >/dev/null
		! dkms build -m fuse-bpf -v 0.1.0 -k $k612
		rc=\$?
		mv /usr/src/linux-source-6.12.tar.xz.away /usr/src/linux-source-6.12.tar.xz
		[ \$rc = 0 ] || exit 1
		cat /var/lib/dkms/fuse-bpf/0.1.0/build/make.log
		grep -q 'apt install linux-source-6.12' /var/lib/dkms/fuse-bpf/0.1.0/build/make.log"
fi

# apt purge leaves nothing of the packages
step "apt purge of the four packages" \
	in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y "${pkgs[@]}"
# shellcheck disable=SC2016
step "no fuse_bpf.ko left under /lib/modules" in_root sh -c \
	'[ -z "$(find /lib/modules -name "fuse_bpf.ko*")" ]'
step "nothing left in DKMS's tree (/var/lib/dkms/fuse-bpf) or /usr/src/fuse-bpf-0.1.0" \
	in_root sh -c '[ ! -e /var/lib/dkms/fuse-bpf ] && [ ! -e /usr/src/fuse-bpf-0.1.0 ]'
for k in $k612 $k_bpo; do
	step "$k: depmod no longer knows fuse_bpf" in_root sh -c \
		"! modinfo -k $k fuse_bpf"
done
step "no library, header or command left" in_root sh -c \
	'! ls -d /usr/lib/x86_64-linux-gnu/libfusebpf* /usr/include/fuse-bpf \
		/usr/bin/fusebpf-passthrough 2>/dev/null | grep .'

# lintian: no error or warning left
step "lintian: no errors, no warnings" in_root sh -c \
	'lintian --fail-on error,warning /src/.build/deb/*.changes && ! lintian /src/.build/deb/*.changes | grep -q "^[EW]:"'
in_root lintian -I /src/.build/deb/fuse-bpf_0.1.0_amd64.changes 2>/dev/null |
	sed 's/^/# lintian: /' || true

trap - ERR
finish
