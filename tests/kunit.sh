#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The KUnit suites of the allocator (mm/page_frag_cache_kunit.c, with
# mm/.kunitconfig), run by the tree's own tools/testing/kunit/kunit.py on
# x86_64 in QEMU.  Works in a worktree of the series' tip, so the kernel
# tree is not touched.  Then, as a test of the tests, each mutation of
# tests/mutations.def that is named (default: all) must make the suites
# fail.
#
# usage: kunit.sh [--no-mutations | MUTATION...]
. "$(dirname "$0")/../scripts/lib.sh"
need python3 qemu-system-x86_64 ccache gcc make
tip=$(git -C "$TREE" rev-parse "$BRANCH")
src=$CACHE/src-kunit
out=$BUILD/kunit-x86_64
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_BASEDIR=$CACHE

wanted=()
mutations=1
case ${1:-} in
--no-mutations) mutations= ;;
*) wanted=("$@") ;;
esac
known_mutations "${wanted[@]}"

git -C "$TREE" cat-file -e "$tip:mm/page_frag_cache_kunit.c" 2>/dev/null || {
	echo "the tip has no KUnit suite: nothing to run"
	exit 0
}

worktree_at "$src" "$tip"

# kunit.py fills what mm/.kunitconfig leaves open with Kconfig's
# defaults; these have nothing to do with the allocator, and leaving
# them out makes the kernel quicker to build (EXPERT lets the first four
# be turned off).
trim=(IO_URING BLOCK INPUT VT HID USB_SUPPORT FTRACE VIRTUALIZATION
	SUSPEND HIBERNATION X86_MCE)
add=(--kconfig_add CONFIG_EXPERT=y)
for o in "${trim[@]}"; do
	add+=(--kconfig_add "CONFIG_$o=n")
done

# kunit LOG: configure, build and run the suites; kunit.py's status.
kunit() {
	(cd "$src" && python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
		--kunitconfig=mm "${add[@]}" --build_dir="$out" --jobs="$JOBS" \
		--make_options "CC=$TOP/scripts/ccache-cc gcc" --timeout=600) >"$1" 2>&1
	local rc=$?
	# kunit.py keeps the kernel's whole log in the build directory.
	cp "$out/test.log" "${1%.log}.kernel.log" 2>/dev/null || true
	return $rc
}

# The suites at the tip: every case passes, none is skipped on x86_64,
# and the only kernel warnings are the misuse suite's.
t0=$SECONDS
log=$LOGS/kunit-tip.log
if ! kunit "$log"; then
	grep -E 'FAILED|Expected|error:|not ok' "$log" | head -n 30
	die "the KUnit suites fail at the tip ($log)"
fi
grep -E '\] (=+ \[(PASSED|SKIPPED|FAILED)\] page_frag|Testing complete)' "$log" | sed 's/^\[[0-9:]*\] //'
grep -E 'Testing complete' "$log" | grep -qE 'skipped|failed|crashed|errors' &&
	die "cases were skipped or failed at the tip ($log)"
# Warnings outside the misuse suite mean a broken rule of the API.
awk '/# Subtest: page_frag_cache$/ { s = 1 } /# Subtest: page_frag_cache_misuse/ { s = 0 }
     s && /WARNING:|BUG:/ { print; bad = 1 } END { exit bad }' "${log%.log}.kernel.log" ||
	die "the page_frag_cache suite warns (${log%.log}.kernel.log)"
echo "tip: $((SECONDS - t0)) s"

[ -n "$mutations" ] || exit 0

pass=0 missed=0
mutate() {
	local name=$1 f=$src/$2
	shift 2
	if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $name "* ]]; then
		return
	fi
	git -C "$src" checkout -q -f --detach "$tip"
	if ! python3 "$TOP/tests/mutate.py" "$f" "$@"; then
		echo "FAIL: mutation '$name' no longer applies to $f"
		missed=$((missed + 1))
		return
	fi
	t0=$SECONDS
	log=$LOGS/kunit-mutation-$name.log
	if kunit "$log"; then
		echo "FAIL: the KUnit suites pass with mutation '$name'"
		missed=$((missed + 1))
	else
		pass=$((pass + 1))
		# What caught it: a failed case, else the kernel's complaint.
		echo "ok: '$name' caught ($((SECONDS - t0)) s): $({
			grep -m1 -E '\[FAILED\] ' "$log" ||
				grep -m1 -E 'BUG:|Oops|panic|error:' "$log"
		} | sed 's/^\[[0-9:]*\] //; s/^ *=* *//; s/ *=*$//' | cut -c1-100)"
	fi
}
C=mm/page_frag_cache.c
H=include/linux/page_frag_cache.h
# shellcheck source=tests/mutations.def
. "$TOP/tests/mutations.def"
git -C "$src" checkout -q -f --detach "$tip"
echo "mutations: $pass caught, $missed missed"
[ $missed -eq 0 ]
