/* SPDX-License-Identifier: MIT */
/*
 * The CPUID model. Standard leaves come from Unicorn's own CPU (probed once at start-up,
 * so nothing is promised that the emulator cannot do), with these changes:
 *   - leaf 1: APIC ID = 2 * vCPU id (Xen), hypervisor bit, RDRAND (ECX[30], sevsim's own
 *     model, cleared by --rdrand=absent), and the paging features QEMU's
 *     TCG implements even though Unicorn's feature word omits them (FPU, PSE, TSC, MSR,
 *     PAE, PGE, PAT). NX and SYSCALL stay 0 (Unicorn ignores EFER.NXE/SCE).
 *   - leaf 0xB: the x2APIC topology per vCPU (topology_leaf below).
 *   - 0x4000_0000..5: (--hv=kvm: KVM's signature leaf and no features instead) Xen's leaves ("XenVMMXenVMM", version 4.17, hypercall MSR base,
 *     vCPU id) as in xen-pvh-linux-boot-facts.md §2.1.
 *   - 0x8000_0008: 48 physical and 48 linear address bits, as EPYC parts report
 *     (0x3030); in mode none too, what Unicorn's own walker supports (40) aside.
 *   - 0x8000_001F: SEV capabilities for the mode (EAX[10] cache coherency across keys
 *     unless --cache=incoherent), C-bit position EBX[5:0], physical
 *     address reduction EBX[11:6] = 5 as Naples/Rome/Milan report (amd-sev-facts.md §6.1,
 *     docs/sevsim.md "Address model").
 * The --lie switches change the hypervisor's answers (all of CPUID in plain SEV, where the
 * hypervisor intercepts it; the GHCB answers in SEV-ES/SNP).
 */
#include <string.h>

#include "sim/sim.h"

#define NATIVE_MAX 256

static struct native {
	uint32_t leaf, sub;
	uint32_t r[4];
} native[NATIVE_MAX];
static unsigned nr_native;
static uint32_t native_max_basic, native_max_ext;

static bool indexed(uint32_t leaf)
{
	return leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd;
}

static void probe_one(uc_engine *uc, uint32_t leaf, uint32_t sub)
{
	uint64_t a = leaf, c = sub, r[4] = { 0 };

	if (nr_native >= NATIVE_MAX)
		return;
	uc_reg_write(uc, UC_X86_REG_RAX, &a);
	uc_reg_write(uc, UC_X86_REG_RCX, &c);
	if (uc_emu_start(uc, 0x1000, 0x1002, 0, 0) != UC_ERR_OK)
		return;
	uc_reg_read(uc, UC_X86_REG_RAX, &r[0]);
	uc_reg_read(uc, UC_X86_REG_RBX, &r[1]);
	uc_reg_read(uc, UC_X86_REG_RCX, &r[2]);
	uc_reg_read(uc, UC_X86_REG_RDX, &r[3]);
	native[nr_native].leaf = leaf;
	native[nr_native].sub = sub;
	for (int i = 0; i < 4; i++)
		native[nr_native].r[i] = (uint32_t)r[i];
	nr_native++;
}

void sim_cpuid_probe(struct sim *s)
{
	static uint8_t page[4096] __attribute__((aligned(4096)));
	uc_engine *uc;

	if (nr_native)
		return;
	if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK) {
		sim_fail(s, "uc_open failed while probing CPUID");
		return;
	}
	page[0] = 0x0f; page[1] = 0xa2; page[2] = 0xf4; /* cpuid; hlt */
	uc_mem_map_ptr(uc, 0x1000, sizeof(page), UC_PROT_ALL, page);
	probe_one(uc, 0, 0);
	native_max_basic = nr_native ? native[0].r[0] : 0;
	for (uint32_t l = 1; l <= native_max_basic && l < 0x20; l++)
		for (uint32_t sub = 0; sub < (indexed(l) ? 8u : 1u); sub++)
			probe_one(uc, l, sub);
	probe_one(uc, 0x80000000u, 0);
	native_max_ext = native[nr_native - 1].r[0];
	for (uint32_t l = 0x80000001u; l <= native_max_ext && l < 0x80000020u; l++)
		probe_one(uc, l, 0);
	uc_close(uc);
}

static void native_cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	memset(out, 0, 4 * sizeof(uint32_t));
	for (unsigned i = 0; i < nr_native; i++)
		if (native[i].leaf == leaf && (!indexed(leaf) || native[i].sub == sub)) {
			memcpy(out, native[i].r, 4 * sizeof(uint32_t));
			return;
		}
}

/* What a vCPU's EDX holds after RESET (KVM's kvm_vcpu_reset: the guest's CPUID 1 EAX). */
uint32_t sim_cpu_sig(struct sim *s)
{
	uint32_t r[4];

	if (s->cfg.cpu_sig_set)
		return s->cfg.cpu_sig;
	sim_cpuid_probe(s);
	native_cpuid(1, 0, r);
	return r[0];
}

static void sev_leaf(struct sim *s, uint32_t out[4])
{
	unsigned cbit = s->cbit_reported;

	memset(out, 0, 4 * sizeof(uint32_t));
	if (s->cfg.mode == SIM_MODE_NONE)
		return;
	out[0] = 1u << 1; /* SEV */
	if (!s->cfg.cache_incoherent)
		out[0] |= 1u << 10; /* caches coherent across encryption keys (mem/cache.c) */
	if (s->cfg.mode >= SIM_MODE_SEV_ES)
		out[0] |= 1u << 3;
	if (s->cfg.mode == SIM_MODE_SEV_SNP)
		out[0] |= 1u << 4;
	out[1] = (cbit & 0x3f) | ((s->phys_reduction & 0x3f) << 6);
	out[2] = 509; /* encrypted guests supported */
	out[3] = 1;   /* minimum SEV ASID */
	if (sim_lie(s, SIM_LIE_CPUID_NOSEV))
		out[0] = out[1] = 0;
	if (sim_lie(s, SIM_LIE_CPUID_CBIT_OTHER))
		out[1] = (out[1] & ~0x3fu) | ((cbit - 32 + 1) % 8 + 32); /* another of 32..39 */
}

/*
 * Leaf 0xB, the x2APIC topology (Intel SDM vol. 2A CPUID leaf 0BH; AMD APM vol. 3 E.3.9),
 * per vCPU as a VMM fills each vCPU's table (QEMU; KVM answers from it, and through the
 * GHCB MSR protocol with ECX = 0: svm/sev.c hands a CPUID request to its CPUID exit):
 * EDX = the x2APIC ID (2 x vCPU id, apic/lapic.c) at every sub-leaf; sub-leaf 0 the SMT
 * level (one thread per core: APIC ID bit 0 unused), 1 the core level (every vCPU, shift
 * wide enough for the largest APIC ID), then level type 0 (the end). v NULL: vCPU 0's
 * (the SNP CPUID page, where the guest merges the live EDX, amd-sev-facts.md §6.2).
 * Leaf 0x1F (Intel's v2 topology) stays absent: the model is AuthenticAMD with maximum
 * basic leaf 0xD, and KVM on AMD answers a leaf above the maximum with zeros.
 */
static void topology_leaf(const struct sim *s, const struct sim_vcpu *v, uint32_t sub,
			  uint32_t out[4])
{
	uint32_t shift = 1;

	while ((1u << shift) < 2u * s->nr_vcpus)
		shift++;
	out[0] = sub == 0 ? 1 : sub == 1 ? shift : 0;
	out[1] = sub == 0 ? 1 : sub == 1 ? s->nr_vcpus : 0;
	out[2] = (sub & 0xff) | (sub == 0 ? 1u << 8 : sub == 1 ? 2u << 8 : 0);
	out[3] = v ? v->apic_id : 0;
}

void sim_cpuid(struct sim *s, struct sim_vcpu *v, uint32_t leaf, uint32_t sub, bool via_ghcb,
	       uint32_t out[4])
{
	unsigned id = v ? v->id : 0;

	memset(out, 0, 4 * sizeof(uint32_t));
	if (leaf <= native_max_basic) {
		native_cpuid(leaf, sub, out);
		if (leaf == 1) {
			if (s->cfg.cpu_sig_set) /* --cpu-sig: the VMM's CPU model */
				out[0] = s->cfg.cpu_sig;
			out[1] = (out[1] & 0x00ffffffu) | ((2u * id) << 24);
			out[2] |= 1u << 31; /* hypervisor present */
			out[2] |= 1u << 21; /* x2APIC (apic/lapic.c) */
			out[2] &= ~(1u << 28); /* no AVX: VEX encodings are #UD (cpu/insn.c) */
			if (s->cfg.rdrand == SIM_RDRAND_ABSENT)
				out[2] &= ~(1u << 30);
			else
				out[2] |= 1u << 30; /* RDRAND (cpu/rdrand.c) */
			out[3] |= (1u << 0) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) |
				  (1u << 13) | (1u << 16);
		} else if (leaf == 7 && sub == 0) {
			out[1] &= ~((1u << 5) | (1u << 16)); /* no AVX2, no AVX-512 */
		} else if (leaf == 0xb) {
			topology_leaf(s, v, sub, out);
		}
	} else if (leaf >= 0x40000000u && leaf <= 0x40000001u && s->cfg.hv == SIM_HV_KVM) {
		if (leaf == 0x40000000u) { /* KVM's signature, no features (--hv=kvm) */
			out[0] = 0x40000001u;
			out[1] = 0x4b4d564bu; /* "KVMK" */
			out[2] = 0x564b4d56u; /* "VMKV" */
			out[3] = 0x0000004du; /* "M" */
		}
	} else if (leaf >= 0x40000000u && leaf <= 0x40000005u && s->cfg.hv == SIM_HV_XEN) {
		switch (leaf - 0x40000000u) {
		case 0:
			out[0] = 0x40000005u;
			out[1] = 0x566e6558u; /* "XenV" */
			out[2] = 0x65584d4du; /* "MMXe" */
			out[3] = 0x4d4d566eu; /* "nVMM" */
			break;
		case 1:
			out[0] = (4u << 16) | 17u; /* Xen 4.17 */
			break;
		case 2:
			out[0] = 1;            /* hypercall pages */
			out[1] = 0x40000000u;  /* MSR base */
			break;
		case 4:
			out[0] = 1u << 3;      /* VCPU_ID_PRESENT */
			out[1] = id;
			break;
		default:
			break;
		}
	} else if (leaf == 0x80000000u) {
		native_cpuid(leaf, 0, out);
		out[0] = 0x8000001fu;
	} else if (leaf > 0x80000000u && leaf <= 0x8000001fu) {
		if (leaf <= native_max_ext)
			native_cpuid(leaf, 0, out);
		if (leaf == 0x80000001u)
			out[3] &= ~((1u << 20) | (1u << 11)); /* no NX, no SYSCALL (Unicorn) */
		else if (leaf == 0x80000008u)
			out[0] = (48u << 8) | (s->phys_bits ? s->phys_bits : 48u);
		else if (leaf == 0x8000001fu)
			sev_leaf(s, out);
	}
	if (leaf == 0x40000000u && sim_lie(s, SIM_LIE_CPUID_XEN_HIDDEN))
		out[0] = out[1] = out[2] = out[3] = 0;
	if (leaf == 0x80000000u && sim_lie(s, SIM_LIE_CPUID_MAXEXT_LOW))
		out[0] = 0x80000008u;
	/* The hypervisor's CPUID feature lies (it answers every CPUID of an SEV guest). */
	if (leaf == 0x80000001u && sim_lie(s, SIM_LIE_CPUID_NX))
		out[3] |= 1u << 20;
	if (leaf == 0x80000001u && sim_lie(s, SIM_LIE_CPUID_NO_LM))
		out[3] &= ~(1u << 29);
	if (leaf == 1 && sim_lie(s, SIM_LIE_CPUID_NO_HV))
		out[2] &= ~(1u << 31);
	/* Two vCPUs with one APIC ID: vCPU 2 is told vCPU 1's (the guest's only source of its
	 * own ID under SEV-ES is the hypervisor) */
	if (via_ghcb && id == 2 && (leaf == 1 || leaf == 0xb) &&
	    sim_lie(s, SIM_LIE_CPUID_APIC_ID_DUP)) {
		if (leaf == 1)
			out[1] = (out[1] & 0x00ffffffu) | (s->vcpu[1].apic_id << 24);
		else
			out[3] = s->vcpu[1].apic_id;
	}
	if (via_ghcb && sim_lie(s, SIM_LIE_GHCB_GARBAGE_CPUID))
		out[0] = out[1] = out[2] = out[3] = 0xffffffffu;
}
