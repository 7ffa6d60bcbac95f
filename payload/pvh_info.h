/* SPDX-License-Identifier: MIT */
/*
 * A fresh hvm_start_info for a PVH payload (facts §1.3, §1.4): one block
 * holding the struct, the modlist, the memory map, the command line and the
 * module command lines, laid out like libxenguest does (struct first, then
 * its arrays and strings, 8-byte aligned). Pure C; also built on the host.
 */
#ifndef COCOBOOT_PAYLOAD_PVH_INFO_H
#define COCOBOOT_PAYLOAD_PVH_INFO_H

#include <stdint.h>
#include <stddef.h>
#include "xen/start_info.h"
#include "payload/memmap.h"
#include "payload/select.h"
#include "payload/error.h"

struct pvh_info_args {
	uint32_t flags;               /* SIF_* passed on from cocoboot's start_info */
	uint64_t rsdp_paddr;
	const char *cmdline;          /* not NUL terminated */
	size_t cmdline_len;
	unsigned nr_modules;
	const struct payload_blob *modules; /* paddr/size final; cmdline may be NULL */
	const struct payload_memmap *memmap;
};

/* Bytes pvh_info_build() needs for these arguments. */
size_t pvh_info_size(const struct pvh_info_args *a);

/* Build at buf, which the payload will see at physical address base (below
 * 4 GiB). Returns 0, or -1 with *err when cap is too small. */
int pvh_info_build(uint8_t *buf, uint64_t base, size_t cap, const struct pvh_info_args *a,
		   struct payload_error *err);

#endif
