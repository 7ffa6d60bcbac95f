/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4 §6.2), freestanding: the guest's only hash. It checks the
 * payload against the measured hashes table (measure/hashes.c) and the AP
 * bring-up code against its reference digest. Pure C, also built on the host
 * for tests (tests/unit/test_sha256.c: FIPS vectors and the host's sha256sum).
 */
#ifndef COCOBOOT_LIB_SHA256_H
#define COCOBOOT_LIB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE  64

struct sha256_ctx {
	uint32_t h[8];
	uint64_t bytes;                   /* message length so far */
	uint8_t buf[SHA256_BLOCK_SIZE];   /* partial block */
	unsigned fill;
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

#endif
