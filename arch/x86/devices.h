/* SPDX-License-Identifier: MIT */
/* Console devices reached through port I/O. */
#ifndef COCOBOOT_ARCH_X86_DEVICES_H
#define COCOBOOT_ARCH_X86_DEVICES_H

#include "lib/console.h"

extern struct console_backend debugcon_console;
extern struct console_backend uart16550_console;
void uart16550_init(void);

#endif
