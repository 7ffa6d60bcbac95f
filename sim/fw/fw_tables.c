/* SPDX-License-Identifier: MIT */
/*
 * Launch memory outside RAM that a multi-vCPU launch adds, as pure functions shared by
 * sevsim (fw/bringup.c) and tools/cocoboot-measure, so both load and measure the same
 * bytes (docs/abi.md §8.8, §9.4):
 *   - ACPI tables, as libxl/libacpi builds them for a PVH domU (xen-pvh-linux-boot-facts.md
 *     §2.6: processor UID = vCPU id, APIC ID = 2 x vCPU id): RSDP revision 2 -> XSDT ->
 *     MADT with a Processor Local APIC entry (type 0) per CPU up to APIC ID 0xFE and an
 *     x2APIC entry (type 9) above, all enabled (ACPI 6.5 §5.2.5, §5.2.8, §5.2.12);
 *   - the Xen AP bring-up region (docs/abi.md §8.3): header, the init code, its SHA-256,
 *     zero slots.
 * Placement: the bring-up region just below the special pages (ld_bringup_region), the
 * ACPI tables just below that (or below the special pages when there is no region).
 */
#include "sim/fw/launch_digest.h"

#include <openssl/evp.h>
#include <string.h>

#include "xen/ap_bringup.h"

#define SPECIAL_BASE 0xfeff8000ull
#define APIC_BASE    0xfee00000ull
#define SDT_HDR      36
#define XSDT_AT      64                        /* the RSDP first, then the XSDT */
#define MADT_AT      (XSDT_AT + SDT_HDR + 8)

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t c = 0;

	for (size_t i = 0; i < n; i++)
		c = (uint8_t)(c + p[i]);
	return c;
}

static void put(uint8_t *p, size_t off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static void sdt_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put(t, 4, len, 4);
	t[8] = rev;
	memcpy(t + 10, "SEVSIM", 6);
	memcpy(t + 16, "SEVSIMMP", 8);
	put(t, 24, 1, 4);
	memcpy(t + 28, "SSIM", 4);
	put(t, 32, 1, 4);
	t[9] = (uint8_t)-sum(t, len);
}

static uint64_t madt_len(unsigned nr_vcpus)
{
	uint64_t m = SDT_HDR + 8;

	for (unsigned i = 0; i < nr_vcpus; i++)
		m += 2 * i <= 0xfe ? 8 : 16;
	return m;
}

uint64_t ld_acpi_size(unsigned nr_vcpus)
{
	return (MADT_AT + madt_len(nr_vcpus) + 4095) & ~4095ull;
}

void ld_acpi_build(uint8_t *buf, uint64_t gpa, unsigned nr_vcpus)
{
	uint64_t ml = madt_len(nr_vcpus), off = SDT_HDR + 8;
	uint8_t *rsdp = buf, *xsdt = buf + XSDT_AT, *madt = buf + MADT_AT;

	memset(buf, 0, ld_acpi_size(nr_vcpus));
	put(madt, SDT_HDR, APIC_BASE, 4);   /* local APIC address */
	put(madt, SDT_HDR + 4, 1, 4);       /* PCAT_COMPAT */
	for (unsigned i = 0; i < nr_vcpus; i++) {
		uint32_t id = 2 * i;
		if (id <= 0xfe) {
			madt[off] = 0;
			madt[off + 1] = 8;
			madt[off + 2] = (uint8_t)i;  /* ACPI processor UID */
			madt[off + 3] = (uint8_t)id;
			put(madt, off + 4, 1, 4);    /* enabled */
			off += 8;
		} else {
			madt[off] = 9;
			madt[off + 1] = 16;
			put(madt, off + 4, id, 4);
			put(madt, off + 8, 1, 4);
			put(madt, off + 12, i, 4);
			off += 16;
		}
	}
	sdt_header(madt, "APIC", (uint32_t)ml, 5);
	put(xsdt, SDT_HDR, gpa + MADT_AT, 8);
	sdt_header(xsdt, "XSDT", SDT_HDR + 8, 1);
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "SEVSIM", 6);
	rsdp[15] = 2;                        /* revision 2: XSDT, extended checksum */
	put(rsdp, 20, 36, 4);
	put(rsdp, 24, gpa + XSDT_AT, 8);
	rsdp[8] = (uint8_t)-sum(rsdp, 20);
	rsdp[32] = (uint8_t)-sum(rsdp, 36);
}

void ld_bringup_build(uint8_t *r, uint64_t size, unsigned nr_vcpus, const uint8_t *code,
		      size_t code_len)
{
	struct xen_ap_bringup_header h = { 0 };

	memset(r, 0, size);
	h.magic = XEN_AP_BRINGUP_MAGIC;
	h.version = XEN_AP_BRINGUP_VERSION;
	h.header_size = XEN_AP_BRINGUP_HDR_SIZE;
	h.size = (uint32_t)size;
	h.code_offset = XEN_AP_BRINGUP_HDR_SIZE;
	h.code_length = (uint32_t)code_len;
	h.slot_offset = (uint32_t)((h.code_offset + code_len + 127) & ~127ull);
	h.slot_size = XEN_AP_BRINGUP_SLOT_SIZE;
	h.nr_slots = nr_vcpus;
	h.entry_offset = h.code_offset;
	memcpy(r + h.code_offset, code, code_len);
	EVP_Digest(r + h.code_offset, code_len, h.code_sha256, NULL, EVP_sha256(), NULL);
	memcpy(r, &h, sizeof(h));
}

void ld_fwmem_layout(unsigned nr_vcpus, bool acpi, bool page, struct ld_fwmem *l)
{
	memset(l, 0, sizeof(*l));
	if (page)
		l->bringup_gpa = ld_bringup_region(nr_vcpus, &l->bringup_size);
	l->acpi_size = acpi ? ld_acpi_size(nr_vcpus) : 0;
	l->size = l->acpi_size + l->bringup_size;
	l->gpa = SPECIAL_BASE - l->size;
	l->acpi_gpa = acpi ? l->gpa : 0;
}
