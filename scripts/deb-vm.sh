#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-vm.sh KVER OUT, inside the throwaway root of make check-deb, where the
# packages are installed: boot the kernel KVER under QEMU TCG with what the
# packages put on this system, and run scripts/deb-guest.sh in it.  The
# guest gets /lib/modules/KVER as DKMS and depmod left it (the module and
# the modules.* indexes), kmod, and the files of libfusebpf0 and
# libfusebpf-tools.  The guest's console goes to OUT/vm.log (its TAP lines)
# and OUT/console.log (the kernel's).
set -euo pipefail

kver=$1
out=$2
top=/src
kernel=/boot/vmlinuz-$kver

die() { echo "deb-vm: $*" >&2; exit 1; }

[ -f "$kernel" ] || die "no kernel image $kernel"
ko=$(modinfo -k "$kver" -F filename fuse_bpf 2>/dev/null) ||
	die "depmod knows no fuse_bpf for $kver (DKMS did not install it)"
rm -rf "$out"
mkdir -p "$out"/stage/lib/modules/"$kver" "$out"/stage/usr/sbin "$out"/tests \
	"$out"/guest-root

stage=$out/stage
cp -a /lib/modules/"$kver"/modules.* "$stage/lib/modules/$kver/"
cp -a --parents "$ko" "$stage"
cp /usr/bin/kmod "$stage/usr/sbin/"
for t in modprobe rmmod insmod modinfo lsmod depmod; do
	ln -s kmod "$stage/usr/sbin/$t"
done
# kmod opens liblzma when it reads an xz-compressed module
cp --parents -L /usr/lib/x86_64-linux-gnu/liblzma.so.5 "$stage"
echo 'sh /tests/deb-guest.sh' >"$stage/vm-cmd"

for p in libfusebpf0 libfusebpf-tools; do
	dpkg-query -L "$p" | while read -r f; do
		[ -d "$f" ] || cp -a --parents "$f" "$out/guest-root"
	done
done
cp "$top/scripts/deb-guest.sh" "$out/tests/"
# mkinitramfs.sh's module, which the guest's init loads with insmod
case $ko in
*.xz) xz -dc "$ko" >"$out/fuse_bpf.ko" ;;
*.zst) zstd -qdc "$ko" >"$out/fuse_bpf.ko" ;;
*) cp "$ko" "$out/fuse_bpf.ko" ;;
esac
GUEST_ROOT=$out/guest-root EXTRA=$stage "$top/scripts/mkinitramfs.sh" \
	"$out/initramfs.cpio.gz" "$out/fuse_bpf.ko" "$out/tests"

echo "# deb-vm: booting $kver under QEMU TCG"
status=0
timeout "${VM_TIMEOUT:-1800}" qemu-system-x86_64 -accel tcg -cpu max \
	-smp 2 -m 2G -no-reboot -display none -monitor none \
	-kernel "$kernel" -initrd "$out/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 fusebpf=vm" \
	-serial file:"$out/console.log" -chardev stdio,id=out,signal=off \
	-serial chardev:out </dev/null >"$out/vm.log" || status=$?
[ "$status" = 0 ] || echo "# deb-vm: QEMU exited with status $status (124: timeout)"
