/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PAGE_FRAG_SIZES_H
#define PAGE_FRAG_SIZES_H
#include <linux/types.h>

size_t page_frag_cache_size_nodebug(void);
#endif
