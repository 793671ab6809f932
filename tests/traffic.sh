#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The traffic test: a program of the workbench (tests/guest/traffic.c)
# sends pseudo-random streams through TCP (bulk, and many small writes
# that the kernel coalesces) and UDP (datagrams built by several sends,
# MSG_MORE and UDP_CORK) and checks every byte at the far end, over lo
# and between two network namespaces joined by two e1000 NICs on one
# QEMU hub (MTU 1500 and 9000), IPv4 and IPv6, then again while
# fail_page_alloc fails a share of the guest's page allocations; a run
# with a spoiled byte must fail (tests/guest/traffic.sh, plan
# tests/plan/traffic).  Prints the table of cases.
#
# usage: tests/traffic.sh
#   TRAFFIC_BUILD   build name under $CACHE/build (default x86_64)
#   PAGE_FRAG_TREE  the kernel tree (default $CACHE/linux), as for the
#                   other stages
#   TRAFFIC_NO_BUILD=1  boot the kernel as built, do not run build.sh
# e.g. PAGE_FRAG_TREE=$CACHE/src-traffic TRAFFIC_BUILD=x86_64-traffic \
#        bash tests/traffic.sh
. "$(dirname "$0")/../scripts/lib.sh"
need gcc make cpio qemu-system-x86_64
[ "$#" -eq 0 ] || die "usage: tests/traffic.sh (TRAFFIC_BUILD=NAME, PAGE_FRAG_TREE=DIR in the environment)"
name=${TRAFFIC_BUILD:-x86_64}
[ "$(arch_of "$name")" = x86_64 ] || die "TRAFFIC_BUILD=$name: the traffic test boots x86_64 kernels only"
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/libc.a ] ||
	die "libc.a is missing (a static build of the guest program needs libc6-dev)"

# The guest program, static, without a warning.
guest=$CACHE/guest-traffic-$name
rm -rf "$guest"
mkdir -p "$guest"
gcc -static -O2 -Wall -Wextra -Werror -pthread -o "$guest/traffic" "$TOP/tests/guest/traffic.c" ||
	die "tests/guest/traffic.c did not build"

t0=$SECONDS
O=$BUILD/$name
if [ -n "${TRAFFIC_NO_BUILD:-}" ] && [ -f "$O/arch/x86/boot/bzImage" ]; then
	echo "build: reused $O (TRAFFIC_NO_BUILD)"
else
	bash "$TOP/scripts/build.sh" "$name" >"$LOGS/traffic-build.log" 2>&1 ||
		{ tail -n 30 "$LOGS/traffic-build.log"; die "the kernel did not build ($LOGS/traffic-build.log)"; }
	echo "build: $((SECONDS - t0)) s ($TREE, $O)"
fi

# Two e1000 NICs on one hub: eth0 stays in the guest's first network
# namespace, traffic.sh moves eth1 into a second one.
t1=$SECONDS
rc=0
GUEST_FILES=$guest BOOT_TIMEOUT=${BOOT_TIMEOUT:-900} \
	bash "$TOP/scripts/boot.sh" "$name" "$TOP/tests/plan/traffic" \
	-netdev hubport,id=h0,hubid=0 -device e1000,netdev=h0 \
	-netdev hubport,id=h1,hubid=0 -device e1000,netdev=h1 || rc=$?
echo "boot: $((SECONDS - t1)) s"

serial=$LOGS/boot-$name.serial
results=$LOGS/boot-$name.results
echo
echo "== traffic cases"
tr -d '\r' <"$serial" | grep -aE '^# (traffic |skip:)' | grep -avE '^# traffic [^ ]*: ' | sed 's/^# //' || true
# The failures and errors the program reported, with their reasons.
tr -d '\r' <"$serial" | grep -aE '^(# )?traffic [^ ]*:? .*(FAIL|failed|counted|proves nothing)' |
	grep -v ' verdict=ok$' | head -n 40 || true
# This stage gives the guest two NICs: a skip of the NIC cases is a failure.
if grep -q '^traffic_nic skip ' "$results" 2>/dev/null; then
	echo "error: the NIC cases were skipped, though the guest had two e1000"
	rc=1
fi
guest_s=$(awk '{ s += $3 } END { printf "%.1f", s }' "$results" 2>/dev/null || echo "?")
echo "guest time of the plan: $guest_s s; host: build and boot $((SECONDS - t0)) s"
exit $rc
