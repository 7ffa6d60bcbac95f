/* SPDX-License-Identifier: MIT */
/*
 * SNP attacks on guest memory at a VMGEXIT (docs/lies.md): the hypervisor takes back the page
 * the guest validated last. rmp-reset: RMPUPDATE to a fresh private entry (what a hypervisor
 * does after swapping the page's backing: the new entry is not validated); rmp-reset-shared:
 * to hypervisor-owned. The guest's next C=1 access raises #VC 0x404; a PVALIDATE of it
 * reports a change where the guest expected none (CF = 0).
 */
#include <inttypes.h>

#include "sim/sim.h"

void sim_snp_attack_vmgexit(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uint64_t gfn = s->snp.last_validated;

	if (!s->rmp || !gfn || !sim_rmp_validated(s, gfn))
		return;
	if (sim_lie(s, SIM_LIE_RMP_RESET))
		sim_rmp_hv_reset(s, gfn, false);
	else if (sim_lie(s, SIM_LIE_RMP_RESET_SHARED))
		sim_rmp_hv_reset(s, gfn, true);
	else
		return;
	sim_trace(s, "vcpu%u: the hypervisor re-assigned validated GPA %#" PRIx64, v->id, gfn << 12);
}
