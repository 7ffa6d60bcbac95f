/* SPDX-License-Identifier: MIT */
/*
 * Secure AVIC, the guest side (docs/abi.md §12; amd-sev-facts.md §1.2, §8): per CPU a
 * guest-owned backing page holding its x2APIC registers, registered with the hypervisor
 * and enabled in SAVIC_CONTROL; IPIs written straight into the target's page (the
 * hypervisor is only told to wake it); the timer emulated by the hypervisor; a teardown
 * before any handoff. The logic takes its machine access through struct savic_ops so the
 * host unit tests (tests/unit/test_savic.c) can drive it; apic/savic_hw.c gives the real
 * one (RDMSR/WRMSR and GHCB calls).
 */
#ifndef COCOBOOT_APIC_SAVIC_H
#define COCOBOOT_APIC_SAVIC_H

#include <stdbool.h>
#include <stdint.h>

#include "sev/savic.h"

#define X2APIC_MSR_ID       0x802u
#define X2APIC_MSR_EOI      0x80bu
#define X2APIC_MSR_ICR      0x830u
#define X2APIC_MSR_LVTT     0x832u
#define X2APIC_MSR_TMICT    0x838u
#define X2APIC_MSR_TDCR     0x83eu
#define X2APIC_MSR_SELF_IPI 0x83fu
#define SAVIC_ICR_NMI       (4u << 8)
#define SAVIC_NMI           0u      /* "vector" of an NMI IPI in savic_send */

#define SAVIC_IRQ_SLOTS 4          /* interrupts counted per CPU (apic/savic_hw.c) */

struct savic_cpu {
	struct savic_page page;      /* the backing page (private memory) */
	uint64_t gpa;                /* its guest physical address */
	uint32_t apic_id;
	bool on;                     /* enabled and registered */
	uint32_t nmi_expected;       /* NMIs announced by senders, not yet taken */
	uint32_t nmi_spurious;       /* NMIs nobody announced (ignored) */
	/* apic/savic_hw.c's per-CPU bookkeeping */
	uint32_t index;              /* the CPU's index (0: the BSP), as smp_cpus[] */
	uint32_t irq_count[SAVIC_IRQ_SLOTS]; /* interrupts taken, by vector - VEC_IRQ_FIRST */
	uint32_t ipis_sent;          /* IPIs this CPU sent (savic_send) */
};

struct savic_ops {
	uint64_t (*rdmsr)(uint32_t msr);              /* RDMSR (a #VC before enabling) */
	void (*wrmsr)(uint32_t msr, uint64_t val);    /* WRMSR: accelerated ones only */
	int (*hv_wrmsr)(uint32_t msr, uint64_t val);  /* GHCB MSR exit, write; 0 or a reason */
	/* NAE 0x8000_001A: RAX = ~0, RBX = gpa; *rbx_out = RBX answered; 0 or a reason */
	int (*nae)(unsigned op, uint64_t gpa, uint64_t *rbx_out);
};

/* SEV_STATUS bit 18 (facts §1.1) */
bool savic_present(uint64_t sev_status);
/* Secure AVIC has no xAPIC (facts §8.2): IA32_APIC_BASE must say x2APIC (EXTD) and enabled;
 * 0 or CB_TERM_SAVIC_NO_X2APIC. */
int savic_check_apic_base(uint64_t apic_base);

/*
 * Enable on this CPU (facts §8.3, the series' order): APIC ID from the hypervisor into the
 * page, register the page, ALLOWED_IRR = allowed[] (vectors the hypervisor may inject),
 * SAVIC_CONTROL = GPA | EN | ALLOWED_NMI, read back. 0 or a reason code.
 */
int savic_enable(const struct savic_ops *o, struct savic_cpu *c, uint64_t gpa,
		 const uint32_t allowed[8]);
/* Teardown (facts §8.5): ALLOWED_IRR cleared, SAVIC_CONTROL 0, unregister (the GPA must
 * come back). 0 or CB_TERM_SAVIC_TEARDOWN. */
int savic_disable(const struct savic_ops *o, struct savic_cpu *c);

/* IPI from `from` to target: the vector's IRR bit (or, SAVIC_NMI, the NMI request) in the
 * target's page, then the ICR through the hypervisor to wake it. 0 or a reason. */
int savic_send(const struct savic_ops *o, struct savic_cpu *target, unsigned vector);
/* Self IPI: SELF_IPI (accelerated, no exit). */
void savic_self_ipi(const struct savic_ops *o, unsigned vector);
/* EOI as the series does (facts §8.4): the highest ISR vector; level (TMR set): clear
 * it in the page and tell the hypervisor; edge: WRMSR EOI (accelerated). */
int savic_eoi(const struct savic_ops *o, struct savic_cpu *c);
/* In the NMI handler: true if a sender announced this NMI (taken), else counted spurious. */
bool savic_nmi_claim(struct savic_cpu *c);
/* The hypervisor's LAPIC timer: one-shot, `count` ticks (divide by 1), vector. */
int savic_timer_oneshot(const struct savic_ops *o, unsigned vector, uint32_t count);
/* Highest vector set in a 256-bit register of the page (isr / irr), -1: none. */
int savic_highest(const struct savic_reg *r);

/* apic/savic_hw.c: the boot's use (boot/sev.c, boot/finish.c) */
void savic_boot_init(uint64_t sev_status);  /* this CPU (the BSP); fatal on failure */
/* before any handoff: the BSP's teardown, after every AP's (each must be off); fatal */
void savic_boot_teardown(void);
bool savic_boot_on(void);

/*
 * Every AP (docs/abi.md §12 "APs"), whichever SMP method started it: the BSP gives each
 * its own backing page (savic_percpu_alloc, from the SMP per-CPU set-up), the AP enables
 * Secure AVIC from the common AP path once its GHCB works (savic_ap_init) and tears it
 * down before it parks (savic_ap_teardown). All are no-ops when the BSP runs without it.
 */
void savic_percpu_alloc(unsigned n);        /* CPUs 1..n-1 (BSP); fatal without memory */
void savic_ap_init(unsigned index);         /* on the AP; fatal on failure (0x24-0x27) */
void savic_ap_teardown(void);               /* on the AP; a refusal is fatal (0x26) */
/* What an AP's VMSA needs in vintr_ctrl (offset 0x3B8) under Secure AVIC: V_GIF | V_NMI_ENABLE
 * (facts §7.2), else 0 (the SMP code that builds VMSAs writes it) */
uint64_t savic_vmsa_vintr_ctrl(void);
/* SMP wake-ups (smp/): under Secure AVIC a real IPI (VEC_IPI_WAKE in the target's IRR, the
 * ICR through the GHCB so the hypervisor wakes it; fatal if refused); else nothing (the
 * waiter polls). */
void savic_wake(unsigned index);
/* Wait for the next interrupt on this CPU if Secure AVIC is on here (sti; hlt; cli), else
 * cpu_pause(). The caller re-checks its condition and its deadline after each return. */
void savic_idle(void);
/* The BSP's watchdog tick while it sleeps in savic_idle (the hypervisor's timer, periodic):
 * a lost wake-up ends in the caller's timeout, not a hang. No-op without Secure AVIC. */
void savic_tick(bool on);
/* Wait (savic_idle) until this CPU has taken `count` wake-up IPIs in all. A sender sends
 * one only after the target took the one before, so an IPI never merges into one still
 * pending (IRR holds one bit per vector) and each is delivered exactly once. */
void savic_wait_wakes(uint32_t count);
/* Wake-up IPIs this CPU has taken. */
uint32_t savic_wakes(void);
/* The BSP before the APs' VMSAs go (smp_park): every AP has torn Secure AVIC down; a bounded
 * wait, then 0x26 naming the CPU. */
void savic_aps_down(unsigned n);
/* Wake-up IPIs sent and taken by all CPUs so far (for the log and the tests). */
void savic_ipi_counts(uint32_t *sent, uint32_t *taken);


#endif
