/* SOURCES: payload/bundle.c */
/* SPDX-License-Identifier: MIT */
/*
 * Bundle parser (payload/bundle.c, docs/payloads.md): the kernel, command line
 * and initrd are found in every documented layout; malformed archives are
 * rejected with an error naming the cpio field or member.
 */
#include "unit.h"
#include "payload/bundle.h"
#include "test_payload_fixtures.h"

static struct bundle_plan plan;
static struct payload_error err;
static const char kernel[] = "KERNELKERNEL!";
static const char cmdline[] = "console=ttyS0 quiet";

static struct fx_cpio base(void)
{
	struct fx_cpio c = { 0 };
	fx_cpio_add(&c, "cocoboot", FX_DIR, NULL, 0);
	fx_cpio_add(&c, "cocoboot/kernel", FX_REG, kernel, sizeof kernel - 1);
	fx_cpio_add(&c, "cocoboot/cmdline", FX_REG, cmdline, sizeof cmdline - 1);
	return c;
}

static void expect_error(struct fx_cpio *c, const char *field)
{
	memset(&err, 0, sizeof err);
	assert_int_equal(bundle_parse(c->buf, c->len, &plan, &err), -1);
	assert_string_equal(err.format, "bundle");
	if (strcmp(err.field, field) != 0)
		fail_msg("expected field %s, got %s (%s)", field, err.field, err.reason);
	free(c->buf);
}

static void appended_initrd_found(void **s)
{
	(void)s;
	struct fx_cpio c = base();
	fx_cpio_trailer(&c);
	static const uint8_t zeros[512 - 4];
	fx_cpio_put(&c, zeros, sizeof zeros); /* block padding like GNU cpio writes */
	size_t initrd_at = c.len;
	fx_cpio_add(&c, "init", FX_REG, "#!/bin/sh\n", 10);
	fx_cpio_trailer(&c);
	assert_true(bundle_is_bundle(c.buf, c.len));
	assert_int_equal(bundle_parse(c.buf, c.len, &plan, &err), 0);
	assert_int_equal(plan.kernel_size, sizeof kernel - 1);
	assert_memory_equal(c.buf + plan.kernel_off, kernel, plan.kernel_size);
	assert_true(plan.has_cmdline);
	assert_memory_equal(c.buf + plan.cmdline_off, cmdline, plan.cmdline_size);
	assert_int_equal(plan.initrd_kind, BUNDLE_INITRD_APPENDED);
	assert_int_equal(plan.initrd_off, initrd_at);
	assert_int_equal(plan.initrd_size, c.len - initrd_at);
	assert_int_equal(plan.members, 3);
	free(c.buf);
}

static void no_initrd_and_no_cmdline(void **s)
{
	(void)s;
	struct fx_cpio c = { 0 };
	fx_cpio_add(&c, "./cocoboot/kernel", FX_REG, kernel, sizeof kernel - 1);
	fx_cpio_trailer(&c);
	assert_int_equal(bundle_parse(c.buf, c.len, &plan, &err), 0);
	assert_false(plan.has_cmdline);
	assert_int_equal(plan.initrd_kind, BUNDLE_INITRD_NONE);
	assert_int_equal(plan.initrd_size, 0);
	free(c.buf);
}

static void nested_initrd_found(void **s)
{
	(void)s;
	struct fx_cpio c = base();
	fx_cpio_add(&c, "/cocoboot/initrd", FX_REG, "INITRD", 6);
	fx_cpio_trailer(&c);
	assert_int_equal(bundle_parse(c.buf, c.len, &plan, &err), 0);
	assert_int_equal(plan.initrd_kind, BUNDLE_INITRD_NESTED);
	assert_int_equal(plan.initrd_size, 6);
	assert_memory_equal(c.buf + plan.initrd_off, "INITRD", 6);
	free(c.buf);
}

static void mixed_archive_is_whole_initrd(void **s)
{
	(void)s;
	struct fx_cpio c = base();
	fx_cpio_add(&c, "init", FX_REG, "#!/bin/sh\n", 10);
	fx_cpio_add(&c, "bin", FX_DIR, NULL, 0);
	fx_cpio_trailer(&c);
	assert_int_equal(bundle_parse(c.buf, c.len, &plan, &err), 0);
	assert_int_equal(plan.initrd_kind, BUNDLE_INITRD_WHOLE);
	assert_int_equal(plan.initrd_off, 0);
	assert_int_equal(plan.initrd_size, c.len);
	free(c.buf);
}

static void header_errors_named(void **s)
{
	(void)s;
	struct fx_cpio c = base();
	fx_cpio_trailer(&c);
	c.buf[0] = '1';
	expect_error(&c, "c_magic");
	c = base(); fx_cpio_trailer(&c);
	c.buf[6 + 8 * 6] = 'g'; /* c_filesize of the first member */
	expect_error(&c, "c_filesize");
	c = base(); /* no trailer */
	expect_error(&c, "member header");
	c = base(); fx_cpio_trailer(&c);
	memcpy(c.buf + 6 + 8 * 11, "00000001", 8); /* namesize 1: empty name */
	expect_error(&c, "c_namesize");
	c = base(); fx_cpio_trailer(&c);
	memcpy(c.buf + 6 + 8 * 11, "00000004", 8); /* name not NUL terminated */
	expect_error(&c, "c_namesize");
	c = base(); fx_cpio_trailer(&c);
	memcpy(c.buf + 6 + 8 * 11, "7FFFFFFF", 8);
	expect_error(&c, "c_namesize");
	c = base(); fx_cpio_trailer(&c);
	memcpy(c.buf + 6 + 8 * 6, "FFFFFFFF", 8);
	expect_error(&c, "c_filesize");
}

static void member_errors_named(void **s)
{
	(void)s;
	struct fx_cpio c = { 0 };
	fx_cpio_add(&c, "cocoboot/cmdline", FX_REG, cmdline, sizeof cmdline - 1);
	fx_cpio_trailer(&c);
	expect_error(&c, "cocoboot/kernel");
	c = base(); fx_cpio_add(&c, "cocoboot/kernel", FX_REG, "x", 1); fx_cpio_trailer(&c);
	expect_error(&c, "member name");
	c = base(); fx_cpio_add(&c, "cocoboot/kernal", FX_REG, "x", 1); fx_cpio_trailer(&c);
	expect_error(&c, "member name");
	assert_string_equal(err.reason, "unknown cocoboot/ member (kernel, cmdline, initrd)");
	c = (struct fx_cpio){ 0 };
	fx_cpio_add(&c, "cocoboot/kernel", FX_DIR, NULL, 0); fx_cpio_trailer(&c);
	expect_error(&c, "c_mode");
	c = (struct fx_cpio){ 0 };
	fx_cpio_add(&c, "cocoboot/kernel", FX_REG, NULL, 0); fx_cpio_trailer(&c);
	expect_error(&c, "c_filesize");
	c = (struct fx_cpio){ 0 };
	fx_cpio_add(&c, "cocoboot/kernel", FX_REG, "k", 1);
	fx_cpio_add(&c, "cocoboot/cmdline", FX_REG, "a\0b", 3); fx_cpio_trailer(&c);
	expect_error(&c, "cocoboot/cmdline");
	assert_int_equal(err.value, 1);
	c = (struct fx_cpio){ 0 };
	static char big[BUNDLE_MAX_CMDLINE + 1];
	memset(big, 'a', sizeof big);
	fx_cpio_add(&c, "cocoboot/kernel", FX_REG, "k", 1);
	fx_cpio_add(&c, "cocoboot/cmdline", FX_REG, big, sizeof big); fx_cpio_trailer(&c);
	expect_error(&c, "c_filesize");
	c = base(); fx_cpio_add(&c, "cocoboot/initrd", FX_REG, "I", 1); fx_cpio_trailer(&c);
	fx_cpio_add(&c, "init", FX_REG, "x", 1);
	expect_error(&c, "data after TRAILER!!!");
	c = base(); fx_cpio_add(&c, "cocoboot/initrd", FX_REG, "I", 1);
	fx_cpio_add(&c, "init", FX_REG, "x", 1); fx_cpio_trailer(&c);
	expect_error(&c, "member name");
}

static void not_a_bundle(void **s)
{
	(void)s;
	uint8_t elf[200] = { 0x7f, 'E', 'L', 'F' };
	assert_false(bundle_is_bundle(elf, sizeof elf));
	assert_int_equal(bundle_parse(elf, sizeof elf, &plan, &err), -1);
	assert_string_equal(err.field, "c_magic");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(appended_initrd_found),
		cmocka_unit_test(no_initrd_and_no_cmdline),
		cmocka_unit_test(nested_initrd_found),
		cmocka_unit_test(mixed_archive_is_whole_initrd),
		cmocka_unit_test(header_errors_named),
		cmocka_unit_test(member_errors_named),
		cmocka_unit_test(not_a_bundle),
	};
	return cmocka_run_group_tests_name("payload_bundle", tests, NULL, NULL);
}
