/* SPDX-License-Identifier: MIT */
/* The harnesses' view of their input: a cursor that hands out little-endian values. */
#ifndef COCOBOOT_TESTS_FUZZ_INPUT_H
#define COCOBOOT_TESTS_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fz_input {
	const uint8_t *p;
	size_t n; /* bytes left */
};

/* The next `bytes` (at most 8) bytes as a little-endian value; past the end of the
 * input the missing bytes read as zero. */
static inline uint64_t fz_take(struct fz_input *in, size_t bytes)
{
	uint64_t v = 0;
	size_t k = in->n < bytes ? in->n : bytes;

	if (k)
		memcpy(&v, in->p, k);
	in->p += k;
	in->n -= k;
	return v;
}

/* The input as guest-physical memory from address 0: the read callback the start_info
 * and MADT parsers take (opaque: the struct fz_input). Reads past the end fail. */
static inline bool fz_mem_read(void *opaque, uint64_t pa, void *dst, size_t len)
{
	const struct fz_input *m = opaque;

	if (pa > m->n || len > m->n - pa)
		return false;
	memcpy(dst, m->p + pa, len);
	return true;
}

#endif
