#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh check|kselftest|posix|demo|vm|bench, on the host: make sure the build root exists, then
# build and run MODE inside it (scripts/vm.sh).  KSRC and KDIR, when set,
# are host paths, mapped into the build root.  KERNEL=debug boots the debug
# kernel of kernel/debug.config, built once into FUSE_BPF_CACHE (default
# /var/cache/fuse-bpf, outside the clone, so that clones share it).
set -euo pipefail

mode=$1
top=$(readlink -f "$(dirname "$0")/..")
root=$top/.build/root

die() { echo "make $mode: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] ||
	die "must run as root: it makes a Debian build root (debootstrap, chroot) and boots a VM"

binds=()
ksrc=
kdir=
if [ -n "${KSRC:-}" ]; then
	[ -e "$KSRC" ] || die "KSRC=$KSRC does not exist (a kernel tree or a linux-source tarball)"
	if [ -d "$KSRC" ]; then
		binds+=("$(readlink -f "$KSRC"):/mnt/ksrc")
		ksrc=/mnt/ksrc
	else
		binds+=("$(dirname "$(readlink -f "$KSRC")"):/mnt/ksrc")
		ksrc=/mnt/ksrc/$(basename "$KSRC")
	fi
fi
if [ -n "${KDIR:-}" ]; then
	[ -f "$KDIR/Makefile" ] || die "KDIR=$KDIR is not a kernel build directory (no Makefile)"
	binds+=("$(readlink -f "$KDIR"):/mnt/kdir")
	kdir=/mnt/kdir
fi

kernel=${KERNEL:-distro}
case $kernel in
distro) ;;
debug)
	cache=${FUSE_BPF_CACHE:-/var/cache/fuse-bpf}
	mkdir -p "$cache"
	binds+=("$(readlink -f "$cache"):/cache")
	;;
backports) ;;
*) die "KERNEL=$kernel: there are KERNEL=distro (the default), debug and backports" ;;
esac

# make bench: SETS, TARGETS and RUNS, checked before anything is built
bench=()
if [ "$mode" = bench ]; then
	all_targets="native fuse fuse-bpf-user passthrough fuse-bpf-fopen fuse-bpf fuse-bpf-filter"
	sets=${SETS:-A,C,D,E,F}
	targets=${TARGETS:-${all_targets// /,}}
	runs=${RUNS:-3}
	bmode=${MODE:-icount}
	case $bmode in
	icount | wall) ;;
	*) die "MODE=$bmode: there is MODE=icount (the default) and MODE=wall" ;;
	esac
	for s in ${sets//,/ }; do
		case $s in
		A | C | D | E | F) ;;
		*) die "SETS: there is no job set '$s' (there are A, C, D, E and F)" ;;
		esac
	done
	for t in ${targets//,/ }; do
		case " $all_targets " in
		*" $t "*) ;;
		*) die "TARGETS: there is no target '$t' (there are: $all_targets)" ;;
		esac
	done
	# every figure is a ratio to native, measured in the same run
	case ",$targets," in
	*,native,*) ;;
	*) targets=native,$targets ;;
	esac
	[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "RUNS=$runs: a number of runs, at least 1"
	bench=(BENCH_SETS="$sets" BENCH_TARGETS="$targets" BENCH_RUNS="$runs"
		BENCH_MODE="$bmode")
fi

"$top/scripts/buildroot.sh" "$root" "${MIRROR:-http://deb.debian.org/debian}" \
	"$top/scripts/packages"
timeout=3600
[ "$mode" != bench ] || timeout=14400
# an interactive make vm lasts as long as its shell
[ "$mode" != vm ] || [ -n "${CMD:-}" ] || timeout=0
INROOT_BIND="${binds[*]}" exec "$top/scripts/inroot.sh" "$root" \
	VM_TIMEOUT="${VM_TIMEOUT:-$timeout}" KERNEL="$kernel" TESTS="${TESTS:-}" \
	VM_CMD="${CMD:-}" TERM="${TERM:-dumb}" \
	"${bench[@]}" \
	/src/scripts/vm.sh "$mode" "$ksrc" "$kdir"
