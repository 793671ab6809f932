# SPDX-License-Identifier: GPL-2.0
# page_frag series workbench. See README.md.
#
#   make run     apply the series to Debian's 6.12, build, boot, run the selftest
#   make test    every check of the project
#   make test-full  make test, booting every patch instead of the tips
#   make bench   base vs tip benchmark in QEMU with -icount
#   make profile where a TCP transfer's instructions go, base vs tip
#
# Stages, each one script under scripts/:
#   deps -> base -> apply -> build -> boot, and export (tree -> patches/).

SHELL := /bin/bash
S := scripts

.PHONY: test-quick test-full run test bench deps base apply build boot export walk check roundtrip debug test-arches deps-arches test-net profile

run:
	@bash $(S)/run.sh

test:
	@bash $(S)/test.sh

deps:
	@bash $(S)/deps.sh

base:
	@bash $(S)/base.sh

apply:
	@bash $(S)/apply.sh

build:
	@bash $(S)/build.sh x86_64

boot:
	@bash $(S)/boot.sh x86_64 tests/plan/selftest

export:
	@bash $(S)/export.sh

walk:
	@bash $(S)/walk.sh

roundtrip:
	@bash tests/roundtrip.sh

# The tip on i386, arm64 with 4 KiB and with 64 KiB pages (tests/arches.sh).
test-arches:
	@bash tests/arches.sh

# The tree's network selftests over the converted paths, base vs tip
# (tests/netsel.sh; NETSEL_TIP=REV to pick the tip).
test-net:
	@bash tests/netsel.sh

deps-arches:
	@bash $(S)/deps.sh arches

# The tip under the debug config and fault injection (part of test-full).
debug:
	@bash tests/debug.sh

# make bench POSTING=2-part1: the tip of that posting instead of the series'.
bench:
	@$(if $(POSTING),BENCH_POSTING=$(POSTING)) bash $(S)/bench.sh

# Guest instructions per kernel function of a TCP transfer, base vs tip
# (scripts/profile.sh; make profile ARGS="--small --runs 5 2").
profile:
	@bash $(S)/profile.sh $(ARGS)

check:
	@bash $(S)/check.sh

# make test, with a build and boot of every patch of the series instead
# of the tip of each posting.
test-full:
	@FULL=1 bash $(S)/test.sh

# make test without the long checks (allmodconfig W=1/sparse builds,
# htmldocs, coccicheck, b4): for quick rounds while developing.
test-quick:
	@QUICK=1 bash $(S)/test.sh
