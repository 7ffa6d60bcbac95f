// SPDX-License-Identifier: MIT
/*
 * The guest's checks of a Xen AP bring-up page (smp/xenpage.h): everything in
 * the map entry and the header is the hypervisor's input and is checked before
 * any AP is pointed at it (docs/abi.md §8.7).
 */
#include "smp/xenpage.h"

#include "lib/format.h"
#include "lib/sha256.h"
#include "lib/string.h"

#define PAGE 4096ull
#define FOUR_GIB (1ull << 32)

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

enum xenpage_find xenpage_find(const struct hvm_memmap_table_entry *map, uint32_t entries,
			       uint64_t *addr, uint64_t *size, char *err, size_t err_size)
{
	int found = -1;

	for (uint32_t i = 0; i < entries; i++) {
		if (map[i].type != XEN_HVM_MEMMAP_TYPE_AP_BRINGUP)
			continue;
		if (found >= 0) {
			fmt_snprintf(err, err_size, "memmap[%u] is a second bring-up page entry "
				     "(memmap[%d] is one)", i, found);
			return XENPAGE_BAD;
		}
		found = (int)i;
	}
	if (found < 0)
		return XENPAGE_NONE;

	const struct hvm_memmap_table_entry *e = &map[found];

	if (e->addr % PAGE || e->size % PAGE || e->size < PAGE) {
		fmt_snprintf(err, err_size, "memmap[%d] addr=%#llx size=%#llx: not whole pages", found,
			     (unsigned long long)e->addr, (unsigned long long)e->size);
		return XENPAGE_BAD;
	}
	if (e->addr >= FOUR_GIB || e->size > FOUR_GIB - e->addr) {
		fmt_snprintf(err, err_size, "memmap[%d] addr=%#llx size=%#llx: not below 4 GiB "
			     "(the init code runs with paging off)", found,
			     (unsigned long long)e->addr, (unsigned long long)e->size);
		return XENPAGE_BAD;
	}
	for (uint32_t i = 0; i < entries; i++)
		if ((int)i != found && overlaps(e->addr, e->size, map[i].addr, map[i].size)) {
			fmt_snprintf(err, err_size, "memmap[%d] addr=%#llx size=%#llx overlaps "
				     "memmap[%u] (%#llx+%#llx type %u)", found,
				     (unsigned long long)e->addr, (unsigned long long)e->size, i,
				     (unsigned long long)map[i].addr,
				     (unsigned long long)map[i].size, map[i].type);
			return XENPAGE_BAD;
		}
	*addr = e->addr;
	*size = e->size;
	return XENPAGE_FOUND;
}

#define BAD(...) (fmt_snprintf(err, err_size, __VA_ARGS__), false)

bool xenpage_check(const void *region, uint64_t size, uint32_t max_vcpu,
		   const uint8_t ref_sha256[32], char *err, size_t err_size)
{
	struct xen_ap_bringup_header h;
	uint8_t got[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;

	memcpy(&h, region, sizeof(h));
	if (h.magic != XEN_AP_BRINGUP_MAGIC)
		return BAD("magic=%#x, not %#x", h.magic, XEN_AP_BRINGUP_MAGIC);
	if (h.version != XEN_AP_BRINGUP_VERSION)
		return BAD("version=%u, not %u", h.version, XEN_AP_BRINGUP_VERSION);
	if (h.header_size != XEN_AP_BRINGUP_HDR_SIZE)
		return BAD("header_size=%u, not %u", h.header_size, XEN_AP_BRINGUP_HDR_SIZE);
	if (h.size != size)
		return BAD("size=%#x, the memory-map entry says %#llx", h.size,
			   (unsigned long long)size);
	if (h.code_offset < h.header_size || h.code_length == 0 ||
	    (uint64_t)h.code_offset + h.code_length > size)
		return BAD("code_offset=%#x code_length=%#x: not inside the %#llx-byte region after "
			   "the header", h.code_offset, h.code_length, (unsigned long long)size);
	if (h.entry_offset < h.code_offset || h.entry_offset >= h.code_offset + h.code_length)
		return BAD("entry_offset=%#x is not in the code [%#x, %#x)", h.entry_offset,
			   h.code_offset, h.code_offset + h.code_length);
	if (h.slot_size != XEN_AP_BRINGUP_SLOT_SIZE)
		return BAD("slot_size=%u, not %u", h.slot_size, XEN_AP_BRINGUP_SLOT_SIZE);
	if (h.slot_offset % XEN_AP_BRINGUP_SLOT_SIZE || h.slot_offset < h.code_offset + h.code_length)
		return BAD("slot_offset=%#x: not 128-aligned after the code (ends at %#x)",
			   h.slot_offset, h.code_offset + h.code_length);
	if ((uint64_t)h.slot_offset + (uint64_t)h.nr_slots * XEN_AP_BRINGUP_SLOT_SIZE > size)
		return BAD("nr_slots=%u at slot_offset=%#x do not fit in size=%#llx", h.nr_slots,
			   h.slot_offset, (unsigned long long)size);
	if (h.nr_slots <= max_vcpu)
		return BAD("nr_slots=%u: no slot for vCPU %u", h.nr_slots, max_vcpu);
	if (h.stray_vcpu)
		return BAD("stray_vcpu=%u before any AP ran", h.stray_vcpu);
	/* §8.3: compare what we compute with what we were built for, never only
	 * with the header's copy; a header that states another digest is refused too. */
	sha256_init(&c);
	sha256_update(&c, (const uint8_t *)region + h.code_offset, h.code_length);
	sha256_final(&c, got);
	if (memcmp(got, ref_sha256, sizeof(got)))
		return BAD("SHA-256 of the %u bytes of code at %#x is %02x%02x%02x%02x..., not the "
			   "reference %02x%02x%02x%02x...", h.code_length, h.code_offset, got[0],
			   got[1], got[2], got[3], ref_sha256[0], ref_sha256[1], ref_sha256[2],
			   ref_sha256[3]);
	if (memcmp(h.code_sha256, ref_sha256, sizeof(got)))
		return BAD("code_sha256=%02x%02x%02x%02x... in the header, not the reference "
			   "%02x%02x%02x%02x...", h.code_sha256[0], h.code_sha256[1],
			   h.code_sha256[2], h.code_sha256[3], ref_sha256[0], ref_sha256[1],
			   ref_sha256[2], ref_sha256[3]);
	return true;
}
