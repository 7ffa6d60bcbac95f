/* SOURCES: payload/hashes.c lib/sha256.c */
/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the hashes table check (payload/hashes.c): any page
 * content gives one of the four states; a problem always names a field and a
 * reason; VALID means the header and every entry have the lengths of
 * include/sev/hashes.h. The input is laid on a zeroed page (the guest's view).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "payload/hashes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t page[COCOBOOT_HASHES_PAGE_SIZE];
	struct hashes_problem why = { 0 };
	const struct sev_hash_table *t = (const struct sev_hash_table *)page;

	memset(page, 0, sizeof(page));
	memcpy(page, data, size < sizeof(page) ? size : sizeof(page));
	switch (hashes_table_check(page, sizeof(page), &why)) {
	case HASHES_EMPTY:
		for (size_t i = 0; i < sizeof(page); i++)
			if (page[i])
				abort();
		break;
	case HASHES_VALID:
		if (t->len != 168 || t->kernel.len != 50 || t->initrd.len != 50 || t->cmdline.len != 50)
			abort();
		(void)hashes_entry_matches(&t->kernel, data, size);
		(void)hashes_cmdline_matches(&t->cmdline, (const char *)data, size);
		break;
	case HASHES_BAD_TABLE:
	case HASHES_BAD_ENTRY:
		if (!why.field || !why.reason)
			abort();
		break;
	default:
		abort();
	}
	return 0;
}
