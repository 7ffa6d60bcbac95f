/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP memory: the reverse-map table (RMP), PVALIDATE (F2 0F 01 FF), RMPADJUST
 * (F3 0F 01 FE) and the hypervisor's page conversions. amd-sev-facts.md §5; KVM
 * arch/x86/kvm/svm/sev.c and QEMU's guest_memfd conversions for the hypervisor side.
 *
 * One byte per 4 KiB page of [0, ram_size) (SIM_RMP_* in sim/sim.h), in an anonymous
 * mapping: the hole and untouched RAM cost no host memory (RAM up to 64 GiB is sparse).
 * The zero byte is the state of RAM after launch: private (assigned to the guest in the
 * hypervisor's view, as QEMU makes all guest_memfd RAM private at start), not validated,
 * without a 4 KiB RMP entry of its own. KVM assigns such a page on its first fault with the
 * largest page the backing allows, so a 2 MiB PVALIDATE of a 2 MiB range nobody touched
 * yet creates a 2 MiB RMP entry; once a page has its own 4 KiB entry (launch update, a
 * 4 KiB PSC or PVALIDATE) the range can only be validated page by page.
 *
 * The CPU's rules (sim_pvalidate, sim_rmpadjust):
 *   - PVALIDATE at CPL 0 only (#GP(0)); the linear address must translate (#PF); RCX 0 or 1,
 *     RAX aligned to the size, RAM: else FAIL_INPUT (1); a 2 MiB request over 4 KiB entries:
 *     FAIL_SIZEMISMATCH (6); a 4 KiB request inside a 2 MiB entry faults to the hypervisor
 *     (#NPF, size mismatch), which splits the entry (PSMASH) and lets it run again, so it
 *     succeeds (KVM sev_handle_rmp_fault); EAX 0 with CF = 1 when the validated bit already
 *     had the requested value ("no change");
 *   - RMPADJUST: target VMPL 1..3 (the guest runs at VMPL 0; anything else
 *     FAIL_PERMISSION, 2), the page assigned and validated (FAIL_INPUT), 2 MiB only on a 2 MiB
 *     entry (FAIL_SIZEMISMATCH; 4 KiB in a 2 MiB entry is split as for PVALIDATE); bit 16
 *     sets or clears the VMSA attribute (4 KiB only); clearing it while a vCPU runs from
 *     the page (it was not destroyed) fails with FAIL_INUSE (3).
 *     VMPL permission masks are accepted and not kept (no VMPL 1..3 code runs here).
 *   - an access through a C=1 mapping (paging off, instruction fetch: always) to a page
 *     whose entry is not validated raises #VC 0x404 (mem/mem.c leaves such pages unmapped,
 *     cpu/vcpu.c hook_unmapped raises it).
 * The hypervisor's (KVM + QEMU with guest_memfd):
 *   - a page state change converts; to shared clears the validated bit; to private leaves
 *     the page as after launch (assigned on its next fault, at the size PVALIDATE asks);
 *     a 4 KiB change inside a 2 MiB entry first splits it (PSMASH, the other 511 pages keep
 *     their state); a change to the state the page already has changes nothing;
 *   - a guest access in the wrong state is converted implicitly (KVM_EXIT_MEMORY_FAULT,
 *     QEMU kvm_convert_memory): a C=0 access to a private page makes it shared (its
 *     validation is lost), a C=1 access or PVALIDATE of a shared page makes it private (not
 *     validated). Counted in the JSON ("snp": "implicit_conversions"): a guest that relies
 *     on one has a bug the handoff checker names.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>

#include "sim/sim.h"
#include "sim/hv/spec.h"

#define PAGES_2M 512u
#define RFLAGS_CF 1ull

void sim_rmp_init(struct sim *s)
{
	void *p;

	if (s->rmp || s->cfg.mode != SIM_MODE_SEV_SNP)
		return;
	p = mmap(NULL, s->ram_size >> 12, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		sim_fail(s, "out of memory for the RMP");
		return;
	}
	s->rmp = p;
	s->snp.implicit_first = ~0ull;
}

static bool ram_gfn(const struct sim *s, uint64_t gfn)
{
	return s->rmp && gfn < (s->ram_size >> 12) && sim_mem_is_ram(s, gfn << 12, 4096);
}

uint8_t sim_rmp_get(const struct sim *s, uint64_t gfn)
{
	return ram_gfn(s, gfn) ? s->rmp[gfn] : SIM_RMP_SHARED;
}

bool sim_rmp_validated(const struct sim *s, uint64_t gfn)
{
	return (sim_rmp_get(s, gfn) & (SIM_RMP_SHARED | SIM_RMP_VALIDATED)) == SIM_RMP_VALIDATED;
}

bool sim_rmp_shared(const struct sim *s, uint64_t gfn)
{
	return (sim_rmp_get(s, gfn) & SIM_RMP_SHARED) != 0;
}

void sim_rmp_launch_page(struct sim *s, uint64_t gfn)
{
	if (ram_gfn(s, gfn))
		s->rmp[gfn] = SIM_RMP_VALIDATED | SIM_RMP_4K;
}

/* PSMASH: the 2 MiB entry around gfn becomes 512 4 KiB entries with the same state. */
static void psmash(struct sim *s, uint64_t gfn)
{
	uint64_t head = gfn & ~(uint64_t)(PAGES_2M - 1);

	if (!(s->rmp[gfn] & SIM_RMP_2M))
		return;
	for (uint64_t i = 0; i < PAGES_2M; i++)
		s->rmp[head + i] = (uint8_t)((s->rmp[head + i] & ~SIM_RMP_2M) | SIM_RMP_4K);
	s->snp.psmash++;
}

int sim_rmp_psc(struct sim *s, uint64_t gfn, bool to_shared, bool huge)
{
	uint64_t n = huge ? PAGES_2M : 1;

	if (huge && (gfn & (PAGES_2M - 1)))
		return -1;
	for (uint64_t i = 0; i < n; i++)
		if (!ram_gfn(s, gfn + i))
			return -1;
	if (!huge)
		psmash(s, gfn);
	bool converted = false;
	for (uint64_t i = 0; i < n; i++) {
		uint8_t *e = &s->rmp[gfn + i];
		if (!!(*e & SIM_RMP_SHARED) == to_shared)
			continue; /* already in that state: QEMU converts nothing, KVM keeps the entry */
		/* to private: assigned again on the next fault (PVALIDATE), any size */
		*e = to_shared ? SIM_RMP_SHARED : 0;
		converted = true;
	}
	s->snp.psc_pages += n;
	/* A conversion changes the memory attributes: KVM zaps the range's NPT entries and
	 * flushes the VM's TLBs (virt/kvm/kvm_main.c kvm_vm_set_mem_attributes ->
	 * kvm_flush_remote_tlbs; SVM flushes the whole ASID, the guest's linear translations
	 * with it). So no vCPU keeps a translation it cached before: the guest's next access
	 * walks its page tables again (Linux's decompressor sets the C-bit of its GHCB's PTE,
	 * converts the page to private and reads it before its own CR3 write). */
	sim_mem_rmp_changed(s, gfn, n, converted);
	return 0;
}

int sim_rmp_set_shared(struct sim *s, uint64_t gfn, bool shared)
{
	return sim_rmp_psc(s, gfn, shared, false);
}

void sim_rmp_implicit(struct sim *s, uint64_t gfn, bool to_shared, bool deferred,
		      const char *why)
{
	if (!ram_gfn(s, gfn) || sim_rmp_shared(s, gfn) == to_shared)
		return;
	psmash(s, gfn);
	s->rmp[gfn] = to_shared ? SIM_RMP_SHARED : SIM_RMP_4K;
	if (!s->snp.implicit++) {
		s->snp.implicit_first = gfn << 12;
		snprintf(s->snp.implicit_why, sizeof(s->snp.implicit_why), "%s", why);
	}
	sim_trace(s, "hypervisor: implicit conversion of GPA %#" PRIx64 " to %s (%s)", gfn << 12,
		  to_shared ? "shared" : "private", why);
	sim_mem_rmp_changed(s, gfn, 1, deferred);
}

void sim_rmp_hv_reset(struct sim *s, uint64_t gfn, bool shared)
{
	if (!ram_gfn(s, gfn))
		return;
	psmash(s, gfn);
	s->rmp[gfn] = shared ? SIM_RMP_SHARED : SIM_RMP_4K;
	sim_mem_rmp_changed(s, gfn, 1, false);
}

/* Translate va for an RMP instruction; false: #PF delivered (the walk failed). */
static bool rmp_translate(struct sim_vcpu *v, uint64_t va, uint64_t *gpa)
{
	if (sim_mmu_translate(v, va, false, gpa))
		return true;
	sim_set_reg(v, UC_X86_REG_CR2, va);
	v->sim->exceptions++;
	sim_counter_add(&v->sim->exceptions_by_vector, 14);
	sim_exc_deliver(v, 14, true, sim_cpl(v) == 3 ? 4 : 0);
	return false;
}

/* The first GFN of an RMP instruction's page (RCX size 0: 4 KiB, 1: 2 MiB), when the input is
 * usable: size 0 or 1, address aligned to it, translated (the caller raised #PF otherwise),
 * no reserved GPA bit, RAM. */
static bool input_gfn(struct sim_vcpu *v, uint64_t va, unsigned size, uint64_t *gfn)
{
	struct sim *s = v->sim;
	uint64_t n = size ? PAGES_2M : 1, gpa;

	if (size > 1 || (va & (n * 4096 - 1)) || !s->rmp || !sim_mmu_translate(v, va, false, &gpa))
		return false;
	gpa = sim_mem_decode_gpa(s, gpa, NULL);
	if (gpa == ~0ull || (gpa & (n * 4096 - 1)))
		return false;
	*gfn = gpa >> 12;
	for (uint64_t i = 0; i < n; i++)
		if (!ram_gfn(s, *gfn + i))
			return false;
	return true;
}

/* The RMP entries [gfn, gfn + n) as one entry of the requested size: 0, or a failure code. */
static unsigned size_check(struct sim *s, uint64_t gfn, unsigned n)
{
	if (n == 1) {
		/* 4 KiB inside a 2 MiB entry: #NPF with the size-mismatch bit to the hypervisor,
		 * which splits the entry and resumes (KVM sev_handle_rmp_fault): the guest's
		 * instruction then succeeds */
		if (s->rmp[gfn] & SIM_RMP_2M)
			psmash(s, gfn);
		return 0;
	}
	if ((s->rmp[gfn] & SIM_RMP_2M))
		return 0; /* all 512 carry it (psmash keeps that invariant) */
	for (unsigned i = 0; i < n; i++)
		if (s->rmp[gfn + i] != 0)
			return SIM_PVALIDATE_FAIL_SIZEMISMATCH; /* 4 KiB entries exist */
	/* never touched: KVM assigns the range as one 2 MiB page on this fault */
	for (unsigned i = 0; i < n; i++)
		s->rmp[gfn + i] = SIM_RMP_2M;
	return 0;
}

uint64_t sim_pvalidate(struct sim_vcpu *v, uint64_t va, unsigned size, bool validate, bool *cf)
{
	struct sim *s = v->sim;
	unsigned n = size ? PAGES_2M : 1;
	uint64_t gpa = 0, gfn;

	*cf = false;
	if (!input_gfn(v, va, size, &gfn))
		return SIM_PVALIDATE_FAIL_INPUT;
	gpa = gfn << 12;
	/* the size of the RMP entry first (a range with shared 4 KiB pages is a mismatch) */
	unsigned rc = size_check(s, gfn, n);
	if (rc)
		return rc;
	/* a hypervisor-owned page: the RMP check faults to KVM, which converts it (QEMU) */
	for (unsigned i = 0; i < n; i++)
		if (sim_rmp_shared(s, gfn + i))
			sim_rmp_implicit(s, gfn + i, false, false, "PVALIDATE of a shared page");
	bool changed = false;
	for (unsigned i = 0; i < n; i++) {
		uint8_t *e = &s->rmp[gfn + i];
		if (!!(*e & SIM_RMP_VALIDATED) != validate)
			changed = true;
		*e = (uint8_t)(validate ? (*e | SIM_RMP_VALIDATED) : (*e & ~SIM_RMP_VALIDATED));
		if (n == 1)
			*e |= SIM_RMP_4K;
	}
	*cf = !changed; /* "success but no change" (facts §5.2) */
	if (changed && validate)
		s->snp.last_validated = gfn + n - 1;
	if (changed)
		sim_mem_rmp_changed(s, gfn, n, false);
	sim_trace(s, "vcpu%u: pvalidate gpa %#" PRIx64 " %s %s%s", v->id, gpa, size ? "2M" : "4K",
		  validate ? "validate" : "rescind", changed ? "" : " (unchanged, CF=1)");
	return SIM_PVALIDATE_OK;
}

static void set_result(struct sim_vcpu *v, uint64_t rax, bool cf)
{
	uint64_t fl = sim_reg(v, UC_X86_REG_EFLAGS) & ~0x8d5ull; /* OF SF ZF AF PF CF */

	/* APM: ZF etc. follow the return code; CF only on success */
	if (rax == 0)
		fl |= 0x40; /* ZF */
	sim_set_reg(v, UC_X86_REG_RAX, rax);
	sim_set_reg(v, UC_X86_REG_EFLAGS, fl | (cf ? RFLAGS_CF : 0));
}

/*
 * The critical path of validation for make bench (docs/sevsim.md "snp"), in instructions of
 * the vCPUs' own clocks: each vCPU's validating PVALIDATEs form a burst, the boot CPU's two
 * (its first part before the allocator, its share of the rest after the APs run), split at
 * the longest pause between two of them. Critical path = the boot CPU's first burst + the
 * longest of the other bursts (its second, each AP's): what a machine with as many CPUs
 * takes when the shares run at once. A vCPU's own clock counts only its own instructions, so
 * the scheduler's interleaving does not enter. Counted until the first AP destroy: what is
 * validated then (the APs' GHCB pages at the handoff) is not RAM validation; a run without
 * APs and without a payload validates nothing after its RAM.
 */
static void note_validation(struct sim_vcpu *v)
{
	uint64_t now = v->clock + 1;

	if (!v->val_first)
		v->val_first = now;
	if (v->val_last && now - v->val_last > v->val_gap_to - v->val_gap_from) {
		v->val_gap_from = v->val_last;
		v->val_gap_to = now;
	}
	v->val_last = now;
}

static uint64_t validate_critical(const struct sim *s)
{
	const struct sim_vcpu *b = &s->vcpu[0];
	uint64_t first = 0, rest = 0;

	if (!b->val_first)
		return 0;
	if (b->val_gap_to) {
		first = b->val_gap_from - b->val_first;
		rest = b->val_last - b->val_gap_to;
	} else {
		first = b->val_last - b->val_first;
	}
	for (unsigned i = 1; i < s->nr_vcpus; i++) {
		const struct sim_vcpu *v = &s->vcpu[i];

		if (v->val_first && v->val_last - v->val_first > rest)
			rest = v->val_last - v->val_first;
	}
	return first + rest;
}

bool sim_pvalidate_insn(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uint64_t va = sim_reg(v, UC_X86_REG_RAX), gpa;
	unsigned size = (unsigned)sim_reg(v, UC_X86_REG_RCX);
	bool validate = (sim_reg(v, UC_X86_REG_RDX) & 1) != 0, cf = false;

	if (!sim_long_mode(v) || !sim_cs64(v))
		va = (uint32_t)va; /* 32-bit code: EAX */
	if (sim_cpl(v) != 0) {
		sim_exc_deliver(v, 13, true, 0);
		return false;
	}
	if (!rmp_translate(v, va, &gpa))
		return false;
	uint64_t rax = sim_pvalidate(v, va, size, validate, &cf);
	if (validate && !rax && !cf && !s->snp.ap_destroy)
		note_validation(v); /* RAM validation: over once APs are destroyed (the handoff) */
	s->snp.pvalidate++;
	if (size == 1 && rax == 0)
		s->snp.pvalidate_2m++;
	if (cf)
		s->snp.pvalidate_cf++;
	if (rax)
		s->snp.pvalidate_fail++;
	set_result(v, rax, cf);
	return true;
}

static uint64_t rmpadjust(struct sim_vcpu *v, uint64_t va, unsigned size, uint64_t attrs)
{
	struct sim *s = v->sim;
	unsigned n = size ? PAGES_2M : 1, vmpl = sim_rmpadjust_vmpl(attrs);
	uint64_t gpa = 0, gfn;
	bool vmsa = (attrs & SIM_RMPADJUST_VMSA) != 0;

	if (vmpl == 0 || vmpl > 3)
		return SIM_RMPADJUST_FAIL_PERMISSION; /* only a higher (less privileged) VMPL */
	if (vmsa && size)
		return SIM_PVALIDATE_FAIL_INPUT;
	if (!input_gfn(v, va, size, &gfn))
		return SIM_PVALIDATE_FAIL_INPUT;
	gpa = gfn << 12;
	if (n == 1 && (s->rmp[gfn] & SIM_RMP_2M))
		psmash(s, gfn); /* as for PVALIDATE: KVM splits the entry on the #NPF */
	if (n == PAGES_2M && !(s->rmp[gfn] & SIM_RMP_2M))
		return SIM_PVALIDATE_FAIL_SIZEMISMATCH;
	for (unsigned i = 0; i < n; i++)
		if (!sim_rmp_validated(s, gfn + i))
			return SIM_PVALIDATE_FAIL_INPUT;
	for (unsigned k = 0; n == 1 && !vmsa && (s->rmp[gfn] & SIM_RMP_VMSA) && k < s->nr_vcpus; k++)
		if (s->vcpu[k].snp_vmsa_gpa == gpa && s->vcpu[k].state != SIM_VCPU_STOPPED)
			return SIM_RMPADJUST_FAIL_INUSE; /* a vCPU runs from it (spec.h) */
	if (n == 1)
		s->rmp[gfn] = (uint8_t)(vmsa ? (s->rmp[gfn] | SIM_RMP_VMSA) :
					(s->rmp[gfn] & ~SIM_RMP_VMSA));
	sim_trace(s, "vcpu%u: rmpadjust gpa %#" PRIx64 " vmpl %u%s", v->id, gpa, vmpl,
		  vmsa ? " VMSA" : "");
	return 0;
}

bool sim_rmpadjust_insn(struct sim_vcpu *v)
{
	uint64_t va = sim_reg(v, UC_X86_REG_RAX), gpa;

	if (!sim_long_mode(v) || !sim_cs64(v))
		va = (uint32_t)va;
	if (sim_cpl(v) != 0) {
		sim_exc_deliver(v, 13, true, 0);
		return false;
	}
	if (!rmp_translate(v, va, &gpa))
		return false;
	v->sim->snp.rmpadjust++;
	set_result(v, rmpadjust(v, va, (unsigned)sim_reg(v, UC_X86_REG_RCX),
				sim_reg(v, UC_X86_REG_RDX)), false);
	return true;
}

void sim_snp_json(const struct sim *s, FILE *f)
{
	const struct sim_snp_stats *p = &s->snp;
	uint64_t validated = 0, shared = 0, pages = s->ram_size >> 12;

	if (s->cfg.mode != SIM_MODE_SEV_SNP || !s->rmp) {
		fputs("null", f);
		return;
	}
	for (uint64_t g = 0; g < pages; g++) {
		if (!sim_mem_is_ram(s, g << 12, 4096)) {
			g = (SIM_HIGH_BASE >> 12) - 1; /* skip the hole */
			continue;
		}
		validated += sim_rmp_validated(s, g);
		shared += sim_rmp_shared(s, g);
	}
	fprintf(f, "{\"pvalidate\":%" PRIu64 ",\"pvalidate_2m\":%" PRIu64 ",\"pvalidate_cf\":%"
		PRIu64 ",\"pvalidate_failed\":%" PRIu64 ",\"rmpadjust\":%" PRIu64
		",\"psc_calls\":%" PRIu64 ",\"psc_pages\":%" PRIu64 ",\"psmash\":%" PRIu64
		",\"validated_pages\":%" PRIu64 ",\"shared_pages\":%" PRIu64
		",\"implicit_conversions\":%" PRIu64, p->pvalidate, p->pvalidate_2m, p->pvalidate_cf,
		p->pvalidate_fail, p->rmpadjust, p->psc_calls, p->psc_pages, p->psmash, validated,
		shared, p->implicit);
	if (p->implicit) {
		fprintf(f, ",\"implicit_first\":%" PRIu64 ",\"implicit_why\":", p->implicit_first);
		sim_json_str(f, p->implicit_why);
	}
	fprintf(f, ",\"ap_create\":%" PRIu64 ",\"ap_destroy\":%" PRIu64 ",\"cpuid_entries\":%"
		PRIu64 ",\"validate_critical_insns\":%" PRIu64 "}", p->ap_create, p->ap_destroy,
		s->launch.snp_cpuid_entries, validate_critical(s));
}
