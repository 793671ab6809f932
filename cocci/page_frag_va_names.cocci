// SPDX-License-Identifier: GPL-2.0
/// The page_frag functions that return a virtual address carry _va in
/// their names, so that they read apart from the _pg (page and offset)
/// functions: page_frag_alloc(), page_frag_alloc_align(),
/// __page_frag_alloc_align() and page_frag_free() become
/// page_frag_alloc_va(), page_frag_alloc_va_align(),
/// __page_frag_alloc_va_align() and page_frag_free_va().
//
// Confidence: High
// Comments: the project's own semantic patch.  "patch" mode renames the
//  definitions, prototypes, exports and every use (scripts/rename-va.sh
//  runs it on a tree); "report" mode, run by series-checks.sh, reports a
//  use of an old name.
// Options: --no-includes --include-headers

virtual patch
virtual report

@initialize:python@
@@
va_names = {
	"page_frag_alloc": "page_frag_alloc_va",
	"page_frag_alloc_align": "page_frag_alloc_va_align",
	"__page_frag_alloc_align": "__page_frag_alloc_va_align",
	"page_frag_free": "page_frag_free_va",
}

// Every place an old name appears as an identifier: a call, a function
// pointer, a definition, a prototype, an EXPORT_SYMBOL().
@old@
identifier f =~ "^(__)?page_frag_(alloc|alloc_align|free)$";
@@
f

@script:python new depends on patch@
f << old.f;
g;
@@
coccinelle.g = va_names[f]

@depends on patch@
identifier old.f, new.g;
type T;
@@
T
- f
+ g
  (...) {...}

@depends on patch@
identifier old.f, new.g;
type T;
@@
T
- f
+ g
  (...);

@depends on patch@
identifier old.f, new.g;
@@
- EXPORT_SYMBOL(f);
+ EXPORT_SYMBOL(g);

@depends on patch@
identifier old.f, new.g;
@@
- f
+ g

@r depends on report@
identifier old.f;
position p;
@@
f@p

@script:python depends on report@
f << old.f;
p << r.p;
@@
if not p[0].file.endswith(("page_frag_cache.c", "page_frag_cache.h")):
    coccilib.report.print_report(p[0], "%s() was renamed %s()" % (f, va_names[f]))
