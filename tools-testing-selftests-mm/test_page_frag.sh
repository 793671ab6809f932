#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run page_frag_test.ko in one of its modes and report the verdict in KTAP.
# The module runs its test while it loads: insmod succeeds when the test
# passed, and the kernel log says why it did not.
#
# usage: test_page_frag.sh [MODE] [nr_test]
#   smoke, aligned, nonaligned, large   two threads on two CPUs, one
#                                       allocating and one freeing
#   refusals     requests that must get NULL
#   mixed        many sizes and alignments, then every page reference
#   fallback     one failed order-3 allocation (fail_page_alloc), then
#                fragments larger than a page again
#   pfmemalloc   a large request from pages of the pfmemalloc reserves
#   percpu       netdev_alloc_frag(), napi_alloc_frag(), skb heads
#   va va_align pg prepare probe noref abort
#                one family of the API each: placement and references
#   misuse       caller bugs get defined results, and each one warns
#                (skipped with panic_on_warn; run_vmtests.sh runs it with -d)
#   examples     the examples of Documentation/mm/page_frags.rst, run
#
# Exit status: 0 pass, 1 fail, 4 skip (not root, module missing, fewer
# than two CPUs, or the reason the module gives after "SKIP:").  PUSH_CPU and
# POP_CPU override the CPUs used by the two-thread modes (0 and 1).

ksft_skip=4
mode=${1:-smoke}
dir=$(dirname "$0")
module=$dir/page_frag/page_frag_test.ko
cpus2=
fip=

case $mode in
smoke)
	nr=${2:-10000}
	params="test_alloc_len=2048"
	cpus2=1
	;;
aligned)
	nr=${2:-200000}
	params="test_alloc_len=75 test_align=64"
	cpus2=1
	;;
nonaligned)
	nr=${2:-200000}
	params="test_alloc_len=75"
	cpus2=1
	;;
large)
	nr=${2:-20000}
	params="test_alloc_len=10048"
	cpus2=1
	;;
refusals|fallback)
	nr=${2:-1}
	params="test_mode=$mode"
	;;
mixed|percpu)
	nr=${2:-20000}
	params="test_mode=$mode"
	;;
va|va_align|pg|prepare|probe|noref|abort|misuse|examples)
	nr=${2:-1}
	params="test_mode=$mode"
	;;
pfmemalloc)
	nr=${2:-1}
	params="test_mode=$mode"
	cpus2=1
	;;
*)
	echo "usage: $0 [MODE] [nr_test]; MODE: smoke aligned nonaligned" \
	     "large refusals mixed fallback pfmemalloc percpu va va_align" \
	     "pg prepare probe noref abort misuse examples" >&2
	exit 1
	;;
esac
params="nr_test=$nr $params"
[ -z "$cpus2" ] ||
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
[ -z "$cpus2" ] || [ "$cpus" -ge 2 ] || skip "needs two CPUs, found $cpus"

# fallback: fail_page_alloc fails the order-3 allocations of tasks marked
# make-it-fail; the module marks itself around one request.
if [ "$mode" = fallback ]; then
	fip=/sys/kernel/debug/fail_page_alloc
	[ -d $fip ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	[ -w $fip/times ] || skip "needs CONFIG_FAIL_PAGE_ALLOC and debugfs"
	saved=
	for k in task-filter probability interval times min-order verbose; do
		saved="$saved $k=$(cat $fip/$k)"
	done
	restore() {
		for kv in $saved; do
			echo "${kv#*=}" >"$fip/${kv%%=*}"
		done
	}
	trap restore EXIT
	echo Y >$fip/task-filter
	echo 100 >$fip/probability
	echo 1 >$fip/interval
	echo -1 >$fip/times
	echo 3 >$fip/min-order
	echo 0 >$fip/verbose
fi

# A module left behind by an interrupted run would make insmod fail.
grep -q '^page_frag_test ' /proc/modules && rmmod page_frag_test

# Only the kernel messages of this run count.
seen=$(dmesg | grep -c 'page_frag_test: ')
msgs() {
	dmesg | grep 'page_frag_test: ' | tail -n +$((seen + 1))
}

# misuse: each caller bug must warn.  The warnings come from the inline
# code compiled into the module, so they fire again at every load; how
# many copies of a site the compiler makes varies, so what counts is the
# number of distinct source lines that warned.  panic_on_warn would make
# them panic the kernel.
if [ "$mode" = misuse ]; then
	[ "$(cat /proc/sys/kernel/panic_on_warn 2>/dev/null)" != 1 ] ||
		skip "panic_on_warn is set, and this mode warns on purpose"
	lines=$(dmesg | wc -l)
fi

echo "# insmod page_frag_test.ko $params"
loaded=0
insmod "$module" $params && loaded=1
[ $loaded -eq 0 ] || rmmod page_frag_test
if [ $loaded -eq 1 ] && [ "$mode" = misuse ]; then
	want=$(msgs | sed -n 's/.*misuse: expect \([0-9]*\) warn.*/\1/p')
	want=$(echo "$want" | tail -n 1)
	got=$(dmesg | tail -n +$((lines + 1)) |
		sed -n 's/.*WARNING: CPU: .* at \([^ ]*\) .*/\1/p' |
		sort -u | wc -l)
	if [ "$got" != "${want:-?}" ]; then
		echo "# the caller bugs warned at $got places, want ${want:-?}"
		echo "not ok 1 page_frag_$mode"
		exit 1
	fi
	echo "# the caller bugs warned at $got places"
fi
# A failed load may have been retried by insmod (busybox falls back from
# finit_module to init_module): a FAIL of either run counts.
if [ $loaded -eq 1 ] && ! msgs | grep -q 'page_frag_test: FAIL'; then
	why=$(msgs | sed -n 's/.*page_frag_test: SKIP: //p' | tail -n 1)
	[ -z "$why" ] || skip "$why"
	msgs | tail -n 2 | sed 's/^/# /'
	echo "ok 1 page_frag_$mode"
	exit 0
fi
msgs | tail -n 5 | sed 's/^/# /'
echo "not ok 1 page_frag_$mode"
exit 1
