#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Apply the series with git am and export it again: patches/, series and
# the top-level copies must come out byte for byte identical.
. "$(dirname "$0")/../scripts/lib.sh"

out=$CACHE/roundtrip
rm -rf "$out"
mkdir -p "$out"
bash "$TOP/scripts/apply.sh"
# Export as a user's git would whose abbreviation differs from the one
# this tree's object count gives (7 is git's floor, a fresh tree's size):
# the bytes must not depend on it.
GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.abbrev GIT_CONFIG_VALUE_0=7 \
	EXPORT_DIR=$out bash "$TOP/scripts/export.sh"
rc=0
for f in patches series Documentation-mm-page_frags.rst tools-testing-selftests-mm; do
	if [ ! -e "$TOP/$f" ]; then
		echo "FAIL: $f is missing from the repository"
		rc=1
	elif ! diff -r "$TOP/$f" "$out/$f"; then
		echo "FAIL: $f differs after apply + export"
		rc=1
	fi
done
[ $rc -eq 0 ] && echo "roundtrip: apply + export reproduces $(series_patches | wc -l) patches and their cover letters byte for byte"
exit $rc
