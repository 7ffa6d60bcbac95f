// SPDX-License-Identifier: MIT
/*
 * cocoboot: from the PVH entry (boot/entry32.asm) to the end of the boot.
 * This function is the table of contents; each step lives in its own file.
 *
 * Under SEV-ES nothing that raises #VC (CPUID, port I/O) may run before
 * sev_init() has installed the handler, hence the order of the first steps.
 */
#include "boot/boot.h"
#include "boot/memory.h"
#include "boot/sev.h"
#include "payload/measured.h"
#include "smp/smp.h"
#include "xen/xen.h"

struct pvh_info boot_info;
struct boot_options boot_opts = { .loglevel = LOG_INFO };

__attribute__((noreturn)) void cocoboot_main(uint32_t start_info_pa);
void cocoboot_main(uint32_t start_info_pa)
{
	cpu_init_bsp();                                  /* GDT, TSS/IST stacks, IDT */
	sev_init();                                      /* #VC handler, GHCB page */
	cpu_probe();                                     /* CPUID (via #VC under SEV-ES) */
	mem_early_nx();                                  /* data no-execute from here on */
	console_early_init();                            /* port 0xe9 and COM1 */
	xen_init();                                      /* hypercalls, PV console, shutdown */
	boot_read_start_info(start_info_pa, &boot_info); /* copy out, check every field */
	measured_check_cmdline(&boot_info);              /* hashes table, then the cmdline */
	boot_apply_cmdline(&boot_info, &boot_opts);      /* console=, loglevel=, ... */
	boot_print_start_info(&boot_info);               /* memory map, modules, cmdline */
	fault_inject_early(boot_opts.fault);             /* test hook, early tables */
	mem_init(&boot_info);                            /* page allocator, page tables */
	smp_init(&boot_info, &boot_opts);                /* every CPU up, smp= */
	mem_init_late(&boot_info);                       /* SNP: the rest of RAM, all CPUs */
	fault_inject(boot_opts.fault);                   /* test hook: cocoboot.fault= */
	measured_take_modules(&boot_info);               /* private copies, hashed */
	boot_finish();                                   /* hand off, or end the guest */
}
