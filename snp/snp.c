// SPDX-License-Identifier: MIT
/*
 * cocoboot under SEV-SNP (docs/abi.md §10; facts §1.1, §2, §5, §6).
 *
 *  1. Feature policy: SEV_STATUS bits that change what the guest must do (Linux's
 *     "implementation required" set) and that cocoboot does not implement end the boot with
 *     the GHCB specification's reason (set 0, code 2), naming the bits first.
 *  2. Hypervisor features (MSR protocol 0x080, GHCB protocol >= 2): SNP (bit 0) required.
 *  3. The GHCB page: PVALIDATE rescind, page state change to shared (MSR protocol, there is
 *     no GHCB yet), C-bit clear, TLB flush, then registration (boot/sev.c, ghcb/sev_es.c).
 *  4. The CPUID page (in the image, filled and checked by the secure processor) answers
 *     CPUID from then on; the secrets page must be there.
 *  5. All RAM that is not launch memory is made private and validated before cocoboot
 *     allocates from it (boot/memory.c), so a payload finds all of its RAM validated.
 *  6. At the handoff the GHCB page turns private and validated again (boot/sev.c).
 */
#include "snp/snp.h"

#include <stdarg.h>

#include "arch/x86/cpu.h"
#include "arch/x86/pmm.h"
#include "boot/memory.h"
#include "boot/sev.h"
#include "ghcb/sev_es.h"
#include "lib/console.h"
#include "lib/format.h"
#include "lib/string.h"
#include "sev/msr_protocol.h"
#include "sev/term.h"
#include "snp/cpuid.h"
#include "snp/psc.h"
#include "smp/smp.h"
#include "xen/pvh.h"

extern const uint8_t __image_start[], __image_end[];

/* facts §1.1: bits whose meaning a guest must implement (Linux SNP_FEATURES_IMPL_REQ: 3-7,
 * 10-13, 15, 16, 18, 19-22 and all reserved bits from 24), and those cocoboot implements:
 * DebugSwap (DR7 then raises no #VC, which cocoboot only answers from its own copy) and
 * Secure AVIC (apic/savic.c, docs/abi.md §12). The
 * others of 8-23 (PreventHostIBS, BTB isolation, IBS virtualization, SMT protection, IBPB on
 * entry) ask nothing of the guest. */
#define SNP_FEAT_IMPL_REQ (0x7800ull | (1ull << 3) | (1ull << 4) | (1ull << 5) | (1ull << 6) | \
			   (1ull << 7) | (1ull << 10) | (1ull << 11) | (1ull << 12) | (1ull << 13) | \
			   (1ull << 15) | (1ull << 16) | (1ull << 18) | (0xfull << 19) | (~0ull << 24))
#define SNP_FEAT_IMPLEMENTED (SEV_STATUS_DEBUG_SWAP | SEV_STATUS_SECURE_AVIC) /* apic/savic.c */

static const char *const feature_names[24] = {
	[3] = "vTOM", [4] = "ReflectVC", [5] = "RestrictedInjection", [6] = "AlternateInjection",
	[7] = "DebugSwap", [10] = "VMPL-SSS", [11] = "SecureTSC", [12] = "VMGEXIT-parameter",
	[13] = "PMC-virtualization", [15] = "bit15", [16] = "VMSA-register-protection",
	[18] = "SecureAVIC",
};

static uint64_t unsupported;            /* SEV_STATUS bits refused, reported in snp_init */
static struct snp_validate_stats stats;
static uint32_t validate_exits;         /* VMGEXITs made while validating RAM */
static uint64_t hv_features;            /* MSR protocol 0x081 bitmap */
static unsigned spread_cpus;            /* validation spread over this many CPUs */
static uint64_t spread_bytes, spread_most; /* ... of these bytes, the largest share */
static uint32_t spread_most_exits;      /* VMGEXITs of the busiest CPU */

uint64_t snp_unsupported_features(uint64_t sev_status)
{
	return sev_status & (SNP_FEAT_IMPL_REQ & ~0x7ull) & ~SNP_FEAT_IMPLEMENTED;
}

__attribute__((noreturn, format(printf, 2, 3))) static void snp_fatal(unsigned code, const char *fmt, ...)
{
	static char what[200];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	sev_es_fatal(code, what);
}

/* ---- the two operations of snp/validate.c on this CPU ---- */

static unsigned hw_pvalidate(void *ctx, uint64_t va, unsigned size, bool validate, bool *cf)
{
	uint64_t rax = va;
	uint8_t c;

	(void)ctx;
	/* PVALIDATE (F2 0F 01 FF): RAX = VA, ECX = size, EDX = validate; EAX result, CF. */
	__asm__ volatile(".byte 0xf2, 0x0f, 0x01, 0xff\n\tsetc %1"
			 : "+a"(rax), "=qm"(c)
			 : "c"((uint64_t)size), "d"((uint64_t)(validate ? 1 : 0))
			 : "memory", "cc");
	*cf = c != 0;
	return (unsigned)rax;
}

static int hw_psc(void *ctx, const uint64_t *entries, unsigned n)
{
	struct vc_cpu *c = sev_es_this_vc(); /* each CPU through its own GHCB */
	int err;

	(void)ctx;
	if (!c->ghcb) {
		/* Before the GHCB page: the MSR protocol, one 4 KiB page a call. */
		if (n != 1 || ((entries[0] >> 56) & 1))
			return CB_TERM_SNP_PSC;
		return snp_psc_msr(c, snp_psc_entry_gfn(entries[0]), (unsigned)(entries[0] >> 52) & 0xf);
	}
	if (c->busy)
		return CB_TERM_VC_NESTED;
	c->busy = true;
	err = snp_psc_batch(c, entries, n, (unsigned *)0);
	c->busy = false;
	return err;
}

static const struct snp_mem_ops hw_ops = { .psc = hw_psc, .pvalidate = hw_pvalidate };

/* The failure, naming the page: err must come from a call made before (C leaves the
 * order in which a call's arguments are evaluated open, so check(f(&where), ..., where)
 * could name the page before f wrote it). */
static void check(int err, const char *what, uint64_t where)
{
	if (err)
		snp_fatal((unsigned)err, "SNP: %s: page %#llx", what, (unsigned long long)where);
}

/* ---- 1, 2: before the GHCB page ---- */

void snp_init_early(void)
{
	struct vc_cpu *c = sev_es_bsp();
	uint64_t features;

	unsupported = snp_unsupported_features(sev_boot_info.status);
	/* GHCB specification: SNP needs protocol version 2 (the features request is v2-only). */
	if (sev_boot_info.version < 2)
		sev_es_fatal_set(SEV_TERM_SET_GEN, SEV_TERM_GEN_PROTOCOL,
				 "SNP: GHCB protocol version 2 is required");
	c->stats.vmgexits++;
	int err = ghcb_check_hv_features(c->ops->msr_exchange(c->ctx, ghcb_msr_hv_ft_req()), &features);
	if (err)
		sev_es_fatal((unsigned)err, "SNP: hypervisor features (MSR protocol 0x080)");
	hv_features = features;
	if (!(features & GHCB_HV_FT_SNP))
		sev_es_fatal(CB_TERM_SNP_HV_FEATURES, "SNP: the hypervisor features lack SNP (bit 0)");
}

void snp_page_share_early(uint64_t pa)
{
	struct snp_range r = { pa, pa + 4096 };
	uint64_t where = pa;

	int err = snp_make_shared(&hw_ops, &r, 1, &stats, &where);
	check(err, "making the GHCB page shared", where);
}

/* ---- 4: with the GHCB ---- */

static void report_features(void)
{
	char bits[160];
	size_t n = 0;

	if (!unsupported)
		return;
	bits[0] = 0;
	for (unsigned b = 0; b < 64 && n < sizeof(bits) - 40; b++) {
		if (!(unsupported & (1ull << b)))
			continue;
		const char *name = b < 24 && feature_names[b] ? feature_names[b] : "reserved";
		int k = fmt_snprintf(bits + n, sizeof(bits) - n, "%s%u (%s)", n ? ", " : "", b, name);
		if (k > 0)
			n += (size_t)k;
	}
	static char what[240];
	fmt_snprintf(what, sizeof(what), "SNP: SEV_STATUS %#llx has features cocoboot does not "
		     "support: bits %s", (unsigned long long)sev_boot_info.status, bits);
	/* The GHCB specification's reason: set 0, code 2 "SNP features not supported". */
	sev_es_fatal_set(SEV_TERM_SET_GEN, SEV_TERM_GEN_SNP_FEATURES, what);
}

static void check_secrets_page(void)
{
	const struct snp_secrets_page *s = (const struct snp_secrets_page *)cocoboot_snp_secrets_page;
	bool any = false;

	for (unsigned i = 0; i < sizeof(s->vmpck); i++)
		any |= ((const uint8_t *)s->vmpck)[i] != 0;
	if (!any)
		snp_fatal(CB_TERM_SNP_SECRETS_PAGE, "SNP: the secrets page at %#llx holds no VMPCK "
			  "(not filled by the secure processor)",
			  (unsigned long long)(uintptr_t)cocoboot_snp_secrets_page);
	if (s->svsm_size != 0)
		snp_fatal(CB_TERM_SNP_SECRETS_PAGE, "SNP: the secrets page names an SVSM (svsm_size "
			  "%#llx): cocoboot runs only at VMPL0", (unsigned long long)s->svsm_size);
}

void snp_init(void)
{
	const struct snp_cpuid_table *t = (const struct snp_cpuid_table *)cocoboot_snp_cpuid_page;
	bool missing;

	report_features();
	int err = snp_cpuid_table_check(t, &missing);
	if (err)
		snp_fatal((unsigned)err, missing ? "SNP: the CPUID page at %#llx is empty (the "
			  "toolstack must give it: docs/abi.md §10)" : "SNP: the CPUID page at %#llx "
			  "is malformed (count %u, or no SEV/SNP in leaf 0x8000001F)",
			  (unsigned long long)(uintptr_t)t, t->count);
	struct vc_cpu *c = sev_es_bsp();
	c->cpuid_page = snp_cpuid_vc_hook;
	c->cpuid_page_ctx = (void *)(uintptr_t)t;
	check_secrets_page();
}

/* ---- 5: RAM ---- */

#define BLOB_MAX (64u << 10) /* start_info and what it points to, one launch blob */

static unsigned launch_ranges(const struct pvh_info *info, struct snp_range *ex)
{
	unsigned n = 0;
	uint64_t lo = info->start_info_paddr, hi = lo + sizeof(struct hvm_start_info);

#define SPAN(a, len) do { if ((len) != 0) { if ((a) < lo) lo = (a); if ((a) + (len) > hi) hi = (a) + (len); } } while (0)
	SPAN(info->memmap_paddr, (uint64_t)info->memmap_entries * sizeof(struct hvm_memmap_table_entry));
	SPAN(info->cmdline_paddr, info->cmdline_paddr ? info->cmdline_len + 1 : 0);
	SPAN(info->modlist_paddr, (uint64_t)info->nr_modules * sizeof(struct hvm_modlist_entry));
	for (uint32_t i = 0; i < info->nr_modules; i++)
		SPAN(info->modules[i].cmdline_paddr, info->modules[i].cmdline_paddr ? 1 : 0);
#undef SPAN
	if (hi - lo > BLOB_MAX)
		snp_fatal(CB_TERM_START_INFO, "SNP: start_info and what it points to span "
			  "[%#llx-%#llx): more than %u KiB cannot be one launch blob",
			  (unsigned long long)lo, (unsigned long long)hi, BLOB_MAX >> 10);
	ex[n++] = (struct snp_range){ (uintptr_t)__image_start, (uintptr_t)__image_end };
	ex[n++] = (struct snp_range){ lo, hi };
	/* Modules: launch memory without a hashes table, shared pages with one (taken private
	 * after they are copied: measured_take_modules). Either way not validated here. */
	for (uint32_t i = 0; i < info->nr_modules; i++)
		ex[n++] = (struct snp_range){ info->modules[i].paddr,
					      info->modules[i].paddr + info->modules[i].size };
	return n;
}

#define TODO_MAX (PVH_MAX_MEMMAP + 2 + PVH_MAX_MODULES)
static struct snp_range ram_left[TODO_MAX]; /* RAM to validate, ram_todo() */

/* RAM of [lo, hi) that is not launch memory, into ram_left[]; the count. */
static unsigned ram_todo(const struct pvh_info *info, uint64_t lo, uint64_t hi)
{
	static struct snp_range ram[PVH_MAX_MEMMAP], ex[2 + PVH_MAX_MODULES];
	unsigned nram = 0, nex = launch_ranges(info, ex);

	for (uint32_t i = 0; i < info->memmap_entries; i++)
		if (info->memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
			ram[nram++] = (struct snp_range){ info->memmap[i].addr,
							  info->memmap[i].addr + info->memmap[i].size };
	int n = snp_ranges_subtract(ram, nram, ex, nex, lo, hi, ram_left, TODO_MAX);
	if (n < 0)
		snp_fatal(CB_TERM_MEMORY, "SNP: RAM splits into too many ranges");
	return (unsigned)n;
}

void snp_validate_ram(const struct pvh_info *info, uint64_t lo, uint64_t hi)
{
	unsigned n = ram_todo(info, lo, hi);
	uint64_t where = 0;
	uint32_t exits0 = sev_es_bsp()->stats.vmgexits;

	int err = snp_make_private(&hw_ops, ram_left, n, &stats, &where);
	check(err, "validating RAM", where);
	validate_exits += sev_es_bsp()->stats.vmgexits - exits0;
}

/*
 * The same, spread over every CPU up (docs/abi.md §10.3 step 5): CPU k of n takes share k
 * of the ranges (snp_ranges_share: cut at 2 MiB boundaries) and validates it with its own
 * page-state-change batches through its own GHCB, as strictly as the BSP alone (CF or a
 * size mismatch ends the boot, from whichever CPU sees it). Each CPU's scratch (its ranges,
 * its batch, its statistics) is a block from the allocator, below what is being validated.
 */
struct share {
	struct snp_validate_stats st;
	uint32_t exits;
	unsigned nr;
	struct snp_psc_batch batch;
	struct snp_range r[TODO_MAX + 1];
};
#define SHARE_PAGES ((sizeof(struct share) + 4095) / 4096)

struct spread {
	uint64_t scratch;     /* struct share per CPU, SHARE_PAGES pages each */
	unsigned n;           /* ranges in ram_left[] */
};

static struct share *share_of(const struct spread *sp, unsigned cpu)
{
	return (struct share *)(uintptr_t)(sp->scratch + (uint64_t)cpu * SHARE_PAGES * 4096);
}

static void share_progress(void *ctx)
{
	smp_work_progress((unsigned)(uintptr_t)ctx);
}

static void validate_share(unsigned cpu, unsigned ncpu, void *arg)
{
	const struct spread *sp = arg;
	struct share *sh = share_of(sp, cpu);
	struct snp_mem_ops ops = hw_ops;
	struct vc_cpu *me = sev_es_this_vc();
	uint32_t exits0 = me->stats.vmgexits;
	uint64_t where = 0;
	int m = snp_ranges_share(ram_left, sp->n, ncpu, cpu, sh->r, TODO_MAX + 1);

	if (m < 0)
		snp_fatal(CB_TERM_MEMORY, "SNP: CPU %u's share of RAM splits into too many ranges", cpu);
	ops.ctx = (void *)(uintptr_t)cpu;
	ops.progress = share_progress;
	memset(&sh->st, 0, sizeof(sh->st));
	sh->nr = (unsigned)m;
	int err = snp_make_private_with(&ops, &sh->batch, sh->r, (unsigned)m, &sh->st, &where);
	check(err, "validating RAM", where);
	sh->exits = me->stats.vmgexits - exits0;
}

void snp_validate_ram_all_cpus(const struct pvh_info *info, uint64_t lo, uint64_t hi)
{
	unsigned ncpu = smp_cpus_up();
	struct spread sp = { .n = ram_todo(info, lo, hi) };

	if (ncpu < 2 || !sp.n) {
		snp_validate_ram(info, lo, hi);
		return;
	}
	/* Below lo: validated already (what the boot allocated from). */
	sp.scratch = pmm_alloc(&boot_pmm, SHARE_PAGES * ncpu, 4096, lo);
	if (!sp.scratch)
		snp_fatal(CB_TERM_MEMORY, "SNP: no memory for %u CPUs' validation scratch", ncpu);
	smp_run_on_all(validate_share, &sp);
	uint64_t most = 0;
	uint32_t most_exits = 0;
	for (unsigned c = 0; c < ncpu; c++) {
		const struct share *sh = share_of(&sp, c);

		stats.psc_batches += sh->st.psc_batches;
		stats.psc_entries += sh->st.psc_entries;
		stats.pvalidate_2m += sh->st.pvalidate_2m;
		stats.pvalidate_4k += sh->st.pvalidate_4k;
		stats.fallback_2m += sh->st.fallback_2m;
		stats.bytes += sh->st.bytes;
		validate_exits += sh->exits;
		if (sh->st.bytes > most)
			most = sh->st.bytes;
		if (sh->exits > most_exits)
			most_exits = sh->exits;
	}
	spread_cpus = ncpu;
	spread_bytes = snp_ranges_bytes(ram_left, sp.n);
	spread_most = most;
	spread_most_exits = most_exits;
}

void snp_verify_ram(const struct pvh_info *info, uint64_t ghcb_pa)
{
	static struct snp_range ram[PVH_MAX_MEMMAP], todo[PVH_MAX_MEMMAP + 1];
	struct snp_range ghcb = { ghcb_pa, ghcb_pa + 4096 };
	struct snp_validate_stats st = { 0 };
	unsigned nram = 0;
	uint64_t where = 0;

	for (uint32_t i = 0; i < info->memmap_entries; i++)
		if (info->memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
			ram[nram++] = (struct snp_range){ info->memmap[i].addr,
							  info->memmap[i].addr + info->memmap[i].size };
	int n = snp_ranges_subtract(ram, nram, &ghcb, 1, 0, ~0ull, todo, sizeof(todo) / sizeof(todo[0]));
	if (n < 0)
		snp_fatal(CB_TERM_MEMORY, "SNP: RAM splits into too many ranges");
	int err = snp_verify_private(&hw_ops, todo, (unsigned)n, &st, &where);
	check(err, "a RAM page is no longer validated (the hypervisor reset it)", where);
	log_info("cocoboot: snp: all RAM still validated before the handoff (PVALIDATE %llu x 2 MiB + "
		 "%llu x 4 KiB, each \"no change\")\n", (unsigned long long)st.pvalidate_2m,
		 (unsigned long long)st.pvalidate_4k);
}

void snp_make_range_shared(uint64_t pa, uint64_t len)
{
	struct snp_range r = { pa & ~0xfffull, (pa + len + 0xfff) & ~0xfffull };
	uint64_t where = pa;

	int err = snp_make_shared(&hw_ops, &r, 1, &stats, &where);
	check(err, "making pages shared", where);
}

void snp_make_range_private(uint64_t pa, uint64_t len)
{
	struct snp_range r = { pa & ~0xfffull, (pa + len + 0xfff) & ~0xfffull };
	uint64_t where = pa;

	int err = snp_make_private(&hw_ops, &r, 1, &stats, &where);
	check(err, "taking shared pages private", where);
}

/* ---- 6: the GHCB page at the handoff ---- */

void snp_page_unshare_late(uint64_t pa, bool before_map)
{
	struct vc_cpu *c = sev_es_bsp();
	bool cf;

	if (before_map) {
		/* Through the MSR protocol: the GHCB is the page that changes. */
		int err = snp_psc_msr(c, pa >> 12, SNP_PSC_OP_PRIVATE);
		if (err)
			c->ops->msr_exchange(c->ctx, ghcb_msr_term_req(CB_TERM_SET, (unsigned)err));
		return;
	}
	unsigned rc = hw_pvalidate(0, pa, SNP_PAGE_4K, true, &cf);
	if (rc || cf)
		c->ops->msr_exchange(c->ctx, ghcb_msr_term_req(CB_TERM_SET,
			rc ? CB_TERM_SNP_PVALIDATE : CB_TERM_SNP_PVALIDATE_NOCHANGE));
	stats.pvalidate_4k++;
}

uint64_t snp_hv_features(void)
{
	return hv_features;
}

const struct snp_validate_stats *snp_stats(void)
{
	return &stats;
}

void snp_print_stats(void)
{
	log_info("cocoboot: snp: validated %llu MiB of RAM with %u VMGEXITs: %llu page-state "
		 "changes (%llu entries), PVALIDATE %llu x 2 MiB + %llu x 4 KiB (%llu 2 MiB "
		 "retried as 4 KiB)\n", (unsigned long long)(stats.bytes >> 20), validate_exits,
		 (unsigned long long)stats.psc_batches, (unsigned long long)stats.psc_entries,
		 (unsigned long long)stats.pvalidate_2m, (unsigned long long)stats.pvalidate_4k,
		 (unsigned long long)stats.fallback_2m);
	if (spread_cpus)
		log_info("cocoboot: snp: %llu MiB of it validated by %u CPUs in parallel: at most %llu "
			 "MiB and %u VMGEXITs per CPU\n", (unsigned long long)(spread_bytes >> 20),
			 spread_cpus, (unsigned long long)(spread_most >> 20), spread_most_exits);
}
