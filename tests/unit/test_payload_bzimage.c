/* SOURCES: payload/bzimage.c */
/* SPDX-License-Identifier: MIT */
/*
 * bzImage parser (payload/bzimage.c): a valid image becomes the right load plan;
 * each setup_header rule of facts §4.2/§4.4/§4.6 is enforced with an error naming
 * the field and its value. Also parses Debian's bzImage when it is cached.
 */
#include "unit.h"
#include "payload/bzimage.h"
#include "test_payload_fixtures.h"

static uint8_t img[FX_BZ_SIZE + 4096];
static struct bzimage_plan plan;
static struct payload_error err;

static void expect_error(size_t size, const char *field, uint64_t value)
{
	memset(&err, 0, sizeof err);
	assert_int_equal(bzimage_parse(img, size, &plan, &err), -1);
	assert_string_equal(err.format, "bzImage");
	if (strcmp(err.field, field) != 0)
		fail_msg("expected field %s, got %s (%s)", field, err.field, err.reason);
	assert_int_equal(err.value, value);
}

static void valid_image_gives_plan(void **s)
{
	(void)s;
	size_t n = fx_bzimage(img);
	assert_true(bzimage_is_bzimage(img, n));
	assert_int_equal(bzimage_parse(img, n, &plan, &err), 0);
	assert_int_equal(plan.version, 0x020f);
	assert_int_equal(plan.setup_size, FX_BZ_SETUP);
	assert_int_equal(plan.pm_offset, FX_BZ_SETUP);
	assert_int_equal(plan.pm_size, FX_BZ_PM);
	assert_int_equal(plan.hdr_end, 0x26c);
	assert_int_equal(plan.kernel_alignment, 0x200000);
	assert_int_equal(plan.min_alignment, 0x200000);
	assert_int_equal(plan.pref_address, 0x1000000);
	assert_int_equal(plan.init_size, 0x400000);
	assert_int_equal(plan.cmdline_size, 2047);
	assert_int_equal(plan.initrd_addr_max, 0x7fffffff);
	assert_true(plan.above_4g);
}

static void setup_sects_zero_means_four(void **s)
{
	(void)s;
	size_t n = fx_bzimage(img);
	img[FX_BZ(setup_sects)] = 0;
	assert_int_equal(bzimage_parse(img, n, &plan, &err), 0);
	assert_int_equal(plan.setup_size, 5 * 512);
}

static void file_padding_beyond_syssize_not_loaded(void **s)
{
	(void)s;
	size_t n = fx_bzimage(img);
	fx_w32(img + FX_BZ(syssize), FX_BZ_PM / 16 - 16);
	assert_int_equal(bzimage_parse(img, n, &plan, &err), 0);
	assert_int_equal(plan.pm_size, FX_BZ_PM - 256);
}

static void magic_and_version_checked(void **s)
{
	(void)s;
	size_t n = fx_bzimage(img);
	expect_error(0x200, "file size", 0x200);
	fx_w16(img + FX_BZ(boot_flag), 0x55aa);
	expect_error(n, "setup_header.boot_flag", 0x55aa);
	assert_false(bzimage_is_bzimage(img, n));
	fx_bzimage(img); fx_w32(img + FX_BZ(header), 0x12345678);
	expect_error(n, "setup_header.header", 0x12345678);
	fx_bzimage(img); fx_w16(img + FX_BZ(version), 0x020b);
	expect_error(n, "setup_header.version", 0x020b);
	fx_bzimage(img); img[FX_BZ(jump)] = 0xe9;
	expect_error(n, "setup_header.jump", 0xe9);
	fx_bzimage(img); img[BOOT_HDR_LEN_BYTE] = 0x20;
	expect_error(n, "setup_header length (byte 0x201)", 0x20);
	fx_bzimage(img); img[BOOT_HDR_LEN_BYTE] = 0x90;
	expect_error(n, "setup_header length (byte 0x201)", 0x90);
}

static void sizes_checked(void **s)
{
	(void)s;
	size_t n = fx_bzimage(img);
	expect_error(FX_BZ_SETUP, "setup_header.setup_sects", 4); /* nothing after setup */
	img[FX_BZ(setup_sects)] = 40;
	expect_error(n, "setup_header.setup_sects", 40);
	fx_bzimage(img); fx_w32(img + FX_BZ(syssize), 0);
	expect_error(n, "setup_header.syssize", 0);
	fx_bzimage(img); fx_w32(img + FX_BZ(syssize), FX_BZ_PM / 16 + 2);
	expect_error(n, "setup_header.syssize", FX_BZ_PM / 16 + 2);
	fx_bzimage(img); fx_w32(img + FX_BZ(payload_offset), FX_BZ_PM - 0x100);
	expect_error(n, "setup_header.payload_offset", FX_BZ_PM - 0x100);
	fx_bzimage(img); fx_w32(img + FX_BZ(payload_offset), 0xffffff00u); /* overflow */
	expect_error(n, "setup_header.payload_offset", 0xffffff00u);
	fx_bzimage(img); fx_w32(img + FX_BZ(init_size), FX_BZ_PM - 1);
	expect_error(n, "setup_header.init_size", FX_BZ_PM - 1);
	fx_bzimage(img); fx_w32(img + FX_BZ(cmdline_size), 0);
	expect_error(n, "setup_header.cmdline_size", 0);
	fx_bzimage(img); fx_w32(img + FX_BZ(initrd_addr_max), 0x1000);
	expect_error(n, "setup_header.initrd_addr_max", 0x1000);
}

static void entry_and_relocation_rules_checked(void **s)
{
	(void)s;
	size_t n = fx_bzimage(img);
	fx_w16(img + FX_BZ(xloadflags), XLF_CAN_BE_LOADED_ABOVE_4G);
	expect_error(n, "setup_header.xloadflags", XLF_CAN_BE_LOADED_ABOVE_4G);
	fx_bzimage(img); img[FX_BZ(relocatable_kernel)] = 0;
	expect_error(n, "setup_header.relocatable_kernel", 0);
	fx_bzimage(img); fx_w32(img + FX_BZ(kernel_alignment), 0x300000);
	expect_error(n, "setup_header.kernel_alignment", 0x300000);
	fx_bzimage(img); fx_w32(img + FX_BZ(kernel_alignment), 0);
	expect_error(n, "setup_header.kernel_alignment", 0);
	fx_bzimage(img); fx_w32(img + FX_BZ(kernel_alignment), 0x80000000u);
	expect_error(n, "setup_header.kernel_alignment", 0x80000000u);
	fx_bzimage(img); img[FX_BZ(min_alignment)] = 22; /* 4 MiB > kernel_alignment */
	expect_error(n, "setup_header.min_alignment", 22);
	fx_bzimage(img); img[FX_BZ(min_alignment)] = 200;
	expect_error(n, "setup_header.min_alignment", 200);
	fx_bzimage(img); fx_w64(img + FX_BZ(pref_address), 0x1001000);
	expect_error(n, "setup_header.pref_address", 0x1001000);
	fx_bzimage(img); fx_w64(img + FX_BZ(pref_address), 0xffffffffffe00000ull);
	expect_error(n, "setup_header.pref_address", 0xffffffffffe00000ull);
}

static void debian_bzimage_parses(void **s)
{
	(void)s;
	size_t n;
	uint8_t *b = fx_read_cached("bzImage", &n);

	if (!b) {
		skip(); /* tests/linux/fetch.sh has not run */
		return;
	}
	assert_int_equal(bzimage_parse(b, n, &plan, &err), 0);
	assert_true(plan.version >= 0x020c);
	assert_true(plan.init_size > plan.pm_size);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_image_gives_plan),
		cmocka_unit_test(setup_sects_zero_means_four),
		cmocka_unit_test(file_padding_beyond_syssize_not_loaded),
		cmocka_unit_test(magic_and_version_checked),
		cmocka_unit_test(sizes_checked),
		cmocka_unit_test(entry_and_relocation_rules_checked),
		cmocka_unit_test(debian_bzimage_parses),
	};
	return cmocka_run_group_tests_name("payload_bzimage", tests, NULL, NULL);
}
