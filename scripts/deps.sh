#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the workbench needs, if they are missing.
#
# usage: deps.sh [arches]
#   arches  what make test-arches and make test-full need on top: the
#           arm64 cross compiler, qemu-system-arm, lld and the LLVM tools
#           (clang builds), and Debian's busybox-static for i386 and
#           arm64 (unpacked under $CACHE/busybox-ARCH, for the guests)
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = arches ]; then
	need_pkgs=()
	for p in gcc-aarch64-linux-gnu qemu-system-arm qemu-system-x86 lld-14 llvm-14; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			need_pkgs+=("$p")
	done
	need_bb=()
	for a in i386 arm64; do
		[ -f "$CACHE/busybox-$a/bin/busybox" ] || need_bb+=("$a")
	done
	if [ ${#need_pkgs[@]} -eq 0 ] && [ ${#need_bb[@]} -eq 0 ]; then
		echo "all packages present"
		exit 0
	fi
	[ "$(id -u)" -eq 0 ] ||
		die "need root to install: ${need_pkgs[*]} ${need_bb[*]/#/busybox-static:}; run 'sudo make deps-arches'"
	export DEBIAN_FRONTEND=noninteractive
	for a in "${need_bb[@]}"; do
		dpkg --print-foreign-architectures | grep -qx "$a" || dpkg --add-architecture "$a"
	done
	# A mirror in the middle of a sync fails one index now and then:
	# what matters is whether the packages below can be had.
	apt-get update -q ||
		echo "warning: apt-get update did not fetch every index; trying with what it has"
	[ ${#need_pkgs[@]} -eq 0 ] ||
		apt-get install -y -q --no-install-recommends "${need_pkgs[@]}"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	for a in "${need_bb[@]}"; do
		(cd "$tmp" && apt-get download -q "busybox-static:$a") ||
			die "apt-get download busybox-static:$a failed"
		rm -rf "$CACHE/busybox-$a"
		dpkg-deb -x "$tmp"/busybox-static_*_"$a".deb "$CACHE/busybox-$a"
		[ -f "$CACHE/busybox-$a/bin/busybox" ] ||
			die "busybox-static:$a has no bin/busybox"
		file "$CACHE/busybox-$a/bin/busybox" 2>/dev/null || true
	done
	exit 0
fi

PKGS="build-essential bc bison flex libelf-dev libssl-dev cpio kmod sparse
coccinelle codespell b4 ccache python3-sphinx python3-yaml qemu-system-x86
busybox-static dwarves gcc-i686-linux-gnu xz-utils rsync python3-ply python3-git
clang-14 libclang-rt-14-dev"

missing=()
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
want_src=
if ! dpkg-query -W -f='${Version}' $KPKG 2>/dev/null | grep -qxF "$KVER"; then
	want_src=1
fi

if [ ${#missing[@]} -eq 0 ] && [ -z "$want_src" ]; then
	echo "all packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	die "need root to install: ${missing[*]} ${want_src:+$KPKG=$KVER}; run 'sudo make deps'"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q || die "apt-get update failed: no access to Debian's archive?"

if [ -n "$want_src" ]; then
	if apt-cache madison $KPKG | awk '{print $3}' | grep -qxF "$KVER"; then
		missing+=("$KPKG=$KVER")
	else
		newest=$(apt-cache madison $KPKG | awk '{print $3}' | sort -V | tail -n1)
		[ -n "$newest" ] || die "apt has no $KPKG at all"
		cat >&2 <<MSG
************************************************************************
WARNING: $KPKG $KVER is no longer in the archive; installing $newest.
The base commit hash and every patch's 'index' lines will differ from
the ones recorded in this repository.  Set PAGE_FRAG_KVER=$newest to
silence this warning once you have re-exported the series.
************************************************************************
MSG
		missing+=("$KPKG=$newest")
	fi
fi

apt-get install -y -q --no-install-recommends "${missing[@]}"
