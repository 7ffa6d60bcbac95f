/* SOURCES: smp/page_check.c lib/sha256.c lib/format.c */
/*
 * libFuzzer: the Xen AP bring-up page's checks (smp/page_check.c; docs/abi.md §8.3, §8.6,
 * §8.7 items 3-5) on a hostile region. Input: byte 0 = the highest vCPU id to start
 * (0..255), byte 1 = what the init code writes to stray_vcpu while the APs start (after
 * the header check), then the region, cut to whole pages (at least one): header, init
 * code, slots, all the hypervisor's. The region is copied into a buffer of exactly its size, so any
 * read outside it is an ASan finding.
 * Claims: no crash, out-of-bounds read or UB; a refusal is a message; an accepted header
 * has every §8.3 rule true, recomputed here: size = the region, code and entry inside it,
 * slots 128-aligned after the code and inside the region, more slots than the highest
 * vCPU, stray_vcpu 0, and both the code's SHA-256 and code_sha256 the reference digest;
 * the slot check then passes exactly when stray_vcpu is 0 and every started vCPU's slot
 * says cocoboot's online value 0x100, and fails with reason 0x23 (stray) or 0x16 (a slot
 * not online) otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/boot.h"
#include "lib/sha256.h"
#include "smp/page_check.h"

#define PAGE 4096u

static void check_digest(const uint8_t *code, uint32_t len, const uint8_t header_copy[32])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t got[SHA256_DIGEST_SIZE];
	struct sha256_ctx sha;

	sha256_init(&sha);
	sha256_update(&sha, code, len);
	sha256_final(&sha, got);
	for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++)
		if (XEN_AP_BRINGUP_REF_SHA256_HEX[2 * i] != hex[got[i] >> 4] ||
		    XEN_AP_BRINGUP_REF_SHA256_HEX[2 * i + 1] != hex[got[i] & 15] ||
		    header_copy[i] != got[i])
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xen_ap_bringup_header hdr;
	uint32_t vcpus[256];
	char err[256];
	size_t len;
	uint8_t *region;
	uint32_t max_vcpu;
	unsigned reason;

	if (size < 2 + PAGE)
		return 0;
	max_vcpu = data[0];
	len = (size - 2) / PAGE * PAGE;
	region = malloc(len);
	if (!region)
		return 0;
	memcpy(region, data + 2, len);
	memcpy(&hdr, region, sizeof(hdr)); /* as smp/page.c: the header is read once */
	err[0] = 0;
	if (!smp_page_header_check(&hdr, region, 0xfeff0000u, len, max_vcpu, err, sizeof(err))) {
		if (!err[0] || !memchr(err, 0, sizeof(err)))
			abort();
		free(region);
		return 0;
	}
	/* accepted: every §8.3 rule, recomputed */
	if (hdr.magic != XEN_AP_BRINGUP_MAGIC || hdr.version != 1 || hdr.header_size != 128 ||
	    hdr.size != len || hdr.slot_size != 128 || hdr.stray_vcpu != 0)
		abort();
	if ((uint64_t)hdr.code_offset < 128 || hdr.code_length == 0 ||
	    (uint64_t)hdr.code_offset + hdr.code_length > len)
		abort();
	if (hdr.entry_offset < hdr.code_offset ||
	    (uint64_t)hdr.entry_offset >= (uint64_t)hdr.code_offset + hdr.code_length)
		abort();
	if (hdr.slot_offset % 128 || hdr.slot_offset < (uint64_t)hdr.code_offset + hdr.code_length ||
	    (uint64_t)hdr.slot_offset + (uint64_t)hdr.nr_slots * 128 > len || hdr.nr_slots <= max_vcpu)
		abort();
	check_digest(region + hdr.code_offset, hdr.code_length, hdr.code_sha256);

	/* after the start: vCPUs 1..max_vcpu reported online */
	uint32_t stray = data[1];
	memcpy(region + 0x40, &stray, 4);
	for (uint32_t v = 1; v <= max_vcpu; v++)
		vcpus[v - 1] = v;
	err[0] = 0;
	reason = smp_page_slots_check(&hdr, region, vcpus, max_vcpu, err, sizeof(err));
	bool all_online = true;
	for (uint32_t v = 1; v <= max_vcpu; v++) {
		uint32_t st;
		memcpy(&st, region + hdr.slot_offset + (size_t)v * 128, 4);
		all_online = all_online && st == SMP_PAGE_SLOT_ONLINE;
	}
	if (reason == 0 ? stray != 0 || !all_online || err[0] :
	    !err[0] || reason != (stray ? BOOT_ERR_SMP_AP_ERROR : BOOT_ERR_SMP_START_LIE))
		abort();
	free(region);
	return 0;
}
