/* SPDX-License-Identifier: MIT */
/*
 * The GHCB MSR protocol and SEV_STATUS: MSR numbers, request/response codes and field
 * encodings, as static inline encode/decode functions usable by guest and host.
 *
 * Source: ../shared/docs/amd-sev-facts.md §1 (MSRs, SEV_STATUS bits §1.1) and §2 (MSR
 * protocol; Linux sev-common.h GHCB_MSR_*, edk2 Ghcb.h, KVM sev.c). GHCBData[11:0] is
 * always the request/response code; the rest of the 64-bit value is the payload.
 */
#ifndef COCOBOOT_SEV_MSR_PROTOCOL_H
#define COCOBOOT_SEV_MSR_PROTOCOL_H

#include <stdbool.h>
#include <stdint.h>

/* facts §1 */
#define MSR_SEV_GHCB            0xc0010130u
#define MSR_SEV_STATUS          0xc0010131u

/* facts §1.1: SEV_STATUS bits (SEV_FEATURES in a VMSA = SEV_STATUS >> 2). */
#define SEV_STATUS_SEV              (1ull << 0)
#define SEV_STATUS_SEV_ES           (1ull << 1)
#define SEV_STATUS_SNP              (1ull << 2)
#define SEV_STATUS_VTOM             (1ull << 3)
#define SEV_STATUS_REFLECT_VC       (1ull << 4)
#define SEV_STATUS_RESTRICTED_INJ   (1ull << 5)
#define SEV_STATUS_ALT_INJ          (1ull << 6)
#define SEV_STATUS_DEBUG_SWAP       (1ull << 7)
#define SEV_STATUS_PREVENT_HOST_IBS (1ull << 8)
#define SEV_STATUS_BTB_ISOLATION    (1ull << 9)
#define SEV_STATUS_VMPL_SSS         (1ull << 10)
#define SEV_STATUS_SECURE_TSC       (1ull << 11)
#define SEV_STATUS_VMGEXIT_PARAM    (1ull << 12)
#define SEV_STATUS_BIT13            (1ull << 13) /* PMC virt (edk2) / reserved (Linux) */
#define SEV_STATUS_IBS_VIRT         (1ull << 14)
#define SEV_STATUS_BIT15            (1ull << 15) /* reserved */
#define SEV_STATUS_VMSA_REG_PROT    (1ull << 16)
#define SEV_STATUS_SMT_PROT         (1ull << 17)
#define SEV_STATUS_SECURE_AVIC      (1ull << 18)
#define SEV_STATUS_IBPB_ON_ENTRY    (1ull << 23)

/* facts §2: GHCBData[11:0] codes. */
#define GHCB_MSR_INFO_MASK          0xfffull
#define GHCB_MSR_SEV_INFO_RESP      0x001u
#define GHCB_MSR_SEV_INFO_REQ       0x002u
#define GHCB_MSR_CPUID_REQ          0x004u
#define GHCB_MSR_CPUID_RESP         0x005u
#define GHCB_MSR_AP_RESET_HOLD_REQ  0x006u
#define GHCB_MSR_AP_RESET_HOLD_RESP 0x007u
#define GHCB_MSR_PREF_GPA_REQ       0x010u
#define GHCB_MSR_PREF_GPA_RESP      0x011u
#define GHCB_MSR_REG_GPA_REQ        0x012u
#define GHCB_MSR_REG_GPA_RESP       0x013u
#define GHCB_MSR_PSC_REQ            0x014u
#define GHCB_MSR_PSC_RESP           0x015u
#define GHCB_MSR_VMPL_REQ           0x016u
#define GHCB_MSR_VMPL_RESP          0x017u
#define GHCB_MSR_HV_FT_REQ          0x080u
#define GHCB_MSR_HV_FT_RESP         0x081u
#define GHCB_MSR_TERM_REQ           0x100u

/* CPUID request register selector, GHCBData[31:30] (facts §2). */
#define GHCB_CPUID_EAX  0u
#define GHCB_CPUID_EBX  1u
#define GHCB_CPUID_ECX  2u
#define GHCB_CPUID_EDX  3u

/* PSC operations, GHCBData[55:52] (facts §2; only these two via the MSR protocol). */
#define GHCB_PSC_OP_PRIVATE 1u
#define GHCB_PSC_OP_SHARED  2u

/* "No preference" answer to the preferred-GPA request: GFN 0xF_FFFF_FFFF_FFFF (facts §2). */
#define GHCB_MSR_PREF_GPA_NONE  0xfffffffffffffull

/* Hypervisor feature bits (facts §2.2, single-bit reading as in Linux and COCONUT). */
#define GHCB_HV_FT_SNP              (1ull << 0)
#define GHCB_HV_FT_SNP_AP_CREATION  (1ull << 1)
#define GHCB_HV_FT_SNP_RINJ         (1ull << 2)
#define GHCB_HV_FT_SNP_RINJ_TIMER   (1ull << 3)
#define GHCB_HV_FT_APIC_ID_LIST     (1ull << 4)
#define GHCB_HV_FT_SNP_MULTI_VMPL   (1ull << 5)

static inline unsigned ghcb_msr_code(uint64_t v)
{
	return (unsigned)(v & GHCB_MSR_INFO_MASK);
}

/* --- SEV information (0x002 -> 0x001): [63:48] max, [47:32] min, [31:24] C-bit --- */
static inline uint64_t ghcb_msr_sev_info_req(void)
{
	return GHCB_MSR_SEV_INFO_REQ;
}

static inline uint64_t ghcb_msr_sev_info_resp(unsigned max, unsigned min, unsigned cbit)
{
	return ((uint64_t)(max & 0xffffu) << 48) | ((uint64_t)(min & 0xffffu) << 32) |
	       ((uint64_t)(cbit & 0xffu) << 24) | GHCB_MSR_SEV_INFO_RESP;
}

static inline unsigned ghcb_msr_sev_info_max(uint64_t v) { return (unsigned)(v >> 48) & 0xffffu; }
static inline unsigned ghcb_msr_sev_info_min(uint64_t v) { return (unsigned)(v >> 32) & 0xffffu; }
static inline unsigned ghcb_msr_sev_info_cbit(uint64_t v) { return (unsigned)(v >> 24) & 0xffu; }

/* --- CPUID (0x004 -> 0x005): req [63:32] leaf, [31:30] register; resp [63:32] value --- */
static inline uint64_t ghcb_msr_cpuid_req(uint32_t leaf, unsigned reg)
{
	return ((uint64_t)leaf << 32) | ((uint64_t)(reg & 3u) << 30) | GHCB_MSR_CPUID_REQ;
}

static inline uint32_t ghcb_msr_cpuid_req_leaf(uint64_t v) { return (uint32_t)(v >> 32); }
static inline unsigned ghcb_msr_cpuid_req_reg(uint64_t v) { return (unsigned)(v >> 30) & 3u; }

static inline uint64_t ghcb_msr_cpuid_resp(uint32_t value, unsigned reg)
{
	return ((uint64_t)value << 32) | ((uint64_t)(reg & 3u) << 30) | GHCB_MSR_CPUID_RESP;
}

static inline uint32_t ghcb_msr_cpuid_resp_value(uint64_t v) { return (uint32_t)(v >> 32); }

/* GHCBData[29:12] of a CPUID response must be zero (Linux mem_encrypt.S, facts §2). */
static inline bool ghcb_msr_cpuid_resp_reserved_ok(uint64_t v)
{
	return ((v >> 12) & 0x3ffffu) == 0;
}

/* --- AP reset hold (0x006 -> 0x007): resp [63:12] non-zero = woken by SIPI --- */
static inline uint64_t ghcb_msr_ap_reset_hold_req(void) { return GHCB_MSR_AP_RESET_HOLD_REQ; }
static inline uint64_t ghcb_msr_ap_reset_hold_result(uint64_t v) { return v >> 12; }

/* --- Preferred / register GHCB GPA (0x010/0x011, 0x012/0x013): [63:12] GFN --- */
static inline uint64_t ghcb_msr_pref_gpa_req(void) { return GHCB_MSR_PREF_GPA_REQ; }

static inline uint64_t ghcb_msr_reg_gpa_req(uint64_t gfn)
{
	return (gfn << 12) | GHCB_MSR_REG_GPA_REQ;
}

static inline uint64_t ghcb_msr_gfn(uint64_t v) { return v >> 12; }

/* --- Page state change (0x014 -> 0x015): [51:12] GFN, [55:52] op; resp [63:32] error --- */
static inline uint64_t ghcb_msr_psc_req(uint64_t gfn, unsigned op)
{
	return ((gfn & 0xffffffffffull) << 12) | ((uint64_t)(op & 0xfu) << 52) | GHCB_MSR_PSC_REQ;
}

static inline uint64_t ghcb_msr_psc_req_gfn(uint64_t v) { return (v >> 12) & 0xffffffffffull; }
static inline unsigned ghcb_msr_psc_req_op(uint64_t v) { return (unsigned)(v >> 52) & 0xfu; }
static inline uint32_t ghcb_msr_psc_resp_error(uint64_t v) { return (uint32_t)(v >> 32); }

/* --- Run at VMPL (0x016 -> 0x017): [39:32] VMPL (encoded here, see Linux bug in facts §2) --- */
static inline uint64_t ghcb_msr_vmpl_req(unsigned vmpl)
{
	return ((uint64_t)(vmpl & 0xffu) << 32) | GHCB_MSR_VMPL_REQ;
}

static inline uint32_t ghcb_msr_vmpl_resp_error(uint64_t v) { return (uint32_t)(v >> 32); }

/* --- Hypervisor features (0x080 -> 0x081, protocol >= 2): [63:12] bitmap --- */
static inline uint64_t ghcb_msr_hv_ft_req(void) { return GHCB_MSR_HV_FT_REQ; }
static inline uint64_t ghcb_msr_hv_ft_bitmap(uint64_t v) { return v >> 12; }

/* --- Termination (0x100): [15:12] reason set, [23:16] reason code; no response --- */
static inline uint64_t ghcb_msr_term_req(unsigned set, unsigned code)
{
	return ((uint64_t)(set & 0xfu) << 12) | ((uint64_t)(code & 0xffu) << 16) |
	       GHCB_MSR_TERM_REQ;
}

static inline unsigned ghcb_msr_term_set(uint64_t v) { return (unsigned)(v >> 12) & 0xfu; }
static inline unsigned ghcb_msr_term_code(uint64_t v) { return (unsigned)(v >> 16) & 0xffu; }

/*
 * Protocol version negotiation (facts §2 notes): fail if the hypervisor's max is below ours
 * min or its min above our max; otherwise use min(hv_max, GHCB_PROTOCOL_MAX). Returns 0 on
 * failure. Written with literals so this header does not depend on ghcb.h.
 */
static inline unsigned ghcb_negotiate_version(unsigned hv_min, unsigned hv_max)
{
	if (hv_min > hv_max || hv_max < 1u || hv_min > 2u)
		return 0;
	return hv_max < 2u ? hv_max : 2u;
}

#endif
