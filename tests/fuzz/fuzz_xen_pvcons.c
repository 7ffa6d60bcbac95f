/* SOURCES: xen/pvcons.c */
/*
 * libFuzzer: the Xen PV console backend (xen/pvcons.c) against a console daemon whose
 * ring index out_cons comes from the input: it drains honestly, stalls, jumps anywhere
 * (behind, ahead, wrapped) or moves a little, at every notify and every yield. The input
 * also gives the text (newlines included) and up to four line lengths. Claims:
 *  - no write outside the ring page, no crash or UB, whatever out_cons says;
 *  - every write ends: at most PVCONS_YIELDS + 1 yields per write, one notify per ring
 *    refill plus one at the end;
 *  - the producer index moves forward by at most the bytes given plus one CR per
 *    newline, and by exactly that when the daemon keeps up, with the ring then holding
 *    the text with CR LF line ends;
 *  - the flush that waits for the daemon ends too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_input.h"
#include "xen/console.h"
#include "xen/event_channel.h"
#include "xen/hypercall.h"
#include "xen/params.h"
#include "xen/sched.h"
#include "xen/xen.h"

#define PVCONS_YIELDS 20000 /* as in xen/pvcons.c */

static struct {
	struct xencons_interface ring;
	uint8_t rest[4096 - sizeof(struct xencons_interface)];
} page __attribute__((aligned(4096)));

static struct fz_input in;
static unsigned yields, notifies;
static bool honest;             /* the daemon so far always drained everything */

static uint8_t byte(void)
{
	return (uint8_t)fz_take(&in, 1);
}

/* The daemon acts on the ring. */
static void daemon_step(void)
{
	uint8_t op = byte();
	uint32_t v = (uint32_t)byte() | (uint32_t)byte() << 8 | (uint32_t)byte() << 16 |
		     (uint32_t)byte() << 24;

	switch (op & 3) {
	case 0: /* drain */
		page.ring.out_cons = page.ring.out_prod;
		break;
	case 1: /* stall */
		honest = false;
		break;
	case 2: /* jump */
		page.ring.out_cons = v;
		honest = false;
		break;
	case 3: /* advance a little */
		page.ring.out_cons += v & 0xfff;
		honest = false;
		break;
	}
}

long xen_hypercall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)a3, (void)a4, (void)a5;
	switch (nr) {
	case __HYPERVISOR_hvm_op: {
		struct xen_hvm_param *p = (struct xen_hvm_param *)(uintptr_t)a2;

		if (a1 != HVMOP_get_param)
			abort();
		p->value = p->index == HVM_PARAM_CONSOLE_PFN ? (uint64_t)(uintptr_t)&page >> 12 : 3;
		return 0;
	}
	case __HYPERVISOR_sched_op:
		if (a1 != SCHEDOP_yield)
			abort();
		yields++;
		daemon_step();
		return 0;
	case __HYPERVISOR_event_channel_op:
		if (a1 != EVTCHNOP_send || ((struct evtchn_send *)(uintptr_t)a2)->port != 3)
			abort();
		notifies++;
		daemon_step();
		return 0;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	uint8_t lines;

	if (size < 6)
		return 0;
	memset(&page, 0, sizeof(page));
	lines = data[0] & 3;
	memcpy(&page.ring.out_prod, data + 1, 4); /* any start, wrapping included */
	page.ring.out_cons = page.ring.out_prod;
	uint8_t text_len = data[5];
	in = (struct fz_input){ data + 6, size - 6 };
	if (!xen_pvcons_init(&why))
		abort();
	if (xen_pvcons_ring_paddr() != (uint64_t)(uintptr_t)&page)
		abort();
	for (unsigned l = 0; l <= lines; l++) {
		char text[256 * 4];
		size_t n = text_len * (size_t)(l + 1) % sizeof(text), crs = 0;

		for (size_t i = 0; i < n; i++) {
			text[i] = (char)byte();
			crs += text[i] == '\n';
		}
		uint32_t prod0 = page.ring.out_prod;

		honest = true;
		yields = notifies = 0;
		xen_console.write(text, n);
		uint32_t moved = page.ring.out_prod - prod0;

		if (moved > n + crs || yields > PVCONS_YIELDS + 1)
			abort();
		/* A daemon that drains everything gets a notify per full ring and one at the
		 * end; one that frees a few bytes at a time gets one per refill, so at most one
		 * per byte written and the last. Never unbounded. */
		if (notifies > (honest ? (n + crs) / (XENCONS_OUT_SIZE - 1) + 2 : n + crs + 1))
			abort();
		if (honest) {
			if (moved != n + crs)
				abort();
			/* the tail of what was written is in the ring, CR LF for LF */
			size_t k = n;
			uint32_t p = page.ring.out_prod;
			for (size_t got = 0; k && got < XENCONS_OUT_SIZE / 2; got++) {
				char c = page.ring.out[--p & (XENCONS_OUT_SIZE - 1)];
				if (c != text[k - 1])
					abort();
				if (text[k - 1] == '\n') {
					if (page.ring.out[--p & (XENCONS_OUT_SIZE - 1)] != '\r')
						abort();
					got++;
				}
				k--;
			}
		}
	}
	yields = 0;
	xen_pvcons_flush();
	if (yields > PVCONS_YIELDS + 1)
		abort();
	return 0;
}
