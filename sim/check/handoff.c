/* SPDX-License-Identifier: MIT */
/*
 * The handoff checker (--check-handoff): when a vCPU first fetches an instruction outside
 * the kernel image sevsim loaded (cocoboot, including its handoff trampolines in
 * payload/enter.asm, runs inside it), the run stops and the machine state is checked
 * against the payload's ABI (xen-pvh-linux-boot-facts.md §1.2/§1.3 for PVH, §4.3/§4.5/§4.9
 * for the Linux 64-bit entry). Memory is read the way the payload will read it: through
 * the vCPU (paging off: private; paging on: through its tables). Expectations (entry,
 * PT_LOAD ranges, command line, modules, initrd, kernel bytes) come from the files given
 * to sevsim (check/payload.c). Each check has a stable name; docs/sevsim.md lists them.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "linux/boot_params.h"
#include "xen/start_info.h"

#define CR0_PE    (1ull << 0)
#define CR0_ET    (1ull << 4)
#define CR0_PG    (1ull << 31)
#define CR4_PAE   (1ull << 5)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define FL_TF     (1ull << 8)
#define FL_IF     (1ull << 9)
#define FL_VM     (1ull << 17)
#define FOUR_GIB  0x100000000ull
#define PIC_CASCADE 0x04 /* IRQ2 of the primary 8259 */

struct range {
	uint64_t start, end; /* [start, end) */
};

#define chk sim_check_add /* check/until.c adds checks too */

void sim_check_add(struct sim_handoff *h, const char *name, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (h->n == SIM_HANDOFF_MAX_CHECKS)
		return;
	h->c[h->n].name = name;
	h->c[h->n].ok = ok;
	va_start(ap, fmt);
	vsnprintf(h->c[h->n].detail, sizeof(h->c[h->n].detail), fmt, ap);
	va_end(ap);
	h->n++;
	h->failed += !ok;
}

static bool rd(struct sim_vcpu *v, uint64_t addr, void *buf, uint64_t len)
{
	return sim_mmu_read(v, addr, buf, len);
}

/* NUL-terminated string of at most max bytes (NUL included). */
static bool rd_str(struct sim_vcpu *v, uint64_t addr, char *buf, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (!rd(v, addr + i, &buf[i], 1))
			return false;
		if (!buf[i])
			return true;
	}
	return false;
}

/* Guest memory at addr equals data[0..len). */
static bool same(struct sim_vcpu *v, uint64_t addr, const uint8_t *data, uint64_t len)
{
	static uint8_t buf[65536];

	for (uint64_t off = 0; off < len; off += sizeof(buf)) {
		uint64_t n = len - off < sizeof(buf) ? len - off : sizeof(buf);
		if (!rd(v, addr + off, buf, n) || memcmp(buf, data + off, n))
			return false;
	}
	return true;
}

static bool overlap(struct range a, struct range b)
{
	return a.start < b.end && b.start < a.end;
}

static bool in_ram(const struct sim *s, struct range r)
{
	return r.start <= r.end && sim_mem_is_ram(s, r.start, r.end - r.start);
}

/* ---- segments ---------------------------------------------------------- */

struct desc {
	bool ok;             /* selector indexes a readable GDT slot */
	uint64_t base, limit;
	unsigned type, dpl;
	bool s, p, l, db;
};

static struct desc gdt_desc(struct sim_vcpu *v, uint16_t sel)
{
	uc_x86_mmr gdtr = { 0 };
	struct desc d = { 0 };
	uint64_t e;

	uc_reg_read(v->uc, UC_X86_REG_GDTR, &gdtr);
	if ((sel & 4) || (sel & ~7u) == 0 || (uint64_t)(sel & ~7u) + 7 > gdtr.limit ||
	    !rd(v, gdtr.base + (sel & ~7u), &e, 8))
		return d;
	d.ok = true;
	d.base = ((e >> 16) & 0xffffff) | ((e >> 56) << 24);
	d.limit = (e & 0xffff) | ((e >> 32) & 0xf0000);
	if ((e >> 55) & 1)
		d.limit = d.limit << 12 | 0xfff;
	d.type = (e >> 40) & 0xf;
	d.s = (e >> 44) & 1;
	d.dpl = (e >> 45) & 3;
	d.p = (e >> 47) & 1;
	d.l = (e >> 53) & 1;
	d.db = (e >> 54) & 1;
	return d;
}

static bool flat(const struct desc *d)
{
	return d->base == 0 && d->limit == 0xffffffffull;
}

/* kind: 32 = flat 32-bit execute/read code, 64 = 64-bit code, 0 = flat read/write data */
static void chk_seg(struct sim_vcpu *v, const char *name, int reg, int kind, int want_sel)
{
	struct sim_handoff *h = &v->sim->handoff;
	uint16_t sel = (uint16_t)sim_reg(v, reg);
	struct desc d = gdt_desc(v, sel);
	bool code = (d.type & 0x8) != 0, ok;

	if (kind == 32)
		ok = code && (d.type & 2) && d.db && !d.l && flat(&d);
	else if (kind == 64)
		ok = code && d.l && !d.db;
	else
		ok = !code && (d.type & 2) && flat(&d) && d.db;
	ok = ok && d.ok && d.p && d.s && d.dpl == 0 && (sel & 3) == 0;
	if (want_sel >= 0)
		ok = ok && sel == want_sel;
	chk(h, name, ok, "sel %#x: %s base %#" PRIx64 " limit %#" PRIx64 " type %#x s%d p%d l%d db%d dpl%u",
	    sel, d.ok ? "gdt" : "not in the GDT", d.base, d.limit, d.type, d.s, d.p, d.l, d.db, d.dpl);
}

/* ---- PVH (facts §1.2, §1.3) --------------------------------------------- */

static void chk_ranges_pvh(struct sim_vcpu *v, const struct range *r, unsigned n)
{
	struct sim *s = v->sim;
	const struct sim_payload *pl = &s->payload;
	bool ram = true, clear = true;
	uint64_t bad_ram = 0, bad_seg = 0;

	for (unsigned i = 0; i < n; i++) {
		if (!in_ram(s, r[i]) && ram) {
			ram = false;
			bad_ram = r[i].start;
		}
		for (unsigned j = 0; j < pl->nseg; j++)
			if (overlap(r[i], (struct range){ pl->seg[j].start, pl->seg[j].end }) && clear) {
				clear = false;
				bad_seg = r[i].start;
			}
	}
	chk(&s->handoff, "boot_data_in_ram", ram,
	    "start_info, memmap, modlist, cmdlines, modules inside guest RAM (first bad %#" PRIx64 ")",
	    bad_ram);
	chk(&s->handoff, "boot_data_outside_payload", pl->nseg && clear,
	    "the same outside the payload's %u PT_LOAD ranges (first bad %#" PRIx64 ")", pl->nseg,
	    bad_seg);
}

/* Every PT_LOAD of the payload is in place: file bytes loaded, the rest zeroed. */
static bool payload_image(struct sim_vcpu *v)
{
	const struct sim_payload *pl = &v->sim->payload;
	static const uint8_t zero[4096];

	for (unsigned i = 0; i < pl->nseg; i++) {
		uint64_t start = pl->seg[i].start, end = pl->seg[i].end, fsz = pl->seg[i].filesz;
		if (fsz == ~0ull || end < start || !sim_mem_is_ram(v->sim, start, end - start) ||
		    !same(v, start, pl->kernel + pl->seg[i].offset, fsz))
			return false;
		for (uint64_t a = start + fsz; a < end; a += sizeof(zero))
			if (!same(v, a, zero, end - a < sizeof(zero) ? end - a : sizeof(zero)))
				return false;
	}
	return pl->nseg > 0;
}

static void chk_memmap(struct sim_vcpu *v, const struct hvm_start_info *si, struct range *r,
		       unsigned *nr)
{
	struct sim *s = v->sim;
	struct sim_handoff *h = &s->handoff;
	uint32_t n = si->memmap_entries;
	bool sane = true, ram_ok = true, readable = true;
	uint64_t prev_end = 0, ram = 0;
	unsigned seg_in_ram = 0;

	chk(h, "memmap_present", si->version >= 1 && si->memmap_paddr && n >= 1 && n <= 1024,
	    "%u entries at %#" PRIx64, n, (uint64_t)si->memmap_paddr);
	if (si->version < 1 || !si->memmap_paddr || n < 1 || n > 1024)
		return;
	r[(*nr)++] = (struct range){ si->memmap_paddr, si->memmap_paddr + (uint64_t)n * 24 };
	for (uint32_t i = 0; i < n; i++) {
		struct hvm_memmap_table_entry m;
		if (!rd(v, si->memmap_paddr + (uint64_t)i * sizeof(m), &m, sizeof(m))) {
			readable = false;
			break;
		}
		if (!m.size || m.reserved || m.type < 1 || m.type > 7 || m.addr + m.size < m.addr ||
		    (i && m.addr < prev_end))
			sane = false;
		prev_end = m.addr + m.size;
		if (m.type == XEN_HVM_MEMMAP_TYPE_RAM) {
			ram += m.size;
			if (!in_ram(s, (struct range){ m.addr, m.addr + m.size }))
				ram_ok = false;
			for (unsigned j = 0; j < s->payload.nseg; j++)
				seg_in_ram += s->payload.seg[j].start >= m.addr &&
					      s->payload.seg[j].end <= m.addr + m.size;
		}
	}
	chk(h, "memmap_sane", readable && sane, "sorted, non-overlapping, sized, types 1..7, reserved 0");
	chk(h, "memmap_ram_in_ram", readable && ram_ok && ram,
	    "every RAM entry inside guest RAM [0, %#" PRIx64 "); %#" PRIx64 " bytes offered", s->ram_size, ram);
	chk(h, "memmap_payload_ram", readable && sane && s->payload.nseg && seg_in_ram == s->payload.nseg,
	    "%u of the payload's %u PT_LOAD ranges inside a RAM entry", seg_in_ram, s->payload.nseg);
}

static void chk_modules(struct sim_vcpu *v, const struct hvm_start_info *si, struct range *r,
			unsigned *nr)
{
	struct sim *s = v->sim;
	struct sim_handoff *h = &s->handoff;
	const struct sim_payload *pl = &s->payload;
	unsigned want = s->cfg.expect_modules >= 0 ? (unsigned)s->cfg.expect_modules : pl->nblobs;
	struct hvm_modlist_entry m[SIM_MAX_MODULES + 1];
	bool sane = true, contents = true;
	unsigned n = si->nr_modules;

	chk(h, "modules_count", n == want, "%u modules, expected %u", n, want);
	if (!n)
		return;
	if (n > SIM_MAX_MODULES + 1 || !si->modlist_paddr ||
	    !rd(v, si->modlist_paddr, m, n * sizeof(m[0]))) {
		chk(h, "modules_sane", false, "modlist %#" PRIx64 " unreadable or too long",
		    (uint64_t)si->modlist_paddr);
		return;
	}
	r[(*nr)++] = (struct range){ si->modlist_paddr, si->modlist_paddr + n * sizeof(m[0]) };
	for (unsigned i = 0; i < n; i++) {
		char cl[1024];
		if (!m[i].paddr || !m[i].size || m[i].paddr + m[i].size < m[i].paddr)
			sane = false;
		r[(*nr)++] = (struct range){ m[i].paddr, m[i].paddr + m[i].size };
		for (unsigned j = 0; j < i; j++)
			if (overlap((struct range){ m[i].paddr, m[i].paddr + m[i].size },
				    (struct range){ m[j].paddr, m[j].paddr + m[j].size }))
				sane = false;
		if (m[i].cmdline_paddr) {
			if (!rd_str(v, m[i].cmdline_paddr, cl, sizeof(cl)))
				sane = false;
			else
				r[(*nr)++] = (struct range){ m[i].cmdline_paddr,
							     m[i].cmdline_paddr + strlen(cl) + 1 };
		}
		if (s->cfg.expect_modules < 0 && i < pl->nblobs) {
			const struct sim_pl_blob *b = &pl->blob[i];
			bool cl_ok = b->cmdline ? m[i].cmdline_paddr && rd_str(v, m[i].cmdline_paddr, cl, sizeof(cl)) &&
						  !strcmp(cl, b->cmdline)
						: !m[i].cmdline_paddr || (rd_str(v, m[i].cmdline_paddr, cl, sizeof(cl)) && !cl[0]);
			if (m[i].size != b->size || !cl_ok || !same(v, m[i].paddr, b->data, b->size))
				contents = false;
		}
	}
	chk(h, "modules_sane", sane, "non-empty, disjoint, command lines NUL-terminated");
	if (s->cfg.expect_modules < 0)
		chk(h, "modules_contents", contents && n == pl->nblobs,
		    "size, bytes and command line of each module as given to cocoboot");
}

static void check_pvh(struct sim_vcpu *v, uint64_t rip)
{
	struct sim *s = v->sim;
	struct sim_handoff *h = &s->handoff;
	const struct sim_payload *pl = &s->payload;
	uint64_t cr0 = sim_reg(v, UC_X86_REG_CR0), cr4 = sim_reg(v, UC_X86_REG_CR4);
	uint64_t fl = sim_reg(v, UC_X86_REG_EFLAGS), ebx = sim_reg(v, UC_X86_REG_RBX);
	uc_x86_mmr tr = { 0 };
	struct range r[3 * (SIM_MAX_MODULES + 1) + 4];
	unsigned nr = 0;

	chk(h, "entry", pl->entry_known && rip == pl->entry, "rip %#" PRIx64 ", PHYS32_ENTRY %#" PRIx64 "%s",
	    rip, pl->entry, pl->entry_known ? "" : " (payload has no PHYS32_ENTRY note)");
	chk(h, "payload_image", payload_image(v), "every PT_LOAD's file bytes at p_paddr, the rest zero");
	chk(h, "cr0", (cr0 & CR0_PE) && !(cr0 & CR0_PG) && !(cr0 & ~(CR0_PE | CR0_ET)),
	    "cr0 %#" PRIx64 ": PE=1, PG=0, no other writable bit", cr0);
	chk(h, "cr4", cr4 == 0, "cr4 %#" PRIx64, cr4);
	chk(h, "efer", !(v->efer & (EFER_LME | EFER_LMA)), "efer %#" PRIx64 ": LME=LMA=0", v->efer);
	chk(h, "eflags", !(fl & (FL_IF | FL_TF | FL_VM)), "eflags %#" PRIx64 ": IF=TF=VM=0", fl);
	chk_seg(v, "cs", UC_X86_REG_CS, 32, -1);
	chk_seg(v, "ds", UC_X86_REG_DS, 0, -1);
	chk_seg(v, "es", UC_X86_REG_ES, 0, -1);
	chk_seg(v, "ss", UC_X86_REG_SS, 0, -1);
	uc_reg_read(v->uc, UC_X86_REG_TR, &tr);
	unsigned ttype = (tr.flags >> 8) & 0xf;
	chk(h, "tr", ((tr.flags >> 15) & 1) && (ttype == 0x9 || ttype == 0xb) && tr.limit == 0x67,
	    "tr sel %#x base %#" PRIx64 " limit %#x flags %#x: a present 32-bit TSS, limit 0x67", tr.selector,
	    tr.base, tr.limit, tr.flags);

	struct hvm_start_info si;
	bool readable = ebx && ebx < FOUR_GIB && rd(v, ebx, &si, sizeof(si));
	chk(h, "start_info_magic", readable && si.magic == XEN_HVM_START_MAGIC_VALUE,
	    "ebx %#" PRIx64 ", magic %#x", ebx, readable ? si.magic : 0);
	if (!readable)
		return;
	r[nr++] = (struct range){ ebx, ebx + sizeof(si) };
	chk(h, "start_info_version", si.version == 1, "version %u", si.version);
	chk(h, "start_info_flags", si.flags == s->launch_flags, "flags %#x, given to cocoboot %#x", si.flags,
	    s->launch_flags);
	chk_memmap(v, &si, r, &nr);
	char cl[4096];
	bool term = si.cmdline_paddr && rd_str(v, si.cmdline_paddr, cl, sizeof(cl));
	chk(h, "cmdline_terminated", term, "cmdline_paddr %#" PRIx64 " NUL-terminated within 4096 bytes",
	    (uint64_t)si.cmdline_paddr);
	if (term)
		r[nr++] = (struct range){ si.cmdline_paddr, si.cmdline_paddr + strlen(cl) + 1 };
	chk(h, "cmdline_expected", term && !strcmp(cl, pl->cmdline), "got '%.40s', expected '%.40s'",
	    term ? cl : "", pl->cmdline);
	chk_modules(v, &si, r, &nr);
	chk(h, "rsdp", si.rsdp_paddr == 0, "rsdp_paddr %#" PRIx64 " (sevsim gives none)", (uint64_t)si.rsdp_paddr);
	chk_ranges_pvh(v, r, nr);
	if (s->rmp) { /* SNP: the RAM the memory map offers (check/snp_handoff.c) */
		uint64_t ram[128][2];
		unsigned nram = 0;
		for (uint32_t i = 0; i < si.memmap_entries && i < 1024 && nram < 128; i++) {
			struct hvm_memmap_table_entry m;
			if (rd(v, si.memmap_paddr + (uint64_t)i * sizeof(m), &m, sizeof(m)) &&
			    m.type == XEN_HVM_MEMMAP_TYPE_RAM) {
				ram[nram][0] = m.addr;
				ram[nram++][1] = m.size;
			}
		}
		sim_snp_handoff_pvh(v, (const uint64_t (*)[2])ram, nram);
	}
}

/* ---- Linux 64-bit (facts §4.3, §4.5, §4.9) ------------------------------ */

/* Every page of [r.start, r.end) identity mapped (C-bit aside); *priv: all with the C-bit. */
static bool identity(struct sim_vcpu *v, struct range r, bool *priv)
{
	uint64_t cmask = v->sim->cbit_mask, gpa;

	if (r.end <= r.start || !sim_mem_is_ram(v->sim, r.start, r.end - r.start))
		return false;
	for (uint64_t va = r.start & ~0xfffull; va < r.end; va += 4096) {
		if (!sim_mmu_translate(v, va, false, &gpa) || (gpa & ~cmask) != va)
			return false;
		if (cmask && !(gpa & cmask))
			*priv = false;
	}
	return true;
}

/* Bytes the page tables at CR3 map without the C-bit (present leaves), and the first
 * such address: what the hypervisor can read or feed through them. Tables are read as
 * the CPU walks them (private). */
static void shared_walk(struct sim_vcpu *v, uint64_t table, int level, uint64_t va,
			uint64_t *bytes, uint64_t *first)
{
	struct sim *s = v->sim;

	for (unsigned i = 0; i < 512; i++) {
		uint64_t e, span = 1ull << (12 + 9 * level), a = va + i * span;

		if (!sim_mem_cpu_access(v, (table & 0x000ffffffffff000ull) + i * 8, &e, 8, SIM_ACC_WALK,
					false) || !(e & 1))
			continue;
		if (level == 0 || (level < 3 && (e & 0x80))) {
			if (!(e & s->cbit_mask)) {
				if (!*bytes)
					*first = a;
				*bytes += span;
			}
		} else {
			shared_walk(v, e & ~s->cbit_mask, level - 1, a, bytes, first);
		}
	}
}

static void check_linux64(struct sim_vcpu *v, uint64_t rip)
{
	struct sim *s = v->sim;
	struct sim_handoff *h = &s->handoff;
	const struct sim_payload *pl = &s->payload;
	uint64_t cr0 = sim_reg(v, UC_X86_REG_CR0), cr4 = sim_reg(v, UC_X86_REG_CR4);
	uint64_t fl = sim_reg(v, UC_X86_REG_EFLAGS), rsi = sim_reg(v, UC_X86_REG_RSI);
	static struct boot_params bp;
	const struct setup_header *fh = NULL;
	bool priv = true;

	chk(h, "long_mode", (cr0 & CR0_PE) && (cr0 & CR0_PG) && (cr4 & CR4_PAE) && (v->efer & EFER_LME) &&
			    (v->efer & EFER_LMA),
	    "cr0 %#" PRIx64 " cr4 %#" PRIx64 " efer %#" PRIx64 ": PE, PG, PAE, LME, LMA", cr0, cr4, v->efer);
	chk(h, "eflags", !(fl & FL_IF), "rflags %#" PRIx64 ": IF=0", fl);
	chk_seg(v, "cs", UC_X86_REG_CS, 64, BOOT_CS);
	chk_seg(v, "ds", UC_X86_REG_DS, 0, BOOT_DS);
	chk_seg(v, "es", UC_X86_REG_ES, 0, BOOT_DS);
	chk_seg(v, "ss", UC_X86_REG_SS, 0, BOOT_DS);

	bool readable = rsi && rd(v, rsi, &bp, sizeof(bp));
	chk(h, "boot_params", readable, "rsi %#" PRIx64 " points at a readable boot_params page", rsi);
	if (!readable)
		return;
	const struct setup_header *hd = &bp.hdr;
	if (pl->kernel && pl->kernel_len >= 0x264)
		fh = (const struct setup_header *)(pl->kernel + BOOT_HDR_OFFSET);
	chk(h, "boot_flag_header", hd->boot_flag == BOOT_FLAG_MAGIC && hd->header == BOOT_HDRS_MAGIC,
	    "boot_flag %#x header %#x", hd->boot_flag, hd->header);
	chk(h, "hdr_version", hd->version >= BOOT_PROTO_MIN_64BIT, "version %#x", hd->version);
	chk(h, "type_of_loader", hd->type_of_loader != 0, "type_of_loader %#x", hd->type_of_loader);
	chk(h, "sentinel", bp.sentinel == 0, "sentinel %#x", bp.sentinel);
	chk(h, "setup_header_copied",
	    fh && hd->setup_sects == fh->setup_sects && hd->syssize == fh->syssize && hd->version == fh->version &&
	    hd->xloadflags == fh->xloadflags && hd->init_size == fh->init_size &&
	    hd->pref_address == fh->pref_address && hd->cmdline_size == fh->cmdline_size &&
	    hd->initrd_addr_max == fh->initrd_addr_max && hd->relocatable_kernel == fh->relocatable_kernel,
	    "read-only setup_header fields equal the bzImage's");

	uint64_t load = hd->code32_start;
	struct range kern = { load, load + hd->init_size };
	chk(h, "entry", rip == load + BOOT_ENTRY64_OFFSET,
	    "rip %#" PRIx64 ", code32_start %#" PRIx64 " + 0x200", rip, load);
	chk(h, "kernel_alignment", hd->kernel_alignment && !(hd->kernel_alignment & (hd->kernel_alignment - 1)) &&
				   !(load & (hd->kernel_alignment - 1)),
	    "load %#" PRIx64 ", kernel_alignment %#x", load, hd->kernel_alignment);
	uint64_t pm_off = (uint64_t)((fh && fh->setup_sects) ? fh->setup_sects : BOOT_SETUP_SECTS_DEF) + 1;
	pm_off *= BOOT_SECTOR_SIZE;
	uint64_t pm_len = fh ? (uint64_t)fh->syssize * 16 : 0;
	chk(h, "kernel_image", fh && pm_off + pm_len <= pl->kernel_len && pm_len <= hd->init_size &&
			       same(v, load, pl->kernel + pm_off, pm_len),
	    "the protected-mode kernel (%#" PRIx64 " bytes) at the load address", pm_len);
	chk(h, "identity_kernel", identity(v, kern, &priv), "[%#" PRIx64 ", +init_size %#x)", load,
	    hd->init_size);
	chk(h, "identity_boot_params", identity(v, (struct range){ rsi, rsi + sizeof(bp) }, &priv),
	    "boot_params %#" PRIx64, rsi);

	uint64_t clp = hd->cmd_line_ptr | ((uint64_t)bp.ext_cmd_line_ptr << 32);
	char cl[4096];
	size_t max = hd->cmdline_size + 1 < sizeof(cl) ? hd->cmdline_size + 1 : sizeof(cl);
	bool term = clp && rd_str(v, clp, cl, max);
	chk(h, "cmdline_terminated", term, "cmd_line_ptr %#" PRIx64 " NUL-terminated within cmdline_size %#x",
	    clp, hd->cmdline_size);
	chk(h, "cmdline_expected", term && !strcmp(cl, pl->cmdline), "got '%.40s', expected '%.40s'",
	    term ? cl : "", pl->cmdline);
	struct range clr = { clp, clp + (term ? strlen(cl) + 1 : 1) };
	chk(h, "identity_cmdline", clp && identity(v, clr, &priv), "cmdline %#" PRIx64, clp);

	uint64_t rdp = hd->ramdisk_image | ((uint64_t)bp.ext_ramdisk_image << 32);
	uint64_t rdl = hd->ramdisk_size | ((uint64_t)bp.ext_ramdisk_size << 32);
	struct range rdr = { rdp, rdp + rdl };
	const struct sim_pl_blob *want = pl->nblobs ? &pl->blob[0] : NULL;
	bool below = (hd->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) || !rdl || rdr.end - 1 <= hd->initrd_addr_max;
	chk(h, "ramdisk_placed", !rdl || (in_ram(s, rdr) && below && !overlap(rdr, kern)),
	    "ramdisk %#" PRIx64 "+%#" PRIx64 ": in RAM, <= initrd_addr_max, clear of the kernel", rdp, rdl);
	chk(h, "ramdisk_expected", want ? rdl == want->size && same(v, rdp, want->data, want->size) : !rdl,
	    "ramdisk size %#" PRIx64 ", expected %#" PRIx64 " (bytes compared)", rdl, want ? want->size : 0);
	chk(h, "identity_ramdisk", !rdl || identity(v, rdr, &priv), "ramdisk %#" PRIx64 "+%#" PRIx64, rdp, rdl);
	chk(h, "boot_data_clear_of_kernel",
	    !overlap((struct range){ rsi, rsi + sizeof(bp) }, kern) && !overlap(clr, kern),
	    "boot_params and the cmdline outside [load, load + init_size)");

	bool e820_ok = bp.e820_entries >= 1 && bp.e820_entries <= E820_MAX_ENTRIES_ZEROPAGE;
	bool ram_ok = true, kernel_ram = false;
	uint64_t prev_end = 0;
	for (unsigned i = 0; e820_ok && i < bp.e820_entries; i++) {
		const struct boot_e820_entry *x = &bp.e820_table[i];
		if (!x->size || x->type < 1 || x->type > 7 || x->addr + x->size < x->addr || (i && x->addr < prev_end))
			e820_ok = false;
		prev_end = x->addr + x->size;
		if (x->type == E820_TYPE_RAM) {
			if (!in_ram(s, (struct range){ x->addr, x->addr + x->size }))
				ram_ok = false;
			if (kern.start >= x->addr && kern.end <= x->addr + x->size)
				kernel_ram = true;
		}
	}
	chk(h, "e820_entries", bp.e820_entries >= 1 && bp.e820_entries <= E820_MAX_ENTRIES_ZEROPAGE,
	    "%u entries", bp.e820_entries);
	chk(h, "e820_sane", e820_ok, "sorted, non-overlapping, sized, types 1..7");
	chk(h, "e820_ram_in_ram", e820_ok && ram_ok, "every RAM entry inside guest RAM [0, %#" PRIx64 ")",
	    s->ram_size);
	chk(h, "e820_kernel_ram", kernel_ram, "[load, load + init_size) inside one RAM entry");
	chk(h, "acpi_rsdp_addr", bp.acpi_rsdp_addr == 0, "acpi_rsdp_addr %#" PRIx64 " (sevsim gives none)",
	    (uint64_t)bp.acpi_rsdp_addr);
	if (s->rmp && e820_ok) { /* SNP: e820 RAM validated, the CC blob (check/snp_handoff.c) */
		uint64_t ram[E820_MAX_ENTRIES_ZEROPAGE][2];
		unsigned nram = 0;
		for (unsigned i = 0; i < bp.e820_entries; i++)
			if (bp.e820_table[i].type == E820_TYPE_RAM) {
				ram[nram][0] = bp.e820_table[i].addr;
				ram[nram++][1] = bp.e820_table[i].size;
			}
		sim_snp_handoff_linux(v, rsi, (const uint64_t (*)[2])ram, nram);
	}
	if (s->cbit_mask) {
		uint64_t shared = 0, first = 0;

		chk(h, "sev_private", priv, "kernel, boot_params, cmdline, ramdisk mapped with the C-bit");
		shared_walk(v, v->cr3 & ~s->cbit_mask, 3, 0, &shared, &first);
		if (shared)
			chk(h, "sev_nothing_shared", false, "%" PRIu64 " KiB mapped shared, first at %#"
			    PRIx64, shared >> 10, first);
		else
			chk(h, "sev_nothing_shared", true, "no page mapped without the C-bit");
	}
	/* The state Linux's real-mode setup leaves before its 32-bit entry (arch/x86/boot/pm.c
	 * mask_all_interrupts), which a 64-bit-entry loader skips: every line of both PICs
	 * masked but the primary's cascade (IRQ2). */
	/* sevsim is a Xen PVH container (no PIC): a loader that knows it may leave them alone. */
	bool untouched = !s->pic[0].written && !s->pic[1].written;
	chk(h, "pic_masked", untouched || (s->pic[0].written && s->pic[1].written &&
					   (s->pic[0].mask | PIC_CASCADE) == 0xff && s->pic[1].mask == 0xff),
	    "8259 masks %#x%s/%#x%s, want 0xfb/0xff", s->pic[0].mask, s->pic[0].written ? "" : " (unset)",
	    s->pic[1].mask, s->pic[1].written ? "" : " (unset)");
}

void sim_handoff_check(struct sim_vcpu *v, uint64_t rip)
{
	struct sim *s = v->sim;
	struct sim_handoff *h = &s->handoff;
	bool aps = true;

	sim_mmu_refresh(v);
	sim_cache_evict(s); /* what the payload finds includes stale lines written back */
	h->done = true;
	h->entry = rip;
	h->ghcb_msr = v->ghcb_msr;
	if (s->payload.kind == SIM_PL_LINUX || (s->payload.kind == SIM_PL_NONE && (v->efer & EFER_LMA))) {
		h->abi = "linux64";
		check_linux64(v, rip);
	} else {
		h->abi = "pvh";
		check_pvh(v, rip);
	}
	for (unsigned i = 0; i < s->nr_vcpus; i++)
		if (i != v->id && s->vcpu[i].state == SIM_VCPU_RUNNABLE)
			aps = false;
	chk(h, "aps_not_running", aps, "no other vCPU runnable");
	/* mem/cache.c: without coherency across keys, a page whose C-bit changed with
	 * unflushed lines gets them written back over the new contents. */
	if (s->cache_stale_pages)
		chk(h, "cache_flushed", false, "%" PRIu64 " C-bit changes without a flush, first GPA %#"
		    PRIx64, s->cache_stale_pages, s->cache_stale_first);
	else
		chk(h, "cache_flushed", true, "every C-bit change was preceded by a flush (%s caches)",
		    s->cfg.cache_incoherent ? "incoherent" : "coherent");
	sim_trace(s, "vcpu%u: handoff at rip %#" PRIx64 " (%s): %u checks, %u failed", v->id, rip, h->abi,
		  h->n, h->failed);
	for (unsigned i = 0; i < h->n; i++)
		sim_trace(s, "  %s %s: %s", h->c[i].ok ? "ok  " : "FAIL", h->c[i].name, h->c[i].detail);
}

void sim_checks_json(const struct sim_handoff *h, FILE *f)
{
	fputs("\"checks\":{", f);
	for (unsigned i = 0; i < h->n; i++) {
		fputs(i ? "," : "", f);
		sim_json_str(f, h->c[i].name);
		fputs(h->c[i].ok ? ":true" : ":false", f);
	}
	fputs("},\"failed\":[", f);
	for (unsigned i = 0, k = 0; i < h->n; i++)
		if (!h->c[i].ok) {
			fputs(k++ ? "," : "", f);
			sim_json_str(f, h->c[i].name);
		}
	fputs("],\"details\":{", f);
	for (unsigned i = 0, k = 0; i < h->n; i++)
		if (!h->c[i].ok) {
			fputs(k++ ? "," : "", f);
			sim_json_str(f, h->c[i].name);
			fputc(':', f);
			sim_json_str(f, h->c[i].detail);
		}
	fputc('}', f);
}

void sim_handoff_json(const struct sim *s, FILE *f)
{
	const struct sim_handoff *h = &s->handoff;

	if (!h->done) {
		fputs("null", f);
		return;
	}
	fputs("{\"abi\":", f);
	sim_json_str(f, h->abi);
	fprintf(f, ",\"entry\":%" PRIu64 ",", h->entry);
	sim_checks_json(h, f);
	if (s->cfg.mode >= SIM_MODE_SEV_ES)
		fprintf(f, ",\"ghcb_msr\":%" PRIu64, h->ghcb_msr);
	fputc('}', f);
}
