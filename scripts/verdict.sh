#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Judge a guest's serial log: every test of the plan reported, none failed,
# the plan ran to its end on two CPUs, and the kernel did not complain
# (BUG:, WARNING:, Oops, Call Trace, panic).  Prints a table.
#
# usage: verdict.sh SERIAL-LOG [RESULTS-FILE]
# RESULTS-FILE gets one line per test: "<name> pass|fail|skip <guest s>".
set -euo pipefail
serial=${1:?usage: verdict.sh SERIAL-LOG [RESULTS-FILE]}
results=${2:-/dev/null}
[ -f "$serial" ] || { echo "error: no serial log $serial" >&2; exit 1; }
log=$(tr -d '\r' <"$serial")
fail=0
: >"$results"
# No result at all (a guest that died first) must reach the messages
# below, not stop the script at grep's exit status.
rows=$(echo "$log" | { grep -E '^WB-RESULT ' || true; } | while read -r _ tname trc tsec; do
	case $trc in
	0) v=pass ;;
	4) v=skip ;;
	*) v=fail ;;
	esac
	echo "$tname $v $tsec"
done)
[ -z "$rows" ] || echo "$rows" >"$results"
if [ -z "$rows" ]; then
	echo "error: no test ran"
	fail=1
elif echo "$rows" | grep -q ' fail '; then
	fail=1
fi
if ! echo "$log" | grep -q '^WB-DONE'; then
	echo "error: the guest did not reach the end of its plan"
	fail=1
fi
# The misuse mode and the KUnit misuse suite make the allocator warn on
# purpose (the mode's script counts the warnings): in their sections,
# warnings and their traces are expected; anything worse is not.
for m in page_frag_misuse kunit_misuse; do
	misuse=$(echo "$log" | sed -n "/WB-START $m\$/,/WB-RESULT $m /p")
	if worse=$(echo "$misuse" | grep -nE 'BUG:|Oops|Kernel panic|kernel BUG'); then
		echo "error: the kernel complained beyond warnings in $m:"
		echo "$worse" | head -n 20
		fail=1
	fi
	log=$(echo "$log" | sed "/WB-START $m\$/,/WB-RESULT $m /d")
done
if bad=$(echo "$log" | grep -nE 'BUG:|WARNING:|Oops|Call Trace|Kernel panic|kernel BUG'); then
	echo "error: the kernel complained:"
	echo "$bad" | head -n 20
	fail=1
fi
# Kernel messages may run into the marker's line on the console.
cpus=$(echo "$log" | sed -n 's/^WB-BOOTED cpus=\([0-9]*\).*/\1/p' | head -n1)
if [ "${cpus:-0}" -lt 2 ]; then
	echo "error: the guest brought up ${cpus:-no} CPUs, want 2"
	fail=1
fi
printf '%-28s %-8s %s\n' test verdict "guest s"
if [ -n "$rows" ]; then
	echo "$rows" | while read -r tname v tsec; do
		printf '%-28s %-8s %s\n' "$tname" "$v" "$tsec"
	done
fi
exit $fail
