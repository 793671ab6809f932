# SPDX-License-Identifier: GPL-2.0
# Common settings for the workbench scripts. Sourced, not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${PAGE_FRAG_CACHE:-$HOME/.cache/page-frag}
TREE=${PAGE_FRAG_TREE:-$CACHE/linux}
LOGS=$CACHE/logs
BUILD=$CACHE/build

# The Debian package the series is based on. Pinned so that the base
# commit is the same on every machine.
KPKG=linux-source-6.12
KVER=${PAGE_FRAG_KVER:-6.12.117-1~deb12u1}
TARBALL=/usr/src/linux-source-6.12.tar.xz

# Fixed identity and date for the base commit and for every commit that
# git am replays, so that hashes are reproducible.
WB_NAME="page_frag workbench"
WB_EMAIL="workbench@page-frag.invalid"
WB_DATE="2024-11-17T00:00:00+00:00"

BRANCH=${PAGE_FRAG_BRANCH:-series}
JOBS=${JOBS:-2}

mkdir -p "$CACHE" "$LOGS" "$BUILD"

# ccache's depend mode: a result is found only through the include files
# the compiler listed, never by a preprocessor-output hash.  The walk
# moves the tree back and forth over the patch that creates
# page_frag_cache.h, and a preprocessor-mode hit once handed patch 5 an
# object whose dependency file named that header, which fixdep then
# could not open.
export CCACHE_DEPEND=1

# The test kernels, by build name: x86_64 (the one every stage boots),
# i386, arm64-4k and arm64-64k (make test-arches).  A name may carry a
# suffix (x86_64-debug): the arch is its prefix.
# arch_frags NAME: the config fragments of that kernel, in merge order.
arch_frags() {
	local c=$TOP/config
	case $1 in
	x86_64*) echo "$c/common.config $c/x86_64.config" ;;
	i386*) echo "$c/common.config $c/x86_64.config $c/i386.config" ;;
	arm64-64k*) echo "$c/common.config $c/arm64.config $c/arm64-64k.config" ;;
	arm64*) echo "$c/common.config $c/arm64.config" ;;
	*) die "no test kernel named '$1' (x86_64, i386, arm64-4k, arm64-64k)" ;;
	esac
}

# arch_of NAME: the kernel's ARCH for a build name (x86_64 for the names
# of other stages, such as bench-base).
arch_of() {
	case $1 in
	i386*) echo i386 ;;
	arm64*) echo arm64 ;;
	*) echo x86_64 ;;
	esac
}

# arch_make_vars ARCH: make's ARCH= and, for arm64, CROSS_COMPILE=.
arch_make_vars() {
	echo "ARCH=$1"
	[ "$1" != arm64 ] || echo "CROSS_COMPILE=aarch64-linux-gnu-"
}

# arch_image ARCH: the kernel image QEMU boots, relative to the build.
arch_image() {
	case $1 in
	arm64) echo arch/arm64/boot/Image ;;
	*) echo arch/x86/boot/bzImage ;;
	esac
}

die() {
	echo "error: $*" >&2
	exit 1
}

# stage NAME CMD...: run CMD, log to $LOGS/NAME.log, print one line with
# the stage name and duration; on failure show the tail of the log.
stage() {
	local name=$1 log=$LOGS/$1.log t0 t1 rc=0
	shift
	t0=$(date +%s.%N)
	"$@" >"$log" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	if [ $rc -eq 0 ]; then
		printf '%-28s ok    %7.1f s   (%s)\n' "$name" "$(echo "$t1 - $t0" | bc)" "$log"
	else
		printf '%-28s FAIL  %7.1f s   (%s)\n' "$name" "$(echo "$t1 - $t0" | bc)" "$log"
		echo "---- last lines of $log ----"
		tail -n 40 "$log"
		echo "----"
	fi
	return $rc
}

need() {
	local missing=()
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	[ ${#missing[@]} -eq 0 ] ||
		die "missing tools: ${missing[*]}; run 'make deps' (as root) or install them"
}

# Git in the kernel tree with the workbench identity.
# known_mutations NAME...: each NAME is a mutation of tests/mutations.def,
# or the caller dies saying where the names are.
known_mutations() {
	local w
	for w in "$@"; do
		grep -qE "^mutate $w " "$TOP/tests/mutations.def" ||
			die "no mutation named '$w'; the names are on the 'mutate NAME' lines of tests/mutations.def"
	done
}

kgit() {
	GIT_AUTHOR_NAME="$WB_NAME" GIT_AUTHOR_EMAIL="$WB_EMAIL" \
	GIT_COMMITTER_NAME="$WB_NAME" GIT_COMMITTER_EMAIL="$WB_EMAIL" \
		git -C "$TREE" -c core.autocrlf=false -c gc.auto=0 \
		-c advice.detachedHead=false "$@"
}

# Patches named by the series file, in order.
series_patches() {
	grep -vE '^[[:space:]]*(#|$)' "${SERIES_FILE:-$TOP/series}" | awk '{print $1}'
}

# A second checkout of the kernel tree for the checks that build or read
# sources at other revisions (allmodconfig builds, htmldocs), so that they
# never move $TREE, which make run, walk and bench build from.
# usage: check_src REV   (sets SRC to the worktree, checked out at REV)
check_src() {
	SRC=${PAGE_FRAG_CHECK_SRC:-$CACHE/check-src}
	worktree_at "$SRC" "$1"
}

# worktree_at DIR REV: DIR becomes a worktree of the kernel tree (made
# if missing), checked out at REV, detached and clean.  For the stages
# that build another revision, or the tip, without moving $TREE.
worktree_at() {
	local dir=$1 rev
	rev=$(git -C "$TREE" rev-parse "$2")
	if [ ! -e "$dir/.git" ]; then
		git -C "$TREE" worktree prune
		rm -rf "$dir"
		kgit worktree add -q --detach "$dir" "$rev"
	fi
	git -C "$dir" -c advice.detachedHead=false checkout -q -f --detach "$rev"
}

# bench_kernels TIP: the two kernels of make bench and make profile,
# x86_64 with config/bench.config: bench-base from a worktree at 'base'
# ($src_base), bench-tip from one at TIP ($src_tip), so that the kernel
# tree can move on while they build and that bench and profile share
# their objects.  Sets src_base and src_tip; expects the series applied.
bench_kernels() {
	local frags
	src_base=$CACHE/src-base
	src_tip=$CACHE/src-bench-tip
	worktree_at "$src_base" base
	worktree_at "$src_tip" "$1"
	read -ra frags <<<"$(arch_frags x86_64) $TOP/config/bench.config"
	stage build-bench-base env PAGE_FRAG_TREE="$src_base" bash "$TOP/scripts/build.sh" bench-base "${frags[@]}" &&
		stage build-bench-tip env PAGE_FRAG_TREE="$src_tip" bash "$TOP/scripts/build.sh" bench-tip "${frags[@]}"
}

# hash_files: 12 hex digits of the contents of the files of $TOP named on
# stdin (one path a line, relative to $TOP), the compiler and QEMU.
hash_files() {
	{
		sort | while read -r f; do
			[ -f "$TOP/$f" ] && sha1sum "$TOP/$f" | sed "s#  $TOP/#  #"
		done
		gcc --version | head -n1
		qemu-system-x86_64 --version 2>/dev/null | head -n1
	} | sha1sum | cut -c1-12
}

# workbench_key: a hash of the workbench code that builds, boots and
# judges a test kernel (scripts/, config/, tests/, bench/, as they are on
# disk), the compiler and QEMU.  With a commit's tree id it names a result
# that cannot change until one of them does.
workbench_key() {
	git -C "$TOP" ls-files -co --exclude-standard scripts config tests bench | hash_files
}

# repo_key [--no-covers]: a hash of every file of the repository but
# README.md (the series, the covers and the workbench), the compiler and
# QEMU: make test-full keeps a stage's pass under it (scripts/test.sh).
# --no-covers leaves the cover letters out too, for the stages that never
# read them.
repo_key() {
	local skip='^README\.md$'
	[ "${1:-}" != --no-covers ] || skip='^README\.md$|^cover/|^patches/.*/0000-cover-letter\.patch$'
	git -C "$TOP" ls-files -co --exclude-standard | grep -vE "$skip" | hash_files
}

# Postings: the series file marks where each posting (one mail thread,
# one cover letter) starts with a line
#   # posting NAME TREE: SUBJECT OF ITS FIRST PATCH
# NAME is the folder under patches/ and the cover letter cover/NAME.txt,
# TREE the target tree in the subject prefix ([PATCH TREE n/m]).
# Prints "NAME<TAB>TREE<TAB>SUBJECT" per posting, in order.
series_postings() {
	sed -n 's/^#[[:space:]]*posting[[:space:]]\{1,\}\([^[:space:]]\{1,\}\)[[:space:]]\{1,\}\([^:[:space:]]\{1,\}\):[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*$/\1\t\2\t\3/p' \
		"${SERIES_FILE:-$TOP/series}"
}

# posting_ranges [REV]: the postings of base..REV (default: the series
# branch) as "NAME<TAB>TREE<TAB>FIRST<TAB>LAST", FIRST and LAST being
# commit ids.  Fails, saying why, when a posting's first subject is not
# found in order or the first posting does not start at the first patch.
posting_ranges() {
	local rev=${1:-$BRANCH} name tree subj i=0 start prev= n
	local -a commits subjects starts=() names=() trees=()
	mapfile -t commits < <(git -C "$TREE" rev-list --reverse "base..$rev")
	mapfile -t subjects < <(git -C "$TREE" log --reverse --format=%s "base..$rev")
	n=${#commits[@]}
	[ "$n" -gt 0 ] || { echo "error: no patches on base..$rev" >&2; return 1; }
	while IFS=$'\t' read -r name tree subj; do
		start=
		while [ $i -lt "$n" ]; do
			if [ "${subjects[$i]}" = "$subj" ]; then start=$i; break; fi
			i=$((i + 1))
		done
		[ -n "$start" ] || { echo "error: posting $name starts at '$subj', which is not a later commit of base..$rev" >&2; return 1; }
		starts+=("$start") names+=("$name") trees+=("$tree")
	done < <(series_postings)
	if [ ${#starts[@]} -eq 0 ]; then
		echo "error: the series file marks no posting ('# posting NAME TREE: FIRST SUBJECT')" >&2
		return 1
	fi
	[ "${starts[0]}" -eq 0 ] || { echo "error: the first posting (${names[0]}) must start at the first patch, '${subjects[0]}'" >&2; return 1; }
	for i in "${!starts[@]}"; do
		local last=$((n - 1))
		[ $((i + 1)) -lt ${#starts[@]} ] && last=$((starts[i + 1] - 1))
		printf '%s\t%s\t%s\t%s\n' "${names[$i]}" "${trees[$i]}" "${commits[${starts[$i]}]}" "${commits[$last]}"
	done
}
