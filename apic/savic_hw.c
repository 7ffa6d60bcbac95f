// SPDX-License-Identifier: MIT
/*
 * Secure AVIC in the boot (apic/savic.h): the machine side of struct savic_ops (RDMSR,
 * WRMSR, and the GHCB MSR / NAE 0x8000_001A exits through the boot CPU's GHCB), the set-up
 * on the boot CPU after the GHCB is in use (boot/sev.c), a check of the interrupt path (a
 * self IPI, then the hypervisor's timer, each taken through the IDT), and the teardown
 * before any handoff (boot/finish.c). Vectors: arch/x86/desc.h, docs/abi.md §12.
 * APs (when the SMP code starts them under SNP) call savic_enable with their own
 * struct savic_cpu and GHCB; until then only the boot CPU runs with Secure AVIC.
 */
#include "apic/savic.h"

#include "apic/lapic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "ghcb/sev_es.h"
#include "ghcb/vc.h"
#include "lib/console.h"
#include "sev/exit_codes.h"
#include "sev/ghcb.h"
#include "sev/term.h"

static struct savic_cpu bsp;
static volatile uint32_t irq_count[VEC_IRQ_LAST + 1 - VEC_IRQ_FIRST];

static uint64_t hw_rdmsr(uint32_t msr)
{
	return rdmsr(msr);
}

static void hw_wrmsr(uint32_t msr, uint64_t val)
{
	wrmsr(msr, val);
}

/* One GHCB call on the boot CPU's GHCB: inputs set by fill(), answer in *r. */
static int ghcb_exit(uint64_t code, uint64_t info1, void (*fill)(volatile struct ghcb *, const uint64_t *),
		     const uint64_t *arg, struct ghcb_resp *r)
{
	struct vc_cpu *c = sev_es_bsp();
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

static void on_irq(struct trap_frame *f)
{
	irq_count[f->vector - VEC_IRQ_FIRST]++;
	if (f->vector == VEC_SPURIOUS)
		return; /* a spurious interrupt takes no EOI */
	int err = savic_eoi(&hw_ops, &bsp);
	if (err)
		fatal(err, "Secure AVIC: EOI");
}

/* With ALLOWED_NMI the hypervisor can inject NMIs: only an announced one is acted on. */
static void on_nmi(struct trap_frame *f)
{
	(void)f;
	savic_nmi_claim(&bsp);
}

/* Wait for the vector's interrupt with IF=1 only inside HLT. The hypervisor may resume a
 * halted CPU without reason (a wake-up for a vector the CPU then filtered out, say): a
 * bounded number of such wake-ups is tolerated, then the interrupt counts as lost. */
static bool take(unsigned vector)
{
	volatile uint32_t *n = &irq_count[vector - VEC_IRQ_FIRST];

	for (unsigned i = 0; i < 1000 && !*n; i++)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	return *n == 1;
}

bool savic_boot_on(void)
{
	return bsp.on;
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
	if (!take(VEC_IPI_TEST) || savic_highest(bsp.page.isr) >= 0)
		fatal(CB_TERM_SAVIC_IRQ, "Secure AVIC: the self IPI was not taken");
	err = savic_timer_oneshot(&hw_ops, VEC_TIMER, 1000);
	if (err)
		fatal(err, "Secure AVIC: timer");
	if (!take(VEC_TIMER) || savic_highest(bsp.page.isr) >= 0)
		fatal(CB_TERM_SAVIC_IRQ, "Secure AVIC: the hypervisor's timer did not arrive");
	log_info("cocoboot: savic: Secure AVIC on (APIC ID %u, backing page %#llx): self IPI "
		 "and timer taken\n", bsp.apic_id, (unsigned long long)bsp.gpa);
}

void savic_boot_teardown(void)
{
	int err;

	if (!bsp.on)
		return;
	err = savic_disable(&hw_ops, &bsp);
	if (err)
		fatal(err, "Secure AVIC: teardown refused (no handoff with Secure AVIC left on)");
	log_info("cocoboot: savic: torn down (ALLOWED_IRR clear, disabled, unregistered)%s\n",
		 bsp.nmi_spurious ? "; unannounced NMIs were ignored" : "");
}
