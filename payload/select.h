/* SPDX-License-Identifier: MIT */
/*
 * Where the payload comes from (docs/payloads.md "Where the payload comes
 * from"): module 0 is a bundle (kernel, command line and initrd in one module)
 * or the kernel itself, with module 1 as its initrd. The payload's command
 * line is the part of cocoboot's command line after ` -- `, else the bundle's
 * cocoboot/cmdline, else module 0's command line.
 * Pure C; modules are read through their (identity-mapped) physical address,
 * so host tests pass host pointers as paddr.
 */
#ifndef COCOBOOT_PAYLOAD_SELECT_H
#define COCOBOOT_PAYLOAD_SELECT_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "payload/bundle.h"
#include "payload/error.h"
#include "xen/pvh.h"

#define PAYLOAD_MAX_MODULES PVH_MAX_MODULES

/* A piece of memory the payload needs: the kernel, the initrd, a module. */
struct payload_blob {
	uint64_t paddr;
	uint64_t size;
	const char *cmdline;  /* module command line, NUL terminated, or NULL */
};

enum payload_cmdline_source {
	PAYLOAD_CMDLINE_NONE,
	PAYLOAD_CMDLINE_DASHDASH,  /* cocoboot's command line after ` -- ` */
	PAYLOAD_CMDLINE_BUNDLE,    /* cocoboot/cmdline in the bundle */
	PAYLOAD_CMDLINE_MODULE,    /* module 0's command line */
};

struct payload_sources {
	bool bundle;                  /* module 0 is a bundle */
	struct bundle_plan bplan;
	struct payload_blob kernel;
	bool has_initrd;
	struct payload_blob initrd;   /* first module of a PVH payload, Linux's initrd */
	unsigned nr_extra;            /* further modules, passed on to PVH payloads */
	struct payload_blob extra[PAYLOAD_MAX_MODULES];
	const char *cmdline;          /* not NUL terminated: use cmdline_len */
	size_t cmdline_len;
	enum payload_cmdline_source cmdline_source;
};

/* Returns 0 with *out filled, or -1 with *err (e.g. a malformed bundle).
 * Call only with info->nr_modules > 0. dashdash is NULL when cocoboot's
 * command line has no ` -- `. */
int payload_select(const struct pvh_info *info, const char *dashdash, size_t dashdash_len,
		   struct payload_sources *out, struct payload_error *err);

const char *payload_cmdline_source_name(enum payload_cmdline_source s);

#endif
