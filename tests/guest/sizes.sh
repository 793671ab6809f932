#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the guest (make test-arches): load page_frag_sizes.ko and check the
# size of struct page_frag_cache without CONFIG_DEBUG_VM: two words, 16
# bytes on 64-bit and 8 on 32-bit.
ko=$(dirname "$0")/page_frag_sizes/page_frag_sizes.ko
[ -f "$ko" ] || { echo "# $ko missing"; exit 1; }
grep -q '^page_frag_sizes ' /proc/modules && rmmod page_frag_sizes
insmod "$ko" || exit 1
rmmod page_frag_sizes
line=$(dmesg | grep 'page_frag_sizes: bits ' | tail -n 1)
line=${line#*page_frag_sizes: }
echo "# $line"
set -- $line
[ "$1" = bits ] && [ "$7" = nodebug ] || { echo "# cannot read: $line"; exit 1; }
want=$(($2 / 4))
echo "# sizeof(struct page_frag_cache): $8 bytes ($6 with CONFIG_DEBUG_VM), $2-bit, $4-byte pages; want $want"
[ "$8" -eq "$want" ]
