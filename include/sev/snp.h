/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP guest ABI: page-state-change descriptors, PVALIDATE / RMPADJUST, the SNP CPUID
 * page and the secrets page, and cocoboot's ELF notes that place the last two in its image.
 *
 * Sources: ../shared/docs/amd-sev-facts.md §5.1 (PSC descriptor: Linux sev-common.h psc_hdr /
 * psc_entry, edk2, COCONUT), §5.2 (PVALIDATE/RMPADJUST: Linux sev.h, COCONUT utils.rs),
 * §6.2 (CPUID page: Linux snp_cpuid_table, edk2, OpenVMM), §6.3 (secrets page: Linux
 * snp_secrets_page, COCONUT secrets_page.rs). The notes are cocoboot's (docs/abi.md §10).
 */
#ifndef COCOBOOT_SEV_SNP_H
#define COCOBOOT_SEV_SNP_H

#include <stdint.h>

/* ---- Page state change through the GHCB (NAE 0x8000_0010), facts §5.1 ---- */

struct snp_psc_hdr {
	uint16_t cur_entry;        /* next entry the hypervisor works on */
	uint16_t end_entry;        /* index of the last entry, inclusive */
	uint32_t reserved;         /* must stay 0 */
};
_Static_assert(sizeof(struct snp_psc_hdr) == 8, "psc header is 8 bytes");
_Static_assert(__builtin_offsetof(struct snp_psc_hdr, end_entry) == 2, "end_entry at 2");

/* (2032 - 8) / 8: what fits in the GHCB shared buffer (Linux VMGEXIT_PSC_MAX_COUNT). */
#define SNP_PSC_MAX_ENTRIES 253u

/* Entry: [11:0] cur_page, [51:12] GFN, [55:52] operation, [56] page size (1 = 2M). */
#define SNP_PSC_OP_PRIVATE 1u
#define SNP_PSC_OP_SHARED  2u

static inline uint64_t snp_psc_entry(uint64_t gfn, unsigned op, int huge)
{
	return ((gfn & 0xffffffffffull) << 12) | ((uint64_t)(op & 0xfu) << 52) |
	       ((uint64_t)(huge ? 1 : 0) << 56);
}

static inline unsigned snp_psc_entry_cur_page(uint64_t e) { return (unsigned)(e & 0xfffu); }
static inline uint64_t snp_psc_entry_gfn(uint64_t e) { return (e >> 12) & 0xffffffffffull; }

/* SW_EXITINFO2 results (Linux VMGEXIT_PSC_ERROR_*). */
#define SNP_PSC_OK              0ull
#define SNP_PSC_ERROR_HEADER    ((1ull << 32) | 1)
#define SNP_PSC_ERROR_ENTRY     ((1ull << 32) | 2)

/* ---- PVALIDATE (F2 0F 01 FF) and RMPADJUST (F3 0F 01 FE), facts §5.2 ---- */

#define SNP_PAGE_4K 0u
#define SNP_PAGE_2M 1u
#define SNP_PVALIDATE_OK               0u
#define SNP_PVALIDATE_FAIL_INPUT       1u
#define SNP_PVALIDATE_FAIL_PERMISSION  2u  /* RMPADJUST only */
#define SNP_PVALIDATE_FAIL_SIZEMISMATCH 6u
/* RMPADJUST attributes: [7:0] target VMPL, 8 read, 9 write, 10 user-exec, 11 supervisor-exec,
 * 16 VMSA. */
#define SNP_RMPADJUST_VMSA (1ull << 16)

/* ---- SNP CPUID page, facts §6.2 ---- */

struct snp_cpuid_fn {
	uint32_t eax_in;
	uint32_t ecx_in;
	uint64_t xcr0_in;
	uint64_t xss_in;
	uint32_t eax, ebx, ecx, edx;
	uint64_t reserved;
};
_Static_assert(sizeof(struct snp_cpuid_fn) == 48, "CPUID entry is 48 bytes");
_Static_assert(__builtin_offsetof(struct snp_cpuid_fn, xcr0_in) == 8, "xcr0_in at 8");
_Static_assert(__builtin_offsetof(struct snp_cpuid_fn, eax) == 24, "eax at 24");
_Static_assert(__builtin_offsetof(struct snp_cpuid_fn, edx) == 36, "edx at 36");

#define SNP_CPUID_COUNT_MAX 64u

struct snp_cpuid_table {
	uint32_t count;            /* 1..64 */
	uint32_t reserved1;
	uint64_t reserved2;
	struct snp_cpuid_fn fn[SNP_CPUID_COUNT_MAX];
};
_Static_assert(__builtin_offsetof(struct snp_cpuid_table, fn) == 0x10, "entries at 0x10");
_Static_assert(sizeof(struct snp_cpuid_table) == 0xc10, "64 entries end at 0xC10");

/* ---- SNP secrets page, facts §6.3 (the fields cocoboot reads or passes on) ---- */

struct snp_secrets_page {
	uint32_t version;
	uint32_t imien;            /* bit 0 */
	uint32_t fms;
	uint32_t reserved1;
	uint8_t gosvw[16];
	uint8_t vmpck[4][32];
	uint32_t os_msg_seqno[4];  /* OS area @0xA0 */
	uint64_t os_ap_jump_table_pa;
	uint8_t os_reserved[40];
	uint8_t os_guest_usage[32];
	uint8_t vmsa_tweak_bitmap[64];
	uint64_t svsm_base;
	uint64_t svsm_size;
	uint64_t svsm_caa;
	uint32_t svsm_max_version;
	uint8_t svsm_guest_vmpl;
	uint8_t reserved2[3];
	uint32_t tsc_factor;
	uint8_t reserved3[4096 - 0x164];
};
_Static_assert(__builtin_offsetof(struct snp_secrets_page, vmpck) == 0x20, "VMPCK0 at 0x20");
_Static_assert(__builtin_offsetof(struct snp_secrets_page, os_msg_seqno) == 0xa0, "OS area at 0xA0");
_Static_assert(__builtin_offsetof(struct snp_secrets_page, os_ap_jump_table_pa) == 0xb0, "jump table at 0xB0");
_Static_assert(__builtin_offsetof(struct snp_secrets_page, os_guest_usage) == 0xe0, "guest usage at 0xE0");
_Static_assert(__builtin_offsetof(struct snp_secrets_page, vmsa_tweak_bitmap) == 0x100, "tweak at 0x100");
_Static_assert(__builtin_offsetof(struct snp_secrets_page, svsm_base) == 0x140, "svsm_base at 0x140");
_Static_assert(__builtin_offsetof(struct snp_secrets_page, svsm_caa) == 0x150, "svsm_caa at 0x150");
_Static_assert(__builtin_offsetof(struct snp_secrets_page, svsm_guest_vmpl) == 0x15c, "vmpl at 0x15C");
_Static_assert(__builtin_offsetof(struct snp_secrets_page, tsc_factor) == 0x160, "tsc_factor at 0x160");
_Static_assert(sizeof(struct snp_secrets_page) == 4096, "one page");

/* ---- cocoboot's ELF notes (name "cocoboot", desc as COCOBOOT_NOTE_HASHES), abi.md §10 ---- */
#define COCOBOOT_NOTE_SNP_CPUID   0x101u
#define COCOBOOT_NOTE_SNP_SECRETS 0x102u

#endif
