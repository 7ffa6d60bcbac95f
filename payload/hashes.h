/* SPDX-License-Identifier: MIT */
/*
 * Checking the payload against the SEV hashes table (include/sev/hashes.h,
 * docs/abi.md §9). Pure C, also built on the host for tests.
 */
#ifndef COCOBOOT_PAYLOAD_HASHES_H
#define COCOBOOT_PAYLOAD_HASHES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sev/hashes.h"

enum hashes_state {
	HASHES_EMPTY,          /* the whole page is zero: no hashes */
	HASHES_VALID,          /* header and every entry well formed */
	HASHES_BAD_TABLE,      /* header GUID/len wrong or bytes after the table: overwritten */
	HASHES_BAD_ENTRY,      /* an entry's GUID or length is not the one its slot needs */
};

/* What was wrong, for the error message. */
struct hashes_problem {
	const char *field;     /* "table.guid", "kernel.len", ... */
	uint64_t value;
	const char *reason;
};

enum hashes_state hashes_table_check(const uint8_t *page, size_t size,
				     struct hashes_problem *why);

/* SHA-256 of data equals the entry's hash. */
bool hashes_entry_matches(const struct sev_hash_entry *e, const void *data, size_t len);

/* The command line as the table covers it: its bytes and the NUL after them. */
bool hashes_cmdline_matches(const struct sev_hash_entry *e, const char *cmdline, size_t len);

#endif
