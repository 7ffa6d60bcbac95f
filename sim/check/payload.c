/* SPDX-License-Identifier: MIT */
/*
 * What cocoboot was given to chainload, seen from the host (for --check-handoff): module 0
 * is a bundle (cpio newc with cocoboot/kernel, cocoboot/cmdline, cocoboot/initrd or an
 * appended initrd), a PVH ELF or a bzImage (docs/payloads.md "Where the payload comes
 * from"). From it: the payload ABI, the PVH entry and PT_LOAD ranges, the expected payload
 * command line and the blobs (initrd, further modules) the payload must receive.
 * Independent of cocoboot's own parser (payload/), so a bug there does not hide here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

#define PT_LOAD 1
#define PT_NOTE 4
#define SHT_NOTE 7
#define XEN_ELFNOTE_PHYS32_ENTRY 18

static uint64_t get(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, p, size);
	return v;
}

static bool in_file(uint64_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

static uint8_t *slurp(const char *path, uint64_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *d = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		d = malloc(n ? (size_t)n : 1);
		if (d && fread(d, 1, (size_t)n, f) != (size_t)n) {
			free(d);
			d = NULL;
		}
		*len = (uint64_t)n;
	}
	fclose(f);
	return d;
}

static bool scan_notes(const uint8_t *p, uint64_t size, uint64_t *entry)
{
	uint64_t off = 0;

	while (off + 12 <= size) {
		uint64_t nsz = get(p + off, 4), dsz = get(p + off + 4, 4), type = get(p + off + 8, 4);
		uint64_t name = off + 12, desc = name + ((nsz + 3) & ~3ull);
		if (desc > size || dsz > size - desc)
			return false;
		if (type == XEN_ELFNOTE_PHYS32_ENTRY && nsz == 4 && !memcmp(p + name, "Xen", 4) &&
		    (dsz == 4 || dsz == 8)) {
			*entry = get(p + desc, (unsigned)dsz);
			return true;
		}
		off = desc + ((dsz + 3) & ~3ull);
	}
	return false;
}

static void parse_elf(struct sim_payload *pl, const uint8_t *f, uint64_t len)
{
	if (len < 64 || (f[4] != 1 && f[4] != 2))
		return;
	bool is64 = f[4] == 2;
	uint64_t phoff = is64 ? get(f + 32, 8) : get(f + 28, 4);
	uint64_t shoff = is64 ? get(f + 40, 8) : get(f + 32, 4);
	unsigned phent = (unsigned)get(f + (is64 ? 54 : 42), 2), phnum = (unsigned)get(f + (is64 ? 56 : 44), 2);
	unsigned shent = (unsigned)get(f + (is64 ? 58 : 46), 2), shnum = (unsigned)get(f + (is64 ? 60 : 48), 2);
	bool found = false;

	pl->kind = SIM_PL_PVH;
	if (!in_file(len, phoff, (uint64_t)phnum * phent) || phent < (is64 ? 56u : 32u))
		return;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + (uint64_t)i * phent;
		uint64_t type = get(ph, 4);
		uint64_t off = is64 ? get(ph + 8, 8) : get(ph + 4, 4);
		uint64_t paddr = is64 ? get(ph + 24, 8) : get(ph + 12, 4);
		uint64_t filesz = is64 ? get(ph + 32, 8) : get(ph + 16, 4);
		uint64_t memsz = is64 ? get(ph + 40, 8) : get(ph + 20, 4);
		if (type == PT_NOTE && !found && in_file(len, off, filesz))
			found = scan_notes(f + off, filesz, &pl->entry);
		if (type == PT_LOAD && pl->nseg < SIM_PL_MAX_SEGS) {
			pl->seg[pl->nseg].start = paddr;
			pl->seg[pl->nseg].end = paddr + memsz;
			pl->seg[pl->nseg].offset = off;
			pl->seg[pl->nseg].filesz = in_file(len, off, filesz) && filesz <= memsz ? filesz : ~0ull;
			pl->nseg++;
		}
	}
	for (unsigned i = 0; !found && i < shnum && shent >= (is64 ? 64u : 40u) &&
			     in_file(len, shoff, (uint64_t)shnum * shent); i++) {
		const uint8_t *sh = f + shoff + (uint64_t)i * shent;
		uint64_t off = is64 ? get(sh + 24, 8) : get(sh + 16, 4);
		uint64_t size = is64 ? get(sh + 32, 8) : get(sh + 20, 4);
		if (get(sh + 4, 4) == SHT_NOTE && in_file(len, off, size))
			found = scan_notes(f + off, size, &pl->entry);
	}
	pl->entry_known = found;
}

/* cpio newc: one hex field of 8 digits; false if malformed. */
static bool hex8(const uint8_t *p, uint64_t *v)
{
	*v = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		unsigned d = c >= '0' && c <= '9' ? c - '0' + 0u : c >= 'a' && c <= 'f' ? c - 'a' + 10u :
			     c >= 'A' && c <= 'F' ? c - 'A' + 10u : 16u;
		if (d == 16)
			return false;
		*v = *v << 4 | d;
	}
	return true;
}

static const char *strip(const char *n)
{
	while (*n == '.' || *n == '/')
		if (*n == '/' || n[1] == '/')
			n++;
		else
			break;
	return n;
}

/* The bundle members that matter; false if this is not a well-formed bundle. */
static bool parse_bundle(struct sim_payload *pl, const uint8_t *p, uint64_t size)
{
	uint64_t off = 0, initrd_off = 0, initrd_len = 0;
	bool nested = false, mixed = false;

	for (unsigned n = 0; n < 4096; n++) {
		uint64_t filesize, namesize;
		if (!in_file(size, off, 110) || memcmp(p + off, "07070", 5) || !hex8(p + off + 54, &filesize) ||
		    !hex8(p + off + 94, &namesize) || !namesize || !in_file(size, off + 110, namesize))
			return false;
		const char *name = (const char *)p + off + 110;
		if (name[namesize - 1])
			return false;
		uint64_t data = (off + 110 + namesize + 3) & ~3ull;
		if (!in_file(size, data, filesize))
			return false;
		off = (data + filesize + 3) & ~3ull;
		if (!strcmp(name, "TRAILER!!!"))
			break;
		const char *s = strip(name);
		if (!strcmp(s, "cocoboot/kernel")) {
			pl->kernel = p + data;
			pl->kernel_len = filesize;
		} else if (!strcmp(s, "cocoboot/cmdline")) {
			pl->bundle_cmdline = (const char *)p + data;
			pl->bundle_cmdline_len = filesize;
		} else if (!strcmp(s, "cocoboot/initrd")) {
			nested = true;
			initrd_off = data;
			initrd_len = filesize;
		} else if (strcmp(s, "cocoboot")) {
			mixed = true;
		}
	}
	if (!pl->kernel)
		return false;
	uint64_t rest = off < size ? off : size;
	while (rest < size && p[rest] == 0)
		rest++;
	rest &= ~3ull;
	if (nested && initrd_len) {
		pl->blob[pl->nblobs++] = (struct sim_pl_blob){ p + initrd_off, initrd_len, NULL };
	} else if (mixed) {
		pl->blob[pl->nblobs++] = (struct sim_pl_blob){ p, size, NULL };
	} else if (rest < size && size - rest >= 4) {
		pl->blob[pl->nblobs++] = (struct sim_pl_blob){ p + rest, size - rest, NULL };
	}
	return true;
}

static const char *mod_cmdline(const struct sim_module *m)
{
	return m->cmdline && m->cmdline[0] ? m->cmdline : NULL;
}

static void set_cmdline(struct sim_payload *pl, const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= sizeof(pl->cmdline))
		n = sizeof(pl->cmdline) - 1;
	memcpy(pl->cmdline, s, n);
	pl->cmdline[n] = '\0';
}

void sim_payload_parse(struct sim *s)
{
	struct sim_payload *pl = &s->payload;
	const struct sim_config *c = &s->cfg;
	unsigned next = 1;

	memset(pl, 0, sizeof(*pl));
	for (unsigned i = 0; i < c->nr_modules; i++)
		pl->file[i] = slurp(c->modules[i].path, &pl->file_len[i]);
	if (c->nr_modules && pl->file[0]) {
		const uint8_t *m0 = pl->file[0];
		uint64_t len0 = pl->file_len[0];
		if (len0 >= 6 && (!memcmp(m0, "070701", 6) || !memcmp(m0, "070702", 6))) {
			pl->bundle = parse_bundle(pl, m0, len0);
		} else {
			pl->kernel = m0;
			pl->kernel_len = len0;
			if (c->nr_modules > 1 && pl->file[1])
				pl->blob[pl->nblobs++] = (struct sim_pl_blob){ pl->file[1], pl->file_len[1],
									 mod_cmdline(&c->modules[1]) };
			next = 2;
		}
		for (unsigned i = next; i < c->nr_modules && pl->file[i]; i++)
			pl->blob[pl->nblobs++] = (struct sim_pl_blob){ pl->file[i], pl->file_len[i],
								 mod_cmdline(&c->modules[i]) };
	}
	if (pl->kernel && pl->kernel_len >= 4 && !memcmp(pl->kernel, "\177ELF", 4))
		parse_elf(pl, pl->kernel, pl->kernel_len);
	else if (pl->kernel && pl->kernel_len >= 0x264 && get(pl->kernel + 0x1fe, 2) == 0xaa55 &&
		 !memcmp(pl->kernel + 0x202, "HdrS", 4))
		pl->kind = SIM_PL_LINUX;

	/* the payload command line: docs/payloads.md, first match wins */
	const char *dd = c->cmdline ? strstr(c->cmdline, " -- ") : NULL;
	if (c->expect_cmdline)
		set_cmdline(pl, c->expect_cmdline, strlen(c->expect_cmdline));
	else if (dd)
		set_cmdline(pl, dd + 4, strlen(dd + 4));
	else if (pl->bundle && pl->bundle_cmdline)
		set_cmdline(pl, pl->bundle_cmdline, pl->bundle_cmdline_len);
	else if (c->nr_modules && mod_cmdline(&c->modules[0]))
		set_cmdline(pl, c->modules[0].cmdline, strlen(c->modules[0].cmdline));
}

void sim_payload_free(struct sim *s)
{
	for (unsigned i = 0; i < SIM_MAX_MODULES; i++)
		free(s->payload.file[i]);
}
