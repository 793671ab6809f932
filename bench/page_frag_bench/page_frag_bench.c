// SPDX-License-Identifier: GPL-2.0
/*
 * Microbenchmark of the page fragment allocator, in the style of the
 * kernel's time_bench: an empty loop is measured first so that its cost
 * can be subtracted, every case runs 'loops' times and prints one line
 * with its total and per-operation cost in guest nanoseconds.
 *
 * Under QEMU with -icount shift=0,sleep=off the guest clock advances one
 * nanosecond per executed instruction, so the figures count instructions
 * and repeat exactly from boot to boot.
 *
 * The module builds against 6.12 as shipped and against the series: it
 * uses the series' names, mapped to 6.12's below when the tree does not
 * have them (the Makefile looks).  Like the selftest, it runs from its
 * init function and fails to load when a case fails.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/ptr_ring.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#ifndef PAGE_FRAG_VA_NAMES
#define page_frag_alloc_va		page_frag_alloc
#define page_frag_alloc_va_align	page_frag_alloc_align
#define page_frag_free_va		page_frag_free
#endif

static unsigned int loops = 1000000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "iterations of each single-CPU case");

static unsigned int xcpu_loops = 200000;
module_param(xcpu_loops, uint, 0444);
MODULE_PARM_DESC(xcpu_loops, "fragments pushed from CPU 0 to CPU 1");

static u64 empty_ns;

/* Runtime values, so that no case is specialised at compile time. */
static unsigned int frag_len[] = { 75, 2048 };
static unsigned int frag_align[] = { 0, 64 };

static void report(const char *name, unsigned int n, u64 ns, u64 base_ns)
{
	u64 net = ns > base_ns ? ns - base_ns : 0;
	u32 rem;
	/* div_u64_rem(): a u64 '%' needs libgcc's __umoddi3 on 32-bit. */
	u64 per_op = div_u64_rem(net, n, &rem);

	pr_info("case %s loops %u total_ns %llu net_ns %llu per_op_ns %llu.%02llu\n",
		name, n, ns, net, per_op, div_u64((u64)rem * 100, n));
}

static noinline u64 bench_empty(unsigned int n)
{
	unsigned long flags;
	unsigned int i;
	u64 t0, t1;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		barrier();
	t1 = ktime_get_ns();
	local_irq_restore(flags);
	return t1 - t0;
}

static noinline int bench_pairs(struct page_frag_cache *nc, unsigned int len,
				unsigned int align, unsigned int n, u64 *ns)
{
	unsigned long flags;
	unsigned int i;
	u64 t0, t1;
	void *va;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		if (align)
			va = page_frag_alloc_va_align(nc, len, GFP_ATOMIC, align);
		else
			va = page_frag_alloc_va(nc, len, GFP_ATOMIC);
		if (unlikely(!va))
			break;
		page_frag_free_va(va);
	}
	t1 = ktime_get_ns();
	local_irq_restore(flags);
	*ns = t1 - t0;
	return i == n ? 0 : -ENOMEM;
}

#ifdef PAGE_FRAG_PREPARE
/*
 * The API of the series' part 2, tip only: a prepare + commit + free, a
 * page and offset + put_page(), and the growth of one fragment by probe +
 * commit_noref, as TCP appends to its last frag.
 */
static noinline int bench_prepare(struct page_frag_cache *nc, unsigned int len,
				  unsigned int n, u64 *ns)
{
	unsigned int i, size;
	unsigned long flags;
	u64 t0, t1;
	void *va;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		size = len;
		va = page_frag_alloc_va_prepare(nc, &size, GFP_ATOMIC);
		if (unlikely(!va))
			break;
		page_frag_alloc_commit(nc, len);
		page_frag_free_va(va);
	}
	t1 = ktime_get_ns();
	local_irq_restore(flags);
	*ns = t1 - t0;
	return i == n ? 0 : -ENOMEM;
}

static noinline int bench_pg(struct page_frag_cache *nc, unsigned int len,
			     unsigned int n, u64 *ns)
{
	unsigned int i, offset;
	unsigned long flags;
	struct page *page;
	u64 t0, t1;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		page = page_frag_alloc_pg(nc, &offset, len, GFP_ATOMIC);
		if (unlikely(!page))
			break;
		put_page(page);
	}
	t1 = ktime_get_ns();
	local_irq_restore(flags);
	*ns = t1 - t0;
	return i == n ? 0 : -ENOMEM;
}

static noinline int bench_noref(struct page_frag_cache *nc, unsigned int len,
				unsigned int n, u64 *ns)
{
	unsigned int i, offset, size;
	struct page *cur = NULL;
	unsigned long flags;
	u64 t0, t1;
	void *va;

	local_irq_save(flags);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		size = len;
		if (cur && page_frag_alloc_probe(nc, &offset, &size, &va) == cur) {
			page_frag_alloc_commit_noref(nc, len);
			continue;
		}
		if (cur)
			put_page(cur);
		size = len;
		cur = page_frag_alloc_pg_prepare(nc, &offset, &size, GFP_ATOMIC);
		if (unlikely(!cur))
			break;
		page_frag_alloc_commit(nc, len);
	}
	t1 = ktime_get_ns();
	local_irq_restore(flags);
	if (cur)
		put_page(cur);
	*ns = t1 - t0;
	return i == n ? 0 : -ENOMEM;
}

static int bench_api(struct page_frag_cache *nc)
{
	static const struct {
		const char *name;
		int (*run)(struct page_frag_cache *nc, unsigned int len,
			   unsigned int n, u64 *ns);
	} cases[] = {
		{ "prepare", bench_prepare },
		{ "pg", bench_pg },
		{ "noref", bench_noref },
	};
	char name[32];
	int i, j, err;
	u64 ns;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (j = 0; j < ARRAY_SIZE(frag_len); j++) {
			err = cases[i].run(nc, frag_len[j], 1, &ns) ?:
			      cases[i].run(nc, frag_len[j], loops, &ns);
			if (err) {
				pr_err("case %s %u failed\n", cases[i].name,
				       frag_len[j]);
				return err;
			}
			snprintf(name, sizeof(name), "%s_%u", cases[i].name,
				 frag_len[j]);
			report(name, loops, ns, empty_ns);
		}
	}
	return 0;
}
#else
static int bench_api(struct page_frag_cache *nc)
{
	return 0;
}
#endif

/*
 * Cross-CPU case: CPU 0 allocates a batch of fragments and pushes them
 * over a ptr_ring, CPU 1 pops and frees them, in turns.  Each side times
 * only its own work, while the other one sleeps: under -icount the guest
 * clock counts the instructions of whichever vCPU runs, and a producer
 * spinning on a full ring would count the round-robin slices of QEMU, not
 * the allocator.  What is measured is an allocation on one CPU and the
 * free on another, with the ring operations of both.
 */
#define XCPU_BATCH	128

struct xcpu {
	struct ptr_ring ring;
	struct page_frag_cache nc;
	struct completion filled;
	struct completion drained;
	struct completion done[2];
	u64 push_ns;
	u64 pop_ns;
	int err;
	bool last;
};

static int xcpu_push(void *arg)
{
	struct xcpu *x = arg;
	unsigned int i = 0, k;
	u64 t0;
	void *va;

	while (!x->last) {
		t0 = ktime_get_ns();
		for (k = 0; k < XCPU_BATCH && i < xcpu_loops; k++, i++) {
			va = page_frag_alloc_va(&x->nc, frag_len[1], GFP_KERNEL);
			if (!va) {
				x->err = -ENOMEM;
				break;
			}
			/* Cannot fail: the ring holds a whole batch. */
			WARN_ON_ONCE(ptr_ring_produce(&x->ring, va));
		}
		x->push_ns += ktime_get_ns() - t0;
		x->last = x->err || i == xcpu_loops;
		complete(&x->filled);
		wait_for_completion(&x->drained);
	}
	kthread_complete_and_exit(&x->done[0], 0);
}

static int xcpu_pop(void *arg)
{
	struct xcpu *x = arg;
	bool last;
	u64 t0;
	void *va;

	do {
		wait_for_completion(&x->filled);
		last = x->last;
		t0 = ktime_get_ns();
		while ((va = ptr_ring_consume(&x->ring)))
			page_frag_free_va(va);
		x->pop_ns += ktime_get_ns() - t0;
		complete(&x->drained);
	} while (!last);
	kthread_complete_and_exit(&x->done[1], 0);
}

static int bench_xcpu(void)
{
	struct task_struct *t[2];
	struct xcpu *x;
	int err;

	if (num_online_cpus() < 2) {
		pr_info("case xcpu skipped: one CPU\n");
		return 0;
	}
	x = kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	err = ptr_ring_init(&x->ring, XCPU_BATCH, GFP_KERNEL);
	if (err)
		goto free;
	init_completion(&x->filled);
	init_completion(&x->drained);
	init_completion(&x->done[0]);
	init_completion(&x->done[1]);
	t[0] = kthread_create(xcpu_push, x, "pf_bench_push");
	t[1] = kthread_create(xcpu_pop, x, "pf_bench_pop");
	if (IS_ERR(t[0]) || IS_ERR(t[1])) {
		/* Not started yet: kthread_stop() never runs the function. */
		if (!IS_ERR(t[0]))
			kthread_stop(t[0]);
		if (!IS_ERR(t[1]))
			kthread_stop(t[1]);
		err = -ENOMEM;
		goto ring;
	}
	kthread_bind(t[0], 0);
	kthread_bind(t[1], 1);
	wake_up_process(t[1]);
	wake_up_process(t[0]);
	wait_for_completion(&x->done[0]);
	wait_for_completion(&x->done[1]);
	err = x->err;
	if (!err)
		report("xcpu_2048", xcpu_loops, x->push_ns + x->pop_ns, 0);
ring:
	ptr_ring_cleanup(&x->ring, NULL);
	page_frag_cache_drain(&x->nc);
free:
	kfree(x);
	return err;
}

static int __init page_frag_bench_init(void)
{
	struct page_frag_cache *nc;
	char name[32];
	int i, j, err;
	u64 ns;

	if (!loops)
		return -EINVAL;
	nc = kzalloc(sizeof(*nc), GFP_KERNEL);
	if (!nc)
		return -ENOMEM;

	pr_info("sizeof struct page_frag_cache %zu\n", sizeof(*nc));
	empty_ns = bench_empty(loops);
	report("empty", loops, empty_ns, 0);
	for (i = 0; i < ARRAY_SIZE(frag_len); i++) {
		for (j = 0; j < ARRAY_SIZE(frag_align); j++) {
			/* Warm the cache up so that every case starts alike. */
			err = bench_pairs(nc, frag_len[i], frag_align[j], 1, &ns);
			if (!err)
				err = bench_pairs(nc, frag_len[i], frag_align[j],
						  loops, &ns);
			if (err) {
				pr_err("case %u/%u failed\n", frag_len[i],
				       frag_align[j]);
				goto out;
			}
			snprintf(name, sizeof(name), "pair_%u%s", frag_len[i],
				 frag_align[j] ? "_align64" : "");
			report(name, loops, ns, empty_ns);
		}
	}
	err = bench_api(nc) ?: bench_xcpu();
out:
	page_frag_cache_drain(nc);
	kfree(nc);
	return err;
}

static void __exit page_frag_bench_exit(void)
{
}

module_init(page_frag_bench_init);
module_exit(page_frag_bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Microbenchmark of the page fragment allocator");
