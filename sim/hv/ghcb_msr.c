/* SPDX-License-Identifier: MIT */
/*
 * VMGEXIT entry and the GHCB MSR protocol (amd-sev-facts.md §2): when the GHCB MSR holds
 * a request (low 12 bits non-zero) at VMGEXIT, the hypervisor answers in the same MSR.
 * Otherwise the MSR holds the GPA of a GHCB page (hv/ghcb_nae.c).
 * Requests and responses are encoded with include/sev/msr_protocol.h.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "sim/sim.h"
#include "sev/msr_protocol.h"

uint64_t sim_sev_info(struct sim *s)
{
	unsigned cbit = sim_lie(s, SIM_LIE_SEV_INFO_CBIT_RANGE) ? 63 : s->cbit_reported;

	if (sim_lie(s, SIM_LIE_VERSION_MISMATCH))
		return ghcb_msr_sev_info_resp(4, 3, cbit);
	return ghcb_msr_sev_info_resp(2, 1, cbit);
}

uint64_t sim_hv_features(const struct sim *s)
{
	return s->cfg.mode == SIM_MODE_SEV_SNP ? GHCB_HV_FT_SNP : 0;
}

void sim_hv_terminate(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (s->result != SIM_RES_RUNNING)
		return;
	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	s->hv_terminated = true;
	s->result = SIM_RES_TERMINATED;
	sim_trace(s, "hypervisor terminates the guest: %s", s->error);
}

static bool terminate_request(struct sim *s, unsigned set, unsigned code, const char *how)
{
	s->reason_set = (int)set;
	s->reason_code = (int)code;
	sim_trace(s, "termination request (%s): reason set %u code %#x", how, set, code);
	if (sim_lie(s, SIM_LIE_TERM_IGNORED))
		return false;   /* recorded, but the guest runs on */
	sim_end(s, SIM_RES_TERMINATED);
	return true;
}

void sim_ghcb_msr_protocol(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uint64_t req = v->ghcb_msr, resp;
	unsigned code = ghcb_msr_code(req);
	uint32_t out[4];

	sim_counter_add(&s->vmgexits_by_code, SIM_MSR_PROTO_KEY | code);
	sim_trace(s, "vcpu%u: VMGEXIT msr-protocol %#x (%#" PRIx64 ") at rip %#" PRIx64, v->id,
		  code, req, v->ev.rip);
	switch (code) {
	case GHCB_MSR_SEV_INFO_REQ:
		resp = sim_sev_info(s);
		break;
	case GHCB_MSR_CPUID_REQ: {
		unsigned reg = ghcb_msr_cpuid_req_reg(req);
		sim_cpuid(s, v, ghcb_msr_cpuid_req_leaf(req), 0, true, out);
		resp = ghcb_msr_cpuid_resp(out[reg], reg);
		break;
	}
	case GHCB_MSR_AP_RESET_HOLD_REQ:
		/* Parked until a SIPI (not modelled yet): the vCPU stops running. */
		v->state = SIM_VCPU_HELD;
		resp = GHCB_MSR_AP_RESET_HOLD_RESP;
		break;
	case GHCB_MSR_PREF_GPA_REQ:
		resp = (GHCB_MSR_PREF_GPA_NONE << 12) | GHCB_MSR_PREF_GPA_RESP;
		break;
	case GHCB_MSR_REG_GPA_REQ:
		v->ghcb_registered_gfn = ghcb_msr_gfn(req);
		resp = (ghcb_msr_gfn(req) << 12) | GHCB_MSR_REG_GPA_RESP;
		break;
	case GHCB_MSR_PSC_REQ:
		if (s->cfg.mode != SIM_MODE_SEV_SNP) {
			resp = req; /* unknown outside SNP: left unchanged, as KVM does */
			break;
		}
		if (ghcb_msr_psc_req_op(req) != GHCB_PSC_OP_PRIVATE &&
		    ghcb_msr_psc_req_op(req) != GHCB_PSC_OP_SHARED) {
			resp = (1ull << 32) | GHCB_MSR_PSC_RESP;
			break;
		}
		resp = sim_rmp_set_shared(s, ghcb_msr_psc_req_gfn(req),
					  ghcb_msr_psc_req_op(req) == GHCB_PSC_OP_SHARED) ?
		       (1ull << 32) | GHCB_MSR_PSC_RESP : GHCB_MSR_PSC_RESP;
		break;
	case GHCB_MSR_VMPL_REQ:
		resp = (1ull << 32) | GHCB_MSR_VMPL_RESP; /* no VMPLs: error */
		break;
	case GHCB_MSR_HV_FT_REQ:
		resp = (sim_hv_features(s) << 12) | GHCB_MSR_HV_FT_RESP;
		break;
	case GHCB_MSR_TERM_REQ:
		terminate_request(s, ghcb_msr_term_set(req), ghcb_msr_term_code(req), "msr");
		return; /* the MSR keeps the request, also when the lie ignores it */
	default:
		sim_trace(s, "vcpu%u: unknown MSR-protocol request %#x left unanswered", v->id, code);
		return;
	}
	if (sim_lie(s, SIM_LIE_MSR_BAD_RESPONSE))
		resp ^= 0x800; /* a response code the guest did not ask for */
	v->ghcb_msr = resp;
}

void sim_vmgexit(struct sim_vcpu *v)
{
	struct sim *s = v->sim;

	s->vmgexits++;
	sim_attack_vmgexit(v);
	if (v->ghcb_msr & GHCB_MSR_INFO_MASK)
		sim_ghcb_msr_protocol(v);
	else
		sim_ghcb_nae(v, v->ghcb_msr);
}

bool sim_terminate_request(struct sim *s, unsigned set, unsigned code)
{
	return terminate_request(s, set, code, "ghcb");
}
