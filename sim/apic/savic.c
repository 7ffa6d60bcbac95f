/* SPDX-License-Identifier: MIT */
/*
 * Secure AVIC, the CPU's side (--savic, mode sev-snp only; docs/sevsim.md "Secure AVIC",
 * amd-sev-facts.md §1.2, §8):
 *   - SAVIC_CONTROL (0xC001_0138) is the CPU's: never intercepted; EN, ALLOWED_NMI, and the
 *     GPA of the guest-owned backing page in [63:12]; reserved bits 11:2 raise #GP.
 *   - with EN set, x2APIC MSR accesses are served from the backing page: reads of the
 *     registers the page holds, and writes of TPR, EOI (edge), SELF_IPI and an ICR with
 *     the "self" shorthand are accelerated (no exit). Everything else is a #VC: 0x401
 *     (incomplete IPI) for an ICR write to another vCPU, 0x402 (no acceleration) for the
 *     rest, trap-style (RIP after the WRMSR) for writes, fault-style (RIP at the RDMSR)
 *     for reads. The split follows the KVM Secure AVIC selftest RFC (LKML 2025-02-28,
 *     "Add unaccelerated APIC msrs #VC handling") and the guest series' cover letter;
 *     the APM list itself was not available (facts §8.2 UNCONFIRMED; docs/sevsim.md).
 *   - at every VMRUN the CPU merges the hypervisor's REQUESTED_IRR into the page's IRR,
 *     keeping only vectors the guest set in ALLOWED_IRR (the rest are dropped and
 *     counted), delivers an NMI the guest requested in the page (NMI_REQ) or one the
 *     hypervisor injects if ALLOWED_NMI is set, and then the highest IRR vector whose
 *     class is above PPR while RFLAGS.IF = 1 (IRR -> ISR), as the APIC does.
 *   - V_GIF and V_NMI_ENABLE come from the vCPU's VMSA (vintr_ctrl, facts §7.2): AMD
 *     quotes the APM (15.36.16, 15.36.21.2: "The remaining fields of VIntrCtrl (... VGIF,
 *     ..., V_NMI_EN) are read from the VMSA"; EventInj is ignored) in its answer on LKML
 *     2025-08-25 to "[PATCH v9 09/18] x86/sev: Initialize VGIF for secondary vCPUs".
 *     With V_GIF clear no virtual interrupt and no NMI is taken; with V_NMI_ENABLE clear
 *     no NMI (an NMI has no other path: event injection is ignored). Nothing says VMRUN
 *     fails, and KVM cannot see an AP's VMSA to check it: the AP runs, its interrupts stay
 *     pending in its page (JSON apic.vgif_held / vnmi_held count the VMRUNs that held one).
 *     Launch VMSAs have both bits (KVM sev_es_sync_vmsa, lapic.c sim_apic_reset).
 *   - VMRUN of a vCPU whose page is not registered (NAE 0x8000_001A) fails: the NPT
 *     entry is not pinned (VMEXIT_BUSY, facts §8.3): the hypervisor ends the guest.
 * The hypervisor's side (registration, ICR notifications, timer, EOI of level-triggered
 * vectors) is hv_x2apic.c; both share the page layout of regs.c.
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/fw/spec.h"
#include "sim/hv/spec.h"

#define RFLAGS_IF (1ull << 9)

bool sim_savic_on(const struct sim_vcpu *v)
{
	return v->sim->cfg.savic && (v->apic.savic_ctrl & SIM_SAVIC_EN);
}

/* Can the CPU take a virtual interrupt / NMI now? Only Secure AVIC reads the VMSA's bits;
 * otherwise the hypervisor injects through the VMCB (modelled as always possible). */
static bool vgif(const struct sim_vcpu *v)
{
	return !sim_savic_on(v) || (v->apic.vintr_ctrl & SIM_VINTR_V_GIF);
}

static bool vnmi(const struct sim_vcpu *v)
{
	return !sim_savic_on(v) ||
	       (v->apic.vintr_ctrl & (SIM_VINTR_V_GIF | SIM_VINTR_V_NMI_ENABLE)) ==
		       (SIM_VINTR_V_GIF | SIM_VINTR_V_NMI_ENABLE);
}

static uint64_t page_gpa(const struct sim_vcpu *v)
{
	return v->apic.savic_ctrl & ~0xfffull;
}

static uint8_t *hv_page(struct sim_vcpu *v)
{
	if (!v->apic.hv_page_init) {
		sim_apic_page_reset(v->apic.hv_page, SIM_APIC_ID_OF(v->id));
		v->apic.hv_page_init = true;
	}
	return v->apic.hv_page;
}

/* The page interrupts are delivered from: the backing page under Secure AVIC (NULL if it
 * is not guest RAM), else the hypervisor's emulated x2APIC. */
uint8_t *sim_apic_page(struct sim_vcpu *v)
{
	struct sim *s = v->sim;

	if (!sim_savic_on(v))
		return hv_page(v);
	if (!sim_mem_is_ram(s, page_gpa(v), 4096))
		return NULL;
	return s->ram + page_gpa(v);
}

static bool page_readable(unsigned off)
{
	switch (off) {
	case SIM_APIC_ID: case SIM_APIC_LVR: case SIM_APIC_TPR: case SIM_APIC_APR:
	case SIM_APIC_PPR: case SIM_APIC_LDR: case SIM_APIC_SVR: case SIM_APIC_ESR:
	case SIM_APIC_ICR:
		return true;
	default:
		return off >= SIM_APIC_ISR && off < SIM_APIC_IRR + 0x80 && !(off & 0xf);
	}
}

uint64_t sim_savic_msr_exit(struct sim_vcpu *v, uint32_t msr, bool write, bool *trap)
{
	*trap = false;
	if (msr == SIM_MSR_SAVIC_CONTROL)
		return v->sim->cfg.savic ? 0 : SIM_EXIT_MSR; /* never intercepted (facts §1) */
	if (!sim_savic_on(v))
		return SIM_EXIT_MSR;    /* the hypervisor emulates the x2APIC */
	unsigned off = (msr - SIM_MSR_X2APIC_BASE) << 4;
	uint8_t *p = sim_apic_page(v);
	if (!write)
		return p && page_readable(off) ? 0 : SIM_EXIT_AVIC_NOACCEL;
	*trap = true;
	switch (off) {
	case SIM_APIC_TPR:
	case SIM_APIC_SELF_IPI:
		return 0;
	case SIM_APIC_EOI: {
		int vec = p ? sim_apic_highest(p, SIM_APIC_ISR) : -1;
		/* a level-triggered vector needs the hypervisor (facts §8.4) */
		return vec >= 0 && sim_apic_bit(p, SIM_APIC_TMR, (unsigned)vec) ? SIM_EXIT_AVIC_NOACCEL : 0;
	}
	case SIM_APIC_ICR: {
		uint64_t icr = (uint32_t)sim_reg(v, UC_X86_REG_RAX) | (sim_reg(v, UC_X86_REG_RDX) << 32);
		return SIM_ICR_SHORTHAND(icr) == 1 ? 0 : SIM_EXIT_AVIC_INCOMPLETE_IPI;
	}
	default:
		return SIM_EXIT_AVIC_NOACCEL;
	}
}

bool sim_savic_cpu_read(struct sim_vcpu *v, uint32_t msr, uint64_t *val)
{
	if (msr == SIM_MSR_SAVIC_CONTROL && v->sim->cfg.savic) {
		*val = v->apic.savic_ctrl;
		return true;
	}
	if (msr < SIM_MSR_X2APIC_BASE || msr > SIM_MSR_X2APIC_LAST || !sim_savic_on(v) ||
	    v->sim->cfg.mode < SIM_MODE_SEV_ES)
		return false;
	unsigned off = (msr - SIM_MSR_X2APIC_BASE) << 4;
	uint8_t *p = sim_apic_page(v);
	if (!p)
		return false;
	if (off == SIM_APIC_PPR)
		*val = sim_apic_ppr(p);
	else if (off == SIM_APIC_ICR)
		memcpy(val, p + off, 8);
	else
		*val = sim_apic_reg(p, off);
	return true;
}

static void self_ipi(struct sim_vcpu *v, uint8_t *p, unsigned vec)
{
	struct sim *s = v->sim;

	if (vec < 16)
		return; /* illegal vector: the APIC sets ESR and drops it */
	sim_apic_bit_set(p, SIM_APIC_IRR, vec, true);
	s->apic_stats.self_ipis++;
}

bool sim_savic_cpu_write(struct sim_vcpu *v, uint32_t msr, uint64_t val)
{
	struct sim *s = v->sim;

	if (msr == SIM_MSR_SAVIC_CONTROL && s->cfg.savic) {
		if (val & SIM_SAVIC_RSVD)
			return false; /* #GP */
		v->apic.savic_ctrl = val;
		if (val & SIM_SAVIC_EN)
			v->apic.savic_last_gpa = val & ~0xfffull; /* for the handoff checker */
		sim_trace(s, "vcpu%u: SAVIC_CONTROL <- %#" PRIx64, v->id, val);
		return true;
	}
	if (msr < SIM_MSR_X2APIC_BASE || msr > SIM_MSR_X2APIC_LAST || !sim_savic_on(v) ||
	    s->cfg.mode < SIM_MODE_SEV_ES)
		return false;
	unsigned off = (msr - SIM_MSR_X2APIC_BASE) << 4;
	uint8_t *p = sim_apic_page(v);
	if (!p)
		return false;
	switch (off) {
	case SIM_APIC_TPR:
		if (val > 0xff)
			return false;
		sim_apic_set(p, SIM_APIC_TPR, (uint32_t)val);
		return true;
	case SIM_APIC_EOI: {
		int vec = sim_apic_highest(p, SIM_APIC_ISR);
		if (val)
			return false; /* x2APIC: a non-zero EOI write is #GP */
		if (vec >= 0)
			sim_apic_bit_set(p, SIM_APIC_ISR, (unsigned)vec, false);
		s->apic_stats.eoi_accel++;
		return true;
	}
	case SIM_APIC_SELF_IPI:
		if (val > 0xff)
			return false;
		self_ipi(v, p, (unsigned)val);
		return true;
	case SIM_APIC_ICR: /* shorthand self (sim_savic_msr_exit let only that through) */
		memcpy(p + SIM_APIC_ICR, &val, 8);
		if (SIM_ICR_MODE(val) == 4)
			sim_apic_set(p, SIM_APIC_NMI_REQ, sim_apic_reg(p, SIM_APIC_NMI_REQ) | 1);
		else
			self_ipi(v, p, SIM_ICR_VECTOR(val));
		return true;
	default:
		return false;
	}
}

/* A backing page is guest-owned: private and validated in the RMP (facts §8.1). */
static bool private_validated(const struct sim *s, uint64_t gpa)
{
	return !s->rmp || (!sim_rmp_shared(s, gpa >> 12) && sim_rmp_validated(s, gpa >> 12));
}

/* The backing page must be registered (pinned by the hypervisor) and private. */
static bool vmrun_ok(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uint64_t gpa = page_gpa(v);

	if (v->apic.savic_gpa != gpa) {
		sim_hv_terminate(s, "vcpu%u: VMRUN failed (VMEXIT_BUSY): Secure AVIC is enabled with "
				 "backing page %#" PRIx64 ", but the page registered is %#" PRIx64
				 " (NAE 0x8000001a)", v->id, gpa, v->apic.savic_gpa);
		return false;
	}
	if (!sim_mem_is_ram(s, gpa, 4096) || !private_validated(s, gpa)) {
		sim_hv_terminate(s, "vcpu%u: VMRUN failed: Secure AVIC backing page %#" PRIx64
				 " is not validated private guest RAM", v->id, gpa);
		return false;
	}
	return true;
}

/* REQUESTED_IRR & ALLOWED_IRR -> IRR; the rest is dropped (counted as blocked). */
static void merge_requested(struct sim_vcpu *v, uint8_t *p)
{
	struct sim *s = v->sim;

	for (unsigned i = 0; i < 8; i++) {
		uint32_t req = v->apic.req_irr[i], allowed, irr;
		if (!req)
			continue;
		v->apic.req_irr[i] = 0;
		allowed = sim_apic_reg(p, SIM_APIC_ALLOWED + i * 16);
		irr = sim_apic_reg(p, SIM_APIC_IRR + i * 16);
		s->apic_stats.injected_attempts += (uint64_t)__builtin_popcount(req);
		s->apic_stats.injected_blocked += (uint64_t)__builtin_popcount(req & ~allowed);
		if (req & ~allowed)
			sim_trace(s, "vcpu%u: Secure AVIC dropped requested vectors %#x of IRR%u "
				  "(not in ALLOWED_IRR %#x)", v->id, req & ~allowed, i, allowed);
		sim_apic_set(p, SIM_APIC_IRR + i * 16, irr | (req & allowed));
	}
}

static void nmi(struct sim_vcpu *v, uint8_t *p)
{
	struct sim *s = v->sim;
	bool req = false;

	if (sim_savic_on(v)) {
		req = sim_apic_reg(p, SIM_APIC_NMI_REQ) & 1;
		if ((req || v->apic.hv_nmi) && !vnmi(v)) {
			/* V_GIF or V_NMI_ENABLE clear: the request stays in the page, the
			 * hypervisor's V_NMI stays pending */
			s->apic_stats.vnmi_held++;
			if (!vgif(v))
				s->apic_stats.vgif_held++;
			return;
		}
		if (v->apic.hv_nmi) {
			s->apic_stats.nmi_attempts++;
			if (v->apic.savic_ctrl & SIM_SAVIC_ALLOWED_NMI)
				req = true;
			else
				s->apic_stats.nmi_blocked++;
		}
		if (req)
			sim_apic_set(p, SIM_APIC_NMI_REQ, sim_apic_reg(p, SIM_APIC_NMI_REQ) & ~1u);
	} else if (v->apic.hv_nmi) {
		s->apic_stats.nmi_attempts++;
		req = true;
	}
	v->apic.hv_nmi = false;
	if (req) {
		s->apic_stats.nmi_delivered++;
		v->apic.nmis++;
		sim_inject_nmi(v);
	}
}

/* The highest IRR vector whose priority class is above PPR's (-1: none). */
static int deliverable(const uint8_t *p)
{
	int vec = sim_apic_highest(p, SIM_APIC_IRR);

	return vec >= 16 && ((unsigned)vec & 0xf0) > (sim_apic_ppr(p) & 0xf0) ? vec : -1;
}

/* Right after STI the CPU takes no interrupt before the next instruction (APM vol. 3
 * STI): sevsim sees an STI only by its byte before RIP (a false match only delays). */
static bool sti_shadow(struct sim_vcpu *v)
{
	uint8_t b = 0;

	return sim_mmu_fetch(v, sim_reg(v, UC_X86_REG_RIP) - 1, &b, 1) && b == 0xfb;
}

/* HLT with IF = 1 while the backing page holds a deliverable interrupt (or an NMI
 * request): the CPU does not leave the guest; the interrupt is taken instead. */
bool sim_apic_hlt_pending(struct sim_vcpu *v)
{
	uint8_t *p;

	if (!sim_savic_on(v) || !(p = sim_apic_page(v)))
		return false;
	return (vnmi(v) && (sim_apic_reg(p, SIM_APIC_NMI_REQ) & 1)) ||
	       (vgif(v) && (sim_reg(v, UC_X86_REG_EFLAGS) & RFLAGS_IF) && deliverable(p) >= 0);
}

void sim_apic_vmrun(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uint8_t *p;
	int vec;

	if (sim_savic_on(v) && !vmrun_ok(v))
		return;
	if (!sim_savic_on(v) && !v->apic.hv_page_init && !v->apic.hv_nmi)
		return; /* no APIC use at all: nothing to deliver */
	p = sim_apic_page(v);
	if (sim_savic_on(v))
		merge_requested(v, p);
	nmi(v, p);
	if (v->inj_exc || !(sim_reg(v, UC_X86_REG_EFLAGS) & RFLAGS_IF) || sti_shadow(v))
		return;
	vec = deliverable(p);
	if (vec < 0)
		return;
	if (!vgif(v)) {
		s->apic_stats.vgif_held++; /* V_GIF clear: the vector stays in IRR */
		return;
	}
	sim_apic_bit_set(p, SIM_APIC_IRR, (unsigned)vec, false);
	sim_apic_bit_set(p, SIM_APIC_ISR, (unsigned)vec, true);
	v->apic.delivered[vec]++;
	s->apic_stats.ipis_delivered++;
	sim_trace(s, "vcpu%u: APIC delivers vector %#x (%s) at rip %#" PRIx64, v->id, vec,
		  sim_savic_on(v) ? "Secure AVIC" : "emulated x2APIC", sim_reg(v, UC_X86_REG_RIP));
	sim_exc_deliver(v, (unsigned)vec, false, 0);
}

/* Can the emulated x2APIC deliver something now (the hypervisor sees its own page)? */
static bool hv_has_work(struct sim_vcpu *v)
{
	if (v->apic.hv_nmi)
		return true;
	if (sim_savic_on(v) || !v->apic.hv_page_init || !v->halted_if)
		return false;
	return deliverable(v->apic.hv_page) >= 0;
}

uint64_t sim_apic_now(const struct sim *s)
{
	return s->insns_total + s->apic_stats.now_offset;
}

/*
 * Before each scheduling decision: fire due timers, wake halted vCPUs the hypervisor has
 * work for (under Secure AVIC it cannot see the page: only its own kick wakes a vCPU),
 * and when every vCPU halts with a timer armed, let time jump to that timer.
 */
void sim_apic_schedule(struct sim *s)
{
	for (int round = 0; round < 2; round++) {
		bool any = false;

		sim_hv_timer_tick(s);
		for (unsigned i = 0; i < s->nr_vcpus; i++) {
			struct sim_vcpu *v = &s->vcpu[i];
			if (v->state == SIM_VCPU_HALTED && (v->apic.kicked || hv_has_work(v))) {
				v->state = SIM_VCPU_RUNNABLE;
				sim_trace(s, "vcpu%u: woken by the hypervisor", v->id);
			}
			v->apic.kicked = false;
			any |= v->state == SIM_VCPU_RUNNABLE;
		}
		uint64_t next = sim_hv_next_deadline(s);
		if (any || !next)
			return;
		s->apic_stats.now_offset += next - sim_apic_now(s);
		s->apic_stats.idle_skips++;
	}
}

/* NAE 0x8000_001A (facts §8.3): register (info1 0, RBX = GPA) or unregister (info1 1,
 * the GPA back in RBX) the calling vCPU's backing page; RAX = ~0 names the caller. */
void sim_savic_nae(struct sim_vcpu *v, uint64_t info1, uint64_t rax, uint64_t rbx,
		   uint64_t *out_info1, uint64_t *out_info2, uint64_t *out_rbx)
{
	struct sim *s = v->sim;

	*out_info1 = 0;
	*out_info2 = 0;
	*out_rbx = v->apic.savic_gpa;
	if (!s->cfg.savic || rax != ~0ull || info1 > 1) {
		*out_info1 = SIM_GHCB_RESULT_ERROR;
		*out_info2 = SIM_GHCB_ERR_INVALID_INPUT;
		return;
	}
	if (info1 == 0) {
		if (sim_lie(s, SIM_LIE_SAVIC_REGISTER_REFUSED) ||
		    (v->id && sim_lie(s, SIM_LIE_SAVIC_REGISTER_REFUSED_AP)) || (rbx & 0xfff) ||
		    !sim_mem_is_ram(s, rbx, 4096) || !private_validated(s, rbx)) {
			s->apic_stats.refused++;
			*out_info1 = SIM_GHCB_RESULT_ERROR;
			*out_info2 = SIM_GHCB_ERR_INVALID_INPUT;
			return;
		}
		v->apic.savic_gpa = rbx;
		v->apic.savic_last_gpa = rbx; /* the handoff checker reads its ALLOWED_IRR */
		s->apic_stats.registered++;
		sim_trace(s, "vcpu%u: Secure AVIC backing page %#" PRIx64 " registered", v->id, rbx);
		return;
	}
	if (sim_lie(s, SIM_LIE_SAVIC_UNREGISTER_REFUSED) ||
	    (v->id && sim_lie(s, SIM_LIE_SAVIC_UNREGISTER_REFUSED_AP))) {
		s->apic_stats.refused++;
		*out_info1 = SIM_GHCB_RESULT_ERROR;
		*out_info2 = SIM_GHCB_ERR_INVALID_INPUT;
		return;
	}
	v->apic.savic_gpa = ~0ull;
	s->apic_stats.unregistered++;
	sim_trace(s, "vcpu%u: Secure AVIC backing page unregistered", v->id);
}

void sim_savic_request_disallowed(struct sim_vcpu *v)
{
	uint8_t *p = sim_apic_page(v);

	for (unsigned vec = 0x20; p && vec < 256; vec++)
		if (!sim_apic_bit(p, SIM_APIC_ALLOWED, vec)) {
			v->apic.req_irr[vec / 32] |= 1u << (vec % 32);
			v->apic.kicked = true;
			return;
		}
}
