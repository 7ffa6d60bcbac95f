/* SPDX-License-Identifier: MIT */
/*
 * The SEV hashes table: SHA-256 digests of the kernel, initrd and command line that
 * the VMM writes into measured guest memory before launch, so the payload itself may
 * travel through unmeasured shared memory (docs/abi.md §9).
 *
 * Layout: QEMU's SevHashTable (target/i386/sev.c, "kernel-hashes", struct
 * SevHashTable / SevHashTableEntry, QEMU_PACKED): a header {GUID, u16 len} followed by
 * three entries {GUID, u16 len, u8 hash[32]} in the order cmdline, initrd, kernel; len
 * is the size of the structure it heads (168 for the table, 50 per entry); QEMU pads
 * the table to a multiple of 16 (PaddedSevHashTable: 176 bytes). The GUIDs are those
 * of QEMU's sev_hash_table_header_guid / sev_{cmdline,initrd,kernel}_entry_guid and
 * edk2's OvmfPkg SevHashFinderLib, stored in the EFI (UUID_LE) byte order.
 *
 * Where it is: one 4 KiB page inside cocoboot's own image (so LAUNCH_UPDATE_DATA of the
 * image measures it), advertised by the ELF note below. An all-zero page means "no
 * hashes". Everything here is cocoboot's convention except the table layout.
 */
#ifndef COCOBOOT_SEV_HASHES_H
#define COCOBOOT_SEV_HASHES_H

#include <stdint.h>

#define SEV_HASH_SIZE 32 /* SHA-256 */

struct sev_hash_entry {
	uint8_t guid[16];
	uint16_t len;              /* sizeof(struct sev_hash_entry) = 50 */
	uint8_t hash[SEV_HASH_SIZE];
} __attribute__((packed));

struct sev_hash_table {
	uint8_t guid[16];          /* SEV_HASH_TABLE_GUID */
	uint16_t len;              /* sizeof(struct sev_hash_table) = 168 */
	struct sev_hash_entry cmdline;
	struct sev_hash_entry initrd;
	struct sev_hash_entry kernel;
} __attribute__((packed));

_Static_assert(sizeof(struct sev_hash_entry) == 50, "QEMU SevHashTableEntry is 50 bytes");
_Static_assert(__builtin_offsetof(struct sev_hash_entry, len) == 16, "entry len after GUID");
_Static_assert(__builtin_offsetof(struct sev_hash_entry, hash) == 18, "entry hash at 18");
_Static_assert(__builtin_offsetof(struct sev_hash_table, len) == 16, "table len after GUID");
_Static_assert(__builtin_offsetof(struct sev_hash_table, cmdline) == 18, "cmdline first");
_Static_assert(__builtin_offsetof(struct sev_hash_table, initrd) == 68, "initrd second");
_Static_assert(__builtin_offsetof(struct sev_hash_table, kernel) == 118, "kernel third");
_Static_assert(sizeof(struct sev_hash_table) == 168, "QEMU SevHashTable is 168 bytes");

#define SEV_HASH_TABLE_PADDED 176  /* QEMU's PaddedSevHashTable: a multiple of 16 */

/* 9438d606-4f22-4cc9-b479-a793d411fd21, EFI byte order */
#define SEV_HASH_TABLE_GUID { 0x06, 0xd6, 0x38, 0x94, 0x22, 0x4f, 0xc9, 0x4c, \
			      0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21 }
/* 97d02dd8-bd20-4c94-aa78-e7714d36ab2a */
#define SEV_HASH_CMDLINE_GUID { 0xd8, 0x2d, 0xd0, 0x97, 0x20, 0xbd, 0x94, 0x4c, \
				0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a }
/* 44baf731-3a2f-4bd7-9af1-41e29169781d */
#define SEV_HASH_INITRD_GUID { 0x31, 0xf7, 0xba, 0x44, 0x2f, 0x3a, 0xd7, 0x4b, \
			       0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d }
/* 4de79437-abd2-427f-b835-d5b172d2045b */
#define SEV_HASH_KERNEL_GUID { 0x37, 0x94, 0xe7, 0x4d, 0xd2, 0xab, 0x7f, 0x42, \
			       0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b }

/*
 * cocoboot's ELF note advertising the table page (cocoboot's own ABI, docs/abi.md §9):
 * name "cocoboot" (namesz 9), type COCOBOOT_NOTE_HASHES, descriptor below, in the
 * PT_NOTE segment beside XEN_ELFNOTE_PHYS32_ENTRY.
 */
#define COCOBOOT_NOTE_NAME    "cocoboot"
#define COCOBOOT_NOTE_NAMESZ  9
#define COCOBOOT_NOTE_HASHES  0x100

struct cocoboot_note_hashes {
	uint64_t paddr;            /* guest-physical address of the table page */
	uint32_t size;             /* 4096 */
	uint32_t version;          /* 1: the QEMU SevHashTable layout above */
};
_Static_assert(sizeof(struct cocoboot_note_hashes) == 16, "note descriptor is 16 bytes");
_Static_assert(__builtin_offsetof(struct cocoboot_note_hashes, size) == 8, "size at 8");

#define COCOBOOT_HASHES_PAGE_SIZE 4096u
#define COCOBOOT_HASHES_VERSION   1u

#endif
