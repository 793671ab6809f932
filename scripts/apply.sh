#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Apply the patches named in 'series', in order, with git am onto a fresh
# branch from 'base'. Commits are reproducible: fixed committer, committer
# date = author date.
#
# usage: apply.sh [DIR]   take the patches from DIR instead of patches/
. "$(dirname "$0")/lib.sh"

pdir=${1:-$TOP/patches}
[ -e "$TREE/.git" ] || die "no kernel tree at $TREE; run 'make base' first"
git -C "$TREE" rev-parse -q --verify base >/dev/null || die "no 'base' tag in $TREE"

# Leave a half-done git am behind us if there is one.
kgit am --abort >/dev/null 2>&1 || true
kgit checkout -q -f -B "$BRANCH" base
kgit clean -q -fdx

n=0
for p in $(series_patches); do
	f=$pdir/$p
	[ -f "$f" ] || die "series names $p but $f does not exist"
	if ! out=$(kgit am -q --committer-date-is-author-date "$f" 2>&1); then
		echo "error: patch $p does not apply:" >&2
		echo "$out" | sed 's/^/  /' >&2
		kgit am --abort >/dev/null 2>&1 || true
		exit 1
	fi
	n=$((n + 1))
done
echo "applied $n patches: $BRANCH is $(git -C "$TREE" rev-parse HEAD)"
