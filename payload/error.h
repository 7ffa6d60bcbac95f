/* SPDX-License-Identifier: MIT */
/*
 * Payload validation errors. Every check that rejects a payload names the
 * header field it read and the value it found (issue 4, item 3), so a report
 * reads e.g. "bzImage: setup_header.version = 0x20a: protocol older than 2.12".
 * The list of reasons is documented in docs/payloads.md.
 */
#ifndef COCOBOOT_PAYLOAD_ERROR_H
#define COCOBOOT_PAYLOAD_ERROR_H

#include <stdint.h>

struct payload_error {
	const char *format;  /* "ELF", "bzImage", "bundle", "payload" */
	const char *field;   /* the field as the spec names it, e.g. "e_phnum" */
	int index;           /* program header / member index, or -1 */
	uint64_t value;      /* the value found */
	const char *reason;  /* the rule it broke */
};

/* Fill *err (if not NULL) and return -1, so checks read "return payload_fail(...)". */
static inline int payload_fail(struct payload_error *err, const char *format,
			       const char *field, int index, uint64_t value,
			       const char *reason)
{
	if (err) {
		err->format = format;
		err->field = field;
		err->index = index;
		err->value = value;
		err->reason = reason;
	}
	return -1;
}

#endif
