// SPDX-License-Identifier: MIT
/*
 * NX for the 32-bit entry's page tables (boot/entry32.asm), as soon as the boot knows
 * it may use it. The entry builds its tables before CPUID can be trusted (under SEV-ES
 * each answer is the hypervisor's), and with EFER.NXE clear bit 63 of an entry is
 * reserved (AMD APM vol. 2, "Page-Translation-Table Entry Fields": NX), so those tables map everything executable.
 * Once cpu_probe() has the NX bit (under SEV checked against EFER.NXE itself,
 * boot/sev.c check_nx), this turns EFER.NXE on and marks every leaf entry of the live
 * early tables no-execute but the image's text, so the console, Xen and start_info
 * steps (the first to read hostile input) run with data not executable, until
 * mem_init() builds the final tables with the same rights.
 *
 * Without NX nothing changes. What that leaves is documented in docs/abi.md ("What a
 * CPUID lie costs"): a CPU without NX executes data in any table; instruction fetches
 * under SEV are always private (APM vol. 2, 15.34.5), so a shared page (the GHCB) never
 * executes hypervisor-written bytes either way.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/paging.h"
#include "boot/boot.h"
#include "boot/memory.h"
#include "boot/sev.h"

extern uint64_t early_pml4[];                   /* boot/entry32.asm */
extern const uint8_t __text_start[], __text_end[];

static uint64_t *table_of(uint64_t e)
{
	return (uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK & ~sev_enc_mask());
}

/* Leaf entries of one table at `level` (3 = PDPT, 2 = PD, 1 = PT) covering from `va`. */
static void mark_nx(uint64_t *t, unsigned level, uint64_t va)
{
	uint64_t size = 1ull << (12 + 9 * (level - 1));
	uint64_t text_lo = (uintptr_t)__text_start, text_hi = (uintptr_t)__text_end;

	for (unsigned i = 0; i < 512; i++, va += size) {
		uint64_t e = t[i];

		if (!(e & PTE_P))
			continue;
		if (level > 1 && !(e & PTE_PS)) {
			mark_nx(table_of(e), level - 1, va);
			continue;
		}
		/* A leaf that holds any text stays executable (the entry maps the image's
		 * first 2 MiB in 4 KiB pages, so that is the text alone). */
		if (va < text_hi && va + size > text_lo)
			continue;
		t[i] = e | PTE_NX;
	}
}

void mem_early_nx(void)
{
	if (!cpu_features.nx)
		return;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	mark_nx(table_of(early_pml4[0]), 3, 0);
	write_cr3(read_cr3());                  /* no global pages: flushes the TLB */
}
