#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Compile the objects a patch affects under allmodconfig with W=1 (and
# sparse, C=1, on x86_64), at the parent and at the patch: compile errors
# fail, and so does a warning count that grows for any object.
#
# The objects: every .c file the patch touches outside tools/, plus, when
# it touches a header, a fixed sample of objects that include the headers
# of this series.
#
# usage: build.sh ARCH PARENT COMMIT     (ARCH: x86_64 or i386)
. "$(dirname "$0")/../lib.sh"
arch=$1 p=$2 c=$3
SAMPLE="mm/page_frag_cache.o net/core/skbuff.o net/ipv4/tcp.o net/core/sock.o
drivers/net/ethernet/intel/e1000/e1000_main.o"
case $arch in
x86_64) extra=(C=1) ;;
i386) extra=() ;;
*) die "unknown arch $arch" ;;
esac
need sparse gcc make
O=$BUILD/allmod-$arch
res=$CACHE/checks/build-$arch
mkdir -p "$O" "$res"
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export KBUILD_BUILD_TIMESTAMP="$WB_DATE"
KMAKE=(make -s -C "$TREE" O="$O" ARCH="$arch" CC="ccache gcc" -j"$JOBS")

objects() {
	local o
	git -C "$TREE" diff --name-only --diff-filter=AM "$p" "$c" -- '*.c' |
		grep -v '^tools/' | sed 's/\.c$/.o/' || true
	if git -C "$TREE" diff --name-only "$p" "$c" -- '*.h' | grep -q .; then
		for o in $SAMPLE; do echo "$o"; done
	fi
}
mapfile -t objs < <(objects | sort -u)
if [ ${#objs[@]} -eq 0 ]; then
	echo "no kernel object affected"
	exit 0
fi

# Configure and prepare once per arch (and again if the base changes).
stamp=$O/.wb-prepared-$(git -C "$TREE" rev-parse base)
if [ ! -f "$stamp" ]; then
	kgit checkout -q -f "$c"
	"${KMAKE[@]}" allmodconfig >"$O/prepare.log" 2>&1
	"${KMAKE[@]}" prepare >>"$O/prepare.log" 2>&1 ||
		{ tail -n 20 "$O/prepare.log"; die "allmodconfig prepare failed for $arch"; }
	rm -f "$O"/.wb-prepared-*
	touch "$stamp"
fi

# Build one object at one revision; remember the warning count.
build_at() {
	local rev=$1 obj=$2 dir=$res/$1 log
	log=$dir/${obj//\//_}.log
	[ -f "$log.count" ] && return 0
	mkdir -p "$dir"
	if [ "$(git -C "$TREE" rev-parse HEAD)" != "$rev" ]; then
		kgit checkout -q -f "$rev"
	fi
	if ! git -C "$TREE" cat-file -e "$rev:${obj%.o}.c" 2>/dev/null; then
		: >"$log"
		echo 0 >"$log.count"
		echo 0 >"$log.rc"
		return 0
	fi
	rm -f "$O/$obj"
	local rc=0
	"${KMAKE[@]}" W=1 "${extra[@]}" "$obj" >"$log" 2>&1 || rc=$?
	grep -cE '(warning|error):' "$log" >"$log.count" || true
	echo $rc >"$log.rc"
}

head_before=$(git -C "$TREE" symbolic-ref -q --short HEAD || git -C "$TREE" rev-parse HEAD)
trap 'kgit checkout -q -f "$head_before"' EXIT
for rev in "$p" "$c"; do
	for obj in "${objs[@]}"; do
		build_at "$rev" "$obj"
	done
done

rc=0
for obj in "${objs[@]}"; do
	b=$res/$p/${obj//\//_}.log
	a=$res/$c/${obj//\//_}.log
	if [ "$(cat "$a.rc")" != 0 ]; then
		echo "FIRST: $obj does not build: $(grep -m1 -E 'error|Error' "$a")"
		rc=1
	elif [ "$(cat "$a.count")" -gt "$(cat "$b.count")" ]; then
		echo "FIRST: $obj: warnings $(cat "$b.count") -> $(cat "$a.count"):" \
			"$(diff <(grep -E 'warning:' "$b" | sed 's/:[0-9]*:[0-9]*:/:/' | sort) \
				<(grep -E 'warning:' "$a" | sed 's/:[0-9]*:[0-9]*:/:/' | sort) |
				grep -m1 '^>' | cut -c3-)"
		rc=1
	fi
done
[ $rc -eq 0 ] && echo "${#objs[@]} objects, no new warning (W=1 ${extra[*]})"
exit $rc
