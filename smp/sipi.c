// SPDX-License-Identifier: MIT
/*
 * INIT-SIPI-SIPI (Intel SDM vol. 3A 9.4.4 "MP initialization example"; AMD APM
 * vol. 2 16.5): the real-mode trampoline (smp/trampoline.asm) goes to a free
 * page below 1 MiB, then every AP gets INIT, and every AP two Startup IPIs
 * with the page number as vector, back to back: the APs run at once.
 *
 * Delays: the SDM's example waits 10 ms after INIT and 200 us between the
 * SIPIs. Linux skips the INIT delay on CPUs of this century (arch/x86/kernel/
 * smpboot.c, smp_quirk_init_udelay: init_udelay = 0 from family 6 / AMD 0xF)
 * and waits 10 us after each SIPI; so does cocoboot.
 */
#include "boot/boot.h"
#include "boot/memory.h"
#include "lib/format.h"
#include "lib/string.h"
#include "smp/cpu.h"
#include "arch/x86/cpu.h"
#include "xen/pvh.h"

extern const uint8_t smp_tramp_start[], smp_tramp_end[], smp_tramp_gdtr[], smp_tramp_gdt[];
extern const uint8_t smp_tramp_far32[], smp_tramp_far64[], smp_tramp_pm32[], smp_tramp_lm64[];
extern const uint8_t smp_tramp_cr0[], smp_tramp_cr3[], smp_tramp_cr4[], smp_tramp_efer[];
extern const uint8_t smp_tramp_entry64[], smp_tramp_nr_ids[], smp_tramp_stray_id[];
extern const uint8_t smp_tramp_nr_stray[], smp_tramp_ids[], smp_tramp_msr_cpuid[];

#define PAGE 4096ull
#define LOW_1M 0x100000ull

static uint8_t *page;
static uint64_t page_pa;

#define AT(sym) ((void *)(page + ((sym) - smp_tramp_start)))

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* Does the page at pa hold anything start_info told us about? */
bool smp_low_page_in_use(const struct pvh_info *info, uint64_t pa)
{
	if (overlaps(pa, PAGE, info->start_info_paddr, sizeof(struct hvm_start_info)) ||
	    overlaps(pa, PAGE, info->memmap_paddr,
		     info->memmap_entries * sizeof(struct hvm_memmap_table_entry)) ||
	    overlaps(pa, PAGE, info->cmdline_paddr, info->cmdline_paddr ? info->cmdline_len + 1 : 0) ||
	    overlaps(pa, PAGE, info->modlist_paddr,
		     info->nr_modules * sizeof(struct hvm_modlist_entry)) ||
	    overlaps(pa, PAGE, info->rsdp_paddr, info->rsdp_paddr ? 36 : 0))
		return true;
	for (uint32_t i = 0; i < info->nr_modules; i++)
		if (overlaps(pa, PAGE, info->modules[i].paddr, info->modules[i].size) ||
		    overlaps(pa, PAGE, info->modules[i].cmdline_paddr,
			     info->modules[i].cmdline_paddr ? PVH_MOD_CMDLINE_MAX : 0))
			return true;
	return false;
}

/* The highest whole RAM page below 1 MiB (not page 0, where the real-mode IVT
 * and BIOS data live) that start_info does not use. The allocator keeps low
 * memory free for exactly this (boot/memory.c). */
static uint64_t find_low_page(const struct pvh_info *info)
{
	uint64_t best = 0;

	for (uint32_t i = 0; i < info->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &info->memmap[i];

		if (e->type != XEN_HVM_MEMMAP_TYPE_RAM || e->addr >= LOW_1M)
			continue;
		uint64_t lo = (e->addr + PAGE - 1) & ~(PAGE - 1);
		uint64_t end = e->addr + e->size < LOW_1M ? e->addr + e->size : LOW_1M;

		if (lo < PAGE)
			lo = PAGE;
		for (uint64_t pa = (end & ~(PAGE - 1)); pa >= lo + PAGE; pa -= PAGE) {
			uint64_t p = pa - PAGE;

			if (p > best && !smp_low_page_in_use(info, p)) {
				best = p;
				break;
			}
		}
	}
	return best;
}

uint16_t smp_tramp_install(uint64_t pa, unsigned n, bool msr_cpuid, char *err, size_t err_size)
{
	uint64_t size = (uint64_t)(smp_tramp_end - smp_tramp_start) + (n - 1) * 8ull;

	if (!pa || pa >= LOW_1M || (pa & (PAGE - 1))) {
		fmt_snprintf(err, err_size, "no free RAM page below 1 MiB for the trampoline");
		return 0;
	}
	if (size > PAGE || boot_pt.root >= (4ull << 30)) {
		fmt_snprintf(err, err_size, "trampoline of %llu bytes for %u CPUs, CR3 %#llx: "
			     "needs one page and CR3 below 4 GiB",
			     (unsigned long long)size, n, (unsigned long long)boot_pt.root);
		return 0;
	}
	page_pa = pa;
	page = (uint8_t *)(uintptr_t)page_pa;
	memcpy(page, smp_tramp_start, (size_t)(smp_tramp_end - smp_tramp_start));
	uint32_t base = (uint32_t)page_pa;

	*(uint32_t *)AT(smp_tramp_gdtr + 2) = base + (uint32_t)(smp_tramp_gdt - smp_tramp_start);
	*(uint32_t *)AT(smp_tramp_far32) = base + (uint32_t)(smp_tramp_pm32 - smp_tramp_start);
	*(uint32_t *)AT(smp_tramp_far64) = base + (uint32_t)(smp_tramp_lm64 - smp_tramp_start);
	*(uint32_t *)AT(smp_tramp_cr0) = (uint32_t)read_cr0();
	*(uint32_t *)AT(smp_tramp_cr3) = (uint32_t)boot_pt.root;
	*(uint32_t *)AT(smp_tramp_cr4) = (uint32_t)read_cr4();
	*(uint32_t *)AT(smp_tramp_efer) = (uint32_t)(rdmsr(MSR_EFER) & ~(uint64_t)EFER_LMA);
	*(uint64_t *)AT(smp_tramp_entry64) = (uintptr_t)smp_ap_entry64;
	*(uint32_t *)AT(smp_tramp_nr_ids) = n - 1;
	*(uint32_t *)AT(smp_tramp_nr_stray) = 0;
	uint32_t max_id = 0;

	for (unsigned i = 1; i < n; i++)
		if (smp_cpus[i].apic_id > max_id)
			max_id = smp_cpus[i].apic_id;
	/* 1: CPUID 1 EBX[31:24] will do; 2: an ID needs the x2APIC leaf 0xB */
	*(uint32_t *)AT(smp_tramp_msr_cpuid) = !msr_cpuid ? 0 : max_id < 0xff ? 1 : 2;
	uint32_t *ids = AT(smp_tramp_ids);

	for (unsigned i = 1; i < n; i++) {
		ids[2 * (i - 1)] = smp_cpus[i].apic_id;
		ids[2 * (i - 1) + 1] = (uint32_t)(uintptr_t)&smp_cpus[i];
	}
	return (uint16_t)(page_pa >> 4);
}

uint32_t smp_tramp_strays(uint32_t *last_id)
{
	if (!page)
		return 0;
	*last_id = *(volatile uint32_t *)AT(smp_tramp_stray_id);
	return *(volatile uint32_t *)AT(smp_tramp_nr_stray);
}

static bool sipi_prepare(unsigned n, char *err, size_t err_size)
{
	return smp_tramp_install(find_low_page(smp_info), n, false, err, err_size) != 0;
}

static bool sipi_start(unsigned first, unsigned last, char *err, size_t err_size)
{
	for (unsigned i = first; i < last; i++) {
		smp_cpus[i].state = SMP_STATE_STARTING;
		if (!lapic_send_init(&smp_lapic, smp_cpus[i].apic_id)) {
			fmt_snprintf(err, err_size, "INIT to CPU %u (APIC ID %#x) not delivered", i,
				     smp_cpus[i].apic_id);
			return false;
		}
	}
	for (int round = 0; round < 2; round++) {
		for (unsigned i = first; i < last; i++) {
			if (!lapic_send_sipi(&smp_lapic, smp_cpus[i].apic_id, (uint8_t)(page_pa >> 12))) {
				fmt_snprintf(err, err_size, "SIPI to CPU %u (APIC ID %#x) not delivered",
					     i, smp_cpus[i].apic_id);
				return false;
			}
		}
		smp_delay_us(10);
	}
	return true;
}

/* An AP whose APIC ID is not in the table, or is one another AP already claimed, ran
 * the trampoline: the MADT, the APIC or CPUID lied about who is there. */
static bool sipi_check(unsigned n, char *err, size_t err_size)
{
	(void)n;
	uint32_t last, stray = smp_tramp_strays(&last);

	if (stray) {
		smp_fail_reason = BOOT_ERR_SMP_IDENTITY;
		fmt_snprintf(err, err_size, "%u CPU(s) not in the MADT, or with an APIC ID another CPU took, ran the "
			     "trampoline (last APIC ID %#x)",
			     stray, last);
		return false;
	}
	return true;
}

const struct smp_method smp_method_sipi = {
	.name = "INIT-SIPI-SIPI",
	.prepare = sipi_prepare,
	.start = sipi_start,
	.check = sipi_check,
};
