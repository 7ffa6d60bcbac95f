/* SPDX-License-Identifier: MIT */
/*
 * VMGEXIT entry and the GHCB MSR protocol (amd-sev-facts.md §2): when the GHCB MSR holds
 * a request (low 12 bits non-zero) at VMGEXIT, the hypervisor answers in the same MSR.
 * Otherwise the MSR holds the GPA of a GHCB page (hv/ghcb_nae.c).
 * Encodings: sim/hv/spec.h (sevsim's own table, not the guest's headers).
 * As KVM (sev_handle_vmgexit_msr_protocol): preferred/register GHCB GPA and page state
 * change requests from a guest that is not SNP terminate it; unknown requests leave the
 * MSR unchanged.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "sim/sim.h"
#include "sim/hv/spec.h"

uint64_t sim_sev_info(struct sim *s)
{
	unsigned cbit = sim_lie(s, SIM_LIE_SEV_INFO_CBIT_RANGE) ? 63 : s->cbit_reported;

	if (sim_lie(s, SIM_LIE_VERSION_MISMATCH))
		return sim_msrp_sev_info(4, 3, cbit);
	return sim_msrp_sev_info(SIM_GHCB_VERSION_MAX, SIM_GHCB_VERSION_MIN, cbit);
}

/* KVM answers GHCB_HV_FT_SUPPORTED (SNP | SNP AP creation) to every guest; sevsim offers
 * the SNP bits to SNP guests only. */
uint64_t sim_hv_features(struct sim *s)
{
	if (s->cfg.mode != SIM_MODE_SEV_SNP || sim_lie(s, SIM_LIE_HV_FEATURES_NONE))
		return 0;
	if (sim_lie(s, SIM_LIE_HV_FEATURES_NO_AP_CREATE))
		return SIM_HV_FT_SNP; /* a hypervisor without AP creation (docs/abi.md §13) */
	return SIM_HV_FT_SNP | SIM_HV_FT_SNP_AP_CREATION;
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
	s->term_vcpu = (int)s->vmgexit_vcpu;
	sim_trace(s, "termination request (%s): reason set %u code %#x", how, set, code);
	if (sim_lie(s, SIM_LIE_TERM_IGNORED))
		return false;   /* recorded, but the guest runs on */
	sim_end(s, SIM_RES_TERMINATED);
	return true;
}

/* KVM terminates a guest that is not SNP for the SNP-only requests. */
static bool snp_only(struct sim_vcpu *v, unsigned code)
{
	if (v->sim->cfg.mode == SIM_MODE_SEV_SNP)
		return true;
	sim_hv_terminate(v->sim, "vcpu%u: GHCB MSR protocol request %#x is for SNP guests only "
			 "(KVM terminates the guest)", v->id, code);
	return false;
}

/*
 * MSR protocol page state change (KVM snp_begin_psc_msr + QEMU): one 4 KiB page, operation
 * private or shared, else the generic error (bit 63); 0x015 with [63:32] 0 on success.
 */
static uint64_t psc_msr(struct sim_vcpu *v, uint64_t req)
{
	struct sim *s = v->sim;
	unsigned op = sim_msrp_psc_op(req);
	uint64_t gfn = sim_msrp_psc_gfn(req);

	s->snp.psc_calls++;
	if (op != SIM_PSC_OP_PRIVATE && op != SIM_PSC_OP_SHARED)
		return SIM_MSRP_PSC_RESP_ERROR;
	if (req >> 56) /* [63:56] must be zero (facts §2) */
		return SIM_MSRP_PSC_RESP_ERROR;
	if (sim_lie(s, SIM_LIE_PSC_ERROR))
		return SIM_MSRP_PSC_RESP_ERROR;
	if (sim_lie(s, SIM_LIE_PSC_FAKE_PROGRESS))
		return SIM_MSRP_PSC_RESP; /* "done", nothing changed */
	if (sim_rmp_psc(s, gfn, op == SIM_PSC_OP_SHARED, false))
		return SIM_MSRP_PSC_RESP_ERROR; /* not RAM: QEMU refuses the conversion */
	return SIM_MSRP_PSC_RESP;
}

void sim_ghcb_msr_protocol(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uint64_t req = v->ghcb_msr, resp;
	unsigned code = sim_msrp_code(req);
	uint32_t out[4];

	sim_counter_add(&s->vmgexits_by_code, SIM_MSR_PROTO_KEY | code);
	sim_trace(s, "vcpu%u: VMGEXIT msr-protocol %#x (%#" PRIx64 ") at rip %#" PRIx64, v->id,
		  code, req, v->ev.rip);
	switch (code) {
	case SIM_MSRP_SEV_INFO_REQ:
		resp = sim_sev_info(s);
		break;
	case SIM_MSRP_CPUID_REQ: {
		unsigned reg = sim_msrp_cpuid_reg(req);
		sim_cpuid(s, v, sim_msrp_cpuid_leaf(req), 0, true, out);
		resp = sim_msrp_cpuid_resp(out[reg], reg);
		break;
	}
	case SIM_MSRP_AP_HOLD_REQ:
		/* Parked until INIT + SIPI (hv/smp.c), result 0 meanwhile, as KVM presets it */
		sim_smp_hold(v, SIM_HOLD_MSR, 0);
		resp = SIM_MSRP_AP_HOLD_RESP;
		break;
	case SIM_MSRP_PREF_GPA_REQ:
		if (!snp_only(v, code))
			return;
		resp = sim_msrp_with_data(SIM_MSRP_PREF_GPA_NONE, SIM_MSRP_PREF_GPA_RESP);
		break;
	case SIM_MSRP_REG_GPA_REQ:
		if (!snp_only(v, code))
			return;
		v->ghcb_registered_gfn = sim_msrp_gfn(req);
		resp = sim_msrp_with_data(sim_msrp_gfn(req) ^
					  (sim_lie(s, SIM_LIE_GHCB_REG_OTHER) ? 1 : 0),
					  SIM_MSRP_REG_GPA_RESP);
		break;
	case SIM_MSRP_PSC_REQ:
		if (!snp_only(v, code))
			return;
		resp = psc_msr(v, req);
		break;
	case SIM_MSRP_VMPL_REQ:
		resp = sim_msrp_error(1, SIM_MSRP_VMPL_RESP); /* no VMPLs: error */
		break;
	case SIM_MSRP_HV_FT_REQ:
		resp = sim_msrp_with_data(sim_hv_features(s), SIM_MSRP_HV_FT_RESP);
		break;
	case SIM_MSRP_TERM_REQ:
		terminate_request(s, sim_msrp_term_set(req), sim_msrp_term_code(req), "msr");
		return; /* the MSR keeps the request, also when the lie ignores it */
	default:
		sim_trace(s, "vcpu%u: unknown MSR-protocol request %#x left unanswered", v->id, code);
		return;
	}
	if (sim_lie(s, SIM_LIE_MSR_BAD_RESPONSE))
		resp ^= 0x800; /* a response code the guest did not ask for */
	v->ghcb_msr = resp;
}

/* Which GHCB pages a vCPU's page-protocol requests came through (JSON smp.vcpu[].ghcb_gpas). */
static void note_ghcb_gpa(struct sim_vcpu *v, uint64_t gpa)
{
	for (unsigned i = 0; i < v->nr_ghcb_gpas; i++)
		if (v->ghcb_gpa[i] == gpa)
			return;
	if (v->nr_ghcb_gpas < SIM_VCPU_GHCB_GPAS)
		v->ghcb_gpa[v->nr_ghcb_gpas++] = gpa;
	else
		v->ghcb_gpas_more++;
}

void sim_vmgexit(struct sim_vcpu *v)
{
	struct sim *s = v->sim;

	s->vmgexits++;
	s->vmgexit_vcpu = v->id;
	sim_attack_vmgexit(v);
	sim_snp_attack_vmgexit(v);
	if (v->ghcb_msr & SIM_MSRP_CODE_MASK) {
		sim_ghcb_msr_protocol(v);
	} else {
		note_ghcb_gpa(v, v->ghcb_msr);
		sim_ghcb_nae(v, v->ghcb_msr);
	}
}

bool sim_terminate_request(struct sim *s, unsigned set, unsigned code)
{
	return terminate_request(s, set, code, "ghcb");
}
