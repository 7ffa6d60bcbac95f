/* SPDX-License-Identifier: MIT */
/*
 * The SNP launch (the VMM's and the secure processor's half; docs/sevsim.md "SNP",
 * docs/abi.md §9.4 and §10): what SNP_LAUNCH_UPDATE does to the pages a PVH domain builder
 * loaded, and the launch digest it folds them into.
 *
 *   - every launch page becomes private and validated in the RMP, with a 4 KiB entry: the
 *     image (the hashes table page inside it), the modules unless --kernel-hashes put them in
 *     shared memory (then their pages are hypervisor-owned), the start_info blob (start_info,
 *     command line, module list and command lines, memory map); the rest of RAM stays private
 *     and not validated (mem/rmp.c: what QEMU + KVM's guest_memfd give a guest);
 *   - the CPUID page (cocoboot's note 0x101): the VMM fills it from its CPUID model (what
 *     its GHCB answers say, for vCPU 0) and the firmware checks it against the CPU; a page
 *     the check refuses fails the launch, as SNP_LAUNCH_UPDATE fails;
 *   - the secrets page (note 0x102): filled by the firmware in the layout of amd-sev-facts.md
 *     §6.3 (version, FMS, VMPCKs from the seed; the OS area zero);
 *   - the launch digest: PAGE_INFO chained with SHA-384 (fw/launch_digest.c) in the order of
 *     docs/abi.md §9.4: image pages (but the CPUID and secrets pages), modules when measured,
 *     the start_info blob, the CPUID page, the secrets page, one VMSA per vCPU.
 * --lie=cpuid-page-missing: the VMM gives no CPUID page (its GPA stays a zero image page).
 * --lie=launch-extra-page: the VMM adds one RAM page outside everything it loaded to the
 * launch (extra_page: measured after the start_info blob, private and validated as every
 * launch page), which the guest will find already validated when it validates its RAM.
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/fw/launch_digest.h"
#include "sim/fw/spec.h"

static uint8_t cpuid_launched[4096]; /* what the firmware checked (the handoff compares) */

static uint64_t page_down(uint64_t a) { return a & ~4095ull; }
static uint64_t page_up(uint64_t a) { return (a + 4095) & ~4095ull; }

static void validate_range(struct sim *s, uint64_t a, uint64_t b)
{
	for (uint64_t g = page_down(a) >> 12; g < page_up(b) >> 12; g++)
		sim_rmp_launch_page(s, g);
}

/* A page the image's note names: page aligned, inside the loaded image. */
static int check_note_page(struct sim *s, uint64_t gpa, const char *what, unsigned type)
{
	if (!gpa)
		return 0;
	if ((gpa & 4095) || gpa < page_down(s->kernel_start) || gpa + 4096 > page_up(s->kernel_end)) {
		sim_fail(s, "kernel %s: the %s note (type %#x) names GPA %#" PRIx64 ", not a page of "
			 "the loaded image", s->cfg.kernel, what, type, gpa);
		return -1;
	}
	return 0;
}

/* The CPU's answer, without the hypervisor's lies (the VMM's honest table). */
static void cpuid_true(struct sim *s, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	unsigned nr = s->cfg.nr_lies, reported = s->cbit_reported;

	s->cfg.nr_lies = 0;
	s->cbit_reported = s->cbit;
	sim_cpuid(s, NULL, leaf, sub, true, out);
	s->cfg.nr_lies = nr;
	s->cbit_reported = reported;
}

static bool add(struct sim_snp_cpuid_page *pg, uint32_t leaf, uint32_t sub, const uint32_t r[4])
{
	if (pg->count == SIM_SNP_CPUID_MAX)
		return false;
	struct sim_snp_cpuid_entry *e = &pg->e[pg->count++];
	e->eax_in = leaf;
	e->ecx_in = sub;
	e->xcr0_in = leaf == 0xd && sub <= 1 ? 1 : 0; /* Linux uses 0xD.0/1 only with XCR0 1 or 3 */
	e->eax = r[0];
	e->ebx = r[1];
	e->ecx = r[2];
	e->edx = r[3];
	return true;
}

/* The leaves a VMM puts in the page: every leaf its CPUID has, indexed leaves by sub-leaf. */
static int fill_cpuid(struct sim *s, struct sim_snp_cpuid_page *pg)
{
	static const uint32_t base[] = { 0, 0x40000000u, 0x80000000u };
	uint32_t r[4];
	bool ok = true;

	memset(pg, 0, sizeof(*pg));
	for (unsigned b = 0; b < 3; b++) {
		cpuid_true(s, base[b], 0, r);
		uint32_t max = r[0];
		for (uint32_t leaf = base[b]; ok && leaf <= max && leaf - base[b] < 0x40; leaf++) {
			uint32_t subs = 1;
			cpuid_true(s, leaf, 0, r);
			if (leaf == 7)
				subs = r[0] + 1;
			else if (leaf == 4 || leaf == 0xb || leaf == 0xd)
				subs = leaf == 0xd ? 64 : 8;
			for (uint32_t sub = 0; ok && sub < subs; sub++) {
				cpuid_true(s, leaf, sub, r);
				/* sub-leaves past the last meaningful one read as zero: left out */
				if (sub > (leaf == 0xd ? 1u : 0u) && !(r[0] | r[1] | r[2] | r[3]))
					continue;
				if (leaf == 0xb && sub > 0 && !(r[2] & 0xff00))
					continue; /* level type 0: past the last level */
				ok = add(pg, leaf, sub, r);
			}
		}
	}
	if (!ok) {
		sim_fail(s, "SNP launch: sevsim's CPUID has more than %u leaves for the CPUID page",
			 SIM_SNP_CPUID_MAX);
		return -1;
	}
	return 0;
}

/*
 * The firmware's check of the VMM's CPUID page (sevsim's reading: the secure processor
 * lets the VMM hide features, not invent them, and not move the C-bit): at most 64 entries;
 * 0x8000001F EBX[11:0] (C-bit, address reduction) as the CPU has them; feature words of
 * leaves 1, 7.0 and 0x80000001 a subset of the CPU's. NULL or what failed.
 */
static const char *firmware_check(struct sim *s, const struct sim_snp_cpuid_page *pg, char *buf,
				  size_t n)
{
	if (pg->count == 0 || pg->count > SIM_SNP_CPUID_MAX)
		return "count not 1..64";
	for (unsigned i = 0; i < pg->count; i++) {
		const struct sim_snp_cpuid_entry *e = &pg->e[i];
		uint32_t r[4];
		cpuid_true(s, e->eax_in, e->ecx_in, r);
		if (e->eax_in == 0x8000001fu && (e->ebx & 0xfff) != ((s->cbit & 0x3f) |
								    ((s->phys_reduction & 0x3f) << 6))) {
			snprintf(buf, n, "leaf 0x8000001F EBX %#x: C-bit/reduction differ from the CPU's",
				 e->ebx);
			return buf;
		}
		bool features = e->eax_in == 1 || (e->eax_in == 7 && e->ecx_in == 0) ||
				e->eax_in == 0x80000001u;
		if (features && ((e->ecx & ~r[2]) || (e->edx & ~r[3]) ||
				 (e->eax_in == 7 && (e->ebx & ~r[1])))) {
			snprintf(buf, n, "leaf %#x.%u claims features the CPU lacks", e->eax_in, e->ecx_in);
			return buf;
		}
	}
	return NULL;
}

static void fill_secrets(struct sim *s, uint8_t *pg)
{
	uint32_t r[4], v;

	memset(pg, 0, 4096);
	v = 2; /* the layout of facts §6.3 (the version a given firmware writes: unconfirmed) */
	memcpy(pg + SIM_SNP_SECRETS_VERSION, &v, 4);
	cpuid_true(s, 1, 0, r);
	memcpy(pg + SIM_SNP_SECRETS_FMS, &r[0], 4);
	for (unsigned i = 0; i < 4 * 32; i += 8) {
		uint64_t k = sim_rand(s);
		memcpy(pg + SIM_SNP_SECRETS_VMPCK0 + i, &k, 8);
	}
}

/* --lie=launch-extra-page: the second 4 KiB page of the 2 MiB range 2 MiB above the first
 * 2 MiB boundary past everything loaded (inside a whole 2 MiB range the guest validates,
 * not at its start); 0 when that is not RAM. */
static uint64_t extra_page(struct sim *s)
{
	uint64_t gpa = ((s->launch_end + 0x1fffff) & ~0x1fffffull) + 0x200000 + 0x1000;

	return sim_mem_is_ram(s, gpa, 4096) ? gpa : 0;
}

int sim_snp_launch(struct sim *s)
{
	struct sim_launch *l = &s->launch;
	struct ld_snp d;
	char why[160];
	const char *bad;
	uint64_t a, b, cpuid = 0;

	sim_rmp_init(s);
	sim_cpuid_probe(s);
	if (!s->rmp || s->result != SIM_RES_RUNNING)
		return -1;
	if (check_note_page(s, l->cpuid_gpa, "SNP CPUID page", SIM_NOTE_SNP_CPUID) < 0 ||
	    check_note_page(s, l->secrets_gpa, "SNP secrets page", SIM_NOTE_SNP_SECRETS) < 0)
		return -1;
	if (l->cpuid_gpa && l->cpuid_gpa == l->secrets_gpa) {
		sim_fail(s, "kernel %s: the SNP CPUID and secrets notes name the same page",
			 s->cfg.kernel);
		return -1;
	}
	if (l->cpuid_gpa && !sim_lie(s, SIM_LIE_CPUID_PAGE_MISSING)) {
		struct sim_snp_cpuid_page pg;
		if (fill_cpuid(s, &pg) < 0)
			return -1;
		if ((bad = firmware_check(s, &pg, why, sizeof(why))) != NULL) {
			sim_fail(s, "SNP_LAUNCH_UPDATE of the CPUID page failed: %s", bad);
			return -1;
		}
		sim_mem_load(s, l->cpuid_gpa, &pg, sizeof(pg));
		memcpy(cpuid_launched, &pg, sizeof(pg));
		l->snp_cpuid_entries = pg.count;
		cpuid = l->cpuid_gpa;
	}
	if (l->secrets_gpa) {
		uint8_t pg[4096];
		fill_secrets(s, pg);
		sim_mem_load(s, l->secrets_gpa, pg, sizeof(pg));
	}

	/* the RMP: launch pages private and validated; shared modules hypervisor-owned */
	validate_range(s, s->kernel_start, s->kernel_end);
	for (unsigned i = 0; i < s->cfg.nr_modules; i++) {
		if (!s->cfg.kernel_hashes) {
			validate_range(s, l->mod_gpa[i], l->mod_gpa[i] + l->mod_len[i]);
			continue;
		}
		for (uint64_t g = l->mod_gpa[i] >> 12; g < page_up(l->mod_gpa[i] + l->mod_len[i]) >> 12; g++)
			sim_rmp_psc(s, g, true, false);
	}
	validate_range(s, s->start_info_gpa, s->launch_end);
	uint64_t extra = sim_lie(s, SIM_LIE_LAUNCH_EXTRA_PAGE) ? extra_page(s) : 0;
	if (extra)
		validate_range(s, extra, extra + 4096);

	/* the digest, in launch order (docs/abi.md §9.4) */
	ld_snp_begin(&d);
	if (sim_measure_dump_open(s, &d.dump) < 0)
		return -1;
	a = page_down(s->kernel_start);
	b = page_up(s->kernel_end);
	ld_snp_normal(&d, a, s->ram + a, b - a, cpuid, l->secrets_gpa);
	for (unsigned i = 0; i < s->cfg.nr_modules && !s->cfg.kernel_hashes; i++)
		ld_snp_normal(&d, l->mod_gpa[i], s->ram + l->mod_gpa[i], page_up(l->mod_len[i]), 0, 0);
	a = page_down(s->start_info_gpa);
	b = page_up(s->launch_end);
	ld_snp_normal(&d, a, s->ram + a, b - a, 0, 0);
	if (extra)
		ld_snp_normal(&d, extra, s->ram + extra, 4096, 0, 0);
	if (s->fwmem) /* more than one vCPU: ACPI tables, bring-up region (fw/bringup.c) */
		ld_snp_normal(&d, s->fwmem_gpa, s->fwmem, s->fwmem_size, 0, 0);
	struct ld_vcpus c;
	sim_measure_vcpus(s, 1ull | s->cfg.sev_features, &c);
	ld_snp_tail(&d, cpuid, l->secrets_gpa, &c);
	if (d.dump && fclose(d.dump) != 0) {
		sim_fail(s, "--dump-pages=%s: write failed", s->cfg.dump_pages);
		return -1;
	}
	ld_snp_hex(&d, l->snp_digest);
	l->snp_pages = d.pages;
	l->snp_vmsas = d.vmsas;
	l->snp_measured = true;
	return 0;
}

bool sim_snp_cpuid_changed(const struct sim *s)
{
	const struct sim_launch *l = &s->launch;

	return !l->cpuid_gpa || !sim_mem_is_ram(s, l->cpuid_gpa, 4096) ||
	       memcmp(s->ram + l->cpuid_gpa, cpuid_launched, 4096) != 0;
}
