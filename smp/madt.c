// SPDX-License-Identifier: MIT
/* ACPI 6.5 sections 5.2.5-5.2.12 (include/acpi/tables.h). */
#include "smp/madt.h"

#include <acpi/tables.h>

#include "lib/format.h"

#ifdef COCOBOOT_HOST
#include <string.h>
#else
#include "lib/string.h"
#endif

#define ERR(...) (fmt_snprintf(err, err_size, __VA_ARGS__), false)

static uint8_t sum_bytes(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* The checksum of a table in guest memory, read in chunks (tables can be
 * larger than any buffer we want on the stack). */
static bool sum_in_memory(madt_read_fn read, void *opaque, uint64_t pa, uint32_t len, uint8_t *sum)
{
	uint8_t chunk[256];

	*sum = 0;
	for (uint32_t off = 0; off < len; off += sizeof(chunk)) {
		uint32_t n = len - off < sizeof(chunk) ? len - off : (uint32_t)sizeof(chunk);

		if (!read(opaque, pa + off, chunk, n))
			return false;
		*sum = (uint8_t)(*sum + sum_bytes(chunk, n));
	}
	return true;
}

/* Read and check the header of the table at pa: readable, length within
 * [min_len, max_len], whole table readable, checksum 0. */
static bool sdt_check(madt_read_fn read, void *opaque, uint64_t pa, const char *what,
		      uint32_t min_len, uint32_t max_len, struct acpi_sdt_header *h, char *err,
		      size_t err_size)
{
	uint8_t sum;

	if (!read(opaque, pa, h, sizeof(*h)))
		return ERR("acpi: %s at %#llx is not in memory the map describes", what,
			   (unsigned long long)pa);
	if (h->length < min_len || h->length > max_len)
		return ERR("acpi: %s at %#llx: length=%u is outside [%u, %u]", what,
			   (unsigned long long)pa, h->length, min_len, max_len);
	if (!sum_in_memory(read, opaque, pa, h->length, &sum))
		return ERR("acpi: %s at %#llx: length=%u runs out of described memory", what,
			   (unsigned long long)pa, h->length);
	if (sum)
		return ERR("acpi: %s at %#llx: checksum=%#x does not make the bytes sum to 0 (sum %#x)",
			   what, (unsigned long long)pa, h->checksum, sum);
	return true;
}

static bool rsdp_check(madt_read_fn read, void *opaque, uint64_t pa, uint64_t *sdt_pa,
		       unsigned *entry_size, char *err, size_t err_size)
{
	struct acpi_rsdp r;

	if (pa == 0)
		return ERR("acpi: no RSDP (start_info rsdp_paddr=0)");
	if (!read(opaque, pa, &r, ACPI_RSDP_V1_LEN))
		return ERR("acpi: RSDP at rsdp_paddr=%#llx is not in memory the map describes",
			   (unsigned long long)pa);
	if (memcmp(r.signature, "RSD PTR ", 8) != 0)
		return ERR("acpi: RSDP at %#llx: signature is not \"RSD PTR \"", (unsigned long long)pa);
	if (sum_bytes((const uint8_t *)&r, ACPI_RSDP_V1_LEN))
		return ERR("acpi: RSDP at %#llx: checksum=%#x does not make bytes 0-19 sum to 0",
			   (unsigned long long)pa, r.checksum);
	*sdt_pa = r.rsdt_address;
	*entry_size = 4;
	if (r.revision < 2)
		return true;
	if (!read(opaque, pa, &r, sizeof(r)))
		return ERR("acpi: RSDP at %#llx (revision %u) is not in described memory",
			   (unsigned long long)pa, r.revision);
	if (r.length < sizeof(r) || r.length > 4096)
		return ERR("acpi: RSDP at %#llx: length=%u is outside [36, 4096]",
			   (unsigned long long)pa, r.length);
	uint8_t sum;

	if (!sum_in_memory(read, opaque, pa, r.length, &sum) || sum)
		return ERR("acpi: RSDP at %#llx: extended_checksum=%#x does not make its %u bytes sum to 0",
			   (unsigned long long)pa, r.extended_checksum, r.length);
	if (r.xsdt_address) {
		*sdt_pa = r.xsdt_address;
		*entry_size = 8;
	}
	return true;
}

bool madt_find(madt_read_fn read, void *opaque, uint64_t rsdp_pa, uint8_t *buf, size_t buf_size,
	       size_t *len, uint64_t *madt_pa, char *err, size_t err_size)
{
	uint64_t sdt_pa;
	unsigned esz;
	struct acpi_sdt_header h;

	if (!rsdp_check(read, opaque, rsdp_pa, &sdt_pa, &esz, err, err_size))
		return false;
	const char *sdt_name = esz == 8 ? "XSDT" : "RSDT";

	if (!sdt_check(read, opaque, sdt_pa, sdt_name, sizeof(h),
		       sizeof(h) + ACPI_MAX_SDT_ENTRIES * esz, &h, err, err_size))
		return false;
	if (memcmp(h.signature, esz == 8 ? "XSDT" : "RSDT", 4) != 0)
		return ERR("acpi: %s at %#llx: signature is not \"%s\"", sdt_name,
			   (unsigned long long)sdt_pa, sdt_name);
	if ((h.length - sizeof(h)) % esz)
		return ERR("acpi: %s at %#llx: length=%u leaves a partial %u-byte entry", sdt_name,
			   (unsigned long long)sdt_pa, h.length, esz);
	uint64_t found = 0;

	for (uint32_t i = 0; i < (h.length - sizeof(h)) / esz; i++) {
		uint64_t pa = 0;
		struct acpi_sdt_header t;

		if (!read(opaque, sdt_pa + sizeof(h) + (uint64_t)i * esz, &pa, esz))
			return ERR("acpi: %s entry %u unreadable", sdt_name, i);
		if (!read(opaque, pa, &t, sizeof(t)))
			return ERR("acpi: %s entry[%u]=%#llx is not in memory the map describes", sdt_name,
				   i, (unsigned long long)pa);
		if (memcmp(t.signature, "APIC", 4) != 0)
			continue;
		/* Two MADTs would be two answers to "which CPUs exist": take neither. */
		if (found)
			return ERR("acpi: %s entry[%u]=%#llx is a second MADT (the first is at %#llx)",
				   sdt_name, i, (unsigned long long)pa, (unsigned long long)found);
		found = pa;
	}
	if (!found)
		return ERR("acpi: no MADT (\"APIC\") among the %u entries of the %s at %#llx",
			   (h.length - (uint32_t)sizeof(h)) / esz, sdt_name, (unsigned long long)sdt_pa);

	uint32_t max = buf_size < MADT_MAX_LEN ? (uint32_t)buf_size : MADT_MAX_LEN;

	if (!sdt_check(read, opaque, found, "MADT", sizeof(struct acpi_madt), max, &h, err, err_size))
		return false;
	if (!read(opaque, found, buf, h.length))
		return ERR("acpi: MADT at %#llx unreadable", (unsigned long long)found);
	*len = h.length;
	*madt_pa = found;
	return true;
}

int madt_cpu_index(const struct madt_info *info, uint32_t apic_id)
{
	for (uint32_t i = 0; i < info->nr_cpus; i++)
		if (info->cpus[i].apic_id == apic_id)
			return (int)i;
	return -1;
}

static bool add_cpu(struct madt_info *out, uint32_t off, uint32_t apic_id, uint32_t uid,
		    uint32_t flags, uint8_t x2, char *err, size_t err_size)
{
	if (!(flags & ACPI_MADT_ENABLED)) {
		out->nr_disabled++;
		return true;
	}
	if (madt_cpu_index(out, apic_id) >= 0)
		return ERR("acpi: MADT entry at offset %#x: apic_id=%#x is listed twice", off, apic_id);
	if (out->nr_cpus == MADT_MAX_CPUS) {
		out->nr_dropped++;
		return true;
	}
	out->cpus[out->nr_cpus++] = (struct madt_cpu){ apic_id, uid, x2 };
	return true;
}

bool madt_parse(const uint8_t *tbl, size_t len, struct madt_info *out, char *err, size_t err_size)
{
	struct acpi_madt m;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(m))
		return ERR("acpi: MADT length=%zu is shorter than its 44-byte header", len);
	memcpy(&m, tbl, sizeof(m));
	if (memcmp(m.hdr.signature, "APIC", 4) != 0)
		return ERR("acpi: MADT signature is not \"APIC\"");
	if (m.hdr.length != len)
		return ERR("acpi: MADT length=%u, but %zu bytes were read", m.hdr.length, len);
	if (sum_bytes(tbl, len))
		return ERR("acpi: MADT checksum=%#x does not make its bytes sum to 0", m.hdr.checksum);
	out->lapic_address = m.lapic_address;
	for (size_t off = sizeof(m); off < len;) {
		if (len - off < 2)
			return ERR("acpi: MADT entry at offset %#zx: 1 byte left, an entry needs 2", off);
		uint8_t type = tbl[off], elen = tbl[off + 1];

		if (elen < 2 || elen > len - off)
			return ERR("acpi: MADT entry at offset %#zx (type %u): length=%u is outside [2, %zu]",
				   off, type, elen, len - off);
		if (type == ACPI_MADT_LAPIC) {
			struct acpi_madt_lapic e;

			if (elen != sizeof(e))
				return ERR("acpi: MADT local APIC entry at offset %#zx: length=%u, not 8",
					   off, elen);
			memcpy(&e, tbl + off, sizeof(e));
			if (!add_cpu(out, (uint32_t)off, e.apic_id, e.uid, e.flags, 0, err, err_size))
				return false;
		} else if (type == ACPI_MADT_X2APIC) {
			struct acpi_madt_x2apic e;

			if (elen != sizeof(e))
				return ERR("acpi: MADT x2APIC entry at offset %#zx: length=%u, not 16",
					   off, elen);
			memcpy(&e, tbl + off, sizeof(e));
			if (!add_cpu(out, (uint32_t)off, e.x2apic_id, e.uid, e.flags, 1, err, err_size))
				return false;
		}
		off += elen;
	}
	if (!out->nr_cpus)
		return ERR("acpi: MADT lists no enabled processor (%u disabled)", out->nr_disabled);
	return true;
}
