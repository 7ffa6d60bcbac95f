/* SOURCES: smp/madt.c lib/format.c */
/* Claims about counting CPUs from ACPI (smp/madt.c): hostile tables are refused
 * with an error naming the table, field and value; good ones give the enabled CPUs. */
#include "tests/unit/unit.h"

#include <acpi/tables.h>

#include "smp/madt.h"

#define MEM 0x4000
#define RSDP 0x100
#define XSDT 0x200
#define MADT 0x400

static uint8_t mem[MEM];
static uint8_t buf[MADT_MAX_LEN];
static char err[200];
static struct madt_info info;

static bool rd(void *opaque, uint64_t pa, void *dst, size_t len)
{
	(void)opaque;
	if (pa > MEM || len > MEM - pa)
		return false;
	memcpy(dst, mem + pa, len);
	return true;
}

static void fix_sum(uint8_t *p, size_t len, size_t sum_off)
{
	uint8_t s = 0;

	p[sum_off] = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	p[sum_off] = (uint8_t)-s;
}

static size_t madt_len;

/* An ACPI 2.0 RSDP -> XSDT with one MADT entry -> MADT with n local APIC entries
 * (APIC ID 2*i, UID i, enabled), like Xen's libacpi builds it. */
static void build(unsigned n)
{
	memset(mem, 0, sizeof(mem));
	struct acpi_rsdp *r = (struct acpi_rsdp *)(mem + RSDP);

	memcpy(r->signature, "RSD PTR ", 8);
	r->revision = 2;
	r->length = sizeof(*r);
	r->xsdt_address = XSDT;
	fix_sum(mem + RSDP, ACPI_RSDP_V1_LEN, 8);
	fix_sum(mem + RSDP, sizeof(*r), 32);

	struct acpi_sdt_header *x = (struct acpi_sdt_header *)(mem + XSDT);

	memcpy(x->signature, "XSDT", 4);
	x->length = sizeof(*x) + 8;
	uint64_t m = MADT;

	memcpy(mem + XSDT + sizeof(*x), &m, 8);
	fix_sum(mem + XSDT, x->length, 9);

	struct acpi_madt *md = (struct acpi_madt *)(mem + MADT);

	memcpy(md->hdr.signature, "APIC", 4);
	md->lapic_address = 0xfee00000;
	size_t off = sizeof(*md);

	for (unsigned i = 0; i < n; i++, off += 8) {
		struct acpi_madt_lapic e = { ACPI_MADT_LAPIC, 8, (uint8_t)i, (uint8_t)(2 * i),
					     ACPI_MADT_ENABLED };

		memcpy(mem + MADT + off, &e, 8);
	}
	md->hdr.length = (uint32_t)off;
	madt_len = off;
	fix_sum(mem + MADT, off, 9);
}

static void resum_madt(void)
{
	fix_sum(mem + MADT, ((struct acpi_madt *)(mem + MADT))->hdr.length, 9);
}

static bool find_and_parse(void)
{
	size_t len;
	uint64_t pa;

	err[0] = 0;
	if (!madt_find(rd, NULL, RSDP, buf, sizeof(buf), &len, &pa, err, sizeof(err)))
		return false;
	return madt_parse(buf, len, &info, err, sizeof(err));
}

static void lists_every_enabled_cpu_with_apic_id_and_uid(void **st)
{
	(void)st;
	build(8);
	assert_true(find_and_parse());
	assert_int_equal(info.nr_cpus, 8);
	assert_int_equal(info.cpus[5].apic_id, 10);
	assert_int_equal(info.cpus[5].uid, 5);
	assert_int_equal(info.lapic_address, 0xfee00000);
}

static void disabled_entries_are_counted_not_started(void **st)
{
	(void)st;
	build(4);
	mem[MADT + 44 + 3 * 8 + 4] = ACPI_MADT_ONLINE_CAPABLE; /* CPU 3: hot-plug slot */
	resum_madt();
	assert_true(find_and_parse());
	assert_int_equal(info.nr_cpus, 3);
	assert_int_equal(info.nr_disabled, 1);
}

static void x2apic_entries_are_read(void **st)
{
	(void)st;
	build(1);
	struct acpi_madt_x2apic e = { ACPI_MADT_X2APIC, 16, 0, 0x1234, ACPI_MADT_ENABLED, 77 };

	memcpy(mem + MADT + madt_len, &e, 16);
	((struct acpi_madt *)(mem + MADT))->hdr.length += 16;
	resum_madt();
	assert_true(find_and_parse());
	assert_int_equal(info.nr_cpus, 2);
	assert_int_equal(info.cpus[1].apic_id, 0x1234);
	assert_int_equal(info.cpus[1].uid, 77);
	assert_true(info.cpus[1].x2apic);
}

static void rsdt_is_used_for_an_acpi1_rsdp(void **st)
{
	(void)st;
	build(2);
	struct acpi_rsdp *r = (struct acpi_rsdp *)(mem + RSDP);
	struct acpi_sdt_header *x = (struct acpi_sdt_header *)(mem + XSDT);

	r->revision = 0;
	r->rsdt_address = XSDT;
	fix_sum(mem + RSDP, ACPI_RSDP_V1_LEN, 8);
	memcpy(x->signature, "RSDT", 4);
	x->length = sizeof(*x) + 4;
	fix_sum(mem + XSDT, x->length, 9);
	assert_true(find_and_parse());
	assert_int_equal(info.nr_cpus, 2);
}

#define REFUSED(what) do { assert_false(find_and_parse()); assert_non_null(strstr(err, what)); } while (0)

static void bad_rsdp_signature_and_checksums_are_refused(void **st)
{
	(void)st;
	build(2);
	mem[RSDP] = 'X';
	REFUSED("signature");
	build(2);
	mem[RSDP + 9]++; /* OEM id: first checksum broken */
	REFUSED("checksum=");
	build(2);
	mem[RSDP + 33]++; /* reserved byte: only the extended checksum breaks */
	REFUSED("extended_checksum=");
	build(2);
	assert_false(madt_find(rd, NULL, 0, buf, sizeof(buf), &(size_t){0}, &(uint64_t){0}, err,
			       sizeof(err)));
	assert_non_null(strstr(err, "rsdp_paddr=0"));
}

static void xsdt_and_madt_lengths_and_checksums_are_checked(void **st)
{
	(void)st;
	build(2);
	((struct acpi_sdt_header *)(mem + XSDT))->length = 0x10000000;
	REFUSED("XSDT at 0x200: length=268435456");
	build(2);
	mem[XSDT + 20]++;
	REFUSED("XSDT at 0x200: checksum=");
	build(2);
	((struct acpi_sdt_header *)(mem + MADT))->length = 20;
	REFUSED("MADT at 0x400: length=20");
	build(2);
	mem[MADT + 50]++;
	REFUSED("MADT at 0x400: checksum=");
	build(2);
	((struct acpi_sdt_header *)(mem + MADT))->length = MEM; /* runs past memory */
	REFUSED("runs out of described memory");
	build(2);
	uint64_t far = 0x100000;

	memcpy(mem + XSDT + 36, &far, 8);
	fix_sum(mem + XSDT, 44, 9);
	REFUSED("entry[0]=0x100000");
	build(2);
	struct acpi_sdt_header *x = (struct acpi_sdt_header *)(mem + XSDT);
	uint64_t again = MADT;

	memcpy(mem + XSDT + 44, &again, 8); /* the same MADT listed twice */
	x->length += 8;
	fix_sum(mem + XSDT, x->length, 9);
	REFUSED("entry[1]=0x400 is a second MADT (the first is at 0x400)");
}

static void bad_entries_are_refused_with_their_offset(void **st)
{
	(void)st;
	build(3);
	mem[MADT + 44 + 8 + 1] = 0; /* entry 1: length 0 would loop forever */
	resum_madt();
	REFUSED("offset 0x34 (type 0): length=0");
	build(3);
	mem[MADT + 44 + 8 + 1] = 200; /* past the end */
	resum_madt();
	REFUSED("length=200");
	build(3);
	mem[MADT + 44 + 8 + 1] = 6; /* a local APIC entry must be 8 bytes */
	mem[MADT + 44 + 8 + 6] = 0;
	resum_madt();
	REFUSED("local APIC entry at offset 0x34: length=6");
	build(3);
	mem[MADT + 44 + 8 + 3] = 0; /* CPU 1 claims CPU 0's APIC ID */
	resum_madt();
	REFUSED("apic_id=0 is listed twice");
	build(3);
	for (int i = 0; i < 3; i++)
		mem[MADT + 44 + 8 * i + 4] = 0;
	resum_madt();
	REFUSED("no enabled processor (3 disabled)");
}

static void more_cpus_than_supported_are_dropped_not_overflowed(void **st)
{
	(void)st;
	static uint8_t t[44 + 300 * 16];
	struct acpi_madt *m = (struct acpi_madt *)t;

	memset(t, 0, sizeof(t));
	memcpy(m->hdr.signature, "APIC", 4);
	m->hdr.length = sizeof(t);
	for (unsigned i = 0; i < 300; i++) {
		struct acpi_madt_x2apic e = { ACPI_MADT_X2APIC, 16, 0, i, ACPI_MADT_ENABLED, i };

		memcpy(t + 44 + 16 * i, &e, 16);
	}
	fix_sum(t, sizeof(t), 9);
	assert_true(madt_parse(t, sizeof(t), &info, err, sizeof(err)));
	assert_int_equal(info.nr_cpus, MADT_MAX_CPUS);
	assert_int_equal(info.nr_dropped, 300 - MADT_MAX_CPUS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lists_every_enabled_cpu_with_apic_id_and_uid),
		cmocka_unit_test(disabled_entries_are_counted_not_started),
		cmocka_unit_test(x2apic_entries_are_read),
		cmocka_unit_test(rsdt_is_used_for_an_acpi1_rsdp),
		cmocka_unit_test(bad_rsdp_signature_and_checksums_are_refused),
		cmocka_unit_test(xsdt_and_madt_lengths_and_checksums_are_checked),
		cmocka_unit_test(bad_entries_are_refused_with_their_offset),
		cmocka_unit_test(more_cpus_than_supported_are_dropped_not_overflowed),
	};
	return UNIT_RUN(tests);
}
