/* SPDX-License-Identifier: MIT */
/*
 * Xen ELF note constants (xen/include/public/elfnote.h; facts §1.1).
 * Notes have the name "Xen" (namesz 4, including the NUL).
 */
#ifndef COCOBOOT_ELF_XEN_NOTE_H
#define COCOBOOT_ELF_XEN_NOTE_H

#define XEN_ELFNOTE_NAME            "Xen"
#define XEN_ELFNOTE_NAMESZ          4

#define XEN_ELFNOTE_ENTRY           1
#define XEN_ELFNOTE_VIRT_BASE       3
#define XEN_ELFNOTE_PADDR_OFFSET    4
#define XEN_ELFNOTE_GUEST_OS        6
/* 32-bit physical entry point; its presence marks a PVH image (facts §1.1). */
#define XEN_ELFNOTE_PHYS32_ENTRY    18
/* Relocatable PVH image: u32 align, min start, max last byte (facts §1.1). */
#define XEN_ELFNOTE_PHYS32_RELOC    19

/* Defaults of PHYS32_RELOC when its optional values are absent (facts §1.1). */
#define XEN_PHYS32_RELOC_DEF_ALIGN  0x200000u
#define XEN_PHYS32_RELOC_DEF_MIN    0u
#define XEN_PHYS32_RELOC_DEF_MAX    0xffffffffu

#endif
