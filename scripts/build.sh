#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build a test kernel out of tree from tinyconfig plus the fragments in
# config/, then the selftest module against it.
#
# usage: build.sh [NAME [FRAGMENT...]]
#   NAME       build directory under $CACHE/build (default: x86_64); its
#              prefix names the arch (x86_64, i386, arm64: see arch_of)
#   FRAGMENT   config fragments (default: the test kernel NAME, see
#              arch_frags in lib.sh)
. "$(dirname "$0")/lib.sh"
need gcc make ccache flex bison bc
[ -f /usr/include/libelf.h ] || die "libelf-dev is missing; run 'make deps'"
[ -f /usr/include/openssl/ssl.h ] || die "libssl-dev is missing; run 'make deps'"

name=${1:-x86_64}
shift || true
frags=()
if [ $# -eq 0 ]; then
	fl=$(arch_frags "$name") || exit 1
	# shellcheck disable=SC2086 # a list of paths without spaces
	set -- $fl
fi
for f in "$@"; do
	[ -f "$f" ] || die "no config fragment $f"
	frags+=("$(realpath "$f")")
done
arch=$(arch_of "$name")
[ "$arch" != arm64 ] || need aarch64-linux-gnu-gcc
mapfile -t mvars < <(arch_make_vars "$arch")
image=$(arch_image "$arch")
O=$BUILD/$name
mkdir -p "$O"

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_BASEDIR=$CACHE
export KBUILD_BUILD_TIMESTAMP="$WB_DATE" KBUILD_BUILD_USER=workbench KBUILD_BUILD_HOST=qemu
ccache -M 20G >/dev/null
cross=
[ ${#mvars[@]} -lt 2 ] || cross=${mvars[1]#CROSS_COMPILE=}
# ccache, but not for a source with .incbin (see scripts/ccache-cc).
CC="$TOP/scripts/ccache-cc ${cross}gcc"
KMAKE=(make -C "$TREE" O="$O" "${mvars[@]}" CC="$CC" -j"$JOBS")

# Configure only when the fragments changed, so that incremental builds
# stay incremental.
# The symbols of the fragments that this tree defines count too: a
# build directory configured at an earlier patch must be configured again
# at a patch that adds one.
known=$(grep -rhoE --include='Kconfig*' '^[[:space:]]*(menu)?config [A-Za-z0-9_]+' "$TREE" |
	awk '{ print $NF }' | sort -u)
defined=$(cat "${frags[@]}" | sed -n 's/^\(# \)\{0,1\}CONFIG_\([A-Za-z0-9_]*\).*/\2/p' |
	sort -u | comm -12 - <(echo "$known"))
sum=$( { cat "${frags[@]}"; echo "$defined"; } | sha1sum | cut -c1-40)
if [ ! -f "$O/.config" ] || [ "$(cat "$O/.fragsum" 2>/dev/null)" != "$sum" ]; then
	"${KMAKE[@]}" tinyconfig
	(cd "$O" && KCONFIG_CONFIG=.config "$TREE/scripts/kconfig/merge_config.sh" -m -O "$O" .config "${frags[@]}")
	"${KMAKE[@]}" olddefconfig
	# Every option the fragments ask for must have survived.
	# (a later fragment overrides an earlier one, as merge_config does)
	# A symbol that this tree's Kconfig does not define yet (one the
	# series adds, at an earlier patch) is left out, and said.
	bad=0
	while read -r line; do
		sym=$(echo "$line" | sed -n 's/^\(# \)\{0,1\}CONFIG_\([A-Za-z0-9_]*\).*/\2/p')
		if [ -n "$sym" ] && ! grep -qxF "$sym" <<<"$known"; then
			echo "config: CONFIG_$sym is not defined by this tree, left out"
			continue
		fi
		case "$line" in
		CONFIG_*=*) grep -qxF "$line" "$O/.config" ;;
		"# CONFIG_"*" is not set")
			! grep -q "^$(echo "$line" | cut -d' ' -f2)=" "$O/.config" ;;
		*) true ;;
		esac || { echo "config: $line did not stick" >&2; bad=1; }
	done < <(cat "${frags[@]}" | awk '
		/^CONFIG_[A-Za-z0-9_]+=/ { k = $0; sub(/=.*/, "", k); v[k] = $0; }
		/^# CONFIG_[A-Za-z0-9_]+ is not set/ { k = $2; v[k] = $0; }
		END { for (k in v) print v[k] }')
	[ $bad -eq 0 ] || die "the config fragments do not apply to this tree"
	echo "$sum" >"$O/.fragsum"
fi

# MODULES_ONLY=1: keep the kernel as it is and rebuild only the modules,
# e.g. against a changed header whose inline code the selftest module
# compiles in (tests/mutations.sh).
if [ -n "${MODULES_ONLY:-}" ] && [ -f "$O/$image" ]; then
	echo "MODULES_ONLY: kernel left as built, its modules rebuilt"
	"${KMAKE[@]}" modules
else
	# A cached object whose dependency file names a header that this
	# revision does not have (see CCACHE_DEPEND in lib.sh) is ccache's
	# fault, not the tree's: build again without reading the cache.
	"${KMAKE[@]}" all 2>&1 | tee "$O/.make.log" || {
		grep -q '^fixdep: error opening file' "$O/.make.log" || exit 1
		echo "build.sh: a cached dependency file names a missing file; rebuilding without reading ccache"
		CCACHE_RECACHE=1 "${KMAKE[@]}" all
	}
fi
ls -l "$O/$image"

# The selftest module, when the tree has it, built out of tree in a copy
# so that the kernel tree stays clean.
mods=$O-mods
rm -rf "$mods"
mkdir -p "$mods"
src=$TREE/tools/testing/selftests/mm/page_frag
if [ -d "$src" ]; then
	cp -r "$src" "$mods/page_frag"
	make -C "$O" M="$mods/page_frag" "${mvars[@]}" CC="$CC" -j"$JOBS" modules
fi
# The allocator's KUnit suites, the same way (see config/common.config),
# in the kernels that have KUnit (the bench kernel has not): once as
# CONFIG_PAGE_FRAG_CACHE_KUNIT_TEST alone builds them, and once with
# CONFIG_PAGE_FRAG_CACHE_KUNIT_MISUSE too (mm/.kunitconfig's choice),
# whose suite breaks the API's rules on purpose and so makes the kernel
# warn: the plans load that module last, in a section of its own.
kunit=$TREE/mm/page_frag_cache_kunit.c
# kunit_module NAME [CFLAGS]: the suites as module NAME.ko.
kunit_module() {
	mkdir "$mods/$1"
	cp "$kunit" "$mods/$1/$1.c"
	printf '%s\n' "obj-m += $1.o" "ccflags-y += -I\$(srctree)/mm${2:+ $2}" >"$mods/$1/Makefile"
	make -C "$O" M="$mods/$1" "${mvars[@]}" CC="$CC" -j"$JOBS" modules
}
if [ -f "$kunit" ] && grep -qx 'CONFIG_KUNIT=y' "$O/.config"; then
	kunit_module page_frag_cache_kunit
	kunit_module page_frag_cache_kunit_misuse -DCONFIG_PAGE_FRAG_CACHE_KUNIT_MISUSE=1
fi
# The bench modules, and the workbench's own (tests/modules).
for b in "$TOP"/bench/*/ "$TOP"/tests/modules/*/; do
	[ -f "$b/Makefile" ] || continue
	cp -r "$b" "$mods/"
	make -C "$O" M="$mods/$(basename "$b")" "${mvars[@]}" CC="$CC" -j"$JOBS" modules
done
find "$mods" -name '*.ko' -printf '%p %s bytes\n'
