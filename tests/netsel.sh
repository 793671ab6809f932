#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The tree's own network selftests over the send paths that part 3
# converts from struct page_frag to struct page_frag_cache, at the base
# (6.12 as shipped) and at the tip: each side's selftests built static
# from its own tree (against its own headers_install), its kernel built
# with config/netsel.config and booted with tests/plan/netsel.  Prints a
# table, test by test: base verdict, tip verdict and, for the
# kselftest_harness.h tests, passed/failed/skipped subtests; then which
# converted functions each test entered (kprobe hits).  Fails when a
# test passes at the base and not at the tip, when a harness test passes
# fewer or more subtests at the tip, or when the tip's kernel complains
# (BUG, WARNING, ...) and the base's does not.
#
# The selftests, and why (tests/guest/netsel.sh runs each as its .sh
# does, with busybox in place of iproute2):
#   net/tls.c            kTLS software TX: tls_sw_sendmsg() fills its
#                        records with sk_msg_alloc() from the socket's
#                        page fragment; TCP sends, splice, sendfile,
#                        every cipher of its variants.  6.12.117's tls.c
#                        does not build as shipped: its backported rekey
#                        tests pass tls_crypto_info_init() a fourth
#                        argument that its definition lacks (the kernel
#                        has no rekey either).  It is built with a macro
#                        that drops that argument (nothing else changes),
#                        and run without its rekey tests, which fail on
#                        any 6.12; its heavy mutliproc tests with AES-GCM
#                        only (tests/plan/netsel says why).
#   net/udpgso.c         UDP GSO (udpgso.sh's cases but the four that need
#                        ethtool): ip_make_skb()'s paged path with the
#                        task's page fragment, and -m (MSG_MORE) the
#                        corked ip_append_data() with the socket's.
#   net/msg_zerocopy.c   msg_zerocopy.sh's runs over lo: TCP
#                        (tcp_sendmsg_locked()) and UDP, copy and
#                        MSG_ZEROCOPY, and UDP_CORK with copy and mixed
#                        pieces (ip_append_data()).
#   net/mptcp/mptcp_connect.c
#                        one MPTCP transfer each way (mptcp_sendmsg() and
#                        its page fragment), poll, mmap and sendfile,
#                        checked with cmp as mptcp_connect.sh does, not
#                        the big .sh (it wants iproute2, nstat, ss, tc).
#   net/tcp_fastopen_backup_key.c
#                        SYNs with data: tcp_send_syn_data() takes its
#                        payload from the socket's page fragment.
# (tcp_send_syn_data() is inlined, and mptcp and tcp_send_syn_data() take
# their room with the inline page_frag_alloc_prepare(): the kprobe table
# cannot show those; the tests' own counters do, TCPFastOpenActive and
# MPCapableSYNRX in their logs.)
# Left out:
#   net/tun.c            attaches and detaches queues, never writes a
#                        packet, so never reaches tun_build_skb(); no
#                        selftest of the tree writes to a tun device
#                        (net/tap.c writes to a macvtap, tap_get_user()).
#   kcm, sockmap         no selftest under net/: sockmap's are BPF
#                        selftests (libbpf, clang), kcm has none.
#   tls_device           needs a NIC with TLS offload (netdevsim has none
#                        in 6.12).
#   ESP                  net/ipsec.c and the xfrm scripts: by my reading
#                        of esp_output_head(), only a paged skb that is
#                        not cloned takes the state's page fragment (UDP
#                        GSO over ESP); their UDP pings are linear skbs
#                        with tailroom for the trailer, TCP's are clones.
#                        And they need some twenty ciphers and iproute2.
#   skb_splice_bits()'s linear_to_page(): no selftest splices from a
#                        socket whose skbs carry data in their head (an
#                        AF_UNIX stream); tls.c's splice tests do call
#                        skb_splice_bits(), but on decrypted records that
#                        tls_decrypt_sw() puts in page frags, so most
#                        likely not linear_to_page().
#   tcp_inq.c            one short TCP send, as msg_zerocopy's many;
#   reuseaddr_*.c        binds and connects, sends nothing;
#   so_rcv_listener      not in 6.12.
#
# usage: tests/netsel.sh
#   NETSEL_TIP=REV    the tip (default: the series branch of $TREE)
#   NETSEL_BOOT_TIMEOUT  seconds for each boot (default 2400)
#   NETSEL_TABLE_ONLY=1  no build, no boot: the table of the last run's
#                     serial logs ($LOGS/netsel-base.serial, -tip.serial)
# Builds x86_64-netsel-base and -tip, one after the other, in worktrees
# $CACHE/src-netsel-base and -tip; logs in $LOGS/netsel-*.
# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh disable=SC1091
. "$(dirname "$0")/../scripts/lib.sh"
need gcc make cpio qemu-system-x86_64 nice
[ "$#" -eq 0 ] || die "usage: tests/netsel.sh (NETSEL_TIP=REV in the environment)"
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/libc.a ] ||
	die "libc.a is missing (a static build of the selftests needs libc6-dev)"

tip_rev=${NETSEL_TIP:-$BRANCH}
git -C "$TREE" rev-parse -q --verify "$tip_rev^{commit}" >/dev/null ||
	die "NETSEL_TIP=$tip_rev is not a commit of $TREE"
read -ra frags <<<"$(arch_frags x86_64) $TOP/config/netsel.config"
plan=$TOP/tests/plan/netsel
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}

# build_tests SIDE SRC: the selftests of SRC, static, in
# $CACHE/netsel-guest-SIDE (GUEST_FILES of the boot).
build_tests() {
	local side=$1 src=$2 hdr=$CACHE/netsel-hdr-$1 out=$CACHE/netsel-guest-$1 t st
	st=$src/tools/testing/selftests
	# The uapi headers of the tree under test, as the selftests'
	# Makefiles want them (KHDR_INCLUDES), out of the source tree.
	nice -n 10 make -s -C "$src" O="$hdr" ARCH=x86_64 headers_install
	rm -rf "$out"
	mkdir -p "$out"
	local cflags=(-static -Wall "-Wl,--no-as-needed" -O2 -isystem "$hdr/usr/include" -I"$st")
	for t in net/udpgso net/msg_zerocopy net/tcp_fastopen_backup_key net/mptcp/mptcp_connect; do
		nice -n 10 gcc "${cflags[@]}" -o "$out/${t##*/}" "$st/$t.c" 2>&1 |
			grep -v "statically linked applications requires at runtime" |
			grep -v "in function .xgetaddrinfo" || true
		[ -x "$out/${t##*/}" ] || { echo "error: $t.c did not build"; return 1; }
	done
	if ! nice -n 10 gcc "${cflags[@]}" -o "$out/tls" "$st/net/tls.c" >"$out/tls.build" 2>&1; then
		grep -q "too many arguments to function .tls_crypto_info_init." "$out/tls.build" ||
			{ cat "$out/tls.build"; return 1; }
		echo "tls.c: does not build as shipped (tls_crypto_info_init() called with 4 arguments);"
		echo "  built with -D'tls_crypto_info_init(v,c,k,...)=tls_crypto_info_init_(v,c,k)'"
		nice -n 10 gcc "${cflags[@]}" '-Dtls_crypto_info_init(v,c,k,...)=tls_crypto_info_init_(v,c,k)' \
			-o "$out/tls" "$st/net/tls.c"
	fi
	rm -f "$out/tls.build"
	ls -l "$out"
}

# parse SIDE: the serial log of SIDE's boot, test by test, into
# $LOGS/netsel-SIDE/NAME.log (its lines), NAME.sub (harness subtests:
# "name pass|fail|skip"), NAME.cov ("function hits"), and one line a test
# in $LOGS/netsel-SIDE.tests: "NAME VERDICT PASS FAIL SKIP GUEST-S" (the
# counts "-" for a test that is not a harness test).
parse() {
	local side=$1 d=$LOGS/netsel-$1 name v s
	rm -rf "$d"
	mkdir -p "$d"
	tr -d '\r' <"$LOGS/netsel-$side.serial" | awk -v d="$d" '
		/^WB-START / {
			name = $2; f = d "/" name
			printf "" >(f ".log"); printf "" >(f ".sub"); printf "" >(f ".cov")
			next
		}
		/^WB-RESULT / {
			if (name != "") { close(f ".log"); close(f ".sub"); close(f ".cov") }
			name = ""; next
		}
		name == "" { next }
		{ print >>(f ".log") }
		/^NSCOV / { print $2, $3 >>(f ".cov") }
		/^(not )?ok [0-9]+ [^ ]/ {
			r = ($1 == "not") ? "fail" : "pass"
			t = ($1 == "not") ? $4 : $3
			if ($0 ~ / # SKIP/) r = "skip"
			print t, r >>(f ".sub")
		}'
	: >"$LOGS/netsel-$side.tests"
	while read -r name v s; do
		local counts="- - -"
		if grep -q '^# Totals: ' "$d/$name.log" 2>/dev/null; then
			counts=$(sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) xfail:[0-9]* xpass:[0-9]* skip:\([0-9]*\) error:\([0-9]*\).*/\1 \2 \3 \4/p' \
				"$d/$name.log" | tail -n 1 | awk '{ print $1, $2 + $4, $3 }')
		fi
		echo "$name $v $counts $s" >>"$LOGS/netsel-$side.tests"
	done <"$LOGS/boot-x86_64-netsel-$side.results"
}

declare -A build_s boot_s complained
for side in base tip; do
	if [ -n "${NETSEL_TABLE_ONLY:-}" ]; then
		build_s[$side]=- boot_s[$side]=-
		complained[$side]=no
		grep -q '^error: the kernel complained' "$LOGS/netsel-boot-$side.log" && complained[$side]=yes
		parse "$side"
		continue
	fi
	src=$CACHE/src-netsel-$side
	rev=base
	[ $side = tip ] && rev=$tip_rev
	worktree_at "$src" "$rev"
	echo "$side: $(git -C "$src" log -1 --format='%h %s')"
	stage "netsel-tests-$side" build_tests "$side" "$src" ||
		die "the $side selftests did not build ($LOGS/netsel-tests-$side.log)"

	t0=$SECONDS
	stage "netsel-build-$side" env PAGE_FRAG_TREE="$src" \
		nice -n 10 bash "$TOP/scripts/build.sh" "x86_64-netsel-$side" "${frags[@]}" ||
		die "the $side kernel did not build ($LOGS/netsel-build-$side.log)"
	build_s[$side]=$((SECONDS - t0))

	# boot.sh's verdict counts every failure, the base's too: the
	# comparison below is this stage's verdict.
	t0=$SECONDS
	rc=0
	env GUEST_FILES="$CACHE/netsel-guest-$side" PAGE_FRAG_TREE="$src" \
		BOOT_TIMEOUT="${NETSEL_BOOT_TIMEOUT:-2400}" \
		bash "$TOP/scripts/boot.sh" "x86_64-netsel-$side" "$plan" >"$LOGS/netsel-boot-$side.log" 2>&1 || rc=$?
	boot_s[$side]=$((SECONDS - t0))
	printf '%-28s done  %7d s   (%s; boot.sh exit %d, its verdict counts the failures of either side)\n' \
		"netsel-boot-$side" "${boot_s[$side]}" "$LOGS/netsel-boot-$side.log" "$rc"
	cp "$LOGS/boot-x86_64-netsel-$side.serial" "$LOGS/netsel-$side.serial"
	[ $rc -ne 3 ] || die "the $side boot ran a stale kernel ($LOGS/netsel-boot-$side.log)"
	grep -q '^WB-DONE' <(tr -d '\r' <"$LOGS/netsel-$side.serial") ||
		die "the $side guest did not reach the end of its plan ($LOGS/netsel-$side.serial)"
	complained[$side]=no
	grep -q '^error: the kernel complained' "$LOGS/netsel-boot-$side.log" && complained[$side]=yes
	parse "$side"
done

out=$LOGS/netsel.table
fail=0
{
	echo "base: $(git -C "$TREE" log -1 --format='%h %s' base)"
	echo "tip:  $(git -C "$TREE" log -1 --format='%h %s' "$tip_rev") ($(git -C "$TREE" rev-list --count "base..$tip_rev") patches)"
	echo
	printf '  %-22s %-6s %-6s %-14s %-14s %s\n' test base tip "base p/f/s" "tip p/f/s" "guest s base/tip"
	cnt() { if [ "$1" = - ]; then echo -; else echo "$1/$2/$3"; fi; }
	while read -r name bv bp bf bs bsec; do
		tv='' tp='' tf='' ts='' tsec=''
		read -r tv tp tf ts tsec < <(awk -v n="$name" '$1 == n { print $2, $3, $4, $5, $6 }' "$LOGS/netsel-tip.tests") || true
		note=
		if [ "$bv" = pass ] && [ "${tv:-none}" != pass ]; then
			note="  <- passes at the base only"
			fail=1
		elif [ "$bp" != "${tp:--}" ]; then
			note="  <- subtest pass counts differ"
			fail=1
		elif [ "$bv" != "${tv:-none}" ]; then
			note="  <- verdicts differ"
		fi
		printf '  %-22s %-6s %-6s %-14s %-14s %s%s\n' "$name" "$bv" "${tv:-none}" \
			"$(cnt "$bp" "$bf" "$bs")" "$(cnt "${tp:--}" "${tf:--}" "${ts:--}")" "$bsec/${tsec:--}" "$note"
	done <"$LOGS/netsel-base.tests"
	awk 'NR == FNR { b[$1] = 1; next } !($1 in b) { print "  " $1 ": at the tip only, " $2 }' \
		"$LOGS/netsel-base.tests" "$LOGS/netsel-tip.tests"
	echo
	# Subtests that pass at the base and not at the tip, by name.
	for f in "$LOGS"/netsel-base/*.sub; do
		[ -s "$f" ] || continue
		name=$(basename "$f" .sub)
		awk 'NR == FNR { t[$1] = $2; next } $2 == "pass" && t[$1] != "pass" {
			print "  " n ": " $1 " passes at the base, " (t[$1] == "" ? "missing" : t[$1]) " at the tip" }' \
			n="$name" "$LOGS/netsel-tip/$name.sub" "$f"
	done | tee "$LOGS/netsel.regressions"
	[ -s "$LOGS/netsel.regressions" ] && fail=1
	# Subtests that fail at both ends (the same at both, so not counted).
	for f in "$LOGS"/netsel-base/*.sub; do
		[ -s "$f" ] || continue
		awk -v n="$(basename "$f" .sub)" '$2 == "fail" { printf "%s%s", (c++ ? " " : "  " n " fails at the base: "), $1 } END { if (c) print "" }' "$f"
	done
	sed -n '/^tls.c: /{s/^tls.c: /tls.c (base): /;N;p;}' "$LOGS/netsel-tests-base.log"
	sed -n '/^tls.c: /{s/^tls.c: /tls.c (tip): /;N;p;}' "$LOGS/netsel-tests-tip.log"
	echo "kernel log clean (no BUG, WARNING, Oops, Call Trace): base $( [ "${complained[base]}" = no ] && echo yes || echo no)," \
		"tip $( [ "${complained[tip]}" = no ] && echo yes || echo no)"
	if [ "${complained[tip]}" = yes ] && [ "${complained[base]}" = no ]; then
		echo "  the tip's kernel complained (see $LOGS/netsel-boot-tip.log)"
		fail=1
	fi
	echo
	echo "Converted functions each test entered (kprobe hits, tip; the base's"
	echo "sk_page_frag_refill in brackets, where the tip has sk_page_frag_prepare):"
	while read -r name _; do
		c=$LOGS/netsel-tip/$name.cov
		[ -s "$c" ] || continue
		bref=$(awk '$1 == "sk_page_frag_refill" { print $2 }' "$LOGS/netsel-base/$name.cov" 2>/dev/null)
		printf '  %-22s %s\n' "$name" "$(awk -v b="${bref:-0}" '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $1, $2; if ($1 == "sk_page_frag_prepare") printf "[%s]", b }' "$c")"
	done <"$LOGS/netsel-tip.tests"
	echo
	for side in base tip; do
		printf 'wall time %s: build %s s, boot %s s (guest time of the plan %s s)\n' "$side" \
			"${build_s[$side]}" "${boot_s[$side]}" \
			"$(awk '{ s += $6 } END { printf "%.1f", s }' "$LOGS/netsel-$side.tests")"
	done
} >"$out"
cat "$out"
[ $fail -eq 0 ] || die "a selftest passes at the base and not at the tip (table: $out)"
echo "netsel: every selftest that passes at the base passes at the tip"
