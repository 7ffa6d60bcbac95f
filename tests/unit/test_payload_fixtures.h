/* SPDX-License-Identifier: MIT */
/*
 * Builders for the payload parser tests and fuzz seeds: a minimal valid PVH
 * ELF64/ELF32, bzImage and bundle, built in memory so each test can break one
 * field. Host only.
 */
#ifndef COCOBOOT_TEST_PAYLOAD_FIXTURES_H
#define COCOBOOT_TEST_PAYLOAD_FIXTURES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "elf/elf.h"
#include "elf/xen_note.h"
#include "linux/boot_params.h"

static inline void fx_w16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static inline void fx_w32(uint8_t *p, uint32_t v) { fx_w16(p, v); fx_w16(p + 2, v >> 16); }
static inline void fx_w64(uint8_t *p, uint64_t v) { fx_w32(p, v); fx_w32(p + 4, v >> 32); }

/* ---- PVH ELF ------------------------------------------------------------
 * ELF64 layout: ehdr @0, phdr[0] PT_LOAD @0x40, phdr[1] PT_NOTE @0x78,
 * note @0x200 (Xen PHYS32_ENTRY, desc 8 bytes), section headers @0x300
 * (null + SHT_NOTE over the same note), segment data @0x1000 (0x100 bytes).
 * Load: paddr 0x100000, memsz 0x2000; entry 0x100010.
 */
#define FX_ELF_SIZE      0x1100
#define FX_ELF_PADDR     0x100000u
#define FX_ELF_ENTRY     0x100010u
#define FX_ELF_NOTE_OFF  0x200
#define FX_ELF_SH_OFF    0x300
#define FX_ELF64_PH(i)   (0x40 + 56 * (i))
#define FX_ELF32_PH(i)   (0x34 + 32 * (i))

static inline size_t fx_note(uint8_t *n, uint32_t type, uint32_t descsz, uint64_t val)
{
	fx_w32(n, 4); fx_w32(n + 4, descsz); fx_w32(n + 8, type);
	memcpy(n + 12, "Xen", 4);
	if (descsz == 8)
		fx_w64(n + 16, val);
	else
		fx_w32(n + 16, (uint32_t)val);
	return 16 + ((descsz + 3) & ~3u);
}

static inline size_t fx_elf64(uint8_t *b)
{
	memset(b, 0, FX_ELF_SIZE);
	memcpy(b, ELF_MAG, 4);
	b[ELF_EI_CLASS] = ELF_CLASS64; b[ELF_EI_DATA] = ELF_DATA2LSB; b[ELF_EI_VERSION] = 1;
	fx_w16(b + 16, ELF_ET_EXEC); fx_w16(b + 18, ELF_EM_X86_64); fx_w32(b + 20, 1);
	fx_w64(b + 24, FX_ELF_ENTRY); fx_w64(b + 32, 0x40); fx_w64(b + 40, FX_ELF_SH_OFF);
	fx_w16(b + 52, 64); fx_w16(b + 54, 56); fx_w16(b + 56, 2);
	fx_w16(b + 58, 64); fx_w16(b + 60, 2);
	uint8_t *ph = b + FX_ELF64_PH(0);
	fx_w32(ph, ELF_PT_LOAD); fx_w32(ph + 4, 7); fx_w64(ph + 8, 0x1000);
	fx_w64(ph + 16, FX_ELF_PADDR); fx_w64(ph + 24, FX_ELF_PADDR);
	fx_w64(ph + 32, 0x100); fx_w64(ph + 40, 0x2000); fx_w64(ph + 48, 0x1000);
	size_t nsz = fx_note(b + FX_ELF_NOTE_OFF, XEN_ELFNOTE_PHYS32_ENTRY, 8, FX_ELF_ENTRY);
	ph = b + FX_ELF64_PH(1);
	fx_w32(ph, ELF_PT_NOTE); fx_w64(ph + 8, FX_ELF_NOTE_OFF); fx_w64(ph + 32, nsz);
	fx_w64(ph + 40, nsz); fx_w64(ph + 48, 4);
	uint8_t *sh = b + FX_ELF_SH_OFF + 64;
	fx_w32(sh + 4, ELF_SHT_NOTE); fx_w64(sh + 24, FX_ELF_NOTE_OFF); fx_w64(sh + 32, nsz);
	memset(b + 0x1000, 0x90, 0x100);
	return FX_ELF_SIZE;
}

static inline size_t fx_elf32(uint8_t *b)
{
	memset(b, 0, FX_ELF_SIZE);
	memcpy(b, ELF_MAG, 4);
	b[ELF_EI_CLASS] = ELF_CLASS32; b[ELF_EI_DATA] = ELF_DATA2LSB; b[ELF_EI_VERSION] = 1;
	fx_w16(b + 16, ELF_ET_EXEC); fx_w16(b + 18, ELF_EM_386); fx_w32(b + 20, 1);
	fx_w32(b + 24, FX_ELF_ENTRY); fx_w32(b + 28, 0x34); fx_w32(b + 32, FX_ELF_SH_OFF);
	fx_w16(b + 40, 52); fx_w16(b + 42, 32); fx_w16(b + 44, 2);
	fx_w16(b + 46, 40); fx_w16(b + 48, 2);
	uint8_t *ph = b + FX_ELF32_PH(0);
	fx_w32(ph, ELF_PT_LOAD); fx_w32(ph + 4, 0x1000); fx_w32(ph + 8, FX_ELF_PADDR);
	fx_w32(ph + 12, FX_ELF_PADDR); fx_w32(ph + 16, 0x100); fx_w32(ph + 20, 0x2000);
	fx_w32(ph + 24, 7); fx_w32(ph + 28, 0x1000);
	size_t nsz = fx_note(b + FX_ELF_NOTE_OFF, XEN_ELFNOTE_PHYS32_ENTRY, 4, FX_ELF_ENTRY);
	ph = b + FX_ELF32_PH(1);
	fx_w32(ph, ELF_PT_NOTE); fx_w32(ph + 4, FX_ELF_NOTE_OFF); fx_w32(ph + 16, nsz);
	fx_w32(ph + 20, nsz); fx_w32(ph + 28, 4);
	uint8_t *sh = b + FX_ELF_SH_OFF + 40;
	fx_w32(sh + 4, ELF_SHT_NOTE); fx_w32(sh + 16, FX_ELF_NOTE_OFF); fx_w32(sh + 20, nsz);
	memset(b + 0x1000, 0x90, 0x100);
	return FX_ELF_SIZE;
}

/* ---- bzImage -------------------------------------------------------------
 * setup_sects 4 (2560 bytes of setup), 4096 bytes of protected-mode kernel.
 */
#define FX_BZ_SETUP   (5 * 512)
#define FX_BZ_PM      4096
#define FX_BZ_SIZE    (FX_BZ_SETUP + FX_BZ_PM)
#define FX_BZ(f)      offsetof(struct boot_params, hdr.f)

static inline size_t fx_bzimage(uint8_t *b)
{
	memset(b, 0, FX_BZ_SIZE);
	b[FX_BZ(setup_sects)] = 4;
	fx_w32(b + FX_BZ(syssize), FX_BZ_PM / 16);
	fx_w16(b + FX_BZ(boot_flag), BOOT_FLAG_MAGIC);
	b[FX_BZ(jump)] = 0xeb; b[BOOT_HDR_LEN_BYTE] = 0x6a; /* header ends at 0x26c */
	fx_w32(b + FX_BZ(header), BOOT_HDRS_MAGIC);
	fx_w16(b + FX_BZ(version), 0x020f);
	b[FX_BZ(loadflags)] = LOADFLAG_LOADED_HIGH;
	fx_w32(b + FX_BZ(code32_start), 0x100000);
	fx_w32(b + FX_BZ(initrd_addr_max), 0x7fffffff);
	fx_w32(b + FX_BZ(kernel_alignment), 0x200000);
	b[FX_BZ(relocatable_kernel)] = 1;
	b[FX_BZ(min_alignment)] = 21;
	fx_w16(b + FX_BZ(xloadflags), XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	fx_w32(b + FX_BZ(cmdline_size), 2047);
	fx_w32(b + FX_BZ(payload_offset), 0x100);
	fx_w32(b + FX_BZ(payload_length), 0x200);
	fx_w64(b + FX_BZ(pref_address), 0x1000000);
	fx_w32(b + FX_BZ(init_size), 0x400000);
	memset(b + FX_BZ_SETUP, 0xcc, FX_BZ_PM);
	return FX_BZ_SIZE;
}

/* ---- cpio newc ------------------------------------------------------------ */
struct fx_cpio {
	uint8_t *buf;
	size_t len, cap;
};

static inline void fx_cpio_put(struct fx_cpio *c, const void *d, size_t n)
{
	if (n == 0)
		return;
	if (c->len + n + 4 > c->cap) {
		c->cap = (c->len + n + 4) * 2;
		c->buf = realloc(c->buf, c->cap);
	}
	memcpy(c->buf + c->len, d, n);
	c->len += n;
}

static inline void fx_cpio_pad(struct fx_cpio *c)
{
	static const uint8_t z[4];
	fx_cpio_put(c, z, (4 - c->len % 4) % 4);
}

static inline void fx_cpio_add(struct fx_cpio *c, const char *name, uint32_t mode,
			       const void *data, size_t n)
{
	char h[111];
	snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 1u, mode, 0u, 0u, 1u, 0u, (unsigned)n, 0u, 0u, 0u, 0u,
		 (unsigned)strlen(name) + 1, 0u);
	fx_cpio_put(c, h, 110);
	fx_cpio_put(c, name, strlen(name) + 1);
	fx_cpio_pad(c);
	fx_cpio_put(c, data, n);
	fx_cpio_pad(c);
}

static inline void fx_cpio_trailer(struct fx_cpio *c)
{
	fx_cpio_add(c, "TRAILER!!!", 0, NULL, 0);
}

#define FX_REG 0100644u
#define FX_DIR 0040755u

/* The Debian image `name` fetched by tests/linux/fetch.sh ($LINUX_CACHE, else
 * $BUILD/linux-cache), read whole; NULL when it has not been fetched. */
static inline uint8_t *fx_read_cached(const char *name, size_t *len)
{
	const char *dir = getenv("LINUX_CACHE"), *build = getenv("BUILD");
	char path[512];

	if (dir)
		snprintf(path, sizeof path, "%s/%s", dir, name);
	else
		snprintf(path, sizeof path, "%s/linux-cache/%s", build ? build : "build", name);
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);

	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc(n > 0 ? (size_t)n : 1);

	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

#endif
