/* SPDX-License-Identifier: MIT */
/*
 * PVH ELF validation and load plan (facts §1.1):
 *  - ELF32 (EM_386) or ELF64 (EM_X86_64), little endian, ET_EXEC;
 *  - PT_LOAD segments load at p_paddr (virt_base and paddr_offset are 0 for PVH);
 *  - XEN_ELFNOTE_PHYS32_ENTRY ("Xen", type 18) is required, desc 4 or 8 bytes,
 *    searched in PT_NOTE segments first, then in SHT_NOTE sections;
 *  - the entry lies inside a loaded segment (so inside [kstart, kend]).
 * Everything is bounds- and overflow-checked; nothing is cast from the image.
 */
#include "payload/elf.h"
#include "payload/bytes.h"
#include "elf/elf.h"
#include "elf/xen_note.h"

#define FMT "ELF"
#define E(field, idx, val, why) payload_fail(err, FMT, field, idx, val, why)

/* One view of the file header for both classes. */
struct elf_hdr_view {
	unsigned cls;
	uint64_t phoff, shoff;
	unsigned phentsize, phnum, shentsize, shnum;
};

bool elf_is_elf(const void *img, size_t size)
{
	const uint8_t *p = img;
	return size >= 4 && p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F';
}

#define EH32(f) offsetof(struct elf32_ehdr, f)
#define EH64(f) offsetof(struct elf64_ehdr, f)

static int read_ehdr(const uint8_t *p, size_t size, struct elf_hdr_view *h,
		     struct payload_error *err)
{
	if (size < sizeof(struct elf32_ehdr))
		return E("file size", -1, size, "smaller than an ELF header");
	if (!elf_is_elf(p, size))
		return E("e_ident[EI_MAG0..3]", -1, payload_rd32(p), "not an ELF image (no \\x7fELF)");
	h->cls = p[ELF_EI_CLASS];
	if (h->cls != ELF_CLASS32 && h->cls != ELF_CLASS64)
		return E("e_ident[EI_CLASS]", -1, h->cls, "neither ELFCLASS32 nor ELFCLASS64");
	if (p[ELF_EI_DATA] != ELF_DATA2LSB)
		return E("e_ident[EI_DATA]", -1, p[ELF_EI_DATA], "not little endian");
	if (p[ELF_EI_VERSION] != ELF_EV_CURRENT)
		return E("e_ident[EI_VERSION]", -1, p[ELF_EI_VERSION], "not EV_CURRENT");
	if (h->cls == ELF_CLASS64 && size < sizeof(struct elf64_ehdr))
		return E("file size", -1, size, "smaller than an ELF64 header");

	/* e_type and e_machine sit at the same offsets in both classes. */
	uint16_t type = payload_rd16(p + EH64(e_type));
	uint16_t machine = payload_rd16(p + EH64(e_machine));
	if (type != ELF_ET_EXEC)
		return E("e_type", -1, type, "not ET_EXEC");
	if (h->cls == ELF_CLASS64 && machine != ELF_EM_X86_64)
		return E("e_machine", -1, machine, "ELF64 image is not EM_X86_64");
	if (h->cls == ELF_CLASS32 && machine != ELF_EM_386 && machine != ELF_EM_X86_64)
		return E("e_machine", -1, machine, "ELF32 image is not EM_386");

	if (h->cls == ELF_CLASS64) {
		h->phoff = payload_rd64(p + EH64(e_phoff));
		h->shoff = payload_rd64(p + EH64(e_shoff));
		h->phentsize = payload_rd16(p + EH64(e_phentsize));
		h->phnum = payload_rd16(p + EH64(e_phnum));
		h->shentsize = payload_rd16(p + EH64(e_shentsize));
		h->shnum = payload_rd16(p + EH64(e_shnum));
	} else {
		h->phoff = payload_rd32(p + EH32(e_phoff));
		h->shoff = payload_rd32(p + EH32(e_shoff));
		h->phentsize = payload_rd16(p + EH32(e_phentsize));
		h->phnum = payload_rd16(p + EH32(e_phnum));
		h->shentsize = payload_rd16(p + EH32(e_shentsize));
		h->shnum = payload_rd16(p + EH32(e_shnum));
	}

	size_t want = h->cls == ELF_CLASS64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);
	if (h->phnum == 0)
		return E("e_phnum", -1, 0, "no program headers");
	if (h->phnum == ELF_PN_XNUM || h->phnum > ELF_MAX_PHDRS)
		return E("e_phnum", -1, h->phnum, "more program headers than the loader accepts (64)");
	if (h->phentsize != want)
		return E("e_phentsize", -1, h->phentsize, "not the size of a program header");
	if (!payload_in_bounds(h->phoff, (uint64_t)h->phnum * h->phentsize, size))
		return E("e_phoff", -1, h->phoff, "program headers extend past the end of the file");
	return 0;
}

struct elf_phdr_view {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PH32(f) offsetof(struct elf32_phdr, f)
#define PH64(f) offsetof(struct elf64_phdr, f)

static void read_phdr(const uint8_t *p, const struct elf_hdr_view *h, unsigned i,
		      struct elf_phdr_view *ph)
{
	const uint8_t *q = p + h->phoff + (uint64_t)i * h->phentsize;
	if (h->cls == ELF_CLASS64) {
		ph->type = payload_rd32(q + PH64(p_type));
		ph->offset = payload_rd64(q + PH64(p_offset));
		ph->vaddr = payload_rd64(q + PH64(p_vaddr));
		ph->paddr = payload_rd64(q + PH64(p_paddr));
		ph->filesz = payload_rd64(q + PH64(p_filesz));
		ph->memsz = payload_rd64(q + PH64(p_memsz));
		ph->align = payload_rd64(q + PH64(p_align));
	} else {
		ph->type = payload_rd32(q + PH32(p_type));
		ph->offset = payload_rd32(q + PH32(p_offset));
		ph->vaddr = payload_rd32(q + PH32(p_vaddr));
		ph->paddr = payload_rd32(q + PH32(p_paddr));
		ph->filesz = payload_rd32(q + PH32(p_filesz));
		ph->memsz = payload_rd32(q + PH32(p_memsz));
		ph->align = payload_rd32(q + PH32(p_align));
	}
}

static int check_load(const struct elf_phdr_view *ph, unsigned i, size_t size,
		      struct payload_error *err)
{
	if (ph->filesz > ph->memsz)
		return E("p_filesz", (int)i, ph->filesz, "larger than p_memsz");
	if (!payload_in_bounds(ph->offset, ph->filesz, size))
		return E("p_offset", (int)i, ph->offset, "segment data extends past the end of the file");
	if (ph->paddr >= ELF_MAX_ADDR || ph->memsz > ELF_MAX_ADDR - ph->paddr)
		return E("p_paddr", (int)i, ph->paddr, "segment does not fit below 4 GiB");
	if (ph->align > 1) {
		if (!payload_is_pow2(ph->align))
			return E("p_align", (int)i, ph->align, "not a power of two");
		if ((ph->offset - ph->vaddr) & (ph->align - 1))
			return E("p_offset", (int)i, ph->offset, "not congruent to p_vaddr modulo p_align");
	}
	return 0;
}

/*
 * Walk the notes in buf[off, off+len) looking for Xen notes. Returns 1 when a
 * PHYS32_ENTRY note was found, 0 when none, -1 on a malformed note.
 * Note layout: nhdr, name padded to 4, desc padded to 4 (libelf elf_note_next).
 */
static int scan_notes(const uint8_t *p, uint64_t off, uint64_t len, int idx,
		      struct elf_plan *plan, struct payload_error *err)
{
	int found = 0;
	uint64_t pos = 0;
	while (len - pos >= sizeof(struct elf_nhdr)) {
		const uint8_t *n = p + off + pos;
		uint32_t namesz = payload_rd32(n + offsetof(struct elf_nhdr, n_namesz));
		uint32_t descsz = payload_rd32(n + offsetof(struct elf_nhdr, n_descsz));
		uint32_t type = payload_rd32(n + offsetof(struct elf_nhdr, n_type));
		uint64_t name_pad = ((uint64_t)namesz + 3) & ~3ull;
		uint64_t desc_pad = ((uint64_t)descsz + 3) & ~3ull;
		uint64_t body = len - pos - sizeof(struct elf_nhdr);
		if (name_pad > body || desc_pad > body - name_pad)
			return E("n_namesz/n_descsz", idx, namesz > body ? namesz : descsz,
				 "note extends past its segment or section");
		const uint8_t *name = n + sizeof(struct elf_nhdr);
		const uint8_t *desc = name + name_pad;
		bool is_xen = namesz == XEN_ELFNOTE_NAMESZ && name[0] == 'X' && name[1] == 'e' &&
			      name[2] == 'n' && name[3] == 0;
		if (is_xen && type == XEN_ELFNOTE_PHYS32_ENTRY && !found) {
			uint64_t v;
			/* 4 or 8 bytes (facts §1.1 "Numeric desc size"). */
			if (descsz == 4)
				v = payload_rd32(desc);
			else if (descsz == 8)
				v = payload_rd64(desc);
			else
				return E("XEN_ELFNOTE_PHYS32_ENTRY n_descsz", idx, descsz,
					 "desc is neither 4 nor 8 bytes");
			if (v >= ELF_MAX_ADDR)
				return E("XEN_ELFNOTE_PHYS32_ENTRY", idx, v, "entry is not a 32-bit address");
			plan->entry = (uint32_t)v;
			found = 1;
		} else if (is_xen && type == XEN_ELFNOTE_PHYS32_RELOC && !plan->reloc) {
			/* u32 align, min, max, each optional (facts §1.1). */
			if (descsz % 4 || descsz > 12)
				return E("XEN_ELFNOTE_PHYS32_RELOC n_descsz", idx, descsz,
					 "desc is not 0 to 3 u32 values");
			plan->reloc = true;
			plan->reloc_align = descsz >= 4 ? payload_rd32(desc) : XEN_PHYS32_RELOC_DEF_ALIGN;
			plan->reloc_min = descsz >= 8 ? payload_rd32(desc + 4) : XEN_PHYS32_RELOC_DEF_MIN;
			plan->reloc_max = descsz >= 12 ? payload_rd32(desc + 8) : XEN_PHYS32_RELOC_DEF_MAX;
		}
		pos += sizeof(struct elf_nhdr) + name_pad + desc_pad;
	}
	return found;
}

#define SH32(f) offsetof(struct elf32_shdr, f)
#define SH64(f) offsetof(struct elf64_shdr, f)

/* Fallback: SHT_NOTE sections (facts §1.1 "Where notes are searched"). */
static int scan_section_notes(const uint8_t *p, size_t size, const struct elf_hdr_view *h,
			      struct elf_plan *plan, struct payload_error *err)
{
	if (h->shnum == 0 || h->shoff == 0)
		return 0;
	size_t want = h->cls == ELF_CLASS64 ? sizeof(struct elf64_shdr) : sizeof(struct elf32_shdr);
	if (h->shentsize != want)
		return E("e_shentsize", -1, h->shentsize, "not the size of a section header");
	if (h->shnum > ELF_MAX_SHDRS)
		return E("e_shnum", -1, h->shnum, "more section headers than the loader accepts (256)");
	if (!payload_in_bounds(h->shoff, (uint64_t)h->shnum * h->shentsize, size))
		return E("e_shoff", -1, h->shoff, "section headers extend past the end of the file");
	for (unsigned i = 0; i < h->shnum; i++) {
		const uint8_t *s = p + h->shoff + (uint64_t)i * h->shentsize;
		uint32_t type;
		uint64_t off, len;
		if (h->cls == ELF_CLASS64) {
			type = payload_rd32(s + SH64(sh_type));
			off = payload_rd64(s + SH64(sh_offset));
			len = payload_rd64(s + SH64(sh_size));
		} else {
			type = payload_rd32(s + SH32(sh_type));
			off = payload_rd32(s + SH32(sh_offset));
			len = payload_rd32(s + SH32(sh_size));
		}
		if (type != ELF_SHT_NOTE)
			continue;
		if (!payload_in_bounds(off, len, size))
			return E("sh_offset", (int)i, off, "note section extends past the end of the file");
		int r = scan_notes(p, off, len, (int)i, plan, err);
		if (r)
			return r;
	}
	return 0;
}

int elf_parse(const void *img, size_t size, struct elf_plan *plan, struct payload_error *err)
{
	const uint8_t *p = img;
	struct elf_hdr_view h;
	*plan = (struct elf_plan){ 0 };
	if (read_ehdr(p, size, &h, err))
		return -1;
	plan->elf_class = h.cls;

	int found = 0;
	for (unsigned i = 0; i < h.phnum; i++) {
		struct elf_phdr_view ph;
		read_phdr(p, &h, i, &ph);
		if (ph.type == ELF_PT_LOAD) {
			if (check_load(&ph, i, size, err))
				return -1;
			if (ph.memsz == 0)
				continue;
			if (plan->nseg == ELF_MAX_LOADS)
				return E("e_phnum", -1, h.phnum, "more than 16 PT_LOAD segments");
			struct elf_seg *s = &plan->seg[plan->nseg];
			*s = (struct elf_seg){ ph.offset, ph.filesz, ph.paddr, ph.memsz };
			for (unsigned j = 0; j < plan->nseg; j++) {
				const struct elf_seg *o = &plan->seg[j];
				if (s->paddr < o->paddr + o->mem_size && o->paddr < s->paddr + s->mem_size)
					return E("p_paddr", (int)i, ph.paddr, "segment overlaps an earlier PT_LOAD");
			}
			if (plan->nseg == 0 || s->paddr < plan->kstart)
				plan->kstart = s->paddr;
			if (s->paddr + s->mem_size > plan->kend)
				plan->kend = s->paddr + s->mem_size;
			plan->nseg++;
		} else if (ph.type == ELF_PT_NOTE && !found) {
			if (!payload_in_bounds(ph.offset, ph.filesz, size))
				return E("p_offset", (int)i, ph.offset, "note segment extends past the end of the file");
			found = scan_notes(p, ph.offset, ph.filesz, (int)i, plan, err);
			if (found < 0)
				return -1;
		}
	}
	if (plan->nseg == 0)
		return E("p_type", -1, ELF_PT_LOAD, "no PT_LOAD segment with memory");
	if (!found) {
		found = scan_section_notes(p, size, &h, plan, err);
		if (found < 0)
			return -1;
		plan->note_from_sections = found;
	}
	if (!found)
		return E("XEN_ELFNOTE_PHYS32_ENTRY", -1, XEN_ELFNOTE_PHYS32_ENTRY,
			 "note missing: not a PVH image");
	bool inside = false;
	for (unsigned j = 0; j < plan->nseg; j++)
		if (plan->entry >= plan->seg[j].paddr &&
		    plan->entry - plan->seg[j].paddr < plan->seg[j].file_size)
			inside = true;
	if (!inside)
		return E("XEN_ELFNOTE_PHYS32_ENTRY", -1, plan->entry,
			 "entry is not inside the loaded image [kstart, kend]");
	if (plan->reloc && plan->reloc_align && !payload_is_pow2(plan->reloc_align))
		return E("XEN_ELFNOTE_PHYS32_RELOC align", -1, plan->reloc_align, "not a power of two");
	return 0;
}
