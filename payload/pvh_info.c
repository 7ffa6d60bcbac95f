/* SPDX-License-Identifier: MIT */
/* hvm_start_info builder (facts §1.3 layout, version 1; §1.4 placement). */
#include "payload/pvh_info.h"

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static size_t up8(size_t n) { return (n + 7) & ~(size_t)7; }

size_t pvh_info_size(const struct pvh_info_args *a)
{
	size_t n = up8(sizeof(struct hvm_start_info));
	n += up8(a->nr_modules * sizeof(struct hvm_modlist_entry));
	n += up8(a->memmap->n * sizeof(struct hvm_memmap_table_entry));
	n += up8(a->cmdline_len + 1);
	for (unsigned i = 0; i < a->nr_modules; i++)
		if (a->modules[i].cmdline)
			n += up8(slen(a->modules[i].cmdline) + 1);
	return n;
}

int pvh_info_build(uint8_t *buf, uint64_t base, size_t cap, const struct pvh_info_args *a,
		   struct payload_error *err)
{
	size_t need = pvh_info_size(a);
	if (need > cap)
		return payload_fail(err, "PVH", "start_info size", -1, need, "block too small");
	if (base + need > 0x100000000ull)
		return payload_fail(err, "PVH", "start_info address", -1, base, "not below 4 GiB");
	for (size_t i = 0; i < need; i++)
		buf[i] = 0;

	struct hvm_start_info *si = (struct hvm_start_info *)buf;
	size_t off = up8(sizeof *si);
	si->magic = XEN_HVM_START_MAGIC_VALUE;
	si->version = 1;
	si->flags = a->flags;
	si->rsdp_paddr = a->rsdp_paddr;

	struct hvm_modlist_entry *ml = (struct hvm_modlist_entry *)(buf + off);
	si->nr_modules = a->nr_modules;
	si->modlist_paddr = a->nr_modules ? base + off : 0;
	off += up8(a->nr_modules * sizeof *ml);

	struct hvm_memmap_table_entry *mm = (struct hvm_memmap_table_entry *)(buf + off);
	si->memmap_paddr = base + off;
	si->memmap_entries = a->memmap->n;
	for (uint32_t i = 0; i < a->memmap->n; i++)
		mm[i] = a->memmap->e[i];
	off += up8(a->memmap->n * sizeof *mm);

	/* Always a string, possibly empty: some payloads do not check for 0. */
	si->cmdline_paddr = base + off;
	for (size_t i = 0; i < a->cmdline_len; i++)
		buf[off + i] = (uint8_t)a->cmdline[i];
	off += up8(a->cmdline_len + 1);

	for (unsigned i = 0; i < a->nr_modules; i++) {
		ml[i].paddr = a->modules[i].paddr;
		ml[i].size = a->modules[i].size;
		if (a->modules[i].cmdline) {
			size_t n = slen(a->modules[i].cmdline);
			ml[i].cmdline_paddr = base + off;
			for (size_t k = 0; k < n; k++)
				buf[off + k] = (uint8_t)a->modules[i].cmdline[k];
			off += up8(n + 1);
		}
	}
	return 0;
}
