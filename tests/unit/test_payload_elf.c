/* SOURCES: payload/elf.c */
/* SPDX-License-Identifier: MIT */
/*
 * PVH ELF parser (payload/elf.c): valid ELF64/ELF32 images become the right load
 * plan; every malformed field is rejected with an error naming that field
 * (facts §1.1). Also parses Debian's vmlinux when tests/linux/fetch.sh cached it.
 */
#include "unit.h"
#include "payload/elf.h"
#include "test_payload_fixtures.h"

static uint8_t img[FX_ELF_SIZE + 64];
static struct elf_plan plan;
static struct payload_error err;

static void expect_error(size_t size, const char *field)
{
	memset(&err, 0, sizeof err);
	assert_int_equal(elf_parse(img, size, &plan, &err), -1);
	assert_non_null(err.field);
	assert_string_equal(err.format, "ELF");
	if (strcmp(err.field, field) != 0)
		fail_msg("expected field %s, got %s (%s)", field, err.field, err.reason);
	assert_non_null(err.reason);
}

static void valid_elf64_gives_plan(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	assert_int_equal(elf_parse(img, n, &plan, &err), 0);
	assert_int_equal(plan.elf_class, ELF_CLASS64);
	assert_int_equal(plan.entry, FX_ELF_ENTRY);
	assert_int_equal(plan.nseg, 1);
	assert_int_equal(plan.seg[0].paddr, FX_ELF_PADDR);
	assert_int_equal(plan.seg[0].file_off, 0x1000);
	assert_int_equal(plan.seg[0].file_size, 0x100);
	assert_int_equal(plan.seg[0].mem_size, 0x2000);
	assert_int_equal(plan.kstart, FX_ELF_PADDR);
	assert_int_equal(plan.kend, FX_ELF_PADDR + 0x2000);
	assert_false(plan.note_from_sections);
	assert_false(plan.reloc);
}

static void valid_elf32_with_4_byte_note(void **s)
{
	(void)s;
	size_t n = fx_elf32(img);
	assert_int_equal(elf_parse(img, n, &plan, &err), 0);
	assert_int_equal(plan.elf_class, ELF_CLASS32);
	assert_int_equal(plan.entry, FX_ELF_ENTRY);
	assert_int_equal(plan.nseg, 1);
	assert_int_equal(plan.seg[0].paddr, FX_ELF_PADDR);
	assert_int_equal(plan.kend, FX_ELF_PADDR + 0x2000);
}

static void elf64_note_desc_4_bytes_accepted(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	fx_note(img + FX_ELF_NOTE_OFF, XEN_ELFNOTE_PHYS32_ENTRY, 4, FX_ELF_ENTRY + 4);
	assert_int_equal(elf_parse(img, n, &plan, &err), 0);
	assert_int_equal(plan.entry, FX_ELF_ENTRY + 4);
}

static void note_found_in_sections_without_pt_note(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	fx_w32(img + FX_ELF64_PH(1), ELF_PT_NULL);
	assert_int_equal(elf_parse(img, n, &plan, &err), 0);
	assert_true(plan.note_from_sections);
	assert_int_equal(plan.entry, FX_ELF_ENTRY);
}

static void note_after_other_xen_notes(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	uint8_t *q = img + FX_ELF_NOTE_OFF;
	size_t a = fx_note(q, XEN_ELFNOTE_GUEST_OS, 6, 0);
	memcpy(q + 16, "linux", 6);
	size_t b = fx_note(q + a, XEN_ELFNOTE_PHYS32_RELOC, 12, 0);
	fx_w32(q + a + 16, 0x200000); fx_w32(q + a + 20, 0x1000000); fx_w32(q + a + 24, 0x7fffffff);
	size_t c = fx_note(q + a + b, XEN_ELFNOTE_PHYS32_ENTRY, 8, FX_ELF_ENTRY);
	fx_w64(img + FX_ELF64_PH(1) + 32, a + b + c);
	assert_int_equal(elf_parse(img, n, &plan, &err), 0);
	assert_int_equal(plan.entry, FX_ELF_ENTRY);
	assert_true(plan.reloc);
	assert_int_equal(plan.reloc_align, 0x200000);
	assert_int_equal(plan.reloc_min, 0x1000000);
	assert_int_equal(plan.reloc_max, 0x7fffffff);
}

static void truncated_file_rejected(void **s)
{
	(void)s;
	fx_elf64(img);
	expect_error(40, "file size");
	fx_elf64(img);
	expect_error(0x80, "e_phoff"); /* phdrs run past the end */
}

static void bad_magic_class_data_rejected(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	img[1] = 'X';
	expect_error(n, "e_ident[EI_MAG0..3]");
	fx_elf64(img); img[ELF_EI_CLASS] = 3;
	expect_error(n, "e_ident[EI_CLASS]");
	fx_elf64(img); img[ELF_EI_DATA] = 2;
	expect_error(n, "e_ident[EI_DATA]");
	fx_elf64(img); img[ELF_EI_VERSION] = 0;
	expect_error(n, "e_ident[EI_VERSION]");
}

static void bad_type_machine_rejected(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	fx_w16(img + 16, 3); /* ET_DYN */
	expect_error(n, "e_type");
	assert_int_equal(err.value, 3);
	fx_elf64(img); fx_w16(img + 18, 40); /* ARM */
	expect_error(n, "e_machine");
	assert_int_equal(err.value, 40);
	fx_elf32(img); fx_w16(img + 18, 40);
	expect_error(n, "e_machine");
}

static void bad_phdr_table_rejected(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	fx_w16(img + 56, 0);
	expect_error(n, "e_phnum");
	fx_elf64(img); fx_w16(img + 56, 0xffff);
	expect_error(n, "e_phnum");
	fx_elf64(img); fx_w16(img + 54, 32);
	expect_error(n, "e_phentsize");
	assert_int_equal(err.value, 32);
	fx_elf64(img); fx_w64(img + 32, 0xfffffffffffffff0ull); /* overflow */
	expect_error(n, "e_phoff");
}

static void bad_load_segment_rejected(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	uint8_t *ph = img + FX_ELF64_PH(0);
	fx_w64(ph + 32, 0x3000); /* filesz > memsz */
	expect_error(n, "p_filesz");
	assert_int_equal(err.index, 0);
	fx_elf64(img); fx_w64(ph + 32, 0x200); /* data past the end of file */
	expect_error(n, "p_offset");
	fx_elf64(img); fx_w64(ph + 8, 0xffffffffffffff00ull); /* offset overflow */
	expect_error(n, "p_offset");
	fx_elf64(img); fx_w64(ph + 24, 0xfffff000ull); /* crosses 4 GiB */
	expect_error(n, "p_paddr");
	fx_elf64(img); fx_w64(ph + 24, 0xffffffffffff0000ull); /* paddr + memsz overflows */
	expect_error(n, "p_paddr");
	fx_elf64(img); fx_w64(ph + 48, 0x3000);
	expect_error(n, "p_align");
	fx_elf64(img); fx_w64(ph + 16, FX_ELF_PADDR + 0x10); /* vaddr not congruent */
	expect_error(n, "p_offset");
}

static void overlapping_segments_rejected(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	/* Turn the PT_NOTE header into a second PT_LOAD overlapping the first. */
	uint8_t *ph = img + FX_ELF64_PH(1);
	fx_w32(ph, ELF_PT_LOAD); fx_w64(ph + 8, 0x1000); fx_w64(ph + 16, FX_ELF_PADDR + 0x1000);
	fx_w64(ph + 24, FX_ELF_PADDR + 0x1000); fx_w64(ph + 32, 0x100); fx_w64(ph + 40, 0x100);
	fx_w64(ph + 48, 0x1000);
	expect_error(n, "p_paddr");
	assert_int_equal(err.index, 1);
	/* Moved just past the first one it is fine (note then comes from sections). */
	fx_w64(ph + 16, FX_ELF_PADDR + 0x2000); fx_w64(ph + 24, FX_ELF_PADDR + 0x2000);
	assert_int_equal(elf_parse(img, n, &plan, &err), 0);
	assert_int_equal(plan.nseg, 2);
	assert_int_equal(plan.kend, FX_ELF_PADDR + 0x2100);
}

static void no_load_segment_rejected(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	fx_w32(img + FX_ELF64_PH(0), ELF_PT_NULL);
	expect_error(n, "p_type");
}

static void missing_or_bad_entry_note_rejected(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	fx_w32(img + FX_ELF_NOTE_OFF + 8, XEN_ELFNOTE_ENTRY); /* wrong type everywhere */
	expect_error(n, "XEN_ELFNOTE_PHYS32_ENTRY");
	assert_string_equal(err.reason, "note missing: not a PVH image");
	fx_elf64(img); memcpy(img + FX_ELF_NOTE_OFF + 12, "Xyz", 4); /* wrong owner */
	expect_error(n, "XEN_ELFNOTE_PHYS32_ENTRY");
	fx_elf64(img); fx_w32(img + FX_ELF_NOTE_OFF + 4, 2); /* desc 2 bytes */
	expect_error(n, "XEN_ELFNOTE_PHYS32_ENTRY n_descsz");
	assert_int_equal(err.value, 2);
	fx_elf64(img); fx_w32(img + FX_ELF_NOTE_OFF + 4, 0x100000); /* desc past the segment */
	expect_error(n, "n_namesz/n_descsz");
	fx_elf64(img); fx_w64(img + FX_ELF_NOTE_OFF + 16, 0x100000000ull);
	expect_error(n, "XEN_ELFNOTE_PHYS32_ENTRY");
	assert_int_equal(err.value, 0x100000000ull);
}

static void entry_outside_image_rejected(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	fx_w64(img + FX_ELF_NOTE_OFF + 16, FX_ELF_PADDR - 4);
	expect_error(n, "XEN_ELFNOTE_PHYS32_ENTRY");
	assert_int_equal(err.value, FX_ELF_PADDR - 4);
	fx_elf64(img); fx_w64(img + FX_ELF_NOTE_OFF + 16, FX_ELF_PADDR + 0x1000); /* in bss */
	expect_error(n, "XEN_ELFNOTE_PHYS32_ENTRY");
}

static void bad_note_segment_and_sections_rejected(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	fx_w64(img + FX_ELF64_PH(1) + 8, n); /* note segment past end */
	expect_error(n, "p_offset");
	assert_int_equal(err.index, 1);
	fx_elf64(img); fx_w32(img + FX_ELF64_PH(1), ELF_PT_NULL); fx_w16(img + 58, 40);
	expect_error(n, "e_shentsize");
	fx_elf64(img); fx_w32(img + FX_ELF64_PH(1), ELF_PT_NULL); fx_w64(img + 40, n - 64);
	expect_error(n, "e_shoff");
	fx_elf64(img); fx_w32(img + FX_ELF64_PH(1), ELF_PT_NULL);
	fx_w64(img + FX_ELF_SH_OFF + 64 + 32, 0x10000);
	expect_error(n, "sh_offset");
}

static void bad_reloc_note_rejected(void **s)
{
	(void)s;
	size_t n = fx_elf64(img);
	uint8_t *q = img + FX_ELF_NOTE_OFF;
	size_t a = fx_note(q, XEN_ELFNOTE_PHYS32_RELOC, 4, 0x3000); /* align not pow2 */
	size_t c = fx_note(q + a, XEN_ELFNOTE_PHYS32_ENTRY, 8, FX_ELF_ENTRY);
	fx_w64(img + FX_ELF64_PH(1) + 32, a + c);
	expect_error(n, "XEN_ELFNOTE_PHYS32_RELOC align");
	fx_note(q, XEN_ELFNOTE_PHYS32_RELOC, 6, 0);
	expect_error(n, "XEN_ELFNOTE_PHYS32_RELOC n_descsz");
}

static void debian_vmlinux_parses(void **s)
{
	(void)s;
	size_t n;
	uint8_t *b = fx_read_cached("vmlinux", &n);

	if (!b) {
		skip(); /* tests/linux/fetch.sh has not run */
		return;
	}
	assert_int_equal(elf_parse(b, n, &plan, &err), 0);
	assert_int_equal(plan.elf_class, ELF_CLASS64);
	assert_true(plan.entry >= plan.kstart && plan.entry < plan.kend);
	assert_true(plan.kstart >= 0x100000);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_elf64_gives_plan),
		cmocka_unit_test(valid_elf32_with_4_byte_note),
		cmocka_unit_test(elf64_note_desc_4_bytes_accepted),
		cmocka_unit_test(note_found_in_sections_without_pt_note),
		cmocka_unit_test(note_after_other_xen_notes),
		cmocka_unit_test(truncated_file_rejected),
		cmocka_unit_test(bad_magic_class_data_rejected),
		cmocka_unit_test(bad_type_machine_rejected),
		cmocka_unit_test(bad_phdr_table_rejected),
		cmocka_unit_test(bad_load_segment_rejected),
		cmocka_unit_test(overlapping_segments_rejected),
		cmocka_unit_test(no_load_segment_rejected),
		cmocka_unit_test(missing_or_bad_entry_note_rejected),
		cmocka_unit_test(entry_outside_image_rejected),
		cmocka_unit_test(bad_note_segment_and_sections_rejected),
		cmocka_unit_test(bad_reloc_note_rejected),
		cmocka_unit_test(debian_vmlinux_parses),
	};
	return cmocka_run_group_tests_name("payload_elf", tests, NULL, NULL);
}
