#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/kernel-doc -none -Wall on the files the patch touches: the
# number of warnings must not grow.
# usage: kdoc.sh PARENT COMMIT
. "$(dirname "$0")/../lib.sh"
p=$1 c=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() {
	local rev=$1 f=$2
	git -C "$TREE" show "$rev:$f" >"$tmp/$(basename "$f")" 2>/dev/null || { echo 0; return; }
	(cd "$TREE" && perl scripts/kernel-doc -none -Wall "$tmp/$(basename "$f")" 2>&1) |
		tee -a "$tmp/log.$rev" | grep -c 'warning' || true
}
rc=0
while read -r f; do
	before=$(count "$p" "$f")
	after=$(count "$c" "$f")
	if [ "$after" -gt "$before" ]; then
		echo "FIRST: $f: kernel-doc warnings $before -> $after: $(grep -m1 warning "$tmp/log.$c")"
		rc=1
	fi
done < <(git -C "$TREE" diff --name-only --diff-filter=AM "$p" "$c" -- '*.c' '*.h')
[ $rc -eq 0 ] && echo "kernel-doc warnings did not grow"
exit $rc
