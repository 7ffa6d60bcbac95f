// SPDX-License-Identifier: MIT
/*
 * The Xen PV console as console backend "xen": the ring page and event channel from
 * HVM params CONSOLE_PFN (17) / CONSOLE_EVTCHN (18), the output half of struct
 * xencons_interface (include/xen/console.h), EVTCHNOP_send after each line. This is
 * what `xl console` shows and what xenconsoled --log=guest writes to
 * /var/log/xen/console/guest-NAME.log. Not console_io: a release Xen refuses that to a
 * domU (facts §2.7).
 *
 * The ring is 2 KiB; when it is full the guest yields to let xenconsoled run. If the
 * consumer makes no progress for a long time (no xenconsoled), output that does not fit
 * is dropped instead of hanging the boot.
 */
#include "xen/xen.h"

#include <stddef.h>

#include "xen/console.h"
#include "xen/event_channel.h"
#include "xen/hypercall.h"
#include "xen/params.h"
#include "xen/sched.h"

#define PVCONS_YIELDS 20000 /* SCHEDOP_yield calls before a full ring counts as stalled */

static volatile struct xencons_interface *ring;
static evtchn_port_t port;
static bool stalled;

static inline void barrier(void)
{
	/* x86 keeps stores in order (TSO); only the compiler must not reorder. */
	__asm__ volatile("" ::: "memory");
}

static void notify(void)
{
	struct evtchn_send s = { .port = port };

	xen_event_channel_op(EVTCHNOP_send, &s);
}

/* Wait until the consumer has come within `room` bytes of prod. */
static bool wait_consumer(uint32_t prod, uint32_t room)
{
	for (unsigned i = 0;; i++) {
		uint32_t used = prod - ring->out_cons;

		if (used <= room) {
			stalled = false;
			return true;
		}
		if (stalled || i == PVCONS_YIELDS) {
			stalled = true;
			return false;
		}
		xen_sched_op(SCHEDOP_yield, NULL);
	}
}

static void pvcons_write(const char *s, size_t n)
{
	if (!ring)
		return;
	uint32_t prod = ring->out_prod;

	for (size_t i = 0; i < n; i++) {
		/* A terminal on `xl console` wants CR LF; xenconsoled logs what it gets. */
		char c[2] = { '\r', s[i] };
		const char *p = s[i] == '\n' ? c : c + 1;
		size_t k = s[i] == '\n' ? 2 : 1;

		while (k--) {
			if (prod - ring->out_cons >= XENCONS_OUT_SIZE) {
				barrier();
				ring->out_prod = prod;
				notify();
				if (!wait_consumer(prod, XENCONS_OUT_SIZE - 1))
					goto out; /* drop the rest of this line */
			}
			ring->out[prod & (XENCONS_OUT_SIZE - 1)] = *p++;
			prod++;
		}
	}
out:
	barrier();
	ring->out_prod = prod;
	notify();
}

struct console_backend xen_console = {
	.name = "xen",
	.alias = "hvc",
	.write = pvcons_write,
	.sync = xen_pvcons_flush,
};

static bool get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };

	if (xen_hvm_op(HVMOP_get_param, &p) != 0)
		return false;
	*value = p.value;
	return true;
}

bool xen_pvcons_init(const char **why)
{
	uint64_t pfn, evtchn;

	if (!get_param(HVM_PARAM_CONSOLE_PFN, &pfn)) {
		*why = "HVMOP_get_param(CONSOLE_PFN) failed";
		return false;
	}
	if (!get_param(HVM_PARAM_CONSOLE_EVTCHN, &evtchn)) {
		*why = "HVMOP_get_param(CONSOLE_EVTCHN) failed";
		return false;
	}
	if (pfn == 0) {
		*why = "no console page (HVM param CONSOLE_PFN is 0)";
		return false;
	}
#ifdef COCOBOOT_GUEST
	/* The early page tables identity-map 0-4 GiB; libxenguest puts the page at
	 * 0xfefff000 (facts §3.1). */
	if (pfn >= (1ull << 20)) {
		*why = "console page above 4 GiB";
		return false;
	}
#endif
	port = (evtchn_port_t)evtchn;
	stalled = false;
	ring = (volatile struct xencons_interface *)(uintptr_t)(pfn << 12);
	return true;
}

uint64_t xen_pvcons_ring_paddr(void)
{
	return (uint64_t)(uintptr_t)ring;
}

void xen_pvcons_flush(void)
{
	if (ring)
		wait_consumer(ring->out_prod, 0);
}
