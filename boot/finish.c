// SPDX-License-Identifier: MIT
#include "arch/x86/power.h"
#include "boot/boot.h"
#include "lib/console.h"

void boot_finish(void)
{
	log_fatal("cocoboot: boot complete: no payload to hand off to, shutting down\n");
	power_off(POWER_SUCCESS, BOOT_OK);
}
