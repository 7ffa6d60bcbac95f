/* SPDX-License-Identifier: MIT */
/*
 * The memory map a payload receives, built from the PVH one (facts §1.3):
 * sorted, with overlaps resolved, adjacent equal entries merged, and ranges
 * cocoboot keeps turned RESERVED. The Linux path converts it to E820 (§4.5,
 * §5); the PVH path hands it on as hvm_memmap_table_entry[] (§1.3).
 * Pure C; also built on the host.
 */
#ifndef COCOBOOT_PAYLOAD_MEMMAP_H
#define COCOBOOT_PAYLOAD_MEMMAP_H

#include <stdint.h>
#include <stdbool.h>
#include "xen/start_info.h"
#include "payload/error.h"

#define PAYLOAD_MEMMAP_MAX 128 /* = E820_MAX_ENTRIES_ZEROPAGE (facts §4.5) */

struct payload_memmap {
	uint32_t n;
	struct hvm_memmap_table_entry e[PAYLOAD_MEMMAP_MAX];
};

/* Copy a PVH memory map, dropping empty entries, then sort and merge. */
int payload_memmap_init(struct payload_memmap *m, const struct hvm_memmap_table_entry *in,
			uint32_t n, struct payload_error *err);

/* Make [base, base+len) type `type`: overlapping entries are cut around it. */
int payload_memmap_set(struct payload_memmap *m, uint64_t base, uint64_t len, uint32_t type,
		       struct payload_error *err);

/* True when every byte of [base, base+len) is RAM in the map. */
bool payload_memmap_is_ram(const struct payload_memmap *m, uint64_t base, uint64_t len);

#endif
