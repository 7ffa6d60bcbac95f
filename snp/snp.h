/* SPDX-License-Identifier: MIT */
/*
 * cocoboot under SEV-SNP (docs/abi.md §10): the feature policy, the CPUID and secrets pages,
 * the GHCB page made shared, validation of all RAM, and the state a payload gets.
 * Called from boot/sev.c and boot/memory.c only when SEV_STATUS says SNP.
 */
#ifndef COCOBOOT_SNP_SNP_H
#define COCOBOOT_SNP_SNP_H

#include <stdbool.h>
#include <stdint.h>

#include "sev/snp.h"
#include "snp/validate.h"

struct pvh_info;

extern uint8_t cocoboot_snp_cpuid_page[4096];   /* snp/pages.asm */
extern uint8_t cocoboot_snp_secrets_page[4096];

/* SEV_STATUS bits cocoboot does not handle (facts §1.1, Linux snp_check_features). */
uint64_t snp_unsupported_features(uint64_t sev_status);

/* Before the GHCB page: the feature policy (remembered, reported once a console works),
 * hypervisor features (MSR protocol 0x080, bit 0 required). */
void snp_init_early(void);
/* Make one page of the image shared before the GHCB exists (rescind, then the MSR-protocol
 * page state change); the caller clears the C-bit in its mapping and flushes the TLB. */
void snp_page_share_early(uint64_t pa);
/* With the GHCB registered: report a failed feature policy; check the CPUID page and hand it
 * to the #VC handler; check the secrets page. */
void snp_init(void);
/* All RAM of the memory map in [lo, hi) that is not launch memory: private and validated. */
void snp_validate_ram(const struct pvh_info *info, uint64_t lo, uint64_t hi);
/* The same spread over every CPU up (smp/work.c smp_run_on_all): each validates its share
 * with its own batches and GHCB; the BSP alone when no AP takes work. */
void snp_validate_ram_all_cpus(const struct pvh_info *info, uint64_t lo, uint64_t hi);
/* Right before the handoff: every RAM page but the GHCB page must still be validated
 * (PVALIDATE reports "no change"); a page the hypervisor reset ends the boot (0x3f). */
void snp_verify_ram(const struct pvh_info *info, uint64_t ghcb_pa);
/* [pa, pa+len) private and validated (4 KiB pages): rescind, page-state change to shared. */
void snp_make_range_shared(uint64_t pa, uint64_t len);
/* [pa, pa+len) was shared (a module from the VMM): private and validated again. */
void snp_make_range_private(uint64_t pa, uint64_t len);
/* The GHCB page turns private again at the handoff: after the C-bit is set in its mapping
 * and the TLB flushed, validate it (the last SNP step of the boot). */
void snp_page_unshare_late(uint64_t pa, bool before_map);
/* The hypervisor's feature bitmap (GHCB_HV_FT_*). */
uint64_t snp_hv_features(void);
/* Statistics for the log and make bench. */
const struct snp_validate_stats *snp_stats(void);
void snp_print_stats(void);

#endif
