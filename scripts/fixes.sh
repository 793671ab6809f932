#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The selftest must fail without each fix of the series and pass with it.
#
# The fixes are the patches of the postings to 'net' (see series_postings
# in lib.sh); each one names the selftest mode that checks it, as
#   ... in its "MODE" mode
# in its commit message.  The selftest is the first later patch that adds
# tools/testing/selftests/mm/test_page_frag.sh.  The kernel is built at
# the base and after each fix in turn, with the selftest's files added,
# and booted with every mode of the selftest plan: a fix's mode must fail
# before the fix and pass from it on; every other mode must pass.
#
# usage: fixes.sh [PLAN]
. "$(dirname "$0")/lib.sh"
plan=${1:-$TOP/tests/plan/selftest}
[ -e "$TREE/.git" ] || die "no kernel tree; run 'make apply' first"
restore() { kgit checkout -q -f "$BRANCH"; kgit clean -q -fd -- tools/testing/selftests/mm; }
trap restore EXIT

fixes=() modes=()
while IFS=$'\t' read -r name tree first last; do
	[ "$tree" = net ] || continue
	for c in $(git -C "$TREE" rev-list --reverse "$first^..$last"); do
		m=$(git -C "$TREE" log -1 --format=%B "$c" |
			tr '\n' ' ' | sed -n 's/.* in its "\([a-z0-9_]*\)" mode.*/\1/p')
		[ -n "$m" ] || die "fix $(git -C "$TREE" log -1 --format='%h (%s)' "$c") names no selftest mode ('in its \"MODE\" mode')"
		grep -qE "^page_frag_$m[[:space:]]" "$plan" || die "mode $m of $(git -C "$TREE" log -1 --format=%h "$c") is not in $plan"
		fixes+=("$c") modes+=("$m")
	done
done < <(posting_ranges) || exit 1
if [ ${#fixes[@]} -eq 0 ]; then
	echo "no posting to net: no fix to prove"
	exit 0
fi
selftest=$(git -C "$TREE" log --reverse --format=%H --diff-filter=A "base..$BRANCH" \
	-- tools/testing/selftests/mm/test_page_frag.sh | head -n1)
[ -n "$selftest" ] || die "no patch of the series adds tools/testing/selftests/mm/test_page_frag.sh"

fail=0
# step LABEL REV NR-FIXED: build REV with the selftest's files, boot, and
# compare every mode with what NR-FIXED fixes in place should give.
step() {
	local label=$1 rev=$2 nfixed=$3 i want got row=
	kgit checkout -q -f "$rev"
	kgit clean -q -fd -- tools/testing/selftests/mm
	git -C "$TREE" checkout "$selftest" -- tools/testing/selftests/mm
	if ! bash "$TOP/scripts/build.sh" x86_64 >"$LOGS/fixes-$label-build.log" 2>&1; then
		printf '%-8s BUILD FAILED (%s)\n' "$label" "$LOGS/fixes-$label-build.log"
		fail=1
		return
	fi
	local booted=0
	bash "$TOP/scripts/boot.sh" x86_64 "$plan" >"$LOGS/fixes-$label-boot.log" 2>&1 || booted=$?
	cp "$LOGS/boot-x86_64.serial" "$LOGS/fixes-$label.serial"
	while read -r tname cmd; do
		tname=${tname#page_frag_}
		# Modes of later patches are not in this selftest (boot.sh
		# runs only those that its run_vmtests.sh lists).
		grep -qE "test_page_frag\.sh $tname\$" \
			"$TREE/tools/testing/selftests/mm/run_vmtests.sh" || continue
		want=pass strict=
		for i in "${!modes[@]}"; do
			[ "${modes[$i]}" = "$tname" ] || continue
			strict=1
			[ "$i" -ge "$nfixed" ] && want=fail
		done
		got=$(awk -v t="page_frag_$tname" '$1 == t { print $2 }' "$LOGS/boot-x86_64.results")
		got=${got:-missing}
		# A fix's own mode must really run; others may skip.
		if [ "$got" = "$want" ] || { [ -z "$strict" ] && [ "$want" = pass ] && [ "$got" = skip ]; }; then
			row="$row $tname=$got"
		else
			row="$row $tname=$got(WANT-$want)"
			fail=1
		fi
	done < <(grep -vE '^[[:space:]]*(#|$)' "$plan")
	# With every fix in, the run must also be clean (no kernel complaint).
	if [ "$nfixed" -eq ${#fixes[@]} ] && [ "$booted" -ne 0 ]; then
		row="$row (the kernel complained or the plan did not finish: $LOGS/fixes-$label-boot.log)"
		fail=1
	fi
	printf '%-8s %s\n' "$label" "$row"
}

echo "selftest from $(git -C "$TREE" log -1 --format='%h (%s)' "$selftest")"
step base base 0
for i in "${!fixes[@]}"; do
	echo "fix $((i + 1)): $(git -C "$TREE" log -1 --format='%h (%s)' "${fixes[$i]}") -> mode ${modes[$i]}"
	step "fix-$((i + 1))" "${fixes[$i]}" $((i + 1))
done
exit $fail
