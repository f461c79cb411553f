#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo, in the VM: a fuse-bpf passthrough of a directory with a BPF
# filter attached by the daemon at lookup; then the same few operations on
# a fuse-bpf mount that sends everything to the daemon, with upstream
# passthrough, and on the stock FUSE beside it.
# "demo.sh bpf" and "demo.sh ops LABEL" run the operations on /tmp/mnt.
set -e
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
	echo "  \$ cat $m/hello.txt"
	sed 's/^/  /' $m/hello.txt
	echo "  \$ echo ... >$m/new.txt; mkdir $m/dir; mv $m/new.txt $m/dir/"
	echo "data written through $2" >$m/new.txt
	mkdir $m/dir
	mv $m/new.txt $m/dir/
	echo "  \$ ls -l $m/dir; cat $m/dir/new.txt"
	ls -l $m/dir | sed 's/^/  /'
	sed 's/^/  /' $m/dir/new.txt
	echo "  backing: $(stat -c '%s bytes, mode %a, mtime %Y' $b/dir/new.txt)"
	echo "  mount:   $(stat -c '%s bytes, mode %a, mtime %Y' $m/dir/new.txt)"
	rm -r $m/dir
	exit 0
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
