// SPDX-License-Identifier: MIT
/*
 * The Xen AP bring-up page's own checks (docs/abi.md §8.7 items 3-5), on bytes only, so a
 * fuzzer can run them (tests/fuzz/fuzz_smp_page.c). Every header field is hypervisor
 * input until it passed: no field is used to read the region before the fields that bound
 * it were checked, and the digest is compared with the reference compiled in, never with
 * the header's copy alone (§8.3 "The digest").
 */
#include "smp/page_check.h"

#include "boot/boot.h"
#include "lib/format.h"
#include "lib/sha256.h"
#include "lib/string.h"

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool bad(char *err, size_t err_size, uint64_t region_pa, const char *field, uint64_t val)
{
	fmt_snprintf(err, err_size, "bring-up page at %#llx: %s=%#llx", (unsigned long long)region_pa,
		     field, (unsigned long long)val);
	return false;
}

bool smp_page_header_check(const struct xen_ap_bringup_header *hdr, const uint8_t *region,
			   uint64_t region_pa, uint64_t region_size, uint32_t max_vcpu,
			   char *err, size_t err_size)
{
	uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
	struct sha256_ctx sha;

	/* §8.3: the fields, each bounded by the ones before it */
	if (hdr->magic != XEN_AP_BRINGUP_MAGIC)
		return bad(err, err_size, region_pa, "magic", hdr->magic);
	if (hdr->version != XEN_AP_BRINGUP_VERSION)
		return bad(err, err_size, region_pa, "version", hdr->version);
	if (hdr->header_size != XEN_AP_BRINGUP_HDR_SIZE)
		return bad(err, err_size, region_pa, "header_size", hdr->header_size);
	if (hdr->size != region_size || region_size < XEN_AP_BRINGUP_HDR_SIZE)
		return bad(err, err_size, region_pa, "size", hdr->size);
	if (hdr->code_offset < XEN_AP_BRINGUP_HDR_SIZE || hdr->code_offset > hdr->size ||
	    hdr->code_length == 0 || hdr->code_length > hdr->size - hdr->code_offset)
		return bad(err, err_size, region_pa, "code_offset/code_length",
			   ((uint64_t)hdr->code_offset << 32) | hdr->code_length);
	if (hdr->entry_offset < hdr->code_offset ||
	    hdr->entry_offset - hdr->code_offset >= hdr->code_length)
		return bad(err, err_size, region_pa, "entry_offset", hdr->entry_offset);
	if (hdr->slot_size != XEN_AP_BRINGUP_SLOT_SIZE)
		return bad(err, err_size, region_pa, "slot_size", hdr->slot_size);
	if ((hdr->slot_offset & (XEN_AP_BRINGUP_SLOT_SIZE - 1)) ||
	    hdr->slot_offset < hdr->code_offset + hdr->code_length || hdr->slot_offset > hdr->size)
		return bad(err, err_size, region_pa, "slot_offset", hdr->slot_offset);
	if (hdr->nr_slots > (hdr->size - hdr->slot_offset) / XEN_AP_BRINGUP_SLOT_SIZE)
		return bad(err, err_size, region_pa, "nr_slots", hdr->nr_slots);
	if (hdr->nr_slots <= max_vcpu)
		return bad(err, err_size, region_pa, "nr_slots (fewer than the vCPUs to start)",
			   hdr->nr_slots);
	if (hdr->stray_vcpu != 0)
		return bad(err, err_size, region_pa, "stray_vcpu", hdr->stray_vcpu);

	/* §8.7 item 4: the digest computed over the code equals the one compiled in */
	for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++)
		want[i] = (uint8_t)(hexval(XEN_AP_BRINGUP_REF_SHA256_HEX[2 * i]) << 4 |
				    hexval(XEN_AP_BRINGUP_REF_SHA256_HEX[2 * i + 1]));
	sha256_init(&sha);
	sha256_update(&sha, region + hdr->code_offset, hdr->code_length);
	sha256_final(&sha, got);
	if (memcmp(want, got, sizeof(want))) {
		fmt_snprintf(err, err_size,
			     "bring-up page at %#llx: the SHA-256 of its %u bytes of init code is not "
			     "the reference digest %.16s...", (unsigned long long)region_pa,
			     hdr->code_length, XEN_AP_BRINGUP_REF_SHA256_HEX);
		return false;
	}
	/* "not merely the header's code_sha256" -- but a header that states another digest
	 * than its code's is a broken page too */
	if (memcmp(hdr->code_sha256, want, sizeof(want))) {
		fmt_snprintf(err, err_size,
			     "bring-up page at %#llx: code_sha256=%02x%02x%02x%02x... in the header is "
			     "not the SHA-256 of its init code %.8s...", (unsigned long long)region_pa,
			     hdr->code_sha256[0], hdr->code_sha256[1], hdr->code_sha256[2],
			     hdr->code_sha256[3], XEN_AP_BRINGUP_REF_SHA256_HEX);
		return false;
	}
	return true;
}

unsigned smp_page_slots_check(const struct xen_ap_bringup_header *hdr, const volatile uint8_t *region,
			      const uint32_t *vcpus, unsigned n, char *err, size_t err_size)
{
	uint32_t stray = smp_page_stray(region);

	if (stray) {
		fmt_snprintf(err, err_size, "bring-up page: vCPU %u has no slot but ran the init code",
			     stray - 1);
		return BOOT_ERR_SMP_AP_ERROR;
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t st;

		if (vcpus[i] >= hdr->nr_slots) { /* the header check refused that: never here */
			fmt_snprintf(err, err_size, "bring-up page: vCPU %u has no slot (nr_slots %u)",
				     vcpus[i], hdr->nr_slots);
			return BOOT_ERR_SMP_PAGE;
		}
		st = smp_page_slot(hdr, region, vcpus[i])->state;
		if (st != SMP_PAGE_SLOT_ONLINE) {
			fmt_snprintf(err, err_size,
				     "vCPU %u reported online but its slot says %#x, not online (%#x)",
				     vcpus[i], st, SMP_PAGE_SLOT_ONLINE);
			return BOOT_ERR_SMP_START_LIE; /* our code wrote it before reporting */
		}
	}
	return 0;
}
