// SPDX-License-Identifier: MIT
/*
 * Xen without SEV, with an AP bring-up page (docs/abi.md §8; the host side is
 * xen/host/patches/ + tools/xen-ap-page, docs/xen.md): every AP starts in the
 * page's init code, which loads the state its slot gives and jumps to
 * smp_ap_entry64. The guest fills all slots, arms them, calls VCPUOP_up for
 * every AP back to back (no VCPUOP_initialise), and waits once (smp/smp.c).
 *
 * smp_bringup_probe() decides whether the page is usable: a page that fails a
 * check is refused with the reason, and smp/select.c falls back to
 * VCPUOP_initialise (without SEV nothing depends on the page; under SEV-ES a
 * refusal is fatal, which is the SEV-ES half of issue 11).
 */
#include "arch/x86/cpu.h"
#include "boot/memory.h"
#include "lib/format.h"
#include "lib/string.h"
#include "smp/cpu.h"
#include "smp/xenpage.h"
#include "xen/xen.h"

#include <xen/hypercall.h>
#include <xen/vcpu.h>

static uint8_t *region;
static uint64_t region_size;
static const struct xen_ap_bringup_header *hdr;

static struct xen_ap_bringup_slot *slot(uint32_t v)
{
	return (struct xen_ap_bringup_slot *)(region + hdr->slot_offset +
					      (uint64_t)v * XEN_AP_BRINGUP_SLOT_SIZE);
}

static bool ref_digest(uint8_t out[32])
{
	static const char hex[] = XEN_AP_BRINGUP_REF_SHA256_HEX;

	for (unsigned i = 0; i < 32; i++) {
		unsigned b = 0;

		for (unsigned j = 0; j < 2; j++) {
			char ch = hex[2 * i + j];

			b = b * 16 + (unsigned)(ch >= 'a' ? ch - 'a' + 10 : ch - '0');
		}
		out[i] = (uint8_t)b;
	}
	return true;
}

bool smp_bringup_probe(const struct pvh_info *info, uint32_t max_vcpu, bool *found, char *err,
		       size_t err_size)
{
	uint64_t addr = 0, size = 0;
	uint8_t ref[32];

	*found = false;
	switch (xenpage_find(info->memmap, info->memmap_entries, &addr, &size, err, err_size)) {
	case XENPAGE_NONE:
		return false;
	case XENPAGE_BAD:
		*found = true;
		return false;
	case XENPAGE_FOUND:
		break;
	}
	*found = true;
	/* Not RAM, so the final page tables do not map it: identity, executable
	 * (the init code turns paging on while running from it, §8.4). */
	if (!mem_map(addr, size, PT_WRITE | PT_EXEC)) {
		fmt_snprintf(err, err_size, "cannot map the region %#llx+%#llx",
			     (unsigned long long)addr, (unsigned long long)size);
		return false;
	}
	ref_digest(ref);
	if (!xenpage_check((const void *)(uintptr_t)addr, size, max_vcpu, ref, err, err_size))
		return false;
	region = (uint8_t *)(uintptr_t)addr;
	region_size = size;
	hdr = (const struct xen_ap_bringup_header *)region;
	return true;
}

static long vcpu_op(unsigned cmd, uint32_t vcpu, void *arg)
{
	return xen_hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, (uint64_t)(uintptr_t)arg, 0, 0);
}

struct gdtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static bool bringup_start(unsigned n, char *err, size_t err_size)
{
	struct gdtr g;
	uint64_t cr3 = read_cr3();

	__asm__ volatile("sgdt %0" : "=m"(g));
	if (cr3 >> 32 || g.base >> 32 || (uintptr_t)smp_ap_entry64 >> 32) {
		fmt_snprintf(err, err_size, "CR3 %#llx or GDT %#llx above 4 GiB",
			     (unsigned long long)cr3, (unsigned long long)g.base);
		return false;
	}
	/* Fill and arm every slot first, then start them all (§8.6 parallel start). */
	for (unsigned i = 1; i < n; i++) {
		struct smp_cpu *c = &smp_cpus[i];
		struct xen_ap_bringup_slot *s;

		if (!smp_xen_vcpu_startable(c, err, err_size))
			return false;
		if (c->vcpu_id >= hdr->nr_slots) {
			fmt_snprintf(err, err_size, "nr_slots=%u: no slot for vCPU %u", hdr->nr_slots,
				     c->vcpu_id);
			return false;
		}
		s = slot(c->vcpu_id);
		*s = (struct xen_ap_bringup_slot){
			.flags = XEN_AP_SLOT_LONG_MODE,
			.cr3 = cr3,
			.cr4 = read_cr4(),
			.efer = rdmsr(MSR_EFER) & ~(uint64_t)EFER_LMA, /* the CPU sets LMA */
			.cr0 = read_cr0(),
			.cs = SEL_CODE64,
			.ds = SEL_DATA,
			.gdt_limit = g.limit,
			.gdt_base = g.base,
			.rip = (uintptr_t)smp_ap_entry64,
			.rsp = c->stack_top,
			.rdi = (uintptr_t)c,
		};
		__atomic_store_n(&s->state, XEN_AP_SLOT_ARMED, __ATOMIC_RELEASE);
	}
	for (unsigned i = 1; i < n; i++) {
		struct smp_cpu *c = &smp_cpus[i];

		c->state = SMP_STATE_STARTING;
		c->t_start = rdtsc();
		c->start_rc = vcpu_op(VCPUOP_up, c->vcpu_id, NULL);
		if (c->start_rc) {
			fmt_snprintf(err, err_size, "VCPUOP_up(vCPU %u) = %ld (slot state %#x)",
				     c->vcpu_id, c->start_rc, slot(c->vcpu_id)->state);
			return false;
		}
	}
	return true;
}

/* §8.7 item 5: every AP went through the init code (its slot says LEFT: it ran
 * and reached our entry), no vCPU without a slot ran it; then Xen agrees each
 * is up (smp/vcpuop.c). */
static bool bringup_check(unsigned n, char *err, size_t err_size)
{
	for (unsigned i = 1; i < n; i++) {
		uint32_t v = smp_cpus[i].vcpu_id;
		const struct xen_ap_bringup_slot *s = slot(v);

		if (s->state != XEN_AP_SLOT_LEFT) {
			fmt_snprintf(err, err_size, "vCPU %u reported online but its slot says state "
				     "%#x detail %#llx, not LEFT", v, s->state,
				     (unsigned long long)s->detail);
			return false;
		}
	}
	if (hdr->stray_vcpu) {
		fmt_snprintf(err, err_size, "stray_vcpu=%u: vCPU %u ran the init code without a slot",
			     hdr->stray_vcpu, hdr->stray_vcpu - 1);
		return false;
	}
	return smp_method_vcpuop.check(n, err, err_size);
}

static bool bringup_parked(unsigned n, char *err, size_t err_size)
{
	return smp_method_vcpuop.parked(n, err, err_size);
}

const struct smp_method smp_method_bringup = {
	.name = "Xen AP bring-up page",
	.start = bringup_start,
	.check = bringup_check,
	.hold_for_check = true,
	.parked = bringup_parked,
};
