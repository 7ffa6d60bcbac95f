// SPDX-License-Identifier: MIT
/*
 * Memory setup: a page allocator over the RAM of the memory map that never hands
 * out the stub image, start_info and what it points to, or the modules; then
 * identity page tables for all of it, which replace the 0-4 GiB early tables.
 *
 * What the final tables map (docs/abi.md §1, "Page tables"):
 *  - RAM, ACPI and NVS entries: cached, writable, no-execute; private under SEV;
 *  - reserved entries: uncached, writable, no-execute, private (firmware data,
 *    Xen's special pages); unusable, disabled and unknown types: nothing;
 *  - holes of the map: nothing; a payload maps what it needs. Shared (C-bit
 *    clear) are only the GHCB page (boot/sev.c) and the xAPIC page smp_init maps;
 *  - the image by segment (link.ld): text read-only and executable, rodata
 *    read-only, data and bss writable; NX wherever not executable, when CPUID
 *    offers NX; CR0.WP makes read-only hold for cocoboot itself;
 *  - the low 1 MiB writable and executable (trampolines, real-mode payloads).
 */
#include "boot/memory.h"

#include "arch/x86/cpu.h"
#include "boot/boot.h"
#include "boot/sev.h"
#include "lib/console.h"
#include "lib/string.h"
#include "smp/smp.h"
#include "snp/snp.h"

extern const uint8_t __image_start[], __image_end[];
extern const uint8_t __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern const uint8_t __data_start[], __data_end[];

struct pmm boot_pmm;
struct pt_ctx boot_pt;

#define FOUR_GIB (4ull << 30)
#define LOW_MEM_END 0x100000ull

static uint64_t pt_alloc_page(void *opaque)
{
	(void)opaque;
	/* Below 4 GiB: reachable through the early tables while we build. */
	uint64_t pa = pmm_alloc(&boot_pmm, 1, PMM_PAGE_SIZE, FOUR_GIB);

	if (pa)
		memset((void *)(uintptr_t)pa, 0, PMM_PAGE_SIZE);
	return pa;
}

void *mem_phys_to_ptr(void *opaque, uint64_t pa)
{
	(void)opaque;
	return (void *)(uintptr_t)pa;
}

static void reserve_start_info(const struct pvh_info *info)
{
	pmm_reserve(&boot_pmm, 0, PMM_PAGE_SIZE, "page 0");
	pmm_reserve(&boot_pmm, (uintptr_t)__image_start, (uintptr_t)__image_end - (uintptr_t)__image_start,
		    "cocoboot image");
	pmm_reserve(&boot_pmm, info->start_info_paddr, sizeof(struct hvm_start_info), "start_info");
	if (info->memmap_entries)
		pmm_reserve(&boot_pmm, info->memmap_paddr,
			    info->memmap_entries * sizeof(struct hvm_memmap_table_entry), "memmap");
	if (info->cmdline_paddr)
		pmm_reserve(&boot_pmm, info->cmdline_paddr, info->cmdline_len + 1, "cmdline");
	if (info->nr_modules)
		pmm_reserve(&boot_pmm, info->modlist_paddr,
			    info->nr_modules * sizeof(struct hvm_modlist_entry), "modlist");
	for (uint32_t i = 0; i < info->nr_modules; i++) {
		const struct pvh_module *m = &info->modules[i];

		pmm_reserve(&boot_pmm, m->paddr, m->size, "module");
		if (m->cmdline_paddr)
			pmm_reserve(&boot_pmm, m->cmdline_paddr, PVH_MOD_CMDLINE_MAX, "module cmdline");
	}
	/* Low memory stays free of allocations: AP trampolines and payloads
	 * that want it (real-mode code) get it. */
	pmm_reserve(&boot_pmm, 0, LOW_MEM_END, "low 1 MiB");
}

bool mem_map(uint64_t base, uint64_t len, unsigned opts)
{
	uint64_t start = base & ~(PT_SIZE_4K - 1);
	uint64_t end = (base + len + PT_SIZE_4K - 1) & ~(PT_SIZE_4K - 1);
	enum pt_error e = pt_map(&boot_pt, start, start, end - start, opts);

	if (e != PT_OK)
		log_err("cocoboot: paging: map [%#llx-%#llx): %s\n", (unsigned long long)start,
			(unsigned long long)end, pt_strerror(e));
	return e == PT_OK;
}

bool mem_unmap_page(uint64_t pa)
{
	uint64_t va = pa & ~(PT_SIZE_4K - 1);

	if (!pt_unmap_page(&boot_pt, va))
		return false;
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
	return true;
}

static void build_page_tables(const struct pvh_info *info)
{
	boot_pt = (struct pt_ctx){
		.allow_1g = cpu_features.page1gb,
		.enc_mask = sev_enc_mask(),
		.nx_ok = cpu_features.nx,
		.alloc_page = pt_alloc_page,
		.phys_to_ptr = mem_phys_to_ptr,
	};
	if (pt_init(&boot_pt) != PT_OK)
		boot_fatal(BOOT_ERR_PAGING, "paging: no memory for the root table");
	/* The memory the map says exists, at any address; nothing else. */
	bool ok = true;
	for (uint32_t i = 0; ok && i < info->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &info->memmap[i];

		if (e->type == XEN_HVM_MEMMAP_TYPE_RAM || e->type == XEN_HVM_MEMMAP_TYPE_ACPI ||
		    e->type == XEN_HVM_MEMMAP_TYPE_NVS)
			ok = mem_map(e->addr, e->size, PT_WRITE);
		else if (e->type == XEN_HVM_MEMMAP_TYPE_RESERVED)
			ok = mem_map(e->addr, e->size, PT_WRITE | PT_UNCACHED);
	}
	/* Code may run from low memory (trampolines) and from the image's text. */
	ok = ok && mem_map(0, LOW_MEM_END, PT_WRITE | PT_EXEC);
	ok = ok && mem_map((uintptr_t)__text_start, (uintptr_t)__text_end - (uintptr_t)__text_start,
			   PT_EXEC);
	ok = ok && mem_map((uintptr_t)__rodata_start,
			   (uintptr_t)__rodata_end - (uintptr_t)__rodata_start, 0);
	ok = ok && mem_map((uintptr_t)__data_start, (uintptr_t)__data_end - (uintptr_t)__data_start,
			   PT_WRITE);
	if (!ok)
		boot_fatal(BOOT_ERR_PAGING, "paging: cannot build the identity map");
	sev_map_shared(&boot_pt);
	if (cpu_features.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr3(boot_pt.root);
	write_cr0(read_cr0() | CR0_WP); /* read-only pages hold for cocoboot too */
}

/* Write and read back the highest page the allocator still has free: proves
 * the new tables reach the top of RAM (above 4 GiB too) and that it is RAM.
 * Only a free page may be touched: allocated ones hold the page tables. */
static void check_top_of_ram(void)
{
	uint64_t page = 0;

	for (unsigned i = 0; i < boot_pmm.nr_free; i++)
		if (boot_pmm.free[i].end - PMM_PAGE_SIZE > page)
			page = boot_pmm.free[i].end - PMM_PAGE_SIZE;
	if (!page)
		boot_fatal(BOOT_ERR_MEMORY, "memory: no free page left after building page tables");
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)page;
	uint64_t pattern = 0x636f636f626f6f74ull ^ page;

	*p = pattern;
	if (*p != pattern)
		boot_fatal(BOOT_ERR_MEMORY, "memory: page %#llx does not keep what is written",
			   (unsigned long long)page);
	log_info("cocoboot: memory: highest free page %#llx is mapped and writable\n",
		 (unsigned long long)page);
}

/*
 * SNP: RAM that is not launch memory is not validated yet, and the allocator may hand out
 * only validated RAM. The boot CPU validates the RAM below early_end first (what the boot
 * allocates from before the APs run: page tables, per-CPU areas, VMSAs); the rest is
 * validated by every CPU up in parallel once the APs run (mem_init_late, docs/abi.md
 * §10.3 step 5) and only then given to the allocator.
 */
#define SNP_EARLY_END   (64ull << 20)  /* the boot CPU's part ... */
#define SNP_EARLY_MIN   (32ull << 20)  /* ... if it holds this much RAM, else all below 4 GiB */
static uint64_t early_end = ~0ull;     /* RAM the allocator has: [0, early_end) */

static uint64_t ram_below(const struct pvh_info *info, uint64_t end)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < info->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &info->memmap[i];

		if (e->type == XEN_HVM_MEMMAP_TYPE_RAM && e->addr < end)
			n += (e->size < end - e->addr ? e->size : end - e->addr);
	}
	return n;
}

/* RAM entries, the part in [lo, hi), to the allocator. */
static void add_ram(const struct pvh_info *info, uint64_t lo, uint64_t hi)
{
	for (uint32_t i = 0; i < info->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &info->memmap[i];
		uint64_t b = e->addr, end = e->addr + e->size;

		if (e->type != XEN_HVM_MEMMAP_TYPE_RAM)
			continue;
		b = b > lo ? b : lo;
		end = end < hi ? end : hi;
		if (b < end)
			pmm_add_ram(&boot_pmm, b, end - b);
	}
}

static void mem_report(void)
{
	log_info("cocoboot: memory: %llu KiB free for allocation, %u page-table pages, %s pages, NX %s\n",
		 (unsigned long long)(pmm_free_bytes(&boot_pmm) >> 10), boot_pt.tables,
		 boot_pt.allow_1g ? "1 GiB" : "2 MiB", boot_pt.nx_ok ? "on" : "off (not offered by CPUID)");
	check_top_of_ram();
}

void mem_init(const struct pvh_info *info)
{
	if (info->memmap_entries == 0)
		boot_fatal(BOOT_ERR_MEMORY,
			   "memory: start_info version %u has no memory map (memmap_entries=0); "
			   "XENMEM_memory_map is not supported yet", info->version);
	sev_check_memmap(info);
	if (sev_mode() == SEV_MODE_SNP) {
		early_end = ram_below(info, SNP_EARLY_END) >= SNP_EARLY_MIN ? SNP_EARLY_END : FOUR_GIB;
		snp_validate_ram(info, 0, early_end); /* the early tables map 0-4 GiB */
	}
	pmm_init(&boot_pmm);
	reserve_start_info(info);
	add_ram(info, 0, early_end);
	if (boot_pmm.overflow)
		log_warn("cocoboot: warning: memory map too fragmented: some RAM is left unused\n");
	build_page_tables(info);
	if (sev_mode() != SEV_MODE_SNP)
		mem_report();
}

void mem_init_late(const struct pvh_info *info)
{
	if (sev_mode() != SEV_MODE_SNP)
		return;
	snp_validate_ram_all_cpus(info, early_end, ~0ull);
	add_ram(info, early_end, ~0ull);
	early_end = ~0ull;
	if (boot_pmm.overflow)
		log_warn("cocoboot: warning: memory map too fragmented: some RAM is left unused\n");
	smp_release_aps(); /* no more work for them: they may halt */
	snp_print_stats();
	mem_report();
}
