/* SPDX-License-Identifier: MIT */
/*
 * SNP page state changes (facts §5.1): one 4 KiB page through the GHCB MSR protocol
 * (0x014/0x015), or a batch of up to 253 entries (4 KiB or 2 MiB each) through the GHCB
 * NAE 0x8000_0010. The hypervisor's answer is input: its error result, and the progress it
 * reports in the descriptor header, are checked. Pure logic over struct vc_cpu (its ops do
 * the exits), so host tests run it against a fake hypervisor.
 */
#ifndef COCOBOOT_SNP_PSC_H
#define COCOBOOT_SNP_PSC_H

#include <stdint.h>

#include "ghcb/vc.h"
#include "sev/snp.h"

/* One page through the MSR protocol (usable before the GHCB page exists). */
int snp_psc_msr(struct vc_cpu *cpu, uint64_t gfn, unsigned op);

/*
 * n (1..253) entries through the GHCB page (cpu->ghcb set). Repeats the VMGEXIT while the
 * hypervisor returns early, as the specification allows, but only while it makes progress:
 * (cur_entry, cur_page) must grow with every call, end_entry and the reserved field must
 * stay as written, every entry below cur_entry must be marked complete (cur_page = 512 or 1). Returns 0, CB_TERM_SNP_PSC (an error result) or CB_TERM_SNP_PSC_PROGRESS.
 * *calls (may be NULL) counts the VMGEXITs.
 */
int snp_psc_batch(struct vc_cpu *cpu, const uint64_t *entries, unsigned n, unsigned *calls);

#endif
