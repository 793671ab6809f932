#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job: from nothing to the series applied, built, booted and
# tested. One line per stage; full logs in $CACHE/logs.
. "$(dirname "$0")/lib.sh"
S=$TOP/scripts

echo "cache: $CACHE"
stage deps bash "$S/deps.sh"
stage base bash "$S/base.sh"
stage apply bash "$S/apply.sh"
stage build bash "$S/build.sh" x86_64
stage boot bash "$S/boot.sh" x86_64 "$TOP/tests/plan/selftest" || {
	tail -n 20 "$LOGS/boot.log"
	exit 1
}
echo
sed -n '/^test /,$p' "$LOGS/boot.log"
