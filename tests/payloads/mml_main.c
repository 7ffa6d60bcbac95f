// SPDX-License-Identifier: MIT
/*
 * Multi-module launcher (mml): a test-only PVH loader. QEMU's PVH path gives a
 * guest exactly one module (-initrd), so to boot cocoboot with several modules
 * under QEMU this PVH ELF32 gets one cpio "newc" archive as its module, with
 * members
 *     mml/kernel          the PVH ELF to launch (cocoboot.elf)
 *     mml/mod<N>          module N (N = 0..9), in order
 *     mml/mod<N>.cmdline  its command line (optional)
 *     mml/xl-layout       (optional, empty) pack the modules right after the
 *                         kernel's image, page aligned, in order, the way
 *                         libxenguest places them (facts §0 item 3, §1.8)
 * loads mml/kernel at its p_paddr, builds an hvm_start_info (its own command
 * line, QEMU's memory map and RSDP, the modules in place or packed) and enters
 * it in the PVH state it got itself (32-bit protected mode, paging off).
 * mml itself lives at 96 MiB (mml.ld), out of the way of all of them.
 * It reuses cocoboot's parsers (payload/elf.c, payload/pvh_info.c), built -m32.
 * Reports on port 0xe9 ("mml: ..."); a failure ends the run with 0x11.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "payload/elf.h"
#include "payload/pvh_info.h"

void mml_main(uint32_t start_info);
void mml_enter(uint32_t entry, uint32_t start_info) __attribute__((noreturn));

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static void puts_(const char *s) { while (*s) outb(0xe9, (uint8_t)*s++); }
static void puthex(uint64_t v)
{
	static const char d[] = "0123456789abcdef";
	char b[19];
	int i = 18;
	b[i] = 0;
	do {
		b[--i] = d[v & 15];
		v >>= 4;
	} while (v);
	puts_("0x");
	puts_(b + i);
}
static __attribute__((noreturn)) void die(const char *why)
{
	puts_("mml: FATAL: ");
	puts_(why);
	puts_("\n");
	outb(0xf4, 0x11);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* The compiler may emit calls to these for struct copies. */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *a = d;
	const uint8_t *b = s;
	while (n--)
		*a++ = *b++;
	return d;
}
void *memset(void *d, int c, size_t n)
{
	uint8_t *a = d;
	while (n--)
		*a++ = (uint8_t)c;
	return d;
}

static uint32_t hex8(const char *p)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		char c = p[i];
		v = v * 16 + (uint32_t)(c <= '9' ? c - '0' : (c | 32) - 'a' + 10);
	}
	return v;
}

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

#define MAX_MODS 10
static struct payload_blob mods[MAX_MODS];
static char mod_cmdlines[MAX_MODS][256];
static struct payload_memmap mm;
static uint8_t si_block[16384] __attribute__((aligned(4096)));

void mml_main(uint32_t start_info)
{
	const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)start_info;
	if (si->magic != XEN_HVM_START_MAGIC_VALUE || si->nr_modules != 1)
		die("need start_info with exactly one module (the mml archive)");
	const struct hvm_modlist_entry *ml = (const struct hvm_modlist_entry *)(uintptr_t)si->modlist_paddr;
	const char *a = (const char *)(uintptr_t)ml[0].paddr;
	uint32_t size = (uint32_t)ml[0].size, off = 0;
	const uint8_t *kernel = NULL;
	uint32_t kernel_size = 0;
	unsigned nmods = 0;
	bool xl_layout = false;

	while (off + 110 <= size) {
		const char *h = a + off;
		uint32_t fsize = hex8(h + 6 + 8 * 6), nsize = hex8(h + 6 + 8 * 11);
		const char *name = h + 110;
		uint32_t data = (off + 110 + nsize + 3) & ~3u;
		if (streq(name, "TRAILER!!!"))
			break;
		if (streq(name, "mml/xl-layout")) {
			xl_layout = true;
		} else if (streq(name, "mml/kernel")) {
			kernel = (const uint8_t *)a + data;
			kernel_size = fsize;
		} else if (name[0] == 'm' && name[4] == 'm' && name[5] == 'o' && name[6] == 'd' &&
			   name[7] >= '0' && name[7] <= '9') {
			unsigned i = (unsigned)(name[7] - '0');
			if (i >= MAX_MODS)
				die("module index");
			if (name[8] == 0) {
				mods[i].paddr = ml[0].paddr + data;
				mods[i].size = fsize;
				if (i + 1 > nmods)
					nmods = i + 1;
			} else if (fsize < sizeof mod_cmdlines[i]) {
				memcpy(mod_cmdlines[i], a + data, fsize);
				mods[i].cmdline = mod_cmdlines[i];
			}
		}
		off = (data + fsize + 3) & ~3u;
	}
	if (!kernel)
		die("no mml/kernel in the archive");

	struct elf_plan plan;
	struct payload_error err;
	if (elf_parse(kernel, kernel_size, &plan, &err))
		die(err.field);
	if (xl_layout) {
		/* Packed after the kernel: the archive sits at the top of RAM, far
		 * above, so copying upwards-to-downwards never overlaps. */
		uint64_t at = (plan.kend + 4095) & ~4095ull;
		for (unsigned i = 0; i < nmods; i++) {
			memcpy((void *)(uintptr_t)at, (const void *)(uintptr_t)mods[i].paddr, (size_t)mods[i].size);
			mods[i].paddr = at;
			at = (at + mods[i].size + 4095) & ~4095ull;
		}
		if (at > ml[0].paddr)
			die("xl-layout: modules would overlap the archive (give QEMU more memory)");
	}
	for (unsigned i = 0; i < plan.nseg; i++) {
		uint8_t *dst = (uint8_t *)(uintptr_t)plan.seg[i].paddr;
		memcpy(dst, kernel + plan.seg[i].file_off, (size_t)plan.seg[i].file_size);
		memset(dst + plan.seg[i].file_size, 0, (size_t)(plan.seg[i].mem_size - plan.seg[i].file_size));
	}
	if (payload_memmap_init(&mm, (const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr,
				si->memmap_entries, &err))
		die(err.field);
	const char *cl = si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : "";
	size_t cl_len = 0;
	while (cl[cl_len])
		cl_len++;
	struct pvh_info_args args = {
		.flags = si->flags,
		.rsdp_paddr = si->rsdp_paddr,
		.cmdline = cl,
		.cmdline_len = cl_len,
		.nr_modules = nmods,
		.modules = mods,
		.memmap = &mm,
	};
	if (pvh_info_build(si_block, (uintptr_t)si_block, sizeof si_block, &args, &err))
		die(err.field);
	puts_("mml: launching ");
	puthex(plan.entry);
	puts_(" with ");
	puthex(nmods);
	puts_(" modules\n");
	mml_enter(plan.entry, (uint32_t)(uintptr_t)si_block);
}
