#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The author signed the patch off; every Fixes: tag is well formed.
# usage: signoff.sh PARENT COMMIT
. "$(dirname "$0")/../lib.sh"
c=$2
author=$(git -C "$TREE" log -1 --format='%an <%ae>' "$c")
body=$(git -C "$TREE" log -1 --format=%B "$c")
if ! echo "$body" | grep -qxF "Signed-off-by: $author"; then
	echo "FIRST: no 'Signed-off-by: $author' (the author's sign-off)"
	exit 1
fi
bad=$(echo "$body" | grep -i '^Fixes:' |
	grep -vE '^Fixes: [0-9a-f]{12,40} \(".+"\)$' || true)
if [ -n "$bad" ]; then
	echo "FIRST: malformed tag: $(echo "$bad" | head -n1)" \
		"(want: Fixes: <12+ hex digits> (\"subject\"))"
	exit 1
fi
# An id of this tree must name a commit with that subject.  The tree has
# no upstream history (it starts at the Debian tarball), so an upstream
# id cannot be looked up here: it passes on its form, and is listed.
upstream=
while read -r sha subj; do
	[ -n "$sha" ] || continue
	if git -C "$TREE" cat-file -e "$sha^{commit}" 2>/dev/null; then
		[ "(\"$(git -C "$TREE" log -1 --format=%s "$sha")\")" = "$subj" ] ||
			{ echo "FIRST: Fixes: $sha does not have the subject $subj"; exit 1; }
	else
		upstream="$upstream $sha"
	fi
done < <(echo "$body" | sed -n 's/^Fixes: \([0-9a-f]*\) \(.*\)$/\1 \2/p')
echo "author sign-off present${upstream:+; Fixes: upstream ids not in this tree, form checked:$upstream}"
