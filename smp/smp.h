/* SPDX-License-Identifier: MIT */
/*
 * SMP: bring every CPU up (the methods in smp/, chosen by smp/select.c), then
 * park them for the payload. boot/main.c calls smp_init() after the page
 * tables exist and boot/finish.c calls smp_park() before the hand-off.
 */
#ifndef COCOBOOT_SMP_SMP_H
#define COCOBOOT_SMP_SMP_H

#include "boot/cmdline.h"
#include "xen/pvh.h"

/* Count the CPUs (ACPI MADT), start up to bo->smp_max of them (0: all), wait
 * for every one to report, log the method and the count. A hostile MADT, an
 * AP that does not report in time or reports the wrong identity ends the boot
 * (BOOT_ERR_SMP) with a message naming the CPU and what it last reported. */
void smp_init(const struct pvh_info *info, const struct boot_options *bo);
/* Leave every AP in the state payloads expect (docs/payloads.md): after an
 * INIT it waits for a Startup IPI; on Xen it is also down, so VCPUOP_initialise
 * works again. */
void smp_park(void);
/* Number of CPUs running (1 until smp_init started APs). */
unsigned smp_cpus_up(void);

void smp_console_lock_init(void);

/* smp/work.c: run fn(cpu, n, arg) on each of the n CPUs up (cpu 0 = the BSP, which runs its
 * share too) and wait for all; on the BSP alone (fn(0, 1, arg)) when the APs do not take
 * work (only SEV-SNP's do). A share that reports no progress (smp_work_progress) for
 * smp.timeout ms ends the boot (0x21). Then smp_release_aps() lets the APs halt. */
typedef void (*smp_work_fn)(unsigned cpu, unsigned n, void *arg);
void smp_run_on_all(smp_work_fn fn, void *arg);
void smp_work_progress(unsigned cpu);
void smp_release_aps(void);

/* SEV-ES: the AP area (docs/abi.md §11) the parked APs run in, which the payload's memory
 * map must mark reserved; false when no AP is parked there. */
#include <stdbool.h>
#include <stdint.h>
bool smp_es_area(uint64_t *base, uint64_t *len);

#endif
