/* SOURCES: payload/elf.c */
/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the PVH ELF parser. On success the plan must describe
 * only bytes inside the input and memory below 4 GiB, with the entry in a
 * loaded segment and no two segments overlapping (payload/elf.c contract).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include "payload/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_plan plan;
	struct payload_error err;
	if (elf_parse(data, size, &plan, &err) != 0) {
		if (!err.field || !err.reason)
			abort();
		return 0;
	}
	if (plan.nseg == 0 || plan.nseg > ELF_MAX_LOADS)
		abort();
	int inside = 0;
	for (unsigned i = 0; i < plan.nseg; i++) {
		const struct elf_seg *s = &plan.seg[i];
		if (s->file_off > size || s->file_size > size - s->file_off)
			abort();
		if (s->file_size > s->mem_size || s->paddr + s->mem_size > ELF_MAX_ADDR)
			abort();
		if (s->paddr < plan.kstart || s->paddr + s->mem_size > plan.kend)
			abort();
		if (plan.entry >= s->paddr && plan.entry < s->paddr + s->file_size)
			inside = 1;
		for (unsigned j = 0; j < i; j++) {
			const struct elf_seg *o = &plan.seg[j];
			if (s->paddr < o->paddr + o->mem_size && o->paddr < s->paddr + s->mem_size)
				abort();
		}
	}
	if (!inside)
		abort();
	return 0;
}
