#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Re-run the _va rename of the series on a kernel tree: the semantic patch
# cocci/page_frag_va_names.cocci on every C file that names one of the four
# old functions (the selftest module included), then the continuation lines
# of a changed call re-aligned under its parenthesis, then the old names in
# comments and in Documentation/mm/page_frags.rst (and its translation).
# The patch "mm: page_frag, treewide: name the functions that return an
# address _va" is exactly this script's output (tests/rename-va.sh checks).
#
# usage: rename-va.sh [TREE]     (default: the workbench tree, $TREE)
. "$(dirname "$0")/lib.sh"
dir=${1:-$TREE}
need spatch python3 git
[ -e "$dir/.git" ] || die "$dir is not a git tree"
OLD='(__)?page_frag_(alloc|alloc_align|free)'
mapfile -t files < <(git -C "$dir" grep -lwE "$OLD" -- '*.c' '*.h')
[ ${#files[@]} -gt 0 ] || die "no file of $dir names page_frag_alloc(), page_frag_alloc_align(), __page_frag_alloc_align() or page_frag_free(): renamed already?"

snap=$(mktemp -d)
trap 'rm -rf "$snap"' EXIT
for f in "${files[@]}"; do
	mkdir -p "$snap/$(dirname "$f")"
	cp "$dir/$f" "$snap/$f"
done

(cd "$dir" && spatch --sp-file "$TOP/cocci/page_frag_va_names.cocci" -D patch \
	--no-includes --include-headers --in-place --very-quiet "${files[@]}" >/dev/null) ||
	die "spatch failed"

# Old names that spatch left are in comments and text: rename them too.
# \b: page_frag_alloc_va() must not become page_frag_alloc_va_va().  In
# the C locale, so that a CJK character next to a name is a word boundary
# (the zh_CN translation writes "page_frag_alloc和page_frag_free").
rename_words() {
	LC_ALL=C sed -i -E \
		-e 's/\b__page_frag_alloc_align\b/__page_frag_alloc_va_align/g' \
		-e 's/\bpage_frag_alloc_align\b/page_frag_alloc_va_align/g' \
		-e 's/\bpage_frag_alloc\b/page_frag_alloc_va/g' \
		-e 's/\bpage_frag_free\b/page_frag_free_va/g' "$@"
}
rename_words "${files[@]/#/$dir/}"
for f in Documentation/mm/page_frags.rst Documentation/translations/zh_CN/mm/page_frags.rst; do
	[ -f "$dir/$f" ] && rename_words "$dir/$f"
done

# A name that grew moves the parenthesis of its call or prototype to the
# right: align the continuation lines that spatch did not touch under it.
python3 - "$snap" "$dir" "${files[@]}" <<'PY'
import sys

def col(s, n):
    """Column of s[:n] with 8-column tabs."""
    c = 0
    for ch in s[:n]:
        c = (c // 8 + 1) * 8 if ch == "\t" else c + 1
    return c

def open_paren(line):
    """Index of the last '(' left open at the end of the line, or None."""
    stack = []
    for i, ch in enumerate(line):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            stack.pop()
    return stack[-1] if stack else None

def wrap(line):
    """A changed line past 80 columns, split after the last ', ', ' + '
    or ' | ' that keeps the head within 80 columns, the rest aligned
    under the open parenthesis (as checkpatch --strict wants)."""
    out = []
    while col(line, len(line)) > 80:
        # None: the parenthesis of a continuation line is on a line
        # above; the line is aligned under it already.
        best, stack = None, [None]
        for k, ch in enumerate(line):
            if ch == "(":
                stack.append(k)
            elif ch == ")" and len(stack) > 1:
                stack.pop()
            elif line.startswith((", ", " + ", " | "), k):
                end = k + 1 if ch == "," else k + 2
                if col(line, end) <= 80:
                    best = (end, stack[-1])
        if not best:
            break
        end, p = best
        out.append(line[:end].rstrip())
        if p is None:
            width = col(line, len(line) - len(line.lstrip(" \t")))
        else:
            width = col(line, p) + 1
        line = "\t" * (width // 8) + " " * (width % 8) + line[end:].lstrip()
    return out + [line]

def depth(line):
    return line.count("(") - line.count(")")

snap, tree, files = sys.argv[1], sys.argv[2], sys.argv[3:]
for f in files:
    old = open(f"{snap}/{f}").read().split("\n")
    new = open(f"{tree}/{f}").read().split("\n")
    if len(old) != len(new):
        sys.exit(f"{f}: spatch changed the number of lines, align by hand")
    for i in range(len(new)):
        if old[i] == new[i]:
            continue
        po, pn = open_paren(old[i]), open_paren(new[i])
        if po is None or pn is None:
            continue
        # The continuation lines of the statement go under the (new)
        # parenthesis, as checkpatch --strict wants, also where they were
        # not under the old one; lines nested deeper keep their place
        # relative to the line above.
        target = col(new[i], pn) + 1
        d0 = d = depth(old[i])
        shift = 0
        j = i + 1
        while d > 0 and j < len(new) and old[j] == new[j]:
            body = new[j].lstrip(" \t")
            cur = col(old[j], len(old[j]) - len(body))
            if d == d0:
                shift = target - cur
            width = cur + shift
            new[j] = "\t" * (width // 8) + " " * (width % 8) + body
            d += depth(old[j])
            j += 1
    out = []
    for i in range(len(new)):
        out += wrap(new[i]) if new[i] != old[i] else [new[i]]
    open(f"{tree}/{f}", "w").write("\n".join(out))
PY

left=$(git -C "$dir" grep -nwE "$OLD" -- . ':!tools/' ':!Documentation/' || true)
[ -z "$left" ] || { echo "$left"; die "old names left after the rename (above)"; }
echo "renamed in ${#files[@]} files: ${files[*]}"
