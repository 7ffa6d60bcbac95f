// SPDX-License-Identifier: MIT
#include "apic/savic.h"
#include "arch/x86/power.h"
#include "boot/boot.h"
#include "boot/sev.h"
#include "lib/console.h"
#include "payload/payload.h"
#include "smp/smp.h"

void boot_finish(void)
{
	smp_park();                           /* APs wait for the payload's INIT-SIPI */
	savic_boot_teardown();                /* no Secure AVIC state reaches the payload */
	payload_boot(&boot_info, &boot_opts); /* returns only without a module */
	sev_print_stats();
	log_fatal("cocoboot: boot complete: no payload to hand off to, shutting down\n");
	power_off(POWER_SUCCESS, BOOT_OK);
}
