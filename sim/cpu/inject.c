/* SPDX-License-Identifier: MIT */
/*
 * Event injection: what a hypervisor can do to an SEV-ES guest through the VMCB's EVENTINJ
 * field (AMD APM vol. 2, 15.20 "Event Injection"; SEV-ES without SNP's restricted injection
 * does not limit it). An injected event is delivered through the guest's IDT when the vCPU
 * next resumes, as the CPU does on VMRUN:
 *   - an exception (any vector, with or without an error code) at once;
 *   - an NMI unless an NMI is being handled (blocked from NMI delivery until the next IRET);
 *   - an external interrupt only while RFLAGS.IF = 1; until then it stays pending.
 * The --lie attacks of docs/lies.md that inject ("...-in-ghcb-call", "...-in-vc") call
 * sim_inject_after_vmgexit() and sim_inject_at_vc(); every injection is counted (JSON
 * "injections_by_vector", "injections_pending").
 */
#include <inttypes.h>

#include "sim/sim.h"
#include "sim/hv/spec.h"

#define RFLAGS_IF (1ull << 9)
#define VEC_NMI 2
#define VEC_UD 6
#define VEC_GP 13
#define VEC_PF 14
#define VEC_VC 29
#define EXTINT_VECTOR 0x30

void sim_inject_exception(struct sim_vcpu *v, unsigned vector, bool has_err, uint64_t err)
{
	v->inj_exc = true;
	v->inj_vector = vector;
	v->inj_has_err = has_err;
	v->inj_err = err;
}

void sim_inject_nmi(struct sim_vcpu *v)
{
	v->nmi_pending = true;
}

void sim_inject_intr(struct sim_vcpu *v, unsigned vector)
{
	v->intr_pending = (int)vector;
}

static void delivered(struct sim_vcpu *v, unsigned vector, const char *what)
{
	struct sim *s = v->sim;

	s->injections++;
	sim_counter_add(&s->injections_by_vector, vector);
	sim_trace(s, "vcpu%u: injected %s (vector %u) delivered at rip %#" PRIx64, v->id, what,
		  vector, sim_reg(v, UC_X86_REG_RIP));
}

void sim_inject_deliver(struct sim_vcpu *v)
{
	if (v->inj_exc) {
		v->inj_exc = false;
		delivered(v, v->inj_vector, "exception");
		if (!sim_exc_deliver(v, v->inj_vector, v->inj_has_err, v->inj_err))
			return;
	}
	if (v->nmi_pending && !v->nmi_blocked) {
		v->nmi_pending = false;
		v->nmi_blocked = true;
		delivered(v, VEC_NMI, "NMI");
		if (!sim_exc_deliver(v, VEC_NMI, false, 0))
			return;
	}
	if (v->intr_pending >= 0 && (sim_reg(v, UC_X86_REG_EFLAGS) & RFLAGS_IF)) {
		unsigned vec = (unsigned)v->intr_pending;
		v->intr_pending = -1;
		delivered(v, vec, "interrupt");
		sim_exc_deliver(v, vec, false, 0);
	}
}

bool sim_inject_waiting(const struct sim_vcpu *v)
{
	return v->inj_exc || (v->nmi_pending && !v->nmi_blocked) ||
	       (v->intr_pending >= 0 && (sim_reg((struct sim_vcpu *)v, UC_X86_REG_EFLAGS) & RFLAGS_IF));
}

unsigned sim_inject_pending(const struct sim *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->nr_vcpus; i++)
		n += s->vcpu[i].inj_exc + s->vcpu[i].nmi_pending + (s->vcpu[i].intr_pending >= 0);
	return n;
}

/* Right after a VMGEXIT returns: the guest has not read the answer yet. */
void sim_inject_after_vmgexit(struct sim_vcpu *v)
{
	struct sim *s = v->sim;

	if (sim_lie(s, SIM_LIE_NMI_IN_GHCB_CALL))
		sim_inject_nmi(v);
	if (sim_lie(s, SIM_LIE_GP_IN_GHCB_CALL))
		sim_inject_exception(v, VEC_GP, true, 0);
	if (sim_lie(s, SIM_LIE_UD_IN_GHCB_CALL))
		sim_inject_exception(v, VEC_UD, false, 0);
	if (sim_lie(s, SIM_LIE_VC_INJECT))
		sim_inject_exception(v, VEC_VC, true, SIM_EXIT_CPUID);
	if (sim_lie(s, SIM_LIE_EXTINT_IN_GHCB_CALL))
		sim_inject_intr(v, EXTINT_VECTOR);
	/* Secure AVIC (docs/lies.md): the hypervisor's requests the CPU must filter */
	if (sim_savic_on(v) && (sim_lie(s, SIM_LIE_SAVIC_INJECT_DISALLOWED) ||
				(v->id && sim_lie(s, SIM_LIE_SAVIC_INJECT_DISALLOWED_AP))))
		sim_savic_request_disallowed(v);
	if (sim_savic_on(v) && sim_lie(s, SIM_LIE_SAVIC_NMI_UNREQUESTED))
		v->apic.hv_nmi = true;
}

/* A #VC was just delivered: the handler's first instruction is next. */
void sim_inject_at_vc(struct sim_vcpu *v)
{
	struct sim *s = v->sim;

	if (sim_lie(s, SIM_LIE_NMI_IN_VC))
		sim_inject_nmi(v);
	if (sim_lie(s, SIM_LIE_PF_IN_VC)) {
		sim_set_reg(v, UC_X86_REG_CR2, 0);
		sim_inject_exception(v, VEC_PF, true, 0);
	}
	if (sim_lie(s, SIM_LIE_VC_IN_VC))
		sim_inject_exception(v, VEC_VC, true, SIM_EXIT_CPUID);
}
