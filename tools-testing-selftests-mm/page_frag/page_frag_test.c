// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the page fragment allocator.
 *
 * The module runs one test, chosen with test_mode, while it loads: loading
 * succeeds when the test passed and fails with an error code otherwise, so
 * the exit status of insmod is the verdict; the log says what went wrong.
 * A test that cannot run here logs "SKIP:" and the reason and loads anyway;
 * the script reports a skip.
 *
 * stress (the default): a producer kthread allocates fragments from a
 * private page_frag_cache, fills each one with a byte derived from its
 * sequence number and pushes it into a ptr_ring.  A consumer kthread, bound
 * to another CPU, pops the fragments in order, checks every byte against
 * the value written for that sequence number and frees the fragment.  The
 * ring holds fewer fragments than there are fill values, so fragments that
 * are alive at the same time never share a fill value: a fragment that
 * overlaps another one, runs past the end of its page or is handed out
 * again before it was freed shows up as a mismatch.  Misaligned fragments,
 * fragments that cross their (compound) page and fragments that do not
 * follow the previous one in their page are caught by the producer.
 *
 * refusals: requests that the allocator must answer with NULL.
 *
 * mixed: one thread, fragments of many sizes and alignments from one cache,
 * checked as above, then a count of the page references: once every
 * fragment is freed and the cache drained, the allocator must hold no
 * reference to any page it used.
 *
 * fallback: the first order-3 allocation of the cache fails (the script
 * arranges it with fail_page_alloc); later requests larger than PAGE_SIZE
 * must be served from order-3 pages again.
 *
 * pfmemalloc: with the free memory below the minimum watermark, a request
 * larger than PAGE_SIZE from a cache whose pages come from the pfmemalloc
 * reserves must return, with NULL, instead of refilling forever: neither
 * hang nor take more than a few pages on its way.
 *
 * percpu: fragments from the per-CPU caches of the network stack, through
 * netdev_alloc_frag(), napi_alloc_frag() and __netdev_alloc_skb().
 *
 * va, va_align, pg, prepare, probe, noref, abort: one family of the API
 * each, on a cache of its own: where each fragment lies, how many page
 * references each call charges, and NULL for a request of 0 bytes or of
 * more than any page of the cache.
 *
 * misuse: caller bugs (an alignment that is not a power of 2, a commit of
 * 0 bytes or of more than was prepared, an abort of a fragment that is
 * not the last one, a commit_noref with no fragment to grow) get their
 * defined results; the script checks that each one warned.
 *
 * examples: the code that Documentation/mm/page_frags.rst shows, run and
 * checked.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/page_frag_cache.h>
#include <linux/ptr_ring.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/vmstat.h>
#include <linux/xarray.h>

/* Fewer slots than distinct fill bytes, see above. */
#define TEST_RING_SIZE	128

static char *test_mode = "stress";
module_param(test_mode, charp, 0444);
MODULE_PARM_DESC(test_mode,
		 "stress, refusals, mixed, fallback, pfmemalloc, percpu, va, va_align, pg, prepare, probe, noref, abort or misuse");

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
	bool skipped;
	unsigned int pushed;
	unsigned int popped;
};

static u8 frag_fill(unsigned int seq)
{
	/* 37 is odd: 256 consecutive sequence numbers give 256 values. */
	return (u8)(seq * 37 + 11);
}

/*
 * Log why a test cannot run here; the script reports a skip.  The module
 * still loads: a failed load makes busybox's insmod retry with another
 * system call, which would run the test a second time.
 */
#define frag_skip(fmt, ...)						\
({									\
	pr_warn("SKIP: " fmt, ##__VA_ARGS__);				\
	0;								\
})

/*
 * Whether the page allocator can hand out a page of the order the cache
 * tries first, with the flags the cache uses for it (no reclaim).  Tells a
 * machine without such memory, where NULL is the right answer for a
 * fragment larger than PAGE_SIZE, from an allocator that fails for no
 * reason.
 */
static bool frag_high_order_available(void)
{
	gfp_t gfp = (GFP_KERNEL & ~__GFP_DIRECT_RECLAIM) | __GFP_COMP |
		    __GFP_NOWARN | __GFP_NORETRY | __GFP_NOMEMALLOC;
	struct page *page;

	page = alloc_pages(gfp, PAGE_FRAG_CACHE_MAX_ORDER);
	if (!page)
		return false;
	__free_pages(page, PAGE_FRAG_CACHE_MAX_ORDER);
	return true;
}

/* A fragment must be aligned as asked and lie within one (compound) page. */
static int frag_check_one(void *va, unsigned int len, unsigned int align)
{
	if (align && !IS_ALIGNED((unsigned long)va, align)) {
		pr_err("fragment at %p is not aligned to %u\n", va, align);
		return -EINVAL;
	}
	if (virt_to_head_page(va) != virt_to_head_page(va + len - 1)) {
		pr_err("fragment at %p of %u bytes crosses its page\n",
		       va, len);
		return -EFAULT;
	}
	return 0;
}

/*
 * Fragments are carved from the start of a page upward: the next fragment
 * from the same page follows the previous one (rounded up to the
 * alignment), unless the page was recycled and carving restarted at its
 * start.  A caller that appends data can then grow one skb frag instead
 * of adding another.
 */
static int frag_check_order(void *prev, unsigned int prev_len, void *va,
			    unsigned int align)
{
	struct page *head = virt_to_head_page(va);
	unsigned long next;

	if (!prev || virt_to_head_page(prev) != head)
		return 0;
	next = (unsigned long)prev + prev_len;
	if (align)
		next = ALIGN(next, align);
	if ((unsigned long)va == next || va == page_address(head))
		return 0;
	pr_err("fragment at %p follows %p: want %p or the start of the page\n",
	       va, prev, (void *)next);
	return -EINVAL;
}

static void *frag_alloc(struct frag_test *t)
{
	if (test_align)
		return page_frag_alloc_va_align(&t->cache, test_alloc_len,
						GFP_KERNEL, test_align);
	return page_frag_alloc_va(&t->cache, test_alloc_len, GFP_KERNEL);
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
		/*
		 * A fragment larger than PAGE_SIZE gets NULL once when the
		 * cache had to fall back to an order-0 page; the next request
		 * tries order 3 again.
		 */
		if (!va && test_alloc_len > PAGE_SIZE)
			va = frag_alloc(t);
		if (!va && test_alloc_len > PAGE_SIZE &&
		    !frag_high_order_available()) {
			frag_skip("no order-%u page for fragment %u\n",
				  PAGE_FRAG_CACHE_MAX_ORDER, seq);
			t->skipped = true;
			break;
		}
		if (!va) {
			pr_err("fragment %u of %u bytes: allocation failed\n",
			       seq, test_alloc_len);
			t->push_err = -ENOMEM;
			break;
		}
		t->push_err = frag_check_one(va, test_alloc_len, test_align) ?:
			      frag_check_order(prev, test_alloc_len, va,
					       test_align);
		if (t->push_err) {
			pr_err("fragment %u is wrong\n", seq);
			page_frag_free_va(va);
			break;
		}
		prev = va;
		memset(va, frag_fill(seq), test_alloc_len);

		while (ptr_ring_produce(&t->ring, va)) {
			if (atomic_read(&t->stop)) {
				page_frag_free_va(va);
				goto out;
			}
			cond_resched();
		}
	}
out:
	t->pushed = seq;
	if (t->push_err || t->skipped)
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
			page_frag_free_va(va);
			break;
		}
		page_frag_free_va(va);
		seq++;
	}
	t->popped = seq;
	kthread_complete_and_exit(&t->pop_done, 0);
}

/*
 * Fragments that are alive at the same time, each filled with the byte of
 * its sequence number; at most FRAG_LIVE_MAX, fewer than the fill values.
 */
#define FRAG_LIVE_MAX	128

struct frag_live {
	void *va[FRAG_LIVE_MAX];
	unsigned int len[FRAG_LIVE_MAX];
	unsigned int seq[FRAG_LIVE_MAX];
	void (*free)(void *va);
};

/* Check and free the fragment in slot @i, if there is one. */
static int frag_live_put(struct frag_live *l, unsigned int i)
{
	unsigned int seq = l->seq[i];
	u8 *va = l->va[i], *bad;

	if (!va)
		return 0;
	l->va[i] = NULL;
	bad = memchr_inv(va, frag_fill(seq), l->len[i]);
	l->free(va);
	if (bad) {
		pr_err("fragment %u at %p: byte %td is %#x, want %#x\n",
		       seq, va, bad - va, *bad, frag_fill(seq));
		return -EIO;
	}
	return 0;
}

/* Check and free every live fragment. */
static int frag_live_drain(struct frag_live *l)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < FRAG_LIVE_MAX; i++)
		err = frag_live_put(l, i) ?: err;
	return err;
}

/* Check, fill and keep the new fragment @va of sequence number @seq. */
static int frag_live_add(struct frag_live *l, unsigned int seq, void *va,
			 unsigned int len, unsigned int align)
{
	unsigned int i = seq % FRAG_LIVE_MAX;
	int err;

	err = frag_check_one(va, len, align);
	if (err) {
		l->free(va);
		return err;
	}
	memset(va, frag_fill(seq), len);
	l->va[i] = va;
	l->len[i] = len;
	l->seq[i] = seq;
	return 0;
}

/*
 * Requests the allocator must refuse with NULL, on a cache of their own,
 * and a normal request that must still work afterwards.  A zero-sized
 * fragment that is not refused is not freed: it may point into the page
 * after the cache's page.
 */
static int frag_test_refusals(void)
{
	struct page_frag_cache nc;
	int err = 0;
	void *va;

	page_frag_cache_init(&nc);
	va = page_frag_alloc_va(&nc, 0, GFP_KERNEL);
	if (va) {
		pr_err("zero bytes from a new cache: got %p, want NULL\n", va);
		err = -EINVAL;
	}
	va = page_frag_alloc_va(&nc, PAGE_FRAG_CACHE_MAX_SIZE + 1, GFP_KERNEL);
	if (va) {
		pr_err("%lu bytes, more than any page of the cache: got %p, want NULL\n",
		       PAGE_FRAG_CACHE_MAX_SIZE + 1, va);
		page_frag_free_va(va);
		err = -EINVAL;
	}
	va = page_frag_alloc_va_align(&nc, 64, GFP_KERNEL,
				      2 * PAGE_FRAG_CACHE_MAX_SIZE);
	if (va) {
		pr_err("alignment beyond any page of the cache: got %p, want NULL\n",
		       va);
		page_frag_free_va(va);
		err = -EINVAL;
	}
	va = page_frag_alloc_va(&nc, PAGE_SIZE, GFP_KERNEL);
	if (!va) {
		pr_err("a PAGE_SIZE fragment failed after the refusals\n");
		page_frag_cache_drain(&nc);
		return -ENOMEM;
	}
	page_frag_free_va(va);
	va = page_frag_alloc_va(&nc, 0, GFP_KERNEL);
	if (va) {
		pr_err("zero bytes from a used cache: got %p, want NULL\n", va);
		err = -EINVAL;
	}
	page_frag_cache_drain(&nc);

	/*
	 * A fragment one byte larger than what its page has left must come
	 * from another page, not run past the end of this one.
	 */
	va = page_frag_alloc_va(&nc, 1, GFP_KERNEL);
	if (va) {
		unsigned int size = page_size(virt_to_head_page(va));
		void *big = page_frag_alloc_va(&nc, size, GFP_KERNEL);

		if (big) {
			if (frag_check_one(big, size, 0)) {
				pr_err("%u bytes after 1 byte of a %u-byte page\n",
				       size, size);
				err = -EFAULT;
			}
			page_frag_free_va(big);
		}
		page_frag_free_va(va);
	}
	page_frag_cache_drain(&nc);
	if (!err)
		pr_info("ok: the requests that cannot be served got NULL\n");
	return err;
}

/*
 * Take a reference to the page of every fragment the first time it is
 * seen, so that the page stays ours to look at after the allocator let go
 * of it.  The cache cannot recycle a page while the test holds it, so a
 * used-up page is always replaced by a new one in this test.
 */
static int frag_track_page(struct xarray *pages, void *va)
{
	struct page *page = virt_to_head_page(va);
	unsigned long pfn = page_to_pfn(page);
	int err;

	if (xa_load(pages, pfn))
		return 0;
	err = xa_insert(pages, pfn, page, GFP_KERNEL);
	if (err) {
		pr_err("cannot track page %#lx: %d\n", pfn, err);
		return err;
	}
	get_page(page);
	return 0;
}

/*
 * With every fragment freed and the cache drained, the test must hold the
 * only reference to each page the cache used: a count above 1 is a
 * reference the allocator leaked, 0 one it dropped twice.
 */
static int frag_check_pages(struct xarray *pages)
{
	unsigned int nr = 0, bad = 0;
	struct page *page;
	unsigned long pfn;

	xa_for_each(pages, pfn, page) {
		int ref = page_ref_count(page);

		nr++;
		if (ref != 1) {
			if (bad++ < 5)
				pr_err("page %#lx has %d references after the drain, want 1 (the test's)\n",
				       pfn, ref);
		}
		if (ref > 0)
			put_page(page);
	}
	xa_destroy(pages);
	if (bad) {
		pr_err("%u of %u pages have a wrong reference count\n",
		       bad, nr);
		return -EFAULT;
	}
	pr_info("ok: all %u pages are back after the drain\n", nr);
	return 0;
}

static void frag_free(void *va)
{
	page_frag_free_va(va);
}

/*
 * One thread, fragments of many sizes and alignments from one cache, up to
 * FRAG_LIVE_MAX of them alive, then the reference count of every page.
 */
static int frag_test_mixed(void)
{
	static const unsigned int lens[] = {
		1, 7, 64, 75, 128, 300, 1000, 1500, 2048, 3000,
		PAGE_SIZE - 1, PAGE_SIZE,
	};
	static const unsigned int aligns[] = {
		0, 2, 8, 64, 256, 1024, PAGE_SIZE,
	};
	unsigned int seq, prev_len = 0;
	struct page_frag_cache nc;
	struct xarray pages;
	struct frag_live *l;
	void *prev = NULL;
	int err = 0;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->free = frag_free;
	page_frag_cache_init(&nc);
	xa_init(&pages);

	for (seq = 0; seq < nr_test && !err; seq++) {
		/* 12 and 7 are coprime: every pair comes up in 84 rounds. */
		unsigned int len = lens[seq % ARRAY_SIZE(lens)];
		unsigned int align = aligns[seq % ARRAY_SIZE(aligns)];
		void *va;

		/* The slot's previous fragment, FRAG_LIVE_MAX ago, goes. */
		err = frag_live_put(l, seq % FRAG_LIVE_MAX);
		if (err)
			break;
		if (align)
			va = page_frag_alloc_va_align(&nc, len, GFP_KERNEL,
						      align);
		else
			va = page_frag_alloc_va(&nc, len, GFP_KERNEL);
		if (!va) {
			pr_err("fragment %u of %u bytes, align %u: allocation failed\n",
			       seq, len, align);
			err = -ENOMEM;
			break;
		}
		err = frag_track_page(&pages, va) ?:
		      frag_check_order(prev, prev_len, va, align);
		if (err) {
			page_frag_free_va(va);
			break;
		}
		err = frag_live_add(l, seq, va, len, align);
		prev = va;
		prev_len = len;
	}
	err = frag_live_drain(l) ?: err;
	page_frag_cache_drain(&nc);
	err = frag_check_pages(&pages) ?: err;
	kfree(l);
	if (!err)
		pr_info("ok: %u fragments of mixed sizes and alignments\n",
			nr_test);
	return err;
}

#define FRAG_FALLBACK_TRIES	100

/*
 * One request with this task marked for fail_page_alloc, which the script
 * set up to fail the order-3 allocations of marked tasks.  *@armed tells
 * whether an order-3 allocation really failed while marked.
 */
static void *frag_alloc_failing(struct page_frag_cache *nc, unsigned int len,
				bool *armed)
{
	void *va = NULL;

#ifdef CONFIG_FAIL_PAGE_ALLOC
	current->make_it_fail = 1;
	*armed = !frag_high_order_available();
	if (*armed)
		va = page_frag_alloc_va(nc, len, GFP_KERNEL);
	current->make_it_fail = 0;
#else
	*armed = false;
#endif
	return va;
}

/*
 * The cache's first order-3 allocation fails, so it falls back to an
 * order-0 page, too small for a fragment larger than PAGE_SIZE.  Later
 * requests must get order-3 pages again once they can be had.
 *
 * fail_page_alloc, set up by the script to fail every order-3 allocation
 * of a task marked make-it-fail, forces the failure: the test marks itself
 * for the first request only.
 */
static int frag_test_fallback(void)
{
	unsigned int len = PAGE_SIZE + PAGE_SIZE / 2, i, got = 0;
	struct page_frag_cache nc;
	bool armed;
	void *va;

	if (PAGE_SIZE >= PAGE_FRAG_CACHE_MAX_SIZE)
		return frag_skip("only order-0 pages with %lu-byte pages\n",
				 PAGE_SIZE);
	page_frag_cache_init(&nc);
	if (!frag_high_order_available())
		return frag_skip("no order-%u page to be had\n",
				 PAGE_FRAG_CACHE_MAX_ORDER);

	va = frag_alloc_failing(&nc, len, &armed);
	if (!armed)
		return frag_skip("fail_page_alloc does not fail order %u\n",
				 PAGE_FRAG_CACHE_MAX_ORDER);
	if (va) {
		pr_err("the first %u-byte fragment came from an order-%u page, want NULL\n",
		       len, compound_order(virt_to_head_page(va)));
		page_frag_free_va(va);
		page_frag_cache_drain(&nc);
		return -EINVAL;
	}

	for (i = 0; i < FRAG_FALLBACK_TRIES; i++) {
		va = page_frag_alloc_va(&nc, len, GFP_KERNEL);
		if (va) {
			got++;
			page_frag_free_va(va);
		}
	}
	page_frag_cache_drain(&nc);
	if (got == FRAG_FALLBACK_TRIES) {
		pr_info("ok: %u of %u requests of %u bytes after one failed order-%u allocation\n",
			got, FRAG_FALLBACK_TRIES, len,
			PAGE_FRAG_CACHE_MAX_ORDER);
		return 0;
	}
	if (!frag_high_order_available())
		return frag_skip("no order-%u page to be had\n",
				 PAGE_FRAG_CACHE_MAX_ORDER);
	pr_err("%u of %u requests of %u bytes succeeded after one failed order-%u allocation\n",
	       got, FRAG_FALLBACK_TRIES, len, PAGE_FRAG_CACHE_MAX_ORDER);
	return -ENOMEM;
}

/* Give up waiting for the allocator after this long: it is looping. */
#define FRAG_PFMEMALLOC_WAIT	(3 * HZ)

struct frag_pfmemalloc {
	struct page_frag_cache nc;
	struct list_head hog;	/* pages taken to get below the watermark */
	struct completion hogged;
	struct completion armed;
	struct completion done;
	struct completion watch_done;
	unsigned long nr_hog;	/* pages on the hog list */
	bool probe_pfmemalloc;	/* the cache got a page from the reserves */
	bool after_pfmemalloc;	/* and still did after the large request */
	atomic_t owner;		/* who frees the hog: 1 alloc, 2 watch */
	bool released;		/* the watchdog had to give the memory back */
	void *va;		/* what the large request returned */
	unsigned long nr_alloc;	/* pages its CPU allocated meanwhile */
};

static void frag_hog_release(struct list_head *hog)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, hog, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

/*
 * Take every free page there is, the reserves included, until even a
 * __GFP_MEMALLOC allocation fails.  An order-0 allocation takes the
 * pages of the running CPU's per-CPU lists first, which no watermark
 * counts: a per-CPU list left full would be given back to the zone by a
 * later free and lift the free memory over the watermark again.  Other
 * tasks' allocations fail while memory is this short, so the pages go
 * back as soon as the test is done with them.  Order-0 pages only: with
 * higher orders taken as well, 6.12 returned NULL here instead of
 * looping, and the test could not tell the fix from the bug.
 */
static unsigned long frag_hog(struct list_head *hog)
{
	unsigned long nr = 0;
	struct page *page;

	while ((page = alloc_page(GFP_ATOMIC | __GFP_MEMALLOC |
				  __GFP_NOWARN))) {
		list_add(&page->lru, hog);
		nr++;
	}
	return nr;
}

/*
 * Pages the allocating CPU gives back after taking everything: they sit
 * on its per-CPU list, far below any watermark, and feed the cache's
 * refills from the reserves.
 */
#define FRAG_PFMEMALLOC_KEEP	16

/*
 * Pages allocated on this CPU so far.  The thread that asks is bound to
 * its CPU, so the difference around a request is what the request took,
 * give or take an interrupt's allocation.
 */
static unsigned long frag_cpu_pgalloc(void)
{
	unsigned long sum = 0;
#ifdef CONFIG_VM_EVENT_COUNTERS
	int zid;

	for (zid = 0; zid < MAX_NR_ZONES; zid++)
		sum += this_cpu_read(vm_event_states.event[PGALLOC_NORMAL -
							  ZONE_NORMAL + zid]);
#endif
	return sum;
}

/*
 * The request that returns NULL gives back the page the cache had, and
 * may take one new order-0 page from the reserves to find it too small.
 * A refill that goes round takes one a turn, and memory that comes back
 * for a moment can end the round before the watchdog sees it: count the
 * pages.
 */
#define FRAG_PFMEMALLOC_MAX_ALLOC	4

/*
 * Allocating side: empties its own CPU's per-CPU list, keeps a few
 * pages for the cache, checks that the cache's page comes from the
 * reserves, then makes the large request.
 */
static int frag_pfmemalloc_alloc(void *arg)
{
	gfp_t gfp = GFP_ATOMIC | __GFP_MEMALLOC | __GFP_NOWARN;
	struct frag_pfmemalloc *t = arg;
	struct page *page;
	unsigned int i;
	void *va;

	wait_for_completion(&t->hogged);
	t->nr_hog += frag_hog(&t->hog);
	for (i = 0; i < FRAG_PFMEMALLOC_KEEP && !list_empty(&t->hog); i++) {
		page = list_first_entry(&t->hog, struct page, lru);
		list_del(&page->lru);
		__free_page(page);
		t->nr_hog--;
	}
	va = page_frag_alloc_va(&t->nc, 64, gfp);
	if (va) {
		t->probe_pfmemalloc = page_is_pfmemalloc(virt_to_head_page(va));
		page_frag_free_va(va);
	}
	complete(&t->armed);
	if (t->probe_pfmemalloc) {
		t->nr_alloc = frag_cpu_pgalloc();
		t->va = page_frag_alloc_va(&t->nc, PAGE_SIZE + PAGE_SIZE / 2,
					   gfp);
		t->nr_alloc = frag_cpu_pgalloc() - t->nr_alloc;
	}
	/*
	 * Did the memory stay short?  If it came back, a looping refill
	 * would have ended too, and NULL proves nothing.
	 */
	if (t->probe_pfmemalloc && !t->va) {
		va = page_frag_alloc_va(&t->nc, 64, gfp);
		if (va) {
			t->after_pfmemalloc =
				page_is_pfmemalloc(virt_to_head_page(va));
			page_frag_free_va(va);
		}
	}
	/* In time: give the memory back at once, unless the watchdog did. */
	if (atomic_cmpxchg(&t->owner, 0, 1) == 0)
		frag_hog_release(&t->hog);
	kthread_complete_and_exit(&t->done, 0);
}

/* Rounds of 20 ms in which the watchdog takes what came back. */
#define FRAG_PFMEMALLOC_SETTLE	25

/*
 * Watchdog, on another CPU: takes the memory first, its own CPU's list
 * included; then, when the allocation does not return in time, gives it
 * back, so that the refills of a looping request get ordinary pages and
 * the loop ends.
 */
static int frag_pfmemalloc_watch(void *arg)
{
	struct frag_pfmemalloc *t = arg;
	unsigned long got;
	unsigned int i;

	t->nr_hog = frag_hog(&t->hog);
	/* Take what kswapd frees meanwhile, until it gives up. */
	for (i = 0; i < FRAG_PFMEMALLOC_SETTLE; i++) {
		msleep(20);
		got = frag_hog(&t->hog);
		t->nr_hog += got;
		if (!got)
			break;
	}
	complete(&t->hogged);
	wait_for_completion(&t->armed);
	if (!wait_for_completion_timeout(&t->done, FRAG_PFMEMALLOC_WAIT)) {
		if (atomic_cmpxchg(&t->owner, 0, 2) == 0) {
			t->released = true;
			frag_hog_release(&t->hog);
		}
		wait_for_completion(&t->done);
	}
	kthread_complete_and_exit(&t->watch_done, 0);
}

/* Times the test sets the scene before it gives up with a skip. */
#define FRAG_PFMEMALLOC_TRIES	5

/*
 * One try: 0 when the request returned NULL while the memory was short,
 * -EDEADLK when it did not return in time, -ELOOP when it returned after
 * a round of refills, -EAGAIN when the memory did not stay short enough
 * to tell (the reason is in @why).
 */
static int frag_pfmemalloc_try(struct frag_pfmemalloc *t, const char **why)
{
	struct task_struct *alloc, *watch;
	unsigned int cpu;

	reinit_completion(&t->hogged);
	reinit_completion(&t->armed);
	reinit_completion(&t->done);
	reinit_completion(&t->watch_done);
	atomic_set(&t->owner, 0);
	t->nr_hog = 0;
	t->probe_pfmemalloc = false;
	t->after_pfmemalloc = false;
	t->released = false;
	t->va = NULL;
	t->nr_alloc = 0;

	/* Both threads exist before memory runs short. */
	alloc = kthread_create(frag_pfmemalloc_alloc, t, "page_frag_pfmem");
	if (IS_ERR(alloc))
		return PTR_ERR(alloc);
	watch = kthread_create(frag_pfmemalloc_watch, t, "page_frag_watch");
	if (IS_ERR(watch)) {
		kthread_stop(alloc);
		return PTR_ERR(watch);
	}
	cpu = cpumask_first(cpu_online_mask);
	kthread_bind(alloc, cpu);
	kthread_bind(watch, cpumask_next(cpu, cpu_online_mask));

	wake_up_process(watch);
	wake_up_process(alloc);
	wait_for_completion(&t->watch_done);

	if (t->va)
		page_frag_free_va(t->va);
	page_frag_cache_drain(&t->nc);

	if (t->released) {
		pr_err("a %lu-byte request from pfmemalloc pages did not return within %u ms\n",
		       PAGE_SIZE + PAGE_SIZE / 2,
		       jiffies_to_msecs(FRAG_PFMEMALLOC_WAIT));
		return -EDEADLK;
	}
	if (t->probe_pfmemalloc && !t->va &&
	    t->nr_alloc > FRAG_PFMEMALLOC_MAX_ALLOC) {
		pr_err("a %lu-byte request from pfmemalloc pages took %lu pages before it returned NULL\n",
		       PAGE_SIZE + PAGE_SIZE / 2, t->nr_alloc);
		return -ELOOP;
	}
	if (!t->probe_pfmemalloc)
		*why = "the cache's page did not come from the reserves";
	else if (t->va)
		*why = "an order-3 page was still free";
	else if (!t->after_pfmemalloc)
		*why = "memory came back during the request";
	else
		return 0;
	return -EAGAIN;
}

/*
 * A page from the pfmemalloc reserves is never recycled.  Take the free
 * memory below the minimum watermark, so that the cache's order-3
 * allocation fails and its order-0 fallback, with __GFP_MEMALLOC, comes
 * from the reserves; then ask for more than PAGE_SIZE.  The request must
 * return NULL instead of freeing and refilling order-0 pages forever.
 */
static int frag_test_pfmemalloc(void)
{
	const char *why = NULL;
	struct frag_pfmemalloc *t;
	unsigned int try;
	int err;

	if (PAGE_SIZE >= PAGE_FRAG_CACHE_MAX_SIZE)
		return frag_skip("only order-0 pages with %lu-byte pages\n",
				 PAGE_SIZE);
	if (num_online_cpus() < 2)
		return frag_skip("needs two CPUs, found %u\n",
				 num_online_cpus());
	if (!IS_ENABLED(CONFIG_VM_EVENT_COUNTERS))
		pr_info("no CONFIG_VM_EVENT_COUNTERS: only a request that does not return in %u ms is caught\n",
			jiffies_to_msecs(FRAG_PFMEMALLOC_WAIT));

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	page_frag_cache_init(&t->nc);
	INIT_LIST_HEAD(&t->hog);
	init_completion(&t->hogged);
	init_completion(&t->armed);
	init_completion(&t->done);
	init_completion(&t->watch_done);

	for (try = 1; try <= FRAG_PFMEMALLOC_TRIES; try++) {
		err = frag_pfmemalloc_try(t, &why);
		if (err != -EAGAIN)
			break;
	}
	if (!err)
		pr_info("ok: NULL for a %lu-byte request from pfmemalloc pages (try %u, %lu pages taken, %lu allocated by the request)\n",
			PAGE_SIZE + PAGE_SIZE / 2, try, t->nr_hog,
			t->nr_alloc);
	else if (err == -EAGAIN)
		err = frag_skip("%s, %u tries\n", why, FRAG_PFMEMALLOC_TRIES);
	kfree(t);
	return err;
}

static void frag_skb_free(void *va)
{
	skb_free_frag(va);
}

/*
 * The per-CPU caches of the network stack: netdev_alloc_frag() for any
 * context, napi_alloc_frag() with bottom halves disabled, and skb heads
 * from __netdev_alloc_skb().
 */
static int frag_test_percpu(void)
{
	static const unsigned int lens[] = { 64, 256, 1024, 1500, 2048, 3000 };
	struct frag_live *l;
	unsigned int seq;
	int err = 0;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->free = frag_skb_free;

	for (seq = 0; seq < nr_test && !err; seq++) {
		unsigned int len = lens[seq % ARRAY_SIZE(lens)];
		unsigned int align = seq & 4 ? SMP_CACHE_BYTES : 0;
		bool napi = seq & 1;
		struct sk_buff *skb;
		void *va;

		/* The slot's previous fragment, FRAG_LIVE_MAX ago, goes. */
		err = frag_live_put(l, seq % FRAG_LIVE_MAX);
		if (err)
			break;
		if (napi) {
			local_bh_disable();
			va = align ? napi_alloc_frag_align(len, align) :
				     napi_alloc_frag(len);
			local_bh_enable();
		} else {
			va = align ? netdev_alloc_frag_align(len, align) :
				     netdev_alloc_frag(len);
		}
		if (!va) {
			pr_err("%s fragment %u of %u bytes, align %u: allocation failed\n",
			       napi ? "napi" : "netdev", seq, len, align);
			err = -ENOMEM;
			break;
		}
		err = frag_live_add(l, seq, va, len, align);
		if (err || seq % 64)
			continue;

		/*
		 * A head between the small-head size and a page comes from
		 * netdev_alloc_cache with interrupts disabled, from
		 * napi_alloc_cache otherwise.
		 */
		if (napi) {
			skb = __netdev_alloc_skb(NULL, 1500, GFP_ATOMIC);
		} else {
			local_irq_disable();
			skb = __netdev_alloc_skb(NULL, 1500, GFP_ATOMIC);
			local_irq_enable();
		}
		if (!skb) {
			pr_err("skb %u: allocation failed\n", seq);
			err = -ENOMEM;
		} else if (!skb->head_frag) {
			pr_err("skb %u: head not from a page fragment\n", seq);
			err = -EINVAL;
		}
		kfree_skb(skb);
	}
	err = frag_live_drain(l) ?: err;
	kfree(l);
	if (!err)
		pr_info("ok: %u fragments from the per-CPU caches\n", nr_test);
	return err;
}

/*
 * The API families, each on a cache of its own: what each call returns and
 * what it charges.  The references the fragments of the cache's page hold
 * are the page's count less the bias the cache still owns: an allocation
 * or a commit adds exactly one, a prepare, a probe and a commit_noref
 * none, a free or an abort takes one away.
 */
static int frag_refs_out(struct page_frag_cache *nc, struct page *page)
{
	return page_ref_count(page) - nc->pagecnt_bias;
}

#define frag_expect(err, cond, fmt, ...)				\
do {									\
	if (!(cond)) {							\
		pr_err("%s: " fmt "\n", __func__, ##__VA_ARGS__);	\
		err = -EINVAL;						\
	}								\
} while (0)

/* The bytes left in the cache's page: what a prepare of 1 byte reports. */
static unsigned int frag_left(struct page_frag_cache *nc)
{
	unsigned int offset, left = 1;
	void *va;

	return page_frag_alloc_probe(nc, &offset, &left, &va) ? left : 0;
}

/* A fragment larger than PAGE_SIZE, when the machine has order-3 memory. */
static bool frag_large_ok(void)
{
#if (PAGE_SIZE < PAGE_FRAG_CACHE_MAX_SIZE)
	return frag_high_order_available();
#else
	return false;
#endif
}

/*
 * A request larger than PAGE_SIZE failed: a failure of the allocator
 * unless order-3 memory ran out since frag_large_ok() looked.
 */
static int frag_large_failed(const char *what)
{
	if (!frag_high_order_available()) {
		pr_info("%s: no order-3 memory left, not checked\n", what);
		return 0;
	}
	pr_err("%s failed with order-3 memory available\n", what);
	return -ENOMEM;
}

static int frag_test_va(void)
{
	struct page_frag_cache nc;
	struct page *page;
	void *a, *b, *c;
	int err = 0;

	page_frag_cache_init(&nc);
	a = page_frag_alloc_va(&nc, 64, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	page = virt_to_head_page(a);
	frag_expect(err, a == page_address(page),
		    "the first fragment at %p, want the start of its page %p",
		    a, page_address(page));
	frag_expect(err, frag_refs_out(&nc, page) == 1,
		    "one fragment holds %d references",
		    frag_refs_out(&nc, page));
	frag_expect(err, page_frag_cache_page_offset(&nc) == 64,
		    "next offset %u, want 64",
		    page_frag_cache_page_offset(&nc));
	b = page_frag_alloc_va(&nc, 100, GFP_KERNEL);
	if (!b) {
		err = -ENOMEM;
		goto free_a;
	}
	frag_expect(err, b == a + 64, "second fragment at %p, want %p",
		    b, a + 64);
	frag_expect(err, frag_refs_out(&nc, page) == 2,
		    "two fragments hold %d references",
		    frag_refs_out(&nc, page));
	frag_expect(err, !page_frag_alloc_va(&nc, 0, GFP_KERNEL) &&
		    !page_frag_alloc_va(&nc, PAGE_FRAG_CACHE_MAX_SIZE + 1,
					GFP_KERNEL),
		    "0 or too many bytes did not get NULL");
	frag_expect(err, frag_refs_out(&nc, page) == 2,
		    "refused requests changed the references to %d",
		    frag_refs_out(&nc, page));
	page_frag_free_va(b);
	frag_expect(err, frag_refs_out(&nc, page) == 1,
		    "%d references after a free, want 1",
		    frag_refs_out(&nc, page));
	if (frag_large_ok()) {
		c = page_frag_alloc_va(&nc, PAGE_SIZE + 1, GFP_KERNEL);
		if (c) {
			err = frag_check_one(c, PAGE_SIZE + 1, 0) ?: err;
			page_frag_free_va(c);
		} else {
			err = frag_large_failed("PAGE_SIZE + 1 bytes") ?: err;
		}
	}
free_a:
	page_frag_free_va(a);
	page_frag_cache_drain(&nc);
	if (!err)
		pr_info("ok: page_frag_alloc_va()\n");
	return err;
}

static int frag_test_va_align(void)
{
	static const unsigned int aligns[] = { 2, 8, 64, 256, 1024, PAGE_SIZE };
	struct page_frag_cache nc;
	unsigned int i;
	void *a, *b;
	int err = 0;

	page_frag_cache_init(&nc);
	for (i = 0; i < ARRAY_SIZE(aligns) && !err; i++) {
		unsigned int align = aligns[i];
		struct page *page;
		void *next, *start;

		/* One byte, so that the next address is not aligned. */
		a = page_frag_alloc_va(&nc, 1, GFP_KERNEL);
		if (!a) {
			err = -ENOMEM;
			break;
		}
		page = virt_to_head_page(a);
		b = page_frag_alloc_va_align(&nc, 10, GFP_KERNEL, align);
		if (!b) {
			page_frag_free_va(a);
			err = -ENOMEM;
			break;
		}
		next = PTR_ALIGN(a + 1, align);
		start = page_address(virt_to_head_page(b));
		frag_expect(err, IS_ALIGNED((unsigned long)b, align) &&
			    (b == next || b == start),
			    "align %u: fragment at %p after %p, want %p or a new page",
			    align, b, a, next);
		if (virt_to_head_page(b) == page)
			frag_expect(err, frag_refs_out(&nc, page) == 2,
				    "align %u: %d references, want 2", align,
				    frag_refs_out(&nc, page));
		page_frag_free_va(b);
		page_frag_free_va(a);
	}
	page_frag_cache_drain(&nc);
	if (!err)
		pr_info("ok: page_frag_alloc_va_align()\n");
	return err;
}

static int frag_test_pg(void)
{
	unsigned int off_a, off_b, off_c;
	struct page_frag_cache nc;
	struct page *a, *b, *c;
	int err = 0;

	page_frag_cache_init(&nc);
	a = page_frag_alloc_pg(&nc, &off_a, 64, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	frag_expect(err, a == compound_head(a) && off_a == 0,
		    "first fragment: page %p offset %u, want a head page, 0",
		    a, off_a);
	frag_expect(err, frag_refs_out(&nc, a) == 1,
		    "one fragment holds %d references", frag_refs_out(&nc, a));
	b = page_frag_alloc_pg(&nc, &off_b, 100, GFP_KERNEL);
	if (!b) {
		err = -ENOMEM;
		goto put_a;
	}
	frag_expect(err, b == a && off_b == off_a + 64,
		    "second fragment: page %p offset %u, want %p %u",
		    b, off_b, a, off_a + 64);
	frag_expect(err, frag_refs_out(&nc, a) == 2,
		    "two fragments hold %d references", frag_refs_out(&nc, a));
	frag_expect(err, page_frag_cache_page_offset(&nc) == off_b + 100,
		    "next offset %u, want %u", page_frag_cache_page_offset(&nc),
		    off_b + 100);
	/* Both ways to free: by page, and by address. */
	put_page(b);
	frag_expect(err, frag_refs_out(&nc, a) == 1,
		    "%d references after put_page(), want 1",
		    frag_refs_out(&nc, a));
	if (frag_large_ok()) {
		c = page_frag_alloc_pg(&nc, &off_c, PAGE_SIZE + 1, GFP_KERNEL);
		if (c) {
			frag_expect(err, off_c + PAGE_SIZE + 1 <= page_size(c),
				    "a fragment of PAGE_SIZE + 1 bytes crosses its page");
			page_frag_free_va(page_address(c) + off_c);
		} else {
			err = frag_large_failed("_pg of PAGE_SIZE + 1") ?: err;
		}
	}
put_a:
	page_frag_free_va(page_address(a) + off_a);
	page_frag_cache_drain(&nc);
	if (!err)
		pr_info("ok: page_frag_alloc_pg()\n");
	return err;
}

/*
 * Once none of the fragments of the cache's page is in use, a prepare
 * starts the page over; with one in use, it carves on.  However many
 * times it starts over, the cache never runs out of references.
 */
static int frag_test_prepare_rewind(void)
{
	struct page_frag_cache nc;
	unsigned int size, i;
	struct page *page;
	void *a, *b, *va;
	int err = 0;

	page_frag_cache_init(&nc);
	a = page_frag_alloc_va(&nc, 100, GFP_KERNEL);
	b = a ? page_frag_alloc_va(&nc, 100, GFP_KERNEL) : NULL;
	if (!b) {
		err = -ENOMEM;
		goto out;
	}
	/* A page from the reserves is let go of instead: nothing to see. */
	if (page_frag_cache_is_pfmemalloc(&nc))
		goto out;
	page_frag_free_va(a);
	a = NULL;
	size = 1;
	va = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
	frag_expect(err, va == b + 100,
		    "with a fragment in use, a prepare got %p, want %p",
		    va, b + 100);
	page_frag_free_va(b);
	size = 1;
	va = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
	frag_expect(err, va == b - 100 &&
		    size == page_size(virt_to_head_page(va)),
		    "none in use: a prepare got %p (%u bytes), want %p",
		    va, size, b - 100);
	b = NULL;

	/*
	 * More rounds than the page has bytes, one fragment each: the
	 * references the cache holds on the page must never run out.
	 */
	for (i = 0; !err && i < 2 * PAGE_FRAG_CACHE_MAX_SIZE + 2; i++) {
		size = 1;
		b = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
		if (!b) {
			err = -ENOMEM;
			break;
		}
		page_frag_alloc_commit(&nc, 1);
		/*
		 * At least the fragment's reference (someone may hold a
		 * passing one); on failure the fragment is kept, so that its
		 * page stays.
		 */
		page = virt_to_head_page(b);
		frag_expect(err, frag_refs_out(&nc, page) >= 1 &&
			    nc.pagecnt_bias > 0,
			    "round %u: %d fragments out, the cache holds %u references",
			    i, frag_refs_out(&nc, page),
			    (unsigned int)nc.pagecnt_bias);
		if (err)
			break;
		page_frag_free_va(b);
		b = NULL;
	}
out:
	/* The cache first: its references may have run out (see above). */
	page_frag_cache_drain(&nc);
	if (a)
		page_frag_free_va(a);
	if (b)
		page_frag_free_va(b);
	return err;
}

static int frag_test_prepare(void)
{
	unsigned int size, left, off, off2;
	struct page_frag_cache nc;
	struct page *page, *pg;
	void *va, *va2, *al;
	int err = 0;

	page_frag_cache_init(&nc);
	size = 32;
	va = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
	if (!va)
		return -ENOMEM;
	page = virt_to_head_page(va);
	left = page_size(page) - (va - page_address(page));
	frag_expect(err, size >= 32 && size == left,
		    "prepare of 32 bytes reported %u, want all %u left",
		    size, left);
	frag_expect(err, frag_refs_out(&nc, page) == 0,
		    "a prepare charged %d references",
		    frag_refs_out(&nc, page));
	size = 16;
	va2 = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
	frag_expect(err, va2 == va, "a second prepare moved from %p to %p",
		    va, va2);
	page_frag_alloc_commit(&nc, 100);
	frag_expect(err, frag_refs_out(&nc, page) == 1,
		    "a commit charged %d references, want 1",
		    frag_refs_out(&nc, page));
	size = 1;
	pg = page_frag_alloc_pg_prepare(&nc, &off, &size, GFP_KERNEL);
	frag_expect(err, pg == page && page_address(pg) + off == va + 100 &&
		    size == left - 100,
		    "pg prepare after a commit of 100: %p+%u (%u left), want %p+%td (%u)",
		    pg, off, size, page, va + 100 - page_address(page),
		    left - 100);
	size = 1;
	pg = page_frag_alloc_prepare(&nc, &off2, &size, &va2, GFP_KERNEL);
	frag_expect(err, pg == page && off2 == off &&
		    va2 == page_address(page) + off,
		    "prepare: %p+%u at %p, want %p+%u",
		    pg, off2, va2, page, off);

	/* Aligned: the padding is skipped, nothing is charged. */
	size = 10;
	al = page_frag_alloc_va_prepare_align(&nc, &size, GFP_KERNEL, 256);
	frag_expect(err, al && IS_ALIGNED((unsigned long)al, 256) &&
		    al == PTR_ALIGN(va + 100, 256),
		    "aligned prepare at %p, want %p", al,
		    PTR_ALIGN(va + 100, 256));
	frag_expect(err, frag_refs_out(&nc, page) == 1,
		    "an aligned prepare charged %d references, want 1 in all",
		    frag_refs_out(&nc, page));
	if (al) {
		page_frag_alloc_commit(&nc, 10);
		frag_expect(err, page_frag_cache_page_offset(&nc) ==
			    al + 10 - page_address(page),
			    "offset %u after the aligned commit, want %td",
			    page_frag_cache_page_offset(&nc),
			    al + 10 - page_address(page));
	}

	/* More than is left: a new page, the old one untouched. */
	size = frag_left(&nc) + 1;
	va2 = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
	if (va2) {
		frag_expect(err, va2 == page_address(virt_to_head_page(va2)) &&
			    virt_to_head_page(va2) != page,
			    "a prepare of more than is left got %p, want a new page",
			    va2);
		frag_expect(err, page_ref_count(page) == (al ? 2 : 1),
			    "the old page has %d references, want the fragments' %d",
			    page_ref_count(page), al ? 2 : 1);
	} else if (size > PAGE_SIZE) {
		err = frag_large_failed("more than is left") ?: err;
	} else {
		frag_expect(err, false, "a prepare of %u bytes failed", size);
	}

	if (frag_large_ok()) {
		size = PAGE_SIZE + 1;
		va2 = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
		if (va2) {
			frag_expect(err, size >= PAGE_SIZE + 1,
				    "a prepare of PAGE_SIZE + 1 bytes reported %u",
				    size);
			page_frag_alloc_commit(&nc, PAGE_SIZE + 1);
			err = frag_check_one(va2, PAGE_SIZE + 1, 0) ?: err;
			page_frag_free_va(va2);
		} else {
			err = frag_large_failed("prepare of PAGE_SIZE + 1") ?:
			      err;
		}
	}
	page_frag_free_va(va);
	if (al)
		page_frag_free_va(al);
	page_frag_cache_drain(&nc);
	err = frag_test_prepare_rewind() ?: err;
	if (!err)
		pr_info("ok: prepare and commit\n");
	return err;
}

static int frag_test_probe(void)
{
	unsigned int size, off, left;
	struct page_frag_cache nc;
	struct page *page;
	void *a, *va = NULL;
	int err = 0;

	page_frag_cache_init(&nc);
	size = 1;
	frag_expect(err, !page_frag_alloc_probe(&nc, &off, &size, &va) &&
		    size == 1 && !va,
		    "a probe of an empty cache did not get NULL");
	a = page_frag_alloc_va(&nc, 64, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	page = virt_to_head_page(a);
	left = page_size(page) - (a + 64 - page_address(page));
	size = 1;
	frag_expect(err, page_frag_alloc_probe(&nc, &off, &size, &va) == page &&
		    va == a + 64 && off == a + 64 - page_address(page) &&
		    size == left,
		    "probe: %p+%u at %p (%u left), want %p at %p (%u)",
		    page, off, va, size, page, a + 64, left);
	frag_expect(err, frag_refs_out(&nc, page) == 1,
		    "a probe charged: %d references, want 1",
		    frag_refs_out(&nc, page));
	size = left + 1;
	frag_expect(err, !page_frag_alloc_probe(&nc, &off, &size, &va) &&
		    size == left + 1,
		    "a probe of more than is left did not get NULL");
	size = 32;
	if (page_frag_alloc_probe(&nc, &off, &size, &va)) {
		page_frag_alloc_commit(&nc, 32);
		frag_expect(err, frag_refs_out(&nc, page) == 2 &&
			    page_frag_cache_page_offset(&nc) == off + 32,
			    "commit after a probe: %d references, offset %u; want 2, %u",
			    frag_refs_out(&nc, page),
			    page_frag_cache_page_offset(&nc), off + 32);
		page_frag_free_va(va);
	}
	page_frag_free_va(a);
	page_frag_cache_drain(&nc);
	if (!err)
		pr_info("ok: probe and commit\n");
	return err;
}

/* What TCP does: grow the last fragment when the room follows it. */
static int frag_test_noref(void)
{
	unsigned int size, off, off2, frag_off, frag_len;
	struct page_frag_cache nc;
	struct page *page, *pg;
	void *va;
	int err = 0;

	page_frag_cache_init(&nc);
	size = 64;
	page = page_frag_alloc_prepare(&nc, &off, &size, &va, GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	page_frag_alloc_commit(&nc, 64);
	frag_off = off;
	frag_len = 64;
	for (int i = 0; i < 8; i++) {
		size = 1;
		pg = page_frag_alloc_pg_prepare(&nc, &off2, &size, GFP_KERNEL);
		if (pg != page || off2 != frag_off + frag_len) {
			pr_err("%s: room %p+%u does not follow the fragment %p+%u+%u\n",
			       __func__, pg, off2, page, frag_off, frag_len);
			err = -EINVAL;
			break;
		}
		page_frag_alloc_commit_noref(&nc, 50);
		frag_len += 50;
	}
	frag_expect(err, frag_refs_out(&nc, page) == 1,
		    "a grown fragment holds %d references, want 1",
		    frag_refs_out(&nc, page));
	frag_expect(err,
		    page_frag_cache_page_offset(&nc) == frag_off + frag_len,
		    "next offset %u, want %u", page_frag_cache_page_offset(&nc),
		    frag_off + frag_len);
	put_page(page);
	frag_expect(err, frag_refs_out(&nc, page) == 0,
		    "%d references after the one free, want 0",
		    frag_refs_out(&nc, page));
	page_frag_cache_drain(&nc);
	if (!err)
		pr_info("ok: commit_noref grows a fragment by %u bytes\n",
			frag_len - 64);
	return err;
}

static int frag_test_abort(void)
{
	struct page_frag_cache nc;
	unsigned int size;
	struct page *page;
	void *a, *b;
	int err = 0;

	page_frag_cache_init(&nc);
	a = page_frag_alloc_va(&nc, 64, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	page = virt_to_head_page(a);
	page_frag_alloc_abort(&nc, a, 64);
	frag_expect(err, frag_refs_out(&nc, page) == 0 &&
		    page_frag_cache_page_offset(&nc) == a - page_address(page),
		    "abort: %d references, offset %u; want 0, %td",
		    frag_refs_out(&nc, page), page_frag_cache_page_offset(&nc),
		    a - page_address(page));
	b = page_frag_alloc_va(&nc, 64, GFP_KERNEL);
	frag_expect(err, b == a,
		    "after an abort the next fragment is at %p, want %p", b, a);
	if (b)
		page_frag_free_va(b);

	size = 200;
	a = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
	if (a) {
		page_frag_alloc_commit(&nc, 200);
		page_frag_alloc_abort(&nc, a, 200);
		b = page_frag_alloc_va(&nc, 1, GFP_KERNEL);
		frag_expect(err, b == a,
			    "a commit then an abort does not give the room back");
		if (b)
			page_frag_free_va(b);
	}
	page_frag_cache_drain(&nc);
	if (!err)
		pr_info("ok: abort\n");
	return err;
}

/*
 * Caller bugs, which must get a defined result, and a warning: always for
 * an alignment that is not a power of 2, under CONFIG_DEBUG_VM for the
 * others.  Each warning site (a line of the header) is hit by a bug, and
 * the script counts the distinct lines that warned: the inline code is
 * compiled into the module, so the sites warn again at every load.
 */
#define FRAG_MISUSE_WARNS	2
#define FRAG_MISUSE_VM_WARNS	6

/* Refused: no byte and no reference given back. */
static void frag_expect_refused(int *err, struct page_frag_cache *nc,
				void *va, unsigned int len, const char *what)
{
	struct page *page = virt_to_head_page(va);
	unsigned int offset = page_frag_cache_page_offset(nc);
	int out = frag_refs_out(nc, page);

	page_frag_alloc_abort(nc, va, len);
	if (page_frag_cache_page_offset(nc) != offset ||
	    frag_refs_out(nc, page) != out) {
		pr_err("frag_test_misuse: abort of %s: offset %u -> %u, references %d -> %d; want no change\n",
		       what, offset, page_frag_cache_page_offset(nc), out,
		       frag_refs_out(nc, page));
		*err = -EINVAL;
	}
}

static int frag_test_misuse(void)
{
	unsigned int size, left, off, bias, remaining;
	struct page_frag_cache nc;
	struct page *page;
	void *a, *b, *c, *d;
	int err = 0;

	pr_info("misuse: expect %d warning places\n", FRAG_MISUSE_WARNS +
		(IS_ENABLED(CONFIG_DEBUG_VM) ? FRAG_MISUSE_VM_WARNS : 0));
	page_frag_cache_init(&nc);
	size = 1;
	a = page_frag_alloc_va_align(&nc, 64, GFP_KERNEL, 3);
	b = page_frag_alloc_va_prepare_align(&nc, &size, GFP_KERNEL, 48);
	frag_expect(err, !a && !b,
		    "an alignment that is not a power of 2 did not get NULL");

	/* Bad sizes: NULL, and the outputs left alone. */
	off = 7;
	frag_expect(err, !page_frag_alloc_pg(&nc, &off, 0, GFP_KERNEL) &&
		    off == 7, "a _pg fragment of 0 bytes did not get NULL");
	size = PAGE_FRAG_CACHE_MAX_SIZE + 1;
	frag_expect(err, !page_frag_alloc_pg_prepare(&nc, &off, &size,
						     GFP_KERNEL) &&
		    size == PAGE_FRAG_CACHE_MAX_SIZE + 1,
		    "a prepare of too many bytes did not get NULL");
	size = 0;
	frag_expect(err, !page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL) &&
		    !size, "a prepare of 0 bytes did not get NULL");

	/* Commit of more than was prepared: all that is left is charged. */
	size = 32;
	a = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	page = virt_to_head_page(a);
	size = 0;
	frag_expect(err, !page_frag_alloc_probe(&nc, &off, &size, &d) && !size,
		    "a probe of 0 bytes did not get NULL");
	size = 32;
	d = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
	left = size;
	page_frag_alloc_commit(&nc, left + 100);
	frag_expect(err, d == a && frag_refs_out(&nc, page) == 1 &&
		    !frag_left(&nc),
		    "commit of %u with %u left: %d references, %u left; want 1, 0",
		    left + 100, left, frag_refs_out(&nc, page), frag_left(&nc));
	/* Nothing left: a commit charges nothing, not even a reference. */
	bias = nc.pagecnt_bias;
	page_frag_alloc_commit(&nc, 10);
	frag_expect(err, nc.pagecnt_bias == bias && !frag_left(&nc),
		    "a commit with nothing left charged a reference");
	/* Nothing past the page may be handed out now. */
	b = page_frag_alloc_va(&nc, 64, GFP_KERNEL);
	if (!b) {
		page_frag_free_va(a);
		page_frag_cache_drain(&nc);
		return -ENOMEM;
	}
	frag_expect(err, virt_to_head_page(b) != page,
		    "after an over-commit the next fragment is at %p in %p", b,
		    page);

	/* Commit of 0 bytes charges nothing. */
	bias = nc.pagecnt_bias;
	remaining = frag_left(&nc);
	page_frag_alloc_commit(&nc, 0);
	frag_expect(err, nc.pagecnt_bias == bias && frag_left(&nc) == remaining,
		    "a commit of 0 bytes charged something");

	/* commit_noref of 0 bytes, after b, charges nothing either. */
	page_frag_alloc_commit_noref(&nc, 0);
	frag_expect(err, frag_left(&nc) == remaining,
		    "a commit_noref of 0 bytes charged something");

	/* Abort of a fragment that is not the last one: refused. */
	c = page_frag_alloc_va(&nc, 64, GFP_KERNEL);
	if (c) {
		frag_expect_refused(&err, &nc, b, 64, "an earlier fragment");
		d = page_frag_alloc_va(&nc, 64, GFP_KERNEL);
		frag_expect(err, !d || d == c + 64 ||
			    virt_to_head_page(d) != virt_to_head_page(c),
			    "after a refused abort the next fragment is at %p, overlapping %p",
			    d, c);
		if (d)
			page_frag_free_va(d);
		page_frag_free_va(c);
	}
	page_frag_free_va(b);

	/*
	 * Abort of a range the cache can only tell apart under
	 * CONFIG_DEBUG_VM: the bytes a commit_noref added, and the end of a
	 * fragment.  Then one it always tells: a fragment followed by an
	 * aligned prepare's padding.
	 */
	size = 64;
	b = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
	if (b) {
		page_frag_alloc_commit(&nc, 64);
		size = 1;
		c = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
		if (c == b + 64) {
			page_frag_alloc_commit_noref(&nc, 50);
			if (IS_ENABLED(CONFIG_DEBUG_VM))
				frag_expect_refused(&err, &nc, b + 64, 50,
						    "bytes a commit_noref added");
		}
		page_frag_free_va(b);
	}
	size = 200;
	b = page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL);
	if (b) {
		page_frag_alloc_commit(&nc, 200);
		if (IS_ENABLED(CONFIG_DEBUG_VM))
			frag_expect_refused(&err, &nc, b + 100, 100,
					    "the end of a fragment");
		size = 1;
		c = page_frag_alloc_va_prepare_align(&nc, &size, GFP_KERNEL,
						     256);
		/* Refused once the padding moved the next fragment. */
		if (c && c != b + 200 && c == PTR_ALIGN(b + 200, 256))
			frag_expect_refused(&err, &nc, b, 200,
					    "a fragment before aligned padding");
		page_frag_free_va(b);
	}

	/* commit_noref with no fragment of the page out. */
	page_frag_cache_drain(&nc);
	size = 16;
	if (page_frag_alloc_va_prepare(&nc, &size, GFP_KERNEL)) {
		page_frag_alloc_commit_noref(&nc, 16);
		frag_expect(err, page_frag_cache_page_offset(&nc) == 16,
			    "commit_noref on a fresh page: offset %u, want 16",
			    page_frag_cache_page_offset(&nc));
	}
	page_frag_free_va(a);
	page_frag_cache_drain(&nc);
	if (!err)
		pr_info("ok: misuse gets its defined results\n");
	return err;
}

/*
 * The examples of Documentation/mm/page_frags.rst, which shows the code
 * between each "page_frags.rst: begin NAME" and "page_frags.rst: end NAME"
 * comment.  They build with this module, so an example that no longer
 * compiles breaks the build, and the examples mode runs them and checks
 * what they did.
 */

/* page_frags.rst: begin init-drain */
struct frag_example_queue {
	/* Allocated from under @lock only; freed from anywhere. */
	spinlock_t lock;
	struct page_frag_cache cache;
};

static void frag_example_queue_init(struct frag_example_queue *q)
{
	spin_lock_init(&q->lock);
	page_frag_cache_init(&q->cache);
}

static void frag_example_queue_destroy(struct frag_example_queue *q)
{
	/*
	 * Fragments still in use keep their page: it is freed with the
	 * last of them.
	 */
	page_frag_cache_drain(&q->cache);
}

/* page_frags.rst: end init-drain */

/* page_frags.rst: begin alloc-free */
/* A copy of @len bytes of @data, on a cache line of its own. */
static void *frag_example_copy(struct frag_example_queue *q,
			       const void *data, unsigned int len)
{
	void *va;

	spin_lock_bh(&q->lock);
	va = page_frag_alloc_va_align(&q->cache, ALIGN(len, SMP_CACHE_BYTES),
				      GFP_ATOMIC, SMP_CACHE_BYTES);
	spin_unlock_bh(&q->lock);
	if (!va)
		return NULL;

	memcpy(va, data, len);
	return va;
}

/* Any context but NMI, no lock: the cache is not touched. */
static void frag_example_copy_free(void *va)
{
	page_frag_free_va(va);
}

/* page_frags.rst: end alloc-free */

/* page_frags.rst: begin prepare-commit */
/*
 * Append the bytes of @from to the frags of @skb, as TCP's sendmsg does:
 * take all the room the cache's page has, and grow the last frag instead
 * of adding one when the room follows it.  The caller holds lock_sock()
 * on the socket that owns @nc, and may sleep.
 */
static int frag_example_append(struct page_frag_cache *nc,
			       struct sk_buff *skb, struct iov_iter *from)
{
	while (iov_iter_count(from)) {
		int i = skb_shinfo(skb)->nr_frags;
		unsigned int offset, size = 1;
		struct page *page;
		bool merge;
		void *va;

		/* At least one byte, and report all there is. */
		page = page_frag_alloc_prepare(nc, &offset, &size, &va,
					       GFP_KERNEL);
		if (!page)
			return -ENOMEM;

		size = min_t(size_t, size, iov_iter_count(from));
		merge = skb_can_coalesce(skb, i, page, offset);
		if (!merge && i >= MAX_SKB_FRAGS)
			return -EMSGSIZE;	/* nothing was charged */

		if (!copy_from_iter_full(va, size, from))
			return -EFAULT;		/* nor here */

		if (merge) {
			/* The last frag's page reference covers the bytes. */
			skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], size);
			page_frag_alloc_commit_noref(nc, size);
		} else {
			/* A new frag, which owns the reference charged here. */
			skb_fill_page_desc(skb, i, page, offset, size);
			page_frag_alloc_commit(nc, size);
		}
		skb_len_add(skb, size);
	}

	return 0;
}

/* page_frags.rst: end prepare-commit */

/* page_frags.rst: begin probe */
/*
 * Add @len bytes to the last frag of @skb if the cache's page has them
 * right after it; never allocates a page, so it needs no GFP flags.
 */
static bool frag_example_try_grow(struct page_frag_cache *nc,
				  struct sk_buff *skb, const void *data,
				  unsigned int len)
{
	int i = skb_shinfo(skb)->nr_frags;
	unsigned int offset, size = len;
	struct page *page;
	void *va;

	page = page_frag_alloc_probe(nc, &offset, &size, &va);
	if (!page || !skb_can_coalesce(skb, i, page, offset))
		return false;

	memcpy(va, data, len);
	skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], len);
	page_frag_alloc_commit_noref(nc, len);
	skb_len_add(skb, len);

	return true;
}

/* page_frags.rst: end probe */

/* page_frags.rst: begin abort */
/*
 * Hand a fragment of @len bytes to the consumer of @ring.  When the ring
 * is full, nobody has seen the fragment yet: give it back to the cache,
 * which hands out the same bytes again next time.
 */
static void *frag_example_publish(struct page_frag_cache *nc,
				  struct ptr_ring *ring, unsigned int len)
{
	void *va;

	va = page_frag_alloc_va(nc, len, GFP_KERNEL);
	if (!va)
		return NULL;

	if (ptr_ring_produce(ring, va)) {
		page_frag_alloc_abort(nc, va, len);
		return NULL;
	}

	return va;
}

/* page_frags.rst: end abort */

/* frag_example_append() from a kernel buffer. */
static int frag_example_append_buf(struct page_frag_cache *nc,
				   struct sk_buff *skb, void *buf, size_t len)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, len);
	return frag_example_append(nc, skb, &iter);
}

/* Runs the examples above and checks what each one did. */
static int frag_test_examples(void)
{
	static const char msg[] = "an example of page_frag";
	unsigned int i, off, left, size = PAGE_FRAG_CACHE_MAX_SIZE + 300;
	struct frag_example_queue q;
	struct page_frag_cache nc;
	struct sk_buff *skb;
	struct ptr_ring ring;
	struct page *page;
	void *va, *va2;
	u8 *data, *back;
	int err = 0;

	/* init-drain and alloc-free */
	frag_example_queue_init(&q);
	va = frag_example_copy(&q, msg, sizeof(msg));
	if (!va)
		return -ENOMEM;
	frag_expect(err, IS_ALIGNED((unsigned long)va, SMP_CACHE_BYTES) &&
		    !memcmp(va, msg, sizeof(msg)),
		    "copy: %p does not hold an aligned copy", va);
	va2 = frag_example_copy(&q, msg + 3, 5);
	frag_expect(err, va2 == va + ALIGN(sizeof(msg), SMP_CACHE_BYTES) &&
		    !memcmp(va2, msg + 3, 5),
		    "copy: the second copy at %p, want %p", va2,
		    va + ALIGN(sizeof(msg), SMP_CACHE_BYTES));
	page = virt_to_head_page(va);
	if (va2)
		frag_example_copy_free(va2);
	frag_example_copy_free(va);
	frag_expect(err, frag_refs_out(&q.cache, page) == 0,
		    "copy: %d references left after the frees",
		    frag_refs_out(&q.cache, page));
	frag_example_queue_destroy(&q);

	/* prepare-commit and probe, on an skb */
	page_frag_cache_init(&nc);
	data = kvmalloc(size, GFP_KERNEL);
	back = kvmalloc(size, GFP_KERNEL);
	skb = alloc_skb(0, GFP_KERNEL);
	if (!data || !back || !skb) {
		err = -ENOMEM;
		goto free;
	}
	for (i = 0; i < size; i++)
		data[i] = frag_fill(i);
	/* 1000 bytes make a frag, the next 2000 grow it. */
	err = frag_example_append_buf(&nc, skb, data, 1000) ?:
	      frag_example_append_buf(&nc, skb, data + 1000, 2000);
	frag_expect(err, skb_shinfo(skb)->nr_frags == 1 && skb->len == 3000,
		    "append: %u frags, %u bytes; want 1, 3000",
		    skb_shinfo(skb)->nr_frags, skb->len);
	frag_expect(err, frag_example_try_grow(&nc, skb, data + 3000, 100),
		    "probe: the room after the frag was not used");
	if (err)
		goto free;
	/* The frag starts the cache's page: the rest of the page is left. */
	page = skb_frag_page(&skb_shinfo(skb)->frags[0]);
	left = page_size(page) - 3100;
	frag_expect(err, !frag_example_try_grow(&nc, skb, data, left + 1),
		    "probe: grew by more than the page has left");
	frag_expect(err, skb_shinfo(skb)->nr_frags == 1 && skb->len == 3100,
		    "probe: %u frags, %u bytes; want 1, 3100",
		    skb_shinfo(skb)->nr_frags, skb->len);
	if (err)
		goto free;
	/* The rest fills the page, then takes a new one. */
	err = frag_example_append_buf(&nc, skb, data + 3100, size - 3100);
	frag_expect(err, skb_shinfo(skb)->nr_frags >= 2 && skb->len == size,
		    "append: %u frags, %u bytes; want 2 or more, %u",
		    skb_shinfo(skb)->nr_frags, skb->len, size);
	if (err)
		goto free;
	if (skb_copy_bits(skb, 0, back, size) || memcmp(back, data, size)) {
		pr_err("%s: the skb does not hold the bytes appended\n",
		       __func__);
		err = -EINVAL;
		goto free;
	}
	/* Once the skb is freed, the first page has only our reference. */
	page = skb_frag_page(&skb_shinfo(skb)->frags[0]);
	get_page(page);
	consume_skb(skb);
	skb = NULL;
	page_frag_cache_drain(&nc);
	frag_expect(err, page_ref_count(page) == 1,
		    "append: %d references to the first page, want ours only",
		    page_ref_count(page));
	put_page(page);

	/* abort */
	if (ptr_ring_init(&ring, 1, GFP_KERNEL)) {
		err = -ENOMEM;
		goto free;
	}
	va = frag_example_publish(&nc, &ring, 100);
	if (va) {
		off = page_frag_cache_page_offset(&nc);
		frag_expect(err, !frag_example_publish(&nc, &ring, 100) &&
			    page_frag_cache_page_offset(&nc) == off &&
			    frag_refs_out(&nc, virt_to_head_page(va)) == 1,
			    "abort: offset %u, %d references; want %u, 1",
			    page_frag_cache_page_offset(&nc),
			    frag_refs_out(&nc, virt_to_head_page(va)), off);
		page_frag_free_va(ptr_ring_consume(&ring));
		va2 = frag_example_publish(&nc, &ring, 100);
		frag_expect(err, va2 == va + 100,
			    "abort: the next fragment at %p, want %p", va2,
			    va + 100);
		if (va2)
			page_frag_free_va(ptr_ring_consume(&ring));
	} else {
		err = -ENOMEM;
	}
	ptr_ring_cleanup(&ring, NULL);
free:
	kfree_skb(skb);
	page_frag_cache_drain(&nc);
	kvfree(back);
	kvfree(data);
	if (!err)
		pr_info("ok: the examples of page_frags.rst\n");
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
		frag_skip("CPU %d or %d is not online\n", test_push_cpu,
			  test_pop_cpu);
		return 1;
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

static long frag_time_left(unsigned long deadline)
{
	return max_t(long, deadline - jiffies, 1);
}

static int frag_run(struct frag_test *t)
{
	unsigned long deadline = jiffies + test_timeout * HZ;
	struct task_struct *push, *pop;
	bool timed_out = false;
	unsigned long pushed;
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

	/* Each completion is waited for once: its thread is gone after. */
	pushed = wait_for_completion_timeout(&t->push_done,
					     frag_time_left(deadline));
	if (!pushed || !wait_for_completion_timeout(&t->pop_done,
						    frag_time_left(deadline))) {
		timed_out = true;
		atomic_set(&t->stop, 1);
		if (!pushed)
			wait_for_completion(&t->push_done);
		wait_for_completion(&t->pop_done);
	}
	us = ktime_us_delta(ktime_get(), start);

	if (t->push_err)
		return t->push_err;
	if (t->pop_err)
		return t->pop_err;
	if (t->skipped)
		return 0;
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

static int frag_test_stress(void)
{
	struct frag_test *t;
	void *va;
	int err;

	/* 1: the test cannot run here, which frag_check_params() logged. */
	err = frag_check_params();
	if (err)
		return err < 0 ? err : 0;

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
		page_frag_free_va(va);
	page_frag_cache_drain(&t->cache);
	ptr_ring_cleanup(&t->ring, NULL);
free:
	kfree(t);
	return err;
}

static const struct {
	const char *name;
	int (*run)(void);
} frag_tests[] = {
	{ "stress", frag_test_stress },
	{ "refusals", frag_test_refusals },
	{ "mixed", frag_test_mixed },
	{ "fallback", frag_test_fallback },
	{ "pfmemalloc", frag_test_pfmemalloc },
	{ "percpu", frag_test_percpu },
	{ "va", frag_test_va },
	{ "va_align", frag_test_va_align },
	{ "pg", frag_test_pg },
	{ "prepare", frag_test_prepare },
	{ "probe", frag_test_probe },
	{ "noref", frag_test_noref },
	{ "abort", frag_test_abort },
	{ "misuse", frag_test_misuse },
	{ "examples", frag_test_examples },
};

static int __init page_frag_test_init(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(frag_tests); i++)
		if (!strcmp(test_mode, frag_tests[i].name))
			break;
	if (i == ARRAY_SIZE(frag_tests)) {
		pr_err("unknown test_mode '%s'\n", test_mode);
		return -EINVAL;
	}
	err = frag_tests[i].run();
	if (err)
		pr_err("FAIL %s (%d)\n", test_mode, err);
	return err;
}

static void __exit page_frag_test_exit(void)
{
}

module_init(page_frag_test_init);
module_exit(page_frag_test_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Tests of the page fragment allocator");
