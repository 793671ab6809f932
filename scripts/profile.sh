#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Where the instructions of a TCP transfer go, base (6.12) against tip:
# boots the two benchmark kernels of make bench in QEMU with a TCG plugin
# of ours (bench/profile/insn_profile.c) that counts the instructions
# executed per translation block between the two calls of tcp_bench's
# profile_mark(), then sums them per kernel function with each kernel's
# System.map (bench/profile/fold.py).  Prints the functions whose count
# per MiB sent changed most, with their calls per MiB.
#
# usage: profile.sh [TCP_BENCH ARGS...]    (default: --runs 15 64, over lo)
#
# QEMU's plugin header is not packaged by Debian: the first run fetches
# Debian's source of the installed QEMU (apt-get source, about 24 MB, from
# the archive of /etc/apt/sources.list.d/debian.sources) and keeps
# include/qemu/qemu-plugin.h under $CACHE/qemu-plugin.
. "$(dirname "$0")/lib.sh"
S=$TOP/scripts
need gcc nm python3 qemu-system-x86_64 apt-get dpkg-query

args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--runs 15 64)
# The MiB per run and the runs, as tcp_bench reads them, to scale by.
mib=64 runs=5
for ((i = 0; i < ${#args[@]}; i++)); do
	case ${args[$i]} in
	--runs) runs=${args[$((i + 1))]:-}; i=$((i + 1)) ;;
	--name | --peer | --netns) i=$((i + 1)) ;;
	-*) ;;
	*) mib=${args[$i]} ;;
	esac
done
[[ $mib =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]] ||
	die "usage: profile.sh [TCP_BENCH ARGS...]: MiB and --runs must be positive numbers"

# The plugin, built against the header of the QEMU that runs it.
pdir=$CACHE/qemu-plugin
# The source's version (a binNMU's +bN is not in it).
qver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null) ||
	die "qemu-system-x86 is not installed; run 'make deps'"
hdr=$pdir/$qver/qemu-plugin.h
# A subshell, so that its die ends the stage, not the script.
fetch_header() (
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/lists/partial"
	cat >"$tmp/src.sources" <<-EOS
		Types: deb-src
		URIs: http://deb.debian.org/debian
		Suites: bookworm bookworm-updates
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOS
	o=(-o "Dir::Etc::sourcelist=$tmp/src.sources" -o Dir::Etc::sourceparts=/dev/null
		-o "Dir::State::Lists=$tmp/lists")
	apt-get "${o[@]}" update -q >/dev/null ||
		die "cannot fetch the index of Debian's sources (deb.debian.org): the QEMU plugin header comes from there"
	(cd "$tmp" && apt-get "${o[@]}" source --download-only "qemu=$qver" >/dev/null 2>&1) ||
		die "cannot download Debian's source of qemu $qver, which has the plugin header"
	tar -xJf "$tmp"/qemu_*.orig.tar.xz -C "$tmp" --wildcards '*/include/qemu/qemu-plugin.h' ||
		die "qemu $qver's source has no include/qemu/qemu-plugin.h"
	mkdir -p "$(dirname "$hdr")"
	cp "$tmp"/qemu-*/include/qemu/qemu-plugin.h "$hdr"
)
[ -f "$hdr" ] || stage fetch-qemu-plugin-header fetch_header || exit 1
plugin=$pdir/insn_profile.so
stage build-profile-plugin gcc -O2 -shared -fPIC -Wall -Wextra -Werror \
	-I"$(dirname "$hdr")" -o "$plugin" "$TOP/bench/profile/insn_profile.c" || exit 1

# The kernels and the guest program, as make bench builds them.
stage apply bash "$S/apply.sh" || exit 1
bench_kernels "$(git -C "$TREE" rev-parse "$BRANCH")" || exit 1
gdir=$CACHE/bench-guest
mkdir -p "$gdir"
stage build-tcp-bench gcc -O2 -static -Wall -Wextra -Werror -o "$gdir/tcp_bench" "$TOP/bench/tcp/tcp_bench.c" || exit 1
cp "$TOP/bench/tcp/nic.sh" "$gdir/"
mark=$(nm "$gdir/tcp_bench" | awk '$3 == "profile_mark" { print "0x" $1 }')
[ -n "$mark" ] || die "tcp_bench has no profile_mark symbol"

plan=$CACHE/profile.plan
echo "profile ./tcp_bench --mark ${args[*]}" >"$plan"
nics=(-netdev hubport,id=h0,hubid=0 -device e1000,netdev=h0
	-netdev hubport,id=h1,hubid=0 -device e1000,netdev=h1)
for side in base tip; do
	src=$src_tip
	[ $side = base ] && src=$src_base
	rm -f "$LOGS/profile-$side.txt"
	# nokaslr: the addresses must be those of System.map.
	stage "boot-profile-$side" env GUEST_FILES="$gdir" KERNEL_ARGS="loglevel=7 nokaslr" PAGE_FRAG_TREE="$src" \
		bash "$S/boot.sh" "bench-$side" "$plan" -icount shift=0,sleep=off "${nics[@]}" \
		-plugin "$plugin,out=$LOGS/profile-$side.txt,mark=$mark" || exit 1
	[ -s "$LOGS/profile-$side.txt" ] || die "the $side boot wrote no profile"
	cp "$LOGS/boot-bench-$side.serial" "$LOGS/profile-$side.serial"
done

out=$LOGS/profile.table
{
	echo "tcp_bench ${args[*]}: guest instructions per MiB sent, by kernel function"
	echo "base: $(git -C "$TREE" log -1 --format=%s base)"
	echo "tip:  $(git -C "$TREE" rev-parse --short "$BRANCH") ($(git -C "$TREE" rev-list --count base.."$BRANCH") patches)"
	echo
	python3 "$TOP/bench/profile/fold.py" $((mib * runs)) \
		"$LOGS/profile-base.txt" "$BUILD/bench-base/System.map" \
		"$LOGS/profile-tip.txt" "$BUILD/bench-tip/System.map" 30
	echo
	for side in base tip; do
		echo "$side: $(tr -d '\r' <"$LOGS/profile-$side.serial" | grep -m1 'page_frag_bench: spread' | sed 's/.*page_frag_bench: //')"
	done
} >"$out"
cat "$out"
