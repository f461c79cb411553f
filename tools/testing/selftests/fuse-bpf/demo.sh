#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo, in the VM. First fusebpf-passthrough, the command: the same
# untar of a source tree (/bench/fs.tar, the kernel's fs/ext4, fuse, nfs
# and xfs), stat of all it holds and 4 KiB random reads (fio) over one
# tmpfs directory through fusebpf-passthrough, through libfuse's
# passthrough_hp (upstream passthrough, then plain FUSE) and on the
# directory itself, wall times side by side. Then, shorter: a daemon
# attaching a BPF filter at lookup, and the same few operations on a
# fuse-bpf mount that sends everything to the daemon, with upstream
# passthrough, and on the stock FUSE beside it.
# "demo.sh bpf" and "demo.sh ops LABEL" run the operations on /tmp/mnt.
set -e
export PATH=/usr/bin:/bin:/sbin
b=/tmp/backing
m=/tmp/mnt

show() {
	echo "  backing: $(stat -c '%n: %s bytes, mode %a, mtime %Y, ino %i' "$b/$1")"
	echo "  mount:   $(stat -c '%n: %s bytes, mode %a, mtime %Y, ino %i' "$m/$1")"
}

if [ "${1:-}" = bpf ]; then
	echo "  \$ cat $m/tree/hello.txt"
	sed 's/^/  /' $m/tree/hello.txt
	echo "  \$ echo ... >>$m/tree/log.txt"
	echo "appended through fuse-bpf" >>$m/tree/log.txt
	show tree/log.txt
	echo "  \$ dd if=$m/tree/big of=/dev/null bs=64k"
	dd if=$m/tree/big of=/dev/null bs=64k 2>&1 | sed -n 's/^/  /p' | tail -1
	echo "  \$ truncate -s 1000 $m/tree/big; chmod 600 $m/tree/big"
	truncate -s 1000 $m/tree/big
	chmod 600 $m/tree/big
	show tree/big
	echo "  \$ cat $m/tree/secret.txt"
	cat $m/tree/secret.txt 2>&1 | sed 's/^/  /' || true
	exit 0
fi

if [ "${1:-}" = ops ]; then
	echo "data written through $2" >$m/new.txt
	mkdir $m/dir
	mv $m/new.txt $m/dir/
	echo "  \$ echo ... >$m/new.txt; mkdir $m/dir; mv $m/new.txt $m/dir/; cat $m/dir/new.txt"
	sed 's/^/  /' $m/dir/new.txt
	echo "  backing: $(stat -c '%s bytes, mode %a, mtime %Y' $b/dir/new.txt)"
	echo "  mount:   $(stat -c '%s bytes, mode %a, mtime %Y' $m/dir/new.txt)"
	rm -r $m/dir
	exit 0
fi

# Wall time of a command, in seconds, from /proc/uptime (10 ms).
uptime_cs() {
	sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime
}

timed() {
	start=$(uptime_cs)
	if "$@" >/dev/null 2>/tmp/demo.err; then
		echo "$start $(uptime_cs)" | awk '{ printf("%.2f", ($2 - $1) / 100) }'
	else
		echo failed
		sed 's/^/  # /' /tmp/demo.err >&2
	fi
}

# The work on directory $1, as a row of the table labelled $2: untar,
# find + stat, 4 KiB random reads of rr.dat, each from cold caches (the
# FUSE page cache; tmpfs keeps its own).
work() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	untar=$(timed tar -xf /bench/fs.tar -C "$1")
	echo 3 >/proc/sys/vm/drop_caches
	stat=$(timed sh -c "find $1/fs | xargs stat")
	echo 3 >/proc/sys/vm/drop_caches
	rr=$(timed fio --name=rr --filename="$1/rr.dat" --rw=randread --bs=4k \
		--size=16M --ioengine=psync --randrepeat=1 --norandommap)
	printf '  %-38s %7s %11s %13s\n' "$2" "$untar" "$stat" "$rr" >>/tmp/table
	rm -rf "${b:?}/fs"
}

# Wait for the mount on $m to be up (5 s at most); 0 if it is.
up() {
	i=0
	while ! grep -q " $m " /proc/mounts; do
		i=$((i + 1))
		[ $i -lt 50 ] || return 1
		sleep 0.1
	done
}

compare() {
	ulimit -n 65536
	mkdir -p $b $m
	dd if=/dev/zero of=$b/rr.dat bs=1M count=16 2>/dev/null
	echo "== fusebpf-passthrough: a directory passed through, the kernel serving it all"
	echo "  \$ fusebpf-passthrough -o stats=/tmp/pt.stats $b $m"
	fusebpf-passthrough -o stats=/tmp/pt.stats $b $m
	grep " $m " /proc/mounts | sed 's/^/  /'
	# once untimed first: QEMU TCG translates the code of tar, find and
	# fio the first time it runs, which the first row would pay alone
	work $m warm-up
	printf '  %-38s %7s %11s %13s\n' "wall time, s" untar "find+stat" \
		"4K randread" >/tmp/table
	work $m "fusebpf-passthrough"
	echo "  \$ umount $m"
	umount $m
	i=0
	while [ ! -e /tmp/pt.stats ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "  the requests its daemon received, all told (-o stats):"
	sed 's/^/    /' /tmp/pt.stats
	/bench/passthrough_hp --foreground $b $m &
	pid=$!
	up && work $m "passthrough_hp (upstream passthrough)"
	umount $m
	wait $pid
	/bench/passthrough_hp --foreground --nopassthrough $b $m &
	pid=$!
	up && work $m "passthrough_hp --nopassthrough (FUSE)"
	umount $m
	wait $pid
	work $b "the tmpfs directory itself"
	echo "== the same untar, find+stat and random reads, side by side"
	echo "  (one run each under QEMU TCG, whose wall times vary; make bench measures)"
	cat /tmp/table
	rm -f $b/rr.dat
}

if [ -x /usr/bin/fusebpf-passthrough ] && [ -x /bench/passthrough_hp ]; then
	compare
fi

mkdir -p $b/tree $m
echo "hello from the backing directory" >$b/hello.txt
cp $b/hello.txt $b/tree/hello.txt
echo "the log" >$b/tree/log.txt
echo "not for your eyes" >$b/tree/secret.txt
dd if=/dev/zero of=$b/tree/big bs=64k count=16 2>/dev/null
echo "== fuse_bpf.ko beside the stock FUSE"
grep fuse /proc/filesystems | sed 's/^/  /'
ls -l /dev/fuse /dev/fuse-bpf | sed 's/^/  /'
echo "== fuse-bpf: the daemon backs \"tree\" at lookup, with the filter \"demo\""
/tests/fusebpf-testd -b -f $b $m /tests/demo.sh bpf | sed 's/^daemon/  daemon/; s/^filter/  filter/'
rm $b/tree/big
for mode in "fuse-bpf, every request to the daemon:" \
	    "fuse-bpf, upstream open-time passthrough:-p" \
	    "stock FUSE, every request to the daemon:-s"; do
	label=${mode%%:*}
	echo "== $label"
	/tests/fusebpf-testd ${mode#*:} $b $m /tests/demo.sh ops "${label%%,*}" |
		sed 's/^daemon/  daemon/'
done
