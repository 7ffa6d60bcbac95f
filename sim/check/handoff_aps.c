/* SPDX-License-Identifier: MIT */
/*
 * The APs at hand-off (--check-handoff; docs/payloads.md "APs at hand-off"): whatever
 * cocoboot started must be parked the way the payload's ABI lets it take the AP again.
 *   none/sev   an AP that ran is stopped with INIT latched (waiting for a SIPI), or down
 *              (Xen's INIT makes it down and uninitialised): never runnable, never halted
 *   sev-es     an AP that ran is in the AP reset hold, the jump table is registered, and
 *              the page the AP waits in and the jump table page are not RAM in the memory
 *              map the payload gets (it would reuse them: docs/abi.md §11.4)
 *   sev-snp    an AP that ran is stopped with its VMSA destroyed (NAE 0x8000_0013 destroy) and
 *              no creation pending: the payload creates its own (docs/abi.md §13.3); that no
 *              VMSA page is left in its RAM is snp_handoff.c's snp_no_vmsa_in_ram
 * An AP that never ran (smp=off, or not in the MADT) passes in every mode.
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"
#include "linux/boot_params.h"
#include "xen/start_info.h"

#define EFER_LMA (1ull << 10)

/* Is [gpa, gpa+len) RAM in the payload's memory map? -1: the map could not be read. */
static int payload_ram(struct sim_vcpu *bsp, bool linux64, uint64_t gpa, uint64_t len)
{
	if (linux64) {
		struct boot_params bp;

		if (!sim_mmu_read(bsp, sim_reg(bsp, UC_X86_REG_RSI), &bp, sizeof(bp)) ||
		    bp.e820_entries > E820_MAX_ENTRIES_ZEROPAGE)
			return -1;
		for (unsigned i = 0; i < bp.e820_entries; i++) {
			const struct boot_e820_entry *e = &bp.e820_table[i];
			if (e->type == E820_TYPE_RAM && gpa < e->addr + e->size && e->addr < gpa + len)
				return 1;
		}
		return 0;
	}
	struct hvm_start_info si;
	struct hvm_memmap_table_entry e;

	if (!sim_mmu_read(bsp, (uint32_t)sim_reg(bsp, UC_X86_REG_RBX), &si, sizeof(si)) ||
	    si.version < 1 || si.memmap_entries > 1024)
		return -1;
	for (unsigned i = 0; i < si.memmap_entries; i++) {
		if (!sim_mmu_read(bsp, si.memmap_paddr + i * sizeof(e), &e, sizeof(e)))
			return -1;
		if (e.type == XEN_HVM_MEMMAP_TYPE_RAM && gpa < e.addr + e.size && e.addr < gpa + len)
			return 1;
	}
	return 0;
}

void sim_handoff_check_aps(struct sim_vcpu *bsp, bool linux64)
{
	struct sim *s = bsp->sim;
	struct sim_handoff *h = &s->handoff;
	bool snp = s->cfg.mode == SIM_MODE_SEV_SNP;
	bool es = s->cfg.mode == SIM_MODE_SEV_ES;
	unsigned ran = 0, bad = 0, first_bad = 0;
	const char *why = "";

	for (unsigned i = 0; i < s->nr_vcpus; i++) {
		struct sim_vcpu *v = &s->vcpu[i];
		const char *w = NULL;

		if (v == bsp || !v->ever_ran)
			continue;
		ran++;
		if (snp && (v->state != SIM_VCPU_STOPPED || v->snp_vmsa_gpa || v->snp_vmsa_pending))
			w = v->state != SIM_VCPU_STOPPED ? "not stopped (its VMSA was not destroyed)"
							 : "an AP creation is pending";
		else if (es && (v->state != SIM_VCPU_HELD || v->hold == SIM_HOLD_NONE))
			w = "not in the AP reset hold";
		else if (!es && v->state != SIM_VCPU_STOPPED)
			w = v->state == SIM_VCPU_HALTED ? "halted (an NMI would wake it into cocoboot)"
							: "running";
		if (w && !bad++) {
			first_bad = i;
			why = w;
		}
	}
	if (bad)
		sim_check_add(h, "aps_parked", false, "%u of %u APs that ran are not parked: vcpu%u %s",
			      bad, ran, first_bad, why);
	else
		sim_check_add(h, "aps_parked", true, "%u APs that ran are parked (%s)", ran,
			      snp ? "SNP: VMSA destroyed, stopped" : es ? "AP reset hold" :
			      "INIT: waiting for a SIPI, or down");
	if (!es || !ran)
		return;
	uint64_t jt = s->ap_jump_table;

	sim_check_add(h, "ap_jump_table", jt && !(jt & 0xfff) && jt < (1ull << 32),
		      "AP jump table %#" PRIx64 " (registered, page aligned, below 4 GiB)", jt);
	for (unsigned i = 0; i < s->nr_vcpus; i++) {
		struct sim_vcpu *v = &s->vcpu[i];

		if (v == bsp || !v->ever_ran || v->state != SIM_VCPU_HELD)
			continue;
		/* Where it waits: paging is off there (linear = physical). */
		uint64_t rip = sim_reg(v, UC_X86_REG_RIP), cs = 0, here;

		uc_reg_read(v->uc, UC_X86_REG_CS, &cs);
		here = (v->cr0 & 1) ? rip : (cs << 4) + (rip & 0xffff);
		int r1 = payload_ram(bsp, linux64, here & ~0xfffull, 4096);
		int r2 = jt ? payload_ram(bsp, linux64, jt, 4096) : 0;

		sim_check_add(h, "ap_park_reserved", r1 == 0 && r2 == 0 && !(v->efer & EFER_LMA),
			      "vcpu%u waits at %#" PRIx64 " (paging %s), jump table %#" PRIx64
			      ": %s for the payload", v->id, here, (v->cr0 >> 31) & 1 ? "on" : "off", jt,
			      r1 < 0 || r2 < 0 ? "memory map unreadable" :
			      r1 || r2 ? "RAM" : "reserved");
		break; /* every AP waits in the same place; one line is enough */
	}
}
