/* SPDX-License-Identifier: MIT */
/* The boot's SEV steps in 64-bit C (the 32-bit part is boot/sev_entry_32.c). */
#ifndef COCOBOOT_BOOT_SEV_H
#define COCOBOOT_BOOT_SEV_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/paging.h"
#include "boot/sev_boot.h"

extern struct sev_boot sev_boot_info;

static inline enum sev_mode sev_mode(void)
{
	return (enum sev_mode)sev_boot_info.mode;
}

/* The C-bit mask for page-table entries, 0 without SEV. */
uint64_t sev_enc_mask(void);
/* The #VC handler and the GHCB page (SEV-ES/SNP), the hypercall transport. */
void sev_init(void);
/* SEV-ES/SNP: CPUID 0x8000001F must report SEV and the C-bit the SEV
 * information gave (plain SEV checked it before paging). */
void sev_check_cpuid(void);
/* Map [pa, pa+len) (whole pages, RAM cocoboot owns) shared in the final tables and zero
 * it through that mapping (the APs' GHCB pages). No-op without SEV. */
void sev_share_pages(uint64_t pa, uint64_t len);
/* The reverse, once no CPU uses them: private in the final tables (SNP: page-state change to
 * private and validated), zeroed. */
void sev_unshare_pages(uint64_t pa, uint64_t len);
/* Before the C-bit of [va, va + len) changes: flush its cache lines through the
 * mapping still live, unless CPUID 0x8000001F EAX[10] says caches are coherent
 * across keys (facts §6.1). */
void sev_flush_before_cbit_change(const void *va, uint64_t len);
/* Page tables built later must map these pages shared (C-bit clear). */
void sev_map_shared(struct pt_ctx *pt);
/* Every memory-map entry cocoboot maps must end at or below 2^C-bit; else the
 * boot ends with CB_TERM_CBIT_RANGE, naming the entry. */
struct pvh_info;
void sev_check_memmap(const struct pvh_info *info);
/* Right before the payload runs: flush the GHCB page and map it private again
 * (no #VC and no console output through the GHCB after this). */
void sev_handoff_prepare(void);
/* The boot log lines about SEV: mode, C-bit, notes, and #VC/VMGEXIT counts. */
void sev_print_info(void);
void sev_print_stats(void);

#endif
