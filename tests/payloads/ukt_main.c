// SPDX-License-Identifier: MIT
/*
 * Test unikernel (ukt): checks the PVH handoff it received and reports on port
 * 0xe9, one line per claim ("ukt: ok - ..." / "ukt: FAIL - ..."), then ends the
 * run through isa-debug-exit (0x10 pass, 0x11 fail; docs/hacking.md).
 *
 * Checked (facts §1.2 entry state, §1.3 hvm_start_info):
 *  - the entry state recorded by ukt_entry.asm: CR0.PE=1, CR0.PG=0, no other
 *    CR0 bit but ET, CR4=0, EFER.LME=EFER.LMA=0, EFLAGS.IF/TF/VM=0, CS a flat
 *    32-bit code segment, DS/ES/SS flat 32-bit writable data;
 *  - start_info: magic, version >= 1, reserved fields 0;
 *  - memory map: present, sorted, non-overlapping, known types, sizes > 0, the
 *    ukt image inside RAM, at least ukt.ram_min_mib MiB of RAM;
 *  - command line: printed as "ukt: cmdline [..]" for the test to compare;
 *  - modules: count = ukt.modules, contents start with ukt.mod<i>=TEXT, module
 *    command line = ukt.mod<i>.cmdline=TEXT, each inside RAM, none overlapping
 *    another, start_info or the ukt image;
 *  - ACPI: with ukt.rsdp=1, rsdp_paddr points at "RSD PTR ";
 *  - with ukt.aps=N: the N APs cocoboot parked wake up the way Linux wakes them and
 *    arrive at ukt's code in the promised state (ukt_smp.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xen/start_info.h"

struct entry_state {
	uint32_t ebx, cr0, cr4, eflags, efer_lo, cs_ar, cs_limit, ds_ar, ss_ar, es_ar;
	uint16_t cs, ds, ss, es;
	uint32_t seg_checked;
};

extern const uint8_t ukt_image_start[], ukt_image_end[];
void ukt_early(uint32_t start_info, struct entry_state *st);
void ukt_main(uint32_t start_info, const struct entry_state *st);

static unsigned nr_ok, nr_fail;
/* start_info.flags has SIF_HVM_GHCB (an SEV-ES/SNP guest, facts §1.6): port
 * I/O would raise #VC, which ukt cannot handle, so it prints nothing and
 * reports through a GHCB MSR protocol termination request instead. */
static bool ghcb_mode;
/* Under SEV-ES, once ukt_smp.c has a GHCB page: port 0xE9 through its IOIO event. */
static void (*ghcb_out)(char);

void ukt_console(void (*out)(char));
void ukt_console(void (*out)(char))
{
	ghcb_out = out;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void putc_(char c)
{
	if (!ghcb_mode)
		outb(0xe9, (uint8_t)c);
	else if (ghcb_out)
		ghcb_out(c);
}
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void putn(const char *s, size_t n) { for (size_t i = 0; i < n; i++) putc_(s[i]); }
static void puthex(uint64_t v)
{
	static const char d[] = "0123456789abcdef";
	char b[19];
	int i = 18;
	b[i] = 0;
	do {
		b[--i] = d[v & 15];
		v >>= 4;
	} while (v);
	b[--i] = 'x';
	b[--i] = '0';
	puts_(b + i);
}
static void putdec(uint32_t v)
{
	char b[11];
	int i = 10;
	b[i] = 0;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts_(b + i);
}

static void claim(bool ok, const char *what, const char *detail, uint64_t val)
{
	puts_(ok ? "ukt: ok - " : "ukt: FAIL - ");
	puts_(what);
	if (detail) {
		puts_(" (");
		puts_(detail);
		puthex(val);
		putc_(')');
	}
	putc_('\n');
	if (ok)
		nr_ok++;
	else
		nr_fail++;
}

void ukt_claim(bool ok, const char *what, const char *detail, uint64_t val);
void ukt_claim(bool ok, const char *what, const char *detail, uint64_t val)
{
	claim(ok, what, detail, val);
}

void ukt_smp(const struct hvm_start_info *si, uint32_t aps, bool sev_es);

static __attribute__((noreturn)) void finish(void)
{
	puts_("ukt: RESULT ");
	puts_(nr_fail ? "FAIL " : "PASS ");
	putdec(nr_ok);
	puts_(" ok, ");
	putdec(nr_fail);
	puts_(" failed\n");
	if (ghcb_mode) {
		/* GHCB MSR 0xC0010130: termination request 0x100, reason set
		 * (bits 15:12) 0xA for "ukt", reason code (bits 23:16) 0x10 pass /
		 * 0x11 fail, then VMGEXIT (F3 0F 01 D9). */
		uint32_t v = 0x100u | (0xau << 12) | ((nr_fail ? 0x11u : 0x10u) << 16);
		__asm__ volatile("wrmsr; rep; vmmcall" : : "c"(0xc0010130u), "a"(v), "d"(0u) : "memory");
	} else {
		outb(0xf4, nr_fail ? 0x11 : 0x10);
	}
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* ---- command line: "key=value" words ---------------------------------- */
static const char *cmdline;

static size_t slen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

/* Value of key in the command line, length in *n; NULL when absent. */
static const char *opt(const char *key, size_t *n)
{
	size_t kl = slen(key);
	const char *p = cmdline;
	while (p && *p) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		size_t wl = (size_t)(p - w);
		if (wl > kl && w[kl] == '=') {
			size_t i = 0;
			while (i < kl && w[i] == key[i])
				i++;
			if (i == kl) {
				*n = wl - kl - 1;
				return w + kl + 1;
			}
		}
	}
	return NULL;
}

static bool opt_u32(const char *key, uint32_t *v)
{
	size_t n;
	const char *s = opt(key, &n);
	if (!s || !n)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v = *v * 10 + (uint32_t)(s[i] - '0');
	return true;
}

static uint32_t lar(uint16_t sel)
{
	uint32_t ar;
	__asm__ volatile("lar %1, %0" : "=r"(ar) : "r"((uint32_t)sel));
	return ar;
}

/* Runs on the loader's GDT (before ukt loads its own): read the access rights
 * and limit of the segments it left. ukt.segcheck=0 skips LAR/LSL for
 * hypervisors that cannot emulate them with paging off (the test says why). */
void ukt_early(uint32_t start_info, struct entry_state *st)
{
	const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)start_info;
	uint32_t v = 1;
	if (start_info && si->magic == XEN_HVM_START_MAGIC_VALUE && si->cmdline_paddr) {
		cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
		opt_u32("ukt.segcheck", &v);
		cmdline = NULL;
	}
	if (!v)
		return;
	st->cs_ar = lar(st->cs);
	__asm__ volatile("lsl %1, %0" : "=r"(st->cs_limit) : "r"((uint32_t)st->cs));
	st->ds_ar = lar(st->ds);
	st->ss_ar = lar(st->ss);
	st->es_ar = lar(st->es);
	st->seg_checked = 1;
}

static void modkey(char *buf, unsigned i, const char *suffix)
{
	const char *pre = "ukt.mod";
	size_t k = 0;
	while (*pre)
		buf[k++] = *pre++;
	buf[k++] = (char)('0' + i);
	while (*suffix)
		buf[k++] = *suffix++;
	buf[k] = 0;
}

/* ---- checks ---------------------------------------------------------- */
static void check_entry_state(const struct entry_state *st)
{
	claim((st->cr0 & 1) && !(st->cr0 & 0x80000000u), "CR0: protected mode, paging off", "cr0=", st->cr0);
	claim((st->cr0 & ~0x11u) == 0, "CR0: no bit set but PE and ET", "cr0=", st->cr0);
	claim(st->cr4 == 0, "CR4 is 0", "cr4=", st->cr4);
	claim(!(st->efer_lo & ((1u << 8) | (1u << 10))), "EFER: LME and LMA clear", "efer=", st->efer_lo);
	claim(!(st->eflags & ((1u << 9) | (1u << 8) | (1u << 17))), "EFLAGS: IF, TF, VM clear",
	      "eflags=", st->eflags);
	if (!st->seg_checked) {
		puts_("ukt: segment checks skipped (ukt.segcheck=0)\n");
		return;
	}
	uint32_t cs = st->cs_ar;
	bool cs_ok = ((cs >> 8) & 0xa) == 0xa && (cs & (1u << 12)) && (cs & (1u << 15)) &&
		     (cs & (1u << 22)) && !(cs & (1u << 21));
	claim(cs_ok, "CS: present 32-bit execute/read code segment", "ar=", cs);
	claim(st->cs_limit == 0xffffffffu, "CS: limit 4 GiB", "limit=", st->cs_limit);
	const uint32_t ars[3] = { st->ds_ar, st->es_ar, st->ss_ar };
	static const char *const names[3] = { "DS: present 32-bit writable data segment",
					      "ES: present 32-bit writable data segment",
					      "SS: present 32-bit writable data segment" };
	for (int i = 0; i < 3; i++) {
		uint32_t a = ars[i];
		bool ok = !(a & (1u << 11)) && (a & (1u << 9)) && (a & (1u << 12)) &&
			  (a & (1u << 15)) && (a & (1u << 22));
		claim(ok, names[i], "ar=", a);
	}
}

static bool in_ram(const struct hvm_memmap_table_entry *mm, uint32_t n, uint64_t a, uint64_t len)
{
	for (uint32_t i = 0; i < n; i++)
		if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RAM && a >= mm[i].addr &&
		    a + len <= mm[i].addr + mm[i].size)
			return true;
	return false;
}

static bool overlap(uint64_t a, uint64_t al, uint64_t b, uint64_t bl)
{
	return a < b + bl && b < a + al;
}

static void check_memmap(const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *mm =
		(const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
	uint32_t n = si->memmap_entries;
	claim(n > 0 && si->memmap_paddr && si->memmap_paddr < 0x100000000ull,
	      "memory map present", "entries=", n);
	if (!n)
		return;
	bool sorted = true, sane = true;
	uint64_t ram = 0;
	for (uint32_t i = 0; i < n; i++) {
		puts_("ukt: memmap ");
		puthex(mm[i].addr);
		putc_('-');
		puthex(mm[i].addr + mm[i].size);
		puts_(" type ");
		putdec(mm[i].type);
		putc_('\n');
		if (mm[i].size == 0 || mm[i].type < 1 || mm[i].type > 7 || mm[i].reserved ||
		    mm[i].addr + mm[i].size < mm[i].addr)
			sane = false;
		if (i && mm[i].addr < mm[i - 1].addr + mm[i - 1].size)
			sorted = false;
		if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
			ram += mm[i].size;
	}
	claim(sane, "memory map entries: size > 0, known type, reserved 0", NULL, 0);
	claim(sorted, "memory map sorted and non-overlapping", NULL, 0);
	uint64_t img = (uintptr_t)ukt_image_start, img_len = (uintptr_t)ukt_image_end - img;
	claim(in_ram(mm, n, img, img_len), "ukt image lies in RAM", "start=", img);
	uint32_t min_mib;
	if (opt_u32("ukt.ram_min_mib", &min_mib))
		claim(ram >= ((uint64_t)min_mib << 20), "RAM at least ukt.ram_min_mib", "ram=", ram);
}

static void check_modules(const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *mm =
		(const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
	const struct hvm_modlist_entry *ml =
		(const struct hvm_modlist_entry *)(uintptr_t)si->modlist_paddr;
	uint32_t want;
	if (opt_u32("ukt.modules", &want))
		claim(si->nr_modules == want, "number of modules as given", "nr_modules=", si->nr_modules);
	if (si->nr_modules && !si->modlist_paddr) {
		claim(false, "modlist_paddr set", NULL, 0);
		return;
	}
	uint64_t img = (uintptr_t)ukt_image_start, img_len = (uintptr_t)ukt_image_end - img;
	for (uint32_t i = 0; i < si->nr_modules && i < 10; i++) {
		puts_("ukt: module ");
		putdec(i);
		putc_(' ');
		puthex(ml[i].paddr);
		puts_(" size ");
		puthex(ml[i].size);
		putc_('\n');
		bool placed = ml[i].paddr && in_ram(mm, si->memmap_entries, ml[i].paddr, ml[i].size) &&
			      !overlap(ml[i].paddr, ml[i].size, img, img_len) &&
			      !overlap(ml[i].paddr, ml[i].size, (uintptr_t)si, sizeof *si);
		for (uint32_t j = 0; j < i; j++)
			if (overlap(ml[i].paddr, ml[i].size, ml[j].paddr, ml[j].size))
				placed = false;
		claim(placed, "module in RAM, clear of the image, start_info and other modules",
		      "paddr=", ml[i].paddr);
		char key[32];
		size_t n;
		modkey(key, i, "");
		const char *want_data = opt(key, &n);
		if (want_data) {
			const char *d = (const char *)(uintptr_t)ml[i].paddr;
			bool same = ml[i].size >= n;
			for (size_t k = 0; same && k < n; k++)
				same = d[k] == want_data[k];
			claim(same, "module contents as given", "module=", i);
		}
		modkey(key, i, ".cmdline");
		const char *want_cl = opt(key, &n);
		if (want_cl) {
			const char *c = (const char *)(uintptr_t)ml[i].cmdline_paddr;
			bool same = c != NULL;
			for (size_t k = 0; same && k < n; k++)
				same = c[k] == want_cl[k];
			same = same && c[n] == 0;
			claim(same, "module command line as given", "module=", i);
		}
	}
}

static void check_rsdp(const struct hvm_start_info *si)
{
	uint32_t want;
	if (!opt_u32("ukt.rsdp", &want) || !want)
		return;
	const char *r = (const char *)(uintptr_t)si->rsdp_paddr;
	static const char sig[] = "RSD PTR ";
	bool ok = r != NULL;
	for (int i = 0; ok && i < 8; i++)
		ok = r[i] == sig[i];
	claim(ok, "rsdp_paddr points at an ACPI RSDP", "rsdp_paddr=", si->rsdp_paddr);
}

void ukt_main(uint32_t start_info, const struct entry_state *st)
{
	const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)start_info;
	ghcb_mode = start_info && si->magic == XEN_HVM_START_MAGIC_VALUE && (si->flags & SIF_HVM_GHCB);
	puts_("ukt: cocoboot test unikernel, start_info at ");
	puthex(start_info);
	putc_('\n');
	check_entry_state(st);
	claim(start_info && si->magic == XEN_HVM_START_MAGIC_VALUE, "start_info magic",
	      "magic=", start_info ? si->magic : 0);
	if (!start_info || si->magic != XEN_HVM_START_MAGIC_VALUE)
		finish();
	claim(si->version >= 1, "start_info version >= 1", "version=", si->version);
	claim(si->reserved == 0, "start_info reserved field is 0", "reserved=", si->reserved);
	cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
	puts_("ukt: cmdline [");
	if (cmdline)
		putn(cmdline, slen(cmdline));
	puts_("]\n");
	check_memmap(si);
	check_modules(si);
	check_rsdp(si);
	uint32_t aps;
	if (opt_u32("ukt.aps", &aps) && aps) {
		/* SEV_STATUS (no #VC): bit 1 SEV-ES, bit 2 SNP (AP creation: not this test) */
		uint32_t lo = 0, hi;
		if (ghcb_mode)
			__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0010131u));
		if (ghcb_mode && (lo & 4))
			claim(false, "ukt.aps under SEV-SNP: not supported", "sev_status=", lo);
		else
			ukt_smp(si, aps, ghcb_mode);
	}
	finish();
}
