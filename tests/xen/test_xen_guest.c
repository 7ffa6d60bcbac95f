/* SOURCES: xen/cpuid.c xen/pvcons.c xen/shutdown.c xen/hypercall.c */
/*
 * Host claims about cocoboot's Xen code (xen/): CPUID detection, the PV console ring
 * protocol and the shutdown hypercall, driven through a fake hypercall transport and a
 * fake xenconsoled. The real thing is checked by the tests/xen boots (*.t files).
 */
#include "tests/unit/unit.h"

#include "xen/console.h"
#include "xen/event_channel.h"
#include "xen/hypercall.h"
#include "xen/params.h"
#include "xen/sched.h"
#include "xen/xen.h"

/* ---- CPUID ------------------------------------------------------------------------- */

struct leaf {
	uint32_t leaf, r[4];
};
static const struct leaf *leaves;
static size_t nr_leaves;
static unsigned cpuid_calls;

static void fake_cpuid(uint32_t leaf, uint32_t out[4])
{
	cpuid_calls++;
	for (size_t i = 0; i < nr_leaves; i++)
		if (leaves[i].leaf == leaf) {
			memcpy(out, leaves[i].r, 16);
			return;
		}
	memset(out, 0, 16);
}

#define SIG XEN_CPUID_SIG_EBX, XEN_CPUID_SIG_ECX, XEN_CPUID_SIG_EDX
#define HV_BIT (1u << 31)

static void no_hypervisor_bit_means_no_xen_and_no_leaf_search(void **s)
{
	static const struct leaf l[] = { { 1, { 0, 0, 0, 0 } }, { 0x40000000, { 0x40000005, SIG } } };
	struct xen_cpuid_info x;

	(void)s;
	leaves = l, nr_leaves = 2, cpuid_calls = 0;
	assert_false(xen_cpuid_detect(fake_cpuid, &x));
	assert_int_equal(cpuid_calls, 1);
}

static void finds_xen_at_the_first_base(void **s)
{
	static const struct leaf l[] = {
		{ 1, { 0, 0, HV_BIT, 0 } },
		{ 0x40000000, { 0x40000005, SIG } },
		{ 0x40000001, { 0x00040011, 0, 0, 0 } },
		{ 0x40000002, { 1, 0x40000000, 0, 0 } },
		{ 0x40000004, { XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT, 0, 7, 0 } },
	};
	struct xen_cpuid_info x;

	(void)s;
	leaves = l, nr_leaves = 5;
	assert_true(xen_cpuid_detect(fake_cpuid, &x));
	assert_int_equal(x.base, 0x40000000);
	assert_int_equal(x.major, 4);
	assert_int_equal(x.minor, 17);
	assert_int_equal(x.hypercall_pages, 1);
	assert_int_equal(x.hypercall_msr, 0x40000000);
	assert_int_equal(x.vcpu_id, 0);
	assert_int_equal(x.domid, 7);
}

static void finds_xen_behind_viridian_leaves(void **s)
{
	/* With viridian=1, Hyper-V's leaves take 0x40000000 and Xen moves up by 0x100. */
	static const struct leaf l[] = {
		{ 1, { 0, 0, HV_BIT, 0 } },
		{ 0x40000000, { 0x40000006, 0x7263694d, 0x666f736f, 0x76482074 } }, /* Microsoft Hv */
		{ 0x40000100, { 0x40000105, SIG } },
		{ 0x40000101, { 0x00040013, 0, 0, 0 } },
		{ 0x40000102, { 1, 0x40000200, 0, 0 } },
	};
	struct xen_cpuid_info x;

	(void)s;
	leaves = l, nr_leaves = 5;
	assert_true(xen_cpuid_detect(fake_cpuid, &x));
	assert_int_equal(x.base, 0x40000100);
	assert_int_equal(x.minor, 19);
	assert_int_equal(x.hypercall_msr, 0x40000200);
	assert_int_equal(x.hvm_features, 0); /* max leaf base+5, but leaf +4 is all zero */
}

static void ignores_a_signature_without_the_hypercall_leaf(void **s)
{
	static const struct leaf l[] = {
		{ 1, { 0, 0, HV_BIT, 0 } },
		{ 0x40000000, { 0x40000001, SIG } }, /* max leaf < base + 2 */
	};
	struct xen_cpuid_info x;

	(void)s;
	leaves = l, nr_leaves = 2;
	assert_false(xen_cpuid_detect(fake_cpuid, &x));
}

/* ---- fake Xen: hypercalls, a console ring, a consumer ----------------------------- */

static struct xencons_interface *page;
static int consumer_mode; /* 0 drains on notify, 1 drains only on yield, 2 never */
static unsigned sends, yields, shutdowns, last_reason, last_port;
static char seen[16384];
static size_t nr_seen;

static void consume(void)
{
	while (page->out_cons != page->out_prod) {
		seen[nr_seen++ % sizeof(seen)] = page->out[page->out_cons & (XENCONS_OUT_SIZE - 1)];
		page->out_cons++;
	}
}

static long fake_call(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		      uint64_t a5)
{
	void *arg = (void *)(uintptr_t)a2;

	(void)a3, (void)a4, (void)a5;
	switch (nr) {
	case __HYPERVISOR_hvm_op: {
		struct xen_hvm_param *p = arg;

		if (a1 != HVMOP_get_param || p->domid != DOMID_SELF)
			return -XEN_EINVAL;
		if (p->index == HVM_PARAM_CONSOLE_PFN)
			p->value = (uint64_t)(uintptr_t)page >> 12;
		else if (p->index == HVM_PARAM_CONSOLE_EVTCHN)
			p->value = 3;
		else
			return -XEN_EPERM;
		return 0;
	}
	case __HYPERVISOR_event_channel_op:
		if (a1 != EVTCHNOP_send)
			return -XEN_ENOSYS;
		sends++;
		last_port = ((struct evtchn_send *)arg)->port;
		if (consumer_mode == 0)
			consume();
		return 0;
	case __HYPERVISOR_sched_op:
		if (a1 == SCHEDOP_yield) {
			yields++;
			if (consumer_mode != 2)
				consume();
			return 0;
		}
		if (a1 == SCHEDOP_shutdown) {
			shutdowns++;
			last_reason = ((struct sched_shutdown *)arg)->reason;
			return 0;
		}
		return -XEN_ENOSYS;
	}
	return -XEN_ENOSYS;
}

static const struct xen_transport fake = { .name = "fake", .call = fake_call };

static int ring_setup(void **s)
{
	(void)s;
	page = aligned_alloc(4096, 4096);
	memset(page, 0, 4096);
	sends = yields = shutdowns = nr_seen = 0;
	consumer_mode = 0;
	xen_set_transport(&fake);
	const char *why = NULL;

	assert_true(xen_pvcons_init(&why));
	return 0;
}

static int ring_teardown(void **s)
{
	(void)s;
	free(page);
	xen_set_transport(NULL);
	return 0;
}

static void no_transport_means_enosys(void **s)
{
	(void)s;
	xen_set_transport(NULL);
	assert_int_equal(xen_hypercall(__HYPERVISOR_xen_version, 0, 0, 0, 0, 0), -XEN_ENOSYS);
}

static void console_uses_the_ring_from_the_hvm_params_and_notifies(void **s)
{
	(void)s;
	assert_ptr_equal((void *)(uintptr_t)xen_pvcons_ring_paddr(), page);
	xen_console.write("ab\n", 3);
	/* LF becomes CR LF for a terminal on xl console. */
	assert_int_equal(page->out_prod, 4);
	assert_memory_equal(seen, "ab\r\n", 4);
	assert_int_equal(sends, 1);
	assert_int_equal(last_port, 3);
}

static void full_ring_waits_for_the_consumer_and_loses_nothing(void **s)
{
	char line[100];

	(void)s;
	consumer_mode = 1; /* xenconsoled only runs when the guest yields */
	for (size_t i = 0; i < sizeof(line); i++)
		line[i] = (char)('A' + i % 26);
	for (int i = 0; i < 50; i++) /* 5000 bytes through a 2048-byte ring */
		xen_console.write(line, sizeof(line));
	xen_pvcons_flush();
	assert_int_equal(nr_seen, 5000);
	for (size_t i = 0; i < 5000; i++)
		assert_int_equal(seen[i], 'A' + (i % 100) % 26);
	assert_true(yields > 0);
	assert_int_equal(page->out_cons, page->out_prod);
}

static void no_consumer_drops_output_instead_of_hanging(void **s)
{
	char line[100];

	(void)s;
	consumer_mode = 2; /* no xenconsoled at all */
	memset(line, 'x', sizeof(line));
	for (int i = 0; i < 30; i++)
		xen_console.write(line, sizeof(line));
	/* The ring holds what fits; the guest waited a bounded time once, then stopped
	 * waiting. */
	assert_int_equal(page->out_prod - page->out_cons, XENCONS_OUT_SIZE);
	unsigned y = yields;

	assert_true(y > 0);
	xen_console.write(line, sizeof(line));
	xen_pvcons_flush();
	assert_int_equal(yields, y);
}

static void shutdown_flushes_then_asks_xen_with_the_reason(void **s)
{
	(void)s;
	consumer_mode = 1;
	xen_console.write("last words\n", 11);
	assert_int_not_equal(page->out_cons, page->out_prod);
	assert_int_equal(xen_shutdown(SHUTDOWN_crash), 0);
	assert_int_equal(page->out_cons, page->out_prod); /* flushed before the shutdown */
	assert_int_equal(shutdowns, 1);
	assert_int_equal(last_reason, SHUTDOWN_crash);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_hypervisor_bit_means_no_xen_and_no_leaf_search),
		cmocka_unit_test(finds_xen_at_the_first_base),
		cmocka_unit_test(finds_xen_behind_viridian_leaves),
		cmocka_unit_test(ignores_a_signature_without_the_hypercall_leaf),
		cmocka_unit_test(no_transport_means_enosys),
		cmocka_unit_test_setup_teardown(console_uses_the_ring_from_the_hvm_params_and_notifies,
						ring_setup, ring_teardown),
		cmocka_unit_test_setup_teardown(full_ring_waits_for_the_consumer_and_loses_nothing,
						ring_setup, ring_teardown),
		cmocka_unit_test_setup_teardown(no_consumer_drops_output_instead_of_hanging,
						ring_setup, ring_teardown),
		cmocka_unit_test_setup_teardown(shutdown_flushes_then_asks_xen_with_the_reason,
						ring_setup, ring_teardown),
	};

	return UNIT_RUN(tests);
}
