#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The tip of the series under the kernel's debug options (config/
# debug.config: KASAN, DEBUG_VM, DEBUG_PAGEALLOC, kmemleak,
# PROVE_LOCKING, DEBUG_ATOMIC_SLEEP), booted in QEMU with the plan
# tests/plan/debug: the KUnit suite and every selftest mode, then the
# same with fail_page_alloc failing a share of the guest's order-3
# allocations, then tests/debug/page_frag_faults.ko with every and then
# a quarter of its page allocations failing, and a kmemleak scan.  Any
# report of the kernel fails the run (scripts/verdict.sh).
#
# Then, as a test of the tests, each mutation of tests/debug/mutations.def
# must make the run fail.
#
# Works in a worktree of the tip ($CACHE/src-debug), so the kernel tree
# is not touched.  usage: debug.sh [--no-mutations]
. "$(dirname "$0")/../scripts/lib.sh"
mutations=1
case ${1:-} in
"") ;;
--no-mutations) mutations= ;;
*) die "usage: debug.sh [--no-mutations]" ;;
esac
need qemu-system-x86_64 ccache gcc make
tip=$(git -C "$TREE" rev-parse "$BRANCH")
src=$CACHE/src-debug
name=x86_64-debug
O=$BUILD/$name
read -ra frags <<<"$(arch_frags x86_64) $TOP/config/debug.config"
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_BASEDIR=$CACHE

git -C "$TREE" cat-file -e "$tip:mm/page_frag_cache_kunit.c" 2>/dev/null ||
	die "the tip ($tip) has no KUnit suite (mm/page_frag_cache_kunit.c)"
worktree_at "$src" "$tip"

t0=$SECONDS
PAGE_FRAG_TREE=$src bash "$TOP/scripts/build.sh" "$name" \
	"${frags[@]}" \
	>"$LOGS/debug-build.log" 2>&1 ||
	{ tail -n 30 "$LOGS/debug-build.log"; die "the debug kernel did not build ($LOGS/debug-build.log)"; }
echo "build: $((SECONDS - t0)) s"

# The guest's files (besides what boot.sh puts there: the selftest, the
# KUnit module and tests/guest): the scripts of tests/debug and the
# fault-injection module, built against this kernel.
guest=$CACHE/guest-debug
rm -rf "$guest" "$O-faults"
mkdir -p "$guest"
cp -r "$TOP/tests/debug" "$O-faults"
make -C "$O" M="$O-faults" CC="ccache gcc" -j"$JOBS" W=1 modules \
	>"$LOGS/debug-faults-module.log" 2>&1 ||
	{ cat "$LOGS/debug-faults-module.log"; die "tests/debug/page_frag_faults.c did not build"; }
grep -q 'warning:' "$LOGS/debug-faults-module.log" &&
	{ grep 'warning:' "$LOGS/debug-faults-module.log"; die "tests/debug/page_frag_faults.c builds with warnings"; }
cp "$TOP"/tests/debug/*.sh "$O-faults/page_frag_faults.ko" "$guest/"

boot() {
	PAGE_FRAG_TREE=$src GUEST_FILES=$guest BOOT_TIMEOUT=${BOOT_TIMEOUT:-3000} \
		bash "$TOP/scripts/boot.sh" "$name" "$TOP/tests/plan/debug" -m 2048
}

t1=$SECONDS
rc=0
boot || rc=$?
echo "boot: $((SECONDS - t1)) s"
# What the fault-injection runs did.
grep -hE '^# (fail_page_alloc failed|no allocation failed|kmemleak:|[0-9]+ cases)|page_frag_faults: (ok|PASS|FAIL)|page_frag_faults: [0-9]+ requests' \
	"$LOGS/boot-$name.serial" | tr -d '\r' | sed 's/^\[ *[0-9.]*\] //' | head -n 60 || true
[ $rc -eq 0 ] || exit $rc
[ -n "$mutations" ] || exit 0

# mutate NAME FILE OLD NEW...: build the debug kernel with the mutation
# and boot it; the run must fail.
C=mm/page_frag_cache.c
caught=0 missed=0
mutate() {
	local mname=$1 f=$src/$2
	shift 2
	git -C "$src" checkout -q -f --detach "$tip"
	if ! python3 "$TOP/tests/mutate.py" "$f" "$@"; then
		echo "FAIL: mutation '$mname' no longer applies to $f"
		missed=$((missed + 1))
		return
	fi
	if ! PAGE_FRAG_TREE=$src bash "$TOP/scripts/build.sh" "$name" \
		"${frags[@]}" \
		>"$LOGS/debug-mutation-$mname-build.log" 2>&1; then
		echo "FAIL: mutation '$mname' does not build ($LOGS/debug-mutation-$mname-build.log)"
		missed=$((missed + 1))
		return
	fi
	local rc=0
	boot >"$LOGS/debug-mutation-$mname.log" 2>&1 || rc=$?
	if [ $rc -eq 0 ]; then
		echo "FAIL: the debug run passes with mutation '$mname'"
		missed=$((missed + 1))
	elif [ $rc -eq 3 ]; then
		echo "FAIL: mutation '$mname' booted a stale kernel image ($LOGS/debug-mutation-$mname.log)"
		missed=$((missed + 1))
	else
		caught=$((caught + 1))
		echo "ok: '$mname' caught: $(awk '$2 == "fail" { printf "%s ", $1 }' "$LOGS/boot-$name.results")"
	fi
}
# shellcheck source=tests/debug/mutations.def
. "$TOP/tests/debug/mutations.def"
# Leave the debug kernel built from the tip.
git -C "$src" checkout -q -f --detach "$tip"
PAGE_FRAG_TREE=$src bash "$TOP/scripts/build.sh" "$name" \
	"${frags[@]}" \
	>"$LOGS/debug-restore-build.log" 2>&1 ||
	{ echo "FAIL: the tip does not build again after the mutations"; missed=$((missed + 1)); }
echo "mutations: $caught caught, $missed missed"
[ $missed -eq 0 ]
