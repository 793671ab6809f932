// SPDX-License-Identifier: GPL-2.0
/*
 * The layout of struct page_frag_cache in a kernel without
 * CONFIG_DEBUG_VM, which adds a field: the test kernels have it, the
 * kernels users run do not.  Only this file sees the struct that way.
 */
#undef CONFIG_DEBUG_VM
#include <linux/mm_types.h>
#include "sizes.h"

size_t page_frag_cache_size_nodebug(void)
{
	return sizeof(struct page_frag_cache);
}
