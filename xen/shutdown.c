// SPDX-License-Identifier: MIT
/*
 * The end of the boot under Xen: SCHEDOP_shutdown (include/xen/sched.h). The toolstack
 * then applies on_poweroff / on_crash / on_reboot; xl reports "Domain N has shut down,
 * reason code R". A bare HLT with interrupts off would also end a one-vCPU domain, but
 * always as a poweroff, so a crash would look like success.
 */
#include "xen/xen.h"

#include "xen/hypercall.h"
#include "xen/sched.h"

long xen_shutdown(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };

	/* Let xenconsoled take the last lines before the domain is destroyed. */
	xen_pvcons_flush();
	return xen_sched_op(SCHEDOP_shutdown, &s);
}
