/* SPDX-License-Identifier: MIT */
/* Checks on hypervisor answers (ghcb/check.h). Sources cited per rule. */
#include "ghcb/check.h"

#include "sev/msr_protocol.h"
#include "sev/term.h"

int ghcb_check_sev_info(uint64_t resp, struct ghcb_sev_info *out)
{
	if (ghcb_msr_code(resp) != GHCB_MSR_SEV_INFO_RESP)
		return CB_TERM_MSR_RESPONSE;
	/* [23:12] carry nothing in the SEV-info response (facts §2). */
	if ((resp >> 12) & 0xfffu)
		return CB_TERM_MSR_RESPONSE;
	out->hv_max = ghcb_msr_sev_info_max(resp);
	out->hv_min = ghcb_msr_sev_info_min(resp);
	out->cbit = ghcb_msr_sev_info_cbit(resp);
	/* facts §2 notes: fail if hv_max < our min or hv_min > our max. */
	out->version = ghcb_negotiate_version(out->hv_min, out->hv_max);
	if (!out->version)
		return CB_TERM_PROTOCOL_VERSION;
	if (out->cbit < GHCB_CBIT_MIN || out->cbit > GHCB_CBIT_MAX)
		return CB_TERM_CBIT_RANGE;
	return 0;
}

int ghcb_check_msr_cpuid(uint64_t req, uint64_t resp, uint32_t *value)
{
	if (ghcb_msr_code(resp) != GHCB_MSR_CPUID_RESP)
		return CB_TERM_MSR_RESPONSE;
	/* Linux's 32-bit handler: [29:12] must be zero (facts §2, mem_encrypt.S). */
	if (!ghcb_msr_cpuid_resp_reserved_ok(resp))
		return CB_TERM_MSR_RESPONSE;
	/* [31:30] are not part of the response (facts §2: 0x005 carries the value in
	 * [63:32] and nothing else); KVM leaves the request's register there, another
	 * hypervisor may clear them: neither is an error. req names the register asked
	 * for; the caller keeps the pairing. */
	(void)req;
	*value = ghcb_msr_cpuid_resp_value(resp);
	return 0;
}

int ghcb_check_reg_gpa(uint64_t gfn, uint64_t resp)
{
	if (ghcb_msr_code(resp) != GHCB_MSR_REG_GPA_RESP)
		return CB_TERM_MSR_RESPONSE;
	/* facts §2: the guest must check the GFN equals the request (Linux terminates). */
	if (ghcb_msr_gfn(resp) != gfn)
		return CB_TERM_GHCB_REGISTER;
	return 0;
}

int ghcb_check_pref_gpa(uint64_t resp, uint64_t *gfn)
{
	if (ghcb_msr_code(resp) != GHCB_MSR_PREF_GPA_RESP)
		return CB_TERM_MSR_RESPONSE;
	*gfn = ghcb_msr_gfn(resp);
	return 0;
}

int ghcb_check_hv_features(uint64_t resp, uint64_t *features)
{
	if (ghcb_msr_code(resp) != GHCB_MSR_HV_FT_RESP)
		return CB_TERM_MSR_RESPONSE;
	*features = ghcb_msr_hv_ft_bitmap(resp);
	return 0;
}

int ghcb_check_psc(uint64_t resp)
{
	if (ghcb_msr_code(resp) != GHCB_MSR_PSC_RESP)
		return CB_TERM_MSR_RESPONSE;
	if (ghcb_msr_psc_resp_error(resp))
		return CB_TERM_GHCB_HV_ERROR;
	return 0;
}

int ghcb_check_ap_reset_hold(uint64_t resp, bool *woken)
{
	if (ghcb_msr_code(resp) != GHCB_MSR_AP_RESET_HOLD_RESP)
		return CB_TERM_MSR_RESPONSE;
	*woken = ghcb_msr_ap_reset_hold_result(resp) != 0;
	return 0;
}

int ghcb_check_cbit_above(unsigned cbit, uint64_t top_of_ram)
{
	if (cbit < GHCB_CBIT_MIN || cbit > GHCB_CBIT_MAX)
		return CB_TERM_CBIT_RANGE;
	if ((1ull << cbit) <= top_of_ram)
		return CB_TERM_CBIT_RANGE;
	return 0;
}

void ghcb_resp_copy(const volatile struct ghcb *g, struct ghcb_resp *r)
{
	r->valid[0] = g->valid_bitmap[0];
	r->valid[1] = g->valid_bitmap[1];
	r->sw_exit_info_1 = g->sw_exit_info_1;
	r->sw_exit_info_2 = g->sw_exit_info_2;
	r->rax = g->rax;
	r->rbx = g->rbx;
	r->rcx = g->rcx;
	r->rdx = g->rdx;
}

int ghcb_check_result(const struct ghcb_resp *r)
{
	/* facts §3 "Call protocol" step 4: the result is sw_exit_info_1[31:0]. */
	switch ((uint32_t)r->sw_exit_info_1) {
	case GHCB_RESULT_OK:
		return 0;
	case GHCB_RESULT_ERROR:
		return CB_TERM_GHCB_HV_ERROR;
	default:
		return CB_TERM_GHCB_BAD_RESULT;
	}
}

int ghcb_check_valid(const struct ghcb_resp *r, const uint8_t *bits, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!ghcb_bitmap_test(r->valid, bits[i]))
			return CB_TERM_GHCB_MISSING_VALID;
	return 0;
}

#define VENDOR(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

static bool vendor_is_sev_capable(uint32_t ebx, uint32_t edx, uint32_t ecx)
{
	/* "AuthenticAMD" and "HygonGenuine" in EBX, EDX, ECX order. */
	if (ebx == VENDOR('A', 'u', 't', 'h') && edx == VENDOR('e', 'n', 't', 'i') &&
	    ecx == VENDOR('c', 'A', 'M', 'D'))
		return true;
	return ebx == VENDOR('H', 'y', 'g', 'o') && edx == VENDOR('n', 'G', 'e', 'n') &&
	       ecx == VENDOR('u', 'i', 'n', 'e');
}

int ghcb_check_cpuid(uint32_t leaf, uint32_t subleaf, uint64_t eax, uint64_t ebx, uint64_t ecx,
		     uint64_t edx)
{
	(void)subleaf;
	if ((eax | ebx | ecx | edx) >> 32)
		return CB_TERM_CPUID_GARBAGE;

	switch (leaf) {
	case 0x0:
		if (!vendor_is_sev_capable((uint32_t)ebx, (uint32_t)edx, (uint32_t)ecx))
			return CB_TERM_CPUID_GARBAGE;
		if (eax < 1 || eax >= 0x100)            /* leaf 1 is used */
			return CB_TERM_CPUID_GARBAGE;
		return 0;
	case 0x1:
		/* An SEV guest always runs under a hypervisor: ECX[31] (SDM/APM CPUID
		 * Fn0000_0001 ECX "hypervisor present") says so; and this code runs with
		 * paging and MSRs, so PAE (EDX[6]) and MSR (EDX[5]) cannot be absent. */
		if (!(ecx & (1u << 31)) || !(edx & (1u << 6)) || !(edx & (1u << 5)))
			return CB_TERM_CPUID_GARBAGE;
		return 0;
	case 0x80000001:
		/* Long mode (EDX[29]) is running, so a CPUID that denies it lies. NX
		 * (EDX[20]) is checked against EFER itself (boot/sev.c), 1 GiB pages
		 * (EDX[26]) only cost page-table memory when denied. */
		if (!(edx & (1u << 29)))
			return CB_TERM_CPUID_GARBAGE;
		return 0;
	case 0x80000000:
		if (eax > 0x800000ffu || eax < 0x80000000u)
			return CB_TERM_CPUID_GARBAGE;
		if (eax < 0x8000001fu)
			return CB_TERM_NO_SEV;          /* facts §9 item 2 */
		return 0;
	case 0x8000001f:
		if (!(eax & (1u << 1)))                 /* facts §6.1 EAX bit 1 = SEV */
			return CB_TERM_NO_SEV;
		if ((ebx & 0x3f) < GHCB_CBIT_MIN || (ebx & 0x3f) > GHCB_CBIT_MAX)
			return CB_TERM_CPUID_GARBAGE;   /* facts §6.1 EBX[5:0] */
		return 0;
	default:
		return 0;
	}
}

bool ghcb_cpuid_leaf_indexed(uint32_t leaf)
{
	switch (leaf) {
	case 0x4: case 0x7: case 0xb: case 0xd: case 0xf: case 0x10: case 0x12: case 0x14:
	case 0x17: case 0x18: case 0x1d: case 0x1e: case 0x1f: case 0x20: case 0x23: case 0x24:
	case 0x8000001d: case 0x80000020: case 0x80000026:
		return true;
	default:
		return false;
	}
}
