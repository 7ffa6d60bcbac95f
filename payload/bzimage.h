/* SPDX-License-Identifier: MIT */
/*
 * Linux bzImage parser: validates the setup_header for a loader that uses the
 * 64-bit entry (facts §4.2, §4.4, §4.6) and turns it into a load plan.
 * Pure C over an untrusted buffer; also built on the host.
 */
#ifndef COCOBOOT_PAYLOAD_BZIMAGE_H
#define COCOBOOT_PAYLOAD_BZIMAGE_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "payload/error.h"

#define BZIMAGE_MAX_ALIGN  0x40000000u /* kernel_alignment above 1 GiB is rejected */

struct bzimage_plan {
	uint16_t version;         /* setup_header.version */
	uint32_t setup_size;      /* (setup_sects + 1) * 512: file offset of the kernel */
	uint32_t hdr_end;         /* 0x202 + byte[0x201]: bytes of header to copy */
	uint64_t pm_offset;       /* = setup_size */
	uint64_t pm_size;         /* protected-mode image bytes to load */
	uint64_t pref_address;
	uint32_t kernel_alignment;
	uint32_t min_alignment;   /* bytes (1 << setup_header.min_alignment) */
	uint32_t init_size;       /* memory needed from the load address */
	uint32_t cmdline_size;    /* max cmdline length without the NUL */
	uint32_t initrd_addr_max; /* highest byte an initrd may occupy (below 4 GiB case) */
	uint16_t xloadflags;
	bool above_4g;            /* XLF_CAN_BE_LOADED_ABOVE_4G */
};

/* Boot flag and "HdrS" present (cheap format sniffing). */
bool bzimage_is_bzimage(const void *img, size_t size);

/* Validate img[0..size) and fill *plan. Returns 0, or -1 with *err naming the field. */
int bzimage_parse(const void *img, size_t size, struct bzimage_plan *plan,
		  struct payload_error *err);

#endif
