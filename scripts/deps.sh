#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the workbench needs, if they are missing.
. "$(dirname "$0")/lib.sh"

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
