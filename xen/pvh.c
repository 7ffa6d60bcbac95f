// SPDX-License-Identifier: MIT
/*
 * hvm_start_info validation. Rules and their sources:
 *  - layout, magic, versions: xen/include/public/arch-x86/hvm/start_info.h
 *    ("no object at GPA 0", "version 1 adds the memory map", reserved = 0);
 *  - module command-line slot of 1024 bytes: libxenguest (facts 1.4);
 *  - everything else here is the threat model: the producer is not trusted,
 *    so every address must point at memory that exists, nothing may overlap
 *    the stub image, and nothing may overlap anything else it describes.
 */
#include "xen/pvh.h"

#include "lib/format.h"
#include <xen/ap_bringup.h>

#ifdef COCOBOOT_HOST
#include <string.h>
#else
#include "lib/string.h"
#endif

/* Option ROM and BIOS area: QEMU's PVH option ROM keeps start_info data here,
 * and firmware maps leave it out of the memory map or mark it reserved. */
#define LEGACY_AREA_START 0xc0000ull
#define LEGACY_AREA_END   0x100000ull

struct ctx {
	const struct pvh_env *env;
	struct pvh_info *out;
	char *err;
	size_t err_size;
};

#define FAIL(c, code, ...)                                              \
	do {                                                            \
		fmt_snprintf((c)->err, (c)->err_size, __VA_ARGS__);     \
		return (code);                                          \
	} while (0)

static void warn(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct ctx *c, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->out->nr_warnings++;
	if (c->env->warn)
		c->env->warn(c->env->opaque, msg);
}

static bool read_mem(struct ctx *c, uint64_t pa, void *dst, size_t len)
{
	if (pa + len < pa)
		return false;
	return c->env->read(c->env->opaque, pa, dst, len);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

const char *pvh_memmap_type_name(uint32_t type)
{
	switch (type) {
	case XEN_HVM_MEMMAP_TYPE_RAM:
		return "RAM";
	case XEN_HVM_MEMMAP_TYPE_RESERVED:
		return "reserved";
	case XEN_HVM_MEMMAP_TYPE_ACPI:
		return "ACPI";
	case XEN_HVM_MEMMAP_TYPE_NVS:
		return "ACPI NVS";
	case XEN_HVM_MEMMAP_TYPE_UNUSABLE:
		return "unusable";
	case XEN_HVM_MEMMAP_TYPE_DISABLED:
		return "disabled";
	case XEN_HVM_MEMMAP_TYPE_PMEM:
		return "persistent";
	case XEN_HVM_MEMMAP_TYPE_AP_BRINGUP: /* docs/abi.md §8.2 */
		return "AP bring-up page";
	default:
		return "unknown";
	}
}

static bool backed_type(uint32_t type)
{
	return type == XEN_HVM_MEMMAP_TYPE_RAM || type == XEN_HVM_MEMMAP_TYPE_ACPI ||
	       type == XEN_HVM_MEMMAP_TYPE_NVS;
}

bool pvh_range_backed(const struct pvh_info *info, uint64_t base, uint64_t len)
{
	uint64_t cur = base, end = base + len;

	if (end < base)
		return false;
	if (info->memmap_entries == 0)
		return true; /* version 0: nothing to check against */
	while (cur < end) {
		bool advanced = false;

		if (cur >= LEGACY_AREA_START && cur < LEGACY_AREA_END) {
			cur = LEGACY_AREA_END;
			continue;
		}
		for (uint32_t i = 0; i < info->memmap_entries; i++) {
			const struct hvm_memmap_table_entry *e = &info->memmap[i];

			if (backed_type(e->type) && cur >= e->addr && cur < e->addr + e->size) {
				cur = e->addr + e->size;
				advanced = true;
			}
		}
		if (!advanced)
			return false;
	}
	return true;
}

uint64_t pvh_ram_bytes(const struct pvh_info *info)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < info->memmap_entries; i++)
		if (info->memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
			sum += info->memmap[i].size;
	return sum;
}

/* Check a range a field points at: backed memory, not the stub image. */
static enum pvh_error check_range(struct ctx *c, const char *field, uint64_t pa, uint64_t len,
				  enum pvh_error code)
{
	if (pa + len < pa)
		FAIL(c, code, "start_info: %s=%#llx size %#llx wraps around", field,
		     (unsigned long long)pa, (unsigned long long)len);
	if (!pvh_range_backed(c->out, pa, len))
		FAIL(c, code, "start_info: %s=%#llx size %#llx is not in RAM", field,
		     (unsigned long long)pa, (unsigned long long)len);
	if (overlaps(pa, len, c->env->image_start, c->env->image_end - c->env->image_start))
		FAIL(c, PVH_ERR_OVERLAP,
		     "start_info: %s=%#llx size %#llx overlaps the cocoboot image [%#llx-%#llx)", field,
		     (unsigned long long)pa, (unsigned long long)len,
		     (unsigned long long)c->env->image_start, (unsigned long long)c->env->image_end);
	return PVH_OK;
}

/* Copy a NUL-terminated string of at most max bytes (NUL included). */
static enum pvh_error read_string(struct ctx *c, const char *field, uint64_t pa, char *dst,
				  size_t max, size_t *len_out, enum pvh_error code)
{
	size_t n = 0;

	while (n < max) {
		size_t chunk = max - n < 64 ? max - n : 64;

		/* Read byte-wise near the end of readable memory. */
		if (!read_mem(c, pa + n, dst + n, chunk)) {
			if (!read_mem(c, pa + n, dst + n, 1))
				FAIL(c, code, "start_info: %s=%#llx: cannot read byte %zu", field,
				     (unsigned long long)pa, n);
			chunk = 1;
		}
		for (size_t i = 0; i < chunk; i++) {
			if (dst[n + i] == 0) {
				*len_out = n + i;
				return check_range(c, field, pa, n + i + 1, code);
			}
		}
		n += chunk;
	}
	dst[max - 1] = 0;
	FAIL(c, code, "start_info: %s=%#llx: string not terminated within %zu bytes", field,
	     (unsigned long long)pa, max);
}

static enum pvh_error parse_memmap(struct ctx *c, const struct hvm_start_info *si)
{
	struct pvh_info *o = c->out;

	if (si->memmap_entries == 0) {
		warn(c, "start_info: memmap_entries=0: no memory map supplied");
		return PVH_OK;
	}
	if (si->memmap_entries > PVH_MAX_MEMMAP)
		FAIL(c, PVH_ERR_MEMMAP, "start_info: memmap_entries=%u exceeds the limit of %u",
		     si->memmap_entries, PVH_MAX_MEMMAP);
	if (si->memmap_paddr == 0)
		FAIL(c, PVH_ERR_MEMMAP, "start_info: memmap_paddr=0 with memmap_entries=%u",
		     si->memmap_entries);
	size_t bytes = si->memmap_entries * sizeof(struct hvm_memmap_table_entry);

	if (!read_mem(c, si->memmap_paddr, o->memmap, bytes))
		FAIL(c, PVH_ERR_MEMMAP, "start_info: memmap_paddr=%#llx (%zu bytes) cannot be read",
		     (unsigned long long)si->memmap_paddr, bytes);
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &o->memmap[i];

		if (e->addr + e->size < e->addr)
			FAIL(c, PVH_ERR_MEMMAP, "start_info: memmap[%u] addr=%#llx size=%#llx wraps", i,
			     (unsigned long long)e->addr, (unsigned long long)e->size);
		if (e->size == 0)
			warn(c, "start_info: memmap[%u] addr=%#llx has size 0", i,
			     (unsigned long long)e->addr);
		if ((e->type < XEN_HVM_MEMMAP_TYPE_RAM || e->type > XEN_HVM_MEMMAP_TYPE_PMEM) &&
		    e->type != XEN_HVM_MEMMAP_TYPE_AP_BRINGUP)
			warn(c, "start_info: memmap[%u].type=%#x unknown: treated as reserved", i, e->type);
		if (e->reserved)
			warn(c, "start_info: memmap[%u].reserved=%#x is not 0", i, e->reserved);
		for (uint32_t j = 0; j < i; j++) {
			const struct hvm_memmap_table_entry *f = &o->memmap[j];

			if ((e->type == XEN_HVM_MEMMAP_TYPE_RAM || f->type == XEN_HVM_MEMMAP_TYPE_RAM) &&
			    e->size && f->size && overlaps(e->addr, e->size, f->addr, f->size))
				FAIL(c, PVH_ERR_MEMMAP,
				     "start_info: memmap[%u] [%#llx+%#llx] overlaps memmap[%u] [%#llx+%#llx]",
				     i, (unsigned long long)e->addr, (unsigned long long)e->size, j,
				     (unsigned long long)f->addr, (unsigned long long)f->size);
		}
	}
	o->memmap_entries = si->memmap_entries;
	o->memmap_paddr = si->memmap_paddr;
	if (pvh_ram_bytes(o) == 0)
		FAIL(c, PVH_ERR_MEMMAP, "start_info: memmap has no RAM entry (%u entries)",
		     si->memmap_entries);
	return check_range(c, "memmap_paddr", si->memmap_paddr, bytes, PVH_ERR_MEMMAP);
}

static enum pvh_error parse_modules(struct ctx *c, const struct hvm_start_info *si)
{
	struct pvh_info *o = c->out;
	struct hvm_modlist_entry ml[PVH_MAX_MODULES];
	char field[48];

	if (si->nr_modules == 0)
		return PVH_OK;
	if (si->nr_modules > PVH_MAX_MODULES)
		FAIL(c, PVH_ERR_MODULES, "start_info: nr_modules=%u exceeds the limit of %u",
		     si->nr_modules, PVH_MAX_MODULES);
	if (si->modlist_paddr == 0)
		FAIL(c, PVH_ERR_MODULES, "start_info: modlist_paddr=0 with nr_modules=%u", si->nr_modules);
	size_t bytes = si->nr_modules * sizeof(ml[0]);

	if (!read_mem(c, si->modlist_paddr, ml, bytes))
		FAIL(c, PVH_ERR_MODULES, "start_info: modlist_paddr=%#llx (%zu bytes) cannot be read",
		     (unsigned long long)si->modlist_paddr, bytes);
	enum pvh_error r = check_range(c, "modlist_paddr", si->modlist_paddr, bytes, PVH_ERR_MODULES);

	if (r)
		return r;
	o->modlist_paddr = si->modlist_paddr;
	for (uint32_t i = 0; i < si->nr_modules; i++) {
		struct pvh_module *m = &o->modules[i];

		m->paddr = ml[i].paddr;
		m->size = ml[i].size;
		m->cmdline_paddr = ml[i].cmdline_paddr;
		m->cmdline[0] = 0;
		if (m->paddr == 0 || m->size == 0)
			FAIL(c, PVH_ERR_MODULES, "start_info: modules[%u] paddr=%#llx size=%#llx is empty",
			     i, (unsigned long long)m->paddr, (unsigned long long)m->size);
		fmt_snprintf(field, sizeof(field), "modules[%u].paddr", i);
		r = check_range(c, field, m->paddr, m->size, PVH_ERR_MODULES);
		if (r)
			return r;
		if (overlaps(m->paddr, m->size, o->start_info_paddr, sizeof(struct hvm_start_info)))
			FAIL(c, PVH_ERR_OVERLAP, "start_info: modules[%u] [%#llx+%#llx] overlaps start_info",
			     i, (unsigned long long)m->paddr, (unsigned long long)m->size);
		if (o->memmap_entries &&
		    overlaps(m->paddr, m->size, o->memmap_paddr,
			     o->memmap_entries * sizeof(struct hvm_memmap_table_entry)))
			FAIL(c, PVH_ERR_OVERLAP, "start_info: modules[%u] [%#llx+%#llx] overlaps the memmap",
			     i, (unsigned long long)m->paddr, (unsigned long long)m->size);
		if (o->cmdline_paddr && overlaps(m->paddr, m->size, o->cmdline_paddr, o->cmdline_len + 1))
			FAIL(c, PVH_ERR_OVERLAP, "start_info: modules[%u] [%#llx+%#llx] overlaps the cmdline",
			     i, (unsigned long long)m->paddr, (unsigned long long)m->size);
		for (uint32_t j = 0; j < i; j++)
			if (overlaps(m->paddr, m->size, o->modules[j].paddr, o->modules[j].size))
				FAIL(c, PVH_ERR_OVERLAP,
				     "start_info: modules[%u] [%#llx+%#llx] overlaps modules[%u]", i,
				     (unsigned long long)m->paddr, (unsigned long long)m->size, j);
		if (m->cmdline_paddr) {
			size_t len;

			fmt_snprintf(field, sizeof(field), "modules[%u].cmdline_paddr", i);
			r = read_string(c, field, m->cmdline_paddr, m->cmdline, sizeof(m->cmdline), &len,
					PVH_ERR_MODULES);
			if (r)
				return r;
		}
		if (ml[i].reserved)
			warn(c, "start_info: modules[%u].reserved=%#llx is not 0", i,
			     (unsigned long long)ml[i].reserved);
	}
	o->nr_modules = si->nr_modules;
	return PVH_OK;
}

enum pvh_error pvh_parse(const struct pvh_env *env, uint64_t pa, struct pvh_info *out,
			 char *err, size_t err_size)
{
	struct ctx c = { env, out, err, err_size };
	struct hvm_start_info si;
	enum pvh_error r;

	memset(out, 0, sizeof(*out));
	memset(&si, 0, sizeof(si));
	if (err_size)
		err[0] = 0;
	out->start_info_paddr = pa;
	if (pa == 0)
		FAIL(&c, PVH_ERR_READ, "start_info: pointer (EBX) is 0");
	if (!read_mem(&c, pa, &si, HVM_START_INFO_V0_SIZE))
		FAIL(&c, PVH_ERR_READ, "start_info: %#llx cannot be read", (unsigned long long)pa);
	if (si.magic != XEN_HVM_START_MAGIC_VALUE)
		FAIL(&c, PVH_ERR_MAGIC, "start_info: magic=%#x, expected %#x", si.magic,
		     XEN_HVM_START_MAGIC_VALUE);
	/* start_info.h: newer versions keep the older layout as a prefix. */
	if (si.version > 1)
		warn(&c, "start_info: version=%u is newer than 1: reading the version 1 fields",
		     si.version);
	if (si.version >= 1) {
		if (!read_mem(&c, pa, &si, sizeof(si)))
			FAIL(&c, PVH_ERR_READ, "start_info: %#llx (version %u, %zu bytes) cannot be read",
			     (unsigned long long)pa, si.version, sizeof(si));
		if (si.version == 1 && si.reserved != 0)
			FAIL(&c, PVH_ERR_RESERVED, "start_info: reserved=%#x, must be 0 in version 1",
			     si.reserved);
	}
	out->version = si.version;
	out->flags = si.flags;
	out->rsdp_paddr = si.rsdp_paddr;
	if (si.flags & ~(SIF_PRIVILEGED | SIF_INITDOMAIN | SIF_HVM_GHCB | SIF_PM_MASK))
		warn(&c, "start_info: flags=%#x has bits cocoboot does not know", si.flags);

	if (si.version >= 1) {
		r = parse_memmap(&c, &si);
		if (r)
			return r;
	}
	r = check_range(&c, "start_info", pa, si.version >= 1 ? sizeof(si) : HVM_START_INFO_V0_SIZE,
			PVH_ERR_READ);
	if (r)
		return r;
	if (si.cmdline_paddr) {
		r = read_string(&c, "cmdline_paddr", si.cmdline_paddr, out->cmdline,
				sizeof(out->cmdline), &out->cmdline_len, PVH_ERR_CMDLINE);
		if (r)
			return r;
		out->cmdline_paddr = si.cmdline_paddr;
	}
	r = parse_modules(&c, &si);
	if (r)
		return r;
	if (si.rsdp_paddr && !pvh_range_backed(out, si.rsdp_paddr, 20))
		warn(&c, "start_info: rsdp_paddr=%#llx is not in RAM, ACPI or NVS",
		     (unsigned long long)si.rsdp_paddr);
	return PVH_OK;
}
