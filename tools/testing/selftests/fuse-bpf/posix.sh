#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check-posix, in the VM: Debian's nfstest_posix on a tmpfs directory,
# on a fuse-bpf passthrough of it, and on the same with a BPF filter that
# answers "backing" to everything; fuse-bpf must match tmpfs test for test.
# "posix.sh run DIR LABEL" runs the suite in DIR.
export PATH=/usr/bin:/bin:/sbin
b=/tmp/backing
m=/tmp/mnt

if [ "${1:-}" = run ]; then
	python3 /usr/bin/nfstest_posix --nomount --mtpoint "$2" \
		--server 127.0.0.1 -i lo --tcpdump /tmp/tcpdump --trcdelay 0 \
		>/tmp/posix-"$3".log 2>&1
	# the verdicts with what they are about, sorted: seekdir tests pick
	# their offsets at random, so only their order differs between runs
	sed -n 's/^ *\(PASS\|FAIL\): /\1 /p' /tmp/posix-"$3".log |
		sort >/tmp/verdicts-"$3"
	exit 0
fi

# nfstest wants a client address and starts tcpdump, which is not needed
ip link set lo up
ip addr add 10.0.2.15/24 dev lo
ip route add default dev lo
: >/etc/resolv.conf
printf '#!/bin/sh\necho "listening on lo" >&2\nexec sleep 1000000\n' >/tmp/tcpdump
chmod +x /tmp/tcpdump

mkdir -p $b/tmpfs $b/t $m
/tests/posix.sh run $b/tmpfs tmpfs
/tests/fusebpf-testd -b $b $m /tests/posix.sh run $m/t fuse-bpf >/dev/null
/tests/fusebpf-testd -b -a $b $m /tests/posix.sh run $m/t filter >/dev/null

counts() {
	echo "$(grep -c . /tmp/verdicts-"$1") tests," \
	     "$(grep -c '^PASS' /tmp/verdicts-"$1") passed," \
	     "$(grep -c '^FAIL' /tmp/verdicts-"$1") failed"
}
echo "# nfstest_posix on tmpfs:                     $(counts tmpfs)"
echo "# nfstest_posix on fuse-bpf passthrough:      $(counts fuse-bpf)"
echo "# nfstest_posix on fuse-bpf, backing filter:  $(counts filter)"
echo "TAP version 13"
echo "1..2"
n=0
for v in fuse-bpf filter; do
	n=$((n + 1))
	if [ -s /tmp/verdicts-tmpfs ] && cmp -s /tmp/verdicts-tmpfs /tmp/verdicts-$v; then
		echo "ok $n nfstest_posix $v matches tmpfs test for test"
	else
		echo "not ok $n nfstest_posix $v differs from tmpfs"
		diff /tmp/verdicts-tmpfs /tmp/verdicts-$v | head -20 | sed 's/^/# /'
	fi
done
