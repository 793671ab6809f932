#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Compile the objects a patch affects under allmodconfig with W=1 (and
# sparse, C=1, on x86_64), at the parent and at the patch: compile errors
# fail, and so does a warning count that grows for any object.
#
# The objects: every .c file the patch touches outside tools/; for a
# header of a driver or subsystem (outside include/), every .c file of
# its directory that includes it; and, when it touches any header, a
# fixed sample of objects that include the headers of this series.  When
# the patch touches the page_frag selftest module, whose code is also the
# examples of Documentation/mm/page_frags.rst, the module too, built as
# an external module against the same tree.
#
# usage: build.sh ARCH PARENT COMMIT
#   ARCH: x86_64 (with sparse), i386, arm64 (64 KiB pages) or clang
#   (x86_64 built with clang-14 and LLVM=-14)
. "$(dirname "$0")/../lib.sh"
arch=$1 p=$2 c=$3
SAMPLE="mm/page_frag_cache.o net/core/skbuff.o net/ipv4/tcp.o net/core/sock.o
drivers/net/ethernet/intel/e1000/e1000_main.o"
# What allmodconfig starts from, in the kernel's own KCONFIG_ALLCONFIG
# form: arm64 is checked with 64 KiB pages, the shape of the cache where
# a page is larger than PAGE_FRAG_CACHE_MAX_SIZE.
allconfig=
case $arch in
x86_64)
	extra=(C=1)
	kargs=(ARCH=x86_64 CC="ccache gcc") ;;
i386)
	extra=()
	kargs=(ARCH=i386 CC="ccache gcc") ;;
arm64)
	need aarch64-linux-gnu-gcc
	extra=()
	kargs=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC="ccache aarch64-linux-gnu-gcc")
	allconfig=CONFIG_ARM64_64K_PAGES=y ;;
clang)
	# x86_64 with clang and the LLVM tools, as netdev's CI builds too.
	need clang-14 ld.lld-14
	extra=()
	kargs=(ARCH=x86_64 LLVM=-14 CC="ccache clang-14") ;;
*) die "unknown arch $arch (x86_64, i386, arm64, clang)" ;;
esac
need sparse gcc make
O=$BUILD/allmod-$arch
res=$CACHE/checks/build-$arch
mkdir -p "$O" "$res"
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export KBUILD_BUILD_TIMESTAMP="$WB_DATE"
check_src "$c"
KMAKE=(make -s -C "$SRC" O="$O" "${kargs[@]}" -j"$JOBS")

objects() {
	local o
	git -C "$TREE" diff --name-only --diff-filter=AM "$p" "$c" -- '*.c' |
		grep -v '^tools/' | sed 's/\.c$/.o/' || true
	git -C "$TREE" diff --name-only --diff-filter=AM "$p" "$c" -- '*.h' |
		{ grep -vE '^(include|tools|arch/[^/]*/include)/' || true; } | while read -r h; do
		{ git -C "$TREE" grep -lE "#include [<\"]([^>\"]*/)?$(basename "$h")[>\"]" "$c" \
			-- "$(dirname "$h")/*.c" || true; } | sed "s/^$c://; s/\.c\$/.o/"
	done
	if git -C "$TREE" diff --name-only "$p" "$c" -- '*.h' | grep -q .; then
		for o in $SAMPLE; do echo "$o"; done
	fi
}
mapfile -t objs < <(objects | sort -u)
MOD=tools/testing/selftests/mm/page_frag
if git -C "$TREE" diff --name-only "$p" "$c" -- "$MOD" | grep -q .; then
	objs+=("$MOD/page_frag_test.o")
fi
if [ ${#objs[@]} -eq 0 ]; then
	echo "no kernel object affected"
	exit 0
fi

# Configure and prepare once per arch (and again if the base changes).
stamp=$O/.wb-prepared-$(git -C "$TREE" rev-parse base)
if [ ! -f "$stamp" ]; then
	check_src "$c"
	if [ -n "$allconfig" ]; then
		echo "$allconfig" >"$O/allconfig"
		KCONFIG_ALLCONFIG=$O/allconfig "${KMAKE[@]}" allmodconfig >"$O/prepare.log" 2>&1
	else
		"${KMAKE[@]}" allmodconfig >"$O/prepare.log" 2>&1
	fi
	# allmodconfig turns on CONFIG_WERROR: the W=1 warnings are what we
	# count, they must not stop the build.
	"$SRC/scripts/config" --file "$O/.config" -d WERROR
	"${KMAKE[@]}" olddefconfig >>"$O/prepare.log" 2>&1
	"${KMAKE[@]}" prepare >>"$O/prepare.log" 2>&1 ||
		{ tail -n 20 "$O/prepare.log"; die "allmodconfig prepare failed for $arch"; }
	rm -f "$O"/.wb-prepared-*
	touch "$stamp"
fi

# Build the objects at one revision in one make (both CPUs busy);
# remember the log, the warning count and the exit code.  Keyed by the
# revision and the object list, so that a revision is built once.
key=$(printf '%s\n' "${objs[@]}" | sha1sum | cut -c1-12)
build_at() {
	local rev=$1 log=$res/$1-$key.log rc=0 obj present=() mod=
	[ -f "$log.count" ] && return 0
	check_src "$rev"
	for obj in "${objs[@]}"; do
		git -C "$TREE" cat-file -e "$rev:${obj%.o}.c" 2>/dev/null || continue
		case $obj in
		"$MOD"/*) mod=$obj; continue ;;
		esac
		rm -f "$O/$obj"
		present+=("$obj")
	done
	: >"$log"
	if [ ${#present[@]} -gt 0 ]; then
		"${KMAKE[@]}" -k W=1 "${extra[@]}" "${present[@]}" >>"$log" 2>&1 || rc=$?
	fi
	# 6.12 builds an external module in its source directory: build a
	# copy, outside the kernel tree.
	if [ -n "$mod" ]; then
		rm -rf "$res/mod"
		cp -r "$SRC/$MOD" "$res/mod"
		"${KMAKE[@]}" -k W=1 "${extra[@]}" M="$res/mod" "$(basename "$mod")" \
			>>"$log" 2>&1 || rc=$?
		sed -i "s#$res/mod/#$MOD/#g" "$log"
	fi
	grep -cE '(warning|error):' "$log" >"$log.count" || true
	echo $rc >"$log.rc"
}

build_at "$p"
build_at "$c"

b=$res/$p-$key.log
a=$res/$c-$key.log
rc=0
# An object that does not build at the parent either (a driver that this
# arch or config cannot build, such as a 64-bit-only one on i386) is not
# the patch's doing: only errors the parent does not have count.
errors() { grep -E 'error:' "$1" | sed 's/:[0-9]*:[0-9]*:/:/' | sort -u; }
new_err=$(comm -13 <(errors "$b") <(errors "$a") | head -n1)
if [ "$(cat "$a.rc")" != 0 ] && { [ "$(cat "$b.rc")" = 0 ] || [ -n "$new_err" ]; }; then
	echo "FIRST: does not build: ${new_err:-$(grep -m1 -E 'error|Error' "$a")}"
	rc=1
elif [ "$(cat "$a.count")" -gt "$(cat "$b.count")" ]; then
	echo "FIRST: warnings $(cat "$b.count") -> $(cat "$a.count"):" \
		"$(diff <(grep -E 'warning:' "$b" | sed 's/:[0-9]*:[0-9]*:/:/' | sort) \
			<(grep -E 'warning:' "$a" | sed 's/:[0-9]*:[0-9]*:/:/' | sort) |
			grep -m1 '^>' | cut -c3-)"
	rc=1
fi
[ $rc -eq 0 ] && echo "${#objs[@]} objects (${objs[*]}): $(cat "$b.count") -> $(cat "$a.count") warnings (W=1 ${extra[*]})"
[ $rc -eq 0 ] && [ "$(cat "$b.rc")" != 0 ] &&
	echo "not buildable for $arch at the parent either: $(errors "$b" | head -n1)"
exit $rc
