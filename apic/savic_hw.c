// SPDX-License-Identifier: MIT
/*
 * Secure AVIC in the boot (apic/savic.h): the machine side of struct savic_ops (RDMSR,
 * WRMSR, and the GHCB MSR / NAE 0x8000_001A exits through the calling CPU's GHCB), the
 * set-up on the boot CPU after the GHCB is in use (boot/sev.c) with a check of the
 * interrupt path (a self IPI, then the hypervisor's timer, each taken through the IDT),
 * the same on every AP from the common AP path (smp/ap.c), the wake-up IPIs of the SMP
 * code, and the teardown on every CPU before any handoff (boot/finish.c). Vectors:
 * arch/x86/desc.h, docs/abi.md §12.
 *
 * Which CPU runs a handler: SAVIC_CONTROL (never intercepted, facts §1.2) holds this CPU's
 * backing page, the first member of its struct savic_cpu; it is looked up in the table of
 * CPUs, so a value that is not one of ours is never used.
 */
#include "apic/savic.h"

#include "apic/lapic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "boot/boot.h"
#include "boot/memory.h"
#include "ghcb/sev_es.h"
#include "ghcb/vc.h"
#include "lib/console.h"
#include "lib/string.h"
#include "sev/exit_codes.h"
#include "sev/ghcb.h"
#include "sev/term.h"
#include "sev/vmsa.h"
#include "smp/madt.h"

_Static_assert(NR_IRQ_STUBS <= SAVIC_IRQ_SLOTS, "savic_cpu.irq_count covers every IRQ vector");

#define SAVIC_MAX_CPUS MADT_MAX_CPUS
#define AP_SPIN        (1u << 16) /* sti; pause; cli rounds an AP waits for its self IPI */
#define AP_DOWN_SPIN   (1u << 24) /* pause rounds the BSP waits for an AP's teardown */
#define TICK_COUNT     1000000u   /* the BSP's watchdog tick: 1 ms at KVM's 1 GHz APIC clock */

static struct savic_cpu bsp;
static struct savic_cpu *cpus[SAVIC_MAX_CPUS] = { &bsp };
static unsigned nr_cpus = 1;

static uint64_t hw_rdmsr(uint32_t msr)
{
	return rdmsr(msr);
}

static void hw_wrmsr(uint32_t msr, uint64_t val)
{
	wrmsr(msr, val);
}

/* One GHCB call on the calling CPU's GHCB: inputs set by fill(), answer in *r. */
static int ghcb_exit(uint64_t code, uint64_t info1, void (*fill)(volatile struct ghcb *, const uint64_t *),
		     const uint64_t *arg, struct ghcb_resp *r)
{
	struct vc_cpu *c = sev_es_this_vc();
	int err;

	if (!c->ghcb)
		return CB_TERM_VC_UNSUPPORTED;
	if (c->busy)
		return CB_TERM_VC_NESTED;
	c->busy = true;
	vc_ghcb_begin(c);
	fill(c->ghcb, arg);
	err = vc_ghcb_call(c, code, info1, 0, r);
	c->busy = false;
	return err;
}

static void fill_msr(volatile struct ghcb *g, const uint64_t *a)
{
	g->rcx = a[0];
	ghcb_set_valid(g, GHCB_BIT_RCX);
	g->rax = (uint32_t)a[1];
	ghcb_set_valid(g, GHCB_BIT_RAX);
	g->rdx = a[1] >> 32;
	ghcb_set_valid(g, GHCB_BIT_RDX);
}

static int hw_hv_wrmsr(uint32_t msr, uint64_t val)
{
	const uint64_t a[2] = { msr, val };
	struct ghcb_resp r;

	return ghcb_exit(SVM_EXIT_MSR, 1, fill_msr, a, &r);
}

static void fill_savic(volatile struct ghcb *g, const uint64_t *a)
{
	g->rax = SVM_VMGEXIT_SAVIC_SELF;
	ghcb_set_valid(g, GHCB_BIT_RAX);
	g->rbx = a[0];
	ghcb_set_valid(g, GHCB_BIT_RBX);
}

static int hw_nae(unsigned op, uint64_t gpa, uint64_t *rbx_out)
{
	static const uint8_t rbx_bit[] = { GHCB_BIT_RBX };
	const uint64_t a[1] = { gpa };
	struct ghcb_resp r;
	int err = ghcb_exit(SVM_VMGEXIT_SAVIC, op, fill_savic, a, &r);

	/* unregistration hands the old GPA back in RBX (facts §8.3): it must be valid */
	if (!err && op == SVM_VMGEXIT_SAVIC_UNREGISTER)
		err = ghcb_check_valid(&r, rbx_bit, 1);
	*rbx_out = r.rbx;
	return err;
}

static const struct savic_ops hw_ops = {
	.rdmsr = hw_rdmsr, .wrmsr = hw_wrmsr, .hv_wrmsr = hw_hv_wrmsr, .nae = hw_nae,
};

static void fatal(int code, const char *what)
{
	sev_es_fatal((unsigned)code, what);
}

/* This CPU's state, from its SAVIC_CONTROL (no exit); NULL when Secure AVIC is off here. */
static struct savic_cpu *this_cpu(void)
{
	uint64_t ctl;
	struct savic_cpu *c;

	if (!bsp.on)
		return NULL; /* no Secure AVIC at all: the MSR need not exist */
	ctl = rdmsr(MSR_SAVIC_CONTROL);
	c = (struct savic_cpu *)(uintptr_t)(ctl & ~0xfffull);
	if (!(ctl & SAVIC_CONTROL_EN))
		return NULL;
	for (unsigned i = 0; i < nr_cpus; i++)
		if (cpus[i] == c)
			return c;
	return NULL;
}

static void on_irq(struct trap_frame *f)
{
	struct savic_cpu *c = this_cpu();
	int err;

	if (!c)
		fatal(CB_TERM_SAVIC_IRQ, "Secure AVIC: an interrupt on a CPU without Secure AVIC");
	__atomic_fetch_add(&c->irq_count[f->vector - VEC_IRQ_FIRST], 1, __ATOMIC_RELAXED);
	if (f->vector == VEC_SPURIOUS)
		return; /* a spurious interrupt takes no EOI */
	err = savic_eoi(&hw_ops, c);
	if (err)
		fatal(err, "Secure AVIC: EOI");
}

/* With ALLOWED_NMI the hypervisor can inject NMIs: only an announced one is acted on. */
static void on_nmi(struct trap_frame *f)
{
	struct savic_cpu *c = this_cpu();

	(void)f;
	savic_nmi_claim(c ? c : &bsp);
}

static uint32_t taken(const struct savic_cpu *c, unsigned vector)
{
	return __atomic_load_n(&c->irq_count[vector - VEC_IRQ_FIRST], __ATOMIC_ACQUIRE);
}

/* Wait for the vector's interrupt with IF=1 only inside HLT. The hypervisor may resume a
 * halted CPU without reason (a wake-up for a vector the CPU then filtered out, say): a
 * bounded number of such wake-ups is tolerated, then the interrupt counts as lost. */
static bool take(const struct savic_cpu *c, unsigned vector)
{
	for (unsigned i = 0; i < 1000 && !taken(c, vector); i++)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	return taken(c, vector) == 1;
}

/* An AP has no timer to end a HLT (it allows no vector): its self IPI must be taken in a
 * bounded spin with IF=1. A CPU that never takes it runs without V_GIF (its VMSA's
 * vintr_ctrl, facts §7.2) or has a broken interrupt path. */
static bool take_spin(const struct savic_cpu *c, unsigned vector)
{
	for (unsigned i = 0; i < AP_SPIN && !taken(c, vector); i++)
		__asm__ volatile("sti; pause; cli" ::: "memory");
	return taken(c, vector) == 1;
}

bool savic_boot_on(void)
{
	return bsp.on;
}

uint64_t savic_vmsa_vintr_ctrl(void)
{
	if (!bsp.on)
		return 0;
	if (boot_opts.fault == FAULT_SAVIC_NO_VGIF) /* test hook: the AP must notice */
		return SEV_VMSA_V_NMI_ENABLE;
	return SEV_VMSA_V_GIF | SEV_VMSA_V_NMI_ENABLE;
}

void savic_boot_init(uint64_t sev_status)
{
	uint32_t allowed[8] = { 0 };
	int err;

	if (!savic_present(sev_status))
		return;
	err = savic_check_apic_base(rdmsr(MSR_APIC_BASE));
	if (err)
		fatal(err, "Secure AVIC: IA32_APIC_BASE does not say x2APIC mode");
	/* only the timer: the hypervisor may inject nothing else (never an IPI vector) */
	allowed[VEC_TIMER / 32] |= 1u << (VEC_TIMER % 32);
	err = savic_enable(&hw_ops, &bsp, (uint64_t)(uintptr_t)&bsp.page, allowed);
	if (err)
		fatal(err, "Secure AVIC: backing page registration or enable");
	for (unsigned v = VEC_IRQ_FIRST; v <= VEC_IRQ_LAST; v++)
		trap_set_handler(v, on_irq);
	trap_set_handler(VEC_NMI, on_nmi);
	/* the interrupt path, once: a self IPI (no exit), then the hypervisor's timer */
	savic_self_ipi(&hw_ops, VEC_IPI_TEST);
	if (!take(&bsp, VEC_IPI_TEST) || savic_highest(bsp.page.isr) >= 0)
		fatal(CB_TERM_SAVIC_IRQ, "Secure AVIC: the self IPI was not taken");
	err = savic_timer_oneshot(&hw_ops, VEC_TIMER, 1000);
	if (err)
		fatal(err, "Secure AVIC: timer");
	if (!take(&bsp, VEC_TIMER) || savic_highest(bsp.page.isr) >= 0)
		fatal(CB_TERM_SAVIC_IRQ, "Secure AVIC: the hypervisor's timer did not arrive");
	log_info("cocoboot: savic: Secure AVIC on (APIC ID %u, backing page %#llx): self IPI "
		 "and timer taken\n", bsp.apic_id, (unsigned long long)bsp.gpa);
}

void savic_percpu_alloc(unsigned n)
{
	uint64_t each = (sizeof(struct savic_cpu) + PMM_PAGE_SIZE - 1) & ~(PMM_PAGE_SIZE - 1);
	uint64_t pa;

	if (!bsp.on || n < 2)
		return;
	if (n > SAVIC_MAX_CPUS)
		n = SAVIC_MAX_CPUS;
	/* RAM the boot validated (SNP, boot/memory.c): private, as a backing page must be */
	pa = pmm_alloc(&boot_pmm, each / PMM_PAGE_SIZE * (n - 1), PMM_PAGE_SIZE, ~0ull);
	if (!pa)
		fatal(CB_TERM_SAVIC_REGISTER, "Secure AVIC: no memory for the APs' backing pages");
	for (unsigned i = 1; i < n; i++) {
		struct savic_cpu *c = (struct savic_cpu *)(uintptr_t)(pa + (i - 1) * each);

		memset(c, 0, sizeof(*c));
		c->index = i;
		cpus[i] = c;
	}
	__atomic_store_n(&nr_cpus, n, __ATOMIC_RELEASE);
}

/* A message naming the CPU, for the fatal path (no formatting there). */
static void ap_fatal(int code, unsigned index, const char *what)
{
	log_err("cocoboot: savic: CPU %u: %s\n", index, what);
	fatal(code, what);
}

void savic_ap_init(unsigned index)
{
	struct savic_cpu *c;
	int err;

	if (!bsp.on)
		return;
	if (index == 0 || index >= nr_cpus || !(c = cpus[index]))
		fatal(CB_TERM_FATAL, "Secure AVIC: an AP without a backing page");
	err = savic_check_apic_base(rdmsr(MSR_APIC_BASE));
	if (err)
		ap_fatal(err, index, "Secure AVIC: IA32_APIC_BASE does not say x2APIC mode");
	/* ALLOWED_IRR empty: an AP arms no timer, so the hypervisor may inject nothing */
	err = savic_enable(&hw_ops, c, (uint64_t)(uintptr_t)&c->page, NULL);
	if (err)
		ap_fatal(err, index, "Secure AVIC: backing page registration or enable");
	savic_self_ipi(&hw_ops, VEC_IPI_TEST);
	if (!take_spin(c, VEC_IPI_TEST) || savic_highest(c->page.isr) >= 0)
		ap_fatal(CB_TERM_SAVIC_IRQ, index, "Secure AVIC: the self IPI was not taken "
			 "(V_GIF clear in the AP's VMSA?)");
	log_debug("cocoboot: savic: CPU %u (APIC ID %u): Secure AVIC on, backing page %#llx\n",
		  index, c->apic_id, (unsigned long long)c->gpa);
}

void savic_ap_teardown(void)
{
	struct savic_cpu *c = this_cpu();
	int err;

	if (!c)
		return;
	err = savic_disable(&hw_ops, c);
	if (err)
		ap_fatal(err, c->index, "Secure AVIC: teardown refused (no handoff with Secure AVIC "
			 "left on)");
}

void savic_wake(unsigned index)
{
	struct savic_cpu *me, *t;
	int err;

	if (!bsp.on)
		return;
	me = this_cpu();
	if (!me || index >= nr_cpus || !(t = cpus[index]) || !t->on)
		fatal(CB_TERM_FATAL, "Secure AVIC: a wake-up IPI to a CPU without Secure AVIC");
	err = savic_send(&hw_ops, t, VEC_IPI_WAKE);
	if (err)
		fatal(err, "Secure AVIC: the wake-up IPI's ICR notification was refused");
	__atomic_fetch_add(&me->ipis_sent, 1, __ATOMIC_RELAXED);
}

void savic_idle(void)
{
	if (this_cpu())
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	else
		cpu_pause();
}

void savic_tick(bool on)
{
	int err;

	if (!bsp.on || this_cpu() != &bsp)
		return;
	/* periodic (LVTT bit 17) or one-shot with count 0: inert, as the payload gets it */
	err = hw_hv_wrmsr(X2APIC_MSR_LVTT, VEC_TIMER | (on ? 1u << 17 : 0));
	if (!err)
		err = hw_hv_wrmsr(X2APIC_MSR_TMICT, on ? TICK_COUNT : 0);
	if (err)
		fatal(err, "Secure AVIC: the watchdog timer");
}

uint32_t savic_wakes(void)
{
	struct savic_cpu *c = this_cpu();

	return c ? taken(c, VEC_IPI_WAKE) : 0;
}

void savic_wait_wakes(uint32_t count)
{
	struct savic_cpu *c = this_cpu();

	while (c && taken(c, VEC_IPI_WAKE) < count)
		savic_idle();
}

void savic_aps_down(unsigned n)
{
	for (unsigned i = 1; i < n && i < nr_cpus; i++) {
		unsigned spins = 0;

		while (__atomic_load_n(&cpus[i]->on, __ATOMIC_ACQUIRE) && spins++ < AP_DOWN_SPIN)
			cpu_pause();
		if (__atomic_load_n(&cpus[i]->on, __ATOMIC_ACQUIRE))
			ap_fatal(CB_TERM_SAVIC_TEARDOWN, i, "Secure AVIC: an AP did not tear Secure AVIC "
				 "down before parking");
	}
}

void savic_ipi_counts(uint32_t *sent, uint32_t *got)
{
	*sent = *got = 0;
	for (unsigned i = 0; i < nr_cpus; i++) {
		*sent += __atomic_load_n(&cpus[i]->ipis_sent, __ATOMIC_ACQUIRE);
		*got += taken(cpus[i], VEC_IPI_WAKE);
	}
}

void savic_boot_teardown(void)
{
	uint32_t sent, got;
	int err;

	if (!bsp.on)
		return;
	for (unsigned i = 1; i < nr_cpus; i++)
		if (__atomic_load_n(&cpus[i]->on, __ATOMIC_ACQUIRE))
			ap_fatal(CB_TERM_SAVIC_TEARDOWN, i, "Secure AVIC: an AP still has Secure AVIC "
				 "on at the handoff");
	savic_ipi_counts(&sent, &got);
	err = savic_disable(&hw_ops, &bsp);
	if (err)
		fatal(err, "Secure AVIC: teardown refused (no handoff with Secure AVIC left on)");
	log_info("cocoboot: savic: torn down on %u CPU%s (ALLOWED_IRR clear, disabled, "
		 "unregistered); wake-up IPIs: %u sent, %u taken (%u by the boot CPU: work done)%s\n",
		 nr_cpus, nr_cpus > 1 ? "s" : "", sent, got, taken(&bsp, VEC_IPI_WAKE),
		 bsp.nmi_spurious ? "; unannounced NMIs were ignored" : "");
}
