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
while read -r sha; do
	[ -n "$sha" ] || continue
	git -C "$TREE" cat-file -e "$sha^{commit}" 2>/dev/null ||
		{ echo "FIRST: Fixes: $sha is not a commit of this tree"; exit 1; }
done < <(echo "$body" | sed -n 's/^Fixes: \([0-9a-f]*\) .*/\1/p')
echo "author sign-off present"
