#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The per-patch checks must fail on purpose-made bad patches.  Each case
# commits one small broken change on top of the series (in a scratch
# worktree of the kernel tree) and runs the check that must catch it.
. "$(dirname "$0")/../scripts/lib.sh"
C=$TOP/scripts/checks
tip=$(git -C "$TREE" rev-parse "$BRANCH")
wt=$CACHE/bad-patches
git -C "$TREE" worktree remove -f "$wt" >/dev/null 2>&1 || rm -rf "$wt"
git -C "$TREE" worktree prune
kgit worktree add -q --detach "$wt" "$tip"
trap 'git -C "$TREE" worktree remove -f "$wt" >/dev/null 2>&1 || true' EXIT
author="$(git -C "$TREE" log -1 --format='%an <%ae>' "$tip")"

# bad NAME SIGNOFF(yes|no) EDIT-COMMAND: commit a change, print its sha
bad() {
	local name=$1 so=$2
	shift 2
	git -C "$wt" checkout -q -f --detach "$tip"
	(cd "$wt" && eval "$*")
	git -C "$wt" add -A
	local msg="test: $name

A deliberately broken change for the workbench's check tests."
	[ "$so" = yes ] && msg="$msg

Signed-off-by: $author"
	git -C "$wt" -c user.name="${author% <*}" -c user.email="$(echo "$author" | sed 's/.*<\(.*\)>/\1/')" \
		commit -q --author="$author" -m "$msg"
	git -C "$wt" rev-parse HEAD
}

pass=0 failed=0
# verdict CHECK WHAT RC FIRST-LINE OUTPUT: count and print one case
verdict() {
	local check=$1 what=$2 rc=$3 first=$4 out=$5
	if [ "$rc" -ne 0 ]; then
		pass=$((pass + 1))
		printf 'ok: %-16s catches %s: %s\n' "$check" "$what" "$(echo "$first" | cut -c1-100)"
	else
		failed=$((failed + 1))
		printf 'FAIL: %-14s misses %s\n' "$check" "$what"
		echo "$out" | tail -n 5 | sed 's/^/    /'
	fi
}

# must_fail CHECK SHA WHAT: a per-patch check on SHA against the tip
must_fail() {
	local check=$1 sha=$2 what=$3 out rc=0
	case $check in
	build-*) out=$(bash "$C/build.sh" "${check#build-}" "$tip" "$sha" 2>&1) || rc=$? ;;
	*) out=$(bash "$C/$check.sh" "$tip" "$sha" 2>&1) || rc=$? ;;
	esac
	verdict "$check" "$what" $rc "$(echo "$out" | grep -m1 '^FIRST: ' | cut -c8-)" "$out"
}

# must_fail_series CHECK SHA WHAT: a per-series check on base..SHA
must_fail_series() {
	local check=$1 sha=$2 what=$3 out rc=0
	out=$(PAGE_FRAG_BRANCH=$sha bash "$TOP/scripts/series-checks.sh" "$check" 2>&1) || rc=$?
	verdict "$check" "$what" $rc "$(echo "$out" | sed -n 's/^[a-z0-9]* *✗ *[0-9]*s *//p')" "$out"
}

f=mm/page_frag_cache.c
sha=$(bad new-warning yes "printf '\nstatic int page_frag_wb_unused;\n' >>$f")
# The allmodconfig build cases need the long W=1/sparse builds: not with QUICK=1.
if [ -z "${QUICK:-}" ]; then
	must_fail build-x86_64 "$sha" "a new compiler warning"
	must_fail build-i386 "$sha" "a new compiler warning"
	sha=$(bad build-error yes "printf '\nint page_frag_wb_broken(void) { return undeclared_thing; }\n' >>$f")
	must_fail build-x86_64 "$sha" "a compile error"
	# The examples of page_frags.rst are code of the selftest module.
	sha=$(bad broken-example yes "sed -i 's/page_frag_alloc_commit_noref(nc, len);/page_frag_alloc_commit_noref(nc, va, len);/' tools/testing/selftests/mm/page_frag/page_frag_test.c")
	must_fail build-x86_64 "$sha" "a documentation example that no longer compiles"
fi
sha=$(bad checkpatch yes "printf '\n/* trailing space */ \n' >>$f")
must_fail checkpatch "$sha" "a checkpatch error"
sha=$(bad no-signoff no "printf '\n/* A comment. */\n' >>$f")
must_fail signoff "$sha" "a missing sign-off"
sha=$(bad unlisted-script yes "printf '#!/bin/sh\nexit 0\n' >tools/testing/selftests/mm/test_page_frag_unlisted.sh")
must_fail selftest-listed "$sha" "a selftest script missing from its Makefile"
sha=$(bad kdoc yes "printf '\n/**\n * page_frag_wb_doc() - Nothing.\n * @nope: not a parameter\n */\nvoid page_frag_wb_doc(int x);\n' >>$f")
must_fail kdoc "$sha" "a kernel-doc warning"
sha=$(bad inline yes "printf '\nstatic inline int page_frag_wb_helper(void)\n{\n\treturn 0;\n}\n' >>$f")
must_fail inline "$sha" "'inline' in a .c file"
sha=$(bad static-in-header yes "sed -i 's/^#endif$/static int page_frag_wb_header(void)\n{\n\treturn 0;\n}\n\n#endif/' include/linux/page_frag_cache.h")
must_fail inline "$sha" "a non-inline static function in a header"
sha=$(bad fixes yes "printf '\n/* A comment. */\n' >>$f; true")
git -C "$wt" commit -q --amend -m "$(git -C "$wt" log -1 --format=%B | sed 's/^Signed-off-by/Fixes: 1234 (bad)\nSigned-off-by/')"
must_fail signoff "$(git -C "$wt" rev-parse HEAD)" "a malformed Fixes: tag"
sha=$(bad fixes-subject yes "printf '\n/* A comment. */\n' >>$f; true")
git -C "$wt" commit -q --amend -m "$(git -C "$wt" log -1 --format=%B | sed "s/^Signed-off-by/Fixes: $(git -C "$TREE" rev-parse --short=12 base) (\"not its subject\")\nSigned-off-by/")"
must_fail signoff "$(git -C "$wt" rev-parse HEAD)" "a Fixes: tag whose subject is not the commit's"

# The per-series checks, on a branch that ends with the bad patch.
if [ -z "${QUICK:-}" ]; then
	sha=$(bad cocci yes "sed -i 's/page_frag_cache_is_pfmemalloc(nc)/(nc->encoded_va \& PAGE_FRAG_CACHE_PFMEMALLOC_BIT)/' net/core/skbuff.c")
	must_fail_series cocci "$sha" "a caller decoding encoded_va (the project's semantic patch)"
	sha=$(bad htmldocs yes "printf '\nA broken reference: :c:func:\`page_frag_wb_nothing\n' >>Documentation/mm/page_frags.rst")
	must_fail_series htmldocs "$sha" "a documentation warning"
	sha=$(bad htmldocs-unrendered yes "sed -i '/kernel-doc:: mm\/page_frag_cache.c/,/^\$/s/ page_frag_free_va\\b//' Documentation/mm/page_frags.rst")
	must_fail_series htmldocs "$sha" "a kernel-doc'd function left out of page_frags.html"
fi
echo "$pass caught, $failed missed"
[ $failed -eq 0 ]
