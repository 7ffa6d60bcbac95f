/* SPDX-License-Identifier: MIT */
/*
 * boot_params ("zero page") for the 64-bit entry: zeroed, then the image's
 * setup_header bytes 0x1F1..0x202+byte[0x201] copied in (facts §4.3, §4.6), so
 * the sentinel at 0x1EF stays 0; then the loader-written fields (§4.2 "W"):
 * type_of_loader, cmd_line_ptr (+ext), ramdisk_image/size (+ext),
 * code32_start, hardware_subarch, setup_data; acpi_rsdp_addr (§0 item 5, §5);
 * the E820 table from the PVH memory map (§4.5, §5).
 */
#include "payload/linux.h"
#include "payload/bytes.h"

#define FMT "bzImage"
#define E(field, val, why) payload_fail(err, FMT, field, -1, val, why)

int linux_fill_boot_params(struct boot_params *bp, const struct linux_boot_args *a,
			   struct payload_error *err)
{
	const struct bzimage_plan *pl = a->plan;
	uint8_t *raw = (uint8_t *)bp;

	if (a->load_addr & (pl->kernel_alignment - 1))
		return E("setup_header.kernel_alignment", pl->kernel_alignment,
			 "load address is not aligned to it");
	if (a->load_addr < pl->pref_address)
		return E("setup_header.pref_address", pl->pref_address,
			 "load address below it (the kernel would run at pref_address)");
	if (a->cmdline_len > pl->cmdline_size)
		return E("setup_header.cmdline_size", pl->cmdline_size,
			 "payload command line is longer");
	if (a->initrd_size) {
		uint64_t last = a->initrd_paddr + a->initrd_size - 1;
		if (!pl->above_4g && last > pl->initrd_addr_max)
			return E("setup_header.initrd_addr_max", pl->initrd_addr_max,
				 "initrd ends above it");
	}
	if (a->memmap->n > E820_MAX_ENTRIES_ZEROPAGE)
		return E("e820_entries", a->memmap->n, "more than 128 entries");

	for (size_t i = 0; i < sizeof *bp; i++)
		raw[i] = 0;
	for (uint32_t i = BOOT_HDR_OFFSET; i < pl->hdr_end; i++)
		raw[i] = a->image[i];

	struct setup_header *h = &bp->hdr;
	h->type_of_loader = BOOT_LOADER_TYPE_XEN;   /* 0x9V: Xen family (§4.2, §5) */
	h->loadflags &= (uint8_t)~(LOADFLAG_CAN_USE_HEAP | LOADFLAG_QUIET);
	h->loadflags |= LOADFLAG_LOADED_HIGH;
	h->code32_start = (uint32_t)a->load_addr;    /* §4.2: set when relocated */
	h->cmd_line_ptr = (uint32_t)a->cmdline_paddr; /* never 0 (§4.2) */
	bp->ext_cmd_line_ptr = (uint32_t)(a->cmdline_paddr >> 32);
	h->ramdisk_image = (uint32_t)a->initrd_paddr;
	h->ramdisk_size = (uint32_t)a->initrd_size;
	bp->ext_ramdisk_image = (uint32_t)(a->initrd_paddr >> 32);
	bp->ext_ramdisk_size = (uint32_t)(a->initrd_size >> 32);
	h->hardware_subarch = 0;                     /* PC, as Linux's PVH path (§5) */
	h->hardware_subarch_data = 0;
	h->setup_data = 0;
	bp->acpi_rsdp_addr = a->rsdp_paddr;

	for (uint32_t i = 0; i < a->memmap->n; i++) {
		bp->e820_table[i].addr = a->memmap->e[i].addr;
		bp->e820_table[i].size = a->memmap->e[i].size;
		bp->e820_table[i].type = a->memmap->e[i].type; /* same numbers (§4.5) */
	}
	bp->e820_entries = (uint8_t)a->memmap->n;
	return 0;
}
