/* SPDX-License-Identifier: MIT */
/*
 * The PV console ring page (struct xencons_interface).
 * Source: xen/include/public/io/console.h; facts §2.7. The page is at GFN
 * HVM_PARAM_CONSOLE_PFN, its event channel in HVM_PARAM_CONSOLE_EVTCHN (params.h).
 * Indexes are free running; a byte lives at index & (size - 1). The guest produces
 * out[] (out_prod) and xenconsoled consumes it (out_cons); in[] is the other way round.
 */
#ifndef COCOBOOT_XEN_CONSOLE_H
#define COCOBOOT_XEN_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#define XENCONS_IN_SIZE  1024
#define XENCONS_OUT_SIZE 2048

typedef uint32_t XENCONS_RING_IDX;

struct xencons_interface {
	char in[XENCONS_IN_SIZE];   /* 0x000 */
	char out[XENCONS_OUT_SIZE]; /* 0x400 */
	XENCONS_RING_IDX in_cons;   /* 0xc00 */
	XENCONS_RING_IDX in_prod;   /* 0xc04 */
	XENCONS_RING_IDX out_cons;  /* 0xc08 */
	XENCONS_RING_IDX out_prod;  /* 0xc0c */
	uint8_t connection;         /* 0xc10: newer Xen only (not in 4.17); unused here */
};

#define XENCONSOLE_CONNECTED    0
#define XENCONSOLE_DISCONNECTED 1

_Static_assert(offsetof(struct xencons_interface, in) == 0x000, "io/console.h");
_Static_assert(offsetof(struct xencons_interface, out) == 0x400, "io/console.h");
_Static_assert(offsetof(struct xencons_interface, in_cons) == 0xc00, "io/console.h");
_Static_assert(offsetof(struct xencons_interface, in_prod) == 0xc04, "io/console.h");
_Static_assert(offsetof(struct xencons_interface, out_cons) == 0xc08, "io/console.h");
_Static_assert(offsetof(struct xencons_interface, out_prod) == 0xc0c, "io/console.h");
_Static_assert(offsetof(struct xencons_interface, connection) == 0xc10, "io/console.h");

#endif
