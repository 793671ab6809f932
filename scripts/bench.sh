#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Base (6.12 as shipped) against tip (the series applied), one config,
# each booted in QEMU with -icount shift=0,sleep=off so that guest time
# counts executed instructions.  Prints base, tip and tip/base per case
# (the allocator's module, then TCP over lo and across two e1000 NICs,
# bulk and small writes), the size of struct page_frag_cache and the
# vmlinux size delta.
#
# BENCH_POSTING=NAME (make bench POSTING=NAME) measures the tip of that
# posting of the series (the last patch of patches/NAME) instead of the
# whole series, so that a cover letter can quote figures of its own
# revision.
. "$(dirname "$0")/lib.sh"
S=$TOP/scripts
need gcc qemu-system-x86_64

# The tip is the series branch, or the posting's last patch.
stage apply bash "$S/apply.sh"
tip=$BRANCH
if [ -n "${BENCH_POSTING:-}" ]; then
	ranges=$(posting_ranges) || die "cannot tell the postings of the series apart"
	tip=$(echo "$ranges" | awk -F'\t' -v n="$BENCH_POSTING" '$1 == n { print $4 }')
	[ -n "$tip" ] || die "no posting '$BENCH_POSTING' in the series file (postings: $(echo "$ranges" | cut -f1 | tr '\n' ' '))"
fi
tip=$(git -C "$TREE" rev-parse "$tip")
bench_kernels "$tip"

# x86_64 defconfig, where users build kernels: the whole vmlinux (size
# and bloat-o-meter) at base and tip, and the code size of the objects
# whose code the series changes (the allocator and every defconfig
# object that calls page_frag_alloc*() and so inlines the fast path).
# The first run builds two defconfig kernels (about 25 minutes each on
# 2 cores); later runs rebuild what changed.  BENCH_DEFCONFIG_VMLINUX=0
# leaves the two vmlinux out (the objects' table stays).
VMLINUX=${BENCH_DEFCONFIG_VMLINUX:-1}
defconfig_objects() {
	local side=$1 src=$2 O=$BUILD/bench-defconfig-$1 objs=() f
	mkdir -p "$O"
	if [ ! -f "$O/.wb-prepared" ]; then
		make -C "$src" O="$O" ARCH=x86_64 defconfig >/dev/null
		make -C "$src" O="$O" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" prepare >/dev/null
		touch "$O/.wb-prepared"
	fi
	for f in mm/page_alloc.c mm/page_frag_cache.c $(git -C "$src" grep -lE 'page_frag_alloc(_va)?(_align)?\(' -- '*.c' | grep -v '^tools/'); do
		[ -f "$src/$f" ] || continue
		objs+=("${f%.c}.o")
		rm -f "$O/${f%.c}.o"
	done
	# kbuild refuses the objects that defconfig does not build (-k).
	make -C "$src" O="$O" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" -k "${objs[@]}" >"$O/objects.log" 2>&1 || true
	for f in "${objs[@]}"; do
		[ -f "$O/$f" ] && echo "$f"
	done >"$O/objects.list"
	[ "$VMLINUX" = 1 ] || return 0
	make -C "$src" O="$O" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" vmlinux >"$O/vmlinux.log" 2>&1 ||
		{ tail -n 20 "$O/vmlinux.log"; die "defconfig vmlinux ($side) does not build"; }
}
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
stage defconfig-base defconfig_objects base "$src_base"
stage defconfig-tip defconfig_objects tip "$src_tip"
{
	echo "x86_64 defconfig, text+data of the objects the series changes (size):"
	tb=0 tt=0
	for o in $(sort -u "$BUILD/bench-defconfig-base/objects.list" "$BUILD/bench-defconfig-tip/objects.list"); do
		b=0 t=0
		[ -f "$BUILD/bench-defconfig-base/$o" ] && grep -qx "$o" "$BUILD/bench-defconfig-base/objects.list" &&
			b=$(size "$BUILD/bench-defconfig-base/$o" | awk 'NR == 2 { print $1 + $2 }')
		[ -f "$BUILD/bench-defconfig-tip/$o" ] && grep -qx "$o" "$BUILD/bench-defconfig-tip/objects.list" &&
			t=$(size "$BUILD/bench-defconfig-tip/$o" | awk 'NR == 2 { print $1 + $2 }')
		printf '  %-28s %8s %8s %+7d\n' "$o" "$b" "$t" $((t - b))
		tb=$((tb + b)) tt=$((tt + t))
	done
	printf '  %-28s %8s %8s %+7d\n' total "$tb" "$tt" $((tt - tb))
} >"$LOGS/bench-defconfig.txt"

gdir=$CACHE/bench-guest
mkdir -p "$gdir"
stage build-tcp-bench gcc -O2 -static -Wall -Wextra -Werror -o "$gdir/tcp_bench" "$TOP/bench/tcp/tcp_bench.c"
cp "$TOP/bench/tcp/nic.sh" "$gdir/"

# Two e1000 NICs on one hub for the tcp_nic cases (bench/tcp/nic.sh puts
# the second one in a network namespace of its own).
nics=(-netdev hubport,id=h0,hubid=0 -device e1000,netdev=h0
	-netdev hubport,id=h1,hubid=0 -device e1000,netdev=h1)

for side in base tip; do
	stage "boot-bench-$side" env GUEST_FILES="$gdir" KERNEL_ARGS=loglevel=7 PAGE_FRAG_TREE=$([ $side = base ] && echo "$src_base" || echo "$src_tip") \
		bash "$S/boot.sh" "bench-$side" "$TOP/tests/plan/bench" -icount shift=0,sleep=off "${nics[@]}"
	tr -d '\r' <"$LOGS/boot-bench-$side.serial" | grep -E 'page_frag_bench: ' |
		sed 's/.*page_frag_bench: //' >"$LOGS/bench-$side.txt"
done

out=$LOGS/bench.table
{
	echo "base: $(git -C "$TREE" log -1 --format=%s base)"
	echo "tip:  $(git -C "$TREE" rev-parse --short "$tip") ($(git -C "$TREE" rev-list --count base.."$tip") patches${BENCH_POSTING:+, the tip of posting $BENCH_POSTING})"
	echo
	# Plain text, so that it can go into a mail as it is.
	printf '  %-20s %14s %14s %8s\n' case "base ns/op" "tip ns/op" tip/base
	while read -r _ name _ n _ total _ net _ per; do
		tper=$(awk -v c="$name" '$1 == "case" && $2 == c { print $10 }' "$LOGS/bench-tip.txt")
		[ -n "$tper" ] || tper=nan
		[ "$name" = empty ] && continue
		printf '  %-20s %14s %14s %8s\n' "$name" "$per" "$tper" \
			"$(awk -v a="$per" -v b="$tper" 'BEGIN { if (a > 0 && b != "nan") printf "%.3f", b / a; else print "-" }')"
	done < <(grep '^case ' "$LOGS/bench-base.txt")
	echo "  (tcp_*: guest ns per MiB sent, one way, the median of the runs"
	echo "  after a warm-up; lo and nic, 64 KiB or 1..100-byte writes; with"
	echo "  part 3 the targets are <= 0.97 bulk over lo, <= 0.95 small writes,"
	echo "  and no case above 1.00)"
	if grep -q '^spread ' "$LOGS/bench-base.txt"; then
		echo
		echo "  tcp_*: the spread of the runs, guest ns per MiB, and the pages"
		echo "  allocated per MiB (both ends; make profile says where it goes):"
		printf '  %-4s %-14s %9s %9s %9s %9s %7s\n' "" case min median max warm-up pages
		for side in base tip; do
			grep '^spread ' "$LOGS/bench-$side.txt" |
			while read -r _ name _ _ _ min _ med _ max _ warm; do
				pages=$(awk -v c="$name" '$1 == "pages" && $2 == c { print $4 }' "$LOGS/bench-$side.txt")
				printf '  %-4s %-14s %9s %9s %9s %9s %7s\n' "$side" "$name" "$min" "$med" "$max" "$warm" "$pages"
			done
		done
	fi
	# The cases of the new API have no base: against the tip's own pair
	# case of the same size (page_frag_alloc_va() + page_frag_free_va()).
	if grep -qE '^case (prepare|pg|noref)_' "$LOGS/bench-tip.txt"; then
		echo
		echo "  tip only, the new API against the tip's pair case of the same size"
		echo "  (target: prepare and pg no more than 1.00x; noref is one growth):"
		printf '  %-20s %14s %14s %8s
' case "pair ns/op" "case ns/op" ratio
		grep -E '^case (prepare|pg|noref)_' "$LOGS/bench-tip.txt" |
		while read -r _ name _ n _ total _ net _ per; do
			pair=$(awk -v c="pair_${name##*_}" '$1 == "case" && $2 == c { print $10 }' "$LOGS/bench-tip.txt")
			printf '  %-20s %14s %14s %8s
' "$name" "${pair:-nan}" "$per" \
				"$(awk -v a="$pair" -v b="$per" 'BEGIN { if (a > 0) printf "%.3f", b / a; else print "-" }')"
		done
	fi
	echo
	for side in base tip; do
		printf 'sizeof(struct page_frag_cache) %s: %s bytes\n' "$side" \
			"$(sed -n 's/^sizeof struct page_frag_cache //p' "$LOGS/bench-$side.txt")"
	done
	echo
	echo "vmlinux (size): base vs tip"
	size "$BUILD/bench-base/vmlinux" "$BUILD/bench-tip/vmlinux" | sed 's/^/  /'
	echo
	"$TREE/scripts/bloat-o-meter" -t "$BUILD/bench-base/vmlinux" "$BUILD/bench-tip/vmlinux" | tail -n 1
	"$TREE/scripts/bloat-o-meter" -d "$BUILD/bench-base/vmlinux" "$BUILD/bench-tip/vmlinux" | tail -n 1
	echo
	if [ "$VMLINUX" = 1 ]; then
		echo "x86_64 defconfig vmlinux (size): base vs tip"
		size "$BUILD/bench-defconfig-base/vmlinux" "$BUILD/bench-defconfig-tip/vmlinux" | sed 's/^/  /'
		echo
		"$TREE/scripts/bloat-o-meter" -t "$BUILD/bench-defconfig-base/vmlinux" "$BUILD/bench-defconfig-tip/vmlinux" | tail -n 1
		"$TREE/scripts/bloat-o-meter" -d "$BUILD/bench-defconfig-base/vmlinux" "$BUILD/bench-defconfig-tip/vmlinux" | tail -n 1
		echo "  the largest changes (bloat-o-meter -t, by size of the change):"
		"$TREE/scripts/bloat-o-meter" -t "$BUILD/bench-defconfig-base/vmlinux" "$BUILD/bench-defconfig-tip/vmlinux" |
			sed -n '/^Function/,/^Total/p' | sed '1d;$d' | grep -v '^__pfx_' |
			awk '{ d = $NF + 0; if (d < 0) d = -d; print d "\t" $0 }' | sort -s -rn -k1,1 | head -n 12 |
			cut -f2- | sed 's/^/  /'
	else
		echo "x86_64 defconfig vmlinux: not built (BENCH_DEFCONFIG_VMLINUX=0)"
	fi
	echo
	cat "$LOGS/bench-defconfig.txt"
} >"$out"
cat "$out"
grep -q nan "$out" && die "a case did not run on the tip"
for side in base tip; do
	grep -q '^case pair_75 ' "$LOGS/bench-$side.txt" || die "the $side run printed no figures"
done
