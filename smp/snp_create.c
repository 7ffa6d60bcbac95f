// SPDX-License-Identifier: MIT
/*
 * SEV-SNP AP creation (docs/abi.md §13; amd-sev-facts.md §7.1-§7.3; GHCB specification NAE
 * 0x8000_0013, as Linux core.c wakeup_cpu_via_vmgexit / snp_set_vmsa, edk2 MpInitLib
 * X64/AmdSev.c and KVM sev_snp_ap_creation implement it).
 *
 * Under SNP the guest itself writes each AP's initial register state, into a private page
 * that becomes a VMSA, and asks the hypervisor to run it:
 *   prepare  one page per AP from the allocator (private, validated RAM; never 2 MiB aligned:
 *            the erratum KVM refuses such a GPA for), filled with a 64-bit start at
 *            smp_ap_entry64 on the BSP's page tables (RDI = its struct smp_cpu, RSP = its
 *            stack, RSI = its vCPU id as §8.6 item 6 gives it), SEV_FEATURES = SEV_STATUS >> 2
 *            (they must be the launch's); then RMPADJUST (4 KiB, target VMPL 1 with no
 *            permissions, VMSA bit 16) makes it a VMSA page
 *   start    NAE 0x8000_0013 "create" (request 1, VMPL 0, the target's APIC ID) for every AP
 *            back to back; one wait (smp/smp.c)
 *   AP       smp_ap_entry64 -> smp_ap_main -> snp_ap_setup: registers its own GHCB (MSR
 *            protocol, 1 VMGEXIT), then online; it waits for work (RAM validation, snp/),
 *            then halts
 *   park     before any handoff: NAE "destroy" for every AP, then RMPADJUST without the VMSA
 *            bit (retried while the hypervisor may still be leaving it), and the page is
 *            normal validated RAM again; the APs' GHCB pages turn private and validated too.
 *            A payload (Linux) creates its own VMSAs; no firmware VMSA stays runnable or
 *            marked in RAM it owns.
 * A refused create or destroy, a VMSA page RMPADJUST rejects: reason 0x3c naming the CPU and
 * the values.
 */
#include "apic/savic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "boot/boot.h"
#include "boot/memory.h"
#include "boot/sev.h"
#include "ghcb/sev_es.h"
#include "lib/format.h"
#include "lib/string.h"
#include "sev/snp.h"
#include "sev/term.h"
#include "sev/vmsa.h"
#include "smp/cpu.h"
#include "snp/snp.h"

#define PAGE      4096ull
#define TWO_MIB   (2ull << 20)
#define FOUR_GIB  (4ull << 30)
#define CLEAR_WAIT_MS 1000 /* how long a destroyed AP's VMSA may stay in use */

/* The GDT the VMSAs name: 0x08 64-bit code, 0x10 flat data (accessed bits preset). The AP
 * loads its own GDT first thing (desc_init_ap). In .data: below 4 GiB, private. */
static uint64_t vmsa_gdt[3] __attribute__((aligned(16))) = {
	0, 0x00af9b000000ffffull, 0x00cf93000000ffffull,
};
#define VMSA_CS 0x08
#define VMSA_DS 0x10

/* RMPADJUST (F3 0F 01 FE, facts §5.2): RAX = VA, RCX = page size, RDX = attributes;
 * EAX the result. */
static unsigned rmpadjust(uint64_t va, uint64_t attrs)
{
	uint64_t rax = va;

	__asm__ volatile(".byte 0xf3, 0x0f, 0x01, 0xfe"
			 : "+a"(rax)
			 : "c"((uint64_t)SNP_PAGE_4K), "d"(attrs)
			 : "memory", "cc");
	return (unsigned)rax;
}

/* Linux snp_set_vmsa: target VMPL 1, no permissions for it, the VMSA bit set or cleared. */
#define VMSA_ATTRS(on) (1ull | ((on) ? SNP_RMPADJUST_VMSA : 0))

static struct sev_vmsa_seg seg(uint16_t sel, uint16_t attrib)
{
	return (struct sev_vmsa_seg){ .selector = sel, .attrib = attrib, .limit = 0xffffffffu };
}

/* The SEV features every VMSA of this guest carries (facts §7.2: SEV_STATUS >> 2; KVM
 * refuses another value in RAX, and the VMSA's field must match it). */
static uint64_t vmsa_features(void)
{
	return sev_boot_info.status >> 2;
}

/*
 * The AP's start state, in long mode on the BSP's tables: what the bring-up page's 64-bit
 * slot gives (docs/abi.md §8.4-§8.6: CR0/CR3/CR4/EFER of the BSP, a flat 64-bit CS, RIP,
 * RSP, RDI, RSI = the vCPU id), the reset values of facts §7.2 for the rest.
 * Under Secure AVIC vintr_ctrl has V_GIF | V_NMI_ENABLE: the CPU takes them from the VMSA,
 * and without them the AP takes no interrupt or NMI (facts §7.2, docs/abi.md §12).
 */
static void vmsa_fill(struct sev_vmsa *v, const struct smp_cpu *c)
{
	memset(v, 0, sizeof(*v));
	v->cs = seg(VMSA_CS, 0xa9b);    /* P, S, type 0xB, L, G */
	v->ds = v->es = v->ss = v->fs = v->gs = seg(VMSA_DS, 0xc93);
	v->gdtr = (struct sev_vmsa_seg){ .limit = sizeof(vmsa_gdt) - 1,
					  .base = (uintptr_t)vmsa_gdt };
	v->ldtr = (struct sev_vmsa_seg){ .attrib = 0x82, .limit = 0xffff };
	v->tr = (struct sev_vmsa_seg){ .attrib = 0x8b, .limit = 0xffff }; /* busy 64-bit TSS */
	v->efer = rdmsr(MSR_EFER) | EFER_LMA | (1u << 12);  /* SVME: every SVM guest's (§7.1) */
	v->cr0 = read_cr0();
	v->cr3 = read_cr3();
	v->cr4 = read_cr4();
	v->dr7 = 0x400;
	v->dr6 = 0xffff0ff0u;
	v->rflags = 0x2;
	v->rip = (uintptr_t)smp_ap_entry64;
	v->rsp = c->stack_top;
	v->rdi = (uintptr_t)c;
	v->rsi = c->vcpu_id;
	v->g_pat = 0x0007040600070406ull;
	v->xcr0 = 1;
	v->mxcsr = 0x1f80;
	v->x87_ftw = 0x5555;
	v->x87_fcw = 0x40;
	v->vmpl = 0;
	v->sev_features = vmsa_features();
	v->vintr_ctrl = savic_vmsa_vintr_ctrl();
}

static bool snp_prepare(unsigned n, char *err, size_t err_size)
{
	/* n - 1 VMSA pages and one spare: at most one page of the block is 2 MiB aligned
	 * (n <= 256 < 512), and that one is skipped. */
	uint64_t pa = pmm_alloc(&boot_pmm, n, PAGE, FOUR_GIB);

	if (!pa)
		return smp_fail(BOOT_ERR_MEMORY, err, err_size, "no memory for %u VMSA pages", n - 1);
	for (unsigned i = 1; i < n; i++) {
		struct smp_cpu *c = &smp_cpus[i];
		unsigned rc;

		if (!(pa & (TWO_MIB - 1)))
			pa += PAGE;
		c->snp_vmsa = pa;
		pa += PAGE;
		c->rsi_is_vcpu = true;
		vmsa_fill((struct sev_vmsa *)(uintptr_t)c->snp_vmsa, c);
		rc = rmpadjust(c->snp_vmsa, VMSA_ATTRS(true));
		if (rc)
			return smp_fail(CB_TERM_SNP_AP_CREATE, err, err_size,
					"RMPADJUST of CPU %u's VMSA page %#llx (VMSA bit) failed: %u", i,
					(unsigned long long)c->snp_vmsa, rc);
	}
	return true;
}

static bool ap_request(unsigned i, unsigned request, char *err, size_t err_size)
{
	struct smp_cpu *c = &smp_cpus[i];
	struct ghcb_resp r = { 0 };
	int e = sev_snp_ap_creation(sev_ap_creation_info1(c->apic_id, 0, request), c->snp_vmsa,
				    vmsa_features(), &r);

	c->start_rc = e ? (long)r.sw_exit_info_1 : 0;
	if (e)
		return smp_fail(CB_TERM_SNP_AP_CREATE, err, err_size,
				"NAE 0x80000013 %s of CPU %u (APIC ID %#x, vCPU %u, VMSA %#llx) refused: "
				"sw_exit_info_1=%#llx sw_exit_info_2=%#llx",
				request == SEV_AP_DESTROY ? "destroy" : "create", i, c->apic_id,
				c->vcpu_id, (unsigned long long)c->snp_vmsa,
				(unsigned long long)r.sw_exit_info_1,
				(unsigned long long)r.sw_exit_info_2);
	return true;
}

static bool snp_start(unsigned first, unsigned last, char *err, size_t err_size)
{
	for (unsigned i = first; i < last; i++) {
		smp_cpus[i].state = SMP_STATE_STARTING;
		if (!ap_request(i, SEV_AP_CREATE, err, err_size))
			return false;
	}
	return true;
}

/* On the AP, before anything that exits: its GHCB is its own only once registered. */
static void snp_ap_setup(struct smp_cpu *c)
{
	int e = sev_es_ap_register();

	(void)c;
	if (e)
		sev_es_fatal((unsigned)e, "SNP: an AP's GHCB registration was refused");
}

/* A create the hypervisor accepted but never ran: the AP stays at "start sent"; the
 * timeout (0x21) names it and its VMSA. */
static unsigned snp_describe(unsigned i, char *buf, size_t size)
{
	const struct smp_cpu *c = &smp_cpus[i];

	if (c->state == SMP_STATE_STARTING)
		fmt_snprintf(buf, size, "; AP creation accepted (VMSA %#llx), its VMSA never ran",
			     (unsigned long long)c->snp_vmsa);
	return 0;
}

/*
 * Before the handoff: every AP's VMSA destroyed and its page a normal one again, the GHCB
 * pages private and validated (docs/abi.md §13.3). The AP halted with IF = 0 first (it no
 * longer touches memory); the hypervisor may take a moment to stop running the VMSA after
 * "destroy" (KVM acts on it at the target's next entry), so a FAIL_INUSE-style refusal of
 * the RMPADJUST is retried for CLEAR_WAIT_MS, then it ends the boot.
 */
static bool snp_park(unsigned n, char *err, size_t err_size)
{
	uint64_t per_ms = smp_tsc_per_ms(NULL);
	unsigned first = boot_opts.fault == FAULT_SNP_VMSA_KEPT ? 2 : 1; /* test hook */

	for (unsigned i = first; i < n; i++)
		if (!ap_request(i, SEV_AP_DESTROY, err, err_size))
			return false;
	for (unsigned i = first; i < n; i++) {
		struct smp_cpu *c = &smp_cpus[i];
		uint64_t end = rdtsc() + per_ms * CLEAR_WAIT_MS;
		unsigned rc;

		while ((rc = rmpadjust(c->snp_vmsa, VMSA_ATTRS(false))) != 0 && rdtsc() < end)
			cpu_pause();
		if (rc)
			return smp_fail(CB_TERM_SNP_AP_CREATE, err, err_size,
					"CPU %u (APIC ID %#x): clearing the VMSA bit of %#llx after "
					"destroy failed: RMPADJUST %u", i, c->apic_id,
					(unsigned long long)c->snp_vmsa, rc);
		memset((void *)(uintptr_t)c->snp_vmsa, 0, PAGE);
	}
	smp_ap_ghcbs_private(n);
	return true;
}

const struct smp_method smp_method_snp = {
	.name = "SEV-SNP AP creation",
	.prepare = snp_prepare,
	.start = snp_start,
	.describe = snp_describe,
	.ap_setup = snp_ap_setup,
	.park = snp_park,
	.ap_work = true,
	.no_lapic = true,
};
