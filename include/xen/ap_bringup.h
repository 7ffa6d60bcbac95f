/* SPDX-License-Identifier: MIT */
/*
 * The Xen AP bring-up page, version 1: cocoboot's specification of the
 * "alternative AP bring-up protocol" (xen-devel RFC, Teddy Astie, 2025-10-30,
 * <c68013da-dde4-4073-9031-67b9a1fd87f0@vates.tech>, which gives no layout),
 * made parallel. The normative text is docs/abi.md, "The Xen AP bring-up page";
 * the reference init code is xen/host/ap_bringup.asm. Every offset below is the
 * one that text gives (and that the init code uses).
 *
 * A region of whole pages, found through a memory-map entry of type
 * XEN_HVM_MEMMAP_TYPE_AP_BRINGUP: a 128-byte header, the init code at
 * code_offset, then nr_slots slots of 128 bytes, slot v for vCPU v.
 */
#ifndef COCOBOOT_XEN_AP_BRINGUP_H
#define COCOBOOT_XEN_AP_BRINGUP_H

#include <stddef.h>
#include <stdint.h>

/* hvm_start_info memory-map type of the region (OEM range of ACPI 6.5 table
 * 15.1 "Address Range Types", 0xF0000000-0xFFFFFFFF; the RFC fixed-memory-
 * layout series uses 0xF0000001-0xF0000004, so this one leaves a gap). */
#define XEN_HVM_MEMMAP_TYPE_AP_BRINGUP 0xf0000010u

#define XEN_AP_BRINGUP_MAGIC   0x50414e58u /* "XNAP" in memory */
#define XEN_AP_BRINGUP_VERSION 1
#define XEN_AP_BRINGUP_HDR_SIZE  128
#define XEN_AP_BRINGUP_SLOT_SIZE 128

struct xen_ap_bringup_header {
	uint32_t magic;         /* 0x00 XEN_AP_BRINGUP_MAGIC */
	uint16_t version;       /* 0x04 1 */
	uint16_t header_size;   /* 0x06 128 */
	uint32_t size;          /* 0x08 bytes of the whole region, a multiple of 4096 */
	uint32_t code_offset;   /* 0x0c init code, from the region's start (v1: 0x80) */
	uint32_t code_length;   /* 0x10 bytes of init code */
	uint32_t slot_offset;   /* 0x14 first slot, 128-byte aligned, after the code */
	uint32_t slot_size;     /* 0x18 128 */
	uint32_t nr_slots;      /* 0x1c slots = the domain's max_vcpus */
	uint8_t code_sha256[32]; /* 0x20 SHA-256 of the code_length bytes at code_offset */
	uint32_t stray_vcpu;    /* 0x40 written by the init code: 1 + id of a vCPU >= nr_slots */
	uint32_t entry_offset;  /* 0x44 where APs start, from the region's start (v1: code_offset) */
	uint8_t reserved[56];   /* 0x48 0 */
};

_Static_assert(offsetof(struct xen_ap_bringup_header, magic) == 0x00, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, version) == 0x04, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, header_size) == 0x06, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, size) == 0x08, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, code_offset) == 0x0c, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, code_length) == 0x10, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, slot_offset) == 0x14, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, slot_size) == 0x18, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, nr_slots) == 0x1c, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, code_sha256) == 0x20, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, stray_vcpu) == 0x40, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, entry_offset) == 0x44, "docs/abi.md 8.3");
_Static_assert(offsetof(struct xen_ap_bringup_header, reserved) == 0x48, "docs/abi.md 8.3");
_Static_assert(sizeof(struct xen_ap_bringup_header) == XEN_AP_BRINGUP_HDR_SIZE, "docs/abi.md 8.3");

/* slot.flags */
#define XEN_AP_SLOT_LONG_MODE (1u << 0) /* target is 64-bit code; else 32-bit */

/* slot.state: 0x00-0xff belong to this ABI, 0x100 and up to the guest's own
 * code after it got control (cocoboot's AP writes 0x100 "online" once it checked
 * it is the vCPU it was started as: smp/page.c). */
#define XEN_AP_SLOT_EMPTY     0x00 /* guest: not armed (the page's initial content) */
#define XEN_AP_SLOT_ARMED     0x01 /* guest: the fields are valid, start me */
#define XEN_AP_SLOT_RUNNING   0x02 /* init code: took the slot, checks passed */
#define XEN_AP_SLOT_LEFT      0x03 /* init code: jumped to rip (its last access) */
#define XEN_AP_SLOT_GUEST     0x100 /* first value the guest's code may use */
#define XEN_AP_SLOT_ERR_NOT_ARMED 0xe1 /* started on a slot not ARMED; detail = state seen */
#define XEN_AP_SLOT_ERR_RANGE     0xe2 /* a value the mode cannot load; detail = its offset */
#define XEN_AP_SLOT_ERR_FLAGS     0xe3 /* unknown flag bits; detail = flags */

struct xen_ap_bringup_slot {
	uint32_t state;       /* 0x00 see above */
	uint32_t flags;       /* 0x04 XEN_AP_SLOT_* */
	uint64_t cr3;         /* 0x08 < 4 GiB */
	uint64_t cr4;         /* 0x10 */
	uint64_t efer;        /* 0x18 ORed into EFER */
	uint64_t cr0;         /* 0x20 with PE; with PG in long mode */
	uint16_t cs;          /* 0x28 selector of the target's code segment in the guest GDT */
	uint16_t ds;          /* 0x2a flat data selector, loaded into DS ES FS GS SS */
	uint16_t pad0;        /* 0x2c 0 */
	uint16_t gdt_limit;   /* 0x2e GDTR as LGDT reads it: limit, then base */
	uint64_t gdt_base;    /* 0x30 < 4 GiB */
	uint64_t rip;         /* 0x38 < 4 GiB for a 32-bit target */
	uint64_t rsp;         /* 0x40 idem */
	uint64_t rdi;         /* 0x48 argument, idem */
	uint64_t detail;      /* 0x50 init code: what an error state refers to */
	uint8_t scratch[8];   /* 0x58 init code: its far pointer */
	uint8_t reserved[32]; /* 0x60 0 */
};

_Static_assert(offsetof(struct xen_ap_bringup_slot, state) == 0x00, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, flags) == 0x04, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, cr3) == 0x08, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, cr4) == 0x10, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, efer) == 0x18, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, cr0) == 0x20, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, cs) == 0x28, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, ds) == 0x2a, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, pad0) == 0x2c, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, gdt_limit) == 0x2e, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, gdt_base) == 0x30, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, rip) == 0x38, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, rsp) == 0x40, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, rdi) == 0x48, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, detail) == 0x50, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, scratch) == 0x58, "docs/abi.md 8.4");
_Static_assert(offsetof(struct xen_ap_bringup_slot, reserved) == 0x60, "docs/abi.md 8.4");
_Static_assert(sizeof(struct xen_ap_bringup_slot) == XEN_AP_BRINGUP_SLOT_SIZE, "docs/abi.md 8.4");

/* SHA-256 of the reference init code (build/xen/host/ap_bringup.bin), as in
 * docs/abi.md; tests/xen/test_ap_bringup.c checks all three agree. */
#define XEN_AP_BRINGUP_REF_SHA256_HEX \
	"e39335fe668a432b6109dd12e178c36389cac5b21d20316f576a5889f4ed5818"

#endif
