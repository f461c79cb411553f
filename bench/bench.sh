#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, in the VM: an ext4 file system on a RAM disk (brd), and the
# job sets of /bench run on each target over the same backing directory,
# RUNS times, the targets interleaved within each run. Prints one line per
# measurement for bench/report.py:
#	BENCH run target set job unit value cpu	("failed" if it failed)
# cpu is the whole system's CPU time (every task, daemons included) per
# unit of value: microseconds per operation or per MiB for rates, seconds
# for set E's times, nanoseconds per entry for set F's.
# "bench.sh SETS TARGETS RUNS MODE", SETS and TARGETS comma-separated,
# MODE icount or wall (what a guest second is: QEMU's -icount or not).
export PATH=/usr/bin:/bin:/sbin
sets=$(echo "$1" | tr , ' ')
targets=$(echo "$2" | tr , ' ')
runs=$3
mode=${4:-wall}
ext4=/mnt/ext4
data=$ext4/data
mnt=/mnt/fuse
# sizes that keep a run of all targets within minutes under QEMU TCG; the
# caches are dropped before each job, so reads start from the RAM disk.
# Guest time is exact in icount mode, where the same job gives the same
# figure from boot to boot within 0.4%: set C's time-based jobs can be
# short.
# fio counts in milliseconds: sets A and D take 0.1 s and more.
size_a=32M
size_c=64M
ramp=1s
runtime=2s
files=1000
if [ "$mode" = icount ]; then
	size_a=64M
	size_c=16M
	ramp=50ms
	runtime=200ms
fi
# set F's directories, made on the backing at the start
scale="1000 10000 100000"

# drop the caches, then idle a guest second (free of host time in icount
# mode) for the RCU callbacks and deferred frees they queued, which would
# land in the next job
drop_caches() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
}

# fio JOBFILE SECTION UNIT: one job; its rate from the terse line, and the
# CPU per operation: the busy share of the job's time over the rate
fio_job() {
	t0=$(/bench/now)
	out=$(BENCH_SIZE_A=$size_a BENCH_SIZE_C=$size_c BENCH_RAMP=$ramp \
	      BENCH_RUNTIME=$runtime BENCH_FILES=$files fio --minimal --section="$2" /bench/"$1" 2>/tmp/fio.err)
	rc=$?
	t1=$(/bench/now)
	line=$(echo "$out" | grep '^3;' | tail -n 1)
	# terse v3: 5 error, 7/8 read KiB/s and IOPS, 48/49 write
	err=$(echo "$line" | cut -d';' -f5)
	if [ $rc != 0 ] || [ -z "$line" ] || [ "$err" != 0 ]; then
		echo "failed failed"
		sed 's/^/# fio: /' /tmp/fio.err >&2
		return
	fi
	echo "$line" | awk -F';' -v unit="$3" -v t="$t0 $t1" '{
		split(t, n, " ")
		r = unit == "MiB/s" ? ($7 + $48) / 1024 : $8 + $49
		busy = (n[4] - n[2]) / (n[3] - n[1])
		printf("%.1f %.3f\n", r, r > 0 ? busy / r * 1e6 : 0)
	}'
}

set_a() {
	for j in seqwrite seqread randread randwrite; do
		drop_caches
		echo "BENCH $run $t A $j IOPS $(fio_job A.fio $j IOPS)"
	done
	rm -f a.dat
}

set_c() {
	for j in uring-randread-qd1 uring-randread-qd64 uring-randwrite-qd1 \
		 uring-randwrite-qd64 aio-randread-qd1 aio-randread-qd64 \
		 aio-randwrite-qd1 aio-randwrite-qd64 \
		 uring-buffered-randwrite; do
		drop_caches
		echo "BENCH $run $t C $j IOPS $(fio_job C.fio $j IOPS)"
	done
	for j in seqread-1m seqwrite-1m; do
		drop_caches
		echo "BENCH $run $t C $j MiB/s $(fio_job C.fio $j MiB/s)"
	done
	rm -f c.dat
}

# lay_out N: the files of set D's stat-N job hold 4 KiB, and fio writes
# them where create-N left them empty before it starts measuring: through
# a daemon-served target, several times the work of the job itself. The
# same job on the backing writes them there instead, unmeasured.
lay_out() {
	(cd $data/d && BENCH_FILES=$files fio --section="stat-$1" /bench/D.fio) \
		>/dev/null 2>&1 ||
		echo "bench: stat-$1 laid out through the target" >&2
}

set_d() {
	mkdir -p tree
	for n in 1 4; do
		for j in create stat delete; do
			[ $j != stat ] || lay_out $n
			drop_caches
			echo "BENCH $run $t D $j-$n ops/s $(fio_job D.fio $j-$n ops/s)"
		done
	done
	rm -rf tree
}

# timed PER COMMAND...: the command's time and the CPU time of the whole
# system meanwhile, each divided by PER (in seconds if PER is 1, in ns
# per entry if PER is a number of entries)
timed() {
	per=$1
	shift
	t0=$(/bench/now)
	if "$@" >/dev/null 2>&1; then
		t1=$(/bench/now)
		echo "$t0 $t1" | awk -v per="$per" '{
			d = per == 1 ? 1e9 : per
			printf("%.4f %.4f\n", ($3 - $1) / d, ($4 - $2) / d)
		}'
	else
		echo failed failed
	fi
}

# E: untar a part of the kernel's fs/ and stat every entry, in seconds

set_e() {
	drop_caches
	echo "BENCH $run $t E untar s $(timed 1 tar -xf /bench/fs.tar)"
	drop_caches
	echo "BENCH $run $t E find-stat s $(timed 1 sh -c 'find fs | xargs stat')"
	rm -rf fs
}

# F: scaling. For each directory of N empty files: read it (readdir, cold
# caches), stat names with cold caches (lookup) and the same again (stat,
# the entries cached), each in ns per entry; in the directory of 100,000,
# every 10th name, a lookup costing as much where it is as the others
set_f() {
	for n in $scale; do
		step=$((n > 10000 ? 10 : 1))
		per=$((n / step))
		drop_caches
		echo "BENCH $run $t F readdir-$n ns/entry $(timed "$n" /bench/scan readdir "../s/$n")"
		drop_caches
		echo "BENCH $run $t F lookup-$n ns/entry $(timed "$per" /bench/scan stat "../s/$n" "$n" $step)"
		echo "BENCH $run $t F stat-$n ns/entry $(timed "$per" /bench/scan stat "../s/$n" "$n" $step)"
	done
}

# make_scale: set F's directories on the backing, $data/s/N
make_scale() {
	for n in $scale; do
		mkdir -p "$data/s/$n"
		(cd "$data/s/$n" && awk -v n="$n" \
			'BEGIN { for (i = 1; i <= n; i++) printf("f%06d\n", i) }' |
			xargs touch) || return 1
	done
}

# fusebpf-testd with FLAGS, holding the mount until umount_target()
testd() {
	rm -f /tmp/hold /tmp/held
	# shellcheck disable=SC2086
	mkfifo /tmp/hold &&
		/tests/fusebpf-testd $1 $data $mnt /bench/bench.sh hold >/dev/null &
}

# ready T: whether target T serves $mnt. fusebpf-testd runs its command
# once the filter is attached: a lookup before that (of "d") would be
# answered without it, and the fuse-bpf-filter target run unfiltered.
ready() {
	case $1 in
	fuse-bpf*)
		[ -e /tmp/held ] ;;
	*)
		grep -q " $mnt " /proc/mounts ;;
	esac
}

# mount_target T: serve $data on $mnt as target T; its working directory
# is "d" below, looked up through the mount (and so backed, for fuse-bpf)
mount_target() {
	case $1 in
	native)
		return 0 ;;
	fuse)
		/bench/passthrough_hp --foreground --nopassthrough $data $mnt & ;;
	passthrough)
		/bench/passthrough_hp --foreground $data $mnt & ;;
	fuse-bpf-user)
		testd "" ;;
	fuse-bpf-fopen)
		testd -p ;;
	fuse-bpf)
		testd -b ;;
	fuse-bpf-filter)
		testd "-b -a" ;;
	esac
	daemon=$!
	i=0
	while ! ready "$1"; do
		i=$((i + 1))
		[ $i -lt 100 ] || return 1
		sleep 0.1
	done
}

umount_target() {
	[ "$1" = native ] && return 0
	case $1 in
	fuse-bpf*)
		# fusebpf-testd unmounts when its command ends
		echo >/tmp/hold ;;
	*)
		umount $mnt ;;
	esac
	wait $daemon
}

# fusebpf-testd runs "bench.sh hold" as its command: it holds the mount,
# blocked on the FIFO without waking (a polling loop would cost the
# fuse-bpf targets instructions the others do not pay) until one writes
if [ "$1" = hold ]; then
	touch /tmp/held
	read -r _ </tmp/hold
	exit 0
fi

# passthrough_hp keeps a descriptor per inode it knows
ulimit -n 262144

# a RAM disk of 3 GiB (the init loaded ext4)
insmod /lib/modules/fs/brd.ko rd_nr=1 rd_size=$((3 << 20)) ||
	{ echo "bench: cannot load brd"; exit 1; }
# the same UUID and directory hash seed each boot: the same htree layout
uuid=6b1f4a6e-2f0c-4c3e-9a51-0f3d2b9c7e10
# and its inode tables and journal written now, not by a kernel thread
# during the first jobs
mkfs.ext4 -q -F -U $uuid -E hash_seed=$uuid,lazy_itable_init=0,lazy_journal_init=0 /dev/ram0 &&
	mkdir -p $ext4 $mnt && mount -t ext4 /dev/ram0 $ext4 ||
	{ echo "bench: cannot make ext4 on /dev/ram0"; exit 1; }
mkdir -p $data/d
# the first writes to a fresh ext4 set up its allocator's block groups:
# done here, not in the first target's first job
dd if=/dev/zero of=$data/warm bs=1M count=1024 2>/dev/null && rm $data/warm &&
	sync || { echo "bench: cannot write to the ext4"; exit 1; }
case " $sets " in
*" F "*)
	make_scale || { echo "bench: cannot make set F's directories"; exit 1; } ;;
esac
echo "# mode: $mode"
echo "# backing: ext4 on brd (3 GiB); set A file $size_a, set C file $size_c, $runtime per set C job after $ramp, $files files per set D job, set F directories of $(echo "$scale" | tr ' ' /) files"
echo "# CPU: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), $(grep -c ^processor /proc/cpuinfo) CPUs, $(sed -n 's/^MemTotal: *//p' /proc/meminfo) memory"

run=1
while [ $run -le "$runs" ]; do
	for t in $targets; do
		if ! mount_target "$t"; then
			for s in $sets; do
				echo "BENCH $run $t $s mount unit failed"
			done
			continue
		fi
		dir=$data/d
		[ "$t" = native ] || dir=$mnt/d
		cd $dir || exit 1
		for s in $sets; do
			case $s in
			A) set_a ;;
			C) set_c ;;
			D) set_d ;;
			E) set_e ;;
			F) set_f ;;
			esac
		done
		cd /
		umount_target "$t"
		rm -rf ${data:?}/d/*
	done
	run=$((run + 1))
done
