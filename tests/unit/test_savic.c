/* SOURCES: apic/savic.c */
/*
 * Claims about cocoboot's Secure AVIC logic (apic/savic.c, facts §8) against a recording
 * fake machine: the enable and teardown sequences happen in the series' order, refusals and
 * a wrong answer end in the documented reason codes, IPIs land in the target's page (never
 * the sender's) before the hypervisor is told, EOI takes the edge or the level path.
 */
#include "unit.h"

#include "apic/savic.h"
#include "sev/term.h"

#define LOG_MAX 32
static char log_buf[LOG_MAX][48];
static unsigned nlog;
static uint64_t ctl_msr, hv_id = 4;
static int nae_err, hv_err;
static uint64_t unreg_rbx_delta;
static struct savic_cpu cpu0, cpu1;
static uint64_t registered = ~0ull;

static void logf_(const char *fmt, unsigned long long a, unsigned long long b)
{
	if (nlog < LOG_MAX)
		snprintf(log_buf[nlog++], sizeof(log_buf[0]), fmt, a, b);
}

static uint64_t f_rdmsr(uint32_t msr)
{
	logf_("rdmsr %#llx%.0llu", msr, 0);
	if (msr == MSR_SAVIC_CONTROL)
		return ctl_msr;
	if (msr == X2APIC_MSR_ID)
		return hv_id;
	return 0;
}

static void f_wrmsr(uint32_t msr, uint64_t v)
{
	logf_("wrmsr %#llx %#llx", msr, (unsigned long long)v);
	if (msr == MSR_SAVIC_CONTROL)
		ctl_msr = v;
}

static int f_hv_wrmsr(uint32_t msr, uint64_t v)
{
	logf_("hv %#llx %#llx", msr, (unsigned long long)v);
	return hv_err;
}

static int f_nae(unsigned op, uint64_t gpa, uint64_t *rbx)
{
	logf_(op ? "unregister %llu%.0llu" : "register %#llx%.0llu", op ? 0 : gpa, 0);
	if (nae_err)
		return nae_err;
	if (op == 0)
		registered = gpa;
	*rbx = op ? registered + unreg_rbx_delta : 0;
	return 0;
}

static const struct savic_ops ops = { f_rdmsr, f_wrmsr, f_hv_wrmsr, f_nae };

static int reset(void **s)
{
	(void)s;
	nlog = 0;
	ctl_msr = 0;
	hv_id = 4;
	nae_err = hv_err = 0;
	unreg_rbx_delta = 0;
	registered = ~0ull;
	memset(&cpu0, 0, sizeof(cpu0));
	memset(&cpu1, 0, sizeof(cpu1));
	return 0;
}

static void detection_and_x2apic(void **s)
{
	(void)s;
	assert_true(savic_present(1ull << 18 | 7));
	assert_false(savic_present(7));
	assert_int_equal(savic_check_apic_base(0xfee00000ull | (1 << 11) | (1 << 10)), 0);
	assert_int_equal(savic_check_apic_base(0xfee00000ull | (1 << 11)), CB_TERM_SAVIC_NO_X2APIC);
	assert_int_equal(savic_check_apic_base(0xfee00000ull | (1 << 10)), CB_TERM_SAVIC_NO_X2APIC);
}

static void enable_in_the_series_order(void **s)
{
	(void)s;
	uint32_t allowed[8] = { [7] = 1u << 14 };  /* 0xee */

	assert_int_equal(savic_enable(&ops, &cpu0, 0x123000, allowed), 0);
	assert_int_equal(nlog, 4);
	assert_string_equal(log_buf[0], "rdmsr 0x802");         /* the ID from the hypervisor */
	assert_string_equal(log_buf[1], "register 0x123000");   /* then the page registered */
	assert_string_equal(log_buf[2], "wrmsr 0xc0010138 0x123003"); /* EN | ALLOWED_NMI */
	assert_string_equal(log_buf[3], "rdmsr 0xc0010138");    /* read back */
	assert_int_equal(cpu0.page.id.val, 4);
	assert_int_equal(cpu0.apic_id, 4);
	assert_true(cpu0.on);
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(cpu0.page.irr[i].allowed, 0);
	assert_int_equal(cpu0.page.irr[7].allowed, 1u << 14);
}

/* An AP allows nothing (docs/abi.md §12): whatever its page held, ALLOWED_IRR ends empty. */
static void ap_enable_allows_nothing(void **s)
{
	(void)s;
	for (unsigned i = 0; i < 8; i++)
		cpu1.page.irr[i].allowed = 0xffffffffu;   /* a page that held something before */
	assert_int_equal(savic_enable(&ops, &cpu1, 0x456000, NULL), 0);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(cpu1.page.irr[i].allowed, 0);
	assert_true(cpu1.on);
	assert_int_equal(savic_disable(&ops, &cpu1), 0);
	assert_false(cpu1.on);
}

static void enable_refusals(void **s)
{
	(void)s;
	nae_err = CB_TERM_GHCB_HV_ERROR;
	assert_int_equal(savic_enable(&ops, &cpu0, 0x123000, NULL), CB_TERM_SAVIC_REGISTER);
	assert_false(cpu0.on);
	assert_int_equal(ctl_msr, 0);               /* never enabled without a registered page */
	reset(NULL);
	assert_int_equal(savic_enable(&ops, &cpu0, 0x123010, NULL), CB_TERM_SAVIC_REGISTER);
	assert_int_equal(nlog, 0);                  /* an unaligned page is not even tried */
	reset(NULL);
	hv_id = 0xffffffffull;                      /* not an x2APIC ID */
	assert_int_equal(savic_enable(&ops, &cpu0, 0x123000, NULL), CB_TERM_HV_VALUE);
}

static void teardown_order_and_refusal(void **s)
{
	(void)s;
	uint32_t allowed[8] = { [7] = 1u << 14 };

	savic_enable(&ops, &cpu0, 0x123000, allowed);
	nlog = 0;
	assert_int_equal(savic_disable(&ops, &cpu0), 0);
	assert_int_equal(nlog, 2);
	assert_string_equal(log_buf[0], "wrmsr 0xc0010138 0");   /* disabled first */
	assert_string_equal(log_buf[1], "unregister 0");          /* then unregistered */
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(cpu0.page.irr[i].allowed, 0);       /* and nothing allowed */
	assert_false(cpu0.on);
	assert_int_equal(savic_disable(&ops, &cpu0), 0);          /* twice: nothing to do */
	reset(NULL);
	savic_enable(&ops, &cpu0, 0x123000, allowed);
	nae_err = CB_TERM_GHCB_HV_ERROR;
	assert_int_equal(savic_disable(&ops, &cpu0), CB_TERM_SAVIC_TEARDOWN);
	reset(NULL);
	savic_enable(&ops, &cpu0, 0x123000, allowed);
	unreg_rbx_delta = 0x1000;                   /* "unregistered" another page: a lie */
	assert_int_equal(savic_disable(&ops, &cpu0), CB_TERM_SAVIC_TEARDOWN);
}

static void ipi_lands_in_the_target_page_first(void **s)
{
	(void)s;
	cpu1.apic_id = 6;
	assert_int_equal(savic_send(&ops, &cpu1, 0xec), 0);
	assert_int_equal(cpu1.page.irr[7].irr, 1u << 12);
	assert_int_equal(cpu0.page.irr[7].irr, 0);
	assert_int_equal(nlog, 1);
	assert_string_equal(log_buf[0], "hv 0x830 0x6000000ec");  /* ICR: destination 6, fixed */
	assert_int_equal(savic_send(&ops, &cpu1, SAVIC_NMI), 0);
	assert_int_equal(cpu1.page.irr[7].extra, 1);               /* NMI_REQ (0x278) */
	assert_int_equal(cpu1.nmi_expected, 1);
	assert_string_equal(log_buf[1], "hv 0x830 0x600000400");   /* delivery mode NMI */
	assert_int_equal(savic_send(&ops, &cpu1, 5), CB_TERM_FATAL); /* vectors 0-15 are not IPIs */
	hv_err = CB_TERM_GHCB_HV_ERROR;
	assert_int_equal(savic_send(&ops, &cpu1, 0xed), CB_TERM_GHCB_HV_ERROR);
}

static void nmi_claims(void **s)
{
	(void)s;
	assert_false(savic_nmi_claim(&cpu0));   /* nobody announced it: spurious */
	assert_int_equal(cpu0.nmi_spurious, 1);
	cpu0.apic_id = 0;
	savic_send(&ops, &cpu0, SAVIC_NMI);
	assert_true(savic_nmi_claim(&cpu0));
	assert_false(savic_nmi_claim(&cpu0));
	assert_int_equal(cpu0.nmi_spurious, 2);
}

static void eoi_edge_and_level(void **s)
{
	(void)s;
	cpu0.page.isr[7].val = 1u << 14;        /* 0xee in service, edge */
	cpu0.page.isr[1].val = 1u << 3;         /* 0x23 below it */
	assert_int_equal(savic_highest(cpu0.page.isr), 0xee);
	assert_int_equal(savic_eoi(&ops, &cpu0), 0);
	assert_string_equal(log_buf[0], "wrmsr 0x80b 0"); /* accelerated: the CPU clears ISR */
	assert_int_equal(cpu0.page.isr[7].val, 1u << 14);
	cpu0.page.isr[7].val = 0;
	cpu0.page.tmr[1].val = 1u << 3;         /* 0x23 level */
	assert_int_equal(savic_eoi(&ops, &cpu0), 0);
	assert_int_equal(cpu0.page.isr[1].val, 0);        /* cleared in the page by the guest */
	assert_string_equal(log_buf[1], "hv 0x80b 0");    /* and the hypervisor told */
	assert_int_equal(savic_highest(cpu0.page.isr), -1);
}

static void timer_through_the_hypervisor(void **s)
{
	(void)s;
	assert_int_equal(savic_timer_oneshot(&ops, 0xee, 1000), 0);
	assert_int_equal(nlog, 3);
	assert_string_equal(log_buf[0], "hv 0x83e 0xb");
	assert_string_equal(log_buf[1], "hv 0x832 0xee");
	assert_string_equal(log_buf[2], "hv 0x838 0x3e8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(detection_and_x2apic, reset),
		cmocka_unit_test_setup(enable_in_the_series_order, reset),
		cmocka_unit_test_setup(ap_enable_allows_nothing, reset),
		cmocka_unit_test_setup(enable_refusals, reset),
		cmocka_unit_test_setup(teardown_order_and_refusal, reset),
		cmocka_unit_test_setup(ipi_lands_in_the_target_page_first, reset),
		cmocka_unit_test_setup(nmi_claims, reset),
		cmocka_unit_test_setup(eoi_edge_and_level, reset),
		cmocka_unit_test_setup(timer_through_the_hypervisor, reset),
	};
	return UNIT_RUN(tests);
}
