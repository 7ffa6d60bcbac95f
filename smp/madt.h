/* SPDX-License-Identifier: MIT */
/*
 * Counting CPUs from ACPI: RSDP -> XSDT (or RSDT) -> MADT -> local APIC and
 * x2APIC entries. The tables are hypervisor input: every length, checksum and
 * entry is checked, and an error names the table, the field and its value.
 * Pure C over a memory-reader callback: the same file runs in host unit tests
 * and the libFuzzer harness (tests/fuzz/fuzz_madt.c).
 */
#ifndef COCOBOOT_SMP_MADT_H
#define COCOBOOT_SMP_MADT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MADT_MAX_CPUS      256
#define MADT_MAX_LEN       0x10000 /* 64 KiB: 4000 x2APIC entries; more is not a MADT */
#define ACPI_MAX_SDT_ENTRIES 256

struct madt_cpu {
	uint32_t apic_id;
	uint32_t uid;    /* ACPI processor UID (on Xen: the vCPU id, libacpi build.c) */
	uint8_t x2apic;  /* from a type 9 entry */
};

struct madt_info {
	uint64_t madt_paddr;
	uint32_t lapic_address;
	uint32_t nr_cpus;          /* enabled processors, in table order */
	struct madt_cpu cpus[MADT_MAX_CPUS];
	uint32_t nr_disabled;      /* neither Enabled nor usable (hot-plug slots) */
	uint32_t nr_dropped;       /* enabled but beyond MADT_MAX_CPUS */
};

/* Reads len bytes of guest-physical memory at pa; false when the range is not
 * memory the caller accepts tables from. */
typedef bool (*madt_read_fn)(void *opaque, uint64_t pa, void *dst, size_t len);

/* Find the MADT from the RSDP at rsdp_pa and copy it into buf (at most
 * buf_size bytes); *len is its length. False: err names what was wrong. */
bool madt_find(madt_read_fn read, void *opaque, uint64_t rsdp_pa, uint8_t *buf, size_t buf_size,
	       size_t *len, uint64_t *madt_pa, char *err, size_t err_size);

/* Check the MADT in tbl[0..len) (header, checksum, every entry's length) and
 * list its enabled processors. False: err names the entry, field and value. */
bool madt_parse(const uint8_t *tbl, size_t len, struct madt_info *out, char *err, size_t err_size);

/* Index of apic_id in info->cpus, or -1. */
int madt_cpu_index(const struct madt_info *info, uint32_t apic_id);

#endif
