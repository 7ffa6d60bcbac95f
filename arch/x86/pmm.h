/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator. Starts from the RAM ranges of the memory map, takes
 * away every reserved range (the stub image, start_info and what it points to,
 * modules, the first page), and hands out page-aligned blocks from the top of
 * the free ranges below a limit, so low memory near the image stays free for
 * payloads. Pure C: the same file runs in host unit tests.
 */
#ifndef COCOBOOT_ARCH_X86_PMM_H
#define COCOBOOT_ARCH_X86_PMM_H

#include <stdbool.h>
#include <stdint.h>

#define PMM_PAGE_SIZE   4096ull
#define PMM_MAX_RANGES  128
#define PMM_MAX_RESERVED 64

struct pmm_range {
	uint64_t base;
	uint64_t end; /* exclusive */
	const char *what; /* for reserved ranges */
};

struct pmm {
	struct pmm_range free[PMM_MAX_RANGES];
	unsigned nr_free;
	struct pmm_range reserved[PMM_MAX_RESERVED];
	unsigned nr_reserved;
	bool overflow; /* a range did not fit: the map is incomplete */
};

void pmm_init(struct pmm *p);
/* Add RAM; the range is shrunk to whole pages. */
void pmm_add_ram(struct pmm *p, uint64_t base, uint64_t len);
/* Never hand out [base, base+len) (rounded out to whole pages). Reservations
 * are remembered, also those made before the RAM they cover is added. */
void pmm_reserve(struct pmm *p, uint64_t base, uint64_t len, const char *what);
/* Allocate n contiguous pages aligned to align (a power of two, >= 4 KiB)
 * that end at or below limit. Returns 0 when nothing fits. */
uint64_t pmm_alloc(struct pmm *p, uint64_t n, uint64_t align, uint64_t limit);
uint64_t pmm_free_bytes(const struct pmm *p);
/* True if [base, base+len) overlaps a reservation; *what names it. */
bool pmm_is_reserved(const struct pmm *p, uint64_t base, uint64_t len, const char **what);

#endif
