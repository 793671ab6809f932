// SPDX-License-Identifier: GPL-2.0
/// Only the allocator decodes struct page_frag_cache's encoded_va; callers
/// use page_frag_cache_init(), page_frag_cache_is_pfmemalloc() and
/// page_frag_cache_drain().  The allocator's KUnit suite is white-box
/// and part of it: it checks the fields after every call.
//
// Confidence: High
// Comments: the project's own semantic patch, run by series-checks.sh.
// Options: --no-includes

virtual report

@r depends on report@
expression E;
position p;
@@
(
 E->encoded_va@p
|
 E.encoded_va@p
)

@script:python depends on report@
p << r.p;
@@
if not p[0].file.endswith(("page_frag_cache.c", "page_frag_cache.h",
                           "page_frag_cache_kunit.c")):
    coccilib.report.print_report(p[0], "encoded_va read outside the allocator: use the page_frag_cache API")
