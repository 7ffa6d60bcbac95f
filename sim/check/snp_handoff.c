/* SPDX-License-Identifier: MIT */
/*
 * The handoff checker's SNP part (docs/sevsim.md "Handoff checker"): the RMP state of every
 * page of RAM the payload is told about, the pages SNP launched and, for Linux, the CC blob
 * that makes it take the SNP boot path (amd-sev-facts.md §10).
 *
 *   snp_ram_validated      every page of every RAM entry of the map the payload gets (e820
 *                          for Linux, the start_info memory map for PVH) is private and
 *                          validated: Linux without the EFI unaccepted-memory table assumes
 *                          all of it is, and a page it finds shared or unvalidated is a #VC
 *                          0x404 (or a silent conversion) later
 *   snp_no_vmsa_in_ram     no page of that RAM has the RMP VMSA attribute, and no vCPU runs
 *                          (or is about to run) from a VMSA in it: a firmware VMSA left there
 *                          is a page the payload cannot write (the CPU faults the access) and a
 *                          register state the hypervisor could start at any time (abi.md §13.3)
 *   snp_no_implicit        the guest never made the hypervisor convert a page by touching it
 *                          in the wrong state (mem/rmp.c): a conversion loses validation
 *   snp_pages_intact       the CPUID and secrets pages of the launch are still private,
 *                          validated, and the CPUID page holds what the firmware checked
 *   snp_cc_blob            Linux: a SETUP_CC_BLOB setup_data node whose u32 points at a
 *                          cc_blob_sev_info below 4 GiB: magic "AMDE", secrets_phys/len =
 *                          the launch's secrets page/4096, cpuid_phys/len = its CPUID page/
 *                          4096, in validated private memory
 * Memory is read through the payload's view (the vCPU's tables), as the rest of the checker.
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/fw/spec.h"

#define chk sim_check_add

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	memcpy(&v, p, n);
	return v;
}

/* Pages of [a, b) that are not validated private: count, first. */
static void unvalidated(const struct sim *s, uint64_t a, uint64_t b, uint64_t *n, uint64_t *first)
{
	for (uint64_t g = a >> 12; g < (b + 4095) >> 12; g++)
		if (!sim_rmp_validated(s, g) && (*n)++ == 0)
			*first = g << 12;
}

static void chk_ram(struct sim_vcpu *v, const uint64_t (*ram)[2], unsigned nram)
{
	struct sim *s = v->sim;
	uint64_t n = 0, first = 0, pages = 0;

	for (unsigned i = 0; i < nram; i++) {
		uint64_t a = ram[i][0], b = ram[i][0] + ram[i][1];
		if (!sim_mem_is_ram(s, a, b - a)) {
			n++;
			if (!first)
				first = a;
			continue;
		}
		unvalidated(s, a, b, &n, &first);
		pages += (b - a) >> 12;
	}
	uint64_t vmsa = 0, vfirst = 0;
	for (unsigned i = 0; i < nram; i++)
		for (uint64_t g = ram[i][0] >> 12; g < (ram[i][0] + ram[i][1] + 4095) >> 12; g++)
			if (g < (s->ram_size >> 12) && (sim_rmp_get(s, g) & SIM_RMP_VMSA) && !vmsa++)
				vfirst = g << 12;
	int user = -1;
	for (unsigned k = 0; k < s->nr_vcpus && user < 0; k++) {
		uint64_t g = s->vcpu[k].snp_vmsa_gpa;
		for (unsigned i = 0; g && i < nram; i++)
			if (g >= ram[i][0] && g - ram[i][0] < ram[i][1])
				user = (int)k;
	}
	chk(&s->handoff, "snp_no_vmsa_in_ram", !vmsa && user < 0, "%" PRIu64 " RAM pages with the "
	    "RMP VMSA attribute%s%#" PRIx64 "%s", vmsa, vmsa ? ", first at " : "", vmsa ? vfirst : 0,
	    user >= 0 ? "; a vCPU still has a VMSA in RAM" : "");
	chk(&s->handoff, "snp_ram_validated", nram && !n, "%" PRIu64 " of %" PRIu64 " RAM pages not "
	    "validated private%s%#" PRIx64, n, pages, n ? ", first at " : "", n ? first : 0);
}

static void chk_common(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	const struct sim_launch *l = &s->launch;
	uint64_t n = 0, first = 0;

	chk(&s->handoff, "snp_no_implicit", !s->snp.implicit, "%" PRIu64 " implicit conversions%s%s",
	    s->snp.implicit, s->snp.implicit ? ": " : "", s->snp.implicit ? s->snp.implicit_why : "");
	if (l->cpuid_gpa)
		unvalidated(s, l->cpuid_gpa, l->cpuid_gpa + 4096, &n, &first);
	if (l->secrets_gpa)
		unvalidated(s, l->secrets_gpa, l->secrets_gpa + 4096, &n, &first);
	bool same = !l->cpuid_gpa || !sim_snp_cpuid_changed(s);
	chk(&s->handoff, "snp_pages_intact", (l->cpuid_gpa || l->secrets_gpa) && !n && same,
	    "CPUID page %#" PRIx64 ", secrets page %#" PRIx64 "%s%s", l->cpuid_gpa, l->secrets_gpa,
	    n ? ": not validated" : "", same ? "" : ": the CPUID page was changed");
}

static void chk_cc_blob(struct sim_vcpu *v, uint64_t rsi)
{
	struct sim *s = v->sim;
	const struct sim_launch *l = &s->launch;
	uint64_t node = 0, blob = 0;
	uint8_t hdr[16], b[SIM_CC_BLOB_SIZE];
	const char *why = "no SETUP_CC_BLOB node in boot_params.hdr.setup_data";

	if (!sim_mmu_read(v, rsi + SIM_BP_SETUP_DATA, &node, 8))
		node = 0;
	for (unsigned i = 0; node && i < 64; i++) {
		uint32_t pa;
		if (!sim_mmu_read(v, node, hdr, sizeof(hdr))) {
			why = "a setup_data node is not readable";
			break;
		}
		if (get(hdr + 8, 4) == SIM_SETUP_CC_BLOB) {
			if (get(hdr + 12, 4) < 4 || !sim_mmu_read(v, node + 16, &pa, 4)) {
				why = "SETUP_CC_BLOB node shorter than its u32";
				break;
			}
			blob = pa;
			break;
		}
		node = get(hdr, 8);
	}
	if (blob) {
		uint64_t n = 0, first = 0;
		unvalidated(s, blob, blob + SIM_CC_BLOB_SIZE, &n, &first);
		if (!sim_mmu_read(v, blob, b, sizeof(b)))
			why = "cc_blob_sev_info not readable";
		else if (get(b, 4) != SIM_CC_BLOB_MAGIC)
			why = "cc_blob_sev_info magic is not AMDE";
		else if (get(b + SIM_CC_BLOB_SECRETS_PHYS, 8) != l->secrets_gpa || !l->secrets_gpa ||
			 get(b + SIM_CC_BLOB_SECRETS_LEN, 4) != 4096)
			why = "secrets_phys/len are not the launch's secrets page/4096";
		else if (get(b + SIM_CC_BLOB_CPUID_PHYS, 8) != l->cpuid_gpa || !l->cpuid_gpa ||
			 get(b + SIM_CC_BLOB_CPUID_LEN, 4) < 4096)
			why = "cpuid_phys/len are not the launch's CPUID page/>= 4096";
		else if (n)
			why = "the blob is not in validated private memory";
		else
			why = NULL;
	}
	chk(&s->handoff, "snp_cc_blob", !why, "%s (blob at %#" PRIx64 ")", why ? why : "as the launch",
	    blob);
}

void sim_snp_handoff_linux(struct sim_vcpu *v, uint64_t rsi, const uint64_t (*ram)[2], unsigned n)
{
	if (!v->sim->rmp)
		return;
	chk_ram(v, ram, n);
	chk_common(v);
	chk_cc_blob(v, rsi);
}

void sim_snp_handoff_pvh(struct sim_vcpu *v, const uint64_t (*ram)[2], unsigned n)
{
	if (!v->sim->rmp)
		return;
	chk_ram(v, ram, n);
	chk_common(v);
}
