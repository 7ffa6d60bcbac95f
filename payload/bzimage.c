/* SPDX-License-Identifier: MIT */
/*
 * bzImage validation for the 64-bit boot protocol (facts §4.2 setup_header,
 * §4.4 xloadflags, §4.6 loading rules):
 *  boot_flag 0xAA55, header "HdrS", version >= 2.12, setup_sects (0 means 4),
 *  header length, XLF_KERNEL_64, relocatable_kernel, kernel_alignment a power of
 *  two, min_alignment, pref_address, init_size, syssize and the payload inside
 *  the file, cmdline_size.
 */
#include "payload/bzimage.h"
#include "payload/bytes.h"
#include "linux/boot_params.h"

#define FMT "bzImage"
#define E(field, val, why) payload_fail(err, FMT, field, -1, val, why)
#define HDR(f) offsetof(struct boot_params, hdr.f)  /* same offset in the file */

bool bzimage_is_bzimage(const void *img, size_t size)
{
	const uint8_t *p = img;
	return size >= HDR(version) &&
	       payload_rd16(p + HDR(boot_flag)) == BOOT_FLAG_MAGIC &&
	       payload_rd32(p + HDR(header)) == BOOT_HDRS_MAGIC;
}

int bzimage_parse(const void *img, size_t size, struct bzimage_plan *plan,
		  struct payload_error *err)
{
	const uint8_t *p = img;
	*plan = (struct bzimage_plan){ 0 };

	/* The fields read below end with init_size (0x264). */
	if (size < HDR(handover_offset))
		return E("file size", size, "too small to hold a setup_header");
	uint16_t boot_flag = payload_rd16(p + HDR(boot_flag));
	if (boot_flag != BOOT_FLAG_MAGIC)
		return E("setup_header.boot_flag", boot_flag, "not 0xAA55");
	uint32_t magic = payload_rd32(p + HDR(header));
	if (magic != BOOT_HDRS_MAGIC)
		return E("setup_header.header", magic, "not \"HdrS\" (0x53726448)");
	plan->version = payload_rd16(p + HDR(version));
	if (plan->version < BOOT_PROTO_MIN_64BIT)
		return E("setup_header.version", plan->version,
			 "boot protocol older than 2.12 (no 64-bit entry)");
	uint8_t jump = p[HDR(jump)];
	if (jump != BOOT_JUMP_OPCODE)
		return E("setup_header.jump", jump, "first byte is not a short jump (0xEB)");
	plan->hdr_end = 0x202u + p[BOOT_HDR_LEN_BYTE];
	if (plan->hdr_end < HDR(handover_offset))
		return E("setup_header length (byte 0x201)", p[BOOT_HDR_LEN_BYTE],
			 "header too short for protocol 2.12 fields");
	if (plan->hdr_end > offsetof(struct boot_params, edd_mbr_sig_buffer))
		return E("setup_header length (byte 0x201)", p[BOOT_HDR_LEN_BYTE],
			 "header runs past 0x290 in boot_params");

	unsigned sects = p[HDR(setup_sects)];
	if (sects == 0)
		sects = BOOT_SETUP_SECTS_DEF;
	plan->setup_size = (sects + 1u) * BOOT_SECTOR_SIZE;
	if (plan->setup_size < plan->hdr_end)
		return E("setup_header.setup_sects", sects, "setup code smaller than its header");
	if (plan->setup_size >= size)
		return E("setup_header.setup_sects", sects, "no protected-mode kernel after the setup code");
	plan->pm_offset = plan->setup_size;
	uint64_t rest = size - plan->setup_size;

	/* syssize: protected-mode size in 16-byte units (facts §4.2, 2.04+). */
	uint64_t sys = (uint64_t)payload_rd32(p + HDR(syssize)) * 16;
	if (sys == 0)
		return E("setup_header.syssize", 0, "empty protected-mode kernel");
	if (sys > rest + 15)
		return E("setup_header.syssize", sys / 16, "protected-mode kernel extends past the end of the file");
	plan->pm_size = sys < rest ? sys : rest;

	plan->xloadflags = payload_rd16(p + HDR(xloadflags));
	if (!(plan->xloadflags & XLF_KERNEL_64))
		return E("setup_header.xloadflags", plan->xloadflags, "XLF_KERNEL_64 not set (no 64-bit entry)");
	plan->above_4g = plan->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;
	uint8_t reloc = p[HDR(relocatable_kernel)];
	if (!reloc)
		return E("setup_header.relocatable_kernel", reloc, "kernel is not relocatable");

	plan->kernel_alignment = payload_rd32(p + HDR(kernel_alignment));
	if (!payload_is_pow2(plan->kernel_alignment) || plan->kernel_alignment < 0x1000 ||
	    plan->kernel_alignment > BZIMAGE_MAX_ALIGN)
		return E("setup_header.kernel_alignment", plan->kernel_alignment,
			 "not a power of two between 4 KiB and 1 GiB");
	uint8_t min_lg2 = p[HDR(min_alignment)];
	if (min_lg2 < 12 || min_lg2 > 30 || (1u << min_lg2) > plan->kernel_alignment)
		return E("setup_header.min_alignment", min_lg2,
			 "log2 alignment below 12 or above kernel_alignment");
	plan->min_alignment = 1u << min_lg2;

	plan->pref_address = payload_rd64(p + HDR(pref_address));
	if (plan->pref_address & (plan->min_alignment - 1))
		return E("setup_header.pref_address", plan->pref_address, "not aligned to min_alignment");
	plan->init_size = payload_rd32(p + HDR(init_size));
	if (plan->init_size < plan->pm_size)
		return E("setup_header.init_size", plan->init_size, "smaller than the protected-mode kernel");
	if (plan->pref_address + plan->init_size < plan->pref_address)
		return E("setup_header.pref_address", plan->pref_address, "pref_address + init_size overflows");

	/* payload_offset/length are relative to the protected-mode image (2.08+). */
	uint32_t poff = payload_rd32(p + HDR(payload_offset));
	uint32_t plen = payload_rd32(p + HDR(payload_length));
	if (!payload_in_bounds(poff, plen, plan->pm_size))
		return E("setup_header.payload_offset", poff, "payload extends past the protected-mode kernel");

	plan->cmdline_size = payload_rd32(p + HDR(cmdline_size));
	if (plan->cmdline_size == 0)
		return E("setup_header.cmdline_size", 0, "kernel accepts no command line");
	plan->initrd_addr_max = payload_rd32(p + HDR(initrd_addr_max));
	if (plan->initrd_addr_max < 0xfffff)
		return E("setup_header.initrd_addr_max", plan->initrd_addr_max, "below 1 MiB");
	return 0;
}
