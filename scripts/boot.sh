#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot a built kernel in QEMU (TCG, 2 CPUs, no network) with a busybox
# initramfs made on the fly, run the tests of a plan, power off, then
# judge the serial log.
#
# usage: boot.sh NAME PLAN [QEMU-ARGS...]
#   NAME  build directory under $CACHE/build (x86_64, ...)
#   PLAN  file with one test a line: "<name> <command...>", run from
#         /tests in the guest; '#' starts a comment
# Writes $LOGS/boot-NAME.serial and $LOGS/boot-NAME.results
# ("<name> pass|fail|skip <guest seconds>"); exits 1 when a test failed
# or the kernel complained, 3 when the guest ran another kernel than the
# one last built (every verdict is then "stale").
. "$(dirname "$0")/lib.sh"
need cpio

name=${1:?usage: boot.sh NAME PLAN [QEMU-ARGS...]}
plan=${2:?usage: boot.sh NAME PLAN [QEMU-ARGS...]}
shift 2
arch=$(arch_of "$name")
# The guest's machine, and its busybox: the host's for x86_64, Debian's
# busybox-static of the guest's arch otherwise ('make deps-arches').
case $arch in
x86_64)
	qemu=(qemu-system-x86_64 -M pc)
	console=ttyS0
	bb=/bin/busybox ;;
i386)
	qemu=(qemu-system-i386 -M pc)
	console=ttyS0
	bb=$CACHE/busybox-i386/bin/busybox ;;
arm64)
	qemu=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on)
	console=ttyAMA0
	bb=$CACHE/busybox-arm64/bin/busybox ;;
esac
need "${qemu[0]}"
BUSYBOX=${BUSYBOX:-$bb}
[ -f "$BUSYBOX" ] || die "$BUSYBOX missing; run 'make deps' (x86_64) or 'make deps-arches'"
O=$BUILD/$name
kernel=$O/$(arch_image "$arch")
[ -f "$kernel" ] || die "$kernel not built; run 'make build'"
[ -f "$plan" ] || die "no plan file $plan"

root=$CACHE/initramfs-$name
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,tests,root}
cp "$BUSYBOX" "$root/bin/busybox"
# The applets, as the host's busybox lists them (the guest's may not run
# here; both come from the same Debian release).
for app in $(/bin/busybox --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
# What the tests may need: the page_frag selftest files from the tree
# under test and every module built for it.
mm=$TREE/tools/testing/selftests/mm
for f in "$mm"/test_page_frag.sh; do
	[ -f "$f" ] && cp "$f" "$root/tests/"
done
if [ -d "$O-mods" ]; then
	(cd "$O-mods" && find . -name '*.ko' | while read -r ko; do
		mkdir -p "$root/tests/$(dirname "$ko")"
		cp "$ko" "$root/tests/$ko"
	done)
fi
# The allocator's KUnit suites, where the tree has them (scripts/build.sh
# builds two modules of them out of tree, with the selftest module: the
# suites, and the suites with the misuse one), next to the script that
# loads and judges them.
kunit_ko=
if [ -f "$TREE/mm/page_frag_cache_kunit.c" ]; then
	for m in page_frag_cache_kunit page_frag_cache_kunit_misuse; do
		if [ -f "$O-mods/$m/$m.ko" ]; then
			cp "$O-mods/$m/$m.ko" "$root/tests/"
			kunit_ko=1
		elif grep -qE '^[a-z_]+ +(\S+ )*\./kunit\.sh' "$plan"; then
			die "the tree has the KUnit suites but $O-mods has no $m.ko; run scripts/build.sh"
		fi
	done
fi
cp "$TOP"/tests/guest/*.sh "$root/tests/"
# GUEST_FILES: a directory whose contents are copied to /tests as well.
if [ -n "${GUEST_FILES:-}" ]; then
	cp -r "$GUEST_FILES"/. "$root/tests/"
fi

{
	cat <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ip link set lo up
export PATH=/bin:/sbin
cd /tests
# x86 switches from tsc-early to the refined tsc clocksource a second or
# so after boot, with stop_machine(); a test that keeps a CPU busy in a
# loop of the kernel (the pfmemalloc mode on a kernel with the bug) would
# hang it.  Let the switch happen first (10 s at most).
cs=/sys/devices/system/clocksource/clocksource0/current_clocksource
i=0
while [ "$(cat $cs 2>/dev/null)" = tsc-early ] && [ $i -lt 10 ]; do
	sleep 1; i=$((i + 1))
done
echo "WB-BOOTED cpus=$(grep -c ^processor /proc/cpuinfo)"
up() { cut -d' ' -f1 /proc/uptime; }
run() {
	name=$1; shift
	echo "WB-START $name"
	t0=$(up)
	"$@"
	rc=$?
	t1=$(up)
	echo "WB-RESULT $name $rc $(echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}')"
}
INIT
	# A selftest mode runs where the tree under test lists it in
	# run_vmtests.sh: the plan names the modes of the whole series, and
	# an earlier patch may not have them yet.
	grep -vE '^[[:space:]]*(#|$)' "$plan" | while read -r tname cmd; do
		mode=$(echo "$cmd" | sed -n 's#^\./test_page_frag\.sh \([a-z0-9_]*\).*#\1#p')
		if [ -n "$mode" ] && ! grep -qE "test_page_frag\.sh $mode\$" "$mm/run_vmtests.sh" 2>/dev/null; then
			echo "plan: $tname not run, $mode is not in this tree's run_vmtests.sh" >&2
			continue
		fi
		case $cmd in
		./kunit.sh*)
			if [ -z "$kunit_ko" ]; then
				echo "plan: $tname not run, this kernel has no KUnit suite module" >&2
				continue
			fi ;;
		esac
		printf 'run %s %s\n' "$tname" "$cmd"
	done
	cat <<'INIT'
echo WB-DONE
reboot -f
INIT
} >"$root/init"
chmod +x "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$CACHE/initramfs-$name.cpio"

serial=$LOGS/boot-$name.serial
results=$LOGS/boot-$name.results
timeout=${BOOT_TIMEOUT:-1200}
t0=$(date +%s)
rc=0
timeout "$timeout" "${qemu[@]}" -smp 2 -m 1024 \
	-nographic -no-reboot -nic none -monitor none \
	-kernel "$kernel" -initrd "$CACHE/initramfs-$name.cpio" \
	-append "console=$console panic=-1 oops=panic loglevel=6 ${KERNEL_ARGS:-}" \
	"$@" </dev/null >"$serial" 2>&1 || rc=$?
echo "qemu exited with $rc after $(($(date +%s) - t0)) s; serial log: $serial"

[ $rc -eq 124 ] && echo "error: the guest did not finish within $timeout s"
# The kernel that ran must be the one last built here: its banner has the
# build number that kbuild keeps in $O/.version.  A stale image would have
# every test judge other code (see scripts/ccache-cc).
stale=0
want=$(cat "$O/.version" 2>/dev/null || true)
if [ -n "$want" ] && grep -aq 'Linux version ' "$serial" &&
	! grep -aqE "Linux version .* #$want( |\$)" "$serial"; then
	got=$(grep -aoE 'Linux version .* #[0-9]+' "$serial" | head -n1 | sed 's/.*#//')
	echo "error: the guest ran kernel build #$got, but the last build of $O is #$want: a stale image"
	stale=1
fi
bash "$TOP/scripts/verdict.sh" "$serial" "$results" && [ $rc -ne 124 ] && [ $stale -eq 0 ] && exit 0
# Exit 3 for a stale image: no verdict of that boot may count, not even
# a failure (a mutation "caught" by another kernel's bug).
if [ $stale -eq 1 ]; then
	awk '{ print $1, "stale", $3 }' "$results" >"$results.tmp" && mv "$results.tmp" "$results"
	exit 3
fi
exit 1
