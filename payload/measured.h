/* SPDX-License-Identifier: MIT */
/*
 * Measured boot (docs/abi.md §9, docs/payloads.md "Measured boot"): check the
 * command line and the modules against the SEV hashes table in cocoboot's own
 * (measured) image before anything reads them.
 */
#ifndef COCOBOOT_PAYLOAD_MEASURED_H
#define COCOBOOT_PAYLOAD_MEASURED_H

#include "xen/pvh.h"

/* Check the table page, then the command line start_info gave (already copied
 * into private memory). Ends the boot on a bad table or a mismatch. */
void measured_check_cmdline(const struct pvh_info *info);

/* With a table: copy each module from (possibly shared) memory into private
 * memory, point info at the copies, hash them and compare. Ends the boot on a
 * mismatch. Without a table: nothing. */
void measured_take_modules(struct pvh_info *info);

#endif
