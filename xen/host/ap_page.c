// SPDX-License-Identifier: MIT
/*
 * The toolstack's part of the Xen AP bring-up page without Xen (ap_page.h):
 * docs/abi.md §8.3 (header, size), §8.8 (placement, map entry).
 */
#include "xen/host/ap_page.h"

#include <stdio.h>
#include <string.h>

#include "xen/ap_bringup.h"
#include "xen/start_info.h"

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

static uint32_t slot_offset(uint32_t code_length)
{
	return (uint32_t)round_up(XEN_AP_BRINGUP_HDR_SIZE + (uint64_t)code_length,
				  XEN_AP_BRINGUP_SLOT_SIZE);
}

uint32_t ap_page_size(uint32_t code_length, uint32_t nr_slots)
{
	return (uint32_t)round_up(slot_offset(code_length) +
				  (uint64_t)nr_slots * XEN_AP_BRINGUP_SLOT_SIZE, 4096);
}

static int overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

uint64_t ap_page_place(const struct hvm_memmap_table_entry *map, uint32_t entries, uint32_t size,
		       char *err, size_t err_size)
{
	uint64_t top = AP_PAGE_SPECIAL_START;

	/* Move below every entry in the way until a gap holds the region. */
	for (;;) {
		int moved = 0;

		if (top < size) {
			snprintf(err, err_size, "no gap of %u bytes below %#llx outside the memory map",
				 size, (unsigned long long)AP_PAGE_SPECIAL_START);
			return 0;
		}
		for (uint32_t i = 0; i < entries; i++)
			if (map[i].size && overlaps(top - size, size, map[i].addr, map[i].size)) {
				top = map[i].addr & ~4095ull;
				moved = 1;
			}
		if (!moved)
			return top - size;
	}
}

void ap_page_build(void *buf, uint32_t size, const uint8_t *code, uint32_t code_length,
		   const uint8_t sha256[32], uint32_t nr_slots)
{
	struct xen_ap_bringup_header *h = buf;

	memset(buf, 0, size); /* every slot EMPTY, stray_vcpu 0, reserved 0 */
	h->magic = XEN_AP_BRINGUP_MAGIC;
	h->version = XEN_AP_BRINGUP_VERSION;
	h->header_size = XEN_AP_BRINGUP_HDR_SIZE;
	h->size = size;
	h->code_offset = XEN_AP_BRINGUP_HDR_SIZE;
	h->code_length = code_length;
	h->slot_offset = slot_offset(code_length);
	h->slot_size = XEN_AP_BRINGUP_SLOT_SIZE;
	h->nr_slots = nr_slots;
	memcpy(h->code_sha256, sha256, 32);
	h->entry_offset = XEN_AP_BRINGUP_HDR_SIZE;
	memcpy((uint8_t *)buf + h->code_offset, code, code_length);
}

int ap_page_map_insert(struct hvm_memmap_table_entry *map, uint32_t *entries, uint32_t capacity,
		       uint64_t addr, uint64_t size, char *err, size_t err_size)
{
	uint32_t n = *entries, at = 0;

	if (n >= capacity) {
		snprintf(err, err_size, "no room for a memory-map entry (%u entries, room for %u)", n,
			 capacity);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (overlaps(addr, size, map[i].addr, map[i].size)) {
			snprintf(err, err_size, "region %#llx+%#llx overlaps memory-map entry %u "
				 "(%#llx+%#llx type %u)", (unsigned long long)addr,
				 (unsigned long long)size, i, (unsigned long long)map[i].addr,
				 (unsigned long long)map[i].size, map[i].type);
			return -1;
		}
		if (map[i].addr < addr)
			at = i + 1;
	}
	memmove(&map[at + 1], &map[at], (n - at) * sizeof(*map));
	map[at] = (struct hvm_memmap_table_entry){ .addr = addr, .size = size,
						   .type = XEN_HVM_MEMMAP_TYPE_AP_BRINGUP };
	*entries = n + 1;
	return 0;
}
