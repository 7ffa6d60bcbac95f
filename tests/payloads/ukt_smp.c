// SPDX-License-Identifier: MIT
/*
 * Test unikernel: wake the APs cocoboot left parked, the way Linux would, and check each
 * arrives in the state docs/payloads.md "APs at hand-off" promises (ukt.aps=N: N APs).
 *
 *  - no SEV-ES: the APs wait for a Startup IPI; ukt copies its real-mode code
 *    (ukt_ap.asm) to a free page below 1 MiB and sends INIT, SIPI, SIPI (vector = that
 *    page) to all but itself through the APIC (xAPIC page, or the x2APIC ICR when
 *    IA32_APIC_BASE.EXTD is set), as Linux's wakeup_secondary_cpu_via_init does;
 *  - SEV-ES: the APs wait in cocoboot's AP reset hold. ukt turns paging on (compatibility
 *    mode: its identity map with the C-bit, its GHCB page shared), asks for the AP jump
 *    table (NAE 0x8000_0005 GET), writes its code's {IP, CS} at its offset 0 (Linux
 *    sev_es_setup_ap_jump_table), then INIT, SIPI, SIPI through the xAPIC page, each
 *    write a GHCB MMIO event (what a #VC handler makes of a write to the page). The SIPI
 *    completes the hold; the AP far-jumps through the table into ukt's code.
 * Claims: exactly N APs arrive, each once, with an APIC ID of its own other than the BSP's,
 * in real mode (CR0.PE = PG = 0, EFER.LME = 0) at ukt's segment; under SEV-ES the jump
 * table lies in a reserved memory-map entry and no AP ran ukt's code before the wake-up.
 * Under SEV-ES the GHCB also gives ukt a console: port 0xE9 through the IOIO event.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/start_info.h"

void ukt_claim(bool ok, const char *what, const char *detail, uint64_t val);
void ukt_console(void (*out)(char));
void ukt_smp(const struct hvm_start_info *si, uint32_t aps, bool sev_es);

extern const uint8_t ukt_ap_start[], ukt_ap_end[], ukt_ap_es[], ukt_ap_arrived[], ukt_ap_recs[];
extern const uint8_t ukt_image_start[], ukt_image_end[];

#define MSR_GHCB       0xc0010130u
#define MSR_EFER       0xc0000080u
#define MSR_APIC_BASE  0x1bu
#define MSR_X2APIC_ICR 0x830u
#define APIC_ICR_LO    0xfee00300u
#define APIC_ICR_HI    0xfee00310u
#define ICR_INIT_ALL_BUT_SELF 0x000c4500u /* INIT, level assert, all excluding self */
#define ICR_SIPI_ALL_BUT_SELF 0x000c4600u /* | vector */
#define SPINS 20000000u

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline void vmgexit(void)
{
	__asm__ volatile("rep; vmmcall" : : : "memory");
}

/* GHCB MSR protocol request (facts §2); the response */
static uint64_t msr_proto(uint64_t req)
{
	wrmsr(MSR_GHCB, req);
	vmgexit();
	return rdmsr(MSR_GHCB);
}

/* ---- SEV-ES: paging with a shared GHCB page (compatibility mode) ---- */
static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint64_t pt[512] __attribute__((aligned(4096)));
static volatile uint8_t ghcb[4096] __attribute__((aligned(4096)));
static uint64_t cbit;

static bool paging_on(void)
{
	uint64_t r = msr_proto(0x004u | (1ull << 30) | (0x8000001full << 32)); /* EBX */
	uint32_t gpa = (uint32_t)(uintptr_t)ghcb;

	if ((r & 0xfff) != 0x005 || (r >> 32 & 0x3f) < 32 || (r >> 32 & 0x3f) > 51) {
		ukt_claim(false, "SEV-ES: CPUID 0x8000001F gives a C-bit in 32..51", "answer=", r);
		return false;
	}
	cbit = 1ull << (r >> 32 & 0x3f);
	pml4[0] = (uintptr_t)pdpt | 3 | cbit;
	for (unsigned i = 0; i < 4; i++) {
		pdpt[i] = (uintptr_t)pd[i] | 3 | cbit;
		for (unsigned j = 0; j < 512; j++)
			pd[i][j] = ((uint64_t)(i * 512 + j) << 21) | 0x83 | cbit;
	}
	for (unsigned j = 0; j < 512; j++)
		pt[j] = ((uint64_t)(gpa & ~0x1fffffu) + ((uint64_t)j << 12)) | 3 |
			((gpa >> 12 & 511) == j ? 0 : cbit);
	pd[0][gpa >> 21] = (uintptr_t)pt | 3 | cbit;
	/* PAE, CR3 (32 bits: the C-bit lies above), EFER.LME, PG: compatibility mode */
	__asm__ volatile("mov %%cr4, %%eax; or $0x20, %%eax; mov %%eax, %%cr4; mov %0, %%cr3"
			 : : "r"((uint32_t)(uintptr_t)pml4) : "eax", "memory");
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | (1u << 8));
	__asm__ volatile("mov %%cr0, %%eax; or $0x80000000, %%eax; mov %%eax, %%cr0" : : : "eax", "memory");
	for (unsigned i = 0; i < 4096; i++)
		ghcb[i] = 0;
	return true;
}

static void valid(unsigned bit)
{
	ghcb[0x3f0 + bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void put64(unsigned off, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		ghcb[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(unsigned off)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)ghcb[off + i] << (8 * i);
	return v;
}

/* One NAE event (GHCB spec 2.0: sw_exit_code 0x390, info 0x398/0x3a0, scratch 0x3a8,
 * valid bitmap 0x3f0, version 0xffa); true when sw_exit_info_1 says success. */
static bool ghcb_call(uint64_t code, uint64_t info1, uint64_t info2)
{
	put64(0x390, code);
	put64(0x398, info1);
	put64(0x3a0, info2);
	valid(0x390 / 8);
	valid(0x398 / 8);
	valid(0x3a0 / 8);
	ghcb[0xffa] = 2;
	ghcb[0xffb] = 0;
	wrmsr(MSR_GHCB, (uint32_t)(uintptr_t)ghcb);
	vmgexit();
	bool ok = (uint32_t)get64(0x398) == 0;
	for (unsigned i = 0x3f0; i < 0x400; i++)
		ghcb[i] = 0;
	return ok;
}

/* console: one IOIO event (OUT 8 bits to port 0xE9, RAX) per byte */
static void ghcb_putc(char c)
{
	put64(0x1f8, (uint8_t)c);
	valid(0x1f8 / 8);
	ghcb_call(0x7b, (0xe9u << 16) | (1u << 4), 0);
}

/* a 32-bit write to the xAPIC page: the GHCB MMIO write event (data in the shared buffer) */
static bool ghcb_mmio_write32(uint32_t gpa, uint32_t val)
{
	uint32_t buf = (uint32_t)(uintptr_t)ghcb + 0x800;

	put64(0x800, val);
	put64(0x3a8, buf);
	valid(0x3a8 / 8);
	return ghcb_call(0x80000002u, gpa, 4);
}

/* ---- the wake-up ---- */
static bool sev_es_mode;

static bool icr(uint32_t lo)
{
	if (sev_es_mode)
		return ghcb_mmio_write32(APIC_ICR_HI, 0) && ghcb_mmio_write32(APIC_ICR_LO, lo);
	if (rdmsr(MSR_APIC_BASE) & (1u << 10)) {
		wrmsr(MSR_X2APIC_ICR, lo);
		return true;
	}
	*(volatile uint32_t *)APIC_ICR_HI = 0;
	*(volatile uint32_t *)APIC_ICR_LO = lo;
	return true;
}

static bool overlaps(uint64_t a, uint64_t al, uint64_t b, uint64_t bl)
{
	return a < b + bl && b < a + al;
}

/* The highest RAM page below 0x9C000 (cocoboot's SEV-ES AP area) that nothing in
 * start_info uses and that is not the ukt image; 0: none. */
static uint32_t low_page(const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *mm = (const void *)(uintptr_t)si->memmap_paddr;
	const struct hvm_modlist_entry *ml = (const void *)(uintptr_t)si->modlist_paddr;

	for (uint32_t p = 0x9b000; p >= 0x1000; p -= 0x1000) {
		bool ram = false, used = false;

		for (uint32_t i = 0; i < si->memmap_entries; i++) {
			if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RAM && mm[i].addr <= p &&
			    mm[i].addr + mm[i].size >= p + 0x1000ull)
				ram = true;
		}
		used = overlaps(p, 0x1000, (uintptr_t)si, sizeof(*si)) ||
		       overlaps(p, 0x1000, si->memmap_paddr, si->memmap_entries * sizeof(*mm)) ||
		       overlaps(p, 0x1000, si->modlist_paddr, si->nr_modules * sizeof(*ml)) ||
		       overlaps(p, 0x1000, si->cmdline_paddr, 4096) ||
		       overlaps(p, 0x1000, si->rsdp_paddr, 36);
		for (uint32_t i = 0; i < si->nr_modules; i++)
			used = used || overlaps(p, 0x1000, ml[i].paddr, ml[i].size) ||
			       overlaps(p, 0x1000, ml[i].cmdline_paddr, 4096);
		if (ram && !used)
			return p;
	}
	return 0;
}

static bool in_reserved(const struct hvm_start_info *si, uint64_t a, uint64_t len)
{
	const struct hvm_memmap_table_entry *mm = (const void *)(uintptr_t)si->memmap_paddr;

	for (uint32_t i = 0; i < si->memmap_entries; i++)
		if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RESERVED && a >= mm[i].addr &&
		    a + len <= mm[i].addr + mm[i].size)
			return true;
	return false;
}

static uint32_t bsp_apic_id(void)
{
	uint32_t a, b, c, d;

	if (sev_es_mode) {
		uint64_t r = msr_proto(0x004u | (3ull << 30) | (0xbull << 32));
		if (r >> 32)
			return (uint32_t)(r >> 32);
		return (uint32_t)(msr_proto(0x004u | (1ull << 30) | (1ull << 32)) >> 56);
	}
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
	if (a >= 0xb) {
		__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0xb), "c"(0));
		if (b)
			return d;
	}
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	return b >> 24;
}

void ukt_smp(const struct hvm_start_info *si, uint32_t aps, bool sev_es)
{
	uint32_t page = low_page(si), n = (uint32_t)(ukt_ap_end - ukt_ap_start);
	volatile uint8_t *code = (volatile uint8_t *)(uintptr_t)page;
	volatile uint32_t *arrived;

	sev_es_mode = sev_es;
	ukt_claim(page != 0, "a free RAM page below 0x9C000 for the APs' real-mode code", "page=", page);
	if (!page)
		return;
	if (sev_es) {
		if (!paging_on())
			return;
		ukt_console(ghcb_putc);
	}
	for (uint32_t i = 0; i < n; i++)
		code[i] = ukt_ap_start[i];
	*(volatile uint32_t *)(code + (ukt_ap_es - ukt_ap_start)) = sev_es;
	arrived = (volatile uint32_t *)(code + (ukt_ap_arrived - ukt_ap_start));
	if (sev_es) {
		/* Linux: GET the table, write {IP, CS} of its trampoline at offset 0 */
		bool got = ghcb_call(0x80000005u, 1, 0);
		uint64_t jt = get64(0x3a0);
		ukt_claim(got && jt && !(jt & 0xfff) && jt < 0x100000,
			  "SEV-ES: the AP jump table GET answers a page below 1 MiB", "jump_table=", jt);
		if (!got || !jt || (jt & 0xfff) || jt >= 0x100000)
			return;
		ukt_claim(in_reserved(si, jt, 4096),
			  "SEV-ES: the jump table lies in a reserved memory-map entry", "jump_table=", jt);
		*(volatile uint16_t *)(uintptr_t)jt = 0;                        /* IP */
		*(volatile uint16_t *)(uintptr_t)(jt + 2) = (uint16_t)(page >> 4); /* CS */
	}
	ukt_claim(*arrived == 0, "no AP ran ukt's code before ukt woke it", "arrived=", *arrived);
	bool sent = icr(ICR_INIT_ALL_BUT_SELF) && icr(ICR_SIPI_ALL_BUT_SELF | (page >> 12)) &&
		    icr(ICR_SIPI_ALL_BUT_SELF | (page >> 12));
	ukt_claim(sent, "INIT, SIPI, SIPI to all but the BSP accepted", NULL, 0);
	for (uint32_t i = 0; i < SPINS && *arrived < aps; i++)
		__asm__ volatile("pause");
	for (uint32_t i = 0; i < SPINS / 100; i++) /* a late extra arrival would show */
		__asm__ volatile("pause");
	ukt_claim(*arrived == aps, "every AP arrives at ukt's code, each once (ukt.aps)", "arrived=",
		  *arrived);

	uint32_t me = bsp_apic_id(), bad_mode = 0, bad_id = 0, bad_cs = 0;
	const volatile uint32_t *rec = (const volatile uint32_t *)(code + (ukt_ap_recs - ukt_ap_start));
	for (uint32_t i = 0; i < *arrived && i < 64; i++) {
		const volatile uint32_t *r = rec + 4 * i;
		if (r[2] & 0x80000001u || r[3] & (1u << 8))
			bad_mode++;
		if ((r[1] & 0xffff) != page >> 4)
			bad_cs++;
		if (r[0] == me)
			bad_id++;
		for (uint32_t j = 0; j < i; j++)
			if (rec[4 * j] == r[0])
				bad_id++;
	}
	ukt_claim(!bad_mode, "each AP arrives in real mode: CR0.PE = CR0.PG = 0, EFER.LME = 0",
		  "wrong=", bad_mode);
	ukt_claim(!bad_cs, "each AP runs at ukt's segment (CS = page >> 4)", "wrong=", bad_cs);
	ukt_claim(!bad_id, "each AP has an APIC ID of its own, not the BSP's", "repeated=", bad_id);
}
