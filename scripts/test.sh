#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every check of the project, from nothing: one line per stage, then the
# tables of the stages that make them.  Full logs in $CACHE/logs.
. "$(dirname "$0")/lib.sh"
S=$TOP/scripts
T=$TOP/tests
fail=0
run() {
	stage "$@" || fail=1
}

echo "cache: $CACHE"
t0=$(date +%s)
stage deps bash "$S/deps.sh" || exit 1
stage base bash "$S/base.sh" || exit 1
run roundtrip bash "$T/roundtrip.sh"
run workbench-selftest bash "$T/workbench.sh"
run per-patch-checks bash "$S/check.sh"
# The _va rename patch is the semantic patch's output on its parent.
run rename-is-mechanical bash "$T/rename-va.sh"
# QUICK=1 leaves out htmldocs, coccicheck and b4 (see README).
if [ -z "${QUICK:-}" ]; then
	run per-series-checks bash "$S/series-checks.sh"
else
	run per-series-checks bash "$S/series-checks.sh" cover
fi
run checks-catch-bad-patches bash "$T/bad-patches.sh"
# The userspace harness of the tip: random operations against a model,
# a fuzz run, and every mutation caught (tools/testing/page_frag).
run harness bash "$T/harness.sh"
# The KUnit suite runs in make test as a module of the test kernel, in
# every boot of the tip (posting tips, mutations).  make test-full runs
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
# The selftest fails without each fix and passes with it; the tip of
# every posting builds, boots and passes the selftest.  FULL=1 (make
# test-full) builds and boots every patch instead of the tips.
run fixes-proven bash "$S/fixes.sh"
if [ -n "${FULL:-}" ]; then
	run per-patch-boot bash "$S/walk.sh"
else
	run posting-tips-boot bash "$S/walk.sh" --tips
fi
run mutations-caught bash "$T/mutations.sh"
# Leave the tree on the series, as make run does.
bash "$S/apply.sh" >/dev/null 2>&1 || true
echo "total: $(($(date +%s) - t0)) s"

for f in per-patch-checks per-series-checks checks-catch-bad-patches harness kunit debug-kernel fixes-proven \
	per-patch-boot posting-tips-boot mutations-caught; do
	[ -f "$LOGS/$f.log" ] || continue
	[ "$f" != per-patch-boot ] || [ -n "${FULL:-}" ] || continue
	[ "$f" != posting-tips-boot ] || [ -z "${FULL:-}" ] || continue
	echo
	echo "== $f"
	grep -vE '^(applied|exported) ' "$LOGS/$f.log" | tail -n 25
done
exit $fail
