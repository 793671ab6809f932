#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the debug kernel's guest (tests/debug.sh): run a test while
# fail_page_alloc fails page allocations, then put its settings back.
#
# usage: faults.sh all               every allocation of the module's task
#                                    fails (page_frag_faults.ko mode=all)
#        faults.sh share PERCENT     PERCENT of them (mode=share)
#        faults.sh high PERCENT CMD...
#                                    PERCENT of all order-3 allocations in
#                                    the guest fail while CMD runs; CMD must
#                                    pass all the same
# The allocations that fail are counted through fail_page_alloc's "times"
# and there must be some: a run without failures proves nothing.
dir=$(cd "$(dirname "$0")" && pwd)
fip=/sys/kernel/debug/fail_page_alloc
budget=100000000
how=${1:?usage: faults.sh all | share PERCENT | high PERCENT CMD...}
shift

[ -w $fip/times ] || { echo "# needs CONFIG_FAIL_PAGE_ALLOC and debugfs"; exit 1; }
saved=
for k in task-filter probability interval times min-order verbose \
	 ignore-gfp-wait ignore-gfp-highmem; do
	saved="$saved $k=$(cat $fip/$k)"
done
restore() {
	for kv in $saved; do
		echo "${kv#*=}" >"$fip/${kv%%=*}"
	done
}
trap restore EXIT

echo 1 >$fip/interval
echo 0 >$fip/verbose
echo N >$fip/ignore-gfp-wait
echo N >$fip/ignore-gfp-highmem
case $how in
all|share)
	pct=100
	if [ "$how" = share ]; then
		pct=${1:?usage: faults.sh share PERCENT}
		shift
	fi
	echo Y >$fip/task-filter
	echo 0 >$fip/min-order
	;;
high)
	pct=${1:?usage: faults.sh high PERCENT CMD...}
	shift
	[ $# -gt 0 ] || { echo "usage: faults.sh high PERCENT CMD..."; exit 1; }
	echo N >$fip/task-filter
	echo 3 >$fip/min-order
	;;
*)
	echo "usage: faults.sh all | share PERCENT | high PERCENT CMD..."
	exit 1
	;;
esac
echo "$pct" >$fip/probability
echo $budget >$fip/times

rc=0
case $how in
all|share)
	grep -q '^page_frag_faults ' /proc/modules && rmmod page_frag_faults
	if insmod "$dir/page_frag_faults.ko" mode=$how; then
		rmmod page_frag_faults
	else
		rc=1
	fi
	dmesg | grep 'page_frag_faults: ' | tail -n 4 | sed 's/^/# /'
	;;
high)
	"$@" || rc=1
	;;
esac
left=$(cat $fip/times)
echo 0 >$fip/probability
injected=$((budget - left))
echo "# fail_page_alloc failed $injected allocations ($how, $pct%${*:+: $*})"
if [ "$injected" -eq 0 ]; then
	echo "# no allocation failed: the run proves nothing"
	rc=1
fi
exit $rc
