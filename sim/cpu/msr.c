/* SPDX-License-Identifier: MIT */
/*
 * MSRs: the one table that says which accesses an SEV-ES/SNP guest can make without a
 * #VC, and the values the model gives for the others.
 *
 * Not intercepted (no #VC), following what a KVM-style hypervisor leaves to an SEV-ES
 * guest (docs design.md "sevsim"; amd-sev-facts.md §1): the GHCB MSR, reads of
 * SEV_STATUS, EFER (a write completes in the guest), PAT, FS/GS/KERNEL_GS base,
 * STAR/LSTAR/CSTAR/SFMASK and SYSENTER_*. SAVIC_CONTROL and GUEST_TSC_FREQ would join
 * them with Secure AVIC / Secure TSC, which sevsim does not offer. Every other MSR access
 * raises #VC with exit code 0x7C and reaches the hypervisor model.
 */
#include <string.h>

#include "sim/sim.h"
#include "sim/hv/spec.h"

enum who {
	NATIVE,  /* the CPU (Unicorn) holds the register */
	CPU,     /* sevsim's CPU model holds it (SEV registers) */
};

static const struct msr_entry {
	uint32_t msr;
	const char *name;
	bool no_vc_read, no_vc_write;
	enum who who;
} msr_table[] = {
	{ 0xc0010130u, "GHCB",           true,  true,  CPU },
	{ 0xc0010131u, "SEV_STATUS",     true,  false, CPU },
	{ 0xc0000080u, "EFER",           true,  true,  NATIVE },
	{ 0x00000277u, "PAT",            true,  true,  NATIVE },
	{ 0xc0000100u, "FS_BASE",        true,  true,  NATIVE },
	{ 0xc0000101u, "GS_BASE",        true,  true,  NATIVE },
	{ 0xc0000102u, "KERNEL_GS_BASE", true,  true,  NATIVE },
	{ 0xc0000081u, "STAR",           true,  true,  NATIVE },
	{ 0xc0000082u, "LSTAR",          true,  true,  NATIVE },
	{ 0xc0000083u, "CSTAR",          true,  true,  NATIVE },
	{ 0xc0000084u, "SFMASK",         true,  true,  NATIVE },
	{ 0x00000174u, "SYSENTER_CS",    true,  true,  NATIVE },
	{ 0x00000175u, "SYSENTER_ESP",   true,  true,  NATIVE },
	{ 0x00000176u, "SYSENTER_EIP",   true,  true,  NATIVE },
};

static const struct msr_entry *lookup(uint32_t msr)
{
	for (size_t i = 0; i < sizeof(msr_table) / sizeof(msr_table[0]); i++)
		if (msr_table[i].msr == msr)
			return &msr_table[i];
	return NULL;
}

bool sim_msr_intercepted(uint32_t msr, bool write)
{
	const struct msr_entry *e = lookup(msr);

	return !e || !(write ? e->no_vc_write : e->no_vc_read);
}

bool sim_msr_native(uint32_t msr)
{
	const struct msr_entry *e = lookup(msr);

	return e && e->who == NATIVE;
}

uint64_t sim_sev_status(const struct sim *s)
{
	switch (s->cfg.mode) {
	case SIM_MODE_SEV:     return SIM_SEV_STATUS_SEV;
	case SIM_MODE_SEV_ES:  return SIM_SEV_STATUS_SEV | SIM_SEV_STATUS_SEV_ES;
	case SIM_MODE_SEV_SNP: /* SEV_FEATURES = SEV_STATUS >> 2 (facts §1.1); SF0 is SNP */
		return SIM_SEV_STATUS_SEV | SIM_SEV_STATUS_SEV_ES | SIM_SEV_STATUS_SNP |
		       (s->cfg.sev_features << 2);
	default:               return 0;
	}
}

/* SEV registers of the CPU itself. The GHCB MSR exists only in SEV-ES/SNP guests. */
bool sim_msr_cpu_read(struct sim_vcpu *v, uint32_t msr, uint64_t *val)
{
	if (sim_savic_cpu_read(v, msr, val)) /* SAVIC_CONTROL, accelerated x2APIC reads */
		return true;
	if (msr == SIM_MSR_GHCB && v->sim->cfg.mode >= SIM_MODE_SEV_ES) {
		*val = v->ghcb_msr;
		return true;
	}
	if (msr == SIM_MSR_SEV_STATUS) {
		*val = sim_sev_status(v->sim);
		return true;
	}
	return false;
}

bool sim_msr_cpu_write(struct sim_vcpu *v, uint32_t msr, uint64_t val)
{
	if (msr == SIM_MSR_SAVIC_CONTROL && v->sim->cfg.savic)
		return sim_savic_cpu_write(v, msr, val); /* false: #GP */
	if (sim_savic_cpu_write(v, msr, val)) /* accelerated x2APIC writes */
		return true;
	if (msr == SIM_MSR_GHCB && v->sim->cfg.mode >= SIM_MODE_SEV_ES) {
		v->ghcb_msr = val;
		return true;
	}
	return false;
}

/* ---- the hypervisor's MSRs ---- */

/*
 * The TSC (RDTSC, RDTSCP, MSR 0x10, the intercepted RDTSC's GHCB answer): sevsim's clock,
 * not the host's, so that a run replays exactly and a timeout takes the same number of
 * instructions on any host. Time is the instruction count of all vCPUs together plus what
 * the scheduler skipped while every vCPU halted (apic/savic.c, sim_apic_now); the TSC
 * ticks SIM_TSC_PER_INSN per unit, a 5 GHz TSC (the rate cocoboot assumes when CPUID gives
 * none, smp/clock.c) on a machine running 2 instructions per microsecond.
 */
uint64_t sim_tsc(const struct sim *s)
{
	return sim_apic_now(s) * SIM_TSC_PER_INSN;
}

#define XEN_MSR_HYPERCALL_PAGE 0x40000000u

/* Xen fills the page with 32-byte stubs "mov eax, nr; vmmcall; ret" (svm.c). */
static bool write_hypercall_page(struct sim *s, uint64_t gpa)
{
	uint8_t page[4096];

	memset(page, 0xcc, sizeof(page));
	for (unsigned nr = 0; nr < 4096 / 32; nr++) {
		uint8_t *p = page + nr * 32;
		p[0] = 0xb8;
		memcpy(p + 1, &nr, 4);
		p[5] = 0x0f; p[6] = 0x01; p[7] = 0xd9; /* vmmcall */
		p[8] = 0xc3;
		if (nr == 23) { /* iret: ud2 */
			p[0] = 0x0f; p[1] = 0x0b;
		}
	}
	return sim_mem_hv_write(s, gpa, page, sizeof(page));
}

bool sim_msr_hv_read(struct sim_vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case 0x1bu: /* APIC_BASE: 0xFEE00000, enabled, BSP flag on vCPU 0; x2APIC from reset
		     * under Secure AVIC, which has no xAPIC (facts §8.2; apic/lapic.c) */
		*val = v->apic_base;
		if (v->sim->cfg.savic && sim_lie(v->sim, SIM_LIE_SAVIC_APIC_BASE_XAPIC))
			*val &= ~(1ull << 10); /* EXTD: the hypervisor claims xAPIC mode */
		return true;
	case 0x10u: /* TSC */
		*val = sim_tsc(v->sim);
		return true;
	case 0xfeu: /* MTRRcap: 8 variable ranges, fixed ranges, WC */
		*val = 0x508;
		return true;
	case 0x2ffu: /* MTRRdefType: enabled, default WB (pvh.pandoc) */
		*val = 0xc06;
		return true;
	case 0xc0000103u: /* TSC_AUX */
		*val = v->id;
		return true;
	case 0x8bu:         /* PATCH_LEVEL */
	case 0xc0010015u:   /* HWCR */
		*val = 0;
		return true;
	default:
		return sim_apic_msr_read(v, msr, val); /* apic/lapic.c, then apic/hv_x2apic.c */
	}
}

bool sim_msr_hv_write(struct sim_vcpu *v, uint32_t msr, uint64_t val)
{
	switch (msr) {
	case XEN_MSR_HYPERCALL_PAGE:
		if (v->sim->cfg.hv == SIM_HV_KVM)
			return false; /* no Xen: no such MSR */
		if (val & 0xfff)
			return false; /* page index other than 0: #GP (xen msr.c) */
		return write_hypercall_page(v->sim, val);
	case 0x1bu:
		return sim_apic_base_write(v, val);
	case 0x2ffu:
		return true; /* accepted, no effect */
	default:
		return sim_apic_msr_write(v, msr, val); /* apic/lapic.c, then apic/hv_x2apic.c */
	}
}
