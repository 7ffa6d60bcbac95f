// SPDX-License-Identifier: MIT
/*
 * The SNP CPUID page as the source of CPUID answers (facts §6.2; Linux sev-shared.c
 * snp_cpuid / snp_cpuid_postprocess for the lookup and which fields are the hypervisor's).
 */
#include "snp/cpuid.h"

#include "ghcb/check.h"
#include "sev/term.h"

#define LEAF_SEV 0x8000001fu

int snp_cpuid_table_check(const struct snp_cpuid_table *t, bool *missing)
{
	*missing = false;
	if (t->count == 0 && t->reserved1 == 0 && t->reserved2 == 0) {
		*missing = true;
		return CB_TERM_SNP_CPUID_PAGE;
	}
	if (t->count > SNP_CPUID_COUNT_MAX || t->reserved1 || t->reserved2)
		return CB_TERM_SNP_CPUID_PAGE;
	const struct snp_cpuid_fn *e = snp_cpuid_find(t, LEAF_SEV, 0);
	if (!e || !(e->eax & (1u << 1)) || !(e->eax & (1u << 4)))
		return CB_TERM_SNP_CPUID_PAGE;
	return 0;
}

const struct snp_cpuid_fn *snp_cpuid_find(const struct snp_cpuid_table *t, uint32_t leaf,
					  uint32_t sub)
{
	uint32_t n = t->count <= SNP_CPUID_COUNT_MAX ? t->count : 0;

	for (uint32_t i = 0; i < n; i++) {
		const struct snp_cpuid_fn *e = &t->fn[i];

		if (e->eax_in != leaf)
			continue;
		if (ghcb_cpuid_leaf_indexed(leaf) && e->ecx_in != sub)
			continue;
		if (leaf == 0xd && (e->xcr0_in != 1 || e->xss_in != 0))
			continue;
		return e;
	}
	return (const struct snp_cpuid_fn *)0;
}

bool snp_cpuid_cross_checked(uint32_t leaf)
{
	return leaf == 0 || leaf == 1 || leaf == 0x80000000u || leaf == 0x80000001u || leaf == LEAF_SEV;
}

int snp_cpuid_compare(const struct snp_cpuid_fn *e, uint32_t leaf, const uint32_t hv[4],
		      uint32_t out[4])
{
	/* Per register: the bits that are the hypervisor's (per-vCPU or guest state). */
	uint32_t dyn[4] = { 0, 0, 0, 0 };

	if (leaf == 1) {
		dyn[1] = 0xffff0000u;   /* EBX[31:24] initial APIC ID, [23:16] logical CPUs */
		dyn[2] = 1u << 27;      /* ECX OSXSAVE mirrors CR4 */
		dyn[3] = 1u << 9;       /* EDX APIC: off while IA32_APIC_BASE disables it */
	}
	const uint32_t page[4] = { e->eax, e->ebx, e->ecx, e->edx };

	for (unsigned i = 0; i < 4; i++) {
		if ((page[i] ^ hv[i]) & ~dyn[i])
			return CB_TERM_SNP_CPUID_CONTRADICT;
		out[i] = (page[i] & ~dyn[i]) | (hv[i] & dyn[i]);
	}
	return 0;
}

int snp_cpuid_vc_hook(void *ctx, uint32_t leaf, uint32_t sub, const uint32_t *hv, uint32_t out[4])
{
	const struct snp_cpuid_table *t = ctx;
	const struct snp_cpuid_fn *e = snp_cpuid_find(t, leaf, sub);

	if (!hv) {
		/* First call: answer from the page alone when the leaf is there and not one the
		 * boot cross-checks; 0 = ask the hypervisor. */
		if (!e || snp_cpuid_cross_checked(leaf))
			return 0;
		out[0] = e->eax, out[1] = e->ebx, out[2] = e->ecx, out[3] = e->edx;
		return 1;
	}
	if (!e && snp_cpuid_cross_checked(leaf))
		return CB_TERM_SNP_CPUID_PAGE;  /* a leaf the boot relies on must be there */
	if (!e) {
		/* Not in the page: the hypervisor's answer, already sanity-checked. */
		for (unsigned i = 0; i < 4; i++)
			out[i] = hv[i];
		return 0;
	}
	return snp_cpuid_compare(e, leaf, hv, out);
}
