/* SPDX-License-Identifier: MIT */
/*
 * SNP AP creation (NAE 0x8000_0013, amd-sev-facts.md §7.3), as KVM handles it
 * (arch/x86/kvm/svm/sev.c sev_snp_ap_creation, sev_snp_init_protected_guest_state):
 *   - SW_EXITINFO1[63:32] names the target by APIC ID (sevsim: 2 x vCPU index, cpu/cpuid.c);
 *     [31:0] the request: 0 create on INIT, 1 create, 2 destroy; the VMPL field [19:16] must
 *     be 0 (no SVSM: the guest runs at VMPL 0) — KVM takes all of [31:0] as the request, so
 *     a non-zero VMPL is an invalid request there too;
 *   - create: RAX (the new vCPU's SEV_FEATURES) must equal the launch VMSAs'; SW_EXITINFO2 a
 *     page-aligned GPA below MAXPHYADDR (C-bit and alias bits excluded) and not 2 MiB
 *     aligned (the erratum KVM guards against);
 *   - any failure answers sw_exit_info_1 = 2, sw_exit_info_2 = invalid input;
 *   - the target switches to the new VMSA at once (create) or at its next INIT (create on
 *     INIT); destroy takes the VMSA away and the vCPU stops.
 * What the hardware then checks when it runs the target (VMRUN): the page is guest RAM,
 * private, validated and has the RMP VMSA attribute (RMPADJUST), the VMSA's VMPL is 0 and its
 * SEV_FEATURES are those announced. A VMRUN failure is fatal in KVM + QEMU ("entry failed"):
 * sevsim's hypervisor ends the run naming the check. Then the vCPU runs from the VMSA's state
 * (the 32-bit state of the AP bring-up ABI, or long mode as cocoboot's AP creation writes
 * it: vmsa_state), with the VMSA's vintr_ctrl (V_GIF, V_NMI_ENABLE: what Secure AVIC
 * delivers, apic/savic.c).
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/fw/spec.h"
#include "sim/hv/spec.h"

#define VMSA_VMPL 0x0ca /* u8 vmpl (facts §7.1) */

/* The launch VMSAs' SEV_FEATURES: SNPActive (SF0) and what --sev-features adds. */
static uint64_t vmsa_features(const struct sim *s)
{
	return 1ull | s->cfg.sev_features;
}

uint64_t sim_snp_ap_creation(struct sim_vcpu *v, uint64_t info1, uint64_t info2, uint64_t rax,
			     const char **why)
{
	struct sim *s = v->sim;
	unsigned request = (unsigned)info1, apic = sim_ap_apic_id(info1);
	struct sim_vcpu *t;

	if (sim_lie(s, SIM_LIE_AP_CREATE_REFUSED)) {
		*why = "AP creation refused (--lie=ap-create-refused)";
		return 1;
	}
	if ((apic & 1) || apic / 2 >= s->nr_vcpus) {
		*why = "AP creation: APIC ID names no vCPU";
		return 1;
	}
	t = &s->vcpu[apic / 2];
	switch (request) {
	case SIM_AP_CREATE_ON_INIT:
	case SIM_AP_CREATE:
		s->ap_start_requests++; /* the clock of the AP lies */
		if (rax != vmsa_features(s)) {
			*why = "AP creation: RAX (SEV_FEATURES) differs from the launch VMSAs'";
			return 1;
		}
		if ((info2 & 0xfff) || (info2 & (s->cbit_mask | s->alias_mask | s->rsvd_mask))) {
			*why = "AP creation: VMSA GPA not a page-aligned guest address";
			return 1;
		}
		if (!(info2 & 0x1fffff)) {
			*why = "AP creation: VMSA GPA is 2 MiB aligned (KVM refuses: erratum)";
			return 1;
		}
		if (sim_lie(s, SIM_LIE_AP_NEVER_UP))
			return 0; /* "created", and nothing will run */
		t->snp_vmsa_gpa = info2;
		s->snp.ap_create++;
		break;
	case SIM_AP_DESTROY:
		if (sim_lie(s, SIM_LIE_AP_DESTROY_IGNORED))
			return 0; /* "destroyed", and it goes on running its VMSA */
		t->snp_vmsa_gpa = 0; /* none (0 is 2 MiB aligned: never a VMSA) */
		s->snp.ap_destroy++;
		break;
	default:
		*why = "AP creation: request not 0 (on INIT), 1 (create) or 2 (destroy), or VMPL not 0";
		return 1;
	}
	t->snp_vmsa_pending = true;
	sim_trace(s, "vcpu%u: AP creation request %u for vcpu%u, VMSA %#" PRIx64, v->id, request,
		  t->id, info2);
	if (request != SIM_AP_CREATE_ON_INIT)
		sim_snp_ap_update(v, t);
	return 0;
}

/* What VMRUN of the target checks; NULL when the VMSA may run. */
static const char *vmsa_check(struct sim *s, uint64_t gpa)
{
	uint64_t gfn = gpa >> 12, sf = 0;
	uint8_t vmpl = 0xff;

	if (!sim_mem_is_ram(s, gpa, 4096))
		return "the VMSA GPA is not guest RAM";
	if (sim_rmp_shared(s, gfn))
		return "the VMSA page is shared (hypervisor-owned) in the RMP";
	if (!sim_rmp_validated(s, gfn))
		return "the VMSA page is not validated";
	if (!(sim_rmp_get(s, gfn) & SIM_RMP_VMSA))
		return "the VMSA page lacks the RMP VMSA attribute (RMPADJUST bit 16)";
	memcpy(&vmpl, s->ram + gpa + VMSA_VMPL, 1);
	memcpy(&sf, s->ram + gpa + SIM_VMSA_SEV_FEATURES, 8);
	if (vmpl != 0)
		return "the VMSA's VMPL field is not 0";
	if (sf != vmsa_features(s))
		return "the VMSA's SEV_FEATURES differ from the launch VMSAs'";
	return NULL;
}

static uint64_t vget(const uint8_t *p, unsigned off, unsigned n)
{
	uint64_t v = 0;

	memcpy(&v, p + off, n);
	return v;
}

/* A flat 4 GiB segment of the VMSA (facts §7.1: selector, attrib, limit, base); code: a
 * 32-bit code segment (attrib type bit 3, D/B bit 10), else writable data. */
static bool flat32(const uint8_t *p, unsigned off, bool code)
{
	unsigned attrib = (unsigned)vget(p, off + 2, 2);

	return vget(p, off + 8, 8) == 0 && vget(p, off + 4, 4) == 0xffffffffu && (attrib & 0x80) &&
	       (attrib & 0x10) && !!(attrib & 0x8) == code && (!code || (attrib & 0x400));
}

/* The start's registers: RIP, RSP, RBX, RSI (and RDI in long mode); false when RAX, RCX,
 * RDX, RBP (or RDI in 32-bit mode) are not zero: the start paths set no others. */
static bool load_regs(const uint8_t *p, enum sim_init_kind kind, struct sim_vcpu_init *in)
{
	static const unsigned other[] = { SIM_VMSA_RAX, SIM_VMSA_RCX, SIM_VMSA_RDX, SIM_VMSA_RBP,
					  SIM_VMSA_RDI };
	bool rdi = kind == SIM_INIT_LONG64;

	for (unsigned i = 0; i < sizeof(other) / sizeof(other[0]) - rdi; i++)
		if (vget(p, other[i], 8))
			return false;
	memset(in, 0, sizeof(*in));
	in->kind = kind;
	in->rip = vget(p, SIM_VMSA_RIP, 8);
	in->gpr[SIM_GPR_RSP] = vget(p, SIM_VMSA_RSP, 8);
	in->gpr[SIM_GPR_RBX] = vget(p, SIM_VMSA_RBX, 8);
	in->gpr[SIM_GPR_RSI] = vget(p, SIM_VMSA_RSI, 8);
	if (rdi)
		in->gpr[SIM_GPR_RDI] = vget(p, SIM_VMSA_RDI, 8);
	return true;
}

/* A flat 64-bit code segment (attrib P, S, code, L) or flat data segment of a long-mode
 * VMSA, with the selector sevsim's 64-bit start gives (cpu/vcpu.c: CS 0x08, data 0x10). */
static bool flat64(const uint8_t *p, unsigned off, bool code)
{
	unsigned attrib = (unsigned)vget(p, off + 2, 2), sel = (unsigned)vget(p, off, 2);

	if (vget(p, off + 8, 8) != 0 || !(attrib & 0x80) || !(attrib & 0x10) ||
	    !!(attrib & 0x8) != code)
		return false;
	return code ? (attrib & 0x200) && sel == 0x08 : sel == 0x10;
}

/*
 * A long-mode VMSA (CR0.PG, EFER.LME|LMA, CR4.PAE, a 64-bit CS): what cocoboot's SNP AP
 * creation writes (docs/abi.md §13.1). Started as SIM_INIT_LONG64 with the VMSA's CR0/CR3/
 * CR4/EFER, GDTR, RIP and RSP, RBX, RSI, RDI; any other register not zero is not modelled.
 */
static const char *vmsa_state64(struct sim *s, const uint8_t *p, struct sim_vcpu_init *in)
{
	uint64_t efer = vget(p, SIM_VMSA_EFER, 8), cr4 = vget(p, SIM_VMSA_CR4, 8);

	(void)s;
	if (!(efer & (1u << 8)) || !(cr4 & (1u << 5)))
		return "paging on without EFER.LME and CR4.PAE";
	if (!flat64(p, SIM_VMSA_CS, true) || !flat64(p, SIM_VMSA_DS, false) ||
	    !flat64(p, SIM_VMSA_ES, false) || !flat64(p, SIM_VMSA_SS, false))
		return "segments other than a 64-bit CS 0x08 and flat data 0x10";
	if (!load_regs(p, SIM_INIT_LONG64, in))
		return "a register other than RIP, RSP, RBX, RSI, RDI that is not zero";
	in->rflags = vget(p, SIM_VMSA_RFLAGS, 8);
	in->cr0 = vget(p, SIM_VMSA_CR0, 8);
	in->cr3 = vget(p, SIM_VMSA_CR3, 8);
	in->cr4 = cr4;
	in->efer = efer;
	in->gdt_base = vget(p, SIM_VMSA_GDTR + 8, 8);
	in->gdt_limit = (uint16_t)vget(p, SIM_VMSA_GDTR + 4, 4);
	return NULL;
}

/*
 * The VMSA's register state as a vCPU start. The run loop can start a vCPU in the PVH entry
 * state (cpu/vcpu.c: 32-bit protected mode, paging off, flat segments, RIP, RSP, RBX, RSI;
 * the other registers zero): the state cocoboot's AP bring-up ABI uses (abi.md §8.5), or in
 * long mode (vmsa_state64). NULL, or what the VMSA holds that cannot be started yet.
 */
static const char *vmsa_state(struct sim *s, uint64_t gpa, struct sim_vcpu_init *in)
{
	const uint8_t *p = s->ram + gpa;
	uint64_t cr0 = vget(p, SIM_VMSA_CR0, 8);

	if ((cr0 & 0x80000001u) == 0x80000001u && (vget(p, SIM_VMSA_EFER, 8) & (1u << 10)))
		return vmsa_state64(s, p, in);
	if ((cr0 & 0x80000001u) != 1 || (vget(p, SIM_VMSA_EFER, 8) & (1u << 10)) ||
	    vget(p, SIM_VMSA_CR4, 8))
		return "another mode than 32-bit protected mode without paging, or long mode";
	if (!flat32(p, SIM_VMSA_CS, true) || !flat32(p, SIM_VMSA_DS, false) ||
	    !flat32(p, SIM_VMSA_ES, false) || !flat32(p, SIM_VMSA_SS, false))
		return "segments that are not flat 32-bit ones";
	if (!load_regs(p, SIM_INIT_PM32, in))
		return "a register other than RIP, RSP, RBX, RSI that is not zero";
	return NULL;
}

void sim_snp_ap_update(struct sim_vcpu *from, struct sim_vcpu *t)
{
	struct sim *s = t->sim;
	const char *bad;

	if (!t->snp_vmsa_pending)
		return;
	t->snp_vmsa_pending = false;
	if (!t->snp_vmsa_gpa) {
		t->state = SIM_VCPU_STOPPED; /* destroyed: offline until created again */
		return;
	}
	if ((bad = vmsa_check(s, t->snp_vmsa_gpa)) != NULL) {
		sim_hv_terminate(s, "vcpu%u: VMRUN from the VMSA at %#" PRIx64 " failed: %s", t->id,
				 t->snp_vmsa_gpa, bad);
		return;
	}
	struct sim_vcpu_init in;
	if ((bad = vmsa_state(s, t->snp_vmsa_gpa, &in)) != NULL) {
		sim_fail(s, "vcpu%u: SNP AP creation: the VMSA at %#" PRIx64 " holds %s; sevsim starts "
			 "vCPUs only in 32-bit flat protected mode with paging off or in long mode "
			 "(CS 0x08) so far", t->id,
			 t->snp_vmsa_gpa, bad);
		return;
	}
	/* Secure AVIC takes V_GIF / V_NMI_ENABLE from this VMSA (apic/savic.c): no check at
	 * VMRUN, the vCPU runs either way */
	t->apic.vintr_ctrl = vget(s->ram + t->snp_vmsa_gpa, SIM_VMSA_VINTR_CTRL, 8);
	if (sim_smp_start(from, t, &in, "snp-ap-create") < 0) /* hv/smp.c: the start API */
		return;
	sim_trace(s, "vcpu%u: started from its VMSA at %#" PRIx64 ", rip %#" PRIx64, t->id,
		  t->snp_vmsa_gpa, in.rip);
	/* a vCPU that ran alone had an endless slice: end it, so the scheduler (cpu/vcpu.c)
	 * interleaves the new one */
	for (unsigned i = 0; i < s->nr_vcpus; i++)
		if (&s->vcpu[i] != t && s->vcpu[i].slice_left > 1000000)
			s->vcpu[i].slice_left = 1;
}
