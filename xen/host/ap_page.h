/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's part of the Xen AP bring-up page (docs/abi.md §8.8), without
 * Xen: where the region goes in a domain's memory map, its size, its content,
 * and the map entry that tells the guest. tools/xen-ap-page.c does the Xen
 * calls around it (libxenctrl); tests/xen/test_ap_page.c tests it.
 */
#ifndef COCOBOOT_XEN_HOST_AP_PAGE_H
#define COCOBOOT_XEN_HOST_AP_PAGE_H

#include <stddef.h>
#include <stdint.h>

/* The memory-map entry of hvm_start_info (Xen's public arch-x86/hvm/start_info.h,
 * the same layout as cocoboot's include/xen/start_info.h): declared by whichever of
 * the two the includer uses (the helper cannot include cocoboot's with xenctrl.h). */
struct hvm_memmap_table_entry;

/* The special pages libxl/libxenguest give every HVM/PVH domain, 8 frames ending at
 * gfn 0xff000 (xg_dom_x86.c: X86_HVM_END_SPECIAL_REGION, NR_SPECIAL_PAGES), which
 * the memory map does not always list: the region goes below them (§8.8 step 1). */
#define AP_PAGE_SPECIAL_START 0xfeff8000ull
#define AP_PAGE_FOUR_GIB      (1ull << 32)

/* Bytes of the region for nr_slots vCPUs and code_length bytes of init code (§8.3). */
uint32_t ap_page_size(uint32_t code_length, uint32_t nr_slots);

/* The highest page-aligned place for size bytes below AP_PAGE_SPECIAL_START that no
 * memory-map entry overlaps. 0 and err when there is none. */
uint64_t ap_page_place(const struct hvm_memmap_table_entry *map, uint32_t entries, uint32_t size,
		       char *err, size_t err_size);

/* Write the region into buf (size bytes, zeroed here): header, code, digest, empty
 * slots; entry_offset = code_offset = 0x80 (what the Xen patch starts APs at). */
void ap_page_build(void *buf, uint32_t size, const uint8_t *code, uint32_t code_length,
		   const uint8_t sha256[32], uint32_t nr_slots);

/* Insert {addr, size, XEN_HVM_MEMMAP_TYPE_AP_BRINGUP} into map[0..*entries) keeping it
 * sorted by address; capacity is how many entries fit. -1 and err when it does not
 * fit or overlaps an entry. */
int ap_page_map_insert(struct hvm_memmap_table_entry *map, uint32_t *entries, uint32_t capacity,
		       uint64_t addr, uint64_t size, char *err, size_t err_size);

#endif
