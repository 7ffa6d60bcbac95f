// SPDX-License-Identifier: MIT
/*
 * cocoboot.fault=pf|ud|gp|de|wtext|xdata|wtext-early|xdata-early: raise that exception on
 * purpose, so the tests can check the crash report and the way a failed boot ends;
 * wtext and xdata check the image's page rights (text read-only, data no-execute)
 * in the final tables, wtext-early and xdata-early in the 32-bit entry's tables (before
 * mem_init; NX there from mem_early_nx on).
 */
#include <stdint.h>

#include "boot/boot.h"
#include "lib/console.h"

/* One RET in .data: executable only if the data pages are. */
static volatile uint8_t data_ret[16] __attribute__((aligned(16))) = { 0xc3 };

static void write_text(void)
{
	/* the first byte of fault_inject, written with its own value */
	*(volatile uint8_t *)(uintptr_t)fault_inject = *(volatile uint8_t *)(uintptr_t)fault_inject;
}

void fault_inject_early(enum boot_fault fault)
{
	if (fault != FAULT_WRITE_TEXT_EARLY && fault != FAULT_EXEC_DATA_EARLY)
		return;
	log_info("cocoboot: cocoboot.fault: raising the requested exception (early tables)\n");
	if (fault == FAULT_WRITE_TEXT_EARLY)
		write_text();
	else
		((void (*)(void))(uintptr_t)data_ret)();
	boot_fatal(BOOT_ERR_CRASH, "cocoboot.fault: the exception did not happen");
}

void fault_inject(enum boot_fault fault)
{
	if (fault == FAULT_NONE || fault == FAULT_AP_STUCK) /* ap-stuck: smp/smp.c */
		return;
	if (fault == FAULT_SAVIC_NO_VGIF) /* apic/savic_hw.c, when the AP VMSAs are built */
		return;
	log_info("cocoboot: cocoboot.fault: raising the requested exception\n");
	switch (fault) {
	case FAULT_PF:
		/* canonical, never mapped: 256 TiB - 4 KiB */
		(void)*(volatile uint64_t *)(uintptr_t)0x00007ffffffff000ull;
		break;
	case FAULT_UD:
		__asm__ volatile("ud2");
		break;
	case FAULT_GP:
		/* non-canonical address */
		(void)*(volatile uint64_t *)(uintptr_t)0x8000000000000000ull;
		break;
	case FAULT_DE: {
		uint32_t zero = 0;

		__asm__ volatile("xor %%edx, %%edx\n\tmov $1, %%eax\n\tdivl %0"
				 : : "r"(zero) : "eax", "edx");
		break;
	}
	case FAULT_WRITE_TEXT:
		write_text();
		break;
	case FAULT_EXEC_DATA:
		((void (*)(void))(uintptr_t)data_ret)();
		break;
	case FAULT_WRITE_TEXT_EARLY: /* fault_inject_early */
	case FAULT_EXEC_DATA_EARLY:
	case FAULT_NONE:
	case FAULT_AP_STUCK:
	case FAULT_SNP_VMSA_KEPT: /* smp/snp_create.c, at the handoff */
	case FAULT_SAVIC_NO_VGIF:
		return;
	}
	boot_fatal(BOOT_ERR_CRASH, "cocoboot.fault: the exception did not happen");
}
