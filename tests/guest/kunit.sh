#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the guest (scripts/boot.sh copies it to /tests, with the module):
# load the allocator's KUnit suite, which runs while it loads, and judge
# its KTAP in debugfs.
#
# usage: kunit.sh [--allow-skip]
# Exit status 0 when every case passed (skipped cases too, with
# --allow-skip), 1 otherwise.
allow_skip=
[ "${1:-}" = --allow-skip ] && allow_skip=1
dir=$(dirname "$0")
ko=$dir/page_frag_cache_kunit.ko
res=/sys/kernel/debug/kunit/page_frag_cache/results

[ -f "$ko" ] || { echo "# $ko missing"; exit 1; }
grep -q '^page_frag_cache_kunit ' /proc/modules && rmmod page_frag_cache_kunit
insmod "$ko" || { echo "# insmod $ko failed"; exit 1; }
if [ ! -r "$res" ]; then
	echo "# no results in $res"
	rmmod page_frag_cache_kunit
	exit 1
fi
cat "$res" | sed 's/^/# /'
rc=0
grep -q 'not ok' "$res" && rc=1
grep -qE '^ok [0-9]+ page_frag_cache' "$res" || rc=1
[ -n "$allow_skip" ] || ! grep -q '# SKIP' "$res" || rc=1
total=$(grep -cE '^    (not )?ok [0-9]+ ' "$res")
echo "# $total cases, $(grep -cE '^    ok [0-9]+ .*# SKIP' "$res") skipped, $(grep -cE '^    not ok' "$res") failed"
[ "$total" -gt 0 ] || rc=1
rmmod page_frag_cache_kunit
exit $rc
