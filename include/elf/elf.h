/* SPDX-License-Identifier: MIT */
/*
 * ELF32 and ELF64 structures a PVH loader needs: file header, program header,
 * section header, note header. Layouts are the System V gABI ones (also
 * <elf.h> on any Linux host); only little-endian x86 images are accepted.
 * PVH loading rules: xen-pvh-linux-boot-facts.md §1.1.
 */
#ifndef COCOBOOT_ELF_ELF_H
#define COCOBOOT_ELF_ELF_H

#include <stdint.h>
#include <stddef.h>

/* e_ident indexes and values */
#define ELF_EI_MAG0     0
#define ELF_EI_CLASS    4
#define ELF_EI_DATA     5
#define ELF_EI_VERSION  6
#define ELF_EI_NIDENT   16
#define ELF_MAG         "\177ELF"
#define ELF_CLASS32     1
#define ELF_CLASS64     2
#define ELF_DATA2LSB    1
#define ELF_EV_CURRENT  1

/* e_type, e_machine */
#define ELF_ET_EXEC     2
#define ELF_EM_386      3
#define ELF_EM_X86_64   62

/* p_type, sh_type */
#define ELF_PT_NULL     0
#define ELF_PT_LOAD     1
#define ELF_PT_NOTE     4
#define ELF_SHT_NOTE    7
#define ELF_PN_XNUM     0xffffu  /* e_phnum escape: real count in section 0 */

struct elf32_ehdr {
	uint8_t  e_ident[ELF_EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint32_t e_entry;
	uint32_t e_phoff;
	uint32_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_ehdr {
	uint8_t  e_ident[ELF_EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf32_phdr {
	uint32_t p_type;
	uint32_t p_offset;
	uint32_t p_vaddr;
	uint32_t p_paddr;
	uint32_t p_filesz;
	uint32_t p_memsz;
	uint32_t p_flags;
	uint32_t p_align;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf32_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint32_t sh_flags;
	uint32_t sh_addr;
	uint32_t sh_offset;
	uint32_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint32_t sh_addralign;
	uint32_t sh_entsize;
};

struct elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};

/* Note header, same in both classes; name and desc follow, each padded to 4. */
struct elf_nhdr {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
};

_Static_assert(sizeof(struct elf32_ehdr) == 52, "elf32_ehdr size");
_Static_assert(offsetof(struct elf32_ehdr, e_entry) == 24, "elf32 e_entry");
_Static_assert(offsetof(struct elf32_ehdr, e_phoff) == 28, "elf32 e_phoff");
_Static_assert(offsetof(struct elf32_ehdr, e_shoff) == 32, "elf32 e_shoff");
_Static_assert(offsetof(struct elf32_ehdr, e_phentsize) == 42, "elf32 e_phentsize");
_Static_assert(offsetof(struct elf32_ehdr, e_phnum) == 44, "elf32 e_phnum");
_Static_assert(offsetof(struct elf32_ehdr, e_shentsize) == 46, "elf32 e_shentsize");
_Static_assert(offsetof(struct elf32_ehdr, e_shnum) == 48, "elf32 e_shnum");
_Static_assert(sizeof(struct elf64_ehdr) == 64, "elf64_ehdr size");
_Static_assert(offsetof(struct elf64_ehdr, e_entry) == 24, "elf64 e_entry");
_Static_assert(offsetof(struct elf64_ehdr, e_phoff) == 32, "elf64 e_phoff");
_Static_assert(offsetof(struct elf64_ehdr, e_shoff) == 40, "elf64 e_shoff");
_Static_assert(offsetof(struct elf64_ehdr, e_phentsize) == 54, "elf64 e_phentsize");
_Static_assert(offsetof(struct elf64_ehdr, e_phnum) == 56, "elf64 e_phnum");
_Static_assert(offsetof(struct elf64_ehdr, e_shentsize) == 58, "elf64 e_shentsize");
_Static_assert(offsetof(struct elf64_ehdr, e_shnum) == 60, "elf64 e_shnum");
_Static_assert(sizeof(struct elf32_phdr) == 32, "elf32_phdr size");
_Static_assert(offsetof(struct elf32_phdr, p_paddr) == 12, "elf32 p_paddr");
_Static_assert(offsetof(struct elf32_phdr, p_align) == 28, "elf32 p_align");
_Static_assert(sizeof(struct elf64_phdr) == 56, "elf64_phdr size");
_Static_assert(offsetof(struct elf64_phdr, p_offset) == 8, "elf64 p_offset");
_Static_assert(offsetof(struct elf64_phdr, p_paddr) == 24, "elf64 p_paddr");
_Static_assert(offsetof(struct elf64_phdr, p_align) == 48, "elf64 p_align");
_Static_assert(sizeof(struct elf32_shdr) == 40, "elf32_shdr size");
_Static_assert(offsetof(struct elf32_shdr, sh_offset) == 16, "elf32 sh_offset");
_Static_assert(sizeof(struct elf64_shdr) == 64, "elf64_shdr size");
_Static_assert(offsetof(struct elf64_shdr, sh_offset) == 24, "elf64 sh_offset");
_Static_assert(offsetof(struct elf64_shdr, sh_size) == 32, "elf64 sh_size");
_Static_assert(sizeof(struct elf_nhdr) == 12, "elf_nhdr size");

#endif
