#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo, in the VM: the same few operations on a fuse-bpf mount, with
# and without upstream passthrough, and on the stock FUSE beside it.
set -e
b=/tmp/backing
mkdir -p $b /tmp/mnt
echo "hello from the backing directory" >$b/hello.txt

ops() {
	m=/tmp/mnt
	echo "  \$ cat $m/hello.txt"; sed 's/^/  /' $m/hello.txt
	echo "  \$ echo data >$m/new.txt; cat $m/new.txt"
	echo "data written through $1" >$m/new.txt; sed 's/^/  /' $m/new.txt
	echo "  \$ mkdir $m/dir; mv $m/new.txt $m/dir/; ls -l $m/dir"
	mkdir $m/dir; mv $m/new.txt $m/dir/; ls -l $m/dir | sed 's/^/  /'
	echo "  backing file: $(stat -c '%s bytes, mode %a' $b/dir/new.txt)"
	echo "  mount:        $(stat -c '%s bytes, mode %a' $m/dir/new.txt)"
	rm -r $m/dir
}

echo "== fuse_bpf.ko beside the stock FUSE"
grep fuse /proc/filesystems | sed 's/^/  /'
ls -l /dev/fuse /dev/fuse-bpf | sed 's/^/  /'
for mode in "fuse-bpf, every request to the daemon:" \
	    "fuse-bpf with open-time passthrough (-p):-p" \
	    "stock FUSE, every request to the daemon:-s"; do
	echo "== ${mode%%:*}"
	/tests/fusebpf-testd ${mode#*:} $b /tmp/mnt sh -c "$(type ops | tail -n +2); ops '${mode%%,*}'" \
		| sed 's/^daemon/  daemon/'
done
