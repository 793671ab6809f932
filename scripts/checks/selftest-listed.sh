#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every selftest script the patch adds is listed in its Makefile.
# usage: selftest-listed.sh PARENT COMMIT
. "$(dirname "$0")/../lib.sh"
p=$1 c=$2
rc=0
while read -r f; do
	dir=$(dirname "$f")
	base=$(basename "$f")
	# The Makefile of the script's directory or of a parent one, up to
	# tools/testing/selftests/<subsystem>.
	found=
	d=$dir
	while [ "$d" != tools/testing/selftests ] && [ "$d" != . ]; do
		if git -C "$TREE" show "$c:$d/Makefile" 2>/dev/null |
			grep -E '^[[:space:]]*TEST_(PROGS|FILES|PROGS_EXTENDED|GEN_PROGS|GEN_FILES)' |
			grep -qw -- "${f#"$d"/}"; then
			found=$d/Makefile
			break
		fi
		d=$(dirname "$d")
	done
	if [ -z "$found" ]; then
		echo "FIRST: $f is not listed in a selftests Makefile"
		rc=1
	fi
done < <(git -C "$TREE" diff --name-only --diff-filter=A "$p" "$c" -- \
	'tools/testing/selftests/*.sh' 'tools/testing/selftests/*.py')
[ $rc -eq 0 ] && echo "every new selftest script is listed"
exit $rc
