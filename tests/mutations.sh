#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The selftest, and the KUnit suite where the tip has it, must fail when
# the allocator is broken.  Each mutation
# breaks the series' tip in one way seen in this allocator's history or
# in one of the bugs the series fixes, and the run must fail.  A mutation
# of mm/page_frag_cache.c rebuilds the kernel (only that object changes);
# one of the inline fast path in include/linux/page_frag_cache.h rebuilds
# only the selftest module, which compiles that code in, and boots the
# tip's kernel with it.
#
# usage: mutations.sh [NAME...]   (default: every mutation)
. "$(dirname "$0")/../scripts/lib.sh"
tip=$(git -C "$TREE" rev-parse "$BRANCH")
restore() { kgit checkout -q -f "$BRANCH"; }
trap restore EXIT

# mutate NAME FILE OLD NEW [OLD NEW]...: replace the first OLD in FILE
# (of the tree) by NEW, build and boot; the selftest must fail, and so
# must a boot of the KUnit suite alone, where the tip has it.
pass=0 failed=0
wanted=("$@")
known_mutations "${wanted[@]}"
mutate() {
	local name=$1 f=$TREE/$2 only=
	shift 2
	if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $name "* ]]; then
		return
	fi
	kgit checkout -q -f "$BRANCH"
	if ! python3 "$TOP/tests/mutate.py" "$f" "$@"
	then
		failed=$((failed + 1))
		echo "FAIL: mutation '$name' no longer applies to $f"
		return
	fi
	case $f in *.h) only=1 ;; esac
	if ! MODULES_ONLY=$only bash "$TOP/scripts/build.sh" x86_64 >"$LOGS/mutation-$name-build.log" 2>&1; then
		failed=$((failed + 1))
		echo "FAIL: mutation '$name' does not build ($LOGS/mutation-$name-build.log)"
		return
	fi
	# The selftest and the KUnit suite boot apart, so that a crash in
	# one cannot hide whether the other catches the mutation.
	local caught= rc=0
	bash "$TOP/scripts/boot.sh" x86_64 "$selftest_plan" >"$LOGS/mutation-$name.log" 2>&1 || rc=$?
	if [ $rc -eq 0 ]; then
		failed=$((failed + 1))
		echo "FAIL: the selftest passes with mutation '$name'"
		return
	fi
	if [ $rc -eq 3 ]; then
		failed=$((failed + 1))
		echo "FAIL: mutation '$name' booted a stale kernel image ($LOGS/mutation-$name.log)"
		return
	fi
	caught=$(why_failed "$LOGS/mutation-$name.log")
	if [ -n "$kunit_plan" ]; then
		rc=0
		bash "$TOP/scripts/boot.sh" x86_64 "$kunit_plan" >"$LOGS/mutation-$name-kunit.log" 2>&1 || rc=$?
		if [ $rc -eq 0 ]; then
			failed=$((failed + 1))
			echo "FAIL: the KUnit suite passes with mutation '$name' (the selftest caught it: $caught)"
			return
		fi
		if [ $rc -eq 3 ]; then
			failed=$((failed + 1))
			echo "FAIL: mutation '$name' booted a stale kernel image ($LOGS/mutation-$name-kunit.log)"
			return
		fi
		# A boot in which the suite did not run proves nothing.
		if ! grep -qE '^kunit(_misuse)? +fail ' "$LOGS/mutation-$name-kunit.log" &&
		   ! grep -qE 'BUG|Oops|panic' "$LOGS/mutation-$name-kunit.log"; then
			failed=$((failed + 1))
			echo "FAIL: the KUnit suite did not run with mutation '$name' ($LOGS/mutation-$name-kunit.log)"
			return
		fi
		caught="$caught; KUnit: $(why_failed "$LOGS/mutation-$name-kunit.log")"
	fi
	pass=$((pass + 1))
	echo "ok: '$name' caught by the selftest: $caught"
}

C=mm/page_frag_cache.c
H=include/linux/page_frag_cache.h

# why_failed LOG: the tests a boot failed, else the kernel's complaint.
why_failed() {
	local rows
	rows=$(grep -E '^[a-z0-9_]+ +fail ' "$1" | awk '{ printf "%s ", $1 }')
	echo "${rows:-$(grep -m1 -E 'BUG|WARNING:|Oops|panic' "$1" ||
		grep -m1 'error:' "$1")}"
}

# The plan of the tips, split: the selftest modes, and the KUnit suites
# where the tip has them (the misuse suite too: some mutations break
# only a rule that its cases check, e.g. abort-not-last).
selftest_plan=$CACHE/plan-mutations-selftest
grep -vE '^kunit(_misuse)? ' "$TOP/tests/plan/selftest" >"$selftest_plan"
kunit_plan=
if git -C "$TREE" cat-file -e "$tip:mm/page_frag_cache_kunit.c" 2>/dev/null; then
	kunit_plan=$CACHE/plan-mutations-kunit
	grep -E '^kunit(_misuse)? ' "$TOP/tests/plan/selftest" >"$kunit_plan"
fi

# The header mutations keep the kernel: it must be the tip's.
bash "$TOP/scripts/build.sh" x86_64 >"$LOGS/mutation-tip-build.log" 2>&1 ||
	die "the tip does not build ($LOGS/mutation-tip-build.log)"

# The mutations (tests/mutations.def; the header's come first, and the
# kernel stays the tip's for them).
# shellcheck source=tests/mutations.def
. "$TOP/tests/mutations.def"

restore
# Rebuild the unmutated tip so that later stages start from it.
bash "$TOP/scripts/build.sh" x86_64 >"$LOGS/mutation-restore-build.log" 2>&1 ||
	{ echo "FAIL: the tip does not build again after the mutations"; failed=$((failed + 1)); }
echo "$pass caught, $failed missed"
[ $failed -eq 0 ]
