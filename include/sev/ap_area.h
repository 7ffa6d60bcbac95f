/* SPDX-License-Identifier: MIT */
/*
 * cocoboot's SEV-ES AP area (docs/abi.md §11), named in its image by an ELF note so
 * that every AP's launch VMSA is known before launch (the ELF form of OVMF's "SEV-ES
 * reset block", amd-sev-facts.md §7.4): name "cocoboot" (COCOBOOT_NOTE_NAMESZ),
 * type COCOBOOT_NOTE_SEV_ES_AP_AREA, the descriptor below (the hashes note's layout).
 *
 * A toolstack starting the guest under SEV-ES gives every AP v >= 1 the launch state:
 * real mode, CS selector paddr >> 4, CS base paddr, limit 0xFFFF, IP 0, the rest the
 * reset values of facts §7.2 (CR0 0x60000010, EFER 0x1000, RFLAGS 2, ...).
 */
#ifndef COCOBOOT_SEV_AP_AREA_H
#define COCOBOOT_SEV_AP_AREA_H

#include <stdint.h>

#define COCOBOOT_NOTE_SEV_ES_AP_AREA 0x103

struct cocoboot_note_ap_area {
	uint64_t paddr;    /* first byte of the area, page aligned, below 1 MiB */
	uint32_t size;     /* bytes: 3 pages (reset/park code, jump table, trampoline) */
	uint32_t version;  /* 1 */
};
_Static_assert(sizeof(struct cocoboot_note_ap_area) == 16, "note descriptor is 16 bytes");
_Static_assert(__builtin_offsetof(struct cocoboot_note_ap_area, size) == 8, "size at 8");
_Static_assert(__builtin_offsetof(struct cocoboot_note_ap_area, version) == 12, "version at 12");

/* The jump table entry (Linux core.c sev_es_setup_ap_jump_table; facts §7.4): the
 * real-mode far pointer at offset 0 of the registered page. */
struct sev_ap_jump_table {
	uint16_t ip;
	uint16_t cs;
};
_Static_assert(sizeof(struct sev_ap_jump_table) == 4, "IP then CS");

#endif
