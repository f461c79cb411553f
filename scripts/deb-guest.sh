#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# deb-guest.sh, in the guest of make check-deb (busybox sh, with kmod and
# what the packages installed): the module DKMS built and depmod
# registered loads with modprobe, fusebpf-passthrough mounts a tree that
# reads and stats as its source, and umount ends it.  TAP; exits with the
# number of failures.  The guest's init loaded the same module with
# insmod: it is removed first.
n=0
failed=0
k=$(uname -r)
say() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $k: $2"
	else
		echo "not ok $n - $k: $2"
		failed=$((failed + 1))
	fi
}
# poll CMD until it succeeds, 120 s at most
wait_for() {
	i=0
	until "$@" 2>/dev/null; do
		[ $i -lt 120 ] || return 1
		sleep 1
		i=$((i + 1))
	done
}
# shellcheck disable=SC2317
unloaded() { rmmod fuse_bpf && [ ! -d /sys/module/fuse_bpf ]; }
# shellcheck disable=SC2317
no_daemon() { ! pidof fusebpf-passthrough >/dev/null; }

echo "1..8"
wait_for unloaded
say $? "rmmod of the module the guest's init loaded"

modprobe fuse_bpf && [ -d /sys/module/fuse_bpf ] && [ -c /dev/fuse-bpf ]
say $? "modprobe fuse_bpf loads the module (/dev/fuse-bpf is there)"
echo "# $(modinfo -n fuse_bpf 2>&1)"
[ "$(cat /sys/module/fuse_bpf/srcversion)" = "$(modinfo -F srcversion fuse_bpf)" ]
say $? "the module loaded is the one depmod registered"

mkdir -p /tmp/src/dir /tmp/mnt
head -c 1048576 /dev/urandom >/tmp/src/big
echo hello >/tmp/src/dir/small
chmod 640 /tmp/src/big
ln -s dir/small /tmp/src/link
fusebpf-passthrough /tmp/src /tmp/mnt && grep -q ' /tmp/mnt fusebpf' /proc/mounts
say $? "fusebpf-passthrough /tmp/src /tmp/mnt mounts it"

cmp /tmp/src/big /tmp/mnt/big && cmp /tmp/src/dir/small /tmp/mnt/dir/small &&
	[ "$(readlink /tmp/mnt/link)" = dir/small ] &&
	[ "$(ls -a /tmp/mnt/dir)" = "$(ls -a /tmp/src/dir)" ]
say $? "data, links and directories read through the mount are the source's"

bad=
for f in big dir dir/small link; do
	a=$(stat -c '%s %f %u %g %h %Y' "/tmp/src/$f")
	b=$(stat -c '%s %f %u %g %h %Y' "/tmp/mnt/$f")
	[ "$a" = "$b" ] || { bad="$bad $f"; echo "# stat $f: source '$a', mount '$b'"; }
done
[ -z "$bad" ]
say $? "stat through the mount is the source's (size, mode, owner, links, mtime)"

echo written >/tmp/mnt/dir/new && [ "$(cat /tmp/src/dir/new)" = written ]
say $? "a file written through the mount is in the source"

umount /tmp/mnt && ! grep -q ' /tmp/mnt ' /proc/mounts && wait_for no_daemon &&
	wait_for unloaded
say $? "umount ends the mount and the daemon, and the module unloads"
exit $failed
