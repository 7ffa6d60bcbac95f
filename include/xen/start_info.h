/* SPDX-License-Identifier: MIT */
/*
 * Xen PVH start of day structure: struct hvm_start_info and its arrays.
 * Source: xen/include/public/arch-x86/hvm/start_info.h (layout, magic, versions),
 *         xen/include/public/xen.h (SIF_* flags), docs/misc/pvh.pandoc (entry contract).
 * SIF_HVM_GHCB is only an RFC (xen-devel, Dec 2025, "pvh: Introduce SIF_HVM_GHCB").
 * Shared by the guest and host-side code (sevsim, unit tests).
 */
#ifndef COCOBOOT_XEN_START_INFO_H
#define COCOBOOT_XEN_START_INFO_H

#include <stdint.h>
#include <stddef.h>

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578u /* "xEn3" with bit 7 of 'E' set */

/* hvm_start_info.flags (xen.h; start_info.h says the SIF_* values are shared). */
#define SIF_PRIVILEGED       (1u << 0)
#define SIF_INITDOMAIN       (1u << 1)
#define SIF_MULTIBOOT_MOD    (1u << 2)
#define SIF_MOD_START_PFN    (1u << 3)
#define SIF_VIRT_P2M_4TOOLS  (1u << 4)
#define SIF_HVM_GHCB         (1u << 5) /* RFC: SEV-ES/SNP guest, use the GHCB */
#define SIF_PM_MASK          (0xffu << 8)

/* Memory map types (start_info.h, XEN_HVM_MEMMAP_TYPE_*). Same values as E820. */
#define XEN_HVM_MEMMAP_TYPE_RAM       1
#define XEN_HVM_MEMMAP_TYPE_RESERVED  2
#define XEN_HVM_MEMMAP_TYPE_ACPI      3
#define XEN_HVM_MEMMAP_TYPE_NVS       4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE  5
#define XEN_HVM_MEMMAP_TYPE_DISABLED  6
#define XEN_HVM_MEMMAP_TYPE_PMEM      7

struct hvm_start_info {
	uint32_t magic;          /* 0x00: XEN_HVM_START_MAGIC_VALUE */
	uint32_t version;        /* 0x04: 0 or 1; newer versions stay compatible */
	uint32_t flags;          /* 0x08: SIF_* */
	uint32_t nr_modules;     /* 0x0c */
	uint64_t modlist_paddr;  /* 0x10: struct hvm_modlist_entry[nr_modules] */
	uint64_t cmdline_paddr;  /* 0x18: NUL-terminated ASCII, 0 = none */
	uint64_t rsdp_paddr;     /* 0x20: ACPI RSDP, 0 = none */
	/* version 1 and later */
	uint64_t memmap_paddr;   /* 0x28: struct hvm_memmap_table_entry[] */
	uint32_t memmap_entries; /* 0x30: 0 = no map supplied */
	uint32_t reserved;       /* 0x34: must be zero */
};

struct hvm_modlist_entry {
	uint64_t paddr;          /* 0x00 */
	uint64_t size;           /* 0x08 */
	uint64_t cmdline_paddr;  /* 0x10: 0 = none */
	uint64_t reserved;       /* 0x18 */
};

struct hvm_memmap_table_entry {
	uint64_t addr;           /* 0x00 */
	uint64_t size;           /* 0x08 */
	uint32_t type;           /* 0x10: XEN_HVM_MEMMAP_TYPE_* */
	uint32_t reserved;       /* 0x14: must be zero */
};

/* Size of a version-0 structure: it ends before memmap_paddr. */
#define HVM_START_INFO_V0_SIZE 0x28u

_Static_assert(offsetof(struct hvm_start_info, magic) == 0x00, "start_info.magic");
_Static_assert(offsetof(struct hvm_start_info, version) == 0x04, "start_info.version");
_Static_assert(offsetof(struct hvm_start_info, flags) == 0x08, "start_info.flags");
_Static_assert(offsetof(struct hvm_start_info, nr_modules) == 0x0c, "start_info.nr_modules");
_Static_assert(offsetof(struct hvm_start_info, modlist_paddr) == 0x10, "start_info.modlist_paddr");
_Static_assert(offsetof(struct hvm_start_info, cmdline_paddr) == 0x18, "start_info.cmdline_paddr");
_Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 0x20, "start_info.rsdp_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 0x28, "start_info.memmap_paddr");
_Static_assert(offsetof(struct hvm_start_info, memmap_entries) == 0x30, "start_info.memmap_entries");
_Static_assert(offsetof(struct hvm_start_info, reserved) == 0x34, "start_info.reserved");
_Static_assert(sizeof(struct hvm_start_info) == 56, "start_info v1 size");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "modlist entry size");
_Static_assert(offsetof(struct hvm_modlist_entry, cmdline_paddr) == 0x10, "modlist cmdline");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry size");
_Static_assert(offsetof(struct hvm_memmap_table_entry, type) == 0x10, "memmap type");

#endif
