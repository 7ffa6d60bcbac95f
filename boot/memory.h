/* SPDX-License-Identifier: MIT */
/* The boot's physical memory: the page allocator and the live page tables. */
#ifndef COCOBOOT_BOOT_MEMORY_H
#define COCOBOOT_BOOT_MEMORY_H

#include "arch/x86/paging.h"
#include "arch/x86/pmm.h"

extern struct pmm boot_pmm;
extern struct pt_ctx boot_pt;

/* Identity: physical memory is mapped 1:1 (pt_ctx.phys_to_ptr). */
void *mem_phys_to_ptr(void *opaque, uint64_t pa);
/* Map more memory into the live tables (identity). Returns false on error. */
bool mem_map(uint64_t base, uint64_t len, unsigned opts);
/* Unmap one 4 KiB page mem_map mapped on its own (a device page) and flush its TLB entry. */
bool mem_unmap_page(uint64_t pa);
/* NX on the 32-bit entry's tables (all but the image's text), when the CPU has it
 * (boot/early_nx.c): right after cpu_probe(). */
void mem_early_nx(void);

#endif
