// SPDX-License-Identifier: GPL-2.0
/*
 * Stress test for the page fragment allocator.
 *
 * A producer kthread allocates fragments from a private page_frag_cache,
 * fills each one with a byte derived from its sequence number and pushes it
 * into a ptr_ring.  A consumer kthread, bound to another CPU, pops the
 * fragments in order, checks every byte against the value written for that
 * sequence number and frees the fragment.  The ring holds fewer fragments
 * than there are fill values, so fragments that are alive at the same time
 * never share a fill value: a fragment that overlaps another one, runs past
 * the end of its page or is handed out again before it was freed shows up
 * as a mismatch.  Misaligned fragments, fragments that cross their
 * (compound) page and fragments that do not follow the previous one in
 * their page are caught by the producer.
 *
 * The test runs in the module's init function.  Loading succeeds when the
 * test passed and fails with an error code otherwise, so the exit status of
 * insmod is the verdict; the log says what went wrong.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/page_frag_cache.h>
#include <linux/ptr_ring.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Fewer slots than distinct fill bytes, see above. */
#define TEST_RING_SIZE	128

static unsigned int nr_test = 100000;
module_param(nr_test, uint, 0444);
MODULE_PARM_DESC(nr_test, "number of fragments to allocate, check and free");

static unsigned int test_alloc_len = 2048;
module_param(test_alloc_len, uint, 0444);
MODULE_PARM_DESC(test_alloc_len, "size of each fragment in bytes");

static unsigned int test_align;
module_param(test_align, uint, 0444);
MODULE_PARM_DESC(test_align, "alignment of each fragment (power of 2), 0 for none");

static int test_push_cpu;
module_param(test_push_cpu, int, 0444);
MODULE_PARM_DESC(test_push_cpu, "CPU of the thread that allocates");

static int test_pop_cpu = 1;
module_param(test_pop_cpu, int, 0444);
MODULE_PARM_DESC(test_pop_cpu, "CPU of the thread that checks and frees");

static unsigned int test_timeout = 600;
module_param(test_timeout, uint, 0444);
MODULE_PARM_DESC(test_timeout, "seconds after which a run without end fails");

struct frag_test {
	struct ptr_ring ring;
	struct page_frag_cache cache;
	struct completion push_done;
	struct completion pop_done;
	atomic_t stop;
	int push_err;
	int pop_err;
	unsigned int pushed;
	unsigned int popped;
};

static u8 frag_fill(unsigned int seq)
{
	/* 37 is odd: 256 consecutive sequence numbers give 256 values. */
	return (u8)(seq * 37 + 11);
}

static void *frag_alloc(struct frag_test *t)
{
	if (test_align)
		return page_frag_alloc_align(&t->cache, test_alloc_len,
					     GFP_KERNEL, test_align);
	return page_frag_alloc(&t->cache, test_alloc_len, GFP_KERNEL);
}

/*
 * Fragments are carved from the start of a page upward: the next fragment
 * from the same page follows the previous one (rounded up to the
 * alignment), unless the page was recycled and carving restarted at its
 * start.  Callers such as TCP rely on this to coalesce adjacent fragments.
 */
static int frag_check_order(void *prev, void *va)
{
	struct page *head = virt_to_head_page(va);
	unsigned long next;

	if (!prev || virt_to_head_page(prev) != head)
		return 0;
	next = (unsigned long)prev + test_alloc_len;
	if (test_align)
		next = ALIGN(next, test_align);
	if ((unsigned long)va == next || va == page_address(head))
		return 0;
	pr_err("fragment at %p follows %p: want %p or the start of the page\n",
	       va, prev, (void *)next);
	return -EINVAL;
}

static int frag_push(void *arg)
{
	struct frag_test *t = arg;
	void *va, *prev = NULL;
	unsigned int seq;

	for (seq = 0; seq < nr_test; seq++) {
		if (atomic_read(&t->stop))
			break;
		va = frag_alloc(t);
		if (!va) {
			pr_err("fragment %u of %u bytes: allocation failed\n",
			       seq, test_alloc_len);
			t->push_err = -ENOMEM;
			break;
		}
		if (test_align && !IS_ALIGNED((unsigned long)va, test_align)) {
			pr_err("fragment %u at %p is not aligned to %u\n",
			       seq, va, test_align);
			t->push_err = -EINVAL;
			page_frag_free(va);
			break;
		}
		if (virt_to_head_page(va) !=
		    virt_to_head_page(va + test_alloc_len - 1)) {
			pr_err("fragment %u at %p of %u bytes crosses its page\n",
			       seq, va, test_alloc_len);
			t->push_err = -EFAULT;
			page_frag_free(va);
			break;
		}
		if (frag_check_order(prev, va)) {
			t->push_err = -EINVAL;
			page_frag_free(va);
			break;
		}
		prev = va;
		memset(va, frag_fill(seq), test_alloc_len);

		while (ptr_ring_produce(&t->ring, va)) {
			if (atomic_read(&t->stop)) {
				page_frag_free(va);
				goto out;
			}
			cond_resched();
		}
	}
out:
	t->pushed = seq;
	if (t->push_err)
		atomic_set(&t->stop, 1);
	kthread_complete_and_exit(&t->push_done, 0);
}

static int frag_pop(void *arg)
{
	struct frag_test *t = arg;
	unsigned int seq = 0;
	u8 *va, *bad;

	while (seq < nr_test) {
		va = ptr_ring_consume(&t->ring);
		if (!va) {
			if (atomic_read(&t->stop))
				break;
			cond_resched();
			continue;
		}
		bad = memchr_inv(va, frag_fill(seq), test_alloc_len);
		if (bad) {
			pr_err("fragment %u at %p: byte %td is %#x, want %#x\n",
			       seq, va, bad - va, *bad, frag_fill(seq));
			t->pop_err = -EIO;
			atomic_set(&t->stop, 1);
			page_frag_free(va);
			break;
		}
		page_frag_free(va);
		seq++;
	}
	t->popped = seq;
	kthread_complete_and_exit(&t->pop_done, 0);
}

/*
 * Requests the allocator must refuse with NULL, on a cache of their own:
 * zero bytes, more than the largest page the cache uses, and an alignment
 * that no page of the cache can satisfy.  A normal request must still
 * work afterwards.
 */
static int frag_check_refusals(void)
{
	static const struct {
		unsigned int len;
		unsigned int align;
		const char *what;
	} bad[] = {
		{ 0, 0, "zero bytes" },
		{ PAGE_FRAG_CACHE_MAX_SIZE + 1, 0, "larger than any page" },
		{ 64, 2 * PAGE_FRAG_CACHE_MAX_SIZE, "aligned beyond any page" },
	};
	struct page_frag_cache nc;
	int i, err = 0;
	void *va;

	page_frag_cache_init(&nc);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (bad[i].align)
			va = page_frag_alloc_align(&nc, bad[i].len, GFP_KERNEL,
						   bad[i].align);
		else
			va = page_frag_alloc(&nc, bad[i].len, GFP_KERNEL);
		if (va) {
			pr_err("%s: got %p, want NULL\n", bad[i].what, va);
			page_frag_free(va);
			err = -EINVAL;
		}
	}
	va = page_frag_alloc(&nc, PAGE_SIZE, GFP_KERNEL);
	if (!va) {
		pr_err("a PAGE_SIZE fragment failed after the refusals\n");
		err = -ENOMEM;
	} else {
		page_frag_free(va);
	}
	page_frag_cache_drain(&nc);
	return err;
}

static int frag_check_params(void)
{
	if (!test_alloc_len) {
		pr_err("test_alloc_len must not be 0\n");
		return -EINVAL;
	}
	if (test_align && !is_power_of_2(test_align)) {
		pr_err("test_align=%u is not a power of 2\n", test_align);
		return -EINVAL;
	}
	if (test_push_cpu == test_pop_cpu) {
		pr_err("test_push_cpu and test_pop_cpu must differ\n");
		return -EINVAL;
	}
	if (test_push_cpu < 0 || test_push_cpu >= nr_cpu_ids ||
	    !cpu_online(test_push_cpu) || test_pop_cpu < 0 ||
	    test_pop_cpu >= nr_cpu_ids || !cpu_online(test_pop_cpu)) {
		pr_err("CPU %d or %d is not online\n", test_push_cpu,
		       test_pop_cpu);
		return -EINVAL;
	}
	return 0;
}

static struct task_struct *frag_thread(int (*fn)(void *), struct frag_test *t,
				       const char *name, int cpu)
{
	struct task_struct *task;

	task = kthread_create(fn, t, "%s/%d", name, cpu);
	if (!IS_ERR(task))
		kthread_bind(task, cpu);
	return task;
}

static int frag_run(struct frag_test *t)
{
	unsigned long deadline = jiffies + test_timeout * HZ;
	struct task_struct *push, *pop;
	bool timed_out = false;
	ktime_t start;
	s64 us;

	push = frag_thread(frag_push, t, "page_frag_push", test_push_cpu);
	if (IS_ERR(push))
		return PTR_ERR(push);
	pop = frag_thread(frag_pop, t, "page_frag_pop", test_pop_cpu);
	if (IS_ERR(pop)) {
		kthread_stop(push);
		return PTR_ERR(pop);
	}

	start = ktime_get();
	wake_up_process(pop);
	wake_up_process(push);

	if (!wait_for_completion_timeout(&t->push_done,
					 max_t(long, deadline - jiffies, 1)) ||
	    !wait_for_completion_timeout(&t->pop_done,
					 max_t(long, deadline - jiffies, 1))) {
		timed_out = true;
		atomic_set(&t->stop, 1);
		wait_for_completion(&t->push_done);
		wait_for_completion(&t->pop_done);
	}
	us = ktime_us_delta(ktime_get(), start);

	if (t->push_err)
		return t->push_err;
	if (t->pop_err)
		return t->pop_err;
	if (timed_out) {
		pr_err("no end after %u s: %u pushed, %u popped\n",
		       test_timeout, t->pushed, t->popped);
		return -ETIMEDOUT;
	}
	if (t->pushed != nr_test || t->popped != nr_test) {
		pr_err("%u pushed and %u popped, want %u\n", t->pushed,
		       t->popped, nr_test);
		return -EIO;
	}
	pr_info("ok: %u fragments of %u bytes, align %u, CPU %d to CPU %d in %lld us\n",
		nr_test, test_alloc_len, test_align, test_push_cpu,
		test_pop_cpu, us);
	return 0;
}

static int __init page_frag_test_init(void)
{
	struct frag_test *t;
	void *va;
	int err;

	err = frag_check_params();
	if (err)
		return err;
	err = frag_check_refusals();
	if (err)
		return err;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	err = ptr_ring_init(&t->ring, TEST_RING_SIZE, GFP_KERNEL);
	if (err)
		goto free;
	page_frag_cache_init(&t->cache);
	init_completion(&t->push_done);
	init_completion(&t->pop_done);
	atomic_set(&t->stop, 0);

	err = frag_run(t);

	while ((va = ptr_ring_consume(&t->ring)))
		page_frag_free(va);
	page_frag_cache_drain(&t->cache);
	ptr_ring_cleanup(&t->ring, NULL);
free:
	kfree(t);
	if (err)
		pr_err("FAIL (%d)\n", err);
	return err;
}

static void __exit page_frag_test_exit(void)
{
}

module_init(page_frag_test_init);
module_exit(page_frag_test_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Stress test for the page fragment allocator");
