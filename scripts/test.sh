#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every check of the project, from nothing: one line per stage, then the
# tables of the stages that make them.  Full logs in $CACHE/logs.
. "$(dirname "$0")/lib.sh"
S=$TOP/scripts
T=$TOP/tests
fail=0
ran=()
# make test-full takes longer than one sitting: a stage that passed is
# kept under $CACHE/test-full-kept/ with its log and time, named by the
# stage and repo_key (scripts/lib.sh: any file of the repository but
# README.md, the compiler and QEMU; the cover letters count only for
# the stages that read them: roundtrip, workbench-selftest and
# per-series-checks), and a later make
# test-full of the same revision says "kept" for it instead of running
# it again.  FULL_FRESH=1 runs every stage (and walks every patch).  make
# test keeps nothing.
kept= kept_s=0 key= key_nc=
if [ -n "${FULL:-}" ]; then
	kept=$CACHE/test-full-kept
	mkdir -p "$kept"
	key=$(repo_key)
	key_nc=$(repo_key --no-covers)
	if [ -n "${FULL_FRESH:-}" ]; then
		rm -f "$kept"/*
		export WALK_FRESH=1
	fi
fi
# kept_file STAGE: where STAGE's pass is kept (without .time or .log).
kept_file() {
	case $1 in
	roundtrip | workbench-selftest | per-series-checks)
		echo "$kept/$1-$key" ;;
	*)
		echo "$kept/$1-$key_nc" ;;
	esac
}
run() {
	local name=$1 t0 k=
	ran+=("$name")
	[ -z "$kept" ] || k=$(kept_file "$name")
	if [ -n "$k" ] && [ -f "$k.time" ]; then
		printf '%-28s kept  %7s s   (passed %s; %s)\n' "$name" "$(cat "$k.time")" \
			"$(date -r "$k.time" '+%F %H:%M')" "$k.log"
		kept_s=$(echo "$kept_s + $(cat "$k.time")" | bc)
		return 0
	fi
	t0=$(date +%s.%N)
	if stage "$@"; then
		if [ -n "$k" ]; then
			cp "$LOGS/$name.log" "$k.log"
			printf '%.1f\n' "$(echo "$(date +%s.%N) - $t0" | bc)" >"$k.time"
		fi
	else
		fail=1
	fi
}

echo "cache: $CACHE"
t0=$(date +%s)
stage deps bash "$S/deps.sh" || exit 1
stage base bash "$S/base.sh" || exit 1
# The stages after this one expect the series applied; in make test
# per-patch-checks applies it, but make test-full may have kept that one.
if [ -n "${FULL:-}" ]; then
	stage apply bash "$S/apply.sh" || exit 1
fi
# make test-full builds for arm64 and with clang, and boots other arches.
if [ -n "${FULL:-}" ]; then
	stage deps-arches bash "$S/deps.sh" arches || exit 1
fi
run roundtrip bash "$T/roundtrip.sh"
run workbench-selftest bash "$T/workbench.sh"
# make test-full builds each patch for arm64 (64 KiB pages) and with
# clang too.
if [ -n "${FULL:-}" ]; then
	run per-patch-checks env MORE=1 bash "$S/check.sh"
else
	run per-patch-checks bash "$S/check.sh"
fi
# The _va rename patch is the semantic patch's output on its parent.
run rename-is-mechanical bash "$T/rename-va.sh"
# QUICK=1 leaves out htmldocs, coccicheck and b4 (see README);
# coccicheck (about 300 s cold) runs in make test-full.
if [ -n "${QUICK:-}" ]; then
	run per-series-checks bash "$S/series-checks.sh" cover
elif [ -n "${FULL:-}" ]; then
	run per-series-checks bash "$S/series-checks.sh"
else
	run per-series-checks bash "$S/series-checks.sh" cover htmldocs b4
fi
# The checks must catch purpose-made bad patches: a test of the tests,
# in make test-full.
if [ -n "${FULL:-}" ]; then
	run checks-catch-bad-patches bash "$T/bad-patches.sh"
fi
# The userspace harness of the tip: random operations against a model,
# a fuzz run, and every mutation caught (tools/testing/page_frag).
run harness bash "$T/harness.sh"
# The KUnit suite runs in make test as a module of the test kernel, in
# every boot of the tip (the tip, mutations).  make test-full runs
# it under the tree's own tools/testing/kunit/kunit.py too, with its
# misuse suite, and every mutation there: a kernel of its own.
if [ -n "${FULL:-}" ]; then
	run kunit bash "$T/kunit.sh"
fi
# The tip under KASAN, DEBUG_PAGEALLOC, kmemleak, lockdep and fault
# injection (tests/debug.sh): a kernel of its own, so make test-full only.
if [ -n "${FULL:-}" ]; then
	run debug-kernel bash "$T/debug.sh"
fi
# The tip on i386, arm64 4K and arm64 64K (make test-arches).
if [ -n "${FULL:-}" ]; then
	run other-arches bash "$T/arches.sh"
fi
# The tree's own network selftests over the converted send paths, at the
# base and at the tip (make test-net, tests/netsel.sh): two kernels of
# their own, so make test-full only.
if [ -n "${FULL:-}" ]; then
	run net-selftests bash "$T/netsel.sh"
fi
# make test-full: the selftest fails on 6.12 without each fix and passes
# with it (a test kernel of 6.12 of its own: about 1000 s cold), and
# every patch is built and booted.  make test builds and boots the
# series' tip, where the selftest and KUnit must pass.
if [ -n "${FULL:-}" ]; then
	run fixes-proven bash "$S/fixes.sh"
	run per-patch-boot bash "$S/walk.sh"
else
	run tip-boot bash "$S/walk.sh" --last
fi
# The tip again, with two e1000 NICs: TCP and UDP through lo and the
# NICs, every byte checked, with and without fail_page_alloc, and a
# thousand short-lived threads that must give their pages back (about
# 200 s; tests/traffic.sh).  The kernel is the one just booted.
run traffic bash "$T/traffic.sh"
# Every mutation must be caught by the selftest and by KUnit; make test
# runs the three bugs of the fixes, put back into the tip.
if [ -n "${FULL:-}" ]; then
	run mutations-caught bash "$T/mutations.sh"
else
	run mutations-caught bash "$T/mutations.sh" keep-small-page \
		pfmemalloc-refill-loop zero-size
fi
# Leave the tree on the series, as make run does.
bash "$S/apply.sh" >/dev/null 2>&1 || true
if [ "$kept_s" != 0 ]; then
	echo "total: $(($(date +%s) - t0)) s, and $kept_s s of stages kept from an earlier run of this revision"
else
	echo "total: $(($(date +%s) - t0)) s"
fi

# The tables of the stages that ran in this run (the logs of others may
# be left from an earlier one).
for f in per-patch-checks per-series-checks checks-catch-bad-patches harness kunit debug-kernel other-arches fixes-proven \
	per-patch-boot tip-boot traffic net-selftests mutations-caught; do
	[[ " ${ran[*]} " == *" $f "* ]] || continue
	log=$LOGS/$f.log
	[ -z "$kept" ] || [ ! -f "$(kept_file "$f").log" ] || log=$(kept_file "$f").log
	[ -f "$log" ] || continue
	echo
	echo "== $f"
	grep -vE '^(applied|exported) ' "$log" | tail -n 25
done
exit $fail
