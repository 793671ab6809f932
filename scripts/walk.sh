#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Per-patch build and boot: check out every commit of the series branch in
# turn, build the test kernel incrementally and run the selftest plan in
# QEMU.  Prints one row per patch; fails if any patch fails.
#
# usage: walk.sh [PLAN]
. "$(dirname "$0")/lib.sh"

plan=${1:-$TOP/tests/plan/selftest}
[ -d "$TREE/.git" ] || die "no kernel tree; run 'make apply' first"
mapfile -t commits < <(git -C "$TREE" rev-list --reverse base.."$BRANCH")
[ ${#commits[@]} -gt 0 ] || die "the $BRANCH branch has no patches on top of base"
res=$LOGS/walk.results
: >"$res"

restore() { kgit checkout -q -f "$BRANCH"; }
trap restore EXIT

fail=0
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	kgit checkout -q -f "$c"
	t0=$(date +%s)
	if ! bash "$TOP/scripts/build.sh" x86_64 >"$LOGS/walk-$i-build.log" 2>&1; then
		echo "$i build-failed - $subj" >>"$res"
		printf '%2d %-60.60s BUILD FAILED (%s)\n' "$i" "$subj" "$LOGS/walk-$i-build.log"
		tail -n 20 "$LOGS/walk-$i-build.log"
		fail=1
		continue
	fi
	t1=$(date +%s)
	if bash "$TOP/scripts/boot.sh" x86_64 "$plan" >"$LOGS/walk-$i-boot.log" 2>&1; then
		v=pass
	else
		v=FAIL
		fail=1
	fi
	t2=$(date +%s)
	cp "$LOGS/boot-x86_64.serial" "$LOGS/walk-$i.serial"
	tests=$(awk '{printf "%s=%s(%ss) ", $1, $2, $3}' "$LOGS/boot-x86_64.results" | sed 's/page_frag_//g')
	echo "$i $v $((t1 - t0)) $((t2 - t1)) $subj | $tests" >>"$res"
	printf '%2d %-55.55s %-4s build %4ss boot %4ss  %s\n' "$i" "$subj" "$v" $((t1 - t0)) $((t2 - t1)) "$tests"
	[ $v = pass ] || tail -n 30 "$LOGS/walk-$i-boot.log"
done
exit $fail
