/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP basics: a reverse-map table with one byte per 4 KiB page of guest RAM
 * (RMP_SHARED: the page belongs to the hypervisor / is shared; RMP_VALIDATED: the guest
 * validated it), PVALIDATE (F2 0F 01 FF) and page state changes (MSR protocol 0x014 and
 * NAE 0x8000_0010). Launch-loaded pages (kernel image, modules, start_info) start private
 * and validated, as after SNP_LAUNCH_UPDATE; all other RAM starts private and not
 * validated. amd-sev-facts.md §5.
 * Not modelled yet: the #VC 0x404 on access to an unvalidated private page.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "sim/sim.h"

#define RMP_SHARED    1u
#define RMP_VALIDATED 2u
#define PVALIDATE_FAIL_INPUT        1u
#define PVALIDATE_FAIL_SIZEMISMATCH 6u

void sim_rmp_init(struct sim *s)
{
	s->rmp = calloc(s->ram_size >> 12, 1);
	if (!s->rmp) {
		sim_fail(s, "out of memory for the RMP");
		return;
	}
	for (uint64_t p = s->kernel_start >> 12; p < (s->launch_end + 4095) >> 12; p++)
		s->rmp[p] = RMP_VALIDATED;
}

int sim_rmp_set_shared(struct sim *s, uint64_t gfn, bool shared)
{
	if (!s->rmp || gfn >= s->ram_size >> 12 || !sim_mem_is_ram(s, gfn << 12, 4096))
		return -1;
	s->rmp[gfn] = shared ? RMP_SHARED : 0; /* RMPUPDATE clears the validated bit */
	return 0;
}

uint64_t sim_pvalidate(struct sim_vcpu *v, uint64_t va, unsigned size, bool validate, bool *cf)
{
	struct sim *s = v->sim;
	uint64_t gpa, pages = size ? 512 : 1;

	*cf = false;
	if (!s->rmp || !sim_mmu_translate(v, va, false, &gpa))
		return PVALIDATE_FAIL_INPUT;
	gpa &= ~s->cbit_mask;
	if ((size && (gpa & 0x1fffff)) || (va & 0xfff))
		return PVALIDATE_FAIL_INPUT;
	if (!sim_mem_is_ram(s, gpa, pages * 4096))
		return PVALIDATE_FAIL_INPUT;
	for (uint64_t i = 0; i < pages; i++)
		if (s->rmp[(gpa >> 12) + i] & RMP_SHARED)
			return PVALIDATE_FAIL_INPUT;
	bool changed = false;
	for (uint64_t i = 0; i < pages; i++) {
		uint8_t *e = &s->rmp[(gpa >> 12) + i];
		if (!!(*e & RMP_VALIDATED) != validate)
			changed = true;
		*e = validate ? (*e | RMP_VALIDATED) : (*e & ~RMP_VALIDATED);
	}
	*cf = !changed; /* "success but no change" (facts §5.2) */
	sim_trace(s, "vcpu%u: pvalidate gpa %#" PRIx64 " %s %s%s", v->id, gpa, size ? "2M" : "4K",
		  validate ? "validate" : "rescind", changed ? "" : " (unchanged, CF=1)");
	return 0;
}
