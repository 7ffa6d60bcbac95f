/* SPDX-License-Identifier: MIT */
/*
 * The SNP CPUID page (facts §6.2): checked once, then the source of CPUID answers. Its values
 * were checked by the secure processor against the CPU at launch, so they win over the
 * hypervisor's. The leaves the boot relies on are also asked of the hypervisor and compared:
 * a hypervisor that told the firmware one thing and tells the guest another is lying.
 * Pure C (host-tested).
 */
#ifndef COCOBOOT_SNP_CPUID_H
#define COCOBOOT_SNP_CPUID_H

#include <stdbool.h>
#include <stdint.h>

#include "sev/snp.h"

/* count in 1..64, reserved header fields 0, and leaf 0x8000001F present with SEV
 * (EAX bit 1) and SNP (EAX bit 4): else CB_TERM_SNP_CPUID_PAGE. An all-zero page is
 * "missing" (*missing set, also CB_TERM_SNP_CPUID_PAGE). */
int snp_cpuid_table_check(const struct snp_cpuid_table *t, bool *missing);

/* The entry for (leaf, sub): eax_in, ecx_in for indexed leaves (else ecx_in ignored), and
 * for leaf 0xD only entries with xcr0_in 1 and xss_in 0 (cocoboot's XCR0/XSS). NULL: none. */
const struct snp_cpuid_fn *snp_cpuid_find(const struct snp_cpuid_table *t, uint32_t leaf,
					  uint32_t sub);

/* The leaves cocoboot's boot uses: asked of the hypervisor too and compared. */
bool snp_cpuid_cross_checked(uint32_t leaf);

/* Compare the hypervisor's answer hv[] with the page's entry, outside the fields that are
 * per-vCPU or guest state (leaf 1: EBX[31:16] APIC ID and CPU count, ECX[27] OSXSAVE, EDX[9]
 * APIC enabled; Linux merges the same from the hypervisor). out = the page's values with those
 * fields from hv. 0, or CB_TERM_SNP_CPUID_CONTRADICT. */
int snp_cpuid_compare(const struct snp_cpuid_fn *e, uint32_t leaf, const uint32_t hv[4],
		      uint32_t out[4]);

/* The hook of the #VC core (struct vc_cpu.cpuid_page): ctx is the table. */
int snp_cpuid_vc_hook(void *ctx, uint32_t leaf, uint32_t sub, const uint32_t *hv, uint32_t out[4]);

#endif
