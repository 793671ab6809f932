#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Per-patch build and boot: check out every commit of the series branch in
# turn, build the test kernel incrementally and run the selftest plan in
# QEMU.  Prints one row per patch; fails if any patch fails.
#
# usage: walk.sh [--tips | --last] [PLAN]
#   --tips   only the last patch of each posting (the fixes posting's tip
#            is booted by scripts/fixes.sh with the selftest)
#   --last   only the last patch of the series (make test)
#
# A patch that passed is remembered by its tree id and the workbench's
# (workbench_key in lib.sh) under $CACHE/walk-kept, so that a walk that
# was cut short, or one after a change to a later patch, builds and boots
# only what it has not proven yet; such rows say "kept".  --last never
# uses them (make test proves its tip every time), nor does WALK_FRESH=1.
. "$(dirname "$0")/lib.sh"

tips= last=
case ${1:-} in
--tips) tips=1; shift ;;
--last) last=1; shift ;;
esac
plan=${1:-$TOP/tests/plan/selftest}
[ -e "$TREE/.git" ] || die "no kernel tree; run 'make apply' first"
if [ -n "$tips" ]; then
	# Postings that do not carry the selftest yet (the fixes) are left
	# to fixes.sh, which boots them with it.
	mapfile -t commits < <(posting_ranges | while IFS=$'\t' read -r _ _ _ last; do
		git -C "$TREE" cat-file -e "$last:tools/testing/selftests/mm/test_page_frag.sh" 2>/dev/null &&
			echo "$last"
	done)
elif [ -n "$last" ]; then
	commits=("$(git -C "$TREE" rev-parse "$BRANCH")")
else
	mapfile -t commits < <(git -C "$TREE" rev-list --reverse base.."$BRANCH")
fi
[ ${#commits[@]} -gt 0 ] || die "the $BRANCH branch has no patches on top of base"
res=$LOGS/walk.results
: >"$res"
kept_dir=$CACHE/walk-kept
mkdir -p "$kept_dir"
wbkey=$(workbench_key)
use_kept=1
[ -z "$last" ] && [ -z "${WALK_FRESH:-}" ] || use_kept=

restore() { kgit checkout -q -f "$BRANCH"; }
trap restore EXIT

fail=0
i=0
for c in "${commits[@]}"; do
	i=$(git -C "$TREE" rev-list --count "base..$c")
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	kept=$kept_dir/$(git -C "$TREE" rev-parse "$c^{tree}")-$wbkey
	if [ -n "$use_kept" ] && [ -f "$kept.row" ]; then
		echo "$i $(cat "$kept.row")" >>"$res"
		printf '%2d %-55.55s kept (%s)  %s\n' "$i" "$subj" \
			"$(date -r "$kept.row" '+%F %H:%M')" "$(cut -d'|' -f2- "$kept.row")"
		continue
	fi
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
	# The fixes come before the selftest: fixes.sh boots each of them
	# with it.  Here they are built only.
	if ! git -C "$TREE" cat-file -e "$c:tools/testing/selftests/mm/test_page_frag.sh" 2>/dev/null; then
		echo "built - $subj | booted by fixes.sh with the selftest" >"$kept.row"
		echo "$i built - $subj | booted by fixes.sh with the selftest" >>"$res"
		printf '%2d %-55.55s %-4s build %4ss  (booted by fixes.sh, with the selftest)\n' "$i" "$subj" built $((t1 - t0))
		continue
	fi
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
	if [ $v = pass ]; then
		echo "$v $((t1 - t0)) $((t2 - t1)) $subj | $tests" >"$kept.row"
		cp "$LOGS/walk-$i.serial" "$kept.serial"
	fi
	printf '%2d %-55.55s %-4s build %4ss boot %4ss  %s\n' "$i" "$subj" "$v" $((t1 - t0)) $((t2 - t1)) "$tests"
	[ $v = pass ] || tail -n 30 "$LOGS/walk-$i-boot.log"
done
exit $fail
