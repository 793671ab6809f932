#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the debug kernel's guest (tests/debug.sh), after the tests: let
# kmemleak scan twice (an object is reported once it has been
# unreferenced for a while) and fail on any report.
km=/sys/kernel/debug/kmemleak
[ -w $km ] || { echo "# needs CONFIG_DEBUG_KMEMLEAK and debugfs"; exit 1; }
echo scan >$km
sleep 6
echo scan >$km
n=$(grep -c '^unreferenced object' $km)
echo "# kmemleak: $n unreferenced objects"
[ "$n" -eq 0 ] && exit 0
head -n 60 $km | sed 's/^/# /'
exit 1
