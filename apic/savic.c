// SPDX-License-Identifier: MIT
/*
 * Secure AVIC guest logic (apic/savic.h). Everything the hypervisor says is checked:
 * the registration answer, the GPA it hands back at unregistration. Writes to another
 * CPU's page are atomic (the target's hardware and the target itself use it at the same
 * time).
 */
#include "apic/savic.h"

#include "apic/lapic.h"
#include "sev/msr_protocol.h"
#include "sev/term.h"

bool savic_present(uint64_t sev_status)
{
	return (sev_status & SEV_STATUS_SECURE_AVIC) != 0;
}

int savic_check_apic_base(uint64_t apic_base)
{
	if (!(apic_base & APIC_BASE_EN) || !(apic_base & APIC_BASE_EXTD))
		return CB_TERM_SAVIC_NO_X2APIC;
	return 0;
}

int savic_highest(const struct savic_reg *r)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t w = __atomic_load_n(&r[i].val, __ATOMIC_ACQUIRE);
		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

static void set_allowed(struct savic_cpu *c, const uint32_t allowed[8])
{
	for (unsigned i = 0; i < 8; i++)
		__atomic_store_n(&c->page.irr[i].allowed, allowed ? allowed[i] : 0, __ATOMIC_RELEASE);
}

int savic_enable(const struct savic_ops *o, struct savic_cpu *c, uint64_t gpa,
		 const uint32_t allowed[8])
{
	uint64_t id, ctl, rbx = 0;
	int err;

	if (gpa & 0xfff)
		return CB_TERM_SAVIC_REGISTER;
	/* facts §8.1: the ID the APIC reports before Secure AVIC is on (the hypervisor's) */
	id = o->rdmsr(X2APIC_MSR_ID);
	if (id > 0xfffffffeull)
		return CB_TERM_HV_VALUE;
	c->apic_id = (uint32_t)id;
	c->page.id.val = (uint32_t)id;
	err = o->nae(SVM_VMGEXIT_SAVIC_REGISTER, gpa, &rbx);
	if (err)
		return CB_TERM_SAVIC_REGISTER;
	c->gpa = gpa;
	set_allowed(c, allowed);
	ctl = gpa | SAVIC_CONTROL_EN | SAVIC_CONTROL_ALLOW_NMI;
	o->wrmsr(MSR_SAVIC_CONTROL, ctl);
	if (o->rdmsr(MSR_SAVIC_CONTROL) != ctl)
		return CB_TERM_SAVIC_REGISTER; /* the CPU did not take it */
	c->on = true;
	return 0;
}

int savic_disable(const struct savic_ops *o, struct savic_cpu *c)
{
	uint64_t rbx = 0;

	if (!c->on)
		return 0;
	set_allowed(c, 0);                 /* nothing more may be injected into this page */
	o->wrmsr(MSR_SAVIC_CONTROL, 0);
	if (o->nae(SVM_VMGEXIT_SAVIC_UNREGISTER, 0, &rbx) || rbx != c->gpa)
		return CB_TERM_SAVIC_TEARDOWN;
	__atomic_store_n(&c->on, false, __ATOMIC_RELEASE); /* the BSP waits for it (savic_aps_down) */
	return 0;
}

int savic_send(const struct savic_ops *o, struct savic_cpu *t, unsigned vector)
{
	uint64_t icr = (uint64_t)t->apic_id << 32;

	if (vector == SAVIC_NMI) {
		__atomic_fetch_add(&t->nmi_expected, 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_or(&t->page.irr[7].extra, 1u, __ATOMIC_SEQ_CST);
		icr |= SAVIC_ICR_NMI;
	} else {
		if (vector < 16 || vector > 255)
			return CB_TERM_FATAL;
		__atomic_fetch_or(&t->page.irr[vector / 32].irr, 1u << (vector % 32), __ATOMIC_SEQ_CST);
		icr |= vector;
	}
	return o->hv_wrmsr(X2APIC_MSR_ICR, icr);
}

void savic_self_ipi(const struct savic_ops *o, unsigned vector)
{
	o->wrmsr(X2APIC_MSR_SELF_IPI, vector & 0xff);
}

int savic_eoi(const struct savic_ops *o, struct savic_cpu *c)
{
	int vec = savic_highest(c->page.isr);

	if (vec >= 0 && (c->page.tmr[vec / 32].val >> (vec % 32)) & 1) {
		__atomic_fetch_and(&c->page.isr[vec / 32].val, ~(1u << (vec % 32)), __ATOMIC_SEQ_CST);
		return o->hv_wrmsr(X2APIC_MSR_EOI, 0);
	}
	o->wrmsr(X2APIC_MSR_EOI, 0);
	return 0;
}

bool savic_nmi_claim(struct savic_cpu *c)
{
	uint32_t n = __atomic_load_n(&c->nmi_expected, __ATOMIC_ACQUIRE);

	while (n) {
		if (__atomic_compare_exchange_n(&c->nmi_expected, &n, n - 1, false,
						__ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE))
			return true;
	}
	c->nmi_spurious++;
	return false;
}

int savic_timer_oneshot(const struct savic_ops *o, unsigned vector, uint32_t count)
{
	int err = o->hv_wrmsr(X2APIC_MSR_TDCR, 0xb);  /* divide by 1 */

	if (!err)
		err = o->hv_wrmsr(X2APIC_MSR_LVTT, vector & 0xff);
	if (!err)
		err = o->hv_wrmsr(X2APIC_MSR_TMICT, count);
	return err;
}
