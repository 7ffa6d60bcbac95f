/* SOURCES: smp/page_check.c lib/sha256.c lib/format.c xen/host/ap_page.c */
/*
 * Claims about cocoboot's checks of the Xen AP bring-up page (smp/page_check.c; docs/abi.md
 * §8.6-§8.7) on a region the toolstack's code writes (xen/host/ap_page.c) with the real
 * reference init code ($BUILD/xen/host/ap_bringup.bin):
 *   - the header check accepts that region and refuses one whose code changed;
 *   - after the start, the slot check wants every started vCPU's slot at cocoboot's own
 *     online value 0x100 (a value of the guest's range, §8.6), which the AP's C code writes
 *     before it reports online (smp/page.c): a slot still LEFT (the init code jumped, but
 *     cocoboot's code never said online), still ARMED or in an error state is reason 0x16
 *     naming the vCPU and the value; a vCPU without a slot that ran the init code is 0x23.
 */
#include "tests/unit/unit.h"

#include "boot/boot.h"
#include "smp/page_check.h"
#include "xen/host/ap_page.h"

#include <openssl/sha.h>

#define REGION_PA 0xfeff7000u

static uint8_t code[4096];
static uint32_t code_len;
static uint8_t ref[32];
static uint8_t region[4096];
static char err[256];
static const uint32_t vcpus[] = { 1, 2, 3 };

static int load_blob(void **s)
{
	(void)s;
	const char *b = getenv("BUILD");
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/xen/host/ap_bringup.bin", b && *b ? b : "build");
	f = fopen(path, "rb");
	if (!f)
		return -1;
	code_len = (uint32_t)fread(code, 1, sizeof(code), f);
	fclose(f);
	SHA256(code, code_len, ref);
	return 0;
}

static struct xen_ap_bringup_header *hdr(void)
{
	return (struct xen_ap_bringup_header *)region;
}

/* A 4-vCPU region as the toolstack writes it, accepted by the header check, with the
 * slots of vCPUs 1-3 set to state. */
static void build(uint32_t state)
{
	ap_page_build(region, sizeof(region), code, code_len, ref, 4);
	assert_true(smp_page_header_check(hdr(), region, REGION_PA, sizeof(region), 3, err,
					  sizeof(err)));
	for (unsigned i = 0; i < 3; i++)
		smp_page_slot(hdr(), region, vcpus[i])->state = state;
}

static void online_value_is_the_first_of_the_guests_range(void **s)
{
	(void)s;
	assert_int_equal(SMP_PAGE_SLOT_ONLINE, 0x100);
	assert_int_equal(SMP_PAGE_SLOT_ONLINE, XEN_AP_SLOT_GUEST);
}

static void header_of_the_toolstacks_region_is_accepted_and_a_changed_code_byte_is_not(void **s)
{
	(void)s;
	build(XEN_AP_SLOT_EMPTY);
	region[hdr()->code_offset + 7] ^= 1;
	assert_false(smp_page_header_check(hdr(), region, REGION_PA, sizeof(region), 3, err,
					   sizeof(err)));
	assert_non_null(strstr(err, "is not the reference digest"));
}

static void every_slot_online_passes(void **s)
{
	(void)s;
	build(SMP_PAGE_SLOT_ONLINE);
	err[0] = 0;
	assert_int_equal(smp_page_slots_check(hdr(), region, vcpus, 3, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void slot_left_but_never_online_is_a_start_lie(void **s)
{
	(void)s;
	build(SMP_PAGE_SLOT_ONLINE);
	smp_page_slot(hdr(), region, 2)->state = XEN_AP_SLOT_LEFT;
	assert_int_equal(smp_page_slots_check(hdr(), region, vcpus, 3, err, sizeof(err)),
			 BOOT_ERR_SMP_START_LIE);
	assert_non_null(strstr(err, "vCPU 2 "));
	assert_non_null(strstr(err, "slot says 0x3"));
}

static void slot_armed_or_in_error_is_a_start_lie(void **s)
{
	(void)s;
	build(SMP_PAGE_SLOT_ONLINE);
	smp_page_slot(hdr(), region, 3)->state = XEN_AP_SLOT_ARMED;
	assert_int_equal(smp_page_slots_check(hdr(), region, vcpus, 3, err, sizeof(err)),
			 BOOT_ERR_SMP_START_LIE);
	assert_non_null(strstr(err, "vCPU 3 "));
	smp_page_slot(hdr(), region, 3)->state = XEN_AP_SLOT_ERR_RANGE;
	assert_int_equal(smp_page_slots_check(hdr(), region, vcpus, 3, err, sizeof(err)),
			 BOOT_ERR_SMP_START_LIE);
	assert_non_null(strstr(err, "slot says 0xe2"));
}

static void stray_vcpu_is_an_ap_error(void **s)
{
	(void)s;
	build(SMP_PAGE_SLOT_ONLINE);
	hdr()->stray_vcpu = 1 + 9;
	assert_int_equal(smp_page_slots_check(hdr(), region, vcpus, 3, err, sizeof(err)),
			 BOOT_ERR_SMP_AP_ERROR);
	assert_non_null(strstr(err, "vCPU 9 has no slot"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(online_value_is_the_first_of_the_guests_range),
		cmocka_unit_test(header_of_the_toolstacks_region_is_accepted_and_a_changed_code_byte_is_not),
		cmocka_unit_test(every_slot_online_passes),
		cmocka_unit_test(slot_left_but_never_online_is_a_start_lie),
		cmocka_unit_test(slot_armed_or_in_error_is_a_start_lie),
		cmocka_unit_test(stray_vcpu_is_an_ap_error),
	};

	return cmocka_run_group_tests(tests, load_blob, NULL);
}
