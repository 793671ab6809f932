// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin: counts the guest instructions executed per
 * translation block, so that a script can sum them per kernel function
 * (tools' side: scripts/profile.sh, with the kernel's System.map).
 *
 * Arguments:
 *   out=FILE    where to write "vaddr insns execs" lines at exit
 *   mark=VADDR  a guest address (the start of a function of the guest
 *               program that marks the window): its first execution
 *               starts the window, the second ends it; only the
 *               instructions executed in between are written.  Without
 *               it, the whole run.
 *
 * QEMU runs the vCPUs in one thread under -icount, so the counters are
 * exact and need no atomics.  Built against QEMU's own qemu-plugin.h
 * (make profile fetches Debian's QEMU source for it).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define SLOTS	(1u << 21)	/* translation blocks; a boot makes ~10^5 */

struct slot {
	uint64_t vaddr;		/* 0: free */
	uint64_t insns;		/* instructions executed from it */
	uint64_t execs;		/* times it ran (at a function's start: calls) */
	uint64_t at_start[2];	/* insns and execs when the window opened */
	uint64_t at_end[2];	/* and when it closed */
};

static struct slot *slots;
static uint64_t mark;
static int marks_seen;
static char *out_path;

static struct slot *slot_of(uint64_t vaddr)
{
	uint64_t h = (vaddr * 0x9e3779b97f4a7c15ull) >> 43;

	for (uint32_t i = 0; i < SLOTS; i++) {
		struct slot *s = &slots[(h + i) & (SLOTS - 1)];

		if (s->vaddr == vaddr)
			return s;
		if (!s->vaddr) {
			s->vaddr = vaddr;
			return s;
		}
	}
	fprintf(stderr, "insn_profile: more than %u translation blocks\n", SLOTS);
	abort();
}

static void on_mark(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	(void)udata;
	if (marks_seen >= 2)
		return;
	for (uint32_t i = 0; i < SLOTS; i++) {
		uint64_t *at = marks_seen ? slots[i].at_end : slots[i].at_start;

		at[0] = slots[i].insns;
		at[1] = slots[i].execs;
	}
	marks_seen++;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	struct slot *s = slot_of(vaddr ? vaddr : 1);

	(void)id;
	/* The same address may be translated again, the count goes on. */
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &s->insns,
						 qemu_plugin_tb_n_insns(tb));
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &s->execs, 1);
	if (mark && vaddr == mark)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_mark,
						     QEMU_PLUGIN_CB_NO_REGS, NULL);
}

static void write_profile(qemu_plugin_id_t id, void *udata)
{
	FILE *f = fopen(out_path, "w");

	(void)id;
	(void)udata;
	if (!f) {
		perror(out_path);
		return;
	}
	fprintf(f, "# marks %d\n", marks_seen);
	for (uint32_t i = 0; i < SLOTS; i++) {
		struct slot *s = &slots[i];
		uint64_t n, e;

		if (!s->vaddr)
			continue;
		if (!mark) {
			n = s->insns;
			e = s->execs;
		} else if (marks_seen == 2) {
			n = s->at_end[0] - s->at_start[0];
			e = s->at_end[1] - s->at_start[1];
		} else {
			continue;
		}
		if (n)
			fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
				s->vaddr, n, e);
	}
	fclose(f);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			out_path = strdup(argv[i] + 4);
		} else if (!strncmp(argv[i], "mark=", 5)) {
			mark = strtoull(argv[i] + 5, NULL, 0);
		} else {
			fprintf(stderr, "insn_profile: unknown argument %s\n", argv[i]);
			return -1;
		}
	}
	if (!out_path) {
		fprintf(stderr, "insn_profile: out=FILE is needed\n");
		return -1;
	}
	slots = calloc(SLOTS, sizeof(*slots));
	if (!slots)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, write_profile, NULL);
	return 0;
}
