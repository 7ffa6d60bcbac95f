/* SPDX-License-Identifier: MIT */
/*
 * Little-endian reads from an untrusted byte buffer at any alignment. The
 * parsers never cast image bytes to structs: they read each field at its
 * offset (offsetof on the ABI structs in include/), after a bounds check.
 */
#ifndef COCOBOOT_PAYLOAD_BYTES_H
#define COCOBOOT_PAYLOAD_BYTES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

static inline uint8_t payload_rd8(const uint8_t *p) { return p[0]; }
static inline uint16_t payload_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t payload_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}
static inline uint64_t payload_rd64(const uint8_t *p)
{
	return (uint64_t)payload_rd32(p) | ((uint64_t)payload_rd32(p + 4) << 32);
}

/* [off, off+len) lies inside a buffer of size bytes, without overflow. */
static inline bool payload_in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static inline bool payload_is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

#endif
