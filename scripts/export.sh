#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Regenerate patches/, series and the top-level copies from the series
# branch of the kernel tree.
#
# The branch is first replayed through apply.sh so that the commits that
# the patches describe are the reproducible ones (fixed committer,
# committer date = author date): exporting right after applying then
# gives the same bytes.
. "$(dirname "$0")/lib.sh"
need git

[ -d "$TREE/.git" ] || die "no kernel tree at $TREE; run 'make base' first"
if [ -n "$(git -C "$TREE" status --porcelain)" ]; then
	git -C "$TREE" status --short | head -n 20 >&2
	die "the kernel tree $TREE is dirty: commit or stash first"
fi
cur=$(git -C "$TREE" symbolic-ref -q --short HEAD || true)
[ "$cur" = "$BRANCH" ] || die "the kernel tree is on '${cur:-a detached HEAD}', not on '$BRANCH'"
# EXPORT_DIR: where to write (default: the repository itself).
OUT=${EXPORT_DIR:-$TOP}
cover=$TOP/cover-letter.txt
[ -f "$cover" ] || die "$cover is missing (its first paragraph is the cover subject)"

# format-patch, fixed so that the output depends only on the commits.
# The index lines abbreviate blob names to core.abbrev, which git sizes
# by the number of objects in the repository when it is not set: a fresh
# tree and an old one would write different bytes. Pin it to 12, as
# Documentation/process/submitting-patches.rst asks for commit ids.
fmt() {
	local out=$1 tip
	tip=$(git -C "$TREE" rev-parse "$BRANCH")
	rm -rf "$out"
	GIT_COMMITTER_NAME=$(git -C "$TREE" log -1 --format=%an "$BRANCH") \
	GIT_COMMITTER_EMAIL=$(git -C "$TREE" log -1 --format=%ae "$BRANCH") \
	git -C "$TREE" -c "branch.$BRANCH.description=$(cat "$cover")" \
		-c format.signature= -c core.abbrev=12 \
		format-patch -q -o "$out" --numbered --cover-letter \
		--cover-from-description=subject \
		--subject-prefix='PATCH net-next' --base=base \
		--no-signature base.."$BRANCH" >/dev/null
	[ "$(git -C "$TREE" rev-parse "$BRANCH")" = "$tip" ]
}

# The cover letter's Date: is the committer date of now; pin it to the
# author date of the last patch.
export GIT_COMMITTER_DATE
GIT_COMMITTER_DATE=$(git -C "$TREE" log -1 --format=%aI "$BRANCH")

tmp=$CACHE/export.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
tree_before=$(git -C "$TREE" rev-parse "$BRANCH^{tree}")
fmt "$tmp/p1"
(cd "$tmp/p1" && ls -1 [0-9]*.patch | grep -v '^0000-cover-letter') >"$tmp/series"

# Replay through git am so that the branch holds the reproducible commits.
old_series=$OUT/series
SERIES_FILE="$tmp/series" bash "$TOP/scripts/apply.sh" "$tmp/p1" >/dev/null
[ "$(git -C "$TREE" rev-parse "$BRANCH^{tree}")" = "$tree_before" ] ||
	die "replaying the series did not give the same tree"
GIT_COMMITTER_DATE=$(git -C "$TREE" log -1 --format=%aI "$BRANCH")
fmt "$tmp/p2"

rm -f "$OUT"/patches/*.patch
mkdir -p "$OUT/patches"
cp "$tmp"/p2/*.patch "$OUT/patches/"
cp "$tmp/series" "$old_series"

# Top-level copies of what the series adds for its users.
cp "$TREE/Documentation/mm/page_frags.rst" "$OUT/Documentation-mm-page_frags.rst"
rm -rf "$OUT/tools-testing-selftests-mm"
mkdir -p "$OUT/tools-testing-selftests-mm"
git -C "$TREE/tools/testing/selftests/mm" ls-files | { grep page_frag || true; } |
while read -r f; do
	mkdir -p "$OUT/tools-testing-selftests-mm/$(dirname "$f")"
	cp "$TREE/tools/testing/selftests/mm/$f" "$OUT/tools-testing-selftests-mm/$f"
done
echo "exported $(wc -l <"$old_series") patches from $(git -C "$TREE" rev-parse --short "$BRANCH") into $OUT/patches/"
