#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The _va rename patch of the series is what scripts/rename-va.sh (the
# semantic patch cocci/page_frag_va_names.cocci and its clean-ups) makes
# of its parent, byte for byte: re-run it there and compare the trees.
# Expects the series applied (scripts/apply.sh).
. "$(dirname "$0")/../scripts/lib.sh"
subject='mm: page_frag, treewide: name the functions that return an address _va'
c=$(git -C "$TREE" log --format=%H --fixed-strings --grep "$subject" base.."$BRANCH" | head -n1)
[ -n "$c" ] || die "no commit '$subject' in the series"
check_src "$c^"
bash "$TOP/scripts/rename-va.sh" "$SRC"
if ! git -C "$SRC" diff --quiet "$c" --; then
	git -C "$SRC" diff --stat "$c" -- | tail -n 5
	git -C "$SRC" diff "$c" -- | head -n 40
	git -C "$SRC" checkout -q -f "$c^"
	die "the rename patch differs from what rename-va.sh makes of its parent (above: patch -> script)"
fi
git -C "$SRC" checkout -q -f "$c^"
echo "the rename patch $(git -C "$TREE" log -1 --format=%h "$c") is rename-va.sh's output on its parent"
