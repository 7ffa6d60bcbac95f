/* SPDX-License-Identifier: MIT */
/*
 * sched_op: SCHEDOP_* commands and the shutdown argument.
 * Source: xen/include/public/sched.h; facts §2.4.
 */
#ifndef COCOBOOT_XEN_SCHED_H
#define COCOBOOT_XEN_SCHED_H

#include <stddef.h>
#include <stdint.h>

#define SCHEDOP_yield         0
#define SCHEDOP_block         1
#define SCHEDOP_shutdown      2
#define SCHEDOP_poll          3
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code 5
#define SCHEDOP_watchdog      6
#define SCHEDOP_pin_override  7

/* Shutdown reasons; the toolstack applies on_poweroff / on_reboot / on_crash. */
#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5

struct sched_shutdown {
	uint32_t reason; /* 0x00: SHUTDOWN_* */
};

_Static_assert(sizeof(struct sched_shutdown) == 4, "sched_shutdown is one u32");
_Static_assert(offsetof(struct sched_shutdown, reason) == 0, "sched.h");

#endif
