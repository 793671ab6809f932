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

[ -e "$TREE/.git" ] || die "no kernel tree at $TREE; run 'make base' first"
if [ -n "$(git -C "$TREE" status --porcelain)" ]; then
	git -C "$TREE" status --short | head -n 20 >&2
	die "the kernel tree $TREE is dirty: commit or stash first"
fi
cur=$(git -C "$TREE" symbolic-ref -q --short HEAD || true)
[ "$cur" = "$BRANCH" ] || die "the kernel tree is on '${cur:-a detached HEAD}', not on '$BRANCH'"
# EXPORT_DIR: where to write (default: the repository itself).
# AUTHOR="Name <mail>": the exported patches carry that author and
# Signed-off-by instead of the series' neutral identity, for the person
# who sends them; they go to EXPORT_DIR (default $CACHE/outgoing), never
# into the repository.
AUTHOR=${AUTHOR:-}
if [ -n "$AUTHOR" ]; then
	echo "$AUTHOR" | grep -qE '^[^<>@]*[^<>@ ] <[^<>@ ]+@[^<>@ ]+>$' ||
		die "AUTHOR must look like 'Full Name <you@example.org>', not '$AUTHOR'"
	OUT=${EXPORT_DIR:-$CACHE/outgoing}
	[ "$(realpath -m "$OUT")" != "$TOP" ] ||
		die "AUTHOR= patches do not go into the repository, which keeps a neutral identity; set EXPORT_DIR elsewhere"
else
	OUT=${EXPORT_DIR:-$TOP}
fi
# The postings (see series_postings in lib.sh) come from the repository's
# series file; each one needs its cover letter in cover/NAME.txt.
SERIES_FILE=${SERIES_FILE:-$TOP/series}
export SERIES_FILE
ranges=$(posting_ranges) || die "cannot split the series into postings"
while IFS=$'\t' read -r name _ _ _; do
	[ -f "$TOP/cover/$name.txt" ] ||
		die "cover/$name.txt is missing (its first paragraph is the subject of posting $name)"
done <<<"$ranges"

# format-patch, fixed so that the output depends only on the commits.
# The index lines abbreviate blob names to core.abbrev, which git sizes
# by the number of objects in the repository when it is not set: a fresh
# tree and an old one would write different bytes. Pin it to 12, as
# Documentation/process/submitting-patches.rst asks for commit ids.
# One folder per posting, each with its cover letter; a later posting's
# cover letter names the patches before it as prerequisites.
# usage: fmt OUT-DIR
fmt() {
	local out=$1 tip name tree first last b
	tip=$(git -C "$TREE" rev-parse "$BRANCH")
	rm -rf "$out"
	mkdir -p "$out"
	while IFS=$'\t' read -r name tree first last; do
		# The cover subject comes from a branch description, so the
		# posting needs a branch of its own for a moment.
		b=wb-posting-$name
		kgit branch -f "$b" "$last"
		GIT_COMMITTER_NAME=$(git -C "$TREE" log -1 --format=%an "$last") \
		GIT_COMMITTER_EMAIL=$(git -C "$TREE" log -1 --format=%ae "$last") \
		GIT_COMMITTER_DATE=$(git -C "$TREE" log -1 --format=%aI "$last") \
		git -C "$TREE" -c "branch.$b.description=$(cat "$TOP/cover/$name.txt")" \
			-c format.signature= -c core.abbrev=12 \
			format-patch -q -o "$out/$name" --numbered --cover-letter \
			--cover-from-description=subject \
			--subject-prefix="PATCH $tree" --base=base \
			--no-signature "$first^..$b" >/dev/null
		kgit branch -D "$b" >/dev/null
	done <<<"$(posting_ranges)"
	[ "$(git -C "$TREE" rev-parse "$BRANCH")" = "$tip" ]
}

# series_of DIR: the series file for the postings in DIR.
series_of() {
	local name tree subj
	while IFS=$'\t' read -r name tree subj; do
		echo "# posting $name $tree: $subj"
		(cd "$1/$name" && ls -1 [0-9]*.patch | grep -v '^0000-cover-letter' | sed "s#^#$name/#")
	done < <(series_postings)
}

tmp=$CACHE/export.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
tree_before=$(git -C "$TREE" rev-parse "$BRANCH^{tree}")
fmt "$tmp/p1"
series_of "$tmp/p1" >"$tmp/series"

# Replay through git am so that the branch holds the reproducible commits.
SERIES_FILE="$tmp/series" bash "$TOP/scripts/apply.sh" "$tmp/p1" >/dev/null
[ "$(git -C "$TREE" rev-parse "$BRANCH^{tree}")" = "$tree_before" ] ||
	die "replaying the series did not give the same tree"
SERIES_FILE=$tmp/series
fmt "$tmp/p2"

if [ -n "$AUTHOR" ]; then
	# The sender's copy: their name on From: and on the sign-off that
	# stands for the series' authors, and in the cover's shortlog.
	neutral=$(git -C "$TREE" log -1 --format='%an <%ae>' "$BRANCH")
	find "$tmp/p2" -name '*.patch' | while read -r f; do
		python3 - "$f" "$neutral" "$AUTHOR" <<'PY'
import sys
path, old, new = sys.argv[1:4]
old_name, new_name = old.split(' <')[0], new.split(' <')[0]
out = []
for line in open(path, encoding='utf-8').read().split('\n'):
    if line in ('From: ' + old, 'Signed-off-by: ' + old):
        line = line.replace(old, new)
    elif line.startswith(old_name + ' (') and line.endswith('):'):
        line = new_name + line[len(old_name):]
    out.append(line)
open(path, 'w', encoding='utf-8').write('\n'.join(out))
PY
	done
	if grep -rl -F "$neutral" "$tmp/p2" | grep -q .; then
		die "the neutral identity is left in: $(grep -rl -F "$neutral" "$tmp/p2" | head -n1)"
	fi
fi

rm -rf "$OUT/patches"
mkdir -p "$OUT/patches"
cp -r "$tmp"/p2/. "$OUT/patches/"
cp "$tmp/series" "$OUT/series"

# Top-level copies of what the series adds for its users.
cp "$TREE/Documentation/mm/page_frags.rst" "$OUT/Documentation-mm-page_frags.rst"
rm -rf "$OUT/tools-testing-selftests-mm"
mkdir -p "$OUT/tools-testing-selftests-mm"
git -C "$TREE/tools/testing/selftests/mm" ls-files | { grep page_frag || true; } |
while read -r f; do
	mkdir -p "$OUT/tools-testing-selftests-mm/$(dirname "$f")"
	cp "$TREE/tools/testing/selftests/mm/$f" "$OUT/tools-testing-selftests-mm/$f"
done
echo "exported $(series_patches | wc -l) patches in $(series_postings | wc -l) postings from $(git -C "$TREE" rev-parse --short "$BRANCH") into $OUT/patches/${AUTHOR:+, signed by $AUTHOR}"
