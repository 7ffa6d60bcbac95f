// SPDX-License-Identifier: MIT
/* The consoles the boot starts with, before the command line is known. */
#include "arch/x86/devices.h"
#include "boot/boot.h"
#include "boot/sev.h"

void console_early_init(void)
{
	/* Under SEV-ES every port access is a #VC and a VMGEXIT. Port 0xe9 takes a
	 * whole line in one string OUT (one VMGEXIT); the polled UART would cost
	 * two per byte, so it is off unless console= asks for it. */
	bool uart = sev_mode() < SEV_MODE_ES;

	if (uart)
		uart16550_init();
	console_register(&debugcon_console, true);
	console_register(&uart16550_console, uart);
}
