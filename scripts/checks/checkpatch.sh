#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl with netdev's options (checkpatch.conf): no error, no warning.
# usage: checkpatch.sh PARENT COMMIT
. "$(dirname "$0")/../lib.sh"
c=$2
dict=/usr/share/codespell/dictionary.txt
[ -f "$dict" ] || dict=$(dpkg -L codespell 2>/dev/null | grep '/dictionary\.txt$' | head -n1)
[ -n "$dict" ] && [ -f "$dict" ] || die "codespell's dictionary.txt not found; install codespell"
opts=$(grep -v '^[[:space:]]*#' "$TOP/checkpatch.conf" | tr '\n' ' ')
# checkpatch runs scripts/spdxcheck.py, which needs Debian's python3-ply
# and python3-git: make sure the system python3 is the one it finds.
export PATH=/usr/bin:$PATH
out=$(git -C "$TREE" format-patch -1 --stdout "$c" |
	(cd "$TREE" && perl scripts/checkpatch.pl $opts --codespellfile="$dict" \
		--color=never --summary-file -q - 2>&1)) || true
echo "$out"
if echo "$out" | grep -qE 'Traceback|Error:|No such file'; then
	echo "FIRST: checkpatch could not run: $(echo "$out" | grep -m1 -E 'Error:|No such file')"
	exit 1
fi
if echo "$out" | grep -qE '^(ERROR|WARNING|CHECK):'; then
	echo "FIRST: $(echo "$out" | grep -m1 -E '^(ERROR|WARNING|CHECK):')"
	exit 1
fi
exit 0
