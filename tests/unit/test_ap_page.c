/* SOURCES: xen/host/ap_page.c smp/page_check.c lib/sha256.c lib/format.c */
/*
 * Claims about the toolstack's part of the Xen AP bring-up page (xen/host/ap_page.c,
 * used by tools/xen-ap-page): it lays the region out as docs/abi.md §8.3 and §8.8
 * say, places it outside every memory-map entry and inserts the map entry in order.
 * The region is built from the real reference init code ($BUILD/xen/host/
 * ap_bringup.bin). That cocoboot accepts the page it writes is shown on real Xen
 * (tests/xen/bringup.t); here, cocoboot's checks of such a page (smp/page_check.c,
 * §8.6-§8.7): the header check accepts it and refuses it with one code byte changed;
 * after the start the slot check wants every started vCPU's slot at cocoboot's own
 * online value 0x100 (a value of the guest's range, §8.6), which the AP's C code writes
 * before it reports online (smp/page.c): a slot still LEFT (the init code jumped, but
 * cocoboot's code never said online), still ARMED or in an error state is reason 0x16
 * naming the vCPU and the value; a vCPU without a slot that ran the init code is 0x23.
 */
#include "tests/unit/unit.h"

#include "boot/boot.h"
#include "smp/page_check.h"
#include "xen/ap_bringup.h"
#include "xen/start_info.h"
#include "xen/host/ap_page.h"

#include <openssl/sha.h>

static uint8_t code[4096];
static uint32_t code_len;
static uint8_t ref[32];
static uint8_t region[3 * 4096];
static char err[256];

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

/* A region for nr vCPUs as the helper writes it; returns its size. */
static uint32_t build(uint32_t nr)
{
	uint32_t size = ap_page_size(code_len, nr);

	assert_true(size <= sizeof(region));
	ap_page_build(region, size, code, code_len, ref, nr);
	return size;
}

static struct xen_ap_bringup_header *hdr(void)
{
	return (struct xen_ap_bringup_header *)region;
}

/* ---- the toolstack's layout (§8.3) --------------------------------------------------- */

static void size_is_one_page_up_to_28_slots_and_9_pages_for_255(void **s)
{
	(void)s;
	assert_int_equal(code_len, 348);
	assert_int_equal(ap_page_size(code_len, 1), 4096);
	assert_int_equal(ap_page_size(code_len, 28), 4096);
	assert_int_equal(ap_page_size(code_len, 29), 8192);
	assert_int_equal(ap_page_size(code_len, 255), 9 * 4096);
}

static void built_header_has_the_fields_of_the_abi(void **s)
{
	(void)s;
	build(4);
	assert_int_equal(hdr()->magic, XEN_AP_BRINGUP_MAGIC);
	assert_int_equal(hdr()->version, 1);
	assert_int_equal(hdr()->header_size, 128);
	assert_int_equal(hdr()->size, 4096);
	assert_int_equal(hdr()->code_offset, 0x80);
	assert_int_equal(hdr()->entry_offset, 0x80);
	assert_int_equal(hdr()->code_length, 348);
	assert_int_equal(hdr()->slot_offset, 0x200); /* 0x80 + 348 rounded up to 128 */
	assert_int_equal(hdr()->nr_slots, 4);
	assert_memory_equal(hdr()->code_sha256, ref, 32);
	assert_memory_equal(region + 0x80, code, code_len);
	for (unsigned i = 0x200; i < 4096; i++)
		assert_int_equal(region[i], 0); /* every slot EMPTY */
}

/* ---- placement and the map entry (§8.8) ---------------------------------------------- */

static void placed_just_below_the_special_pages_when_free(void **s)
{
	(void)s;
	struct hvm_memmap_table_entry map[] = {
		{ 0, 0x4000000, XEN_HVM_MEMMAP_TYPE_RAM, 0 },
		{ 0xfc000000, 0x1000, XEN_HVM_MEMMAP_TYPE_ACPI, 0 },
	};

	assert_int_equal(ap_page_place(map, 2, 4096, err, sizeof(err)), 0xfeff7000);
}

static void placement_moves_below_entries_in_the_way(void **s)
{
	(void)s;
	struct hvm_memmap_table_entry map[] = {
		{ 0, 0x4000000, XEN_HVM_MEMMAP_TYPE_RAM, 0 },
		{ 0xfeff0000, 0x8000, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 },
		{ 0xfefef800, 0x100, XEN_HVM_MEMMAP_TYPE_ACPI, 0 },
	};

	assert_int_equal(ap_page_place(map, 3, 8192, err, sizeof(err)), 0xfefed000);
}

static void no_gap_is_refused(void **s)
{
	(void)s;
	struct hvm_memmap_table_entry map[] = { { 0, 0xfeff8000, XEN_HVM_MEMMAP_TYPE_RAM, 0 } };

	assert_int_equal(ap_page_place(map, 1, 4096, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "no gap of 4096 bytes"));
}

static void map_entry_is_inserted_in_address_order(void **s)
{
	(void)s;
	struct hvm_memmap_table_entry map[4] = {
		{ 0, 0x4000000, XEN_HVM_MEMMAP_TYPE_RAM, 0 },
		{ 0xff000000, 0x1000000, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 },
	};
	uint32_t n = 2;

	assert_int_equal(ap_page_map_insert(map, &n, 4, 0xfeff7000, 4096, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(map[1].addr, 0xfeff7000);
	assert_int_equal(map[1].type, XEN_HVM_MEMMAP_TYPE_AP_BRINGUP);
	assert_int_equal(map[2].addr, 0xff000000);
}

static void map_entry_without_room_or_overlapping_is_refused(void **s)
{
	(void)s;
	struct hvm_memmap_table_entry map[2] = { { 0, 0x4000000, XEN_HVM_MEMMAP_TYPE_RAM, 0 } };
	uint32_t n = 1;

	assert_int_equal(ap_page_map_insert(map, &n, 1, 0xfeff7000, 4096, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no room"));
	assert_int_equal(ap_page_map_insert(map, &n, 2, 0x3fff000, 4096, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "overlaps memory-map entry 0"));
	assert_int_equal(n, 1);
}

/* ---- cocoboot's checks of that page (§8.6-§8.7) ---------------------------------------- */

#define REGION_PA 0xfeff7000u
static const uint32_t vcpus[] = { 1, 2, 3 };

/* A 4-vCPU region as the toolstack writes it, accepted by the header check, with the
 * slots of vCPUs 1-3 set to state. */
static void build_started(uint32_t state)
{
	uint32_t size = build(4);

	assert_true(smp_page_header_check(hdr(), region, REGION_PA, size, 3, err, sizeof(err)));
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
	build_started(XEN_AP_SLOT_EMPTY);
	region[hdr()->code_offset + 7] ^= 1;
	assert_false(smp_page_header_check(hdr(), region, REGION_PA, 4096, 3, err, sizeof(err)));
	assert_non_null(strstr(err, "is not the reference digest"));
}

static void every_slot_online_passes(void **s)
{
	(void)s;
	build_started(SMP_PAGE_SLOT_ONLINE);
	err[0] = 0;
	assert_int_equal(smp_page_slots_check(hdr(), region, vcpus, 3, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void slot_left_but_never_online_is_a_start_lie(void **s)
{
	(void)s;
	build_started(SMP_PAGE_SLOT_ONLINE);
	smp_page_slot(hdr(), region, 2)->state = XEN_AP_SLOT_LEFT;
	assert_int_equal(smp_page_slots_check(hdr(), region, vcpus, 3, err, sizeof(err)),
			 BOOT_ERR_SMP_START_LIE);
	assert_non_null(strstr(err, "vCPU 2 "));
	assert_non_null(strstr(err, "slot says 0x3"));
}

static void slot_armed_or_in_error_is_a_start_lie(void **s)
{
	(void)s;
	build_started(SMP_PAGE_SLOT_ONLINE);
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
	build_started(SMP_PAGE_SLOT_ONLINE);
	hdr()->stray_vcpu = 1 + 9;
	assert_int_equal(smp_page_slots_check(hdr(), region, vcpus, 3, err, sizeof(err)),
			 BOOT_ERR_SMP_AP_ERROR);
	assert_non_null(strstr(err, "vCPU 9 has no slot"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(size_is_one_page_up_to_28_slots_and_9_pages_for_255),
		cmocka_unit_test(built_header_has_the_fields_of_the_abi),
		cmocka_unit_test(placed_just_below_the_special_pages_when_free),
		cmocka_unit_test(placement_moves_below_entries_in_the_way),
		cmocka_unit_test(no_gap_is_refused),
		cmocka_unit_test(map_entry_is_inserted_in_address_order),
		cmocka_unit_test(map_entry_without_room_or_overlapping_is_refused),
		cmocka_unit_test(online_value_is_the_first_of_the_guests_range),
		cmocka_unit_test(header_of_the_toolstacks_region_is_accepted_and_a_changed_code_byte_is_not),
		cmocka_unit_test(every_slot_online_passes),
		cmocka_unit_test(slot_left_but_never_online_is_a_start_lie),
		cmocka_unit_test(slot_armed_or_in_error_is_a_start_lie),
		cmocka_unit_test(stray_vcpu_is_an_ap_error),
	};

	return cmocka_run_group_tests(tests, load_blob, NULL);
}
