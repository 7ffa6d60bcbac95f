/* SPDX-License-Identifier: MIT */
/*
 * event_channel_op: EVTCHNOP_* commands and the argument of the ones cocoboot uses.
 * Source: xen/include/public/event_channel.h; facts §2.4.
 */
#ifndef COCOBOOT_XEN_EVENT_CHANNEL_H
#define COCOBOOT_XEN_EVENT_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_unmask           9

typedef uint32_t evtchn_port_t;

/* EVTCHNOP_send: notify the remote end of a bound port. */
struct evtchn_send {
	evtchn_port_t port; /* 0x00 */
};

_Static_assert(sizeof(struct evtchn_send) == 4, "evtchn_send is one u32");
_Static_assert(offsetof(struct evtchn_send, port) == 0, "event_channel.h");

#endif
