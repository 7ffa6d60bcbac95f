/* SOURCES: xen/pvh.c lib/format.c */
/*
 * libFuzzer: hvm_start_info validation (xen/pvh.c) against arbitrary guest
 * memory. The input is a 64 KiB window of "physical memory" at 0; start_info
 * sits at 0x1000, so every pointer field, count and string in it is fuzzed.
 * Claims: no crash, no out-of-bounds read, no UB; an accepted start_info has
 * its counts within the limits and every module and string inside backed
 * memory and clear of the image.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xen/pvh.h"
#include "tests/fuzz/fuzz_input.h"

#define WINDOW 0x10000u

static struct pvh_info info;

static void warned(void *opaque, const char *msg)
{
	size_t len = strnlen(msg, 512);

	(void)opaque;
	if (len == 0 || len == 512)
		abort(); /* a warning says something and ends */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[WINDOW];
	static size_t used; /* bytes the previous input left at 0x1000 */
	char err[256];
	static struct fz_input mem = { .p = buf, .n = sizeof(buf) };
	const struct pvh_env env = { .read = fz_mem_read, .opaque = &mem, .image_start = 0x8000, .image_end = 0x9000,
				.warn = warned };
	size_t n = size < WINDOW - 0x1000 ? size : WINDOW - 0x1000;

	memset(buf + 0x1000, 0, used); /* the rest of the window stays zero */
	memcpy(buf + 0x1000, data, n);
	used = n;
	if (pvh_parse(&env, 0x1000, &info, err, sizeof(err)) != PVH_OK) {
		if (!memchr(err, 0, sizeof(err)) || !err[0])
			abort(); /* a refusal always says why */
		return 0;
	}
	if (info.nr_modules > PVH_MAX_MODULES || info.memmap_entries > PVH_MAX_MEMMAP ||
	    info.cmdline_len >= PVH_CMDLINE_MAX || info.cmdline[info.cmdline_len] != 0)
		abort();
	for (uint32_t i = 0; i < info.nr_modules; i++) {
		const struct pvh_module *m = &info.modules[i];

		if (!pvh_range_backed(&info, m->paddr, m->size) ||
		    (m->paddr < env.image_end && env.image_start < m->paddr + m->size))
			abort();
	}
	return 0;
}
