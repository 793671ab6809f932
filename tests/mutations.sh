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
# (of the tree) by NEW, build and boot; the run must fail, and the KUnit
# suite's row must not pass.
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
	if bash "$TOP/scripts/boot.sh" x86_64 "$TOP/tests/plan/selftest" >"$LOGS/mutation-$name.log" 2>&1; then
		failed=$((failed + 1))
		echo "FAIL: the selftest passes with mutation '$name'"
	elif grep -q '^kunit pass ' "$LOGS/boot-x86_64.results"; then
		# The KUnit suite runs first in the plan, where the tip has it,
		# and must catch every mutation on its own too.
		failed=$((failed + 1))
		echo "FAIL: the KUnit suite passes with mutation '$name' (the selftest caught it)"
	else
		pass=$((pass + 1))
		# What caught it: the failed tests, else the kernel's complaint.
		local caught
		caught=$(awk '$2 == "fail" { printf "%s ", $1 }' "$LOGS/boot-x86_64.results")
		echo "ok: '$name' caught: ${caught:-$(grep -m1 -E 'BUG|WARNING:|Oops|panic' "$LOGS/mutation-$name.log" ||
			grep -m1 'error:' "$LOGS/mutation-$name.log")}"
	fi
}

C=mm/page_frag_cache.c
H=include/linux/page_frag_cache.h

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
