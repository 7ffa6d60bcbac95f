/* SPDX-License-Identifier: MIT */
/*
 * What an SNP guest's payload gets besides validated RAM (docs/abi.md §10, docs/payloads.md
 * "SEV-SNP"): the CPUID and secrets pages kept intact and reserved in its memory map, and for
 * Linux the CC blob naming them (SETUP_CC_BLOB, facts §10).
 */
#ifndef COCOBOOT_PAYLOAD_SNP_HANDOFF_H
#define COCOBOOT_PAYLOAD_SNP_HANDOFF_H

#include <stdint.h>

#include "linux/boot_params.h"
#include "payload/error.h"
#include "payload/memmap.h"

/* Reserve the two pages in m (type 2, reserved: the only type every payload knows to keep
 * its hands off; Linux finds them through the CC blob). */
int snp_handoff_memmap(struct payload_memmap *m, uint64_t cpuid_pa, uint64_t secrets_pa,
		       struct payload_error *err);

/* Write the CC blob and its setup_data node into the page at page_pa (below 4 GiB, zeroed by
 * the caller, 4 KiB) and put the node at the head of bp's setup_data list. */
int snp_handoff_cc_blob(struct boot_params *bp, void *page, uint64_t page_pa, uint64_t cpuid_pa,
			uint64_t secrets_pa, struct payload_error *err);

#endif
