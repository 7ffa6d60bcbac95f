/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables for a machine with more than one vCPU (or --acpi): an RSDP (revision 2)
 * -> XSDT -> MADT, as libxl/libacpi builds them for a PVH domU (xen-pvh-linux-boot-
 * facts.md §2.6: processor UID = vCPU id, APIC ID = 2 x vCPU id). CPUs with an APIC ID up
 * to 0xFE get a Processor Local APIC entry (type 0), larger ones an x2APIC entry (type
 * 9), all enabled (ACPI 6.5 §5.2.12.2, §5.2.12.12). The tables are launch memory (private
 * under SEV) in a memory-map entry of type 3 (ACPI) outside RAM; rsdp_paddr names the
 * RSDP. Not in the launch digest yet (docs/sevsim.md "SMP").
 */
#include <string.h>

#include "sim/sim.h"

#define SDT_HDR 36

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

/* Size of the tables for the machine's vCPUs (all in one page-rounded block). */
static uint64_t tables_size(const struct sim *s, uint64_t *madt_len)
{
	uint64_t m = SDT_HDR + 8;

	for (unsigned i = 0; i < s->nr_vcpus; i++)
		m += 2 * i <= 0xfe ? 8 : 16;
	*madt_len = m;
	return (64 + SDT_HDR + 8 + m + 4095) & ~4095ull;
}

uint64_t sim_acpi_size(const struct sim *s)
{
	uint64_t m;

	return s->cfg.acpi ? tables_size(s, &m) : 0;
}

/* Build the tables into buf (which is the memory at gpa). */
void sim_acpi_build(struct sim *s, uint8_t *buf, uint64_t gpa)
{
	uint64_t madt_len, size = tables_size(s, &madt_len);
	uint8_t *rsdp = buf, *xsdt = buf + 64, *madt = buf + 64 + SDT_HDR + 8;

	memset(buf, 0, size);
	/* MADT: local APIC address, flags PCAT_COMPAT, then one entry per vCPU */
	put(madt, SDT_HDR, SIM_APIC_BASE, 4);
	put(madt, SDT_HDR + 4, 1, 4);
	uint64_t off = SDT_HDR + 8;
	for (unsigned i = 0; i < s->nr_vcpus; i++) {
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
	sdt_header(madt, "APIC", (uint32_t)madt_len, 5);
	/* XSDT: one pointer */
	put(xsdt, SDT_HDR, gpa + 64 + SDT_HDR + 8, 8);
	sdt_header(xsdt, "XSDT", SDT_HDR + 8, 1);
	/* RSDP 2.0: checksum over the first 20 bytes, extended checksum over 36 */
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "SEVSIM", 6);
	rsdp[15] = 2;
	put(rsdp, 20, 36, 4);
	put(rsdp, 24, gpa + 64, 8);
	rsdp[8] = (uint8_t)-sum(rsdp, 20);
	rsdp[32] = (uint8_t)-sum(rsdp, 36);
	s->acpi_rsdp = gpa;
	s->acpi_base = gpa;
	s->acpi_size = size;
}
