#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The selftest must fail when the allocator is broken.  Each mutation
# breaks mm/page_frag_cache.c of the series' tip in one way seen in this
# allocator's history; the kernel is rebuilt (only that object changes)
# and booted, and the run must fail.
. "$(dirname "$0")/../scripts/lib.sh"
tip=$(git -C "$TREE" rev-parse "$BRANCH")
f=$TREE/mm/page_frag_cache.c
restore() { kgit checkout -q -f "$BRANCH"; }
trap restore EXIT

# mutate NAME PYTHON-REPLACEMENT: old and new text of the source.
pass=0 failed=0
mutate() {
	local name=$1 old=$2 new=$3
	kgit checkout -q -f "$BRANCH"
	if ! python3 - "$f" "$old" "$new" <<'PY'
import sys
p, old, new = sys.argv[1:4]
s = open(p).read()
if old not in s:
    sys.exit(1)
open(p, 'w').write(s.replace(old, new, 1))
PY
	then
		failed=$((failed + 1))
		echo "FAIL: mutation '$name' no longer applies to $f"
		return
	fi
	if ! bash "$TOP/scripts/build.sh" x86_64 >"$LOGS/mutation-$name-build.log" 2>&1; then
		failed=$((failed + 1))
		echo "FAIL: mutation '$name' does not build ($LOGS/mutation-$name-build.log)"
		return
	fi
	if bash "$TOP/scripts/boot.sh" x86_64 "$TOP/tests/plan/selftest" >"$LOGS/mutation-$name.log" 2>&1; then
		failed=$((failed + 1))
		echo "FAIL: the selftest passes with mutation '$name'"
	else
		pass=$((pass + 1))
		# What caught it: a failed test, else the kernel's complaint.
		echo "ok: '$name' caught: $(grep -m1 -E ' fail ' "$LOGS/mutation-$name.log" ||
			grep -m1 -E 'BUG|WARNING:|Oops|panic' "$LOGS/mutation-$name.log" ||
			grep -m1 'error:' "$LOGS/mutation-$name.log")"
	fi
}

# The upstream rewrite of 6.13 refused fragments larger than PAGE_SIZE.
mutate large-refused \
'	if (unlikely(!fragsz))
		return NULL;' \
'	if (unlikely(!fragsz || fragsz > PAGE_SIZE))
		return NULL;'

# Recycling the page while fragments are still in flight.
mutate recycle-in-flight \
'	if (!page_ref_sub_and_test(page, nc->pagecnt_bias))
		return false;' \
'	page_ref_sub_and_test(page, nc->pagecnt_bias);'

# Carving from the page without charging the fragment's reference.
mutate no-reference \
'	if (unlikely(fragsz > remaining))
		return NULL;
' \
'	if (unlikely(fragsz > remaining))
		return NULL;
	nc->pagecnt_bias++;
'

restore
# Rebuild the unmutated tip so that later stages start from it.
bash "$TOP/scripts/build.sh" x86_64 >"$LOGS/mutation-restore-build.log" 2>&1 ||
	{ echo "FAIL: the tip does not build again after the mutations"; failed=$((failed + 1)); }
echo "$pass caught, $failed missed"
[ $failed -eq 0 ]
