#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the guest (scripts/boot.sh copies it to /tests, with the modules):
# load the allocator's KUnit suites, which run while their module loads,
# and judge their KTAP in debugfs.  --misuse loads the module built with
# CONFIG_PAGE_FRAG_CACHE_KUNIT_MISUSE, which adds the suite whose cases
# break the API's rules on purpose (the kernel warns; the plan runs it
# last, and scripts/verdict.sh expects warnings in its section only).
#
# usage: kunit.sh [--allow-skip] [--misuse]
# Exit status 0 when every case of every suite passed (skipped cases
# too, with --allow-skip), 1 otherwise.
allow_skip=
mod=page_frag_cache_kunit
suites=page_frag_cache
for arg; do
	case $arg in
	--allow-skip) allow_skip=1 ;;
	--misuse)
		mod=page_frag_cache_kunit_misuse
		suites="page_frag_cache page_frag_cache_misuse" ;;
	*) echo "# kunit.sh: unknown argument $arg"; exit 1 ;;
	esac
done
dir=$(dirname "$0")
ko=$dir/$mod.ko

[ -f "$ko" ] || { echo "# $ko missing"; exit 1; }
for m in page_frag_cache_kunit page_frag_cache_kunit_misuse; do
	grep -q "^$m " /proc/modules && rmmod $m
done
insmod "$ko" || { echo "# insmod $ko failed"; exit 1; }
rc=0
for s in $suites; do
	res=/sys/kernel/debug/kunit/$s/results
	if [ ! -r "$res" ]; then
		echo "# no results in $res"
		rc=1
		continue
	fi
	sed 's/^/# /' "$res"
	grep -q 'not ok' "$res" && rc=1
	grep -qE "^ok [0-9]+ $s\$|^ok [0-9]+ $s " "$res" || rc=1
	[ -n "$allow_skip" ] || ! grep -q '# SKIP' "$res" || rc=1
	total=$(grep -cE '^    (not )?ok [0-9]+ ' "$res")
	echo "# $s: $total cases, $(grep -cE '^    ok [0-9]+ .*# SKIP' "$res") skipped, $(grep -cE '^    not ok' "$res") failed"
	[ "$total" -gt 0 ] || rc=1
done
rmmod $mod
exit $rc
