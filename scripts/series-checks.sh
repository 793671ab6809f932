#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Per-series checks: the cover letter and mail subjects, htmldocs and
# coccicheck against the base, and an offline b4 send whose mails must
# each git am.  Expects the series applied (scripts/apply.sh).
#
# usage: series-checks.sh [cover|htmldocs|cocci|b4]...
. "$(dirname "$0")/lib.sh"
checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(cover htmldocs cocci b4)
out=$LOGS/series
mkdir -p "$out"
tip=$(git -C "$TREE" rev-parse "$BRANCH")
# Debian's python3 for sphinx, spdxcheck and b4, whatever python3 PATH has.
export PATH=/usr/bin:$PATH

# Per posting: a cover letter with base-commit and a changelog, at most
# 15 patches, every subject [PATCH TREE n/m]; a later posting's cover
# names the patches of the earlier ones as prerequisites.
check_cover() {
	local name tree subj c n bad i=0 msg=
	while IFS=$'\t' read -r name tree subj; do
		c=$TOP/patches/$name/0000-cover-letter.patch
		[ -f "$c" ] || { echo "FIRST: no cover letter patches/$name/0000-cover-letter.patch"; return 1; }
		grep -q '^base-commit: [0-9a-f]\{40\}$' "$c" || { echo "FIRST: $name: no base-commit: in the cover letter"; return 1; }
		grep -q '\*\*\* SUBJECT HERE \*\*\*\|\*\*\* BLURB HERE \*\*\*' "$c" &&
			{ echo "FIRST: $name: the cover letter still has format-patch's placeholders"; return 1; }
		grep -qiE '^(changes|changelog)' "$c" || { echo "FIRST: $name: no changelog section (a line starting 'Changes')"; return 1; }
		if [ $i -gt 0 ] && ! grep -q '^prerequisite-patch-id: ' "$c"; then
			echo "FIRST: $name: the cover letter names no prerequisite-patch-id of the postings before it"
			return 1
		fi
		n=$(ls "$TOP/patches/$name"/[0-9]*.patch | grep -vc '0000-cover-letter')
		[ "$n" -le 15 ] || { echo "FIRST: $name: $n patches, netdev takes at most 15"; return 1; }
		bad=$(grep -L "^Subject: \[PATCH $tree [0-9]*/$n\]" "$TOP/patches/$name"/*.patch || true)
		[ -z "$bad" ] || { echo "FIRST: $name: subject without [PATCH $tree N/$n]: $(basename "$(echo "$bad" | head -n1)")"; return 1; }
		msg="$msg${msg:+; }$name: $n patches [PATCH $tree]"
		i=$((i + 1))
	done < <(series_postings)
	[ $i -gt 0 ] || { echo "FIRST: the series file marks no posting"; return 1; }
	echo "cover letters with base-commit and changelog: $msg"
}

# The functions with a kernel-doc comment in the allocator's files at REV.
kdoc_functions() {
	local f
	for f in include/linux/page_frag_cache.h mm/page_frag_cache.c; do
		git -C "$TREE" show "$1:$f" 2>/dev/null |
			sed -n 's/^ \* \([A-Za-z0-9_]*\)() - .*/\1/p'
	done | sort -u
}

htmldocs_at() {
	local rev=$1 log=$out/htmldocs-$1.log id t0=$SECONDS
	local html=$BUILD/htmldocs/Documentation/output/mm/page_frags.html
	[ -f "$log.count" ] && return 0
	check_src "$rev"
	# From scratch: sphinx only reports on the documents it rereads.
	rm -rf "$BUILD/htmldocs"
	make -C "$SRC" O="$BUILD/htmldocs" SPHINXDIRS=mm htmldocs >"$log" 2>&1 || true
	# A kernel-doc directive that names the wrong file or identifier
	# can stay silent: look for each function's entry in the page.
	: >"$log.missing"
	kdoc_functions "$rev" | while read -r id; do
		grep -q "id=\"c\.$id\"" "$html" 2>/dev/null || echo "$id" >>"$log.missing"
	done
	kdoc_functions "$rev" | wc -l >"$log.functions"
	echo $((SECONDS - t0)) >"$log.seconds"
	grep -ciE '(warning|error)' "$log" >"$log.count" || true
}

check_htmldocs() {
	need sphinx-build
	local b a
	htmldocs_at "$(git -C "$TREE" rev-parse base)"
	htmldocs_at "$tip"
	b=$(cat "$out/htmldocs-$(git -C "$TREE" rev-parse base).log.count")
	a=$(cat "$out/htmldocs-$tip.log.count")
	if [ "$a" -gt "$b" ]; then
		echo "FIRST: htmldocs warnings $b -> $a: $(diff <(grep -iE 'warning|error' "$out/htmldocs-$(git -C "$TREE" rev-parse base).log" | sort) \
			<(grep -iE 'warning|error' "$out/htmldocs-$tip.log" | sort) | grep -m1 '^>' | cut -c3-)"
		return 1
	fi
	if [ -s "$out/htmldocs-$tip.log.missing" ]; then
		echo "FIRST: page_frags.html has no entry for $(wc -l <"$out/htmldocs-$tip.log.missing")" \
			"kernel-doc'd functions: $(head -n3 "$out/htmldocs-$tip.log.missing" | xargs)"
		return 1
	fi
	echo "htmldocs (SPHINXDIRS=mm): $b warnings at base, $a at the tip;" \
		"page_frags.html renders all $(cat "$out/htmldocs-$tip.log.functions" 2>/dev/null || echo '?') kernel-doc'd" \
		"functions of the allocator; $(cat "$out/htmldocs-$tip.log.seconds" 2>/dev/null || echo '?') s"
}

# Every report-mode semantic patch of the tree, plus the project's own,
# on the .c files the series touches, at the base and at the tip.
# Results are kept per revision, file list and project semantic patches,
# so that base and tip are always compared on the same files with the same
# rules, even after the series starts or stops touching a file.
cocci_key() {
	{ printf '%s\n' "$@"; cat "$TOP"/cocci/*.cocci 2>/dev/null || true; } |
		sha1sum | cut -c1-12
}

# usage: cocci_at REV KEY FILE...
cocci_at() {
	local rev=$1 files=("${@:3}") dir=$out/cocci-$1-$2 f
	[ -f "$dir.count" ] && return 0
	rm -rf "$dir"
	mkdir -p "$dir/src"
	for f in "${files[@]}"; do
		git -C "$TREE" show "$rev:$f" >"$dir/src/${f//\//_}" 2>/dev/null || true
	done
	# The tree at $rev provides the semantic patches.
	check_src "$rev"
	{ git -C "$SRC" ls-files scripts/coccinelle | grep '\.cocci$' |
		while read -r s; do
			grep -q '^virtual report' "$SRC/$s" && echo "$SRC/$s"
		done
	  ls "$TOP"/cocci/*.cocci 2>/dev/null; } >"$dir/scripts"
	xargs -P "$JOBS" -I{} sh -c 'spatch --very-quiet -D report --no-show-diff \
		--sp-file "$1" "$2"/src/* 2>/dev/null | sed "s#^#$(basename "$1"): #"' _ {} "$dir" \
		<"$dir/scripts" | sed "s#$dir/src/##" | sort >"$dir.reports"
	wc -l <"$dir.reports" >"$dir.count"
}

check_cocci() {
	need spatch
	local files b a base key
	base=$(git -C "$TREE" rev-parse base)
	mapfile -t files < <(git -C "$TREE" diff --name-only base "$tip" -- '*.c' | grep -v '^tools/')
	[ ${#files[@]} -gt 0 ] || { echo "no .c file touched"; return 0; }
	key=$(cocci_key "${files[@]}")
	cocci_at "$base" "$key" "${files[@]}"
	cocci_at "$tip" "$key" "${files[@]}"
	b=$(cat "$out/cocci-$base-$key.count")
	a=$(cat "$out/cocci-$tip-$key.count")
	# Per semantic patch: one whose reports go away (the _va rename's,
	# as the series renames the callers) must not hide one that gains.
	local s nb na
	for s in $(cut -d: -f1 "$out/cocci-$base-$key.reports" "$out/cocci-$tip-$key.reports" | sort -u); do
		nb=$(grep -c "^$s: " "$out/cocci-$base-$key.reports" || true)
		na=$(grep -c "^$s: " "$out/cocci-$tip-$key.reports" || true)
		if [ "$na" -gt "$nb" ]; then
			echo "FIRST: coccicheck $s reports $nb -> $na: $(grep "^$s: " "$out/cocci-$tip-$key.reports" | head -n1)"
			return 1
		fi
	done
	echo "coccicheck on ${#files[@]} files: $b reports at base, $a at the tip, none more for any semantic patch"
}

# b4, offline, per posting, as the person who sends the series would do
# it: the patches exported with AUTHOR= (their name and sign-off), git am
# onto the base or the previous posting, b4 prep, cover letter, To/Cc
# from get_maintainer.pl, b4 send -o; every mail must git am again onto
# the same parent and give the same tree.
B4_SENDER="Test Sender <sender@example.org>"
check_b4() {
	need b4
	local w=$CACHE/b4 name tree first last n sent m parent total=0 msg=
	rm -rf "$w"
	AUTHOR="$B4_SENDER" EXPORT_DIR="$w/export" bash "$TOP/scripts/export.sh" >"$out/b4-export.log" 2>&1 ||
		{ echo "FIRST: export with AUTHOR= failed: $(tail -n1 "$out/b4-export.log")"; return 1; }
	git clone -q --shared --no-checkout "$TREE" "$w/tree" 2>/dev/null ||
		git clone -q "$TREE" "$w/tree"
	git -C "$w/tree" config user.name "${B4_SENDER% <*}"
	git -C "$w/tree" config user.email "$(echo "$B4_SENDER" | sed 's/.*<\(.*\)>/\1/')"
	git -C "$w/tree" config sendemail.smtpServer /bin/false
	parent=$(git -C "$TREE" rev-parse base)
	while IFS=$'\t' read -r name tree first last; do
		n=$(git -C "$TREE" rev-list --count "$first^..$last")
		(
			cd "$w/tree"
			git checkout -q -B "base-$name" "$parent"
			git checkout -q -B "$name" "base-$name"
			for m in $(grep "^$name/" "$w/export/series"); do
				git am -q "$w/export/patches/$m"
			done
			b4 prep -e "base-$name"
			b4 prep --set-prefixes "$tree"
			# b4 runs core.editor (or $EDITOR) on the cover text.
			git config core.editor "cp $TOP/cover/$name.txt"
			b4 prep --edit-cover
			b4 prep --auto-to-cc
		) >"$out/b4-prep-$name.log" 2>&1 &&
		(cd "$w/tree" && b4 send -o "$w/out-$name" --no-sign) >"$out/b4-send-$name.log" 2>&1 ||
			{ echo "FIRST: $name: b4 failed: $(tail -n 3 "$out/b4-prep-$name.log" "$out/b4-send-$name.log" 2>/dev/null | grep -v '^==' | tail -n1)"; return 1; }
		sent=$(ls "$w/out-$name"/*.eml 2>/dev/null | wc -l)
		[ "$sent" -eq $((n + 1)) ] || { echo "FIRST: $name: b4 wrote $sent mails, want $((n + 1)) (cover + $n)"; return 1; }
		grep -q '^To: ' "$w/out-$name"/0000-*.eml || { echo "FIRST: $name: the cover letter has no To: (get_maintainer.pl)"; return 1; }
		grep -L "^Subject: \[PATCH $tree" "$w/out-$name"/*.eml | grep -q . &&
			{ echo "FIRST: $name: a mail without [PATCH $tree"; return 1; }
		# The sender's name, not the neutral one, on every patch.
		for m in $(ls "$w/out-$name"/*.eml | grep -v '/0000-'); do
			grep -q "^Signed-off-by: $B4_SENDER\$" "$m" ||
				{ echo "FIRST: $name: $(basename "$m") is not signed off by the sender"; return 1; }
			grep -q 'page-frag.invalid' "$m" &&
				{ echo "FIRST: $name: $(basename "$m") still carries the neutral identity"; return 1; }
		done
		git -C "$w/tree" checkout -q -B "am-$name" "base-$name"
		for m in $(ls "$w/out-$name"/*.eml | grep -v '/0000-'); do
			git -C "$w/tree" am -q "$m" >/dev/null 2>&1 ||
				{ git -C "$w/tree" am --abort; echo "FIRST: $name: $(basename "$m") does not git am"; return 1; }
		done
		[ "$(git -C "$w/tree" rev-parse 'HEAD^{tree}')" = "$(git -C "$TREE" rev-parse "$last^{tree}")" ] ||
			{ echo "FIRST: $name: the mails applied give another tree than the posting"; return 1; }
		[ "$(git -C "$w/tree" log -1 --format='%an <%ae>')" = "$B4_SENDER" ] ||
			{ echo "FIRST: $name: the commits from the mails are not the sender's"; return 1; }
		parent=$(git -C "$w/tree" rev-parse HEAD)
		total=$((total + n))
		msg="$msg${msg:+, }$name $n"
	done < <(posting_ranges)
	echo "b4 send -o per posting ($msg): cover + mails, To/Cc from get_maintainer.pl, signed by the sender, all git am to the series' trees"
}

fail=0
for c in "${checks[@]}"; do
	t0=$(date +%s)
	if msg=$(check_"$c" 2>&1); then v=✓; else v=✗; fail=1; fi
	printf '%-9s %s %4ss  %s\n' "$c" "$v" $(($(date +%s) - t0)) "$(echo "$msg" | tail -n1 | sed 's/^FIRST: //')"
done
exit $fail
