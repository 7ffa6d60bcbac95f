// SPDX-License-Identifier: MIT
/* The consoles the boot starts with, before the command line is known. */
#include "arch/x86/devices.h"
#include "boot/boot.h"

void console_early_init(void)
{
	uart16550_init();
	console_register(&debugcon_console, true);
	console_register(&uart16550_console, true);
}
