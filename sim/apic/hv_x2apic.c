/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's x2APIC: what it does with an x2APIC MSR exit (a GHCB MSR event, or a
 * plain RDMSR/WRMSR in modes none and sev). Without Secure AVIC it emulates the whole APIC
 * in its own page (apic.h) and injects from there. With Secure AVIC on for the vCPU it
 * cannot read or write the guest's backing page; it keeps only what the guest forwards
 * (facts §8.4):
 *   - ICR write = notification: the sender already set the vector in the target's page
 *     (or its NMI_REQ); the hypervisor wakes the target (NMI: it also injects V_NMI);
 *   - EOI write = the end of a level-triggered interrupt;
 *   - the timer (LVTT, TMICT, TMCCT, TDCR) and the other LVTs: emulated here; when the
 *     timer fires the hypervisor puts its vector into REQUESTED_IRR (the CPU then filters
 *     it by ALLOWED_IRR, savic.c).
 * Time is sevsim's instruction count (sim_apic_now): one timer tick per `divide`
 * instructions, deterministic for a seed.
 * Lies (docs/lies.md): savic-icr-ghost.
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"

#define LVT_MASKED   (1u << 16)
#define LVT_PERIODIC (1u << 17)

static uint8_t *hvp(struct sim_vcpu *v)
{
	if (!v->apic.hv_page_init) {
		sim_apic_page_reset(v->apic.hv_page, SIM_APIC_ID_OF(v->id));
		v->apic.hv_page_init = true;
	}
	return v->apic.hv_page;
}

/* TDCR bits 3, 1:0 -> divisor (APM "APIC Timer"): 0b1011 = 1, else 2 << value */
static uint64_t divisor(uint32_t tdcr)
{
	unsigned d = ((tdcr >> 1) & 4) | (tdcr & 3);

	return d == 7 ? 1 : 2ull << d;
}

static void arm(struct sim_vcpu *v)
{
	struct sim_apic *a = &v->apic;

	a->t_start = sim_apic_now(v->sim);
	a->t_deadline = a->tmict ? a->t_start + (uint64_t)a->tmict * divisor(a->tdcr) : 0;
}

/* Interrupt `vec` for vCPU t from the hypervisor (timer, emulated IPI). */
static void hv_interrupt(struct sim_vcpu *t, unsigned vec)
{
	if (sim_savic_on(t))
		t->apic.req_irr[vec / 32] |= 1u << (vec % 32);
	else
		sim_apic_bit_set(hvp(t), SIM_APIC_IRR, vec, true);
	t->apic.kicked = true;
}

void sim_hv_timer_tick(struct sim *s)
{
	uint64_t now = sim_apic_now(s);

	for (unsigned i = 0; i < s->nr_vcpus; i++) {
		struct sim_apic *a = &s->vcpu[i].apic;
		if (!a->t_deadline || now < a->t_deadline)
			continue;
		s->apic_stats.timer_fired++;
		if (!(a->lvtt & LVT_MASKED) && (a->lvtt & 0xff) >= 16)
			hv_interrupt(&s->vcpu[i], a->lvtt & 0xff);
		if (a->lvtt & LVT_PERIODIC)
			arm(&s->vcpu[i]);
		else
			a->t_deadline = 0;
	}
}

uint64_t sim_hv_next_deadline(const struct sim *s)
{
	uint64_t next = 0;

	for (unsigned i = 0; i < s->nr_vcpus; i++) {
		uint64_t d = s->vcpu[i].apic.t_deadline;
		if (d && (!next || d < next))
			next = d;
	}
	return next;
}

bool sim_hv_x2apic_read(struct sim_vcpu *v, uint32_t msr, uint64_t *val)
{
	struct sim_apic *a = &v->apic;
	unsigned off = (msr - SIM_MSR_X2APIC_BASE) << 4;
	uint8_t *p = hvp(v);

	sim_counter_add(&v->sim->apic_hv_by_msr, msr);
	switch (off) {
	case SIM_APIC_LVTT:
		*val = a->lvtt;
		return true;
	case SIM_APIC_TMICT:
		*val = a->tmict;
		return true;
	case SIM_APIC_TDCR:
		*val = a->tdcr;
		return true;
	case SIM_APIC_TMCCT: {
		uint64_t now = sim_apic_now(v->sim);
		*val = a->t_deadline > now ? (a->t_deadline - now) / divisor(a->tdcr) : 0;
		return true;
	}
	case SIM_APIC_PPR:
		*val = sim_apic_ppr(p);
		return true;
	case SIM_APIC_ICR:
		memcpy(val, p + off, 8);
		return true;
	case SIM_APIC_EOI:
	case SIM_APIC_SELF_IPI:
		return false; /* write-only: #GP */
	default:
		if (off == SIM_APIC_ID || off == SIM_APIC_LVR || off == SIM_APIC_TPR ||
		    off == SIM_APIC_LDR || off == SIM_APIC_SVR || off == SIM_APIC_ESR ||
		    (off >= SIM_APIC_ISR && off < SIM_APIC_IRR + 0x80 && !(off & 0xf)) ||
		    (off > SIM_APIC_LVTT && off <= SIM_APIC_LVT_LAST && !(off & 0xf))) {
			*val = sim_apic_reg(p, off);
			return true;
		}
		return false;
	}
}

/* A fixed (vector vec) or NMI IPI reaches vCPU t, from the x2APIC ICR here or from the
 * xAPIC page (apic/lapic.c). false: t is down and takes nothing. */
bool sim_hv_ipi_accept(struct sim_vcpu *t, bool nmi, unsigned vec)
{
	struct sim *s = t->sim;

	if (t->state == SIM_VCPU_STOPPED)
		return false;
	if (sim_lie(s, SIM_LIE_SAVIC_ICR_GHOST)) {
		/* as if the destination did not exist: nobody is woken, "done" */
		s->apic_stats.icr_bad_target++;
		return true;
	}
	if (nmi) {
		t->apic.hv_nmi = true;
		t->apic.kicked = true;
	} else if (sim_savic_on(t)) {
		t->apic.kicked = true;  /* the sender wrote the target's IRR itself */
		/* savic-inject-disallowed-ap also strikes when the hypervisor wakes an AP */
		if (t->id && sim_lie(s, SIM_LIE_SAVIC_INJECT_DISALLOWED_AP))
			sim_savic_request_disallowed(t);
	} else if (vec >= 16) {
		hv_interrupt(t, vec);
	}
	return true;
}

static void icr(struct sim_vcpu *v, uint64_t val)
{
	struct sim *s = v->sim;
	unsigned sh = SIM_ICR_SHORTHAND(val), vec = SIM_ICR_VECTOR(val);
	bool nmi = SIM_ICR_MODE(val) == 4, found = false;

	s->apic_stats.ipis_sent++;
	memcpy(hvp(v) + SIM_APIC_ICR, &val, 8);
	for (unsigned i = 0; i < s->nr_vcpus; i++) {
		struct sim_vcpu *t = &s->vcpu[i];
		bool hit = sh == 0 ? SIM_ICR_DEST(val) == SIM_APIC_ID_OF(i) : sh == 1 ? t == v :
			   sh == 2 ? true : t != v;
		if (hit && sim_hv_ipi_accept(t, nmi, vec))
			found = true;
	}
	if (sh == 0 && !found)
		s->apic_stats.icr_bad_target++; /* no such vCPU: ignored, as KVM does */
}

bool sim_hv_x2apic_write(struct sim_vcpu *v, uint32_t msr, uint64_t val)
{
	struct sim_apic *a = &v->apic;
	unsigned off = (msr - SIM_MSR_X2APIC_BASE) << 4;
	uint8_t *p = hvp(v);

	sim_counter_add(&v->sim->apic_hv_by_msr, msr);
	switch (off) {
	case SIM_APIC_ICR:
		icr(v, val);
		return true;
	case SIM_APIC_EOI: {
		v->sim->apic_stats.eoi_hv++;
		if (!sim_savic_on(v)) {
			int vec = sim_apic_highest(p, SIM_APIC_ISR);
			if (vec >= 0)
				sim_apic_bit_set(p, SIM_APIC_ISR, (unsigned)vec, false);
		}
		return val == 0;
	}
	case SIM_APIC_SELF_IPI:
		if (val > 0xff)
			return false;
		if (val >= 16)
			hv_interrupt(v, (unsigned)val);
		return true;
	case SIM_APIC_TPR:
		if (val > 0xff)
			return false;
		sim_apic_set(p, off, (uint32_t)val);
		return true;
	case SIM_APIC_LVTT:
		a->lvtt = (uint32_t)val;
		return val >> 32 == 0;
	case SIM_APIC_TMICT:
		a->tmict = (uint32_t)val;
		arm(v);
		return val >> 32 == 0;
	case SIM_APIC_TDCR:
		a->tdcr = (uint32_t)val & 0xb;
		return val >> 32 == 0;
	case SIM_APIC_SVR:
	case SIM_APIC_ESR:
		sim_apic_set(p, off, (uint32_t)val);
		return true;
	default:
		if (off > SIM_APIC_LVTT && off <= SIM_APIC_LVT_LAST && !(off & 0xf)) {
			sim_apic_set(p, off, (uint32_t)val);
			return true;
		}
		return false; /* read-only or reserved: #GP */
	}
}

void sim_apic_json(const struct sim *s, FILE *f)
{
	const struct sim_apic_stats *a = &s->apic_stats;
	bool first = true;

	fprintf(f, "{\"ipis_sent\":%" PRIu64 ",\"delivered\":%" PRIu64 ",\"self_ipis\":%" PRIu64
		",\"eoi_accel\":%" PRIu64 ",\"eoi_hv\":%" PRIu64 ",\"timer_fired\":%" PRIu64
		",\"injected_attempts\":%" PRIu64 ",\"injected_blocked\":%" PRIu64
		",\"nmi_attempts\":%" PRIu64 ",\"nmi_blocked\":%" PRIu64 ",\"nmi_delivered\":%" PRIu64
		",\"registered\":%" PRIu64 ",\"unregistered\":%" PRIu64 ",\"refused\":%" PRIu64
		",\"icr_bad_target\":%" PRIu64 ",\"idle_skips\":%" PRIu64 ",\"vgif_held\":%" PRIu64
		",\"vnmi_held\":%" PRIu64 ",\"by_vector\":{",
		a->ipis_sent, a->ipis_delivered, a->self_ipis, a->eoi_accel, a->eoi_hv,
		a->timer_fired, a->injected_attempts, a->injected_blocked, a->nmi_attempts,
		a->nmi_blocked, a->nmi_delivered, a->registered, a->unregistered, a->refused,
		a->icr_bad_target, a->idle_skips, a->vgif_held, a->vnmi_held);
	for (unsigned vec = 0; vec < 256; vec++) {
		uint64_t n = 0;
		for (unsigned i = 0; i < s->nr_vcpus; i++)
			n += s->vcpu[i].apic.delivered[vec];
		if (!n)
			continue;
		fprintf(f, "%s\"%u\":%" PRIu64, first ? "" : ",", vec, n);
		first = false;
	}
	fputs("},\"vc_by_msr\":", f);
	sim_counter_json(f, &s->apic_vc_by_msr, true);
	fputs(",\"hv_by_msr\":", f);
	sim_counter_json(f, &s->apic_hv_by_msr, true);
	fputs(",\"savic_on\":[", f);
	first = true;
	/* vCPUs are created after the load: a run that failed before has none */
	for (unsigned i = 0; i < s->nr_vcpus; i++)
		if (s->vcpu[i].sim && sim_savic_on(&s->vcpu[i])) {
			fprintf(f, "%s%u", first ? "" : ",", i);
			first = false;
		}
	fputs("],\"vintr_ctrl\":[", f); /* per vCPU: the VMSA value it runs with */
	for (unsigned i = 0; i < s->nr_vcpus; i++)
		fprintf(f, "%s%" PRIu64, i ? "," : "", s->vcpu[i].apic.vintr_ctrl);
	fputs("]}", f);
}
