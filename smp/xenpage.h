/* SPDX-License-Identifier: MIT */
/*
 * The guest's checks of a Xen AP bring-up page (docs/abi.md §8.2, §8.3, §8.7),
 * without touching the platform: the memory-map entry, then the header and the
 * code's digest. smp/bringup.c uses them; tests/xen/test_xen_guest.c tests them.
 */
#ifndef COCOBOOT_SMP_XENPAGE_H
#define COCOBOOT_SMP_XENPAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/ap_bringup.h>
#include <xen/start_info.h>

enum xenpage_find {
	XENPAGE_NONE,  /* no entry of the type: the platform offers no page */
	XENPAGE_FOUND, /* one entry that passed the checks of §8.7 item 1 */
	XENPAGE_BAD,   /* an entry that did not: err says which field */
};

/* §8.7 item 1: exactly one entry of type XEN_HVM_MEMMAP_TYPE_AP_BRINGUP, page
 * aligned, below 4 GiB, at least a header, overlapping no other entry (so no
 * RAM: not the image, start_info, modules or anything allocated). */
enum xenpage_find xenpage_find(const struct hvm_memmap_table_entry *map, uint32_t entries,
			       uint64_t *addr, uint64_t *size, char *err, size_t err_size);

/* §8.7 items 3 and 4 on the region's bytes (size bytes at region): the header
 * fields, room for slots of vCPUs 0..max_vcpu, and the SHA-256 of the code equal
 * to ref_sha256 (compiled into the guest), as is the header's code_sha256. */
bool xenpage_check(const void *region, uint64_t size, uint32_t max_vcpu,
		   const uint8_t ref_sha256[32], char *err, size_t err_size);

#endif
