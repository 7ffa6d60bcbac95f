// SPDX-License-Identifier: MIT
/*
 * SEV in the 64-bit boot, right after the IDT exists and before anything that
 * could raise #VC (CPUID, port I/O):
 *  1. verify the C-bit: the value the 32-bit entry stored with paging off must
 *     read back equal through the C-bit page tables (facts §9.4); a wrong C-bit
 *     reads ciphertext and the guest terminates;
 *  2. SEV-ES/SNP: the #VC handler, MSR protocol first (ghcb/sev_es.c);
 *  3. the BSP's GHCB page, mapped shared (C-bit clear) and zeroed; from then on
 *     the #VC core uses the GHCB page protocol (facts §3);
 *  4. Xen hypercalls go through the GHCB (VMMCALL NAE event, docs/abi.md).
 */
#include "boot/sev.h"

#include "arch/x86/cpu.h"
#include "arch/x86/power.h"
#include "ghcb/sev_es.h"
#include "lib/console.h"
#include "lib/string.h"
#include "sev/term.h"
#include "xen/hypercall.h"

extern volatile uint64_t sev_cbit_check;     /* boot/entry32.asm, own page */
extern uint64_t early_pml4[];                /* boot/entry32.asm */

/* The BSP's GHCB: one page of the image, shared with the hypervisor. */
static uint8_t ghcb_page[4096] __attribute__((aligned(4096)));
/* Table pages for splitting the early 1 GiB / 2 MiB mapping around the GHCB. */
static uint8_t early_pool[3][4096] __attribute__((aligned(4096)));
static unsigned early_pool_used;
static struct pt_ctx early_pt;

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

static void *identity(void *opaque, uint64_t pa)
{
	(void)opaque;
	return (void *)(uintptr_t)pa;
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

static void setup_ghcb(void)
{
	uint64_t pa = (uint64_t)(uintptr_t)ghcb_page;

	early_pt = (struct pt_ctx){
		.root = (uint64_t)(uintptr_t)early_pml4,
		.enc_mask = sev_enc_mask(),
		.alloc_page = early_alloc,
		.phys_to_ptr = identity,
		.allow_1g = true, /* only read back what entry32.asm built */
	};
	if (pt_map(&early_pt, pa, pa, 4096, PT_WRITE | PT_SHARED) != PT_OK)
		sev_es_fatal(CB_TERM_PAGING, "cannot map the GHCB shared");
	__asm__ volatile("invlpg (%0)" : : "r"(pa) : "memory");
	/* Zero it through the shared mapping: the hypervisor must read zeros. */
	memset(ghcb_page, 0, sizeof(ghcb_page));
	int err = sev_es_use_ghcb((volatile struct ghcb *)ghcb_page, pa, sev_mode() == SEV_MODE_SNP);

	if (err)
		sev_es_fatal((unsigned)err, "GHCB registration");
	sev_es_set_mmio_check(mmio_is_shared);
	xen_set_transport(&xen_transport_ghcb);
}

void sev_init(uint64_t cbit_check_copy)
{
	if (sev_mode() == SEV_MODE_NONE)
		return;
	if (sev_mode() >= SEV_MODE_ES)
		sev_es_init_early(sev_boot_info.version);
	if (sev_cbit_check != cbit_check_copy) {
		if (sev_mode() >= SEV_MODE_ES)
			sev_es_fatal(CB_TERM_CBIT_VERIFY, "C-bit verification");
		/* Plain SEV has no GHCB: no termination request, just stop. */
		power_off(POWER_FAILURE, CB_TERM_CBIT_VERIFY);
	}
	if (sev_mode() >= SEV_MODE_ES)
		setup_ghcb();
}

void sev_map_shared(struct pt_ctx *pt)
{
	uint64_t pa = (uint64_t)(uintptr_t)ghcb_page;

	if (sev_mode() < SEV_MODE_ES)
		return;
	if (pt_map(pt, pa, pa, 4096, PT_WRITE | PT_SHARED) != PT_OK)
		sev_es_fatal(CB_TERM_PAGING, "cannot map the GHCB shared");
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
	if (b->notes & SEV_NOTE_ES_WITHOUT_FLAG)
		log_info("cocoboot: sev: start_info lacks SIF_HVM_GHCB: SEV-ES found through SEV_STATUS\n");
	if (b->notes & SEV_NOTE_NO_RDRAND)
		log_warn("cocoboot: warning: sev: no RDRAND: the C-bit check value came from RDTSC\n");
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
