// SPDX-License-Identifier: MIT
#include <stdarg.h>

#include "arch/x86/power.h"
#include "boot/boot.h"
#include "lib/console.h"

void boot_fatal(enum boot_reason reason, const char *fmt, ...)
{
	va_list ap;

	cprintf("cocoboot: FATAL: ");
	va_start(ap, fmt);
	vcprintf(fmt, ap);
	va_end(ap);
	cprintf("\ncocoboot: boot failed (reason %#x)\n", reason);
	power_off(POWER_FAILURE, reason);
}
