// SPDX-License-Identifier: MIT
/*
 * payload_boot(): select, validate, place, load and enter the payload
 * (docs/payloads.md). Order matters for "nothing half-loaded is ever jumped
 * to" and "never overwrite a module still needed":
 *   1. select the kernel/initrd/modules/cmdline and parse the kernel: every
 *      header check happens before any byte is written;
 *   2. choose the kernel's destination and check it is RAM that cocoboot
 *      does not use (its image, its page tables); reserve it;
 *   3. move every blob still needed (kernel file, initrd, modules) that lies
 *      in the destination, or breaks a placement rule, to fresh memory;
 *   4. copy the kernel, build boot_params or start_info;
 *   5. enter through payload/enter.asm with interrupts off.
 */
#include "payload/payload.h"

#include "arch/x86/pic.h"
#include "arch/x86/power.h"
#include "boot/boot.h"
#include "boot/memory.h"
#include "boot/sev.h"
#include "lib/console.h"
#include "lib/string.h"
#include "linux/boot_params.h"
#include "payload/bzimage.h"
#include "payload/elf.h"
#include "payload/linux.h"
#include "payload/memmap.h"
#include "payload/pvh_info.h"
#include "payload/select.h"
#include "smp/smp.h"
#include "xen/ap_bringup.h"
#include "payload/snp_handoff.h"
#include "snp/snp.h"
#include "xen/xen.h"

extern const uint8_t __image_start[], __image_end[];

#define FOUR_GIB     0x100000000ull
#define PAGE         4096ull
#define ISA_HOLE     0xa0000ull
#define ISA_HOLE_END 0x100000ull

static struct payload_sources src;
static struct payload_memmap mm;
static char cmdline_copy[PVH_CMDLINE_MAX];

static __attribute__((noreturn)) void fail(const struct payload_error *e)
{
	if (e->index >= 0)
		boot_fatal(BOOT_ERR_PAYLOAD, "payload: %s: %s[%d] = %#llx: %s", e->format, e->field,
			   e->index, (unsigned long long)e->value, e->reason);
	boot_fatal(BOOT_ERR_PAYLOAD, "payload: %s: %s = %#llx: %s", e->format, e->field,
		   (unsigned long long)e->value, e->reason);
}

static __attribute__((noreturn)) void fail_at(const char *format, const char *field, uint64_t value,
					      const char *reason)
{
	struct payload_error e = { format, field, -1, value, reason };
	fail(&e);
}

static bool overlaps(uint64_t a, uint64_t al, uint64_t b, uint64_t bl)
{
	return a < b + bl && b < a + al;
}

static uint64_t page_down(uint64_t x) { return x & ~(PAGE - 1); }
static uint64_t page_up(uint64_t x) { return (x + PAGE - 1) & ~(PAGE - 1); }

/*
 * Can the payload occupy [base, base+len)? It must be RAM, clear of page 0,
 * the cocoboot image and every page the allocator handed out (page tables).
 * Reserved ranges (modules, the loader's start_info) are fine: modules that
 * are still needed are moved away afterwards, start_info was copied.
 */
static const char *dest_problem(uint64_t base, uint64_t len)
{
	uint64_t img = (uintptr_t)__image_start, img_len = (uintptr_t)__image_end - img;
	if (!payload_memmap_is_ram(&mm, base, len))
		return "not RAM in the memory map";
	if (base < PAGE)
		return "overlaps page 0";
	if (overlaps(base, len, img, img_len))
		return "overlaps the cocoboot image";
	uint64_t cur = page_down(base), end = page_up(base + len);
	while (cur < end) {
		uint64_t next = cur;
		for (unsigned i = 0; i < boot_pmm.nr_free; i++)
			if (cur >= boot_pmm.free[i].base && cur < boot_pmm.free[i].end)
				next = boot_pmm.free[i].end;
		for (unsigned i = 0; i < boot_pmm.nr_reserved && next == cur; i++)
			if (cur >= boot_pmm.reserved[i].base && cur < boot_pmm.reserved[i].end)
				next = boot_pmm.reserved[i].end;
		if (next == cur)
			return "overlaps memory cocoboot allocated (page tables)";
		cur = next;
	}
	return NULL;
}

static uint64_t alloc_pages(uint64_t bytes, uint64_t limit, const char *what)
{
	uint64_t pa = pmm_alloc(&boot_pmm, page_up(bytes) / PAGE, PAGE, limit);
	if (!pa)
		fail_at("memory", what, bytes, "no free RAM for it below the address limit");
	return pa;
}

/* Move a blob out of [dbase, dbase+dlen) (and below limit, page aligned when
 * asked), so loading the kernel there cannot destroy it. */
static void keep_blob(struct payload_blob *b, const char *what, uint64_t dbase, uint64_t dlen,
		      uint64_t limit, bool want_aligned)
{
	bool in_way = overlaps(b->paddr, b->size, dbase, dlen);
	bool too_high = b->paddr + b->size > limit;
	bool misaligned = want_aligned && (b->paddr & (PAGE - 1));
	if (!b->size || (!in_way && !too_high && !misaligned))
		return;
	uint64_t to = alloc_pages(b->size, limit, what);
	log_info("cocoboot: payload: moving %s [%#llx-%#llx) to %#llx (%s)\n", what,
		 (unsigned long long)b->paddr, (unsigned long long)(b->paddr + b->size),
		 (unsigned long long)to,
		 in_way ? "in the kernel's way" : too_high ? "above the address limit" : "not page aligned");
	memmove((void *)(uintptr_t)to, (const void *)(uintptr_t)b->paddr, b->size);
	b->paddr = to;
}

/* Copy the command line into cocoboot's own memory: its source may be a
 * bundle member, inside a module the kernel will overwrite. */
static void copy_cmdline(void)
{
	if (src.cmdline_len >= sizeof cmdline_copy)
		fail_at("cmdline", "length", src.cmdline_len, "longer than 4095 bytes");
	memcpy(cmdline_copy, src.cmdline, src.cmdline_len);
	cmdline_copy[src.cmdline_len] = 0;
	src.cmdline = cmdline_copy;
}

/* The payload's command line as it will be passed: exactly cmdline_len bytes (a
 * bundle's is not NUL-terminated), escaped, whole. */
static void print_cmdline(const struct payload_sources *s)
{
	if (console_level() < LOG_INFO)
		return;
	cprintf("cocoboot: payload: cmdline (%s): '", payload_cmdline_source_name(s->cmdline_source));
	console_write_escaped(s->cmdline, s->cmdline_len);
	cprintf("'\n");
}

/* ---- Linux bzImage (facts §4) ------------------------------------------- */

/* Lowest address >= pref_address, aligned to kernel_alignment, where
 * init_size bytes of free RAM start (facts §4.6). */
static uint64_t choose_linux_load(const struct bzimage_plan *pl)
{
	uint64_t best = 0;
	for (unsigned i = 0; i < boot_pmm.nr_free; i++) {
		const struct pmm_range *r = &boot_pmm.free[i];
		uint64_t base = r->base > pl->pref_address ? r->base : pl->pref_address;
		base = (base + pl->kernel_alignment - 1) & ~(uint64_t)(pl->kernel_alignment - 1);
		if (base < r->end && r->end - base >= pl->init_size && (!best || base < best))
			best = base;
	}
	return best;
}

static __attribute__((noreturn)) void boot_linux(const struct pvh_info *info)
{
	struct bzimage_plan pl;
	struct payload_error err;
	const uint8_t *img = (const uint8_t *)(uintptr_t)src.kernel.paddr;
	if (bzimage_parse(img, src.kernel.size, &pl, &err))
		fail(&err);

	uint64_t load = choose_linux_load(&pl);
	if (!load)
		fail_at("bzImage", "setup_header.init_size", pl.init_size,
			"no free RAM block this large at or above pref_address");
	const char *why = dest_problem(load, pl.init_size);
	if (why)
		fail_at("bzImage", "load address", load, why);
	pmm_reserve(&boot_pmm, load, pl.init_size, "payload kernel");

	/* The initrd must stay clear of [load, load+init_size), end at or below
	 * initrd_addr_max (unless XLF_CAN_BE_LOADED_ABOVE_4G) and start on a page
	 * (facts §4.7; Linux frees it by whole pages). */
	uint64_t initrd_limit = pl.above_4g ? FOUR_GIB : (uint64_t)pl.initrd_addr_max + 1;
	if (initrd_limit > FOUR_GIB)
		initrd_limit = FOUR_GIB;
	if (src.has_initrd)
		keep_blob(&src.initrd, "initrd", load, pl.init_size, initrd_limit, true);
	keep_blob(&src.kernel, "kernel file", load, pl.init_size, ~0ull, false);
	img = (const uint8_t *)(uintptr_t)src.kernel.paddr;

	/* E820: the PVH map plus the legacy ISA hole, as Linux's PVH code adds
	 * it (facts §5 "(append)", §4.5 "ISA hole"). */
	if (payload_memmap_set(&mm, ISA_HOLE, ISA_HOLE_END - ISA_HOLE, XEN_HVM_MEMMAP_TYPE_RESERVED, &err))
		fail(&err);

	/* SNP: the CPUID and secrets pages stay intact and are kept from Linux's allocator
	 * (docs/abi.md §10). */
	uint64_t cc_pa = 0;
	if (sev_mode() == SEV_MODE_SNP) {
		/* the CC blob's page is reserved too: Linux reserves only the setup_data node */
		cc_pa = alloc_pages(PAGE, FOUR_GIB, "cc_blob");
		if (snp_handoff_memmap(&mm, (uintptr_t)cocoboot_snp_cpuid_page,
				       (uintptr_t)cocoboot_snp_secrets_page, &err) ||
		    payload_memmap_set(&mm, cc_pa, PAGE, XEN_HVM_MEMMAP_TYPE_RESERVED, &err))
			fail(&err);
	}

	uint64_t bp_pa = alloc_pages(sizeof(struct boot_params), FOUR_GIB, "boot_params");
	uint64_t cl_pa = alloc_pages(src.cmdline_len + 1, FOUR_GIB, "command line");
	uint64_t stack = alloc_pages(PAGE, FOUR_GIB, "entry stack");
	memcpy((void *)(uintptr_t)cl_pa, src.cmdline, src.cmdline_len + 1);

	struct linux_boot_args a = {
		.image = img,
		.plan = &pl,
		.load_addr = load,
		.cmdline_paddr = cl_pa,
		.cmdline_len = src.cmdline_len,
		.initrd_paddr = src.has_initrd ? src.initrd.paddr : 0,
		.initrd_size = src.has_initrd ? src.initrd.size : 0,
		.rsdp_paddr = info->rsdp_paddr,
		.memmap = &mm,
	};
	struct boot_params *bp = (struct boot_params *)(uintptr_t)bp_pa;
	if (linux_fill_boot_params(bp, &a, &err))
		fail(&err);
	/* SNP: the CC blob, so Linux takes its SNP boot path (facts §10). */
	if (cc_pa) {
		memset((void *)(uintptr_t)cc_pa, 0, PAGE);
		if (snp_handoff_cc_blob(bp, (void *)(uintptr_t)cc_pa, cc_pa,
					(uintptr_t)cocoboot_snp_cpuid_page,
					(uintptr_t)cocoboot_snp_secrets_page, &err))
			fail(&err);
		log_info("cocoboot: payload: SNP: setup_data SETUP_CC_BLOB at %#llx (CPUID page "
			 "%#llx, secrets page %#llx)\n", (unsigned long long)cc_pa,
			 (unsigned long long)(uintptr_t)cocoboot_snp_cpuid_page,
			 (unsigned long long)(uintptr_t)cocoboot_snp_secrets_page);
	}

	/* The kernel runs from [load, load+init_size) on our identity map
	 * (facts §4.9): RAM is mapped no-execute until now. */
	if (!mem_map(load, pl.init_size, PT_WRITE | PT_EXEC))
		fail_at("bzImage", "load address", load, "cannot map it executable");

	/* Everything checked: now load. */
	memmove((void *)(uintptr_t)load, img + pl.pm_offset, pl.pm_size);
	log_info("cocoboot: payload: Linux bzImage protocol %u.%02u at %#llx (init_size %#x), "
		 "entry %#llx\n", pl.version >> 8, pl.version & 0xff, (unsigned long long)load,
		 pl.init_size, (unsigned long long)(load + BOOT_ENTRY64_OFFSET));
	log_info("cocoboot: payload: boot_params %#llx, %u e820 entries, initrd %#llx+%#llx, "
		 "rsdp %#llx\n", (unsigned long long)bp_pa, bp->e820_entries,
		 (unsigned long long)a.initrd_paddr, (unsigned long long)a.initrd_size,
		 (unsigned long long)a.rsdp_paddr);
	print_cmdline(&src);
	log_info("cocoboot: handing off to Linux (64-bit boot protocol)\n");
	console_sync();
	/* The machine state Linux's setup code would have left (facts §4.9 asks
	 * only IF=0): both legacy PICs masked. Everywhere, Xen included: a PVH
	 * domain has no PIC and Xen ignores the two writes (arch/x86/pic.c).
	 * Port I/O: before the GHCB page turns private again. */
	pic_mask_all();
	sev_handoff_prepare();
	payload_enter_linux64(load + BOOT_ENTRY64_OFFSET, bp_pa, stack + PAGE);
}

/* ---- PVH ELF (facts §1) -------------------------------------------------- */

static __attribute__((noreturn)) void boot_pvh(const struct pvh_info *info)
{
	static struct elf_plan pl;
	static struct payload_blob mods[PAYLOAD_MAX_MODULES];
	struct payload_error err;
	const uint8_t *img = (const uint8_t *)(uintptr_t)src.kernel.paddr;
	if (elf_parse(img, src.kernel.size, &pl, &err))
		fail(&err);

	/* PVH images load at p_paddr (facts §1.1 "Load addresses"); no relocation:
	 * the domU builder ignores PHYS32_RELOC too (§0 item 4). */
	uint64_t dbase = page_down(pl.kstart), dlen = page_up(pl.kend) - dbase;
	for (unsigned i = 0; i < pl.nseg; i++) {
		const char *why = dest_problem(pl.seg[i].paddr, pl.seg[i].mem_size);
		if (why)
			fail_at("ELF", "p_paddr", pl.seg[i].paddr, why);
	}
	for (unsigned i = 0; i < pl.nseg; i++)
		pmm_reserve(&boot_pmm, pl.seg[i].paddr, pl.seg[i].mem_size, "payload kernel");

	/* Modules for the payload: the initrd first (Linux's PVH code takes
	 * modlist[0] as its initrd: facts §5), then the remaining modules. */
	unsigned n = 0;
	if (src.has_initrd)
		mods[n++] = src.initrd;
	for (unsigned i = 0; i < src.nr_extra && n < PAYLOAD_MAX_MODULES; i++)
		mods[n++] = src.extra[i];
	for (unsigned i = 0; i < n; i++)
		keep_blob(&mods[i], "module", dbase, dlen, FOUR_GIB, true);
	keep_blob(&src.kernel, "kernel file", dbase, dlen, ~0ull, false);
	img = (const uint8_t *)(uintptr_t)src.kernel.paddr;

	if (sev_mode() == SEV_MODE_SNP &&
	    snp_handoff_memmap(&mm, (uintptr_t)cocoboot_snp_cpuid_page,
			       (uintptr_t)cocoboot_snp_secrets_page, &err))
		fail(&err);

	struct pvh_info_args a = {
		.flags = info->flags,
		.rsdp_paddr = info->rsdp_paddr,
		.cmdline = src.cmdline,
		.cmdline_len = src.cmdline_len,
		.nr_modules = n,
		.modules = mods,
		.memmap = &mm,
	};
	size_t si_size = pvh_info_size(&a);
	uint64_t si_pa = alloc_pages(si_size, FOUR_GIB, "start_info");
	if (pvh_info_build((uint8_t *)(uintptr_t)si_pa, si_pa, page_up(si_size), &a, &err))
		fail(&err);

	/* Everything checked: now load. Sources lie outside every segment. */
	for (unsigned i = 0; i < pl.nseg; i++) {
		const struct elf_seg *s = &pl.seg[i];
		uint8_t *dst = (uint8_t *)(uintptr_t)s->paddr;
		memmove(dst, img + s->file_off, s->file_size);
		memset(dst + s->file_size, 0, s->mem_size - s->file_size);
	}
	log_info("cocoboot: payload: PVH ELF%u, %u segments [%#llx-%#llx), entry %#x%s\n",
		 pl.elf_class == 2 ? 64 : 32, pl.nseg, (unsigned long long)pl.kstart,
		 (unsigned long long)pl.kend, pl.entry,
		 pl.note_from_sections ? " (note from SHT_NOTE)" : "");
	log_info("cocoboot: payload: start_info %#llx, %u modules, %u memmap entries, rsdp %#llx\n",
		 (unsigned long long)si_pa, n, mm.n, (unsigned long long)info->rsdp_paddr);
	print_cmdline(&src);
	log_info("cocoboot: handing off to the PVH entry (32-bit protected mode, paging off)\n");
	console_sync();
	sev_handoff_prepare();
	payload_enter_pvh32(pl.entry, (uint32_t)si_pa);
}

void payload_boot(const struct pvh_info *info, const struct boot_options *bo)
{
	struct payload_error err;
	if (info->nr_modules == 0)
		return;
	if (payload_select(info, bo->payload_cmdline, bo->payload_cmdline_len, &src, &err))
		fail(&err);
	copy_cmdline();
	if (payload_memmap_init(&mm, info->memmap, info->memmap_entries, &err))
		fail(&err);
	/* APs parked in the SEV-ES AP area run from it until the payload wakes them
	 * (docs/abi.md §11, docs/payloads.md "APs at hand-off"): not RAM for the payload. */
	uint64_t ap_base, ap_len;
	if (smp_es_area(&ap_base, &ap_len) &&
	    payload_memmap_set(&mm, ap_base, ap_len, XEN_HVM_MEMMAP_TYPE_RESERVED, &err))
		fail(&err);
	/* The Xen AP bring-up region is cocoboot's to know (docs/abi.md §8.2): a payload
	 * gets it as plain reserved memory, an E820 type it knows. */
	for (uint32_t i = 0; i < info->memmap_entries; i++)
		if (info->memmap[i].type == XEN_HVM_MEMMAP_TYPE_AP_BRINGUP &&
		    payload_memmap_set(&mm, info->memmap[i].addr, info->memmap[i].size,
				       XEN_HVM_MEMMAP_TYPE_RESERVED, &err))
			fail(&err);
	log_info("cocoboot: payload: %s module 0: kernel %#llx+%#llx, initrd %#llx+%#llx, "
		 "%u more modules\n", src.bundle ? "bundle" : "kernel",
		 (unsigned long long)src.kernel.paddr, (unsigned long long)src.kernel.size,
		 (unsigned long long)(src.has_initrd ? src.initrd.paddr : 0),
		 (unsigned long long)(src.has_initrd ? src.initrd.size : 0), src.nr_extra);

	const uint8_t *k = (const uint8_t *)(uintptr_t)src.kernel.paddr;
	if (elf_is_elf(k, src.kernel.size))
		boot_pvh(info);
	if (bzimage_is_bzimage(k, src.kernel.size))
		boot_linux(info);
	uint32_t magic = 0;
	for (unsigned i = 0; i < 4 && i < src.kernel.size; i++)
		magic |= (uint32_t)k[i] << (8 * i);
	fail_at("module", "kernel first bytes", magic,
		"neither a PVH ELF (\\x7fELF) nor a bzImage (0xAA55 and HdrS) nor a bundle (070701)");
}
