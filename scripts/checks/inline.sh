#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# No new non-inline static function in a header, no new 'inline' in a .c.
# usage: inline.sh PARENT COMMIT
. "$(dirname "$0")/../lib.sh"
p=$1 c=$2
bad=$(git -C "$TREE" diff -U0 "$p" "$c" -- '*.h' |
	grep -E '^\+[[:space:]]*static[[:space:]]' |
	grep -vE '\binline\b|__always_inline|=|;$' |
	grep -E '\(' || true)
if [ -n "$bad" ]; then
	echo "FIRST: non-inline static function in a header: $(echo "$bad" | head -n1)"
	exit 1
fi
bad=$(git -C "$TREE" diff -U0 "$p" "$c" -- '*.c' |
	grep -E '^\+' | grep -vE '^\+\+\+' | grep -E '\binline\b' |
	grep -vE '^\+[[:space:]]*(\*|/\*|//)' || true)
if [ -n "$bad" ]; then
	echo "FIRST: 'inline' in a .c file: $(echo "$bad" | head -n1)"
	exit 1
fi
echo "no new static function in a header, no new inline in a .c file"
