/* SOURCES: payload/memmap.c payload/select.c payload/bundle.c payload/bzimage.c payload/linux.c payload/pvh_info.c */
/* SPDX-License-Identifier: MIT */
/*
 * What the payload receives (docs/payloads.md): the memory map handed on
 * (sorted, overlaps resolved, ISA hole), the choice of kernel/initrd/modules/
 * command line from the PVH modules, boot_params for the 64-bit protocol
 * (facts §4.3) and a fresh hvm_start_info (facts §1.3).
 */
#include "unit.h"
#include "payload/linux.h"
#include "payload/memmap.h"
#include "payload/pvh_info.h"
#include "payload/select.h"
#include "test_payload_fixtures.h"

static struct payload_error err;

#define RAM XEN_HVM_MEMMAP_TYPE_RAM
#define RES XEN_HVM_MEMMAP_TYPE_RESERVED

static void memmap_sorted_merged_and_overlaps_resolved(void **s)
{
	(void)s;
	/* xl order: lowmem, special pages, ACPI, highmem (facts §1.8) */
	const struct hvm_memmap_table_entry in[] = {
		{ 0, 0x80000, RAM, 0 },
		{ 0xfeff8000, 0x8000, RES, 0 },
		{ 0x80000, 0x7ff80000, RAM, 0 },      /* adjacent to the first: merged */
		{ 0xfc000000, 0x10000, XEN_HVM_MEMMAP_TYPE_NVS, 0 },
		{ 0x100000000ull, 0x40000000, RAM, 0 },
		{ 0x1000, 0x1000, RES, 0 },           /* inside RAM: reserved wins */
		{ 0x5000, 0, RAM, 0 },                /* empty: dropped */
	};
	static struct payload_memmap m;
	assert_int_equal(payload_memmap_init(&m, in, 7, &err), 0);
	assert_int_equal(m.n, 6);
	assert_int_equal(m.e[0].addr, 0); assert_int_equal(m.e[0].size, 0x1000);
	assert_int_equal(m.e[1].addr, 0x1000); assert_int_equal(m.e[1].type, RES);
	assert_int_equal(m.e[2].addr, 0x2000); assert_int_equal(m.e[2].size, 0x80000000 - 0x2000);
	assert_int_equal(m.e[3].addr, 0xfc000000);
	assert_int_equal(m.e[4].addr, 0xfeff8000);
	assert_int_equal(m.e[5].addr, 0x100000000ull);
	for (uint32_t i = 1; i < m.n; i++)
		assert_true(m.e[i].addr >= m.e[i - 1].addr + m.e[i - 1].size);
	assert_true(payload_memmap_is_ram(&m, 0x2000, 0x10000000));
	assert_false(payload_memmap_is_ram(&m, 0x0, 0x2000));
	assert_false(payload_memmap_is_ram(&m, 0x7fff0000, 0x20000));
}

static void memmap_isa_hole_splits_ram(void **s)
{
	(void)s;
	const struct hvm_memmap_table_entry in[] = { { 0, 0x10000000, RAM, 0 } };
	static struct payload_memmap m;
	assert_int_equal(payload_memmap_init(&m, in, 1, &err), 0);
	assert_int_equal(payload_memmap_set(&m, 0xa0000, 0x60000, RES, &err), 0);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.e[0].size, 0xa0000);
	assert_int_equal(m.e[1].addr, 0xa0000); assert_int_equal(m.e[1].type, RES);
	assert_int_equal(m.e[2].addr, 0x100000); assert_int_equal(m.e[2].type, RAM);
}

static void memmap_too_many_entries_rejected(void **s)
{
	(void)s;
	static struct hvm_memmap_table_entry in[129];
	static struct payload_memmap m;
	for (int i = 0; i < 129; i++)
		in[i] = (struct hvm_memmap_table_entry){ (uint64_t)i * 0x2000, 0x1000, RAM, 0 };
	assert_int_equal(payload_memmap_init(&m, in, 129, &err), -1);
	assert_string_equal(err.field, "memmap_entries");
	assert_int_equal(payload_memmap_init(&m, in, 128, &err), 0);
	assert_int_equal(payload_memmap_set(&m, 0x800, 0x100, RES, &err), -1); /* splits one more */
}

/* ---- selection ---- */
static struct pvh_info info;
static struct payload_sources src;

static void set_module(unsigned i, const void *p, size_t n, const char *cl)
{
	info.modules[i].paddr = (uintptr_t)p;
	info.modules[i].size = n;
	info.modules[i].cmdline_paddr = cl ? 0x1234 : 0;
	snprintf(info.modules[i].cmdline, sizeof info.modules[i].cmdline, "%s", cl ? cl : "");
}

static void select_bundle_and_cmdline_precedence(void **s)
{
	(void)s;
	struct fx_cpio c = { 0 };
	fx_cpio_add(&c, "cocoboot/kernel", FX_REG, "KERNEL", 6);
	fx_cpio_add(&c, "cocoboot/cmdline", FX_REG, "from-bundle\n", 12);
	fx_cpio_trailer(&c);
	fx_cpio_put(&c, "INITRD..", 8);
	memset(&info, 0, sizeof info);
	info.nr_modules = 2;
	set_module(0, c.buf, c.len, "from-module");
	set_module(1, "EXTRA", 5, "extra-cl");
	assert_int_equal(payload_select(&info, NULL, 0, &src, &err), 0);
	assert_true(src.bundle);
	assert_memory_equal((void *)(uintptr_t)src.kernel.paddr, "KERNEL", 6);
	assert_true(src.has_initrd);
	assert_memory_equal((void *)(uintptr_t)src.initrd.paddr, "INITRD..", 8);
	assert_int_equal(src.nr_extra, 1);
	assert_string_equal(src.extra[0].cmdline, "extra-cl");
	assert_int_equal(src.cmdline_source, PAYLOAD_CMDLINE_BUNDLE);
	assert_int_equal(src.cmdline_len, 11); /* newline dropped */
	assert_memory_equal(src.cmdline, "from-bundle", 11);

	const char dd[] = "from-dashdash  ";
	assert_int_equal(payload_select(&info, dd, sizeof dd - 1, &src, &err), 0);
	assert_int_equal(src.cmdline_source, PAYLOAD_CMDLINE_DASHDASH);
	assert_int_equal(src.cmdline_len, 13);
	free(c.buf);
}

static void select_kernel_and_initrd_modules(void **s)
{
	(void)s;
	static uint8_t bz[FX_BZ_SIZE];
	fx_bzimage(bz);
	memset(&info, 0, sizeof info);
	info.nr_modules = 3;
	set_module(0, bz, sizeof bz, "console=ttyS0");
	set_module(1, "INITRD", 6, "initrd-cl");
	set_module(2, "M2", 2, NULL);
	assert_int_equal(payload_select(&info, NULL, 0, &src, &err), 0);
	assert_false(src.bundle);
	assert_int_equal(src.kernel.paddr, (uintptr_t)bz);
	assert_int_equal(src.kernel.size, sizeof bz);
	assert_true(src.has_initrd);
	assert_string_equal(src.initrd.cmdline, "initrd-cl");
	assert_int_equal(src.nr_extra, 1);
	assert_null(src.extra[0].cmdline);
	assert_int_equal(src.cmdline_source, PAYLOAD_CMDLINE_MODULE);
	assert_memory_equal(src.cmdline, "console=ttyS0", 13);

	info.nr_modules = 1;
	set_module(0, bz, sizeof bz, NULL);
	assert_int_equal(payload_select(&info, NULL, 0, &src, &err), 0);
	assert_false(src.has_initrd);
	assert_int_equal(src.cmdline_source, PAYLOAD_CMDLINE_NONE);
	assert_int_equal(src.cmdline_len, 0);

	info.nr_modules = 0;
	assert_int_equal(payload_select(&info, NULL, 0, &src, &err), -1);
	assert_string_equal(err.field, "nr_modules");
}

static void select_malformed_bundle_reports_it(void **s)
{
	(void)s;
	struct fx_cpio c = { 0 };
	fx_cpio_add(&c, "cocoboot/cmdline", FX_REG, "x", 1);
	fx_cpio_trailer(&c);
	memset(&info, 0, sizeof info);
	info.nr_modules = 1;
	set_module(0, c.buf, c.len, NULL);
	assert_int_equal(payload_select(&info, NULL, 0, &src, &err), -1);
	assert_string_equal(err.format, "bundle");
	assert_string_equal(err.field, "cocoboot/kernel");
	free(c.buf);
}

/* ---- boot_params ---- */
static void boot_params_filled_per_protocol(void **s)
{
	(void)s;
	static uint8_t bz[FX_BZ_SIZE];
	static struct boot_params bp;
	static struct payload_memmap m;
	struct bzimage_plan pl;
	fx_bzimage(bz);
	bz[0x1ef] = 0xff;  /* sentinel in the image: must not reach boot_params */
	bz[0x26c] = 0x77;  /* past the header: must not be copied */
	assert_int_equal(bzimage_parse(bz, sizeof bz, &pl, &err), 0);
	const struct hvm_memmap_table_entry in[] = { { 0, 0x9fc00, RAM, 0 }, { 0x100000, 0x1ff00000, RAM, 0 } };
	assert_int_equal(payload_memmap_init(&m, in, 2, &err), 0);
	memset(&bp, 0xaa, sizeof bp);
	struct linux_boot_args a = {
		.image = bz, .plan = &pl, .load_addr = 0x1200000,
		.cmdline_paddr = 0x123456789ull, .cmdline_len = 10,
		.initrd_paddr = 0x100002000ull, .initrd_size = 0x100001000ull,
		.rsdp_paddr = 0xf59d0, .memmap = &m,
	};
	assert_int_equal(linux_fill_boot_params(&bp, &a, &err), 0);
	assert_int_equal(bp.sentinel, 0);
	assert_int_equal(bp.hdr.boot_flag, 0xaa55);
	assert_int_equal(bp.hdr.header, BOOT_HDRS_MAGIC);
	assert_int_equal(bp.hdr.version, 0x020f);
	assert_int_equal(bp.hdr.init_size, 0x400000);
	assert_int_equal(((uint8_t *)&bp)[0x26c], 0);
	assert_int_equal(bp.hdr.type_of_loader, 0x90);
	assert_int_equal(bp.hdr.loadflags & (LOADFLAG_LOADED_HIGH | LOADFLAG_CAN_USE_HEAP | LOADFLAG_QUIET),
			 LOADFLAG_LOADED_HIGH);
	assert_int_equal(bp.hdr.code32_start, 0x1200000);
	assert_int_equal(bp.hdr.cmd_line_ptr, 0x23456789);
	assert_int_equal(bp.ext_cmd_line_ptr, 1);
	assert_int_equal(bp.hdr.ramdisk_image, 0x2000);
	assert_int_equal(bp.ext_ramdisk_image, 1);
	assert_int_equal(bp.hdr.ramdisk_size, 0x1000);
	assert_int_equal(bp.ext_ramdisk_size, 1);
	assert_int_equal(bp.acpi_rsdp_addr, 0xf59d0);
	assert_int_equal(bp.hdr.hardware_subarch, 0);
	assert_int_equal(bp.hdr.setup_data, 0);
	assert_int_equal(bp.e820_entries, 2);
	assert_int_equal(bp.e820_table[1].addr, 0x100000);
	assert_int_equal(bp.e820_table[1].size, 0x1ff00000);
	assert_int_equal(bp.e820_table[1].type, E820_TYPE_RAM);
	assert_int_equal(bp.screen_info[0], 0);
	assert_int_equal(bp.efi_info[0], 0);
}

static void boot_params_placement_rules(void **s)
{
	(void)s;
	static uint8_t bz[FX_BZ_SIZE];
	static struct boot_params bp;
	static struct payload_memmap m;
	struct bzimage_plan pl;
	fx_bzimage(bz);
	fx_w16(bz + FX_BZ(xloadflags), XLF_KERNEL_64); /* initrd must stay below initrd_addr_max */
	assert_int_equal(bzimage_parse(bz, sizeof bz, &pl, &err), 0);
	struct linux_boot_args a = { .image = bz, .plan = &pl, .load_addr = 0x1000000,
				     .cmdline_paddr = 0x10000, .cmdline_len = 2047, .memmap = &m };
	assert_int_equal(linux_fill_boot_params(&bp, &a, &err), 0);
	a.cmdline_len = 2048;
	assert_int_equal(linux_fill_boot_params(&bp, &a, &err), -1);
	assert_string_equal(err.field, "setup_header.cmdline_size");
	a.cmdline_len = 1;
	a.load_addr = 0x1100000;
	assert_int_equal(linux_fill_boot_params(&bp, &a, &err), -1);
	assert_string_equal(err.field, "setup_header.kernel_alignment");
	a.load_addr = 0x800000;
	assert_int_equal(linux_fill_boot_params(&bp, &a, &err), -1);
	assert_string_equal(err.field, "setup_header.pref_address");
	a.load_addr = 0x1000000;
	a.initrd_paddr = 0x7ffff000;
	a.initrd_size = 0x2000;
	assert_int_equal(linux_fill_boot_params(&bp, &a, &err), -1);
	assert_string_equal(err.field, "setup_header.initrd_addr_max");
}

/* ---- hvm_start_info ---- */
static void start_info_layout(void **s)
{
	(void)s;
	static uint8_t blk[4096] __attribute__((aligned(8)));
	static struct payload_memmap m;
	const struct hvm_memmap_table_entry in[] = { { 0, 0x9fc00, RAM, 0 }, { 0x100000, 0x7f00000, RAM, 0 } };
	assert_int_equal(payload_memmap_init(&m, in, 2, &err), 0);
	const struct payload_blob mods[2] = { { 0x2000000, 0x1234, NULL }, { 0x3000000, 0x10, "two" } };
	struct pvh_info_args a = { .flags = SIF_PRIVILEGED, .rsdp_paddr = 0xf59d0, .cmdline = "console=hvc0 xx",
				   .cmdline_len = 12, .nr_modules = 2, .modules = mods, .memmap = &m };
	const uint64_t base = 0x7000000;
	size_t need = pvh_info_size(&a);
	assert_int_equal(need, 56 + 64 + 48 + 16 + 8);
	memset(blk, 0xee, sizeof blk);
	assert_int_equal(pvh_info_build(blk, base, sizeof blk, &a, &err), 0);
	const struct hvm_start_info *si = (const void *)blk;
	assert_int_equal(si->magic, XEN_HVM_START_MAGIC_VALUE);
	assert_int_equal(si->version, 1);
	assert_int_equal(si->flags, SIF_PRIVILEGED);
	assert_int_equal(si->rsdp_paddr, 0xf59d0);
	assert_int_equal(si->reserved, 0);
	assert_int_equal(si->nr_modules, 2);
	const struct hvm_modlist_entry *ml = (const void *)(blk + (si->modlist_paddr - base));
	assert_int_equal(ml[0].paddr, 0x2000000);
	assert_int_equal(ml[0].size, 0x1234);
	assert_int_equal(ml[0].cmdline_paddr, 0);
	assert_int_equal(ml[1].reserved, 0);
	assert_string_equal((const char *)blk + (ml[1].cmdline_paddr - base), "two");
	assert_int_equal(si->memmap_entries, 2);
	const struct hvm_memmap_table_entry *mm = (const void *)(blk + (si->memmap_paddr - base));
	assert_int_equal(mm[1].addr, 0x100000);
	assert_int_equal(mm[1].reserved, 0);
	assert_string_equal((const char *)blk + (si->cmdline_paddr - base), "console=hvc0");
	assert_int_equal(si->modlist_paddr % 8, 0);
	assert_int_equal(si->memmap_paddr % 8, 0);

	assert_int_equal(pvh_info_build(blk, base, need - 1, &a, &err), -1);
	assert_string_equal(err.field, "start_info size");
	assert_int_equal(pvh_info_build(blk, 0x100000000ull - 64, sizeof blk, &a, &err), -1);
	assert_string_equal(err.field, "start_info address");
	a.nr_modules = 0;
	assert_int_equal(pvh_info_build(blk, base, sizeof blk, &a, &err), 0);
	assert_int_equal(si->modlist_paddr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memmap_sorted_merged_and_overlaps_resolved),
		cmocka_unit_test(memmap_isa_hole_splits_ram),
		cmocka_unit_test(memmap_too_many_entries_rejected),
		cmocka_unit_test(select_bundle_and_cmdline_precedence),
		cmocka_unit_test(select_kernel_and_initrd_modules),
		cmocka_unit_test(select_malformed_bundle_reports_it),
		cmocka_unit_test(boot_params_filled_per_protocol),
		cmocka_unit_test(boot_params_placement_rules),
		cmocka_unit_test(start_info_layout),
	};
	return cmocka_run_group_tests_name("payload_handoff", tests, NULL, NULL);
}
