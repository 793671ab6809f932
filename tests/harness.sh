#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The userspace harness of the series' tip (tools/testing/page_frag):
# the real allocator against a model, with ASan and UBSan, for 4 KiB
# pages with and without CONFIG_DEBUG_VM and for 16 KiB and 64 KiB
# pages; a bounded libFuzzer run; the native cost of an alloc + free
# pair; and every mutation of tests/mutations.def, each of which the
# harness must catch.  Works on a copy of the files it needs, so the
# kernel tree is not touched.
#
# usage: harness.sh [OPS]    (default 10000000 random operations)
. "$(dirname "$0")/../scripts/lib.sh"
need make gcc clang-14 python3
ops=${1:-10000000}
tip=$(git -C "$TREE" rev-parse "$BRANCH")
work=$CACHE/harness
HD=tools/testing/page_frag
files=(mm/page_frag_cache.c include/linux/page_frag_cache.h
	include/linux/mm_types_task.h)

git -C "$TREE" cat-file -e "$tip:$HD/Makefile" 2>/dev/null || {
	echo "the tip has no $HD: nothing to run"
	exit 0
}

# copy DIR: the harness and the allocator's files of the tip, in DIR.
copy() {
	local f
	rm -rf "$1"
	mkdir -p "$1"
	git -C "$TREE" archive "$tip" "$HD" "${files[@]}" | tar -x -C "$1"
}

copy "$work/tip"
M=(make -s -C "$work/tip/$HD" SRCTREE="$work/tip" CLANG=clang-14)
"${M[@]}" all page_frag_16k page_frag_64k page_frag_bench page_frag_fuzz \
	>"$LOGS/harness-build.log" 2>&1 ||
	{ tail -n 20 "$LOGS/harness-build.log"; die "the harness does not build"; }
grep -E 'warning:' "$LOGS/harness-build.log" &&
	die "the harness builds with warnings ($LOGS/harness-build.log)"

fail=0
t0=$SECONDS
if ! "${M[@]}" run OPS="$ops" SEED="${HARNESS_SEED:-1}"; then
	echo "FAIL: the harness failed on the tip"
	fail=1
fi
echo "random operations: $((SECONDS - t0)) s"

# A bounded fuzz run from an empty corpus: deterministic for its seed.
t0=$SECONDS
if ! (cd "$work/tip/$HD" && ./page_frag_fuzz -seed=1 -runs=20000 -max_len=2048 \
	>"$LOGS/harness-fuzz.log" 2>&1); then
	tail -n 30 "$LOGS/harness-fuzz.log"
	echo "FAIL: the fuzzer found a failure ($LOGS/harness-fuzz.log)"
	fail=1
else
	echo "fuzz: 20000 inputs, no failure ($((SECONDS - t0)) s)"
fi
(cd "$work/tip/$HD" && ./page_frag_bench -b) | sed 's/^/native: /'

# Each mutation breaks a copy of the tip; the debug harness must fail.
pass=0 missed=0
mutate() {
	local name=$1 f=$2 dir=$work/mutant
	shift 2
	copy "$dir"
	if ! python3 "$TOP/tests/mutate.py" "$dir/$f" "$@"
	then
		echo "FAIL: mutation '$name' no longer applies to $f"
		missed=$((missed + 1))
		return
	fi
	if ! make -s -C "$dir/$HD" SRCTREE="$dir" page_frag_debug \
		>"$LOGS/harness-mutation-$name.log" 2>&1; then
		echo "FAIL: mutation '$name' does not build ($LOGS/harness-mutation-$name.log)"
		missed=$((missed + 1))
		return
	fi
	if (cd "$dir/$HD" && timeout 300 ./page_frag_debug -n 1000000 -s 1) \
		>>"$LOGS/harness-mutation-$name.log" 2>&1; then
		echo "FAIL: the harness passes with mutation '$name'"
		missed=$((missed + 1))
	else
		pass=$((pass + 1))
		echo "ok: '$name' caught: $(grep -m1 -E 'BUG:|ERROR:|runtime error' \
			"$LOGS/harness-mutation-$name.log" | cut -c1-120)"
	fi
}
C=mm/page_frag_cache.c
H=include/linux/page_frag_cache.h
# shellcheck source=tests/mutations.def
. "$TOP/tests/mutations.def"
echo "mutations: $pass caught, $missed missed"
[ $missed -eq 0 ] || fail=1
exit $fail
