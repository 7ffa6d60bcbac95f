/* SPDX-License-Identifier: MIT */
/*
 * PVH ELF parser: validates an ELF32 or ELF64 image and turns it into a load
 * plan (facts §1.1). Pure C over an untrusted buffer; also built on the host.
 */
#ifndef COCOBOOT_PAYLOAD_ELF_H
#define COCOBOOT_PAYLOAD_ELF_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "payload/error.h"

#define ELF_MAX_PHDRS   64  /* program headers looked at */
#define ELF_MAX_LOADS   16  /* PT_LOAD segments with memory */
#define ELF_MAX_SHDRS   256 /* section headers looked at for SHT_NOTE */
#define ELF_MAX_ADDR    0x100000000ull /* PVH enters with paging off: all below 4 GiB */

struct elf_seg {
	uint64_t file_off;   /* p_offset */
	uint64_t file_size;  /* p_filesz */
	uint64_t paddr;      /* p_paddr: where it goes (facts §1.1 "Load addresses") */
	uint64_t mem_size;   /* p_memsz; [file_size, mem_size) is zeroed */
};

struct elf_plan {
	unsigned elf_class;      /* ELF_CLASS32 or ELF_CLASS64 */
	uint32_t entry;          /* XEN_ELFNOTE_PHYS32_ENTRY */
	uint64_t kstart, kend;   /* lowest p_paddr, highest p_paddr + p_memsz */
	unsigned nseg;
	struct elf_seg seg[ELF_MAX_LOADS];
	bool note_from_sections; /* found through SHT_NOTE, not PT_NOTE */
	bool reloc;              /* XEN_ELFNOTE_PHYS32_RELOC present */
	uint32_t reloc_align, reloc_min, reloc_max;
};

/* True when the buffer starts with the ELF magic (cheap format sniffing). */
bool elf_is_elf(const void *img, size_t size);

/* Validate img[0..size) and fill *plan. Returns 0, or -1 with *err naming the field. */
int elf_parse(const void *img, size_t size, struct elf_plan *plan, struct payload_error *err);

#endif
