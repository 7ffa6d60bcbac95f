// SPDX-License-Identifier: MIT
/*
 * The Xen AP bring-up page (docs/abi.md §8): found through its memory-map entry, checked
 * as §8.7 says before anything in it is trusted, one slot per AP filled with a 64-bit
 * start at smp_ap_entry64 (RDI = its struct smp_cpu, RSP = its stack, our CR3), then
 * VCPUOP_up for each AP back to back (through the GHCB under SEV-ES) and one wait.
 *
 * Each AP writes its slot's online value (0x100, cocoboot's own: §8.6) from its C code once
 * its identity is checked, right before it reports online.
 *
 * What the hypervisor says is compared with what the APs did (§8.7 item 5): VCPUOP_up 0
 * but the slot never left ARMED, or an error but the slot moved, is a lie (reason 0x16);
 * an init-code error state or a stray vCPU is reason 0x23; a page that fails a check is
 * 0x15. Under SEV-ES the APs then park in the AP reset hold like the jump-table method's
 * (smp/jumptable.c): a launch VMSA runs once, so the payload gets them through the jump
 * table.
 */
#include "arch/x86/cpu.h"
#include "boot/boot.h"
#include "boot/memory.h"
#include "boot/sev.h"
#include "lib/format.h"
#include "lib/string.h"
#include "smp/cpu.h"
#include "smp/page_check.h"
#include "xen/xen.h"

#include <xen/ap_bringup.h>
#include <xen/hypercall.h>
#include <xen/vcpu.h>

extern const uint8_t __image_start[], __image_end[];

#define PAGE      4096ull
#define FOUR_GIB  (4ull << 30)
#define UP_WAIT_MS 100 /* how long a refused VCPUOP_up is watched for an AP that ran anyway */

static volatile uint8_t *region;
static uint64_t region_pa, region_size;
static struct xen_ap_bringup_header hdr; /* copied once; the page is not read twice */

/* The flat GDT the slots name (§8.4): its selectors are boot/layout.inc's; accessed bits
 * preset, so the init code loading them writes nothing. In .data: below 4 GiB. */
static uint64_t page_gdt[4] __attribute__((aligned(16))) = {
	0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull, 0x00af9b000000ffffull,
};

static const struct hvm_memmap_table_entry *find_entry(unsigned *count)
{
	const struct hvm_memmap_table_entry *found = NULL;

	*count = 0;
	for (uint32_t i = 0; smp_info && i < smp_info->memmap_entries; i++)
		if (smp_info->memmap[i].type == XEN_HVM_MEMMAP_TYPE_AP_BRINGUP) {
			found = &smp_info->memmap[i];
			(*count)++;
		}
	return found;
}

bool smp_page_offered(void)
{
	unsigned count;

	return find_entry(&count) != NULL;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* §8.7 items 1-4. */
static bool page_check(unsigned n, char *err, size_t err_size)
{
	unsigned count;
	const struct hvm_memmap_table_entry *e = find_entry(&count);
	uint32_t max_vcpu = 0;

	if (count != 1)
		return smp_fail(BOOT_ERR_SMP_PAGE, err, err_size,
			    "bring-up page: %u memory-map entries of type %#x, not one", count,
			    XEN_HVM_MEMMAP_TYPE_AP_BRINGUP);
	if ((e->addr & (PAGE - 1)) || (e->size & (PAGE - 1)) || e->size < PAGE ||
	    e->addr >= FOUR_GIB || e->size > FOUR_GIB - e->addr)
		return smp_fail(BOOT_ERR_SMP_PAGE, err, err_size,
			    "bring-up page: entry addr=%#llx size=%#llx is not whole pages below 4 GiB",
			    (unsigned long long)e->addr, (unsigned long long)e->size);
	for (uint32_t i = 0; i < smp_info->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *o = &smp_info->memmap[i];

		if (o != e && overlaps(e->addr, e->size, o->addr, o->size))
			return smp_fail(BOOT_ERR_SMP_PAGE, err, err_size,
				    "bring-up page [%#llx+%#llx) overlaps memory-map entry %u "
				    "(type %u, [%#llx+%#llx))", (unsigned long long)e->addr,
				    (unsigned long long)e->size, i, o->type,
				    (unsigned long long)o->addr, (unsigned long long)o->size);
	}
	if (overlaps(e->addr, e->size, (uintptr_t)__image_start,
		     (uintptr_t)__image_end - (uintptr_t)__image_start))
		return smp_fail(BOOT_ERR_SMP_PAGE, err, err_size,
			    "bring-up page at %#llx overlaps cocoboot's image",
			    (unsigned long long)e->addr);
	for (uint64_t p = e->addr; p < e->addr + e->size; p += PAGE)
		if (p < (1ull << 20) && smp_low_page_in_use(smp_info, p))
			return smp_fail(BOOT_ERR_SMP_PAGE, err, err_size,
				    "bring-up page %#llx holds start_info data", (unsigned long long)p);
	/* Not RAM, so the boot's tables do not map it: private (C-bit set) mapping, which
	 * is also item 2's check: a shared page reads as ciphertext and fails the magic. */
	if (!mem_map(e->addr, e->size, PT_WRITE | PT_EXEC))
		return smp_fail(BOOT_ERR_SMP_PAGE, err, err_size, "bring-up page: cannot map %#llx",
			    (unsigned long long)e->addr);
	region_pa = e->addr;
	region_size = e->size;
	region = (volatile uint8_t *)(uintptr_t)region_pa;
	for (size_t i = 0; i < sizeof(hdr); i++)
		((uint8_t *)&hdr)[i] = region[i];

	for (unsigned i = 1; i < n; i++)
		if (smp_cpus[i].vcpu_id > max_vcpu)
			max_vcpu = smp_cpus[i].vcpu_id;
	/* items 3-4 (smp/page_check.c) */
	if (!smp_page_header_check(&hdr, (const uint8_t *)(uintptr_t)region_pa, region_pa,
				   region_size, max_vcpu, err, err_size)) {
		smp_fail_reason = BOOT_ERR_SMP_PAGE; /* err says which field */
		return false;
	}
	return true;
}

static volatile struct xen_ap_bringup_slot *slot(uint32_t v)
{
	return smp_page_slot(&hdr, region, v);
}

static bool page_prepare(unsigned n, char *err, size_t err_size)
{
	if (!page_check(n, err, err_size))
		return false;
	if (sev_mode() >= SEV_MODE_ES && !smp_es_area_setup(0, err, err_size))
		return false; /* APs park in the AP reset hold (§11); jump table entry 0:0 until
			       * the payload writes its own */
	for (unsigned i = 1; i < n; i++) {
		struct smp_cpu *c = &smp_cpus[i];
		volatile struct xen_ap_bringup_slot *s = slot(c->vcpu_id);

		s->state = XEN_AP_SLOT_EMPTY;
		s->flags = XEN_AP_SLOT_LONG_MODE;
		s->cr3 = read_cr3();
		s->cr4 = read_cr4();
		s->efer = rdmsr(MSR_EFER) & ~(uint64_t)EFER_LMA;
		s->cr0 = read_cr0();
		s->cs = SEL_CODE64;
		s->ds = SEL_DATA;
		s->pad0 = 0;
		s->gdt_limit = sizeof(page_gdt) - 1;
		s->gdt_base = (uintptr_t)page_gdt;
		s->rip = (uintptr_t)smp_ap_entry64;
		s->rsp = c->stack_top;
		s->rdi = (uintptr_t)c;
		s->detail = 0;
		for (unsigned k = 0; k < sizeof(s->reserved); k++)
			s->reserved[k] = 0;
		c->rsi_is_vcpu = true;
		__atomic_store_n(&s->state, XEN_AP_SLOT_ARMED, __ATOMIC_RELEASE);
	}
	return true;
}

static long vcpu_up(uint32_t v)
{
	return xen_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_up, v, 0, 0, 0);
}

static bool page_start(unsigned first, unsigned last, char *err, size_t err_size)
{
	for (unsigned i = first; i < last; i++) {
		struct smp_cpu *c = &smp_cpus[i];

		/* xenpage: timed to the AP's first instruction (not under SEV-ES: an
		 * intercepted RDTSC there would be a #VC before the AP has an IDT) */
		if (sev_mode() < SEV_MODE_ES)
			c->t_start = rdtsc();
		c->state = SMP_STATE_STARTING;
		c->start_rc = vcpu_up(c->vcpu_id);
		if (c->start_rc == 0)
			continue;
		/* Refused: did it run anyway? Then the answer lied. */
		uint64_t end = rdtsc() + smp_tsc_per_ms(NULL) * UP_WAIT_MS;
		uint32_t st;

		while ((st = slot(c->vcpu_id)->state) == XEN_AP_SLOT_ARMED && rdtsc() < end)
			cpu_pause();
		if (st != XEN_AP_SLOT_ARMED)
			return smp_fail(BOOT_ERR_SMP_START_LIE, err, err_size,
				    "VCPUOP_up(vCPU %u) = %ld, but its slot moved to state %#x",
				    c->vcpu_id, c->start_rc, st);
		return smp_fail(BOOT_ERR_SMP, err, err_size, "VCPUOP_up(vCPU %u) = %ld", c->vcpu_id,
			    c->start_rc);
	}
	return true;
}

static uint32_t stray_vcpu(void)
{
	return smp_page_stray(region);
}

/* For a timeout: the slot's state tells how far the AP got (§8.6). */
static unsigned page_describe(unsigned i, char *buf, size_t size)
{
	const struct smp_cpu *c = &smp_cpus[i];
	uint32_t st = slot(c->vcpu_id)->state;
	uint64_t detail = slot(c->vcpu_id)->detail;

	fmt_snprintf(buf, size, "; its bring-up slot says %#x, detail %#llx", st,
		     (unsigned long long)detail);
	if (st == XEN_AP_SLOT_ARMED && c->start_rc == 0)
		return BOOT_ERR_SMP_START_LIE; /* "started", but the init code never ran */
	if (st >= XEN_AP_SLOT_ERR_NOT_ARMED && st <= XEN_AP_SLOT_ERR_FLAGS)
		return BOOT_ERR_SMP_AP_ERROR;
	if (stray_vcpu())
		return BOOT_ERR_SMP_AP_ERROR;
	return 0;
}

/* On the AP, its identity checked, right before it reports online: the slot's online
 * value (§8.6: LEFT was the init code's last access, values from 0x100 are ours). */
static void page_ap_online(struct smp_cpu *c)
{
	__atomic_store_n(&slot(c->vcpu_id)->state, SMP_PAGE_SLOT_ONLINE, __ATOMIC_RELEASE);
}

/* Every AP reported: each slot says online, and no vCPU without a slot ran
 * (smp/page_check.c). */
static bool page_verify(unsigned n, char *err, size_t err_size)
{
	uint32_t vcpus[SMP_MAX_CPUS];
	unsigned reason;

	for (unsigned i = 1; i < n; i++)
		vcpus[i - 1] = smp_cpus[i].vcpu_id;
	reason = smp_page_slots_check(&hdr, region, vcpus, n - 1, err, err_size);
	smp_fail_reason = reason; /* err says which vCPU */
	return reason == 0;
}

/* Without SEV-ES: parked by INIT like VCPUOP's APs (down again on Xen); they spin until
 * the check ran (a Xen vCPU halting with interrupts off goes down). Under SEV-ES: in the
 * AP reset hold at once (§11), smp_park() checks their states and the jump table. */
const struct smp_method smp_method_page = {
	.name = "Xen AP bring-up page",
	.prepare = page_prepare,
	.start = page_start,
	.check = page_verify,
	.hold_for_check = true,
	.parked = smp_vcpuop_parked,
	.describe = page_describe,
	.ap_online = page_ap_online,
};

const struct smp_method smp_method_page_es = {
	.name = "Xen AP bring-up page (SEV-ES)",
	.prepare = page_prepare,
	.start = page_start,
	.check = page_verify,
	.parked = smp_es_jump_table_parked,
	.park_at_once = true,
	.describe = page_describe,
	.ap_online = page_ap_online,
};
