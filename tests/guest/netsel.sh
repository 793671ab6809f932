#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the guest (tests/netsel.sh boots it with tests/plan/netsel): run one
# of the tree's network selftests the way its own script runs it, with
# the guest's busybox in place of iproute2 (no 'ip netns', nstat or
# ethtool here: a network namespace is 'unshare -n', a counter is read
# from /proc/net/netstat).  The selftests are static binaries in /tests,
# built by tests/netsel.sh from the tree under test.
#
# usage: netsel.sh probes
#          kprobe events on the functions that the series converts (those
#          this kernel has), counted and never traced; every other mode
#          then prints how often the test entered each (NSCOV lines)
#        netsel.sh harness [-x WORD]... [-o FIXTURE.VARIANT WORD]... PROG [ARGS]
#          a kselftest_harness.h test, as it is, in the init namespace;
#          -x: without the tests whose names have WORD in them; -o: the
#          tests of FIXTURE.VARIANT whose names have WORD in them (-r
#          FIXTURE.VARIANT.TEST for each); PROG -l lists the names
#        netsel.sh udpgso SETUP ARGS
#          ./udpgso ARGS in a namespace of its own, set up as udpgso.sh's
#          SETUP does: dev_mtu, route_mtu or dummy_sink (udpgso.sh's
#          test_hw_gso_hw_csum: a dummy's default features)
#        netsel.sh msgzc 4|6 tcp|udp [ARGS]
#          msg_zerocopy.sh's do_test over lo in a namespace of its own:
#          a receiver (-r) and a sender, ARGS to both (-z: zerocopy)
#        netsel.sh mptcp 4|6 poll|mmap|sendfile [SIZE-KIB]
#          mptcp_connect.sh's do_transfer over lo in a namespace of its
#          own: a listener and a client, MPTCP both ends, each sends a
#          random file (default 2048 KiB) and must get the other's back
#          byte for byte, over an MPTCP connection (MPCapable, no
#          fallback)
#        netsel.sh tfo FLAGS
#          tcp_fastopen_backup_key.sh's do_test in a namespace of its own:
#          ./tcp_fastopen_backup_key FLAGS, then TCPFastOpenPassiveFail
#          must be 0
# Exit: the test's own (0 pass, 4 skip, else fail).
dir=$(cd "$(dirname "$0")" && pwd)
self=$dir/netsel.sh
tr=/sys/kernel/tracing
# Per test: at most this long (s), then it counts as failed.
limit=${NETSEL_LIMIT:-600}

# The functions of the converted paths, with the entry that gets the
# socket's page fragment: sk_page_frag_refill() before the series,
# sk_page_frag_prepare() after it (whichever this kernel has).
probe_funcs="tcp_sendmsg_locked tcp_send_syn_data ip_make_skb ip_append_data
ip6_make_skb ip6_append_data skb_splice_bits sk_msg_alloc mptcp_sendmsg
tls_sw_sendmsg sk_page_frag_refill sk_page_frag_prepare"

probes() {
	[ -e $tr/kprobe_events ] || mount -t tracefs nodev $tr 2>/dev/null
	if [ ! -w $tr/kprobe_events ]; then
		echo "# netsel: no kprobe events in this kernel, no coverage"
		return 4
	fi
	echo 0 >$tr/tracing_on
	echo 4 >$tr/buffer_size_kb
	for f in $probe_funcs; do
		if echo "p:netsel/$f $f" >>$tr/kprobe_events 2>/dev/null; then
			echo "# netsel: probe $f"
		else
			echo "# netsel: no probe on $f (not in this kernel, or inlined)"
		fi
	done
	echo 1 >$tr/events/netsel/enable || return 1
	return 0
}

# The hits of every probe so far: "name hits" lines (kprobe_profile
# names an event without its group; there are no others).
hits() {
	[ -r $tr/kprobe_profile ] || return 0
	awk '{ print $1, $2 }' $tr/kprobe_profile
}

# cov BEFORE-FILE: one NSCOV line per probe the test entered.
cov() {
	hits >/tmp/netsel.after
	awk 'NR == FNR { b[$1] = $2; next } $2 - b[$1] > 0 { print "NSCOV", $1, $2 - b[$1] }' \
		"$1" /tmp/netsel.after
}

# counter NAME: a counter of /proc/net/netstat (TcpExt, MPTcpExt, ...)
# in this namespace, as nstat -az would print it (TcpExtTCPFastOpen...).
counter() {
	awk -v want="$1" '
		{ p = $1; sub(/:$/, "", p) }
		seen[p] { for (i = 2; i <= NF; i++) if (p name[p, i] == want) print $i; next }
		{ seen[p] = 1; for (i = 2; i <= NF; i++) name[p, i] = $i }
	' /proc/net/netstat
}

# wait_listen PORT: until something listens on TCP PORT here (5 s).
wait_listen() {
	hex=$(printf ':%04X' "$1")
	i=0
	while [ "$i" -lt 50 ]; do
		cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
			awk -v p="$hex" '$2 ~ p"$" && $4 == "0A" { f = 1 } END { exit !f }' && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "# netsel: nothing listens on port $1"
	return 1
}

udpgso() {
	setup=$1
	shift
	ip link set lo up
	case $setup in
	dev_mtu|route_mtu)
		ip addr add 10.0.0.1/32 dev lo || return 1
		ip addr add fd00::1/128 dev lo noprefixroute || return 1 ;;
	esac
	case $setup in
	dev_mtu)
		ip link set dev lo mtu 1500 || return 1 ;;
	route_mtu)
		ip route del local 10.0.0.1/32 table local dev lo || return 1
		ip route del local fd00::1/128 table local dev lo || return 1
		ip route add local 10.0.0.1/32 table local dev lo mtu 1500 || return 1
		ip route add local fd00::1/128 table local dev lo mtu 1500 || return 1 ;;
	dummy_sink)
		ip link add name sink type dummy || return 1
		ip link set dev sink mtu 1500 || return 1
		ip addr add 10.0.0.0/24 dev sink || return 1
		ip addr add fd00::2/64 dev sink || return 1
		ip link set dev sink up || return 1 ;;
	*)
		echo "# netsel: no udpgso setup '$setup'"
		return 1 ;;
	esac
	./udpgso "$@"
}

msgzc() {
	ip=$1 proto=$2
	shift 2
	ip link set lo up
	# msg_zerocopy.sh's optmem_max, for the zerocopy notifications.
	sysctl -w -q net.core.optmem_max=1000000
	if [ "$ip" = 4 ]; then a=127.0.0.1; else a=::1; fi
	# The script pins the receiver to CPU 2 and the sender to CPU 3;
	# this guest has CPUs 0 and 1.
	./msg_zerocopy "-$ip" -t 2 -C 1 -S "$a" -D "$a" "$@" -r "$proto" &
	rpid=$!
	sleep 0.2
	./msg_zerocopy "-$ip" -t 1 -C 0 -S "$a" -D "$a" "$@" "$proto"
	t=$?
	wait "$rpid"
	r=$?
	echo "# netsel: msg_zerocopy sender exit $t, receiver exit $r"
	[ "$t" -eq 0 ] && [ "$r" -eq 0 ]
}

mptcp() {
	ip=$1 mode=$2 kib=${3:-2048}
	ip link set lo up
	if [ "$ip" = 4 ]; then a=127.0.0.1 six=; else a=::1 six=-6; fi
	port=10000
	d=/tmp/mptcp.$$
	mkdir -p "$d"
	# mptcp_lib_make_file: random bytes and an end marker.
	for f in cin sin; do
		dd if=/dev/urandom of="$d/$f" bs=1024 count="$kib" 2>/dev/null
		printf '\nMPTCP_TEST_FILE_END_MARKER\n' >>"$d/$f"
	done
	# shellcheck disable=SC2086 # $six is empty or -6
	timeout 61 ./mptcp_connect -t 30 -l -p "$port" -s MPTCP -m "$mode" $six "$a" <"$d/sin" >"$d/sout" &
	spid=$!
	wait_listen "$port" || { kill "$spid"; return 1; }
	# shellcheck disable=SC2086
	timeout 61 ./mptcp_connect -t 30 -p "$port" -s MPTCP -m "$mode" $six "$a" <"$d/cin" >"$d/cout"
	retc=$?
	wait "$spid"
	rets=$?
	rc=0
	echo "# netsel: mptcp_connect client exit $retc, server $rets"
	[ "$retc" -eq 0 ] && [ "$rets" -eq 0 ] || rc=1
	cmp "$d/sin" "$d/cout" || { echo "# netsel: file received by client does not match"; rc=1; }
	cmp "$d/cin" "$d/sout" || { echo "# netsel: file received by server does not match"; rc=1; }
	syn=$(counter MPTcpExtMPCapableSYNRX)
	fb=$(counter MPTcpExtMPCapableFallbackACK)
	echo "# netsel: MPCapableSYNRX=$syn MPCapableFallbackACK=$fb bytes=$(wc -c <"$d/cin")"
	[ "${syn:-0}" -ge 1 ] || { echo "# netsel: the connection was not MPTCP"; rc=1; }
	[ "${fb:-0}" -eq 0 ] || { echo "# netsel: the connection fell back to TCP"; rc=1; }
	rm -rf "$d"
	return "$rc"
}

tfo() {
	ip link set lo up
	sysctl -w -q net.ipv4.tcp_fastopen=3
	./tcp_fastopen_backup_key "$@" || return 1
	# A namespace of its own starts with no TCP metrics and no counts
	# (the script's 'ip tcp_metrics flush' and nstat -az).
	val=$(counter TcpExtTCPFastOpenPassiveFail)
	echo "# netsel: TcpExtTCPFastOpenPassive=$(counter TcpExtTCPFastOpenPassive) TcpExtTCPFastOpenActive=$(counter TcpExtTCPFastOpenActive) TcpExtTCPFastOpenPassiveFail=$val"
	[ "$val" = 0 ] || { echo "FAIL: TcpExtTCPFastOpenPassiveFail non-zero"; return 1; }
}

mode=${1:?usage: netsel.sh probes|harness|udpgso|msgzc|mptcp|tfo ARGS}
shift
case $mode in
probes)
	probes
	exit $? ;;
netns)
	# Inside the namespace that the branch below made.
	m=$1
	shift
	case $m in
	udpgso) udpgso "$@" ;;
	msgzc) msgzc "$@" ;;
	mptcp) mptcp "$@" ;;
	tfo) tfo "$@" ;;
	*) echo "# netsel: no mode $m"; false ;;
	esac
	exit $? ;;
esac
cd "$dir" || exit 1
hits >/tmp/netsel.before
case $mode in
harness)
	words='' only=''
	while :; do
		case ${1:-} in
		-x) words="$words $2"; shift 2 ;;
		-o) only="$only $2:$3"; shift 3 ;;
		*) break ;;
		esac
	done
	prog=$1
	shift
	names=$("$prog" -l 2>&1 | awk 'NF && $1 !~ /^(#|-)/ { print $NF }' | sort -u)
	filt=
	for w in $words; do
		for t in $(echo "$names" | grep -F -- "$w"); do
			filt="$filt -T $t"
		done
	done
	for o in $only; do
		for t in $(echo "$names" | grep -F -- "${o#*:}"); do
			filt="$filt -r ${o%%:*}.$t"
		done
	done
	[ -z "$filt" ] || echo "# netsel: filters:$filt"
	# shellcheck disable=SC2086 # $filt is a list of options
	timeout -s KILL "$limit" "$prog" $filt "$@"
	rc=$? ;;
udpgso|msgzc|mptcp|tfo)
	timeout -s KILL "$limit" unshare -n "$self" netns "$mode" "$@"
	rc=$? ;;
*)
	echo "# netsel: no mode $mode"
	rc=1 ;;
esac
[ $rc -ne 137 ] || echo "# netsel: killed after $limit s"
cov /tmp/netsel.before
exit $rc
