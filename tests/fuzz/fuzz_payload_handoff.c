/* SOURCES: payload/select.c payload/bundle.c payload/bzimage.c payload/elf.c payload/linux.c payload/pvh_info.c payload/memmap.c */
/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: from the modules to what the payload gets (payload/select.c, linux.c,
 * pvh_info.c), with module 0 (a bundle, a bzImage or a PVH ELF) and the placement taken
 * from the input. Claims: no crash or UB; payload_select() either says why not or
 * picks a kernel, initrd and command line that lie inside what it was given (module 0,
 * module 1, the text after "--", a module's command line), the command line never
 * longer than its source; boot_params are filled only for a placement that obeys the
 * image's setup_header (alignment, pref_address, cmdline_size, initrd_addr_max) and then
 * carry exactly that placement and the memory map; a PVH start_info is built exactly
 * as large as announced, with the command line NUL-terminated.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "payload/bzimage.h"
#include "payload/elf.h"
#include "payload/linux.h"
#include "payload/memmap.h"
#include "payload/pvh_info.h"
#include "payload/select.h"
#include "tests/fuzz/fuzz_input.h"

enum { HDR = 64 };

static int within(uint64_t a, uint64_t n, uint64_t base, uint64_t len)
{
	return a >= base && n <= len && a - base <= len - n;
}

static int text_within(const char *p, size_t n, const char *base, size_t len)
{
	return p >= base && p <= base + len && n <= (size_t)(base + len - p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pvh_info info;
	static struct payload_sources src;
	static struct payload_memmap mm;
	static struct boot_params bp;
	static uint8_t si_buf[16384];
	static const uint8_t mod1[64] = "initrd bytes";
	static const struct hvm_memmap_table_entry map[] = {
		{ 0, 0x9fc00, 1, 0 }, { 0x100000, 0x7ff00000, 1, 0 }, { 0xfee00000, 0x1000, 2, 0 },
		{ 0x100000000ull, 0x40000000, 1, 0 },
	};
	struct payload_error err;
	struct fz_input in = { data, size < HDR ? size : HDR };
	char dashdash[32];

	if (size < HDR)
		return 0;
	uint8_t flags = (uint8_t)fz_take(&in, 1);
	size_t dd_len = fz_take(&in, 1) % (sizeof(dashdash) + 1);
	for (size_t i = 0; i < sizeof(dashdash); i++)
		dashdash[i] = (char)fz_take(&in, 1);
	uint64_t load = fz_take(&in, 8) & 0xffffffffull, rsdp = fz_take(&in, 8);
	uint64_t cl_pa = fz_take(&in, 8);

	/* module 0: the rest of the input, in its own heap block (ASan sees over-reads) */
	size_t n0 = size - HDR;
	uint8_t *m0 = malloc(n0 ? n0 : 1);
	memcpy(m0, data + HDR, n0);
	memset(&info, 0, sizeof(info));
	info.nr_modules = 1 + (flags & 1) + ((flags >> 1) & 1);
	info.modules[0] = (struct pvh_module){ .paddr = (uintptr_t)m0, .size = n0 };
	if (flags & 4) {
		info.modules[0].cmdline_paddr = 0x1000;
		memcpy(info.modules[0].cmdline, "mod0 cmdline \n", 15);
	}
	for (unsigned i = 1; i < info.nr_modules; i++) {
		info.modules[i] = (struct pvh_module){ .paddr = (uintptr_t)mod1, .size = sizeof(mod1),
						       .cmdline_paddr = 0x2000 };
		memcpy(info.modules[i].cmdline, "second", 7);
	}

	if (payload_select(&info, (flags & 8) ? dashdash : NULL, dd_len, &src, &err) != 0) {
		if (!err.field || !err.reason)
			abort();
		goto out;
	}
	/* what was picked lies inside what was given */
	uint64_t p0 = (uintptr_t)m0;
	if (!within(src.kernel.paddr, src.kernel.size, p0, n0))
		abort();
	if (src.has_initrd && !within(src.initrd.paddr, src.initrd.size, p0, n0) &&
	    !within(src.initrd.paddr, src.initrd.size, (uintptr_t)mod1, sizeof(mod1)))
		abort();
	if (src.cmdline_len && !text_within(src.cmdline, src.cmdline_len, dashdash, dd_len) &&
	    !text_within(src.cmdline, src.cmdline_len, (const char *)m0, n0) &&
	    !text_within(src.cmdline, src.cmdline_len, info.modules[0].cmdline, 15))
		abort();

	if (payload_memmap_init(&mm, map, sizeof(map) / sizeof(map[0]), &err))
		abort();
	const uint8_t *k = (const uint8_t *)(uintptr_t)src.kernel.paddr;
	struct bzimage_plan bz;
	struct elf_plan elf;

	if (bzimage_parse(k, src.kernel.size, &bz, &err) == 0) {
		struct linux_boot_args a = {
			.image = k, .plan = &bz, .load_addr = load, .cmdline_paddr = cl_pa | 1,
			.cmdline_len = src.cmdline_len, .initrd_paddr = src.has_initrd ? src.initrd.paddr : 0,
			.initrd_size = src.has_initrd ? src.initrd.size : 0, .rsdp_paddr = rsdp, .memmap = &mm,
		};
		if (linux_fill_boot_params(&bp, &a, &err) != 0) {
			if (!err.field || !err.reason)
				abort();
			goto out;
		}
		if ((load & (bz.kernel_alignment - 1)) || load < bz.pref_address ||
		    src.cmdline_len > bz.cmdline_size)
			abort();
		if (a.initrd_size && !bz.above_4g && a.initrd_paddr + a.initrd_size - 1 > bz.initrd_addr_max)
			abort();
		if (bp.hdr.cmd_line_ptr != (uint32_t)a.cmdline_paddr ||
		    bp.ext_cmd_line_ptr != (uint32_t)(a.cmdline_paddr >> 32) ||
		    bp.hdr.ramdisk_image != (uint32_t)a.initrd_paddr ||
		    bp.ext_ramdisk_size != (uint32_t)(a.initrd_size >> 32) ||
		    bp.hdr.code32_start != (uint32_t)load || bp.acpi_rsdp_addr != rsdp ||
		    bp.e820_entries != mm.n || bp.sentinel != 0)
			abort();
		for (uint32_t i = 0; i < mm.n; i++)
			if (bp.e820_table[i].addr != mm.e[i].addr || bp.e820_table[i].size != mm.e[i].size)
				abort();
	} else if (elf_parse(k, src.kernel.size, &elf, &err) == 0) {
		struct pvh_info_args a = {
			.rsdp_paddr = rsdp, .cmdline = src.cmdline, .cmdline_len = src.cmdline_len,
			.nr_modules = src.nr_extra, .modules = src.extra, .memmap = &mm,
		};
		size_t need = pvh_info_size(&a);
		int r = pvh_info_build(si_buf, 0x10000, sizeof(si_buf), &a, &err);

		if ((r == 0) != (need <= sizeof(si_buf)))
			abort();
		if (r == 0) {
			const struct hvm_start_info *si = (const struct hvm_start_info *)si_buf;
			uint64_t off = si->cmdline_paddr - 0x10000;

			if (si->magic != XEN_HVM_START_MAGIC_VALUE || si->nr_modules != src.nr_extra ||
			    si->memmap_entries != mm.n || off + src.cmdline_len >= need ||
			    memcmp(si_buf + off, src.cmdline, src.cmdline_len) ||
			    si_buf[off + src.cmdline_len] != 0)
				abort();
		}
	}
out:
	free(m0);
	return 0;
}
