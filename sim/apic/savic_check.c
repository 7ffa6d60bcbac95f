/* SPDX-License-Identifier: MIT */
/*
 * The handoff checker's Secure AVIC checks (docs/abi.md §12, amd-sev-facts.md §8.5): a
 * payload that knows nothing of Secure AVIC must find it torn down on every vCPU, and one
 * that does must be able to set it up from scratch. At the handoff, for every vCPU:
 *   savic_disabled      SAVIC_CONTROL has EN clear (and no backing page GPA left in it);
 *   savic_unregistered  no backing page registered with the hypervisor (NAE 0x8000_001A);
 *   savic_allowed_irr   the last backing page has no ALLOWED_IRR bit set, so the
 *                       hypervisor cannot inject into a page the payload may reuse.
 */
#include <inttypes.h>

#include "sim/sim.h"

void sim_savic_handoff_checks(struct sim *s, struct sim_handoff *h)
{
	unsigned en = 0, reg = 0, allowed = 0, first_en = 0, first_reg = 0, first_al = 0;

	for (unsigned i = 0; i < s->nr_vcpus; i++) {
		const struct sim_apic *a = &s->vcpu[i].apic;
		if (a->savic_ctrl && !en++)
			first_en = i;
		if (a->savic_gpa != ~0ull && !reg++)
			first_reg = i;
		if (a->savic_last_gpa != ~0ull && sim_mem_is_ram(s, a->savic_last_gpa, 4096)) {
			const uint8_t *p = s->ram + a->savic_last_gpa;
			for (unsigned w = 0; w < 8; w++)
				if (sim_apic_reg(p, SIM_APIC_ALLOWED + w * 16)) {
					if (!allowed++)
						first_al = i;
					break;
				}
		}
	}
	sim_check_add(h, "savic_disabled", !en, "%u vCPU(s) with SAVIC_CONTROL != 0 (first: vcpu%u)",
		      en, first_en);
	sim_check_add(h, "savic_unregistered", !reg, "%u vCPU(s) with a backing page registered "
		      "(first: vcpu%u)", reg, first_reg);
	sim_check_add(h, "savic_allowed_irr", !allowed, "%u backing page(s) with ALLOWED_IRR bits "
		      "set (first: vcpu%u)", allowed, first_al);
}
