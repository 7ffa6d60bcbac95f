/* SPDX-License-Identifier: MIT */
/*
 * Reading hvm_start_info: every field is copied out once and checked before
 * use. The checks are pure C over a memory-reader callback so that host unit
 * tests can feed malformed structures.
 */
#ifndef COCOBOOT_XEN_PVH_H
#define COCOBOOT_XEN_PVH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/start_info.h>

#define PVH_MAX_MODULES     16
#define PVH_MAX_MEMMAP      128
#define PVH_CMDLINE_MAX     4096 /* bytes including the NUL */
#define PVH_MOD_CMDLINE_MAX 1024 /* libxenguest's per-module slot (facts 1.4) */

struct pvh_module {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	char cmdline[PVH_MOD_CMDLINE_MAX];
};

/* What the boot keeps of start_info: copies, all checked. */
struct pvh_info {
	uint64_t start_info_paddr;
	uint32_t version;
	uint32_t flags;
	uint64_t rsdp_paddr;
	uint64_t cmdline_paddr;
	char cmdline[PVH_CMDLINE_MAX];
	size_t cmdline_len;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	struct pvh_module modules[PVH_MAX_MODULES];
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	struct hvm_memmap_table_entry memmap[PVH_MAX_MEMMAP];
	unsigned nr_warnings;
};

/* Reads len bytes of guest-physical memory at pa. Returns false when the
 * range cannot be read (not mapped). */
typedef bool (*pvh_read_fn)(void *opaque, uint64_t pa, void *dst, size_t len);

struct pvh_env {
	pvh_read_fn read;
	void *opaque;
	uint64_t image_start, image_end; /* the stub's own image, [start, end) */
	/* Called for a warning (an odd value that does not stop the boot). */
	void (*warn)(void *opaque, const char *msg);
};

enum pvh_error {
	PVH_OK = 0,
	PVH_ERR_READ,
	PVH_ERR_MAGIC,
	PVH_ERR_VERSION,
	PVH_ERR_RESERVED,
	PVH_ERR_MEMMAP,
	PVH_ERR_CMDLINE,
	PVH_ERR_MODULES,
	PVH_ERR_OVERLAP,
};

/* Copy out and check start_info at pa. On failure err holds a message that
 * names the field and its value. */
enum pvh_error pvh_parse(const struct pvh_env *env, uint64_t pa, struct pvh_info *out,
			 char *err, size_t err_size);

/* Is [base, base+len) inside memory that really exists (RAM, ACPI, NVS or
 * the option ROM / BIOS area 0xC0000-0xFFFFF where firmware keeps its data)? */
bool pvh_range_backed(const struct pvh_info *info, uint64_t base, uint64_t len);
const char *pvh_memmap_type_name(uint32_t type);
uint64_t pvh_ram_bytes(const struct pvh_info *info);

#endif
