#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The tip on the other arches: i386, arm64 with 4 KiB pages and arm64
# with 64 KiB pages (where a page is larger than PAGE_FRAG_CACHE_MAX_SIZE
# and only order-0 pages are used).  Each test kernel is built (config/
# common.config plus the arch's fragments, see arch_frags in
# scripts/lib.sh) and booted in QEMU with the plan of the tips, the KUnit
# suite and the selftest modes, plus the size of struct page_frag_cache
# (tests/guest/sizes.sh: two words, 16 bytes on 64-bit, 8 on 32-bit).
# Works in a worktree of the tip ($CACHE/src-arches).
#
# usage: arches.sh [NAME...]   (default: i386 arm64-4k arm64-64k)
. "$(dirname "$0")/../scripts/lib.sh"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(i386 arm64-4k arm64-64k)
for n in "${names[@]}"; do
	arch_frags "$n" >/dev/null || exit 1
done
bash "$TOP/scripts/deps.sh" arches
tip=$(git -C "$TREE" rev-parse "$BRANCH")
src=$CACHE/src-arches
worktree_at "$src" "$tip"

fail=0
rows=()
for n in "${names[@]}"; do
	# The plan of the tips, with the sizes; with 64 KiB pages the KUnit
	# cases that need order-3 pages skip, as they must.
	plan=$CACHE/plan-arches-$n
	{
		if [[ $n == arm64-64k* ]]; then
			sed 's#^\(kunit[a-z_]* .*\./kunit\.sh\)#\1 --allow-skip#' "$TOP/tests/plan/selftest"
		else
			cat "$TOP/tests/plan/selftest"
		fi
		echo "sizes                 ./sizes.sh"
	} >"$plan"
	t0=$SECONDS
	if ! PAGE_FRAG_TREE=$src bash "$TOP/scripts/build.sh" "$n" >"$LOGS/arches-$n-build.log" 2>&1; then
		tail -n 20 "$LOGS/arches-$n-build.log"
		rows+=("$(printf '%-10s %-12s %6s %6s  %s' "$n" "build-failed" "$((SECONDS - t0))" - "$LOGS/arches-$n-build.log")")
		fail=1
		continue
	fi
	tb=$((SECONDS - t0))
	t1=$SECONDS
	v=pass
	PAGE_FRAG_TREE=$src BOOT_TIMEOUT=${BOOT_TIMEOUT:-2400} \
		bash "$TOP/scripts/boot.sh" "$n" "$plan" >"$LOGS/arches-$n-boot.log" 2>&1 || { v=FAIL; fail=1; }
	cat "$LOGS/arches-$n-boot.log"
	size=$(tr -d '\r' <"$LOGS/boot-$n.serial" | sed -n 's/^# sizeof(struct page_frag_cache): //p' | tail -n 1)
	kunit=$(tr -d '\r' <"$LOGS/boot-$n.serial" | sed -n 's/^# \([a-z_]*: [0-9]* cases, .*\)/\1/p' | paste -sd ';' | sed 's/;/; /g')
	rows+=("$(printf '%-10s %-12s %6s %6s  %s; KUnit: %s' "$n" "$v" "$tb" "$((SECONDS - t1))" "${size:-no size}" "${kunit:-no result}")")
done
echo
printf '%-10s %-12s %6s %6s  %s\n' kernel verdict build boot 'sizeof(struct page_frag_cache)'
printf '%s\n' "${rows[@]}"
exit $fail
