// SPDX-License-Identifier: GPL-2.0
/*
 * Print the size of struct page_frag_cache, as this kernel is built and
 * as it would be without CONFIG_DEBUG_VM, with what decides it: the word
 * size and the page size.  tests/guest/sizes.sh judges the figures.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include "sizes.h"

static int __init page_frag_sizes_init(void)
{
	pr_info("bits %d page %lu size %zu nodebug %zu\n", BITS_PER_LONG,
		PAGE_SIZE, sizeof(struct page_frag_cache),
		page_frag_cache_size_nodebug());
	return 0;
}
module_init(page_frag_sizes_init);

static void __exit page_frag_sizes_exit(void)
{
}
module_exit(page_frag_sizes_exit);

MODULE_DESCRIPTION("size of struct page_frag_cache (workbench)");
MODULE_LICENSE("GPL");
