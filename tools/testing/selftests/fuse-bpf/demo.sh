#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo, in the VM: the same few operations on a fuse-bpf mount, with
# and without upstream passthrough, and on the stock FUSE beside it.
# "demo.sh ops LABEL" runs the operations on /tmp/mnt.
set -e
b=/tmp/backing
m=/tmp/mnt

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

mkdir -p $b $m
echo "hello from the backing directory" >$b/hello.txt
echo "== fuse_bpf.ko beside the stock FUSE"
grep fuse /proc/filesystems | sed 's/^/  /'
ls -l /dev/fuse /dev/fuse-bpf | sed 's/^/  /'
for mode in "fuse-bpf, every request to the daemon:" \
	    "fuse-bpf, upstream open-time passthrough:-p" \
	    "stock FUSE, every request to the daemon:-s"; do
	label=${mode%%:*}
	echo "== $label"
	/tests/fusebpf-testd ${mode#*:} $b $m /tests/demo.sh ops "${label%%,*}" |
		sed 's/^daemon/  daemon/'
done
