#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh check|kselftest|posix|demo|vm|bench [KSRC] [KDIR], inside the build root: build the module
# and the tests for the build root's kernel (or, with KERNEL=debug, for the
# debug kernel), pack the initramfs, boot the kernel under QEMU TCG and
# report.  check is kselftest and posix in one boot.  Except for demo and
# vm, the last line printed is
# "N passed, N failed" and the exit status is non-zero on any failure.
# vm gives a shell on the terminal, or runs VM_CMD and exits with its
# status; the checkout is shared read-only at /src (9p).
set -euo pipefail

mode=$1
top=/src
out=$top/.build
# the build root's kernels: Debian 13's own (distro, and debug, built from
# its source) and the newest of trixie-backports (buildroot.sh)
if [ "${KERNEL:-distro}" = backports ]; then
	kver=$(cat /etc/fuse-bpf/backports-kernel 2>/dev/null || true)
else
	kver=$(dpkg-query -W -f '${Depends}' linux-headers-amd64 |
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
fi
ksrc=${2:-/usr/src/linux-source-$(echo "$kver" | cut -d. -f1,2).tar.xz}
kdir=${3:-/usr/src/linux-headers-$kver}
kernel=/boot/vmlinuz-$kver

die() { echo "vm: $*" >&2; exit 1; }

# Whatever stops the run before the guest's results are counted is one
# failure, reported in the same closing line.
case $mode in
demo | vm) ;;
*) trap 'echo "vm: no test ran"; echo "0 passed, 1 failed"' EXIT ;;
esac

[ -n "$kver" ] || die "no ${KERNEL:-distro} kernel in the build root"
if [ "${KERNEL:-distro}" = debug ]; then
	# the POSIX suites would take hours under KASAN: kselftests only
	if [ "$mode" = check ]; then
		echo "vm: KERNEL=debug: the kselftests, without the POSIX suites"
		mode=kselftest
	fi
	kdir=$("$top/scripts/debug-kernel.sh" "$ksrc" /cache)
	kernel=$kdir/arch/x86/boot/bzImage
	kver=$(cat "$kdir/include/config/kernel.release")-debug
fi
[ -f "$kernel" ] || die "no kernel image $kernel"

"$top/scripts/build-module.sh" "$ksrc" "$kdir" "$out"
ksft=$("$top/scripts/ksrc.sh" "$ksrc" "$out/ksrc")/tools/testing/selftests
# The user-space parts (USER_DIRS of the top-level Makefile), before the
# tests that link them; installed into the guest as a user has them.
user=(KO="$out/module/fs/fuse/fuse_bpf.ko" VMLINUX="$kdir/vmlinux")
make -s -C "$top" "${user[@]}" user
rm -rf "$out/guest-root"
make -s -C "$top" "${user[@]}" DESTDIR="$out/guest-root" PREFIX=/usr \
	LIBDIR=/usr/lib/x86_64-linux-gnu install-user
rm -rf "$out/tests"
make -s -C "$top/tools/testing/selftests/fuse-bpf" KSFT="$ksft" \
	KO="$out/module/fs/fuse/fuse_bpf.ko" VMLINUX="$kdir/vmlinux" \
	OUTPUT="$out/tests" ${TESTS:+TESTS="$TESTS"} install
mem=2G
smp=2
icount=()
append=
extra=
case $mode in
bench)
	mem=6G
	# icount: guest time counts executed instructions, one per
	# nanosecond, so a guest second is the same work whatever the host's
	# load. One vCPU, so that busy time is instructions too (two would
	# run in turn on one clock, each counting the other's time); no
	# KASLR, one source of layout changes between boots.
	if [ "$BENCH_MODE" = icount ]; then
		icount=(-icount "shift=0,sleep=off")
		smp=1
		append="nokaslr "
	fi
	append+="fusebpf.sets=$BENCH_SETS fusebpf.targets=$BENCH_TARGETS fusebpf.runs=$BENCH_RUNS fusebpf.mode=$BENCH_MODE"
	extra=$("$top/scripts/bench-stage.sh" "$out/bench" "$ksrc" "$kver")
	;;
demo)
	# fusebpf-passthrough beside libfuse's passthrough_hp: make bench's
	# staging (passthrough_hp, fio, the tree of its set E)
	extra=$("$top/scripts/bench-stage.sh" "$out/bench" "$ksrc" "$kver")
	;;
check | kselftest)
	# cred_jar on its own in /proc/slabinfo, for the credential leak test
	append=slab_nomerge
	# fault_test fills up an ext4 on a RAM disk
	extra=$out/stage-fs
	rm -rf "$extra"
	"$top/scripts/stage-fs.sh" "$extra" "$kver"
	;;
vm)
	extra=$out/stage-vm
	rm -rf "$extra"
	"$top/scripts/stage-fs.sh" "$extra" "$kver" 9p 9pnet_virtio
	[ -z "${VM_CMD:-}" ] || printf '%s\n' "$VM_CMD" >"$extra/vm-cmd"
	;;
esac
GUEST_ROOT=$out/guest-root EXTRA=$extra WITH_NFSTEST=$([ "$mode" = check ] || [ "$mode" = posix ] && echo 1 || true) \
	"$top/scripts/mkinitramfs.sh" "$out/initramfs.cpio.gz" \
	"$out/module/fs/fuse/fuse_bpf.ko" "$out/tests"

echo "vm: booting $kver under QEMU TCG ($mode)"
rm -f "$out/console.log" "$out/$mode.log"
qemu=(qemu-system-x86_64 -accel tcg -cpu max
	-smp $smp -m $mem -no-reboot -display none -monitor none
	-kernel "$kernel" -initrd "$out/initramfs.cpio.gz"
	-append "console=ttyS0 panic=-1 fusebpf=$mode $append"
	-serial file:"$out/console.log" -chardev stdio,id=out,signal=off
	-serial chardev:out "${icount[@]}")
if [ "$mode" = vm ]; then
	qemu+=(-virtfs "local,path=$top,mount_tag=src,security_model=none,readonly=on")
fi
if [ "$mode" = vm ] && [ -z "${VM_CMD:-}" ]; then
	# the terminal is the guest's: Ctrl-C goes to it, "exit" powers off
	echo "vm: kernel messages go to $out/console.log"
	exec timeout --foreground "${VM_TIMEOUT:-0}" "${qemu[@]}"
fi
status=0
timeout "${VM_TIMEOUT:-3600}" "${qemu[@]}" </dev/null | tee "$out/$mode.log" ||
	status=$?
[ "$status" = 0 ] || echo "vm: QEMU exited with status $status (124: timeout)"

if ! grep -q '^FUSEBPF-END' "$out/$mode.log"; then
	echo "vm: the guest did not finish; the end of its console:"
	tail -n 40 "$out/console.log"
fi
[ "$mode" != demo ] || exit 0
if [ "$mode" = vm ]; then
	rc=$(sed -n 's/^FUSEBPF-RC vm \([0-9]*\).*/\1/p' "$out/$mode.log")
	exit "${rc:-1}"
fi
trap - EXIT
if [ "$mode" = bench ]; then
	exec python3 "$top/bench/report.py" "$out/$mode.log" "$top/bench/results"
fi
awk -f "$top/scripts/tap-summary.awk" "$out/$mode.log"
