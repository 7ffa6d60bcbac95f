/* SPDX-License-Identifier: MIT */
/*
 * Handing an SNP guest to Linux (../shared/docs/amd-sev-facts.md §10): the confidential-
 * computing blob that names the CPUID and secrets pages (Linux arch/x86/include/asm/sev.h
 * struct cc_blob_sev_info, edk2 ConfidentialComputingSevSnpBlob.h), found by Linux through a
 * setup_data node of type SETUP_CC_BLOB whose data is the blob's 32-bit physical address
 * (uapi asm/setup_data.h; Linux sev-shared.c cc_setup_data).
 */
#ifndef COCOBOOT_LINUX_CC_BLOB_H
#define COCOBOOT_LINUX_CC_BLOB_H

#include <stdint.h>

#define CC_BLOB_SEV_HDR_MAGIC 0x45444d41u /* "AMDE" */
#define CC_BLOB_VERSION       1u          /* what OVMF writes; Linux does not check it */

struct cc_blob_sev_info {
	uint32_t magic;
	uint16_t version;
	uint16_t reserved;
	uint64_t secrets_phys;
	uint32_t secrets_len;      /* must be 4096 */
	uint32_t rsvd1;
	uint64_t cpuid_phys;
	uint32_t cpuid_len;        /* must be >= 4096 */
	uint32_t rsvd2;
} __attribute__((packed));
_Static_assert(__builtin_offsetof(struct cc_blob_sev_info, secrets_phys) == 8, "secrets @8");
_Static_assert(__builtin_offsetof(struct cc_blob_sev_info, secrets_len) == 0x10, "len @0x10");
_Static_assert(__builtin_offsetof(struct cc_blob_sev_info, cpuid_phys) == 0x18, "cpuid @0x18");
_Static_assert(__builtin_offsetof(struct cc_blob_sev_info, cpuid_len) == 0x20, "len @0x20");
_Static_assert(sizeof(struct cc_blob_sev_info) == 40, "40 bytes, packed");

/* The setup_data node (include/linux/boot_params.h struct setup_data, type SETUP_CC_BLOB)
 * carries 4 bytes: the blob's physical address, so the blob lies below 4 GiB. */
#define CC_BLOB_SETUP_DATA_LEN 4u

#endif
