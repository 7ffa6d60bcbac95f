/* SPDX-License-Identifier: MIT */
/*
 * Ending the boot. Higher layers register end hooks, called in the order they
 * were added: the GHCB termination request (SEV-ES, failures only), then Xen's
 * SCHEDOP_shutdown. When no hook ends the guest it writes to QEMU's
 * isa-debug-exit port and then halts with interrupts off (under Xen a halted
 * last vCPU ends the domain).
 */
#ifndef COCOBOOT_ARCH_X86_POWER_H
#define COCOBOOT_ARCH_X86_POWER_H

#include <stdbool.h>

enum power_status {
	POWER_SUCCESS,
	POWER_FAILURE,
};

/* isa-debug-exit: QEMU exits with (value << 1) | 1. See docs/hacking.md. */
#define DEBUG_EXIT_PORT    0xf4
#define DEBUG_EXIT_SUCCESS 0x10 /* QEMU exit code 33 */
#define DEBUG_EXIT_FAILURE 0x11 /* QEMU exit code 35 */

/* An end hook does not return when it could end the guest. reason is a
 * cocoboot termination reason code (docs/abi.md), 0 for success. */
typedef void (*power_hook_t)(enum power_status status, unsigned reason);

#define POWER_MAX_HOOKS 4
void power_add_hook(power_hook_t hook);
__attribute__((noreturn)) void power_off(enum power_status status, unsigned reason);
/* Stop this CPU for good (interrupts off). */
__attribute__((noreturn)) void cpu_halt_forever(void);

#endif
