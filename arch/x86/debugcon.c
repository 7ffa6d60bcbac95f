// SPDX-License-Identifier: MIT
/*
 * Port 0xE9 debug console: QEMU's -debugcon, Xen's XEN_HVM_DEBUGCONS_IOPORT
 * (xen/include/public/arch-x86/xen.h; printed at guest debug level, so Xen needs
 * guest_loglvl=all). One string OUT per line.
 */
#include "arch/x86/devices.h"

#include "arch/x86/cpu.h"

#define DEBUGCON_PORT 0xe9

static void debugcon_write(const char *s, size_t n)
{
	outsb(DEBUGCON_PORT, s, n);
}

struct console_backend debugcon_console = {
	.name = "e9",
	.alias = "debugcon",
	.write = debugcon_write,
};
