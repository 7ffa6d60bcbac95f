/* SOURCES: smp/tsc_rate.c lib/format.c */
/*
 * Claims about the TSC rate the SMP waits use (smp/tsc_rate.c; docs/abi.md §2 "CPUID"):
 * it comes from CPUID 0x15, else 0x16, else Xen's leaf 3, else 5 GHz is assumed; a claim
 * outside 1 MHz..10 GHz is never used: the next source is, and a warning names the
 * leaf and the value. Without the bound a hypervisor's CPUID could make every SMP wait
 * as long as it likes (and the deadline arithmetic overflow).
 */
#include "tests/unit/unit.h"

#include "smp/tsc_rate.h"

static char warn[160];
static const char *src;

static void leaf_15_gives_crystal_times_ratio(void **s)
{
	(void)s;
	/* 25 MHz crystal, ratio 120/1: 3 GHz */
	struct smp_tsc_leaves l = { .max_leaf = 0x16, .l15_eax = 1, .l15_ebx = 120,
				    .l15_ecx = 25000000, .l16_eax = 2000 };

	assert_int_equal(smp_tsc_rate(&l, &src, warn, sizeof(warn)), 3000000);
	assert_string_equal(src, "CPUID 0x15");
	assert_string_equal(warn, "");
}

static void leaf_16_then_xen_leaf_3_then_assumed(void **s)
{
	(void)s;
	struct smp_tsc_leaves l = { .max_leaf = 0x16, .l16_eax = 2400, .has_xen3 = true,
				    .xen3_ecx = 2100000 };

	assert_int_equal(smp_tsc_rate(&l, &src, warn, sizeof(warn)), 2400000);
	assert_string_equal(src, "CPUID 0x16");
	l.max_leaf = 0xd; /* leaves 0x15/0x16 absent: their registers are not read */
	assert_int_equal(smp_tsc_rate(&l, &src, warn, sizeof(warn)), 2100000);
	assert_string_equal(src, "Xen CPUID leaf 3");
	l.has_xen3 = false;
	assert_int_equal(smp_tsc_rate(&l, &src, warn, sizeof(warn)), SMP_TSC_ASSUMED_PER_MS);
	assert_string_equal(src, "assumed 5 GHz");
	assert_string_equal(warn, "");
}

static void xen_leaf_3_above_10_ghz_is_not_used(void **s)
{
	(void)s;
	/* 4,000,000,000 kHz = 4 THz: every 5 s wait would last over 13 minutes at 3 GHz */
	struct smp_tsc_leaves l = { .max_leaf = 0xd, .has_xen3 = true, .xen3_ecx = 4000000000u };

	assert_int_equal(smp_tsc_rate(&l, &src, warn, sizeof(warn)), SMP_TSC_ASSUMED_PER_MS);
	assert_non_null(strstr(src, "assumed 5 GHz"));
	assert_non_null(strstr(warn, "Xen CPUID leaf 3 ECX=4000000000"));
	assert_non_null(strstr(warn, "ignored"));
}

static void leaf_15_above_10_ghz_falls_back_to_leaf_16(void **s)
{
	(void)s;
	/* ECX x EBX / EAX = 2^32-1 x 2^32-1 Hz: the largest claim leaf 0x15 can make */
	struct smp_tsc_leaves l = { .max_leaf = 0x16, .l15_eax = 1, .l15_ebx = 0xffffffffu,
				    .l15_ecx = 0xffffffffu, .l16_eax = 3000 };

	assert_int_equal(smp_tsc_rate(&l, &src, warn, sizeof(warn)), 3000000);
	assert_string_equal(src, "CPUID 0x16");
	assert_non_null(strstr(warn, "CPUID 0x15 ECX*EBX/EAX=18446744065119617025"));
}

static void leaf_16_above_10_ghz_is_not_used(void **s)
{
	(void)s;
	struct smp_tsc_leaves l = { .max_leaf = 0x16, .l16_eax = 0xffff };

	assert_int_equal(smp_tsc_rate(&l, &src, warn, sizeof(warn)), SMP_TSC_ASSUMED_PER_MS);
	assert_non_null(strstr(warn, "CPUID 0x16 EAX[15:0]=65535"));
}

static void exactly_10_ghz_and_1_mhz_are_believed(void **s)
{
	(void)s;
	struct smp_tsc_leaves l = { .max_leaf = 0xd, .has_xen3 = true, .xen3_ecx = 10000000 };

	assert_int_equal(smp_tsc_rate(&l, &src, warn, sizeof(warn)), SMP_TSC_MAX_PER_MS);
	l.xen3_ecx = 10000001;
	assert_int_equal(smp_tsc_rate(&l, &src, warn, sizeof(warn)), SMP_TSC_ASSUMED_PER_MS);
	l.xen3_ecx = 1000;
	assert_int_equal(smp_tsc_rate(&l, &src, warn, sizeof(warn)), SMP_TSC_MIN_PER_MS);
}

static void below_1_mhz_is_not_used(void **s)
{
	(void)s;
	struct smp_tsc_leaves l = { .max_leaf = 0xd, .has_xen3 = true, .xen3_ecx = 999 };

	assert_int_equal(smp_tsc_rate(&l, &src, warn, sizeof(warn)), SMP_TSC_ASSUMED_PER_MS);
	assert_non_null(strstr(warn, "Xen CPUID leaf 3 ECX=999"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leaf_15_gives_crystal_times_ratio),
		cmocka_unit_test(leaf_16_then_xen_leaf_3_then_assumed),
		cmocka_unit_test(xen_leaf_3_above_10_ghz_is_not_used),
		cmocka_unit_test(leaf_15_above_10_ghz_falls_back_to_leaf_16),
		cmocka_unit_test(leaf_16_above_10_ghz_is_not_used),
		cmocka_unit_test(exactly_10_ghz_and_1_mhz_are_believed),
		cmocka_unit_test(below_1_mhz_is_not_used),
	};

	return UNIT_RUN(tests);
}
