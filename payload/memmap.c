/* SPDX-License-Identifier: MIT */
/*
 * Payload memory map. The PVH map may be unsorted (xl builds it in the order
 * lowmem, RDM, special pages, ACPI, highmem: facts §1.8) and a hostile one may
 * overlap; the map handed on is sorted and non-overlapping. Where entries
 * overlap, the more restrictive (higher) type wins, as Linux's e820 sanitizer
 * does.
 */
#include "payload/memmap.h"

#define FMT "memmap"

static void swap(struct hvm_memmap_table_entry *a, struct hvm_memmap_table_entry *b)
{
	struct hvm_memmap_table_entry t = *a;
	*a = *b;
	*b = t;
}

/* Insertion sort by address (at most 128 entries). */
static void sort(struct payload_memmap *m)
{
	for (uint32_t i = 1; i < m->n; i++)
		for (uint32_t j = i; j > 0 && m->e[j].addr < m->e[j - 1].addr; j--)
			swap(&m->e[j], &m->e[j - 1]);
}

static void merge(struct payload_memmap *m)
{
	uint32_t out = 0;
	for (uint32_t i = 0; i < m->n; i++) {
		if (out && m->e[out - 1].type == m->e[i].type &&
		    m->e[out - 1].addr + m->e[out - 1].size == m->e[i].addr) {
			m->e[out - 1].size += m->e[i].size;
			continue;
		}
		m->e[out++] = m->e[i];
	}
	m->n = out;
}

static int push(struct payload_memmap *m, uint64_t addr, uint64_t end, uint32_t type,
		struct payload_error *err)
{
	if (end <= addr)
		return 0;
	if (m->n == PAYLOAD_MEMMAP_MAX)
		return payload_fail(err, FMT, "memmap_entries", -1, m->n,
				    "more than 128 entries after splitting");
	m->e[m->n++] = (struct hvm_memmap_table_entry){ addr, end - addr, type, 0 };
	return 0;
}

int payload_memmap_set(struct payload_memmap *m, uint64_t base, uint64_t len, uint32_t type,
		       struct payload_error *err)
{
	uint64_t end = base + len;
	if (end < base)
		return payload_fail(err, FMT, "range", -1, base, "base + length wraps");
	struct payload_memmap old = *m;
	m->n = 0;
	for (uint32_t i = 0; i < old.n; i++) {
		const struct hvm_memmap_table_entry *e = &old.e[i];
		uint64_t ee = e->addr + e->size;
		if (ee <= base || e->addr >= end) {
			if (push(m, e->addr, ee, e->type, err))
				return -1;
			continue;
		}
		if (push(m, e->addr, base, e->type, err) || push(m, end, ee, e->type, err))
			return -1;
	}
	if (push(m, base, end, type, err))
		return -1;
	sort(m);
	merge(m);
	return 0;
}

int payload_memmap_init(struct payload_memmap *m, const struct hvm_memmap_table_entry *in,
			uint32_t n, struct payload_error *err)
{
	m->n = 0;
	if (n > PAYLOAD_MEMMAP_MAX)
		return payload_fail(err, FMT, "memmap_entries", -1, n, "more than 128 entries");
	/* Lowest type first, so that where two entries overlap the higher type
	 * is applied last and wins. */
	struct payload_memmap in_sorted = { 0 };
	for (uint32_t i = 0; i < n; i++) {
		uint64_t end = in[i].addr + in[i].size;
		if (in[i].size == 0)
			continue;
		if (end < in[i].addr)
			return payload_fail(err, FMT, "memmap[].size", (int)i, in[i].size,
					    "entry wraps past the top of memory");
		in_sorted.e[in_sorted.n++] = in[i];
	}
	for (uint32_t i = 1; i < in_sorted.n; i++)
		for (uint32_t j = i; j > 0 && in_sorted.e[j].type < in_sorted.e[j - 1].type; j--)
			swap(&in_sorted.e[j], &in_sorted.e[j - 1]);
	for (uint32_t i = 0; i < in_sorted.n; i++) {
		const struct hvm_memmap_table_entry *e = &in_sorted.e[i];
		if (payload_memmap_set(m, e->addr, e->size, e->type, err))
			return -1;
	}
	return 0;
}

bool payload_memmap_is_ram(const struct payload_memmap *m, uint64_t base, uint64_t len)
{
	uint64_t cur = base, end = base + len;
	if (end < base)
		return false;
	/* Sorted and merged: walk forward through adjacent RAM entries. */
	for (uint32_t i = 0; i < m->n && cur < end; i++) {
		const struct hvm_memmap_table_entry *e = &m->e[i];
		if (e->type != XEN_HVM_MEMMAP_TYPE_RAM)
			continue;
		if (cur >= e->addr && cur < e->addr + e->size)
			cur = e->addr + e->size;
	}
	return cur >= end;
}
