/* SPDX-License-Identifier: MIT */
/*
 * The ACPI structures cocoboot reads to count CPUs: the RSDP, the RSDT/XSDT and
 * the MADT with its Processor Local APIC and Local x2APIC entries.
 *
 * Source: ACPI Specification 6.5, 5.2.5.3 (RSDP: "RSD PTR ", checksum over the
 * first 20 bytes, extended checksum over `length` bytes from revision 2 on),
 * 5.2.6 (system description table header, 36 bytes, checksum over `length`),
 * 5.2.7 / 5.2.8 (RSDT: 32-bit entries, XSDT: 64-bit entries), 5.2.12 (MADT:
 * signature "APIC", local APIC address and flags after the header, then
 * interrupt controller structures of {type, length}), 5.2.12.2 (type 0,
 * 8 bytes: ACPI processor UID, APIC ID, flags), 5.2.12.12 (type 9, 16 bytes:
 * x2APIC ID, flags, UID); flags bit 0 Enabled, bit 1 Online Capable.
 */
#ifndef COCOBOOT_ACPI_TABLES_H
#define COCOBOOT_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* bytes 0..19 sum to 0 */
	char oem_id[6];
	uint8_t revision;  /* 0: ACPI 1.0 (20 bytes); 2: the fields below exist */
	uint32_t rsdt_address;
	uint32_t length;   /* of the whole RSDP, revision >= 2 */
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* all `length` bytes sum to 0 */
	uint8_t reserved[3];
} __attribute__((packed));

_Static_assert(offsetof(struct acpi_rsdp, checksum) == 8, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, revision) == 15, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, rsdt_address) == 16, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, length) == 20, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 24, "ACPI 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, extended_checksum) == 32, "ACPI 5.2.5.3");
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 5.2.5.3");
#define ACPI_RSDP_V1_LEN 20

struct acpi_sdt_header {
	char signature[4];
	uint32_t length; /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* all `length` bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

_Static_assert(offsetof(struct acpi_sdt_header, length) == 4, "ACPI 5.2.6");
_Static_assert(offsetof(struct acpi_sdt_header, checksum) == 9, "ACPI 5.2.6");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "ACPI 5.2.6");

struct acpi_madt {
	struct acpi_sdt_header hdr; /* "APIC" */
	uint32_t lapic_address;
	uint32_t flags; /* bit 0 PCAT_COMPAT */
} __attribute__((packed));

_Static_assert(offsetof(struct acpi_madt, lapic_address) == 36, "ACPI 5.2.12");
_Static_assert(sizeof(struct acpi_madt) == 44, "ACPI 5.2.12");

#define ACPI_MADT_LAPIC   0 /* Processor Local APIC */
#define ACPI_MADT_X2APIC  9 /* Processor Local x2APIC */

struct acpi_madt_lapic {
	uint8_t type, length; /* 0, 8 */
	uint8_t uid;          /* ACPI processor UID */
	uint8_t apic_id;
	uint32_t flags;
} __attribute__((packed));

_Static_assert(offsetof(struct acpi_madt_lapic, apic_id) == 3, "ACPI 5.2.12.2");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "ACPI 5.2.12.2");

struct acpi_madt_x2apic {
	uint8_t type, length; /* 9, 16 */
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t uid;
} __attribute__((packed));

_Static_assert(offsetof(struct acpi_madt_x2apic, x2apic_id) == 4, "ACPI 5.2.12.12");
_Static_assert(offsetof(struct acpi_madt_x2apic, flags) == 8, "ACPI 5.2.12.12");
_Static_assert(offsetof(struct acpi_madt_x2apic, uid) == 12, "ACPI 5.2.12.12");
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "ACPI 5.2.12.12");

#define ACPI_MADT_ENABLED        (1u << 0)
#define ACPI_MADT_ONLINE_CAPABLE (1u << 1)

#endif
