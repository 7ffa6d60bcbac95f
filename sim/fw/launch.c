/* SPDX-License-Identifier: MIT */
/*
 * Launch like the Xen toolstack does for a PVH domU (xen-pvh-linux-boot-facts.md §1):
 *   - validate the ELF and load its PT_LOAD segments at p_paddr;
 *   - take the entry point from XEN_ELFNOTE_PHYS32_ENTRY (type 18, name "Xen", 4- or
 *     8-byte descriptor) in a PT_NOTE segment, else in an SHT_NOTE section (libelf order);
 *     the entry must lie inside the loaded image;
 *   - place the modules page-aligned after the image, then one page-aligned blob with
 *     hvm_start_info (version 1), the command line (rounded up to 8 bytes), the module
 *     list, 1024-byte module command-line slots and the memory map (xg_dom_x86.c order);
 *   - memory map as xl builds it: low RAM from 0, then the HVM special pages
 *     0xFEFF8000..0xFEFFFFFF reserved.
 * Everything is loaded as private, validated memory (what SEV launch measurement does), but
 * with --kernel-hashes the modules go to shared memory (fw/measure.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/fw/spec.h"
#include "xen/ap_bringup.h"
#include "xen/start_info.h"

#define PT_LOAD 1
#define PT_NOTE 4
#define SHT_NOTE 7
#define EM_386 3
#define EM_X86_64 62
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define MODULE_CMDLINE_SLOT 1024 /* MAX_GUEST_CMDLINE */

struct seg {
	uint64_t type, offset, paddr, filesz, memsz;
};

static int read_file(struct sim *s, const char *path, const char *what, uint8_t **data,
		     size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f) {
		sim_fail(s, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		sim_fail(s, "%s %s: cannot determine its size", what, path);
		fclose(f);
		return -1;
	}
	*data = malloc(n ? (size_t)n : 1);
	if (!*data || fread(*data, 1, (size_t)n, f) != (size_t)n) {
		sim_fail(s, "%s %s: read failed", what, path);
		free(*data);
		*data = NULL;
		fclose(f);
		return -1;
	}
	fclose(f);
	*len = (size_t)n;
	return 0;
}

static uint64_t get(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, p, size);
	return v;
}

static bool in_file(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

/* Walk notes in [p, p + size); returns 1 and sets *entry when PHYS32_ENTRY is found. */
static int scan_notes(struct sim *s, const uint8_t *p, uint64_t size, uint64_t *entry)
{
	uint64_t off = 0;
	int found = 0;

	while (off + 12 <= size) {
		uint32_t namesz = (uint32_t)get(p + off, 4), descsz = (uint32_t)get(p + off + 4, 4);
		uint32_t type = (uint32_t)get(p + off + 8, 4);
		uint64_t name = off + 12, desc = name + ((namesz + 3ull) & ~3ull);
		uint64_t next = desc + ((descsz + 3ull) & ~3ull);
		if (next > size || desc > size)
			break;
		if (namesz == SIM_NOTE_COCOBOOT_NAMESZ && !memcmp(p + name, SIM_NOTE_COCOBOOT, namesz) &&
		    type == SIM_NOTE_HASHES && descsz >= 12 && get(p + desc + 8, 4) == SIM_HT_PAGE)
			s->launch.hashes_gpa = get(p + desc, 8); /* fw/measure.c checks it */
		if (namesz == SIM_NOTE_COCOBOOT_NAMESZ && !memcmp(p + name, SIM_NOTE_COCOBOOT, namesz) &&
		    (type == SIM_NOTE_SNP_CPUID || type == SIM_NOTE_SNP_SECRETS) && descsz >= 12 &&
		    get(p + desc + 8, 4) == 4096) /* fw/snp_launch.c checks them */
			*(type == SIM_NOTE_SNP_CPUID ? &s->launch.cpuid_gpa : &s->launch.secrets_gpa) =
				get(p + desc, 8);
		if (namesz == 4 && !memcmp(p + name, "Xen", 4) && type == XEN_ELFNOTE_PHYS32_ENTRY) {
			if (descsz != 4 && descsz != 8) {
				sim_fail(s, "kernel %s: XEN_ELFNOTE_PHYS32_ENTRY has a %u-byte "
					 "descriptor (expected 4 or 8)", s->cfg.kernel, descsz);
				return -1;
			}
			*entry = get(p + desc, descsz);
			found = 1;
		}
		off = next;
	}
	return found;
}

/*
 * The value of a 64-bit ELF symbol (SHT_SYMTAB, 64-byte entries; 0 if absent): an attacker
 * has the guest image, so --lie=cbit-alias-predict may know where the check value lives.
 */
#define SHT_SYMTAB 2
static uint64_t elf64_symbol(const uint8_t *f, size_t len, const char *name)
{
	uint64_t shoff = get(f + 40, 8);
	unsigned shentsize = (unsigned)get(f + 58, 2), shnum = (unsigned)get(f + 60, 2);

	if (f[4] != 2 || shentsize < 64 || !in_file(len, shoff, (uint64_t)shnum * shentsize))
		return 0;
	for (unsigned i = 0; i < shnum; i++) {
		const uint8_t *sh = f + shoff + (uint64_t)i * shentsize;
		uint64_t off = get(sh + 24, 8), size = get(sh + 32, 8);
		unsigned link = (unsigned)get(sh + 40, 4);
		if (get(sh + 4, 4) != SHT_SYMTAB || !in_file(len, off, size) || link >= shnum)
			continue;
		const uint8_t *str = f + shoff + (uint64_t)link * shentsize;
		uint64_t soff = get(str + 24, 8), ssize = get(str + 32, 8);
		if (!in_file(len, soff, ssize))
			continue;
		for (uint64_t e = off; e + 24 <= off + size; e += 24) {
			uint64_t nm = get(f + e, 4);
			size_t nl = strlen(name);
			if (nm + nl < ssize && !memcmp(f + soff + nm, name, nl + 1))
				return get(f + e + 8, 8);
		}
	}
	return 0;
}

static int parse_elf(struct sim *s, const uint8_t *f, size_t len)
{
	const char *k = s->cfg.kernel;
	struct seg segs[64];
	unsigned nseg = 0;
	uint64_t entry = 0, kstart = UINT64_MAX, kend = 0;
	int found = 0;

	if (len < 52 || memcmp(f, "\177ELF", 4) != 0) {
		sim_fail(s, "kernel %s: not an ELF file (bad magic)", k);
		return -1;
	}
	bool is64 = f[4] == 2;
	if ((f[4] != 1 && f[4] != 2) || f[5] != 1) {
		sim_fail(s, "kernel %s: ELF class %u / data encoding %u unsupported (need "
			 "32- or 64-bit little-endian)", k, f[4], f[5]);
		return -1;
	}
	if (is64 && len < 64) {
		sim_fail(s, "kernel %s: truncated ELF header", k);
		return -1;
	}
	unsigned machine = (unsigned)get(f + 18, 2), type = (unsigned)get(f + 16, 2);
	if (machine != EM_X86_64 && machine != EM_386) {
		sim_fail(s, "kernel %s: ELF machine %u is not x86 (EM_X86_64 = 62, EM_386 = 3)", k,
			 machine);
		return -1;
	}
	if (type != 2 && type != 3) {
		sim_fail(s, "kernel %s: ELF type %u is not an executable", k, type);
		return -1;
	}
	uint64_t phoff = is64 ? get(f + 32, 8) : get(f + 28, 4);
	uint64_t shoff = is64 ? get(f + 40, 8) : get(f + 32, 4);
	unsigned phentsize = (unsigned)get(f + (is64 ? 54 : 42), 2);
	unsigned phnum = (unsigned)get(f + (is64 ? 56 : 44), 2);
	unsigned shentsize = (unsigned)get(f + (is64 ? 58 : 46), 2);
	unsigned shnum = (unsigned)get(f + (is64 ? 60 : 48), 2);
	if (phnum == 0 || phentsize < (is64 ? 56u : 32u) ||
	    !in_file(len, phoff, (uint64_t)phnum * phentsize)) {
		sim_fail(s, "kernel %s: program headers missing or outside the file (phoff %#"
			 PRIx64 ", %u x %u bytes)", k, phoff, phnum, phentsize);
		return -1;
	}
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + (uint64_t)i * phentsize;
		struct seg sg;
		sg.type = get(ph, 4);
		if (is64) {
			sg.offset = get(ph + 8, 8);
			sg.paddr = get(ph + 24, 8);
			sg.filesz = get(ph + 32, 8);
			sg.memsz = get(ph + 40, 8);
		} else {
			sg.offset = get(ph + 4, 4);
			sg.paddr = get(ph + 12, 4);
			sg.filesz = get(ph + 16, 4);
			sg.memsz = get(ph + 20, 4);
		}
		if (sg.type == PT_NOTE) {
			if (!in_file(len, sg.offset, sg.filesz)) {
				sim_fail(s, "kernel %s: PT_NOTE %u lies outside the file", k, i);
				return -1;
			}
			if (!found && (found = scan_notes(s, f + sg.offset, sg.filesz, &entry)) < 0)
				return -1;
		}
		if (sg.type != PT_LOAD)
			continue;
		if (!in_file(len, sg.offset, sg.filesz)) {
			sim_fail(s, "kernel %s: PT_LOAD %u (offset %#" PRIx64 ", %#" PRIx64
				 " bytes) lies outside the file", k, i, sg.offset, sg.filesz);
			return -1;
		}
		if (sg.filesz > sg.memsz) {
			sim_fail(s, "kernel %s: PT_LOAD %u has p_filesz %#" PRIx64 " > p_memsz %#"
				 PRIx64, k, i, sg.filesz, sg.memsz);
			return -1;
		}
		if (!sim_mem_is_ram(s, sg.paddr, sg.memsz)) {
			sim_fail(s, "kernel %s: PT_LOAD %u at p_paddr %#" PRIx64 " (+%#" PRIx64
				 ") does not fit in guest RAM (--mem=%#" PRIx64 ")", k, i, sg.paddr,
				 sg.memsz, s->ram_size);
			return -1;
		}
		if (nseg == sizeof(segs) / sizeof(segs[0])) {
			sim_fail(s, "kernel %s: more than 64 PT_LOAD segments", k);
			return -1;
		}
		segs[nseg++] = sg;
		if (sg.paddr < kstart)
			kstart = sg.paddr;
		if (sg.paddr + sg.memsz > kend)
			kend = sg.paddr + sg.memsz;
	}
	if (!nseg) {
		sim_fail(s, "kernel %s: no PT_LOAD segment", k);
		return -1;
	}
	if (!found && shnum && shentsize >= (is64 ? 64u : 40u) &&
	    in_file(len, shoff, (uint64_t)shnum * shentsize)) {
		for (unsigned i = 0; i < shnum && !found; i++) {
			const uint8_t *sh = f + shoff + (uint64_t)i * shentsize;
			uint64_t off = is64 ? get(sh + 24, 8) : get(sh + 16, 4);
			uint64_t size = is64 ? get(sh + 32, 8) : get(sh + 20, 4);
			if (get(sh + 4, 4) != SHT_NOTE || !in_file(len, off, size))
				continue;
			if ((found = scan_notes(s, f + off, size, &entry)) < 0)
				return -1;
		}
	}
	if (!found) {
		sim_fail(s, "kernel %s: no XEN_ELFNOTE_PHYS32_ENTRY note (type 18, name \"Xen\"): "
			 "not a PVH kernel", k);
		return -1;
	}
	if (entry < kstart || entry >= kend) {
		sim_fail(s, "kernel %s: PVH entry %#" PRIx64 " lies outside the loaded image [%#"
			 PRIx64 ", %#" PRIx64 ")", k, entry, kstart, kend);
		return -1;
	}
	for (unsigned i = 0; i < nseg; i++)
		sim_mem_load(s, segs[i].paddr, f + segs[i].offset, segs[i].filesz);
	if (sim_lie_on(s, SIM_LIE_CBIT_ALIAS_PREDICT)) {
		s->cbit_check_gpa = elf64_symbol(f, len, "sev_cbit_check");
		if (!s->cbit_check_gpa) {
			sim_fail(s, "--lie=cbit-alias-predict: kernel %s has no symbol sev_cbit_check", k);
			return -1;
		}
	}
	s->entry = entry;
	s->kernel_start = kstart;
	s->kernel_end = kend;
	return 0;
}

static uint64_t page_up(uint64_t a)
{
	return (a + 4095) & ~4095ull;
}

/* The launch-time --lie attacks on start_info and the memory map (docs/lies.md). */
static void lie_about_start_info(struct sim *s, struct hvm_start_info *si,
				 struct hvm_memmap_table_entry *mm, unsigned *nmm, uint64_t mods_at,
				 uint64_t junk_at)
{
	if (sim_lie(s, SIM_LIE_MEMMAP_OVERLAP_IMAGE)) {
		mm[(*nmm)++] = (struct hvm_memmap_table_entry){ .addr = s->kernel_start,
			.size = s->kernel_end - s->kernel_start, .type = XEN_HVM_MEMMAP_TYPE_RESERVED };
	}
	if (sim_lie(s, SIM_LIE_MEMMAP_WRAP)) {
		mm[(*nmm)++] = (struct hvm_memmap_table_entry){ .addr = ~0xfffull, .size = 0x2000,
			.type = XEN_HVM_MEMMAP_TYPE_RAM };      /* its end wraps past 2^64 */
	}
	if (sim_lie(s, SIM_LIE_MEMMAP_ABOVE_CBIT)) {
		/* RAM the C-bit would alias: its address has the C-bit set */
		mm[(*nmm)++] = (struct hvm_memmap_table_entry){ .addr = 1ull << (s->cbit ? s->cbit : 39),
			.size = 2ull << 20, .type = XEN_HVM_MEMMAP_TYPE_RAM };
	}
	if (sim_lie(s, SIM_LIE_MEMMAP_NO_RAM))
		for (unsigned i = 0; i < *nmm; i++)
			mm[i].type = XEN_HVM_MEMMAP_TYPE_RESERVED;
	if (sim_lie(s, SIM_LIE_MODLIST_IN_IMAGE)) {
		struct hvm_modlist_entry me = { .paddr = s->kernel_start, .size = 4096 };
		sim_mem_load(s, mods_at, &me, sizeof(me));
		si->nr_modules = 1;
		si->modlist_paddr = mods_at;
	}
	if (sim_lie(s, SIM_LIE_CMDLINE_UNTERMINATED)) {
		static uint8_t a[4096];
		memset(a, 'A', sizeof(a));
		sim_mem_load(s, junk_at, a, sizeof(a));
		si->cmdline_paddr = junk_at;
	}
}

int sim_load(struct sim *s)
{
	uint8_t *data = NULL;
	size_t len = 0;
	uint64_t cur, mod_addr[SIM_MAX_MODULES], mod_size[SIM_MAX_MODULES];
	int rc;

	if (read_file(s, s->cfg.kernel, "kernel", &data, &len) < 0)
		return -1;
	rc = parse_elf(s, data, len);
	free(data);
	if (rc < 0)
		return -1;

	cur = page_up(s->kernel_end);
	for (unsigned i = 0; i < s->cfg.nr_modules; i++) {
		if (read_file(s, s->cfg.modules[i].path, "module", &data, &len) < 0)
			return -1;
		if (!sim_mem_is_ram(s, cur, len)) {
			sim_fail(s, "module %s (%zu bytes) does not fit in guest RAM after %#" PRIx64,
				 s->cfg.modules[i].path, len, cur);
			free(data);
			return -1;
		}
		if (!sim_measure_place_module(s, i, cur, data, len))
			sim_mem_load(s, cur, data, len);
		free(data);
		mod_addr[i] = cur;
		mod_size[i] = len;
		cur = page_up(cur + len);
	}

	/* the start_info blob */
	struct hvm_start_info si = { 0 };
	struct hvm_memmap_table_entry mm[8] = { 0 };  /* 5 honest, up to 3 the lies add */
	unsigned nmm = s->ram_size > SIM_HIGH_BASE ? 3 : 2;

	if (sim_fwmem_build(s) < 0) /* ACPI tables, bring-up region (fw/bringup.c) */
		return -1;
	size_t cl = s->cfg.cmdline ? strlen(s->cfg.cmdline) + 1 : 0;
	uint64_t base = cur, p = base + sizeof(si);
	uint64_t cmd_at = 0, mods_at, modcl_at, mm_at;

	if (cl > 4096) {
		sim_fail(s, "--cmdline: %zu bytes, at most 4095 supported", cl - 1);
		return -1;
	}
	if (cl) {
		cmd_at = p;
		p += (cl + 7) & ~7ull;
	}
	mods_at = p;
	p += (uint64_t)(s->cfg.nr_modules ? s->cfg.nr_modules : 1) * sizeof(struct hvm_modlist_entry);
	modcl_at = p;
	p += (uint64_t)s->cfg.nr_modules * MODULE_CMDLINE_SLOT;
	mm_at = p;
	/* 3 honest entries and room for 3 lies; the SMP entries after them, when present */
	uint64_t mm_bytes = (6u + (s->acpi_size != 0) + (s->bringup_size != 0)) * sizeof(mm[0]);
	p += mm_bytes;
	uint64_t junk_at = p;      /* --lie=cmdline-unterminated: 4 KiB without a NUL */
	if (sim_lie_on(s, SIM_LIE_CMDLINE_UNTERMINATED))
		p += 4096;
	if (!sim_mem_is_ram(s, base, p - base)) {
		sim_fail(s, "start_info does not fit in guest RAM at %#" PRIx64 " (--mem too small)",
			 base);
		return -1;
	}
	si.magic = XEN_HVM_START_MAGIC_VALUE;
	if (sim_lie(s, SIM_LIE_START_INFO_MAGIC))
		si.magic ^= 0x80; /* "xEn3" without the bit 7 of its 'E' */
	si.version = sim_lie(s, SIM_LIE_START_INFO_VERSION) ? 7 : 1;
	if ((s->cfg.mode >= SIM_MODE_SEV_ES && !s->cfg.no_ghcb_flag) || s->cfg.ghcb_flag)
		si.flags |= SIF_HVM_GHCB;
	si.nr_modules = s->cfg.nr_modules;
	si.modlist_paddr = s->cfg.nr_modules ? mods_at : 0;
	si.cmdline_paddr = cmd_at;
	si.memmap_paddr = mm_at;
	if (cl)
		sim_mem_load(s, cmd_at, s->cfg.cmdline, cl);
	for (unsigned i = 0; i < s->cfg.nr_modules; i++) {
		struct hvm_modlist_entry me = { .paddr = mod_addr[i], .size = mod_size[i] };
		const char *mc = s->cfg.modules[i].cmdline;
		if (mc) {
			size_t ml = strlen(mc) + 1;
			if (ml > MODULE_CMDLINE_SLOT) {
				sim_fail(s, "--module %s: command line longer than %u bytes",
					 s->cfg.modules[i].path, MODULE_CMDLINE_SLOT - 1);
				return -1;
			}
			me.cmdline_paddr = modcl_at + (uint64_t)i * MODULE_CMDLINE_SLOT;
			sim_mem_load(s, me.cmdline_paddr, mc, ml);
		}
		sim_mem_load(s, mods_at + (uint64_t)i * sizeof(me), &me, sizeof(me));
	}
	mm[0].addr = 0;
	mm[0].size = s->low_top;
	mm[0].type = XEN_HVM_MEMMAP_TYPE_RAM;
	mm[1].addr = SIM_SPECIAL_BASE;
	mm[1].size = SIM_SPECIAL_SIZE;
	mm[1].type = XEN_HVM_MEMMAP_TYPE_RESERVED;
	if (nmm == 3) {
		mm[2].addr = SIM_HIGH_BASE; /* RAM above the hole, as xl places it */
		mm[2].size = s->ram_size - SIM_HIGH_BASE;
		mm[2].type = XEN_HVM_MEMMAP_TYPE_RAM;
	}
	/* SMP (fw/bringup.c): the ACPI tables and the AP bring-up region, outside RAM */
	if (s->acpi_size)
		mm[nmm++] = (struct hvm_memmap_table_entry){ .addr = s->acpi_base,
			.size = s->acpi_size, .type = XEN_HVM_MEMMAP_TYPE_ACPI };
	if (s->bringup_size)
		mm[nmm++] = (struct hvm_memmap_table_entry){ .addr = s->bringup_gpa,
			.size = s->bringup_size, .type = XEN_HVM_MEMMAP_TYPE_AP_BRINGUP };
	si.rsdp_paddr = s->acpi_rsdp;
	lie_about_start_info(s, &si, mm, &nmm, mods_at, junk_at);
	si.memmap_entries = sim_lie(s, SIM_LIE_MEMMAP_COUNT_HUGE) ? 0xffffffffu :
			    sim_lie(s, SIM_LIE_MEMMAP_EMPTY) ? 0 : nmm;
	sim_mem_load(s, mm_at, mm, mm_bytes);
	sim_mem_load(s, base, &si, sizeof(si));
	s->start_info_gpa = base;
	s->launch_end = p;
	s->launch_flags = si.flags;
	return sim_measure_launch(s);
}
