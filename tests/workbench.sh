#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the workbench itself: the serial-log verdict, the messages of a
# stage that cannot do its job, apply stopping at a bad patch with its
# name, export refusing a dirty tree.  Uses a scratch repository, never
# the kernel tree.
. "$(dirname "$0")/../scripts/lib.sh"
S=$TOP/scripts
tmp=$CACHE/wb-test
rm -rf "$tmp"
mkdir -p "$tmp"
pass=0 failed=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }
# expect 0|1 "what" cmd...: the command must succeed (0) or fail (1).
expect() {
	local want=$1 what=$2 rc=0
	shift 2
	"$@" >"$tmp/out" 2>&1 || rc=$?
	if { [ "$want" = 0 ] && [ $rc -eq 0 ]; } || { [ "$want" = 1 ] && [ $rc -ne 0 ]; }; then
		ok "$what"
	else
		ko "$what (exit $rc)"
		sed 's/^/    /' "$tmp/out"
	fi
}
# and the output must say something
says() {
	if grep -qE "$1" "$tmp/out"; then ok "  ... says /$1/"; else ko "  ... does not say /$1/"; sed 's/^/    /' "$tmp/out"; fi
}

# 1. The verdict on serial logs.
good='WB-BOOTED cpus=2
WB-RESULT page_frag_smoke 0 0.25
WB-RESULT page_frag_large 4 0.01
WB-DONE'
printf '%s\n' "$good" >"$tmp/good"
expect 0 "verdict: a clean log passes" bash "$S/verdict.sh" "$tmp/good"
printf '%s\n' "$good" | sed 's/smoke 0/smoke 1/' >"$tmp/failed"
expect 1 "verdict: a failed test fails" bash "$S/verdict.sh" "$tmp/failed"
for word in 'WARNING: CPU: 1 PID: 7 at mm/page_frag_cache.c:60' 'BUG: KASAN: use-after-free' \
	'Oops: general protection fault' 'Call Trace:' 'Kernel panic - not syncing: x'; do
	printf '%s\n%s\n' "$good" "$word" >"$tmp/complaint"
	expect 1 "verdict: '${word%%:*}' in the log fails" bash "$S/verdict.sh" "$tmp/complaint"
done
printf '%s\n' "$good" | grep -v WB-DONE >"$tmp/cut"
expect 1 "verdict: a plan that did not finish fails" bash "$S/verdict.sh" "$tmp/cut"
says 'did not reach the end'
printf '%s\n' "$good" | sed 's/cpus=2/cpus=1/' >"$tmp/onecpu"
expect 1 "verdict: one CPU fails" bash "$S/verdict.sh" "$tmp/onecpu"
printf 'WB-BOOTED cpus=2\nWB-DONE\n' >"$tmp/empty"
expect 1 "verdict: no test at all fails" bash "$S/verdict.sh" "$tmp/empty"
says 'no test ran'
# A guest that dies before its first result must still be told apart.
printf 'WB-BOOTED cpus=2\nWB-START page_frag_smoke\nkernel BUG at include/linux/mm.h:1140!\nKernel panic - not syncing: Fatal exception\n' >"$tmp/panic"
expect 1 "verdict: a panic before the first result fails" bash "$S/verdict.sh" "$tmp/panic"
says 'no test ran'
says 'kernel complained'

# The misuse mode warns on purpose: warnings in its section pass, a BUG
# there or a warning anywhere else does not.
misuse='WB-START page_frag_misuse
WARNING: CPU: 0 PID: 90 at include/linux/page_frag_cache.h:420 frag_test_misuse
Call Trace:
WB-RESULT page_frag_misuse 0 0.10'
printf '%s\n%s\n' "$misuse" "$good" >"$tmp/misuse"
expect 0 "verdict: warnings inside the misuse mode pass" bash "$S/verdict.sh" "$tmp/misuse"
printf '%s\n%s\n' "$(echo "$misuse" | sed 's/^Call Trace:/kernel BUG at mm\/page_frag_cache.c:1!/')" "$good" >"$tmp/misuse-bug"
expect 1 "verdict: a BUG inside the misuse mode fails" bash "$S/verdict.sh" "$tmp/misuse-bug"
says 'beyond warnings'
printf '%s\n%s\nWARNING: CPU: 1 PID: 7 at mm/page_frag_cache.c:60\n' "$misuse" "$good" >"$tmp/misuse-after"
expect 1 "verdict: a warning after the misuse mode fails" bash "$S/verdict.sh" "$tmp/misuse-after"
# The same for the KUnit misuse suite's section, and only for it.
kmisuse=$(echo "$misuse" | sed 's/page_frag_misuse/kunit_misuse/')
printf '%s\n%s\n' "$kmisuse" "$good" >"$tmp/kmisuse"
expect 0 "verdict: warnings inside the KUnit misuse suite pass" bash "$S/verdict.sh" "$tmp/kmisuse"
printf '%s\n%s\n' "$(echo "$kmisuse" | sed 's/^Call Trace:/BUG: kernel NULL pointer dereference, address: 0/')" "$good" >"$tmp/kmisuse-bug"
expect 1 "verdict: a BUG inside the KUnit misuse suite fails" bash "$S/verdict.sh" "$tmp/kmisuse-bug"
says 'beyond warnings in kunit_misuse'
printf '%s\n%s\n' "$(echo "$misuse" | sed 's/page_frag_misuse/kunit/')" "$good" >"$tmp/kunit-warn"
expect 1 "verdict: a warning in the plain KUnit run fails" bash "$S/verdict.sh" "$tmp/kunit-warn"

# 2. A missing tool is named, with what to do.
expect 1 "need: a missing tool fails" bash -c ". '$S/lib.sh'; need no-such-tool-xyz"
says 'missing tools: no-such-tool-xyz.*make deps'
# A mutation name that tests/mutations.def does not have is refused
# before anything is built.
expect 1 "kunit: an unknown mutation is refused" bash "$TOP/tests/kunit.sh" no-such-mutation
says "no mutation named 'no-such-mutation'"

# 3. apply and export on a scratch tree.
r=$tmp/tree
git init -q -b series "$r"
echo one >"$r/file"
git -C "$r" add file
git -C "$r" -c user.name=t -c user.email=t@t commit -q -m base
git -C "$r" tag base
mkdir -p "$tmp/top/patches"
cp -r "$TOP/cover" "$tmp/top/"
echo two >"$r/file"
git -C "$r" -c user.name=t -c user.email=t@t commit -q -am "good change"
git -C "$r" format-patch -q -1 -o "$tmp/top/patches"
sed 's/^-one$/-three/' "$tmp/top/patches"/0001-*.patch >"$tmp/top/patches/0002-bad.patch"
printf '0001-good-change.patch\n0002-bad.patch\n' >"$tmp/top/series"
export PAGE_FRAG_TREE=$r
expect 1 "apply: a patch that does not apply stops the run" \
	env SERIES_FILE="$tmp/top/series" bash "$S/apply.sh" "$tmp/top/patches"
says '0002-bad.patch does not apply'
printf '0001-good-change.patch\n0003-missing.patch\n' >"$tmp/top/series"
expect 1 "apply: a patch named in series but missing stops the run" \
	env SERIES_FILE="$tmp/top/series" bash "$S/apply.sh" "$tmp/top/patches"
says '0003-missing.patch'
printf '0001-good-change.patch\n' >"$tmp/top/series"
expect 0 "apply: a good series applies" env SERIES_FILE="$tmp/top/series" bash "$S/apply.sh" "$tmp/top/patches"
echo dirt >"$r/untracked"
expect 1 "export: a dirty tree is refused" env EXPORT_DIR="$tmp/out" bash "$S/export.sh"
says 'dirty'
rm -f "$r/untracked"
expect 1 "export: an AUTHOR that is not 'Name <mail>' is refused" env AUTHOR=nobody EXPORT_DIR="$tmp/out" bash "$S/export.sh"
says "AUTHOR must look like 'Full Name <you@example.org>'"
expect 1 "export: AUTHOR= patches do not go into the repository" env AUTHOR="A Sender <a@example.org>" EXPORT_DIR="$TOP" bash "$S/export.sh"
says 'neutral identity'
printf '0001-good-change.patch\n' >"$tmp/top/series"
expect 1 "export: a series file without postings is refused" env SERIES_FILE="$tmp/top/series" EXPORT_DIR="$tmp/out" bash "$S/export.sh"
says 'marks no posting'
printf '# posting 1-x net: no such subject\n0001-good-change.patch\n' >"$tmp/top/series"
expect 1 "export: a posting whose first patch is not in the series is refused" env SERIES_FILE="$tmp/top/series" EXPORT_DIR="$tmp/out" bash "$S/export.sh"
says "posting 1-x starts at 'no such subject'"
unset PAGE_FRAG_TREE

# 4. coccicheck compares base and tip on the same files, even when an
# earlier version of the series touched other files: b.c has a report at
# the base; the first series touches a.c and b.c (1 -> 1), the second only
# a.c, where it adds a report (0 -> 1).
r=$tmp/ctree
git init -q -b series "$r"
printf 'int a(void)\n{\n\treturn 0;\n}\n' >"$r/a.c"
printf 'int b(struct page_frag_cache *nc)\n{\n\treturn nc->encoded_va & 1;\n}\n' >"$r/b.c"
git -C "$r" add a.c b.c
git -C "$r" -c user.name=t -c user.email=t@t commit -q -m base
git -C "$r" tag base
echo '/* touched */' >>"$r/a.c"
echo '/* touched */' >>"$r/b.c"
git -C "$r" -c user.name=t -c user.email=t@t commit -q -am "v1: touch a.c and b.c"
cocci() {
	env PAGE_FRAG_CACHE="$tmp/ccache" PAGE_FRAG_TREE="$r" PAGE_FRAG_CHECK_SRC="$tmp/csrc" \
		bash "$S/series-checks.sh" cocci
}
expect 0 "cocci: a series that adds no report passes" cocci
git -C "$r" checkout -q -B series base
printf 'int a(struct page_frag_cache *nc)\n{\n\treturn nc->encoded_va & 2;\n}\n' >"$r/a.c"
git -C "$r" -c user.name=t -c user.email=t@t commit -q -am "v2: a report in a.c"
expect 1 "cocci: a new report fails when the series no longer touches a file with an old one" cocci
says 'reports 0 -> 1'

# 5. The mm selftests build and install without a built kernel: the
# page_frag module is only part of them when KDIR holds one.
if git -C "$TREE" cat-file -e "$BRANCH:tools/testing/selftests/mm/page_frag/Makefile" 2>/dev/null; then
	check_src "$BRANCH"
	mkdir -p "$tmp/nokernel" "$tmp/kernel"
	touch "$tmp/kernel/Module.symvers"
	mods() {
		make -pq -C "$SRC/tools/testing/selftests/mm" KDIR="$1" 2>/dev/null |
			grep -E '^TEST_GEN_MODS_DIR :?= *page_frag' || true
	}
	mods "$tmp/nokernel" >"$tmp/out"
	if [ -s "$tmp/out" ]; then ko "selftests/mm: the module is built and installed without a kernel in KDIR"; else ok "selftests/mm: no kernel in KDIR, no module to build or install"; fi
	mods "$tmp/kernel" >"$tmp/out"
	if [ -s "$tmp/out" ]; then ok "selftests/mm: a built kernel in KDIR, the module is built and installed"; else ko "selftests/mm: the module is left out although KDIR holds a built kernel"; fi
	# Without KDIR, the tree the selftests live in, once it is built.
	mods "" >"$tmp/out"
	if [ -s "$tmp/out" ]; then ko "selftests/mm: the module is built in a tree that was not built"; else ok "selftests/mm: no KDIR, an unbuilt tree, no module"; fi
	touch "$SRC/Module.symvers"
	mods "" >"$tmp/out"
	rm -f "$SRC/Module.symvers"
	if [ -s "$tmp/out" ]; then ok "selftests/mm: no KDIR, a built tree, the module is built"; else ko "selftests/mm: the module is left out of a built tree (KDIR's default)"; fi
	make -n -C "$SRC/tools/testing/selftests/mm" KDIR="$tmp/nokernel" \
		INSTALL_PATH="$tmp/inst" install >"$tmp/out" 2>&1 || true
	if grep -q 'page_frag/\*\.ko' "$tmp/out"; then ko "selftests/mm: install copies page_frag/*.ko without a kernel"; sed 's/^/    /' "$tmp/out" | grep page_frag; else ok "selftests/mm: install copies no module without a kernel"; fi
fi

# 6. ccache-cc: an object whose source has .incbin follows the file it
# pulls in (plain ccache returns the old object: it keys on the source
# and its headers only), and other objects still come from the cache.
d=$tmp/incbin
mkdir -p "$d"
printf '.section .rodata\n.incbin "blob.bin"\n' >"$d/piggy.S"
printf 'int f(void) { return 1; }\n' >"$d/plain.c"
incbin_obj() { # CC: compile piggy.S with blob.bin = $2, print its data
	echo "$2" >"$d/blob.bin"
	(cd "$d" && CCACHE_DIR=$d/cache CCACHE_DEPEND=1 $1 -c -Wp,-MMD,piggy.d -o piggy.o piggy.S) &&
		objcopy -O binary --only-section=.rodata "$d/piggy.o" /dev/stdout
}
incbin_obj "ccache gcc" one >/dev/null
if [ "$(incbin_obj "ccache gcc" two)" = one ]; then
	ok "ccache-cc: plain ccache does return a stale .incbin object (what the wrapper is for)"
else
	ko "ccache-cc: plain ccache followed the .incbin file: this test no longer shows the hazard"
fi
incbin_obj "$S/ccache-cc gcc" three >/dev/null
if [ "$(incbin_obj "$S/ccache-cc gcc" four)" = four ]; then
	ok "ccache-cc: a source with .incbin is compiled afresh"
else
	ko "ccache-cc: a source with .incbin got a stale object"
fi
(cd "$d" && for _ in 1 2; do CCACHE_DIR=$d/cache2 "$S/ccache-cc" gcc -c -o plain.o plain.c; done)
if CCACHE_DIR=$d/cache2 ccache -s 2>/dev/null | grep -qE '^ *Hits: +[1-9]'; then
	ok "ccache-cc: other sources still hit the cache"
else
	ko "ccache-cc: other sources no longer hit the cache"
fi

# The walk keeps a patch's pass under its tree id and workbench_key: the
# key must follow every file that builds, boots or judges a kernel, and
# nothing else.
w=$tmp/wbkey
mkdir -p "$w"
cp -r "$TOP"/scripts "$TOP"/config "$TOP"/tests "$TOP"/bench "$w/"
cp "$TOP"/README.md "$w/"
[ ! -f "$TOP/.gitignore" ] || cp "$TOP/.gitignore" "$w/"
git -C "$w" init -q
k0=$(workbench_key)
k1=$(TOP=$w workbench_key)
echo "# a comment" >>"$w/tests/plan/selftest"
k2=$(TOP=$w workbench_key)
echo "more words" >>"$w/README.md"
k3=$(TOP=$w workbench_key)
if [ "$k0" = "$k1" ] && [ "$k1" != "$k2" ] && [ "$k2" = "$k3" ]; then
	ok "workbench_key: the same for a copy, changed by a test plan, not by README"
else
	ko "workbench_key: copy $k1 vs $k0, after a plan edit $k2, after README $k3"
fi
# make test-full keeps stages under repo_key: every file but README.md,
# and --no-covers for the stages that do not read the cover letters.
mkdir -p "$w/cover"
echo "a cover" >"$w/cover/1-x.txt"
r1=$(TOP=$w repo_key) n1=$(TOP=$w repo_key --no-covers)
echo "more words" >>"$w/README.md"
r2=$(TOP=$w repo_key) n2=$(TOP=$w repo_key --no-covers)
echo "new figures" >>"$w/cover/1-x.txt"
r3=$(TOP=$w repo_key) n3=$(TOP=$w repo_key --no-covers)
echo "# a comment" >>"$w/scripts/walk.sh"
r4=$(TOP=$w repo_key) n4=$(TOP=$w repo_key --no-covers)
if [ "$r1" = "$r2" ] && [ "$n1" = "$n2" ] && [ "$r2" != "$r3" ] && [ "$n2" = "$n3" ] &&
	[ "$r3" != "$r4" ] && [ "$n3" != "$n4" ]; then
	ok "repo_key: README changes nothing, a cover only the full key, a script both"
else
	ko "repo_key: $r1/$n1, README $r2/$n2, cover $r3/$n3, script $r4/$n4"
fi

echo "$pass passed, $failed failed"
[ $failed -eq 0 ]
