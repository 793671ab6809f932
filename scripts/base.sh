#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make the base tree: Debian's linux-source-6.12 unpacked into the cache,
# committed with a fixed identity and date, and tagged 'base'.
. "$(dirname "$0")/lib.sh"
need git tar xz

[ -f "$TARBALL" ] || die "$TARBALL not found; run 'make deps' (installs $KPKG=$KVER)"
ver=$(dpkg-query -W -f='${Version}' $KPKG 2>/dev/null) || die "$KPKG is not installed"
msg="Linux 6.12 as packaged by Debian ($KPKG $ver)"

if [ -d "$TREE/.git" ] && git -C "$TREE" rev-parse -q --verify base >/dev/null; then
	have=$(git -C "$TREE" log -1 --format=%s base)
	if [ "$have" = "$msg" ]; then
		echo "base already present: $(git -C "$TREE" rev-parse base) ($have)"
		exit 0
	fi
	echo "base is '$have', want '$msg': rebuilding the tree"
fi

tmp=$CACHE/unpack.$$
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
echo "unpacking $TARBALL"
tar -C "$tmp" -xf "$TARBALL"
src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)
[ -f "$src/Makefile" ] || die "unexpected tarball layout in $TARBALL"

# Debian appends a block that ignores every top-level path except
# debian/; drop it so that the tree behaves as upstream's does.
python3 - "$src/.gitignore" <<'PYEOF'
import sys
p = sys.argv[1]
lines = open(p).read().split('\n')
for i, l in enumerate(lines):
    if l.startswith('# Debian packaging'):
        j = i
        while j > 0 and lines[j - 1].strip() in ('#', ''):
            j -= 1
        lines = lines[:j]
        break
else:
    sys.exit('no Debian packaging block in ' + p)
open(p, 'w').write('\n'.join(lines) + '\n')
PYEOF
if grep -qxF '/*' "$src/.gitignore"; then
	die "could not remove Debian's '/*' block from .gitignore"
fi

rm -rf "$TREE"
mv "$src" "$TREE"
echo "creating the base commit"
git -C "$TREE" init -q -b "$BRANCH"
kgit add -f -A
GIT_AUTHOR_DATE="$WB_DATE" GIT_COMMITTER_DATE="$WB_DATE" kgit commit -q -m "$msg"
kgit tag -f base >/dev/null
echo "base $(git -C "$TREE" rev-parse base) tree $(git -C "$TREE" rev-parse 'base^{tree}')"
