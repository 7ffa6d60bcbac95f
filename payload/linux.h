/* SPDX-License-Identifier: MIT */
/*
 * boot_params for the Linux 64-bit boot protocol (facts §4.3, §4.6, §4.7, §5).
 * Pure C: fills a caller-provided page; also built on the host.
 */
#ifndef COCOBOOT_PAYLOAD_LINUX_H
#define COCOBOOT_PAYLOAD_LINUX_H

#include <stdint.h>
#include <stddef.h>
#include "linux/boot_params.h"
#include "payload/bzimage.h"
#include "payload/memmap.h"
#include "payload/error.h"

struct linux_boot_args {
	const uint8_t *image;         /* the bzImage file (for its setup_header) */
	const struct bzimage_plan *plan;
	uint64_t load_addr;           /* where the protected-mode kernel was put */
	uint64_t cmdline_paddr;       /* NUL-terminated copy of the command line */
	size_t cmdline_len;           /* without the NUL */
	uint64_t initrd_paddr, initrd_size; /* size 0: no initrd */
	uint64_t rsdp_paddr;          /* hvm_start_info.rsdp_paddr, 0 if none */
	const struct payload_memmap *memmap; /* sorted; ISA hole already reserved */
};

/* Zero bp, copy the image's setup_header and fill in what a 64-bit loader
 * writes. Checks the placement against the header (alignment, initrd limit,
 * cmdline_size); returns 0 or -1 with *err naming the field. */
int linux_fill_boot_params(struct boot_params *bp, const struct linux_boot_args *a,
			   struct payload_error *err);

#endif
