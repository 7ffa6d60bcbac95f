/* SOURCES: payload/memmap.c */
/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the payload memory map (payload/memmap.c): any PVH map
 * (unsorted, overlapping, wrapping, empty entries) becomes a sorted map with
 * no overlaps, no empty entries and no two adjacent entries of one type; a
 * range set afterwards has exactly its type.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "payload/memmap.h"

static void check(const struct payload_memmap *m)
{
	if (m->n > PAYLOAD_MEMMAP_MAX)
		abort();
	for (uint32_t i = 0; i < m->n; i++) {
		if (m->e[i].size == 0 || m->e[i].addr + m->e[i].size < m->e[i].addr)
			abort();
		if (i && m->e[i].addr < m->e[i - 1].addr + m->e[i - 1].size)
			abort();
		if (i && m->e[i].type == m->e[i - 1].type &&
		    m->e[i].addr == m->e[i - 1].addr + m->e[i - 1].size)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hvm_memmap_table_entry in[PAYLOAD_MEMMAP_MAX + 1];
	static struct payload_memmap m;
	struct payload_error err;
	size_t n = size / sizeof in[0];
	if (n > PAYLOAD_MEMMAP_MAX + 1)
		n = PAYLOAD_MEMMAP_MAX + 1;
	memcpy(in, data, n * sizeof in[0]);
	for (size_t i = 0; i < n; i++)
		in[i].type &= 7; /* keep types in the range maps use, so merges happen */
	if (payload_memmap_init(&m, in, (uint32_t)n, &err) != 0)
		return 0;
	check(&m);
	uint64_t base = 0xa0000, len = 0x60000;
	if (size >= 16) {
		memcpy(&base, data + size - 16, 8);
		memcpy(&len, data + size - 8, 8);
		len &= 0xffffffffffull;
		base &= 0xfffffffffffull;
	}
	if (payload_memmap_set(&m, base, len, XEN_HVM_MEMMAP_TYPE_RESERVED, &err) != 0)
		return 0;
	check(&m);
	if (len && payload_memmap_is_ram(&m, base, len))
		abort();
	return 0;
}
