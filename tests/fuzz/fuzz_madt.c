/* SOURCES: smp/madt.c lib/format.c */
/*
 * libFuzzer: finding and reading the MADT (smp/madt.c) in arbitrary guest
 * memory. The input is a 64 KiB window of "physical memory" at 0 with the RSDP
 * at 0x100, so the RSDP, the XSDT/RSDT and their entries, and every MADT entry
 * are fuzzed. Claims: no crash, no out-of-bounds read, no UB, no endless loop;
 * an accepted MADT lists at most MADT_MAX_CPUS CPUs, each APIC ID once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smp/madt.h"
#include "tests/fuzz/fuzz_input.h"

#define WINDOW 0x10000u

static uint8_t buf[MADT_MAX_LEN];
static struct madt_info info;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[200];
	size_t len;
	uint64_t pa;

	struct fz_input mem = { .p = data, .n = size < WINDOW ? size : WINDOW };

	if (!madt_find(fz_mem_read, &mem, 0x100, buf, sizeof(buf), &len, &pa, err, sizeof(err)))
		return 0;
	if (len > sizeof(buf))
		abort();
	if (!madt_parse(buf, len, &info, err, sizeof(err)))
		return 0;
	if (info.nr_cpus == 0 || info.nr_cpus > MADT_MAX_CPUS)
		abort();
	for (uint32_t i = 0; i < info.nr_cpus; i++)
		for (uint32_t j = i + 1; j < info.nr_cpus; j++)
			if (info.cpus[i].apic_id == info.cpus[j].apic_id)
				abort();
	return 0;
}
