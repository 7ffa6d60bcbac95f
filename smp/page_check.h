/* SPDX-License-Identifier: MIT */
/*
 * The checks of the Xen AP bring-up page that need nothing but its bytes (docs/abi.md
 * §8.3, §8.6, §8.7 items 3-5): the header and the init code's digest before anything in
 * the page is trusted, and the slots after the APs ran. smp/page.c calls them on the live
 * page; tests/fuzz/fuzz_smp_page.c on arbitrary bytes.
 */
#ifndef COCOBOOT_SMP_PAGE_CHECK_H
#define COCOBOOT_SMP_PAGE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/ap_bringup.h>

/* cocoboot's own value in a slot (§8.6: 0x100 and up are the guest's): the AP's C code
 * writes it once it passed its identity checks, right before it reports online
 * (smp/page.c page_ap_online), so the slot alone tells how far each AP got. */
#define SMP_PAGE_SLOT_ONLINE XEN_AP_SLOT_GUEST

/* hdr: a copy of the header (read once); region: the region's region_size bytes at
 * guest-physical region_pa; max_vcpu: the highest vCPU id to start. true when §8.7
 * items 3 and 4 hold; else false with err naming the field and its value. */
bool smp_page_header_check(const struct xen_ap_bringup_header *hdr, const uint8_t *region,
			   uint64_t region_pa, uint64_t region_size, uint32_t max_vcpu,
			   char *err, size_t err_size);

/* After the APs reported (hdr accepted by smp_page_header_check): no vCPU without a slot
 * ran the init code (stray_vcpu 0) and the slot of every vCPU in vcpus[0..n) says
 * SMP_PAGE_SLOT_ONLINE.
 * 0, or the reason code with err naming the vCPU and the value (docs/abi.md §4). */
unsigned smp_page_slots_check(const struct xen_ap_bringup_header *hdr, const volatile uint8_t *region,
			      const uint32_t *vcpus, unsigned n, char *err, size_t err_size);

/* The slot of vCPU v (v < hdr->nr_slots). */
static inline volatile struct xen_ap_bringup_slot *
smp_page_slot(const struct xen_ap_bringup_header *hdr, const volatile uint8_t *region, uint32_t v)
{
	return (volatile struct xen_ap_bringup_slot *)(region + hdr->slot_offset +
						     (uint64_t)v * XEN_AP_BRINGUP_SLOT_SIZE);
}

/* stray_vcpu as the init code last wrote it: 1 + the id of a vCPU with no slot (§8.3) */
static inline uint32_t smp_page_stray(const volatile uint8_t *region)
{
	return *(const volatile uint32_t *)(region + offsetof(struct xen_ap_bringup_header, stray_vcpu));
}

#endif
