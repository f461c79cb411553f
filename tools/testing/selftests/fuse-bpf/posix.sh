#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The POSIX suites, in the VM: Debian's nfstest_posix and nfstest_lock on a
# tmpfs directory, on a fuse-bpf passthrough of it, and on the same with a
# BPF filter that answers "backing" to everything; fuse-bpf must match tmpfs
# test for test.  "posix.sh run SUITE DIR LABEL" runs one suite in DIR.
export PATH=/usr/bin:/bin:/sbin
b=/tmp/backing
m=/tmp/mnt
suites="posix lock"

if [ "${1:-}" = run ]; then
	case $2 in
	posix) args= ;;
	# a blocked lock is checked for 0.5 s before the unlock, not 2 s:
	# ample for a local lock to be granted wrongly, 4 times faster
	lock) args="--runtest btest01,nptest,optest --unlock-delay 0.5" ;;
	esac
	# shellcheck disable=SC2086
	python3 /usr/bin/nfstest_"$2" --nomount --mtpoint "$3" \
		--server 127.0.0.1 -i lo --tcpdump /tmp/tcpdump --trcdelay 0 \
		$args >/tmp/"$2-$4".log 2>&1
	# the verdicts with what they are about, sorted: seekdir tests pick
	# their offsets at random, so only their order differs between runs
	sed -n 's/^ *\(PASS\|FAIL\): /\1 /p' /tmp/"$2-$4".log |
		sort >/tmp/verdicts-"$2-$4"
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
for s in $suites; do
	/tests/posix.sh run "$s" $b/tmpfs tmpfs
	/tests/fusebpf-testd -b $b $m /tests/posix.sh run "$s" $m/t fuse-bpf \
		>/dev/null
	/tests/fusebpf-testd -b -a $b $m /tests/posix.sh run "$s" $m/t filter \
		>/dev/null
	rm -rf $b/tmpfs/* $b/t/*
done

# the counts side by side, as "passed/tests"
counts() {
	echo "$(grep -c '^PASS' /tmp/verdicts-"$1")/$(grep -c . /tmp/verdicts-"$1")"
}
printf '# %-14s %-14s %-14s %s\n' passed/tests tmpfs fuse-bpf \
	"fuse-bpf + backing filter"
for s in $suites; do
	printf '# %-14s %-14s %-14s %s\n' "nfstest_$s" "$(counts "$s"-tmpfs)" \
		"$(counts "$s"-fuse-bpf)" "$(counts "$s"-filter)"
done
echo "TAP version 13"
echo "1..4"
n=0
for s in $suites; do
	for v in fuse-bpf filter; do
		n=$((n + 1))
		t=/tmp/verdicts-$s-tmpfs
		if [ -s $t ] && cmp -s $t /tmp/verdicts-"$s-$v"; then
			echo "ok $n nfstest_$s $v matches tmpfs test for test"
		else
			echo "not ok $n nfstest_$s $v differs from tmpfs"
			diff $t /tmp/verdicts-"$s-$v" | head -20 | sed 's/^/# /'
		fi
	done
done
