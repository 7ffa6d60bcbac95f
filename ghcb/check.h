/* SPDX-License-Identifier: MIT */
/*
 * Checks on what the hypervisor hands back: GHCB MSR-protocol responses, GHCB page responses
 * (after they were copied out of shared memory once) and CPUID values. Every function
 * returns 0 when the value may be used, else the cocoboot termination code (include/sev/term.h,
 * set CB_TERM_SET) that names the failed check. Pure functions: guest and host tests share them.
 */
#ifndef COCOBOOT_GHCB_CHECK_H
#define COCOBOOT_GHCB_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "sev/ghcb.h"

/* C-bit positions cocoboot accepts: a physical-address bit above the page offset (>= 12)
 * and inside the 52-bit architectural physical address width (<= 51). */
#define GHCB_CBIT_MIN 12u
#define GHCB_CBIT_MAX 51u

/* --- MSR protocol (facts §2) --- */

struct ghcb_sev_info {
	unsigned hv_min, hv_max;        /* hypervisor's protocol range */
	unsigned version;               /* negotiated: min(hv_max, GHCB_PROTOCOL_MAX) */
	unsigned cbit;                  /* C-bit position from [31:24] */
};

/* SEV information response (0x001): code, version negotiation, C-bit range. */
int ghcb_check_sev_info(uint64_t resp, struct ghcb_sev_info *out);

/* CPUID response (0x005) to request req: code and [29:12] zero; [31:30] may hold anything
 * (the response does not define them: KVM echoes the request's register, others may not). */
int ghcb_check_msr_cpuid(uint64_t req, uint64_t resp, uint32_t *value);

/* Register-GHCB-GPA response (0x013): code and the same GFN as requested. */
int ghcb_check_reg_gpa(uint64_t gfn, uint64_t resp);

/* Preferred-GPA response (0x011); *gfn = GHCB_MSR_PREF_GPA_NONE when no preference. */
int ghcb_check_pref_gpa(uint64_t resp, uint64_t *gfn);

/* Hypervisor-features response (0x081). */
int ghcb_check_hv_features(uint64_t resp, uint64_t *features);

/* Page-state-change response (0x015): error field [63:32] must be 0. */
int ghcb_check_psc(uint64_t resp);

/* AP-reset-hold response (0x007); *woken = result [63:12] != 0. */
int ghcb_check_ap_reset_hold(uint64_t resp, bool *woken);

/* C-bit position against the guest's RAM: (1 << cbit) must lie above top_of_ram. */
int ghcb_check_cbit_above(unsigned cbit, uint64_t top_of_ram);

/* --- GHCB page responses (facts §3) --- */

/* What the guest reads after a VMGEXIT, copied out of the shared page once. */
struct ghcb_resp {
	uint64_t valid[2];
	uint64_t sw_exit_info_1;
	uint64_t sw_exit_info_2;
	uint64_t rax, rbx, rcx, rdx;
};

/* Copy the response fields out of the shared page, each read exactly once. */
void ghcb_resp_copy(const volatile struct ghcb *g, struct ghcb_resp *r);

/* sw_exit_info_1[31:0]: 0 ok, 2 hypervisor error, anything else (incl. 1, an exception
 * injection request cocoboot does not take) a bad result. */
int ghcb_check_result(const struct ghcb_resp *r);

/* Every valid-bitmap bit in bits[0..n-1] is set in the response. */
int ghcb_check_valid(const struct ghcb_resp *r, const uint8_t *bits, unsigned n);

/* --- CPUID sanity (facts §6.1, §9) --- */

/*
 * Checks a CPUID answer as it came from the hypervisor, in 64-bit registers (GHCB) or
 * zero-extended 32-bit values (MSR protocol). Rules:
 *  - every register fits in 32 bits (CPUID writes 32-bit values);
 *  - leaf 0: vendor AuthenticAMD or HygonGenuine (the only SEV vendors), max leaf 1..0xff;
 *  - leaf 1: hypervisor present (ECX[31]), PAE and MSR (EDX[6], EDX[5]);
 *  - leaf 0x8000_0001: long mode (EDX[29]);
 *  - leaf 0x8000_0000: max extended leaf in 0x8000_001F..0x8000_00FF (below 0x8000_001F the
 *    hypervisor hides SEV: CB_TERM_NO_SEV);
 *  - leaf 0x8000_001F: EAX bit 1 (SEV) set, else CB_TERM_NO_SEV; C-bit EBX[5:0] within
 *    GHCB_CBIT_MIN..MAX, else CB_TERM_CPUID_GARBAGE.
 * A guest runs this only when it knows it is an SEV guest (it got a #VC).
 */
int ghcb_check_cpuid(uint32_t leaf, uint32_t subleaf, uint64_t eax, uint64_t ebx, uint64_t ecx,
		     uint64_t edx);

/* True for CPUID leaves whose output depends on ECX; the MSR protocol cannot carry a
 * sub-leaf, so those are answered only through the GHCB page (facts §2, 0x004). */
bool ghcb_cpuid_leaf_indexed(uint32_t leaf);

#endif
