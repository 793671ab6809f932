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
# QUICK=1 leaves out htmldocs, coccicheck and b4 (see README).
if [ -z "${QUICK:-}" ]; then
	run per-series-checks bash "$S/series-checks.sh"
else
	run per-series-checks bash "$S/series-checks.sh" cover
fi
run checks-catch-bad-patches bash "$T/bad-patches.sh"
run per-patch-boot bash "$S/walk.sh"
run mutations-caught bash "$T/mutations.sh"
# Leave the tree on the series, as make run does.
bash "$S/apply.sh" >/dev/null 2>&1 || true
echo "total: $(($(date +%s) - t0)) s"

for f in per-patch-checks per-series-checks checks-catch-bad-patches per-patch-boot mutations-caught; do
	echo
	echo "== $f"
	grep -vE '^(applied|exported) ' "$LOGS/$f.log" | tail -n 25
done
exit $fail
