#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run page_frag_test.ko in one of its modes and report the verdict in KTAP.
# The module runs its test while it loads: insmod succeeds when the test
# passed, and the kernel log says why it did not.
#
# usage: test_page_frag.sh [smoke|aligned|nonaligned|large] [nr_test]
#
# Exit status: 0 pass, 1 fail, 4 skip (not root, module missing, fewer
# than two CPUs).  PUSH_CPU and POP_CPU override the CPUs used (0 and 1).

ksft_skip=4
mode=${1:-smoke}
dir=$(dirname "$0")
module=$dir/page_frag/page_frag_test.ko

case $mode in
smoke)
	nr=${2:-10000}
	params="test_alloc_len=2048"
	;;
aligned)
	nr=${2:-200000}
	params="test_alloc_len=75 test_align=64"
	;;
nonaligned)
	nr=${2:-200000}
	params="test_alloc_len=75"
	;;
large)
	nr=${2:-20000}
	params="test_alloc_len=10048"
	;;
*)
	echo "usage: $0 [smoke|aligned|nonaligned|large] [nr_test]" >&2
	exit 1
	;;
esac
params="nr_test=$nr $params"
params="$params test_push_cpu=${PUSH_CPU:-0} test_pop_cpu=${POP_CPU:-1}"

echo "TAP version 13"
echo "1..1"

skip() {
	echo "ok 1 page_frag_$mode # SKIP $1"
	exit $ksft_skip
}

[ "$(id -u)" -eq 0 ] || skip "must be run as root"
[ -f "$module" ] || skip "$module not found (build it with 'make -C page_frag')"
command -v insmod >/dev/null 2>&1 || skip "insmod not found"
cpus=$(grep -c '^processor' /proc/cpuinfo)
[ "$cpus" -ge 2 ] || skip "needs two CPUs, found $cpus"

# A module left behind by an interrupted run would make insmod fail.
grep -q '^page_frag_test ' /proc/modules && rmmod page_frag_test

echo "# insmod page_frag_test.ko $params"
if insmod "$module" $params; then
	rmmod page_frag_test
	dmesg | grep 'page_frag_test: ' | tail -n 1 | sed 's/^/# /'
	echo "ok 1 page_frag_$mode"
	exit 0
fi
dmesg | grep 'page_frag_test: ' | tail -n 5 | sed 's/^/# /'
echo "not ok 1 page_frag_$mode"
exit 1
