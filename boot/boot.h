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
	BOOT_ERR_SMP = 0x14, /* MADT invalid, an AP did not start or lied about itself */
	BOOT_ERR_CRASH = 0x20, /* unhandled exception: TRAP_CRASH_REASON */
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
void fault_inject(enum boot_fault fault);
void fault_inject_early(enum boot_fault fault);
__attribute__((noreturn)) void boot_finish(void);

__attribute__((noreturn, format(printf, 2, 3))) void boot_fatal(enum boot_reason reason,
								const char *fmt, ...);

#endif
