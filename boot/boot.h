/* SPDX-License-Identifier: MIT */
/* The boot's own steps, called in order by cocoboot_main() (boot/main.c). */
#ifndef COCOBOOT_BOOT_BOOT_H
#define COCOBOOT_BOOT_BOOT_H

#include <stdint.h>

#include "boot/cmdline.h"
#include "xen/pvh.h"

/* Reason codes cocoboot reports when a boot ends in failure (docs/abi.md).
 * Under SEV-ES/SNP they become GHCB termination reason codes. */
enum boot_reason {
	BOOT_OK = 0,
	BOOT_ERR_START_INFO = 0x10,
	BOOT_ERR_MEMORY = 0x11,
	BOOT_ERR_PAGING = 0x12,
	BOOT_ERR_PAYLOAD = 0x13,
	BOOT_ERR_SMP = 0x14, /* MADT invalid, the method could not even ask */
	/* SMP under SEV/SEV-ES and the AP checks (docs/abi.md §7, §8.7, §11) */
	BOOT_ERR_SMP_PAGE = 0x15,       /* Xen AP bring-up page invalid */
	BOOT_ERR_SMP_START_LIE = 0x16,  /* start result disagrees with what the AP did */
	BOOT_ERR_SMP_JUMP_TABLE = 0x17, /* AP jump table refused / GET != SET / area unusable */
	/* measured boot: the SEV hashes table (docs/abi.md §9) */
	BOOT_ERR_HASHES_TABLE = 0x18, /* table page neither empty nor a valid table */
	BOOT_ERR_HASH_ENTRY = 0x19,   /* an entry of the wrong GUID or length; unmeasured input */
	BOOT_ERR_HASH_KERNEL = 0x1a,  /* module 0 differs from the kernel hash */
	BOOT_ERR_HASH_INITRD = 0x1b,  /* module 1 (or its absence) differs from the initrd hash */
	BOOT_ERR_HASH_CMDLINE = 0x1c, /* the command line differs from the cmdline hash */
	BOOT_ERR_CRASH = 0x20, /* unhandled exception: TRAP_CRASH_REASON */
	BOOT_ERR_SMP_TIMEOUT = 0x21,  /* an AP did not report in time */
	BOOT_ERR_SMP_IDENTITY = 0x22, /* an AP runs as another CPU than it was started as */
	BOOT_ERR_SMP_AP_ERROR = 0x23, /* an AP reported an error state */
	BOOT_ERR_SAVIC_NO_X2APIC = 0x24, /* Secure AVIC (apic/savic.c): no x2APIC */
	BOOT_ERR_SAVIC_REGISTER = 0x25,  /* backing page registration refused */
	BOOT_ERR_SAVIC_TEARDOWN = 0x26,  /* teardown refused before a handoff */
	BOOT_ERR_SAVIC_IRQ = 0x27,       /* an interrupt did not arrive */
};

extern struct pvh_info boot_info;
extern struct boot_options boot_opts;

void console_early_init(void);
void cpu_init_bsp(void);
/* CPUID features (through #VC under SEV-ES), and SEV's CPUID checks. */
void cpu_probe(void);
void boot_read_start_info(uint32_t start_info_pa, struct pvh_info *info);
void boot_apply_cmdline(const struct pvh_info *info, struct boot_options *bo);
void boot_print_start_info(const struct pvh_info *info);
void mem_init(const struct pvh_info *info);
/* After smp_init: SNP validates the rest of RAM on every CPU and gives it to the allocator. */
void mem_init_late(const struct pvh_info *info);
void fault_inject(enum boot_fault fault);
void fault_inject_early(enum boot_fault fault);
__attribute__((noreturn)) void boot_finish(void);

__attribute__((noreturn, format(printf, 2, 3))) void boot_fatal(enum boot_reason reason,
								const char *fmt, ...);

#endif
