/* SPDX-License-Identifier: MIT */
/*
 * Payload handoff: the last step of the boot (docs/payloads.md). Picks the
 * payload from the PVH modules, validates it, loads it (moving modules that
 * are in the way) and enters it in the state its ABI promises:
 *  - a Linux bzImage through the 64-bit boot protocol (facts §4);
 *  - a PVH ELF (unikernel, Linux vmlinux) through the PVH entry (facts §1).
 * Never returns once a payload is found; a bad payload ends the boot with
 * BOOT_ERR_PAYLOAD and an error naming the field and value.
 */
#ifndef COCOBOOT_PAYLOAD_PAYLOAD_H
#define COCOBOOT_PAYLOAD_PAYLOAD_H

#include "boot/cmdline.h"
#include "xen/pvh.h"

/* Returns only when there is no module to boot. */
void payload_boot(const struct pvh_info *info, const struct boot_options *bo);

/* payload/enter.asm */
__attribute__((noreturn)) void payload_enter_linux64(uint64_t entry, uint64_t boot_params,
						     uint64_t stack_top);
__attribute__((noreturn)) void payload_enter_pvh32(uint32_t entry, uint32_t start_info);

#endif
