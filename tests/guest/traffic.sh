#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the guest (tests/traffic.sh boots it with tests/plan/traffic): run
# the cases of the traffic program (tests/guest/traffic.c, copied to
# /tests by GUEST_FILES), one by one, and print one table line per case:
#   # traffic NAME bytes=C2S/S2C csum=C2S/S2C time=Ts mib_s=M errors=E
#     ... failures_injected=F verdict=ok|FAIL
#
# usage: traffic.sh lo | corrupt | nic | faults [PCT] | churn | all
#   lo       TCP bulk (64 MiB each way, both at once) and many small
#            writes (8 MiB each way), UDP with MSG_MORE and with
#            UDP_CORK (4000 datagrams of 1..8000 bytes), IPv4 and IPv6
#            over lo (no loss allowed)
#   corrupt  a test of the test: the program with --corrupt must fail,
#            naming the offset; passes only when every such run fails
#   nic      the same cases between the init namespace (eth0) and a
#            network namespace of its own (eth1), two e1000 NICs on one
#            QEMU hub, MTU 1500 and 9000 (UDP may lose, never corrupt);
#            exit 4 (skip) when there is no second NIC
#   faults   fail_page_alloc fails PCT (default 5) percent of every page
#            allocation of the guest (task-filter N, min-order 0) while
#            TCP bulk and small-write and UDP MSG_MORE and UDP_CORK cases
#            run over lo, and TCP and UDP over the NICs where they are:
#            every byte must arrive, or a call fail with an error
#            (counted); each case must have seen allocations fail
#   churn    1000 threads (IPv4) and 500 (IPv6), one after the other,
#            each a TCP client over lo that sends 32 KiB in small writes,
#            checks 32 KiB back and exits; the guest's free memory
#            (MemFree and the per-CPU free lists) must come back within
#            2 KiB a thread (a task or socket that keeps its page
#            fragment loses 32 KiB)
# Exit 0 when every case passed, 1 otherwise, 4 for a skip.
# shellcheck disable=SC2086,SC2046 # the option lists ($n4, $f) split on purpose
dir=$(cd "$(dirname "$0")" && pwd)
T=$dir/traffic
fip=/sys/kernel/debug/fail_page_alloc
state=/tmp/traffic-netns.pid	# the process that holds the peer namespace
A4=10.99.0.1 B4=10.99.0.2 A6=fd99::1 B6=fd99::2
# Sizes (each way for TCP; datagrams for UDP), chosen for about a
# minute and a half of guest time under TCG on 2 vCPUs; every TCP bulk
# case moves 64 MiB each way.
LO_SMALL=${LO_SMALL:-8M}
NIC_BULK=${NIC_BULK:-64M}
NIC_SMALL=${NIC_SMALL:-4M}
NIC_DGRAMS=${NIC_DGRAMS:-4000}
FAULT_BULK=${FAULT_BULK:-64M}
FAULT_SMALL=${FAULT_SMALL:-4M}
FAULT_DGRAMS=${FAULT_DGRAMS:-4000}
FAIL_PCT=${FAIL_PCT:-5}
CHURN_THREADS=${CHURN_THREADS:-1000}
rc=0

[ -x "$T" ] || { echo "# $T missing (tests/traffic.sh builds it)"; exit 1; }

# run NAME ARGS...: one case of the program; its table line, or a FAIL
# line with the reason.
run() {
	name=$1
	shift
	out=$("$T" "$@" --name "$name" 2>&1)
	r=$?
	echo "$out" | grep -v ' verdict=ok$' | sed 's/^\([^#]\)/# \1/'
	line=$(echo "$out" | grep ' verdict=ok$' | tail -n 1)
	if [ $r -eq 0 ] && [ -n "$line" ]; then
		echo "$line"
	else
		echo "# traffic $name verdict=FAIL (exit $r: $(echo "$out" | grep FAIL | tail -n 1))"
		rc=1
	fi
}

# must_fail NAME ARGS...: the run must fail and say where.
must_fail() {
	name=$1
	shift
	out=$("$T" "$@" --name "$name" 2>&1)
	r=$?
	why=$(echo "$out" | grep "^traffic $name FAIL: .*offset" | tail -n 1)
	if [ $r -eq 1 ] && [ -n "$why" ]; then
		echo "# traffic $name caught=\"$why\" verdict=ok"
	else
		echo "$out" | sed 's/^/# /'
		echo "# traffic $name verdict=FAIL (the spoiled byte went unnoticed: exit $r)"
		rc=1
	fi
}

lo_cases() {
	run tcp-bulk-lo4 tcp-bulk -4
	run tcp-bulk-lo6 tcp-bulk -6
	run tcp-small-lo4 tcp-small -4 --bytes "$LO_SMALL"
	run tcp-small-lo6 tcp-small -6 --bytes "$LO_SMALL"
	run udp-more-lo4 udp-more -4
	run udp-more-lo6 udp-more -6
	run udp-cork-lo4 udp-cork -4
	run udp-cork-lo6 udp-cork -6
}

churn_cases() {
	run churn-lo4 churn -4 --count "$CHURN_THREADS"
	run churn-lo6 churn -6 --count $((CHURN_THREADS / 2))
}

corrupt_cases() {
	must_fail corrupt-tcp-bulk tcp-bulk -4 --bytes 8M --corrupt
	must_fail corrupt-tcp-small tcp-small -6 --bytes 1M --corrupt=777777
	must_fail corrupt-udp-more udp-more -4 --count 400 --corrupt
	must_fail corrupt-udp-cork udp-cork -6 --count 400 --corrupt=7
}

# The peer namespace: a process started in a new one holds it, eth1 moves
# there.  Kept for the later plan lines (faults).
peer() { nsenter -t "$(cat $state)" -n "$@"; }

nic_up() {
	if [ -f $state ] && kill -0 "$(cat $state)" 2>/dev/null; then
		return 0
	fi
	if [ ! -e /sys/class/net/eth1 ]; then
		echo "# skip: no second NIC (eth1); boot with two e1000 on one hub"
		return 4
	fi
	unshare -n sleep 100000 </dev/null >/dev/null 2>&1 &
	echo $! >$state
	sleep 0.2
	# Link moves, addresses; no duplicate address detection (the two
	# ends are all there is on the hub).
	ip link set dev eth1 netns "$(cat $state)" || return 1
	echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad
	peer sh -c 'echo 0 >/proc/sys/net/ipv6/conf/eth1/accept_dad' || return 1
	ip addr add $A4/24 dev eth0 || return 1
	ip -6 addr add $A6/64 dev eth0 || return 1
	ip link set dev eth0 up || return 1
	peer ip link set dev lo up
	peer ip addr add $B4/24 dev eth1 || return 1
	peer ip -6 addr add $B6/64 dev eth1 || return 1
	peer ip link set dev eth1 up || return 1
	wait_link
}

# Both ends answer (the link takes a moment after up or an MTU change).
wait_link() {
	i=0
	while [ $i -lt 30 ]; do
		if ping -c 1 -W 1 $B4 >/dev/null 2>&1 &&
		   ping6 -c 1 -W 1 $B6 >/dev/null 2>&1; then
			return 0
		fi
		i=$((i + 1))
	done
	echo "# eth0 and eth1 do not reach each other"
	return 1
}

set_mtu() {
	ip link set dev eth0 mtu "$1" || return 1
	peer ip link set dev eth1 mtu "$1" || return 1
	wait_link
}

NS4="-4 --netns /proc/PID/ns/net --local $A4 --peer $B4"
NS6="-6 --netns /proc/PID/ns/net --local $A6 --peer $B6"
ns() { echo "$1" | sed "s#PID#$(cat $state)#"; }

nic_cases() {
	nic_up || return $?
	n4=$(ns "$NS4")
	n6=$(ns "$NS6")
	for mtu in 1500 9000; do
		set_mtu $mtu || return 1
		# UDP datagrams up to 8000 bytes (IPv4 and IPv6 fragments at
		# MTU 1500), up to 20000 at MTU 9000
		big=8000
		[ $mtu -eq 9000 ] && big=20000
		run tcp-bulk-nic4-$mtu tcp-bulk $n4 --bytes "$NIC_BULK"
		run tcp-bulk-nic6-$mtu tcp-bulk $n6 --bytes "$NIC_BULK"
		run tcp-small-nic4-$mtu tcp-small $n4 --bytes "$NIC_SMALL"
		run tcp-small-nic6-$mtu tcp-small $n6 --bytes "$NIC_SMALL"
		run udp-more-nic4-$mtu udp-more $n4 --lossy --count "$NIC_DGRAMS" --max-dgram $big
		run udp-more-nic6-$mtu udp-more $n6 --lossy --count "$NIC_DGRAMS" --max-dgram $big
		run udp-cork-nic4-$mtu udp-cork $n4 --lossy --count "$NIC_DGRAMS" --max-dgram $big
		run udp-cork-nic6-$mtu udp-cork $n6 --lossy --count "$NIC_DGRAMS" --max-dgram $big
	done
	set_mtu 1500
}

# Fault injection: every knob set here, the probability raised by the
# program for its transfer only (so that this shell's forks are spared)
# and put back; "times" is a budget large enough never to run out, so
# that what it lost is the number of failures injected.
FIP_BUDGET=1000000000
fip_saved=
fip_restore() {
	for kv in $fip_saved; do
		echo "${kv#*=}" >"$fip/${kv%%=*}"
	done
}
faults_cases() {
	if [ ! -w $fip/probability ]; then
		echo "# $fip missing: needs CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS and debugfs"
		return 1
	fi
	for k in probability interval times ignore-gfp-wait ignore-gfp-highmem \
		 min-order verbose task-filter; do
		fip_saved="$fip_saved $k=$(cat $fip/$k)"
	done
	trap fip_restore EXIT
	echo 0 >$fip/probability
	echo 1 >$fip/interval
	echo $FIP_BUDGET >$fip/times
	echo N >$fip/ignore-gfp-wait
	echo N >$fip/ignore-gfp-highmem
	echo 0 >$fip/min-order
	echo 0 >$fip/verbose
	echo N >$fip/task-filter
	before=$rc
	rc=0
	f="--fail-prob $FAIL_PCT --stall 60"
	out=$(
		run faults$FAIL_PCT-tcp-bulk-lo4 tcp-bulk -4 --bytes "$FAULT_BULK" $f
		run faults$FAIL_PCT-tcp-small-lo6 tcp-small -6 --bytes "$FAULT_SMALL" $f
		run faults$FAIL_PCT-udp-cork-lo6 udp-cork -6 --count "$FAULT_DGRAMS" $f
		run faults$FAIL_PCT-udp-more-lo4 udp-more -4 --count "$FAULT_DGRAMS" $f
		if nic_up >/dev/null; then
			set_mtu 1500 >/dev/null
			run faults$FAIL_PCT-tcp-bulk-nic4 tcp-bulk $(ns "$NS4") --bytes "$FAULT_BULK" $f
			run faults$FAIL_PCT-udp-more-nic6 udp-more $(ns "$NS6") --count "$FAULT_DGRAMS" $f
		else
			echo "# no second NIC: the fault cases over the NICs left out"
		fi
		exit $rc
	)
	rc=$?
	echo "$out"
	fip_restore
	trap - EXIT
	# A case in which no allocation failed proves nothing.
	for c in $(echo "$out" | sed -n 's/^# traffic \([^ ]*\) .*failures_injected=\([^ ]*\) verdict=ok$/\1=\2/p'); do
		case ${c#*=} in
		0|n/a)
			echo "# traffic ${c%%=*}: no allocation failed (failures_injected=${c#*=}): proves nothing"
			rc=1 ;;
		esac
	done
	echo "$out" | grep -q ' verdict=' || rc=1
	[ $before -eq 0 ] || rc=$before
}

case ${1:-all} in
lo) lo_cases ;;
corrupt) corrupt_cases ;;
nic)
	nic_cases
	r=$?
	[ $r -eq 4 ] && exit 4
	[ $r -eq 0 ] || rc=1 ;;
faults)
	FAIL_PCT=${2:-$FAIL_PCT}
	faults_cases || rc=1 ;;
churn) churn_cases ;;
all)
	lo_cases
	churn_cases
	corrupt_cases
	nic_cases
	r=$?
	[ $r -eq 0 ] || [ $r -eq 4 ] || rc=1
	faults_cases || rc=1 ;;
*)
	echo "usage: traffic.sh lo | corrupt | nic | faults [PCT] | churn | all"
	exit 1 ;;
esac
exit $rc
