// SPDX-License-Identifier: MIT
/*
 * SEV in the 64-bit boot, right after the IDT exists and before anything that
 * could raise #VC (CPUID, port I/O). The C-bit was verified by the entry code
 * (boot/entry32.asm) right after paging came on.
 *  1. SEV-ES/SNP: the #VC handler, MSR protocol first (ghcb/sev_es.c);
 *  2. the BSP's GHCB page, mapped shared (C-bit clear) and zeroed; from then on
 *     the #VC core uses the GHCB page protocol (facts §3);
 *  3. Xen hypercalls go through the GHCB (VMMCALL NAE event, docs/abi.md).
 * Plain SEV has no #VC and no GHCB, but the hypervisor still cannot read
 * private memory: the same page, shared, bounces hypercall arguments.
 *
 * Caches: a page whose C-bit changes is flushed through its old mapping first
 * (CLFLUSH of every line), unless CPUID 0x8000001F EAX[10] says the caches are
 * coherent across encryption keys (facts §6.1). Otherwise dirty lines of the old
 * key can be written back later over what the new key stored. Linux does the same
 * (arch/x86/mm/mem_encrypt_amd.c prepare_pte_enc; the decompressor's
 * set_clr_page_flags). The GHCB page changes twice: private -> shared here, and
 * shared -> private at the handoff (sev_handoff_prepare); so do the pages of a module
 * passed in shared memory with a hashes table (payload/measured.c).
 */
#include "apic/savic.h"
#include "boot/sev.h"

#include "arch/x86/cpu.h"
#include "arch/x86/devices.h"
#include "arch/x86/power.h"
#include "boot/boot.h"
#include "boot/memory.h"
#include "ghcb/check.h"
#include "ghcb/sev_es.h"
#include "lib/console.h"
#include "lib/format.h"
#include "lib/string.h"
#include "sev/term.h"
#include "snp/snp.h"
#include "xen/bounce.h"
#include "xen/pvh.h"
#include "xen/hypercall.h"

extern uint64_t early_pml4[];                /* boot/entry32.asm */

/* The BSP's GHCB (plain SEV: the hypercall bounce page): one page of the
 * image, shared with the hypervisor. */
static uint8_t ghcb_page[4096] __attribute__((aligned(4096)));
/* Table pages for splitting the early 1 GiB / 2 MiB mapping around the GHCB. */
static uint8_t early_pool[3][4096] __attribute__((aligned(4096)));
static unsigned early_pool_used;
static struct pt_ctx early_pt;
/* CPUID 0x8000001F EAX[10], once read: until then assume incoherent caches. */
static bool cache_coherent;

void sev_flush_before_cbit_change(const void *va, uint64_t len)
{
	if (!cache_coherent)
		cpu_clflush_range(va, len);
}

uint64_t sev_enc_mask(void)
{
	return sev_mode() == SEV_MODE_NONE ? 0 : 1ull << sev_boot_info.cbit;
}

static uint64_t early_alloc(void *opaque)
{
	(void)opaque;
	if (early_pool_used == 3)
		return 0;
	memset(early_pool[early_pool_used], 0, 4096);
	return (uint64_t)(uintptr_t)early_pool[early_pool_used++];
}

/* MMIO emulation only for addresses the live tables map shared. */
static struct pt_ctx *live_pt = &early_pt;

static bool mmio_is_shared(uint64_t la, uint64_t n)
{
	uint64_t leaf;

	for (uint64_t a = la & ~0xfffull; a < la + n; a += 4096)
		if (!pt_translate(live_pt, a, NULL, &leaf, NULL) || (leaf & live_pt->enc_mask))
			return false;
	return true;
}

/* Map the page shared in the early tables and zero it through that mapping:
 * what the hypervisor reads there must be plaintext zeros. */
static void share_ghcb_page(void)
{
	uint64_t pa = (uint64_t)(uintptr_t)ghcb_page;

	early_pt = (struct pt_ctx){
		.root = (uint64_t)(uintptr_t)early_pml4,
		.enc_mask = sev_enc_mask(),
		.alloc_page = early_alloc,
		.phys_to_ptr = mem_phys_to_ptr,
		.allow_1g = true, /* only read back what entry32.asm built */
	};
	if (pt_map(&early_pt, pa, pa, 4096, PT_WRITE | PT_SHARED) != PT_OK) {
		if (sev_mode() >= SEV_MODE_ES)
			sev_es_fatal(CB_TERM_PAGING, "cannot map the GHCB shared");
		power_off(POWER_FAILURE, CB_TERM_PAGING);
	}
	__asm__ volatile("invlpg (%0)" : : "r"(pa) : "memory");
	memset(ghcb_page, 0, sizeof(ghcb_page));
}

/* The page was zeroed with the .bss (private): flush those lines before the
 * mapping turns shared. */
static void share_ghcb_page_flushed(void)
{
	sev_flush_before_cbit_change(ghcb_page, sizeof(ghcb_page));
	/* SNP: rescind the validation and make the page shared in the RMP first
	 * (facts §5.1 ordering), then the mapping follows. */
	if (sev_mode() == SEV_MODE_SNP)
		snp_page_share_early((uint64_t)(uintptr_t)ghcb_page);
	share_ghcb_page();
}

static long sev_vmmcall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			uint64_t a5)
{
	uint64_t args[5] = { a1, a2, a3, a4, a5 };

	xen_bounce_args(nr, args, ghcb_page, (uint64_t)(uintptr_t)ghcb_page, sizeof(ghcb_page));
	return xen_transport_vmmcall.call(nr, args[0], args[1], args[2], args[3], args[4]);
}

/* Plain SEV: VMMCALL with registers, pointer arguments bounced (no hypercall
 * page either: Xen would write it through its own, unencrypted view). */
static const struct xen_transport xen_transport_sev = {
	.name = "vmmcall+bounce", .call = sev_vmmcall, .private_memory = true
};

static void setup_ghcb(void)
{
	uint64_t pa = (uint64_t)(uintptr_t)ghcb_page;
	int err = sev_es_use_ghcb((volatile struct ghcb *)ghcb_page, pa, sev_mode() == SEV_MODE_SNP);

	if (err)
		sev_es_fatal((unsigned)err, "GHCB registration");
	sev_es_set_mmio_check(mmio_is_shared);
	xen_set_transport(&xen_transport_ghcb);
}

void sev_init(void)
{
	if (sev_mode() == SEV_MODE_NONE)
		return;
	if (sev_mode() >= SEV_MODE_ES)
		sev_es_init_early(sev_boot_info.version);
	else
		cpu_unroll_string_io = true; /* plain SEV: no #VC, OUTS is emulated */
	if (sev_mode() == SEV_MODE_SNP)
		snp_init_early();    /* feature policy, hypervisor features */
	share_ghcb_page_flushed();
	if (sev_mode() >= SEV_MODE_ES)
		setup_ghcb();
	else
		xen_set_transport(&xen_transport_sev);
	if (sev_mode() == SEV_MODE_SNP) {
		snp_init();          /* report refused features; CPUID and secrets pages */
		savic_boot_init(sev_boot_info.status); /* Secure AVIC (apic/savic_hw.c) */
	}
}

__attribute__((noreturn)) static void sev_fatal(unsigned code, const char *what)
{
	char line[160];
	int n;

	if (sev_mode() >= SEV_MODE_ES)
		sev_es_fatal(code, what);
	/* Plain SEV: these checks run before the consoles exist; port 0xE9 always
	 * works (byte by byte: cpu_unroll_string_io is set). */
	n = fmt_snprintf(line, sizeof(line), "cocoboot: FATAL: SEV: %s: %s (reason set %#x code %#x)\n",
			 what, cb_term_name(code) ? cb_term_name(code) : "?", CB_TERM_SET, code);
	if (n > 0)
		debugcon_console.write(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	power_off(POWER_FAILURE, code);
}

/*
 * Every CPUID leaf the boot relies on is hypervisor input (docs/abi.md §2, "CPUID").
 * Under SEV-ES/SNP each answer went through ghcb_check_cpuid in the #VC handler when
 * it was asked; plain SEV's CPUID reaches the hypervisor without #VC, so the same
 * checks run here on the answers the boot uses.
 */
static const struct { uint32_t leaf; const char *name; } used_leaves[] = {
	{ 0x0, "CPUID 0 (vendor, max leaf)" },
	{ 0x1, "CPUID 1 (hypervisor bit, PAE, MSR)" },
	{ 0x80000000u, "CPUID 0x80000000 (max extended leaf)" },
	{ 0x80000001u, "CPUID 0x80000001 (long mode, NX, 1 GiB pages)" },
	{ 0x8000001fu, "CPUID 0x8000001F (SEV, C-bit)" },
};

/* NX is the CPU's, not the hypervisor's: EFER.NXE is guest state the hypervisor
 * cannot refuse (SEV-ES: EFER writes trap after the fact). So ask the CPU, and a
 * CPUID that disagrees is a lie: a hypervisor must not be able to turn NX off. */
static void check_nx(void)
{
	uint64_t efer = rdmsr(MSR_EFER);

	wrmsr(MSR_EFER, efer | EFER_NXE);
	bool hw = (rdmsr(MSR_EFER) & EFER_NXE) != 0;

	if (!hw)
		wrmsr(MSR_EFER, efer);
	if (hw != (cpu_features.nx != 0))
		sev_fatal(CB_TERM_CPUID_GARBAGE, hw ? "CPUID 0x80000001 EDX[20] denies NX, EFER.NXE holds"
						    : "CPUID 0x80000001 EDX[20] claims NX, EFER.NXE does not hold");
	if (!hw)
		sev_boot_info.notes |= SEV_NOTE_NO_NX;
	if (!cpu_features.page1gb)
		sev_boot_info.notes |= SEV_NOTE_NO_1G;
}

void sev_check_cpuid(void)
{
	if (sev_mode() == SEV_MODE_NONE)
		return;
	if (sev_mode() == SEV_MODE_SEV) {
		for (unsigned i = 0; i < sizeof(used_leaves) / sizeof(used_leaves[0]); i++) {
			struct cpuid_regs q = cpuid(used_leaves[i].leaf);
			int err = ghcb_check_cpuid(used_leaves[i].leaf, 0, q.eax, q.ebx, q.ecx, q.edx);

			if (err)
				sev_fatal((unsigned)err, used_leaves[i].name);
		}
	}
	/* Under SEV-ES the 32-bit entry took the C-bit from the SEV information, under
	 * plain SEV from this leaf: either way the answer now must name the same bit. */
	if (cpu_features.max_ext_leaf < 0x8000001fu)
		sev_fatal(CB_TERM_NO_SEV, "CPUID 0x80000000 says leaf 0x8000001F does not exist");
	struct cpuid_regs r = cpuid(0x8000001fu);

	if (!(r.eax & (1u << 1)))
		sev_fatal(CB_TERM_NO_SEV, "CPUID 0x8000001F EAX bit 1 (SEV) is clear");
	if ((r.ebx & 0x3f) != sev_boot_info.cbit)
		sev_fatal(CB_TERM_CBIT_INCONSISTENT,
			  "CPUID 0x8000001F and the SEV information name different C-bits");
	cache_coherent = (r.eax >> 10) & 1;
	check_nx();
}

void sev_check_memmap(const struct pvh_info *info)
{
	if (sev_mode() == SEV_MODE_NONE)
		return;
	/* Memory at or above 2^C-bit cannot be mapped: its address has the C-bit
	 * set, so the hardware would read it as a private alias of low memory. */
	for (uint32_t i = 0; i < info->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &info->memmap[i];

		if (e->type != XEN_HVM_MEMMAP_TYPE_RAM && e->type != XEN_HVM_MEMMAP_TYPE_ACPI &&
		    e->type != XEN_HVM_MEMMAP_TYPE_NVS && e->type != XEN_HVM_MEMMAP_TYPE_RESERVED)
			continue;
		if (!ghcb_check_cbit_above(sev_boot_info.cbit, e->addr + e->size))
			continue;
		cprintf("cocoboot: FATAL: memory: memmap[%u] [%#llx-%#llx) type %u reaches 2^%u: "
			"the C-bit (bit %u) lies inside it (reason set %#x code %#x)\n", i,
			(unsigned long long)e->addr, (unsigned long long)(e->addr + e->size), e->type,
			sev_boot_info.cbit, sev_boot_info.cbit, CB_TERM_SET, CB_TERM_CBIT_RANGE);
		console_flush();
		power_off(POWER_FAILURE, CB_TERM_CBIT_RANGE);
	}
}

void sev_handoff_prepare(void)
{
	uint64_t pa = (uint64_t)(uintptr_t)ghcb_page;

	if (sev_mode() == SEV_MODE_NONE)
		return;
	/* Flushed through the shared mapping, then private again: the payload gets
	 * all of its RAM private and no stale shared line can land in it later. No
	 * #VC may happen from here on: the GHCB is gone. */
	/* SNP: a page the hypervisor took back since it was validated is found now, not by
	 * the payload (PVALIDATE must report "no change" on every other RAM page). */
	if (sev_mode() == SEV_MODE_SNP)
		snp_verify_ram(&boot_info, pa);
	sev_flush_before_cbit_change(ghcb_page, sizeof(ghcb_page));
	if (sev_mode() == SEV_MODE_SNP)
		snp_page_unshare_late(pa, true);   /* page state change to private */
	if (pt_map(live_pt, pa, pa, 4096, PT_WRITE) != PT_OK)
		power_off(POWER_FAILURE, CB_TERM_PAGING); /* still shared: the hook can report */
	__asm__ volatile("invlpg (%0)" : : "r"(pa) : "memory");
	if (sev_mode() == SEV_MODE_SNP)
		snp_page_unshare_late(pa, false);  /* PVALIDATE: a payload finds it validated */
}

void sev_share_pages(uint64_t pa, uint64_t len)
{
	if (sev_mode() == SEV_MODE_NONE)
		return;
	sev_flush_before_cbit_change((const void *)(uintptr_t)pa, len);
	if (sev_mode() == SEV_MODE_SNP)
		snp_make_range_shared(pa, len); /* rescind, page-state change to shared (§10.3) */
	if (!mem_map(pa, len, PT_WRITE | PT_SHARED))
		boot_fatal(BOOT_ERR_PAGING, "sev: cannot map [%#llx-%#llx) shared",
			   (unsigned long long)pa, (unsigned long long)(pa + len));
	write_cr3(read_cr3()); /* the old private translations must go */
	memset((void *)(uintptr_t)pa, 0, len);
}

void sev_unshare_pages(uint64_t pa, uint64_t len)
{
	if (sev_mode() == SEV_MODE_NONE)
		return;
	sev_flush_before_cbit_change((const void *)(uintptr_t)pa, len);
	if (!mem_map(pa, len, PT_WRITE))
		boot_fatal(BOOT_ERR_PAGING, "sev: cannot map [%#llx-%#llx) private",
			   (unsigned long long)pa, (unsigned long long)(pa + len));
	write_cr3(read_cr3());
	if (sev_mode() == SEV_MODE_SNP)
		snp_make_range_private(pa, len); /* page-state change to private, PVALIDATE */
	memset((void *)(uintptr_t)pa, 0, len);
}

void sev_map_shared(struct pt_ctx *pt)
{
	uint64_t pa = (uint64_t)(uintptr_t)ghcb_page;

	if (sev_mode() == SEV_MODE_NONE)
		return;
	if (pt_map(pt, pa, pa, 4096, PT_WRITE | PT_SHARED) != PT_OK) {
		if (sev_mode() >= SEV_MODE_ES)
			sev_es_fatal(CB_TERM_PAGING, "cannot map the GHCB shared");
		power_off(POWER_FAILURE, CB_TERM_PAGING);
	}
	live_pt = pt;
}

void sev_print_info(void)
{
	static const char *const names[] = { "none", "SEV", "SEV-ES", "SEV-SNP" };
	const struct sev_boot *b = &sev_boot_info;

	if (b->notes & SEV_NOTE_FLAG_WITHOUT_ES)
		log_warn("cocoboot: warning: start_info.flags has SIF_HVM_GHCB, but SEV_STATUS=%#llx "
			 "says this is no SEV-ES guest: booting without the GHCB\n",
			 (unsigned long long)b->status);
	if (b->mode == SEV_MODE_NONE) {
		log_debug("cocoboot: sev: not an SEV guest\n");
		return;
	}
	log_info("cocoboot: sev: %s guest, SEV_STATUS %#llx, C-bit %u (verified)\n", names[b->mode],
		 (unsigned long long)b->status, b->cbit);
	if (b->mode >= SEV_MODE_ES)
		log_info("cocoboot: sev: GHCB protocol version %u (hypervisor offers %u-%u), GHCB at %#llx\n",
			 b->version, b->hv_min, b->hv_max, (unsigned long long)(uintptr_t)ghcb_page);
	if (b->notes & SEV_NOTE_NO_NX)
		log_warn("cocoboot: warning: sev: no NX (CPUID and EFER agree): data stays executable\n");
	if (b->notes & SEV_NOTE_NO_1G)
		log_info("cocoboot: sev: CPUID offers no 1 GiB pages: 2 MiB pages (more page-table memory)\n");
	if (b->notes & SEV_NOTE_ES_WITHOUT_FLAG)
		log_info("cocoboot: sev: start_info lacks SIF_HVM_GHCB: SEV-ES found through SEV_STATUS\n");
}

void sev_print_stats(void)
{
	if (sev_mode() < SEV_MODE_ES)
		return;
	const struct vc_stats *s = &sev_es_bsp()->stats;

	/* Counted before this line is printed: its own VMGEXIT comes after. */
	log_info("cocoboot: sev: handled %u #VC (32-bit entry %u), %u VMGEXITs\n",
		 s->vc + sev_boot_info.vc_count, sev_boot_info.vc_count,
		 s->vmgexits + sev_boot_info.vmgexits);
}
