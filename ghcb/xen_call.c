// SPDX-License-Identifier: MIT
/*
 * The Xen hypercall transport of an SEV-ES/SNP guest (ghcb/xen_call.h). Host-tested
 * (tests/unit/test_ghcb_vc.c); the guest glue is ghcb/sev_es.c.
 */
#include "ghcb/xen_call.h"

#include "sev/ghcb.h"
#include "sev/term.h"
#include "xen/bounce.h"

int vc_xen_call(struct vc_cpu *cpu, unsigned int nr, uint64_t args[5], uint64_t *ret)
{
	int err;

	if (!cpu->ghcb)
		return CB_TERM_VC_UNSUPPORTED;
	/* Busy first: the shared buffer belongs to whoever holds the GHCB; writing the
	 * arguments there before this check would clobber a call in flight (issue 9). */
	if (cpu->busy)
		return CB_TERM_VC_NESTED;
	cpu->busy = true;
	xen_bounce_args(nr, args, (uint8_t *)(uintptr_t)&cpu->ghcb->shared_buffer[0],
			cpu->ghcb_gpa + GHCB_SHARED_BUF_OFFSET, GHCB_SHARED_BUF_SIZE);
	err = vc_hypercall(cpu, nr, args, ret);
	cpu->busy = false;
	return err;
}
