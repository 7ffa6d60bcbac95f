/* SPDX-License-Identifier: MIT */
/*
 * sevsim's (and tools/cocoboot-measure's) own encodings for the launch: the SEV hashes
 * table as QEMU writes it, cocoboot's hashes note, and the VMSA fields a launch VMSA
 * sets. Written from QEMU's target/i386/sev.c and ../shared/docs/amd-sev-facts.md, not
 * from the guest's include/sev/ (as sim/hv/spec.h): the VMM side that fills the table
 * must not share the guest's reading of it. tests/unit/test_payload_hashes.c checks the
 * guest against tables built from these.
 */
#ifndef SIM_FW_SPEC_H
#define SIM_FW_SPEC_H

#include <stdint.h>

/* ---- the hashes table (QEMU target/i386/sev.c: SevHashTable, SevHashTableEntry,
 * QEMU_PACKED; GUIDs are UUID_LE, i.e. EFI byte order) ---- */
#define SIM_HT_PAGE          4096u  /* cocoboot's table page */
#define SIM_HT_LEN           168u   /* GUID 16 + len 2 + 3 entries of 50 */
#define SIM_HT_ENTRY_LEN     50u    /* GUID 16 + len 2 + SHA-256 32 */
#define SIM_HT_CMDLINE_OFF   18u    /* entries in QEMU's order: cmdline, initrd, kernel */
#define SIM_HT_INITRD_OFF    68u
#define SIM_HT_KERNEL_OFF    118u
#define SIM_HT_E_LEN_OFF     16u    /* within an entry */
#define SIM_HT_E_HASH_OFF    18u
/* sev_hash_table_header_guid 9438d606-4f22-4cc9-b479-a793d411fd21 */
#define SIM_HT_GUID_TABLE   "\x06\xd6\x38\x94\x22\x4f\xc9\x4c\xb4\x79\xa7\x93\xd4\x11\xfd\x21"
/* sev_cmdline_entry_guid 97d02dd8-bd20-4c94-aa78-e7714d36ab2a */
#define SIM_HT_GUID_CMDLINE "\xd8\x2d\xd0\x97\x20\xbd\x94\x4c\xaa\x78\xe7\x71\x4d\x36\xab\x2a"
/* sev_initrd_entry_guid 44baf731-3a2f-4bd7-9af1-41e29169781d */
#define SIM_HT_GUID_INITRD  "\x31\xf7\xba\x44\x2f\x3a\xd7\x4b\x9a\xf1\x41\xe2\x91\x69\x78\x1d"
/* sev_kernel_entry_guid 4de79437-abd2-427f-b835-d5b172d2045b */
#define SIM_HT_GUID_KERNEL  "\x37\x94\xe7\x4d\xd2\xab\x7f\x42\xb8\x35\xd5\xb1\x72\xd2\x04\x5b"

/* ---- cocoboot's hashes note (docs/abi.md §9.1) ---- */
#define SIM_NOTE_COCOBOOT        "cocoboot"
#define SIM_NOTE_COCOBOOT_NAMESZ 9u
#define SIM_NOTE_HASHES          0x100u /* desc: u64 paddr, u32 size (4096), u32 version */
/* SNP (docs/abi.md §10): the CPUID and secrets pages, the same 16-byte descriptor */
#define SIM_NOTE_SNP_CPUID       0x101u
#define SIM_NOTE_SNP_SECRETS     0x102u

/* ---- the VMSA (SEV-ES save area): the fields a launch VMSA sets, at the offsets of
 * amd-sev-facts.md §7.1 (Linux svm.h struct sev_es_save_area, cross-checked there with
 * SVSM, edk2 and another guest). One 4 KiB page; every other field is zero. ---- */

struct sim_vmsa_seg {
	uint16_t selector;
	uint16_t attrib;      /* VMCB format: descriptor bits 40-47, then 52-55 (facts §7.1) */
	uint32_t limit;
	uint64_t base;
};
_Static_assert(sizeof(struct sim_vmsa_seg) == 16, "VMSA segment is 16 bytes (facts §7.1)");

#define SIM_VMSA_SIZE          4096
#define SIM_VMSA_ES            0x000
#define SIM_VMSA_CS            0x010
#define SIM_VMSA_SS            0x020
#define SIM_VMSA_DS            0x030
#define SIM_VMSA_FS            0x040
#define SIM_VMSA_GS            0x050
#define SIM_VMSA_GDTR          0x060
#define SIM_VMSA_LDTR          0x070
#define SIM_VMSA_IDTR          0x080
#define SIM_VMSA_TR            0x090
#define SIM_VMSA_EFER          0x0d0
#define SIM_VMSA_CR4           0x148
#define SIM_VMSA_CR3           0x150
#define SIM_VMSA_CR0           0x158
#define SIM_VMSA_DR7           0x160
#define SIM_VMSA_DR6           0x168
#define SIM_VMSA_RFLAGS        0x170
#define SIM_VMSA_RIP           0x178
#define SIM_VMSA_RSP           0x1d8
#define SIM_VMSA_RAX           0x1f8
#define SIM_VMSA_G_PAT         0x268
#define SIM_VMSA_RCX           0x308
#define SIM_VMSA_RDX           0x310
#define SIM_VMSA_RBX           0x318
#define SIM_VMSA_RBP           0x328
#define SIM_VMSA_RSI           0x330
#define SIM_VMSA_RDI           0x338
#define SIM_VMSA_SEV_FEATURES  0x3b0
#define SIM_VMSA_VINTR_CTRL    0x3b8 /* facts §7.1: 9 V_GIF, 26 V_NMI_ENABLE (Linux svm.h) */
#define SIM_VMSA_XCR0          0x3e8
#define SIM_VMSA_MXCSR         0x408 /* u32 */
#define SIM_VMSA_X87_FCW       0x410 /* u16 */

/* What KVM's sev_es_sync_vmsa writes into every launch VMSA of a Secure AVIC guest, and
 * what a guest must write into the VMSA of an AP it creates (facts §7.2; LKML v9 09/18,
 * x86/sev "Enable NMI support for Secure AVIC", KVM SAVIC RFC v2 11/17) */
#define SIM_VINTR_V_GIF        (1ull << 9)
#define SIM_VINTR_V_NMI_ENABLE (1ull << 26)
#define SIM_SF_SECURE_AVIC     (1ull << 16) /* SEV_FEATURES bit 16 (facts §1.1) */

_Static_assert(SIM_VMSA_TR + sizeof(struct sim_vmsa_seg) == 0xa0, "segments end at 0xA0 (facts §7.1)");

/* ---- SNP launch (snpsim) ---- */

/* PAGE_INFO, the block SNP_LAUNCH_UPDATE hashes into the launch digest: SEV-SNP firmware ABI
 * (AMD 56860) §8.17.2 "SNP_LAUNCH_UPDATE", table "Layout of the PAGE_INFO Structure", as
 * sev-snp-measure (virtee, gctx.py) implements it: the new digest is SHA-384 of PAGE_INFO,
 * starting from 48 zero bytes. */
struct sim_snp_page_info {
	uint8_t  digest_cur[48];   /* 0x00: the launch digest so far */
	uint8_t  contents[48];     /* 0x30: SHA-384 of the page (normal, VMSA); else zero */
	uint16_t length;           /* 0x60: 0x70 */
	uint8_t  page_type;        /* 0x62 */
	uint8_t  imi_page;         /* 0x63: bit 0 */
	uint8_t  vmpl3_perms;      /* 0x64 */
	uint8_t  vmpl2_perms;      /* 0x65 */
	uint8_t  vmpl1_perms;      /* 0x66 */
	uint8_t  reserved;         /* 0x67 */
	uint64_t gpa;              /* 0x68 */
} __attribute__((packed));
_Static_assert(sizeof(struct sim_snp_page_info) == 0x70, "56860 §8.17.2: PAGE_INFO is 0x70 bytes");
_Static_assert(__builtin_offsetof(struct sim_snp_page_info, contents) == 0x30, "PAGE_INFO.CONTENTS");
_Static_assert(__builtin_offsetof(struct sim_snp_page_info, length) == 0x60, "PAGE_INFO.LENGTH");
_Static_assert(__builtin_offsetof(struct sim_snp_page_info, page_type) == 0x62, "PAGE_INFO.PAGE_TYPE");
_Static_assert(__builtin_offsetof(struct sim_snp_page_info, gpa) == 0x68, "PAGE_INFO.GPA");

/* PAGE_TYPE (56860 §8.17.2; Linux uapi KVM_SEV_SNP_PAGE_TYPE_*) */
#define SIM_SNP_PAGE_NORMAL     1u
#define SIM_SNP_PAGE_VMSA       2u
#define SIM_SNP_PAGE_ZERO       3u
#define SIM_SNP_PAGE_UNMEASURED 4u
#define SIM_SNP_PAGE_SECRETS    5u
#define SIM_SNP_PAGE_CPUID      6u
/* A VMSA is measured at GPA (u64)-1 page-aligned with bits 63:52 clear (sev-snp-measure) */
#define SIM_SNP_VMSA_GPA        0xfffffffff000ull

/* The SNP CPUID page (amd-sev-facts.md §6.2) */
#define SIM_SNP_CPUID_MAX       64u
struct sim_snp_cpuid_entry {
	uint32_t eax_in, ecx_in;
	uint64_t xcr0_in, xss_in;
	uint32_t eax, ebx, ecx, edx;
	uint64_t reserved;
};
struct sim_snp_cpuid_page {
	uint32_t count;
	uint32_t reserved1;
	uint64_t reserved2;
	struct sim_snp_cpuid_entry e[SIM_SNP_CPUID_MAX];
	uint8_t  reserved3[4096 - 16 - 48 * SIM_SNP_CPUID_MAX];
};
_Static_assert(sizeof(struct sim_snp_cpuid_entry) == 48, "facts §6.2: 48-byte entries");
_Static_assert(__builtin_offsetof(struct sim_snp_cpuid_entry, eax) == 24, "facts §6.2: eax @24");
_Static_assert(__builtin_offsetof(struct sim_snp_cpuid_page, e) == 0x10, "facts §6.2: entries @0x10");
_Static_assert(sizeof(struct sim_snp_cpuid_page) == 4096, "facts §6.2: one page");

/* The SNP secrets page (amd-sev-facts.md §6.3): the fields the firmware fills here */
#define SIM_SNP_SECRETS_VERSION  0x000 /* u32 */
#define SIM_SNP_SECRETS_IMIEN    0x004 /* u32 */
#define SIM_SNP_SECRETS_FMS      0x008 /* u32 */
#define SIM_SNP_SECRETS_GOSVW    0x010 /* 16 bytes */
#define SIM_SNP_SECRETS_VMPCK0   0x020 /* 4 x 32 bytes */
#define SIM_SNP_SECRETS_OS_AREA  0x0a0 /* 96 bytes, the guest's */
#define SIM_SNP_SECRETS_TSC_FACTOR 0x160 /* u32 */

/* Handing an SNP guest to Linux (amd-sev-facts.md §10): boot_params.hdr.setup_data at 0x250
 * heads a list of {u64 next, u32 type, u32 len, data}; SETUP_CC_BLOB (7) carries a u32 PA of
 * struct cc_blob_sev_info (40 bytes). */
#define SIM_BP_SETUP_DATA        0x250
#define SIM_SETUP_CC_BLOB        7u
#define SIM_CC_BLOB_MAGIC        0x45444d41u /* "AMDE" */
#define SIM_CC_BLOB_SIZE         40u
#define SIM_CC_BLOB_VERSION      0x04 /* u16 */
#define SIM_CC_BLOB_SECRETS_PHYS 0x08 /* u64 */
#define SIM_CC_BLOB_SECRETS_LEN  0x10 /* u32: 4096 */
#define SIM_CC_BLOB_CPUID_PHYS   0x18 /* u64 */
#define SIM_CC_BLOB_CPUID_LEN    0x20 /* u32: >= 4096 */

#endif /* SIM_FW_SPEC_H */
