// SPDX-License-Identifier: GPL-2.0
/*
 * The page fragment allocator while the page allocator fails: a module of
 * the workbench (tests/debug.sh), loaded in the debug kernel after the
 * guest has set up fail_page_alloc with task-filter, so that only the
 * allocations of this task fail while it marks itself make-it-fail.
 * The module runs while it loads; insmod fails when the test did, and
 * the guest unloads it when it passed.
 *
 *   mode=all    every allocation fails: each entry point of the API must
 *               give NULL and leave the cache empty, from an empty cache
 *               and from one whose page is used up with fragments still
 *               out; with the mark lifted the cache works again.
 *   mode=share  a share of the allocations fails (the guest picks the
 *               probability): random sizes and alignments through every
 *               entry point, random frees; each fragment handed out must
 *               be whole and in its page, some requests must fail and
 *               some succeed.
 *
 * The requests carry __GFP_NOWARN: a failed allocation is what the test
 * asks for, and the page allocator's report of one (with a call trace)
 * would hide the reports the run looks for.
 *
 * In both modes the test holds a reference to every page it saw; after
 * the frees and the drain each of those must have exactly that one left,
 * or the allocator leaked (more) or dropped one reference too many (0).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mm.h>
#include <linux/page_frag_cache.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#ifndef CONFIG_FAIL_PAGE_ALLOC
#error "page_frag_faults needs CONFIG_FAIL_PAGE_ALLOC"
#endif

static char *mode = "all";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "all: every page allocation fails; share: some do");

static unsigned int nr = 20000;
module_param(nr, uint, 0444);
MODULE_PARM_DESC(nr, "requests in mode=share");

#define LIVE_MAX	64

struct faults {
	struct page_frag_cache nc;
	struct xarray pages;	/* pfn of a head page -> page, one ref held */
	void *live[LIVE_MAX];
	unsigned int live_len[LIVE_MAX];
	u8 live_fill[LIVE_MAX];
	unsigned int nr_live;
	unsigned long served, refused;
};

/* The cache's state, read directly: the test checks the allocator. */
static bool cache_empty(const struct page_frag_cache *nc)
{
	return !nc->encoded_va && !nc->remaining && !nc->pagecnt_bias;
}

static bool same_cache(const struct page_frag_cache *a,
		       const struct page_frag_cache *b)
{
	return a->encoded_va == b->encoded_va && a->remaining == b->remaining &&
	       a->pagecnt_bias == b->pagecnt_bias;
}

/*
 * Hold a reference to the head page of @va, once per page.  The xarray's
 * own allocations must not fail: lift the mark around them.
 */
static int track_page(struct faults *f, void *va)
{
	struct page *page = compound_head(virt_to_page(va));
	unsigned int marked = current->make_it_fail;
	int err;

	if (xa_load(&f->pages, page_to_pfn(page)))
		return 0;
	current->make_it_fail = 0;
	err = xa_insert(&f->pages, page_to_pfn(page), page, GFP_KERNEL);
	current->make_it_fail = marked;
	if (err)
		return err;
	get_page(page);
	return 0;
}

/*
 * A fragment of @len bytes aligned to @align (0: none asked) must lie
 * within its (compound) page; filling it with @fill lets KASAN and
 * DEBUG_PAGEALLOC see any byte that is not the fragment's, and a later
 * check see any byte that another fragment shares.
 */
static int check_frag(struct faults *f, void *va, unsigned int len,
		      unsigned int align, u8 fill)
{
	struct page *page = compound_head(virt_to_page(va));
	unsigned long off = va - page_address(page);

	if (align && !IS_ALIGNED((unsigned long)va, align)) {
		pr_err("fragment %p of %u bytes is not aligned to %u\n",
		       va, len, align);
		return -EINVAL;
	}
	if (off + len > page_size(page)) {
		pr_err("fragment at offset %lu of %u bytes crosses the end of its %lu-byte page\n",
		       off, len, page_size(page));
		return -EINVAL;
	}
	memset(va, fill, len);
	return track_page(f, va);
}

/* Free live fragment @i: its bytes must be the ones it was filled with. */
static int free_live(struct faults *f, unsigned int i)
{
	u8 *va = f->live[i];
	int err = 0;

	if (memchr_inv(va, f->live_fill[i], f->live_len[i])) {
		pr_err("fragment %p of %u bytes was overwritten while it was out\n",
		       va, f->live_len[i]);
		err = -EIO;
	}
	page_frag_free_va(va);
	f->nr_live--;
	f->live[i] = f->live[f->nr_live];
	f->live_len[i] = f->live_len[f->nr_live];
	f->live_fill[i] = f->live_fill[f->nr_live];
	return err;
}

/* Every page back to the test's one reference, then give those back. */
static int check_pages(struct faults *f)
{
	unsigned int seen = 0, bad = 0;
	struct page *page;
	unsigned long pfn;

	xa_for_each(&f->pages, pfn, page) {
		int ref = page_ref_count(page);

		seen++;
		if (ref != 1 && bad++ < 5)
			pr_err("page %#lx: %d references after the drain, want 1\n",
			       pfn, ref);
		if (ref > 0)
			put_page(page);
	}
	xa_destroy(&f->pages);
	if (bad) {
		pr_err("%u of %u pages have a wrong reference count\n",
		       bad, seen);
		return -EFAULT;
	}
	pr_info("ok: all %u pages are back after the drain\n", seen);
	return 0;
}

/* The entry points of the API, each asked for @len bytes. */
enum entry { VA, VA_ALIGN, PG, VA_PREPARE, VA_PREPARE_ALIGN, PG_PREPARE,
	     PREPARE, PROBE, NR_ENTRIES };

static const char * const entry_name[NR_ENTRIES] = {
	"alloc_va", "alloc_va_align", "alloc_pg", "alloc_va_prepare",
	"alloc_va_prepare_align", "alloc_pg_prepare", "alloc_prepare",
	"alloc_probe",
};

/*
 * One request through entry point @e; the fragment it commits (or NULL)
 * is returned with its size in *@got.  PROBE never allocates: from an
 * empty cache it must find nothing.
 */
static void *request(struct page_frag_cache *nc, enum entry e,
		     unsigned int len, unsigned int align, gfp_t gfp,
		     unsigned int *got)
{
	unsigned int offset, size = len;
	struct page *page;
	void *va = NULL;

	*got = len;
	switch (e) {
	case VA:
		return page_frag_alloc_va(nc, len, gfp);
	case VA_ALIGN:
		return page_frag_alloc_va_align(nc, len, gfp, align);
	case PG:
		page = page_frag_alloc_pg(nc, &offset, len, gfp);
		return page ? page_address(page) + offset : NULL;
	case VA_PREPARE:
		va = page_frag_alloc_va_prepare(nc, &size, gfp);
		break;
	case VA_PREPARE_ALIGN:
		va = page_frag_alloc_va_prepare_align(nc, &size, gfp, align);
		break;
	case PG_PREPARE:
		page = page_frag_alloc_pg_prepare(nc, &offset, &size, gfp);
		va = page ? page_address(page) + offset : NULL;
		break;
	case PREPARE:
		page = page_frag_alloc_prepare(nc, &offset, &size, &va, gfp);
		if (page && va != page_address(page) + offset) {
			pr_err("prepare: va %p is not page %p + %u\n",
			       va, page_address(page), offset);
			return ERR_PTR(-EINVAL);
		}
		if (!page)
			va = NULL;
		break;
	case PROBE:
		page = page_frag_alloc_probe(nc, &offset, &size, &va);
		if (!page || size < len)
			return NULL;
		break;
	default:
		return ERR_PTR(-EINVAL);
	}
	if (!va)
		return NULL;
	if (size < len) {
		pr_err("%s: room for %u bytes, asked for %u\n",
		       entry_name[e], size, len);
		return ERR_PTR(-EINVAL);
	}
	page_frag_alloc_commit(nc, len);
	return va;
}

/*
 * mode=all, one entry point: from an empty cache, and from a cache whose
 * page is used up while a fragment of it is out, the request must get
 * NULL and leave the cache empty (probe, which never allocates, must get
 * NULL and leave the cache as it was).  Lifting the mark must make the
 * cache work again.
 */
static int all_one(struct faults *f, enum entry e, unsigned int len,
		   gfp_t gfp)
{
	struct page_frag_cache *nc = &f->nc, before;
	unsigned int got, used;
	unsigned long size;
	void *va, *out;
	int err;

	/* A page used up, one fragment of it still out. */
	out = page_frag_alloc_va(nc, PAGE_SIZE, GFP_KERNEL);
	if (!out) {
		pr_err("no fragment to start from\n");
		return -ENOMEM;
	}
	err = check_frag(f, out, PAGE_SIZE, 0, 0x5a);
	if (err)
		goto out;
	used = page_frag_cache_page_offset(nc);
	size = page_size(compound_head(virt_to_page(out)));
	while (page_frag_cache_page_offset(nc) + len <= size) {
		va = page_frag_alloc_va(nc, len, GFP_KERNEL);
		if (!va || page_frag_cache_page_offset(nc) <= used)
			break;
		used = page_frag_cache_page_offset(nc);
		page_frag_free_va(va);
	}

	current->make_it_fail = 1;
	/* Used-up page with a fragment out, then an empty cache. */
	before = *nc;
	va = request(nc, e, len, 64, gfp, &got);
	if (!IS_ERR_OR_NULL(va) ||
	    (e == PROBE ? !same_cache(&before, nc) : !cache_empty(nc))) {
		current->make_it_fail = 0;
		pr_err("%s(%u): %p from a used-up page while every allocation fails, want NULL and an empty cache\n",
		       entry_name[e], len, va);
		err = IS_ERR(va) ? PTR_ERR(va) : -EINVAL;
		if (!IS_ERR_OR_NULL(va))
			page_frag_free_va(va);
		goto out;
	}
	if (e == PROBE)
		page_frag_cache_drain(nc);
	va = request(nc, e, len, 64, gfp, &got);
	current->make_it_fail = 0;
	if (!IS_ERR_OR_NULL(va) || !cache_empty(nc)) {
		pr_err("%s(%u): %p from an empty cache while every allocation fails, want NULL and an empty cache\n",
		       entry_name[e], len, va);
		err = IS_ERR(va) ? PTR_ERR(va) : -EINVAL;
		if (!IS_ERR_OR_NULL(va))
			page_frag_free_va(va);
		goto out;
	}

	/* The mark lifted: the same request is served (probe allocates nothing). */
	if (e != PROBE) {
		va = request(nc, e, len, 64, gfp, &got);
		if (IS_ERR_OR_NULL(va)) {
			pr_err("%s(%u): no fragment once allocations work again\n",
			       entry_name[e], len);
			err = va ? PTR_ERR(va) : -ENOMEM;
			goto out;
		}
		err = check_frag(f, va, len,
				 e == VA_ALIGN || e == VA_PREPARE_ALIGN ? 64 : 0,
				 0xa5);
		page_frag_free_va(va);
		if (!err && memchr_inv(out, 0x5a, PAGE_SIZE)) {
			pr_err("%s(%u): the fragment that was out was overwritten\n",
			       entry_name[e], len);
			err = -EIO;
		}
	}
out:
	page_frag_free_va(out);
	page_frag_cache_drain(nc);
	return err;
}

static int test_all(struct faults *f)
{
	static const unsigned int lens[] = { 1, 75, 2048, PAGE_SIZE, 3 * PAGE_SIZE };
	static const gfp_t gfps[] = { GFP_KERNEL | __GFP_NOWARN,
				      GFP_ATOMIC | __GFP_NOWARN };
	unsigned int i, j, k, n = 0;
	int err;

	for (i = 0; i < ARRAY_SIZE(gfps); i++)
		for (j = 0; j < NR_ENTRIES; j++)
			for (k = 0; k < ARRAY_SIZE(lens); k++) {
				if (lens[k] > PAGE_FRAG_CACHE_MAX_SIZE)
					continue;
				err = all_one(f, j, lens[k], gfps[i]);
				if (err)
					return err;
				n++;
			}
	pr_info("ok: %u requests got NULL while every allocation failed, and were served after\n",
		n);
	return 0;
}

static int test_share(struct faults *f)
{
	unsigned int i, len, align, got;
	enum entry e;
	void *va;
	int err = 0;

	current->make_it_fail = 1;
	for (i = 0; i < nr && !err; i++) {
		if (f->nr_live == LIVE_MAX ||
		    (f->nr_live && get_random_u32_below(3) == 0)) {
			err = free_live(f, get_random_u32_below(f->nr_live));
			if (err)
				break;
		}
		e = get_random_u32_below(NR_ENTRIES);
		/* Mostly small, some larger than a page. */
		len = get_random_u32_below(8) ?
		      1 + get_random_u32_below(PAGE_SIZE) :
		      1 + get_random_u32_below(PAGE_FRAG_CACHE_MAX_SIZE);
		align = 1U << get_random_u32_below(7);
		va = request(&f->nc, e, len, align,
			     (get_random_u32_below(2) ? GFP_KERNEL : GFP_ATOMIC) |
			     __GFP_NOWARN,
			     &got);
		if (IS_ERR(va)) {
			err = PTR_ERR(va);
			break;
		}
		if (!va) {
			/* Probe allocates nothing: its NULL proves nothing. */
			if (e != PROBE)
				f->refused++;
			continue;
		}
		f->served++;
		/* Neighbours get different bytes: 1 to 255 in turn. */
		f->live_fill[f->nr_live] = 1 + i % 255;
		err = check_frag(f, va, len,
				 e == VA_ALIGN || e == VA_PREPARE_ALIGN ? align : 0,
				 f->live_fill[f->nr_live]);
		f->live[f->nr_live] = va;
		f->live_len[f->nr_live++] = len;
	}
	current->make_it_fail = 0;
	while (f->nr_live)
		err = free_live(f, f->nr_live - 1) ?: err;
	page_frag_cache_drain(&f->nc);
	if (err)
		return err;
	pr_info("%lu requests served, %lu refused\n", f->served, f->refused);
	/* Both must happen, or the injection (or the fallback) did not work. */
	if (!f->served || !f->refused) {
		pr_err("want some requests served and some refused\n");
		return -EINVAL;
	}
	pr_info("ok: %u random requests while allocations failed\n", nr);
	return 0;
}

static int __init page_frag_faults_init(void)
{
	struct faults *f;
	int err;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	page_frag_cache_init(&f->nc);
	xa_init(&f->pages);

	if (!strcmp(mode, "all")) {
		err = test_all(f);
	} else if (!strcmp(mode, "share")) {
		err = test_share(f);
	} else {
		pr_err("unknown mode %s\n", mode);
		err = -EINVAL;
	}
	page_frag_cache_drain(&f->nc);
	err = check_pages(f) ?: err;
	kfree(f);
	if (err) {
		pr_err("FAIL: mode=%s (%d)\n", mode, err);
		return err;
	}
	pr_info("PASS: mode=%s\n", mode);
	return 0;
}
module_init(page_frag_faults_init);

static void __exit page_frag_faults_exit(void)
{
}
module_exit(page_frag_faults_exit);

MODULE_DESCRIPTION("page_frag allocator under fail_page_alloc (workbench)");
MODULE_LICENSE("GPL");
