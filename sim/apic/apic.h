/* SPDX-License-Identifier: MIT */
/*
 * sevsim's APIC room: the local APIC of each vCPU as an x2APIC register page (registers at
 * their xAPIC MMIO offsets, 16-byte stride), used two ways (docs/sevsim.md "APIC"):
 *   - without Secure AVIC the hypervisor emulates the x2APIC in its own page (every APIC
 *     MSR of an SEV-ES/SNP guest is a #VC 0x7C and a GHCB MSR exit: hv_x2apic.c);
 *   - with Secure AVIC the page is the guest's own backing page in guest memory, read and
 *     written by the CPU model (savic.c) and never by the hypervisor.
 * regs.c holds what both share: IRR/ISR/TMR bits, PPR, the choice of the next vector.
 * Facts: amd-sev-facts.md §1.2, §7.2, §8.
 */
#ifndef SIM_APIC_APIC_H
#define SIM_APIC_APIC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* register offsets in the page (x2APIC MSR = 0x800 + offset / 16; facts §1, §8.1) */
#define SIM_APIC_ID        0x020u
#define SIM_APIC_LVR       0x030u
#define SIM_APIC_TPR       0x080u
#define SIM_APIC_APR       0x090u
#define SIM_APIC_PPR       0x0a0u
#define SIM_APIC_EOI       0x0b0u
#define SIM_APIC_LDR       0x0d0u
#define SIM_APIC_SVR       0x0f0u
#define SIM_APIC_ISR       0x100u
#define SIM_APIC_TMR       0x180u
#define SIM_APIC_IRR       0x200u
#define SIM_APIC_ALLOWED   0x204u /* Secure AVIC: ALLOWED_IRR0..7 beside IRR0..7 (facts §8.1) */
#define SIM_APIC_NMI_REQ   0x278u /* Secure AVIC: bit 0 = NMI requested (facts §8.1) */
#define SIM_APIC_ESR       0x280u
#define SIM_APIC_ICR       0x300u /* one 64-bit register in x2APIC mode */
#define SIM_APIC_LVTT      0x320u
#define SIM_APIC_LVT_FIRST 0x320u
#define SIM_APIC_LVT_LAST  0x370u
#define SIM_APIC_TMICT     0x380u
#define SIM_APIC_TMCCT     0x390u
#define SIM_APIC_TDCR      0x3e0u
#define SIM_APIC_SELF_IPI  0x3f0u

#define SIM_MSR_X2APIC_BASE   0x800u
#define SIM_MSR_X2APIC_LAST   0x8ffu
#define SIM_MSR_SAVIC_CONTROL 0xc0010138u
#define SIM_SAVIC_EN          (1ull << 0)  /* facts §1.2 */
#define SIM_SAVIC_ALLOWED_NMI (1ull << 1)
#define SIM_SAVIC_RSVD        0xffcull     /* bits 11:2 */
#define SIM_SEV_STATUS_SAVIC  (1ull << 18) /* facts §1.1 */
#define SIM_NAE_SAVIC         0x8000001au  /* facts §8.3: info1 0 register, 1 unregister */
#define SIM_EXIT_AVIC_INCOMPLETE_IPI 0x401u
#define SIM_EXIT_AVIC_NOACCEL        0x402u

/* ICR fields (x2APIC: destination in [63:32]) */
#define SIM_ICR_VECTOR(icr)    ((unsigned)((icr) & 0xff))
#define SIM_ICR_MODE(icr)      ((unsigned)(((icr) >> 8) & 7)) /* 0 fixed, 4 NMI */
#define SIM_ICR_LEVEL_TRIG     (1ull << 15)
#define SIM_ICR_SHORTHAND(icr) ((unsigned)(((icr) >> 18) & 3)) /* 0 none, 1 self, 2 all, 3 all-but */
#define SIM_ICR_DEST(icr)      ((uint32_t)((icr) >> 32))

/* vCPU i has APIC ID 2i, as CPUID 1 EBX[31:24] says (cpu/cpuid.c; Xen's vlapic does the same) */
#define SIM_APIC_ID_OF(i) (2u * (i))

struct sim_apic {
	/* hypervisor-emulated x2APIC (no Secure AVIC): the hypervisor's own page */
	uint8_t hv_page[4096];
	bool hv_page_init;
	/* Secure AVIC, CPU side */
	uint64_t savic_ctrl;        /* SAVIC_CONTROL as the guest wrote it */
	/* Secure AVIC, hypervisor side */
	uint64_t savic_gpa;         /* registered backing page (~0: none) */
	uint64_t savic_last_gpa;    /* the last page registered or enabled (~0: never): the
				     * handoff checker reads its ALLOWED_IRR */
	uint32_t req_irr[8];        /* REQUESTED_IRR: vectors the hypervisor asks to inject */
	bool hv_nmi;                /* the hypervisor asks to inject an NMI (V_NMI) */
	bool kicked;                /* the hypervisor woke the vCPU (IPI notification) */
	/* the hypervisor's timer (LVTT, TMICT, TDCR via MSR exits in both modes) */
	uint32_t lvtt, tmict, tdcr;
	uint64_t t_start, t_deadline; /* in sim time (instructions); 0: not armed */
	/* the VMSA's vintr_ctrl (offset 0x3B8): under Secure AVIC the CPU takes V_GIF and
	 * V_NMI_ENABLE from the VMSA, not the VMCB (APM 15.36.16 and 15.36.21.2 as quoted by
	 * AMD on LKML, 2025-08-25, "[PATCH v9 09/18]"; facts §7.2) */
	uint64_t vintr_ctrl;
	/* what reached the guest */
	uint64_t delivered[256];
	uint64_t nmis;
};

/* counters of the whole run (JSON "apic") */
struct sim_apic_stats {
	uint64_t ipis_sent;          /* ICR notifications / ICR writes seen by the hypervisor */
	uint64_t ipis_delivered;     /* fixed interrupts delivered through the IDT */
	uint64_t self_ipis;          /* accelerated self IPIs (Secure AVIC) */
	uint64_t eoi_accel;          /* accelerated EOI writes */
	uint64_t eoi_hv;             /* EOIs the hypervisor saw (MSR exits) */
	uint64_t timer_fired;
	uint64_t injected_attempts;  /* REQUESTED_IRR vectors the hypervisor set */
	uint64_t injected_blocked;   /* ... not in ALLOWED_IRR: dropped by the CPU */
	uint64_t nmi_attempts, nmi_blocked, nmi_delivered;
	uint64_t registered, unregistered, refused;
	uint64_t icr_bad_target;     /* notifications naming a vCPU that does not exist */
	uint64_t vgif_held;          /* VMRUNs at which a deliverable interrupt or NMI waited:
				      * Secure AVIC on, V_GIF clear in the vCPU's VMSA */
	uint64_t vnmi_held;          /* ... an NMI waited: V_NMI_ENABLE clear */
	uint64_t idle_skips;         /* every vCPU halted: time jumped to the next timer */
	uint64_t now_offset;         /* sim time = instructions + this */
};

struct sim;
struct sim_vcpu;
struct sim_counter;

/* regs.c: the register page */
uint32_t sim_apic_reg(const uint8_t *page, unsigned off);
void sim_apic_set(uint8_t *page, unsigned off, uint32_t val);
bool sim_apic_bit(const uint8_t *page, unsigned base, unsigned vec);
void sim_apic_bit_set(uint8_t *page, unsigned base, unsigned vec, bool on);
int sim_apic_highest(const uint8_t *page, unsigned base); /* -1: none */
uint32_t sim_apic_ppr(const uint8_t *page);
void sim_apic_page_reset(uint8_t *page, uint32_t id);

/* savic.c: the Secure AVIC CPU model */
bool sim_savic_on(const struct sim_vcpu *v);          /* enabled in SAVIC_CONTROL */
uint8_t *sim_apic_page(struct sim_vcpu *v);           /* the page in use (NULL: none) */
/* in hook_code: 0 = the CPU handles the access (cpu_msr_*), else a #VC exit code; *trap:
 * the #VC comes after the instruction (RIP advanced) */
uint64_t sim_savic_msr_exit(struct sim_vcpu *v, uint32_t msr, bool write, bool *trap);
bool sim_savic_cpu_read(struct sim_vcpu *v, uint32_t msr, uint64_t *val);
bool sim_savic_cpu_write(struct sim_vcpu *v, uint32_t msr, uint64_t val);
/* at VMRUN: merge REQUESTED_IRR, deliver the next interrupt / NMI (false: none) */
void sim_apic_vmrun(struct sim_vcpu *v);
bool sim_apic_hlt_pending(struct sim_vcpu *v);
/* wake halted vCPUs with work; run timers; false if nothing can ever wake anyone */
void sim_apic_schedule(struct sim *s);
uint64_t sim_apic_now(const struct sim *s);
/* NAE 0x8000_001A */
struct sim_ghcb;
void sim_savic_nae(struct sim_vcpu *v, uint64_t info1, uint64_t rax, uint64_t rbx,
		   uint64_t *out_info1, uint64_t *out_info2, uint64_t *out_rbx);

/* the lie savic-inject-disallowed: request the lowest vector >= 0x20 not allowed */
void sim_savic_request_disallowed(struct sim_vcpu *v);

/* hv_x2apic.c: the hypervisor's side of x2APIC MSR exits (false: #GP) */
bool sim_hv_x2apic_read(struct sim_vcpu *v, uint32_t msr, uint64_t *val);
bool sim_hv_x2apic_write(struct sim_vcpu *v, uint32_t msr, uint64_t val);
bool sim_hv_ipi_accept(struct sim_vcpu *t, bool nmi, unsigned vec); /* false: t is down */
void sim_hv_timer_tick(struct sim *s);
uint64_t sim_hv_next_deadline(const struct sim *s); /* 0: none */
void sim_apic_json(const struct sim *s, FILE *f);

/* savic_check.c: the handoff checker's Secure AVIC checks */
struct sim_handoff;
void sim_savic_handoff_checks(struct sim *s, struct sim_handoff *h);

#endif
