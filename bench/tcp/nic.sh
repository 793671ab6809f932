#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the benchmark guest (tests/plan/bench): move eth1 into a network
# namespace of its own, address both NICs (two e1000 on one QEMU hub, MTU
# 1500), then run tcp_bench across them with the arguments given, e.g.
#   nic.sh --name tcp_nic 32
# The namespace is held by a sleeping process, and kept for later lines.
dir=$(cd "$(dirname "$0")" && pwd)
state=/tmp/bench-netns.pid
A4=10.98.0.1 B4=10.98.0.2
peer() { nsenter -t "$(cat $state)" -n "$@"; }

if ! { [ -f $state ] && kill -0 "$(cat $state)" 2>/dev/null; }; then
	if [ ! -e /sys/class/net/eth1 ]; then
		echo "nic.sh: no eth1: the guest needs two e1000 NICs on one hub"
		exit 1
	fi
	unshare -n sleep 100000 </dev/null >/dev/null 2>&1 &
	echo $! >$state
	sleep 0.2
	ip link set dev eth1 netns "$(cat $state)" &&
	ip addr add $A4/24 dev eth0 &&
	ip link set dev eth0 up &&
	peer ip link set dev lo up &&
	peer ip addr add $B4/24 dev eth1 &&
	peer ip link set dev eth1 up || { echo "nic.sh: setting up the NICs failed"; exit 1; }
	i=0
	until ping -c 1 -W 1 $B4 >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 30 ] || { echo "nic.sh: eth0 does not reach eth1"; exit 1; }
	done
fi
exec "$dir/tcp_bench" --peer $B4 --netns "/proc/$(cat $state)/ns/net" "$@"
