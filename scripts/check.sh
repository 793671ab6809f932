#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Per-patch checks in the style of netdev's patch CI: every check of
# scripts/checks/ runs on every patch (parent vs patch) and the result is
# a table, one row per patch.  Then the per-series checks.
#
# usage: check.sh [CHECK...]    (default: all of them)
. "$(dirname "$0")/lib.sh"

# QUICK=1 leaves out the allmodconfig W=1/sparse build; MORE=1 (make
# test-full) adds the builds for i386, arm64 with 64 KiB pages and clang.
all=(build-x86_64 checkpatch kdoc inline signoff selftest-listed)
[ -z "${QUICK:-}" ] || all=("${all[@]:1}")
[ -z "${MORE:-}" ] || [ -n "${QUICK:-}" ] || all+=(build-i386 build-arm64 build-clang)
checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=("${all[@]}")
C=$TOP/scripts/checks

run_check() {
	local name=$1 p=$2 c=$3
	case $name in
	build-x86_64) bash "$C/build.sh" x86_64 "$p" "$c" ;;
	build-i386) bash "$C/build.sh" i386 "$p" "$c" ;;
	build-arm64) bash "$C/build.sh" arm64 "$p" "$c" ;;
	build-clang) bash "$C/build.sh" clang "$p" "$c" ;;
	*) bash "$C/$name.sh" "$p" "$c" ;;
	esac
}

# The series must apply (this also resets the branch to the patches).
if ! out=$(bash "$TOP/scripts/apply.sh" 2>&1); then
	echo "$out"
	exit 1
fi
mapfile -t commits < <(git -C "$TREE" rev-list --reverse base.."$BRANCH")
out_dir=$LOGS/checks
rm -rf "$out_dir"
mkdir -p "$out_dir"

fail=0
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	p=$(git -C "$TREE" rev-parse "$c^")
	for name in "${checks[@]}"; do
		log=$out_dir/$i-$name.log
		t0=$(date +%s)
		if run_check "$name" "$p" "$c" >"$log" 2>&1; then
			echo ok >"$log.verdict"
		else
			echo fail >"$log.verdict"
			fail=1
		fi
		echo $(($(date +%s) - t0)) >"$log.time"
	done
done

# The table.
printf '%-3s %-44s' '#' patch
printf ' %-8.8s' applies "${checks[@]}"
echo
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	printf '%-3s %-44.44s' "$i" "$(git -C "$TREE" log -1 --format=%s "$c")"
	printf ' %-8s' "✓"
	for name in "${checks[@]}"; do
		if [ "$(cat "$out_dir/$i-$name.log.verdict")" = ok ]; then
			printf ' %-8s' "✓"
		else
			printf ' %-8s' "✗"
		fi
	done
	echo
done
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	for name in "${checks[@]}"; do
		log=$out_dir/$i-$name.log
		if [ "$(cat "$log.verdict")" != ok ]; then
			first=$(grep -m1 '^FIRST: ' "$log" | cut -c8-)
			[ -n "$first" ] || first=$(grep -m1 . "$log")
			echo "patch $i $name: $first"
		fi
	done
done
echo "logs: $out_dir"
exit $fail
