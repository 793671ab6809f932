#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Developer helper: replace the commit message of one commit of the
# series, without an interactive editor.
#
# usage: reword.sh COMMIT MESSAGE-FILE   (run inside the kernel tree)
set -euo pipefail
full=$(git rev-parse "${1:?commit}")
msg=$(realpath "${2:?message file}")
todo_edit=$(mktemp)
cat >"$todo_edit" <<SH
#!/bin/bash
while read -r cmd sha rest; do
	if [ "\$cmd" = pick ] && [ "\$(git rev-parse "\$sha")" = "$full" ]; then
		cmd=reword
	fi
	echo "\$cmd \$sha \$rest"
done <"\$1" >"\$1.new" && mv "\$1.new" "\$1"
SH
chmod +x "$todo_edit"
GIT_SEQUENCE_EDITOR="$todo_edit" GIT_EDITOR="cp '$msg'" git rebase -q -i base
rm -f "$todo_edit"
