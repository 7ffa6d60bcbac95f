// SPDX-License-Identifier: MIT
/*
 * The SNP pages at the handoff (facts §10; Linux sev-shared.c cc_setup_data, find_cc_blob;
 * OVMF AmdSevDxe.c fills the same blob). Pure C, also built on the host.
 */
#include "payload/snp_handoff.h"

#include "linux/cc_blob.h"

#define FMT "snp"

int snp_handoff_memmap(struct payload_memmap *m, uint64_t cpuid_pa, uint64_t secrets_pa,
		       struct payload_error *err)
{
	const uint32_t tc = XEN_HVM_MEMMAP_TYPE_RESERVED, ts = XEN_HVM_MEMMAP_TYPE_RESERVED;

	if ((cpuid_pa | secrets_pa) & 0xfff)
		return payload_fail(err, FMT, "page address", -1, cpuid_pa | secrets_pa,
				    "not page aligned");
	if (payload_memmap_set(m, cpuid_pa, 4096, tc, err))
		return -1;
	return payload_memmap_set(m, secrets_pa, 4096, ts, err);
}

int snp_handoff_cc_blob(struct boot_params *bp, void *page, uint64_t page_pa, uint64_t cpuid_pa,
			uint64_t secrets_pa, struct payload_error *err)
{
	/* setup_data's payload for SETUP_CC_BLOB is a u32 address: the blob below 4 GiB. */
	if (page_pa + 4096 > 0x100000000ull)
		return payload_fail(err, FMT, "cc_blob address", -1, page_pa, "not below 4 GiB");
	struct setup_data *node = page;
	struct cc_blob_sev_info *blob = (struct cc_blob_sev_info *)((uint8_t *)page + 64);
	uint64_t blob_pa = page_pa + 64;

	blob->magic = CC_BLOB_SEV_HDR_MAGIC;
	blob->version = CC_BLOB_VERSION;
	blob->secrets_phys = secrets_pa;
	blob->secrets_len = 4096;
	blob->cpuid_phys = cpuid_pa;
	blob->cpuid_len = 4096;
	node->next = bp->hdr.setup_data;
	node->type = SETUP_CC_BLOB;
	node->len = CC_BLOB_SETUP_DATA_LEN;
	uint32_t a = (uint32_t)blob_pa;
	for (unsigned i = 0; i < 4; i++)
		node->data[i] = (uint8_t)(a >> (8 * i));
	bp->hdr.setup_data = page_pa;
	return 0;
}
