// SPDX-License-Identifier: MIT
#include "arch/x86/power.h"

#include "arch/x86/cpu.h"
#include "lib/console.h"

static power_hook_t end_hook;

void power_set_hook(power_hook_t hook)
{
	end_hook = hook;
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
	if (end_hook)
		end_hook(status, reason);
	outb(DEBUG_EXIT_PORT, status == POWER_SUCCESS ? DEBUG_EXIT_SUCCESS : DEBUG_EXIT_FAILURE);
	cpu_halt_forever();
}
