// SPDX-License-Identifier: MIT
/* Handoff checker (handoff_check.h). Facts-file sections cited per rule. */
#include "handoff_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "linux/boot_params.h"
#include "xen/start_info.h"

#define CR0_PE (1ull << 0)
#define CR0_ET (1ull << 4)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_VM (1ull << 17)

#define AR_TYPE(a) ((a) & 0xf)
#define AR_S (1u << 4)
#define AR_P (1u << 7)
#define AR_L (1u << 9)
#define AR_DB (1u << 10)

static void claim(struct handoff_report *rep, bool ok, const char *fmt, ...)
{
	va_list ap;
	rep->checks++;
	if (!ok)
		rep->failures++;
	if (rep->len >= sizeof rep->text - 1)
		return;
	int n = snprintf(rep->text + rep->len, sizeof rep->text - rep->len, "%s - ", ok ? "ok" : "FAIL");
	if (n > 0)
		rep->len += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(rep->text + rep->len, sizeof rep->text - rep->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		rep->len += (size_t)n;
	if (rep->len < sizeof rep->text - 1)
		rep->text[rep->len++] = '\n';
	if (rep->len >= sizeof rep->text)
		rep->len = sizeof rep->text - 1;
	rep->text[rep->len] = 0;
}

static bool rd(const struct handoff_env *e, uint64_t pa, void *dst, size_t len)
{
	return e->read(e->opaque, pa, dst, len);
}

/* NUL-terminated string of at most max bytes (NUL included) at pa. */
static bool read_str(const struct handoff_env *e, uint64_t pa, char *buf, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (!rd(e, pa + i, &buf[i], 1))
			return false;
		if (!buf[i])
			return true;
	}
	return false;
}

bool handoff_translate(const struct handoff_env *env, uint64_t cr3, uint64_t va, uint64_t *pa)
{
	uint64_t mask = env->pte_addr_mask ? env->pte_addr_mask : 0x000ffffffffff000ull;
	uint64_t table = cr3 & mask;
	for (int level = 3; level >= 0; level--) {
		unsigned idx = (va >> (12 + 9 * level)) & 511;
		uint64_t pte;
		if (!rd(env, table + idx * 8, &pte, 8) || !(pte & 1))
			return false;
		if (level == 0 || (level <= 2 && (pte & 0x80))) {
			uint64_t size = 1ull << (12 + 9 * level);
			*pa = (pte & mask & ~(size - 1)) | (va & (size - 1));
			return true;
		}
		table = pte & mask;
	}
	return false;
}

static void check_flat(struct handoff_report *rep, const char *name, const struct handoff_seg *s,
		       bool code)
{
	bool type_ok = code ? (AR_TYPE(s->ar) & 0xa) == 0xa : (AR_TYPE(s->ar) & 0xa) == 0x2;
	claim(rep, type_ok && (s->ar & AR_S) && (s->ar & AR_P) && (s->ar & AR_DB) && !(s->ar & AR_L),
	      "%s: present 32-bit %s segment (ar %#x)", name, code ? "execute/read code" : "read/write data",
	      s->ar);
	claim(rep, s->base == 0 && s->limit == 0xffffffffu, "%s: base 0, limit 4 GiB (base %#llx limit %#x)",
	      name, (unsigned long long)s->base, s->limit);
}

/* ---- PVH -------------------------------------------------------------- */

static void check_memmap(const struct handoff_env *e, struct handoff_report *rep,
			 uint64_t pa, uint32_t n)
{
	claim(rep, n > 0 && n <= 1024 && pa && pa < 0x100000000ull,
	      "start_info: memory map present below 4 GiB (%u entries at %#llx)", n, (unsigned long long)pa);
	if (!n || n > 1024)
		return;
	bool readable = true, sane = true, sorted = true;
	uint64_t prev_end = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct hvm_memmap_table_entry m;
		if (!rd(e, pa + i * sizeof m, &m, sizeof m)) {
			readable = false;
			break;
		}
		if (!m.size || m.reserved || m.type < 1 || m.type > 7 || m.addr + m.size < m.addr)
			sane = false;
		if (i && m.addr < prev_end)
			sorted = false;
		prev_end = m.addr + m.size;
	}
	claim(rep, readable, "start_info: memory map readable");
	claim(rep, sane, "start_info: memory map entries have a size, a known type, reserved 0");
	claim(rep, sorted, "start_info: memory map sorted and non-overlapping");
}

static void check_modules(const struct handoff_env *e, struct handoff_report *rep,
			  const struct hvm_start_info *si, uint64_t si_pa)
{
	if (!si->nr_modules) {
		claim(rep, true, "start_info: no modules");
		return;
	}
	claim(rep, si->modlist_paddr && si->nr_modules <= 64, "start_info: modlist present (%u modules)",
	      si->nr_modules);
	if (!si->modlist_paddr || si->nr_modules > 64)
		return;
	struct hvm_modlist_entry m[64];
	bool readable = rd(e, si->modlist_paddr, m, si->nr_modules * sizeof m[0]);
	claim(rep, readable, "start_info: modlist readable");
	if (!readable)
		return;
	bool placed = true, cmdlines = true;
	for (uint32_t i = 0; i < si->nr_modules; i++) {
		if (!m[i].paddr || !m[i].size || m[i].paddr + m[i].size < m[i].paddr || m[i].reserved ||
		    (m[i].paddr < si_pa + sizeof *si && si_pa < m[i].paddr + m[i].size))
			placed = false;
		for (uint32_t j = 0; j < i; j++)
			if (m[i].paddr < m[j].paddr + m[j].size && m[j].paddr < m[i].paddr + m[i].size)
				placed = false;
		char buf[1024];
		if (m[i].cmdline_paddr && !read_str(e, m[i].cmdline_paddr, buf, sizeof buf))
			cmdlines = false;
	}
	claim(rep, placed, "start_info: modules non-empty, disjoint, clear of start_info");
	claim(rep, cmdlines, "start_info: module command lines NUL-terminated within 1024 bytes");
}

unsigned handoff_check_pvh(const struct handoff_env *e, const struct handoff_regs *r,
			   uint64_t expect_entry, struct handoff_report *rep)
{
	/* §1.2: the entry state */
	if (expect_entry)
		claim(rep, r->rip == expect_entry, "PVH: execution starts at XEN_ELFNOTE_PHYS32_ENTRY %#llx (rip %#llx)",
		      (unsigned long long)expect_entry, (unsigned long long)r->rip);
	claim(rep, (r->cr0 & CR0_PE) && !(r->cr0 & CR0_PG), "PVH: protected mode, paging off (cr0 %#llx)",
	      (unsigned long long)r->cr0);
	claim(rep, !(r->cr0 & ~(CR0_PE | CR0_ET)),
	      "PVH: CR0 has no writable bit but PE (cr0 %#llx)", (unsigned long long)r->cr0);
	claim(rep, r->cr4 == 0, "PVH: CR4 is 0 (cr4 %#llx)", (unsigned long long)r->cr4);
	claim(rep, !(r->efer & (EFER_LME | EFER_LMA)), "PVH: EFER.LME and LMA clear (efer %#llx)",
	      (unsigned long long)r->efer);
	claim(rep, !(r->rflags & (RFLAGS_IF | RFLAGS_TF | RFLAGS_VM)), "PVH: EFLAGS IF, TF, VM clear (%#llx)",
	      (unsigned long long)r->rflags);
	claim(rep, r->rip < 0x100000000ull && r->rbx < 0x100000000ull, "PVH: EIP and EBX are 32-bit");
	if (r->seg_valid) {
		check_flat(rep, "PVH: CS", &r->cs, true);
		check_flat(rep, "PVH: DS", &r->ds, false);
		check_flat(rep, "PVH: ES", &r->es, false);
		check_flat(rep, "PVH: SS", &r->ss, false);
		claim(rep, (r->tr.ar & AR_P) && !(r->tr.ar & AR_S) && (AR_TYPE(r->tr.ar) == 0xb || AR_TYPE(r->tr.ar) == 0x9),
		      "PVH: TR is a present 32-bit TSS (ar %#x)", r->tr.ar);
	}

	/* §1.3: EBX = hvm_start_info */
	struct hvm_start_info si;
	bool readable = rd(e, r->rbx, &si, sizeof si);
	claim(rep, readable, "start_info: EBX %#llx points at readable memory", (unsigned long long)r->rbx);
	if (!readable)
		return rep->failures;
	claim(rep, si.magic == XEN_HVM_START_MAGIC_VALUE, "start_info: magic (%#x)", si.magic);
	claim(rep, si.version >= 1, "start_info: version >= 1, with a memory map (%u)", si.version);
	claim(rep, si.reserved == 0, "start_info: reserved 0");
	char cl[4096];
	claim(rep, !si.cmdline_paddr || read_str(e, si.cmdline_paddr, cl, sizeof cl),
	      "start_info: command line NUL-terminated within 4096 bytes");
	if (si.version >= 1)
		check_memmap(e, rep, si.memmap_paddr, si.memmap_entries);
	check_modules(e, rep, &si, r->rbx);
	if (si.rsdp_paddr) {
		char sig[8];
		claim(rep, rd(e, si.rsdp_paddr, sig, 8) && !memcmp(sig, "RSD PTR ", 8),
		      "start_info: rsdp_paddr %#llx holds an ACPI RSDP", (unsigned long long)si.rsdp_paddr);
	}
	return rep->failures;
}

/* ---- Linux 64-bit ------------------------------------------------------ */

static void check_identity(const struct handoff_env *e, struct handoff_report *rep, uint64_t cr3,
			   uint64_t va, const char *what)
{
	uint64_t pa = ~0ull;
	bool ok = handoff_translate(e, cr3, va, &pa) && pa == va;
	claim(rep, ok, "Linux: %s %#llx is identity mapped", what, (unsigned long long)va);
}

unsigned handoff_check_linux64(const struct handoff_env *e, const struct handoff_regs *r,
			       struct handoff_report *rep)
{
	/* §4.9: CPU state */
	claim(rep, (r->cr0 & CR0_PG) && (r->cr0 & CR0_PE) && (r->cr4 & CR4_PAE) && (r->efer & EFER_LME) &&
		   (r->efer & EFER_LMA),
	      "Linux: long mode with paging (cr0 %#llx cr4 %#llx efer %#llx)", (unsigned long long)r->cr0,
	      (unsigned long long)r->cr4, (unsigned long long)r->efer);
	claim(rep, !(r->rflags & RFLAGS_IF), "Linux: interrupts disabled (rflags %#llx)",
	      (unsigned long long)r->rflags);
	if (r->seg_valid) {
		claim(rep, r->cs.sel == BOOT_CS && (r->cs.ar & AR_L) && (r->cs.ar & AR_P),
		      "Linux: CS is __BOOT_CS 0x10, a 64-bit code segment (sel %#x ar %#x)", r->cs.sel, r->cs.ar);
		claim(rep, r->ds.sel == BOOT_DS && r->es.sel == BOOT_DS && r->ss.sel == BOOT_DS,
		      "Linux: DS = ES = SS = __BOOT_DS 0x18 (%#x %#x %#x)", r->ds.sel, r->es.sel, r->ss.sel);
	}

	/* §4.3: RSI = boot_params */
	static struct boot_params bp;
	bool readable = rd(e, r->rsi, &bp, sizeof bp);
	claim(rep, readable, "Linux: RSI %#llx points at a readable boot_params page", (unsigned long long)r->rsi);
	if (!readable)
		return rep->failures;
	check_identity(e, rep, r->cr3, r->rsi, "boot_params");
	check_identity(e, rep, r->cr3, r->rip, "the entry");
	claim(rep, bp.hdr.boot_flag == BOOT_FLAG_MAGIC && bp.hdr.header == BOOT_HDRS_MAGIC,
	      "boot_params: setup_header copied (boot_flag %#x, header %#x)", bp.hdr.boot_flag, bp.hdr.header);
	claim(rep, bp.hdr.version >= BOOT_PROTO_MIN_64BIT, "boot_params: protocol >= 2.12 (%#x)", bp.hdr.version);
	claim(rep, bp.sentinel == 0, "boot_params: sentinel 0 (%#x)", bp.sentinel);
	claim(rep, bp.hdr.type_of_loader != 0, "boot_params: type_of_loader set (%#x)", bp.hdr.type_of_loader);
	claim(rep, (bp.hdr.xloadflags & XLF_KERNEL_64) && bp.hdr.relocatable_kernel,
	      "boot_params: a relocatable kernel with a 64-bit entry (xloadflags %#x)", bp.hdr.xloadflags);
	uint64_t load = bp.hdr.code32_start;
	claim(rep, r->rip == load + BOOT_ENTRY64_OFFSET,
	      "Linux: entry = load address (code32_start %#llx) + 0x200 (rip %#llx)", (unsigned long long)load,
	      (unsigned long long)r->rip);
	claim(rep, bp.hdr.kernel_alignment && !(load & (bp.hdr.kernel_alignment - 1)) && load >= bp.hdr.pref_address,
	      "Linux: load address aligned to kernel_alignment %#x, at or above pref_address %#llx",
	      bp.hdr.kernel_alignment, (unsigned long long)bp.hdr.pref_address);
	check_identity(e, rep, r->cr3, load + bp.hdr.init_size - 1, "the end of init_size");

	uint64_t cl = bp.hdr.cmd_line_ptr | ((uint64_t)bp.ext_cmd_line_ptr << 32);
	char buf[4096];
	size_t max = bp.hdr.cmdline_size + 1 < sizeof buf ? bp.hdr.cmdline_size + 1 : sizeof buf;
	claim(rep, cl && read_str(e, cl, buf, max),
	      "boot_params: cmd_line_ptr %#llx set, NUL-terminated within cmdline_size", (unsigned long long)cl);
	if (cl)
		check_identity(e, rep, r->cr3, cl, "the command line");

	uint64_t rd_pa = bp.hdr.ramdisk_image | ((uint64_t)bp.ext_ramdisk_image << 32);
	uint64_t rd_len = bp.hdr.ramdisk_size | ((uint64_t)bp.ext_ramdisk_size << 32);
	if (rd_len) {
		bool below = (bp.hdr.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) ||
			     rd_pa + rd_len - 1 <= bp.hdr.initrd_addr_max;
		claim(rep, !(rd_pa & 0xfff) && below && (rd_pa + rd_len <= load || rd_pa >= load + bp.hdr.init_size),
		      "boot_params: initrd %#llx+%#llx page aligned, within initrd_addr_max, clear of the kernel",
		      (unsigned long long)rd_pa, (unsigned long long)rd_len);
	}

	/* §4.5: E820 */
	bool e820_ok = bp.e820_entries > 0 && bp.e820_entries <= E820_MAX_ENTRIES_ZEROPAGE;
	bool kernel_ram = false;
	for (unsigned i = 0; e820_ok && i < bp.e820_entries; i++) {
		const struct boot_e820_entry *x = &bp.e820_table[i];
		if (!x->size || x->type < 1 || x->type > 7)
			e820_ok = false;
		if (i && x->addr < bp.e820_table[i - 1].addr + bp.e820_table[i - 1].size)
			e820_ok = false;
		if (x->type == E820_TYPE_RAM && load >= x->addr && load + bp.hdr.init_size <= x->addr + x->size)
			kernel_ram = true;
	}
	claim(rep, e820_ok, "boot_params: %u E820 entries, sorted, non-overlapping, known types", bp.e820_entries);
	claim(rep, kernel_ram, "boot_params: [load, load + init_size) is one E820 RAM range");
	if (bp.acpi_rsdp_addr) {
		char sig[8];
		claim(rep, rd(e, bp.acpi_rsdp_addr, sig, 8) && !memcmp(sig, "RSD PTR ", 8),
		      "boot_params: acpi_rsdp_addr %#llx holds an ACPI RSDP", (unsigned long long)bp.acpi_rsdp_addr);
	}
	return rep->failures;
}
