/* SPDX-License-Identifier: MIT */
/*
 * 4-level page-table builder (AMD APM vol. 2, 5.3; Intel SDM vol. 3A, 4.5).
 * It maps with the largest page the alignment and the options allow (1 GiB,
 * 2 MiB, 4 KiB). Table pages come from a callback and are reached through a
 * phys-to-pointer callback, so the same code runs in host unit tests.
 * enc_mask is OR-ed into every address the tables hold for private mappings
 * (the SEV C-bit); PT_SHARED mappings leave it out.
 */
#ifndef COCOBOOT_ARCH_X86_PAGING_H
#define COCOBOOT_ARCH_X86_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_US   (1ull << 2)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7)
#define PTE_G    (1ull << 8)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* Mapping options for pt_map(). */
#define PT_WRITE   (1u << 0)
#define PT_EXEC    (1u << 1) /* without it the mapping is NX when nx_ok */
#define PT_SHARED  (1u << 2) /* no enc_mask: hypervisor-visible (GHCB, MMIO) */
#define PT_UNCACHED (1u << 3)

#define PT_SIZE_4K (1ull << 12)
#define PT_SIZE_2M (1ull << 21)
#define PT_SIZE_1G (1ull << 30)

struct pt_ctx {
	uint64_t root;          /* physical address of the PML4 */
	uint64_t enc_mask;      /* C-bit mask, 0 without SEV */
	bool allow_1g;          /* CPUID Fn8000_0001 EDX[26] */
	bool nx_ok;             /* EFER.NXE is (or will be) set */
	/* Returns the physical address of a zeroed, page-aligned page, or 0. */
	uint64_t (*alloc_page)(void *opaque);
	void *(*phys_to_ptr)(void *opaque, uint64_t pa);
	void *opaque;
	unsigned tables;        /* table pages allocated so far */
};

enum pt_error {
	PT_OK = 0,
	PT_ERR_NOMEM,
	PT_ERR_ALIGN,   /* va, pa or len not 4 KiB aligned */
	PT_ERR_RANGE    /* non-canonical, wraps, or past 52 physical bits */
};

/* Allocate the root table. */
enum pt_error pt_init(struct pt_ctx *c);
/* Map [va, va+len) to [pa, pa+len). Remapping an already mapped page with a
 * page replaces it; a large page in the way is split first, an existing finer
 * table is kept and filled in. */
enum pt_error pt_map(struct pt_ctx *c, uint64_t va, uint64_t pa, uint64_t len, unsigned opts);
/* Walk the tables: physical address for va, with the leaf entry and the page
 * size. Returns false when va is not mapped. */
bool pt_translate(const struct pt_ctx *c, uint64_t va, uint64_t *pa, uint64_t *leaf,
		  uint64_t *page_size);
/* Remove the 4 KiB mapping of va (a page mapped on its own, e.g. a device page). Returns
 * false, changing nothing, when va is not mapped or lies in a larger page. The caller
 * flushes the TLB entry. */
bool pt_unmap_page(struct pt_ctx *c, uint64_t va);
const char *pt_strerror(enum pt_error e);

#endif
