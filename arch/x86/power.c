// SPDX-License-Identifier: MIT
#include "arch/x86/power.h"

#include "arch/x86/cpu.h"
#include "lib/console.h"

static power_hook_t hooks[POWER_MAX_HOOKS];
static unsigned nr_hooks;

void power_add_hook(power_hook_t hook)
{
	if (nr_hooks < POWER_MAX_HOOKS)
		hooks[nr_hooks++] = hook;
}

void cpu_halt_forever(void)
{
	for (;;) {
		cpu_cli();
		cpu_hlt();
	}
}

void power_off(enum power_status status, unsigned reason)
{
	console_flush();
	for (unsigned i = 0; i < nr_hooks; i++)
		hooks[i](status, reason);
	outb(DEBUG_EXIT_PORT, status == POWER_SUCCESS ? DEBUG_EXIT_SUCCESS : DEBUG_EXIT_FAILURE);
	cpu_halt_forever();
}
