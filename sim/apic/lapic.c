/* SPDX-License-Identifier: MIT */
/*
 * The local APIC of each vCPU, as far as starting CPUs needs it (docs/sevsim.md "SMP"):
 * the xAPIC page at 0xFEE00000 (modes none and sev: an MMIO region of every engine;
 * sev-es: #VC -> the GHCB MMIO event, served here for the vCPU that asked) and the
 * x2APIC MSRs 0x800-0x8FF once IA32_APIC_BASE.EXTD is set.
 *
 * Registers (Intel SDM vol. 3A 11.4-11.6, 11.12; AMD APM vol. 2 16.3-16.5): ID (APIC ID
 * = 2 x vCPU id, bits 31:24 in xAPIC mode), version 0x50014, the ICR; the interrupt state
 * (TPR, PPR, EOI, ISR, TMR, IRR) is the register file of apic/hv_x2apic.c in both modes
 * (one APIC, two interfaces: SDM 11.12.1); other registers read back what was written
 * (SVR, LVTs: the timer is modelled for x2APIC mode only). An ICR write sends the IPI at
 * once, so the delivery-status bit always reads 0 (idle).
 *   delivery mode 5 INIT (level assert; the de-assert form is a no-op, as on every CPU
 *   since the Pentium 4), 6 StartUp (vector = page of the real-mode entry), 0 fixed and
 *   4 NMI: delivered by apic/hv_x2apic.c (the hypervisor's APIC, also Secure AVIC's
 *   notifications) from the x2APIC ICR and from the xAPIC page alike (under SEV-ES the
 *   page is reached through #VC and the GHCB MMIO events, hv/io.c); other modes (lowest
 *   priority, SMI, ExtINT) counted and dropped;
 *   destination: physical (the APIC ID; 0xFF / 0xFFFFFFFF = all) or a shorthand (self,
 *   all including self, all excluding self); logical destinations are dropped (counted).
 * What INIT and SIPI do to the target is hv/smp.c's (it depends on mode and platform).
 * One APIC per vCPU: in x2APIC mode this file keeps the ICR (and the start IPIs); every
 * other x2APIC register (ID, TPR, EOI, ISR/IRR, LVTs, timer, SELF_IPI) is the register file
 * of apic/hv_x2apic.c, with the same APIC ID (2 x vCPU id, SIM_APIC_ID_OF).
 */
#include <inttypes.h>

#include "sim/sim.h"
#include "sim/fw/spec.h"

#define REG_ID      0x020
#define REG_VERSION 0x030
#define REG_ICR_LO  0x300
#define REG_ICR_HI  0x310
#define REG_TPR     0x080
#define REG_PPR     0x0a0
#define REG_EOI     0x0b0
#define REG_ISR     0x100
#define REG_IRR_END 0x280 /* ISR, TMR and IRR: 0x100 .. 0x27F */
#define APIC_BASE_EXTD   (1ull << 10)

#define ICR_LOGICAL       (1u << 11)
#define ICR_ASSERT        (1u << 14) /* the field macros: SIM_ICR_* (apic/apic.h) */
#define MODE_FIXED  0
#define MODE_NMI    4
#define MODE_INIT   5
#define MODE_SIPI   6

static void deliver(struct sim_vcpu *from, struct sim_vcpu *to, unsigned mode, unsigned vector)
{
	struct sim *s = from->sim;

	sim_trace(s, "vcpu%u: IPI mode %u vector %#x to vcpu%u", from->id, mode, vector, to->id);
	if (mode == MODE_INIT)
		sim_smp_init_ipi(from, to);
	else if (mode == MODE_SIPI)
		sim_smp_sipi(from, to, vector);
	else if (mode != MODE_FIXED && mode != MODE_NMI)
		s->ipis_dropped++; /* x2APIC fixed/NMI never come here (apic/hv_x2apic.c) */
	else if (!sim_hv_ipi_accept(to, mode == MODE_NMI, vector))
		s->ipis_dropped++; /* the target is down */
}

/* Send the IPI icr_lo describes to dest (an APIC ID; all_id: the broadcast ID). */
static void send_ipi(struct sim_vcpu *v, uint32_t icr_lo, uint32_t dest, uint32_t all_id)
{
	struct sim *s = v->sim;
	unsigned mode = SIM_ICR_MODE(icr_lo), sh = SIM_ICR_SHORTHAND(icr_lo);

	s->ipis++;
	if (mode == MODE_FIXED || mode == MODE_NMI)
		s->apic_stats.ipis_sent++;
	if (mode == MODE_INIT && !(icr_lo & ICR_ASSERT))
		return; /* INIT level de-assert: no effect (SDM 11.6.1) */
	if (sh == 0 && (icr_lo & ICR_LOGICAL)) {
		s->ipis_dropped++;
		return;
	}
	for (unsigned i = 0; i < s->nr_vcpus && s->result == SIM_RES_RUNNING; i++) {
		struct sim_vcpu *t = &s->vcpu[i];
		bool hit = sh == 1 ? t == v : sh == 2 ? true : sh == 3 ? t != v :
			   (dest == all_id || dest == t->apic_id);
		if (hit)
			deliver(v, t, mode, SIM_ICR_VECTOR(icr_lo));
	}
}

bool sim_apic_x2(const struct sim_vcpu *v)
{
	return (v->apic_base & APIC_BASE_EXTD) != 0;
}

/* TPR, PPR, EOI, ISR, TMR, IRR: the interrupt state, kept in apic/hv_x2apic.c's page */
static bool irq_state(unsigned off)
{
	return off == REG_TPR || off == REG_PPR || off == REG_EOI ||
	       (off >= REG_ISR && off < REG_IRR_END);
}

static uint32_t reg_read(struct sim_vcpu *v, unsigned off)
{
	uint64_t val = 0;

	if (irq_state(off)) {
		sim_hv_x2apic_read(v, SIM_MSR_X2APIC_BASE + (off >> 4), &val); /* EOI: 0 */
		return (uint32_t)val;
	}
	switch (off) {
	case REG_ID:
		return sim_apic_x2(v) ? v->apic_id : v->apic_id << 24;
	case REG_VERSION:
		return 0x50014; /* integrated APIC, 6 LVT entries */
	case REG_ICR_LO:
		return v->apic_reg[off >> 4] & ~(1u << 12); /* delivery status: idle */
	case REG_ICR_HI:
		return v->apic_icr_hi;
	default:
		return off < 0x400 ? v->apic_reg[off >> 4] : 0;
	}
}

static void reg_write(struct sim_vcpu *v, unsigned off, uint32_t val)
{
	if (off == REG_EOI) {
		/* any value ends the interrupt in service (SDM 11.8.5) */
		sim_hv_x2apic_write(v, SIM_MSR_X2APIC_BASE + (REG_EOI >> 4), 0);
	} else if (off == REG_TPR) {
		sim_hv_x2apic_write(v, SIM_MSR_X2APIC_BASE + (REG_TPR >> 4), val & 0xff);
	} else if (irq_state(off)) {
		return; /* PPR, ISR, TMR, IRR: read-only */
	} else if (off == REG_ICR_HI) {
		v->apic_icr_hi = val;
	} else if (off == REG_ICR_LO) {
		v->apic_reg[off >> 4] = val;
		send_ipi(v, val, v->apic_icr_hi >> 24, 0xff);
	} else if (off < 0x400 && off != REG_ID && off != REG_VERSION) {
		v->apic_reg[off >> 4] = val;
	}
}

/* MMIO callbacks (offset into the page); the user data is the vCPU whose engine it is. */
uint64_t sim_apic_mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	struct sim_vcpu *v = ud;
	uint32_t val;

	(void)uc;
	if (sim_apic_x2(v))
		return ~0ull; /* x2APIC mode: the MMIO page is gone (SDM 11.12.1.2) */
	val = reg_read(v, (unsigned)off & 0xff0);
	val >>= 8 * (off & 3);
	return size >= 4 ? val : val & ((1u << (8 * size)) - 1);
}

void sim_apic_mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *ud)
{
	struct sim_vcpu *v = ud;

	(void)uc;
	if (sim_apic_x2(v) || size != 4 || (off & 0xf))
		return; /* registers are written as aligned dwords (SDM 11.4.1) */
	reg_write(v, (unsigned)off, (uint32_t)val);
}

bool sim_apic_is_mmio(uint64_t gpa)
{
	return gpa >= SIM_APIC_BASE && gpa < SIM_APIC_BASE + 4096;
}

/* x2APIC MSRs (SDM 11.12.1.2): MSR 0x800 + (offset >> 4); the ICR is one 64-bit MSR. */
bool sim_apic_msr_read(struct sim_vcpu *v, uint32_t msr, uint64_t *val)
{
	if (msr < SIM_MSR_X2APIC_BASE || msr > SIM_MSR_X2APIC_LAST || !sim_apic_x2(v))
		return false;
	unsigned off = (msr - SIM_MSR_X2APIC_BASE) << 4;
	if (off == REG_ICR_LO) {
		*val = reg_read(v, REG_ICR_LO) | (uint64_t)v->apic_icr_hi << 32;
		return true;
	}
	return sim_hv_x2apic_read(v, msr, val); /* the register file: apic/hv_x2apic.c */
}

bool sim_apic_msr_write(struct sim_vcpu *v, uint32_t msr, uint64_t val)
{
	if (msr < SIM_MSR_X2APIC_BASE || msr > SIM_MSR_X2APIC_LAST || !sim_apic_x2(v))
		return false;
	unsigned off = (msr - SIM_MSR_X2APIC_BASE) << 4;
	if (off == REG_ICR_LO) {
		v->apic_icr_hi = (uint32_t)(val >> 32);
		v->apic_reg[REG_ICR_LO >> 4] = (uint32_t)val;
		unsigned mode = SIM_ICR_MODE((uint32_t)val);
		if (mode == MODE_FIXED || mode == MODE_NMI) {
			v->sim->ipis++; /* interrupts: the hypervisor's x2APIC (apic/hv_x2apic.c) */
			return sim_hv_x2apic_write(v, msr, val);
		}
		send_ipi(v, (uint32_t)val, (uint32_t)(val >> 32), 0xffffffffu);
		return true;
	}
	if (off == REG_ID || off == REG_VERSION || off == REG_ICR_HI)
		return false; /* read-only or absent in x2APIC mode: #GP */
	return sim_hv_x2apic_write(v, msr, val); /* the register file: apic/hv_x2apic.c */
}

/* IA32_APIC_BASE: the xAPIC page, EN, BSP on vCPU 0; EXTD from the start when an APIC ID
 * does not fit the xAPIC's 8 bits (what firmware does on such machines). */
void sim_apic_reset(struct sim_vcpu *v)
{
	v->apic_id = 2 * v->id;
	v->apic_base = SIM_APIC_BASE | (1ull << 11) | (v->id == 0 ? 1ull << 8 : 0);
	if (2 * (v->sim->nr_vcpus - 1) > 0xfe || v->sim->cfg.savic)
		v->apic_base |= APIC_BASE_EXTD; /* Secure AVIC has no xAPIC (facts §8.2) */
	v->apic_icr_hi = 0;
	for (unsigned i = 0; i < 64; i++)
		v->apic_reg[i] = 0;
	v->apic_reg[0xe0 >> 4] = 0xffffffffu; /* DFR */
	v->apic_reg[0xf0 >> 4] = 0xff;        /* SVR */
	/* the launch VMSA's vintr_ctrl: KVM's sev_es_sync_vmsa sets V_GIF and V_NMI_ENABLE
	 * for a Secure AVIC guest (facts §7.2); an AP the guest creates gets its own VMSA's
	 * (hv/snp_ap.c) */
	v->apic.vintr_ctrl = v->sim->cfg.savic ? SIM_VINTR_V_GIF | SIM_VINTR_V_NMI_ENABLE : 0;
	for (unsigned r = 0x320; r <= 0x370; r += 0x10)
		v->apic_reg[r >> 4] = 1u << 16; /* LVTs masked */
}

/* WRMSR IA32_APIC_BASE: EXTD may be set (xAPIC -> x2APIC), not cleared without EN
 * going off first (SDM 11.12.5); the base stays at 0xFEE00000 (relocation unmodelled). */
bool sim_apic_base_write(struct sim_vcpu *v, uint64_t val)
{
	uint64_t keep = SIM_APIC_BASE | (1ull << 11) | (v->id == 0 ? 1ull << 8 : 0);

	if ((val & ~APIC_BASE_EXTD) != keep)
		return false;
	if (sim_apic_x2(v) && !(val & APIC_BASE_EXTD))
		return false;
	v->apic_base = val;
	return true;
}
