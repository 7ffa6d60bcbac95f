/* SOURCES: snp/psc.c snp/validate.c snp/cpuid.c ghcb/vc.c ghcb/check.c ghcb/insn.c */
/*
 * Claims about cocoboot's SNP memory and CPUID logic (snp/psc.c, snp/validate.c,
 * snp/cpuid.c; facts §5, §6.2), run against a fake hypervisor and a model RMP:
 * batched page state changes and their progress checks, 2 MiB validation with the 4 KiB
 * fallback, the double-validation defence, the range planner, and the CPUID page.
 */
#include "unit.h"

#include "ghcb/vc.h"
#include "sev/exit_codes.h"
#include "sev/snp.h"
#include "sev/term.h"
#include "snp/cpuid.h"
#include "snp/psc.h"
#include "snp/validate.h"

/* ---- a fake hypervisor for the PSC NAE, and a model RMP ---- */

#define PAGES 4096u                 /* 16 MiB of model RAM */
static uint8_t rmp[PAGES];          /* bit 0 shared, 1 validated, 2 4K entry, 8 2M entry */
static struct ghcb page;
static struct vc_cpu cpu;
enum mode { HONEST, ERROR, NO_PROGRESS, HALF, BACKWARDS, GROW_END, FAKE_DONE };
static enum mode hv_mode;
static unsigned hv_per_call;        /* entries done per call (0: all) */
static unsigned hv_calls;

static uint64_t fake_msr(void *ctx, uint64_t v)
{
	(void)ctx;
	if ((v & 0xfff) == 0x014) {
		uint64_t gfn = (v >> 12) & 0xffffffffffull;
		rmp[gfn] = ((v >> 52) & 0xf) == 2 ? 1 : 0;
		return 0x015;
	}
	return 0;
}

static void fake_vmgexit(void *ctx, uint64_t gpa)
{
	(void)ctx; (void)gpa;
	uint8_t *d = (uint8_t *)page.shared_buffer;
	uint16_t cur, end;
	hv_calls++;
	memcpy(&cur, d, 2);
	memcpy(&end, d + 2, 2);
	page.sw_exit_info_1 = 0;
	page.sw_exit_info_2 = 0;
	if (hv_mode == ERROR) {
		page.sw_exit_info_2 = SNP_PSC_ERROR_ENTRY;
		return;
	}
	if (hv_mode == NO_PROGRESS)
		return;
	if (hv_mode == BACKWARDS) {
		cur = hv_calls == 1 ? 2 : 1;   /* two entries, then one back */
		memcpy(d, &cur, 2);
		return;
	}
	if (hv_mode == FAKE_DONE) {
		cur = (uint16_t)(end + 1);      /* "all done", nothing touched */
		memcpy(d, &cur, 2);
		return;
	}
	if (hv_mode == GROW_END) {
		end++;
		memcpy(d + 2, &end, 2);
		return;
	}
	unsigned done = 0;
	for (; cur <= end && (!hv_per_call || done < hv_per_call); cur++, done++) {
		uint64_t e;
		memcpy(&e, d + 8 + 8 * cur, 8);
		uint64_t gfn = snp_psc_entry_gfn(e);
		unsigned n = (e >> 56) & 1 ? 512 : 1;
		for (unsigned i = 0; i < n && gfn + i < PAGES; i++)
			rmp[gfn + i] = (rmp[gfn + i] & 12) | (((e >> 52) & 0xf) == 2 ? 1 : 0);
		e = (e & ~0xfffull) | n;        /* complete, as KVM records it */
		memcpy(d + 8 + 8 * cur, &e, 8);
	}
	if (hv_mode == HALF && cur <= end) {
		/* claims it got half way through a 2 MiB entry */
		uint64_t e;
		memcpy(&e, d + 8 + 8 * cur, 8);
		e = (e & ~0xfffull) | 256;
		memcpy(d + 8 + 8 * cur, &e, 8);
	}
	memcpy(d, &cur, 2);
}

static const struct vc_ops fake_ops = { .msr_exchange = fake_msr, .vmgexit = fake_vmgexit };

static unsigned pv_2m, pv_4k;
static unsigned model_pvalidate(void *ctx, uint64_t va, unsigned size, bool validate, bool *cf)
{
	(void)ctx;
	uint64_t gfn = va >> 12, n = size ? 512 : 1;
	*cf = false;
	if (size)
		pv_2m++;
	else
		pv_4k++;
	if (gfn + n > PAGES || (size && (gfn & 511)))
		return SNP_PVALIDATE_FAIL_INPUT;
	bool changed = false;
	for (uint64_t i = 0; i < n; i++) {
		if (rmp[gfn + i] & 1)
			return SNP_PVALIDATE_FAIL_INPUT;
		if ((size && (rmp[gfn + i] & 4)) || (!size && (rmp[gfn + i] & 8)))
			return SNP_PVALIDATE_FAIL_SIZEMISMATCH;
	}
	for (uint64_t i = 0; i < n; i++) {
		changed |= !!(rmp[gfn + i] & 2) != validate;
		rmp[gfn + i] = validate ? (rmp[gfn + i] | 2) : (rmp[gfn + i] & ~2);
	}
	*cf = !changed;
	return 0;
}

static int model_psc(void *ctx, const uint64_t *e, unsigned n)
{
	(void)ctx;
	return snp_psc_batch(&cpu, e, n, NULL);
}

static const struct snp_mem_ops ops = { .psc = model_psc, .pvalidate = model_pvalidate };

static int setup(void **s)
{
	(void)s;
	memset(rmp, 0, sizeof(rmp));
	memset(&page, 0, sizeof(page));
	vc_cpu_init(&cpu, &fake_ops, NULL, 2);
	vc_cpu_set_ghcb(&cpu, &page, 0x5000, NULL);
	hv_mode = HONEST;
	hv_per_call = 0;
	hv_calls = 0;
	pv_2m = pv_4k = 0;
	return 0;
}

/* ---- page state change ---- */

static void psc_entry_encoding(void **s)
{
	(void)s;
	uint64_t e = snp_psc_entry(0xabcde, SNP_PSC_OP_SHARED, 1);
	assert_true(e == ((0xabcdeull << 12) | (2ull << 52) | (1ull << 56)));
	assert_true(snp_psc_entry_gfn(e) == 0xabcde);
	assert_int_equal(SNP_PSC_MAX_ENTRIES, (2032 - 8) / 8);
}

static void psc_batch_sets_rmp_in_one_call(void **s)
{
	(void)s;
	uint64_t e[3] = { snp_psc_entry(1, SNP_PSC_OP_SHARED, 0), snp_psc_entry(2, SNP_PSC_OP_SHARED, 0),
			  snp_psc_entry(512, SNP_PSC_OP_SHARED, 1) };
	unsigned calls = 0;
	assert_int_equal(snp_psc_batch(&cpu, e, 3, &calls), 0);
	assert_int_equal(calls, 1);
	assert_true(rmp[1] == 1 && rmp[2] == 1 && rmp[512] == 1 && rmp[1023] == 1 && rmp[3] == 0);
	assert_true(page.sw_exit_code == SVM_VMGEXIT_PSC);
	assert_true(page.sw_scratch == 0x5000 + GHCB_SHARED_BUF_OFFSET);
}

static void psc_resumes_while_progress_is_made(void **s)
{
	(void)s;
	uint64_t e[10];
	for (unsigned i = 0; i < 10; i++)
		e[i] = snp_psc_entry(i, SNP_PSC_OP_SHARED, 0);
	hv_per_call = 3;
	unsigned calls = 0;
	assert_int_equal(snp_psc_batch(&cpu, e, 10, &calls), 0);
	assert_int_equal(calls, 4);
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(rmp[i], 1);
}

static void psc_partial_2m_entry_is_progress(void **s)
{
	(void)s;
	uint64_t e[2] = { snp_psc_entry(0, SNP_PSC_OP_SHARED, 0), snp_psc_entry(512, SNP_PSC_OP_SHARED, 1) };
	hv_mode = HALF;
	hv_per_call = 1;
	assert_int_equal(snp_psc_batch(&cpu, e, 2, NULL), 0);
}

static void psc_error_result_is_snp_psc(void **s)
{
	(void)s;
	uint64_t e = snp_psc_entry(1, SNP_PSC_OP_PRIVATE, 0);
	hv_mode = ERROR;
	assert_int_equal(snp_psc_batch(&cpu, &e, 1, NULL), CB_TERM_SNP_PSC);
}

static void psc_fake_progress_is_caught(void **s)
{
	(void)s;
	uint64_t e[4];
	for (unsigned i = 0; i < 4; i++)
		e[i] = snp_psc_entry(i, SNP_PSC_OP_SHARED, 0);
	hv_mode = NO_PROGRESS;
	assert_int_equal(snp_psc_batch(&cpu, e, 4, NULL), CB_TERM_SNP_PSC_PROGRESS);
	setup(NULL);
	hv_mode = GROW_END;
	assert_int_equal(snp_psc_batch(&cpu, e, 4, NULL), CB_TERM_SNP_PSC_PROGRESS);
	setup(NULL);
	hv_per_call = 2;
	assert_int_equal(snp_psc_batch(&cpu, e, 4, NULL), 0);  /* honest baseline */
	setup(NULL);
	hv_mode = FAKE_DONE;
	assert_int_equal(snp_psc_batch(&cpu, e, 4, NULL), CB_TERM_SNP_PSC_PROGRESS);
	assert_int_equal(rmp[0], 0);
	setup(NULL);
	hv_mode = BACKWARDS;
	assert_int_equal(snp_psc_batch(&cpu, e, 4, NULL), CB_TERM_SNP_PSC_PROGRESS);
}

static void psc_refuses_empty_or_oversized_batches(void **s)
{
	(void)s;
	static uint64_t e[SNP_PSC_MAX_ENTRIES + 1];
	assert_int_equal(snp_psc_batch(&cpu, e, 0, NULL), CB_TERM_SNP_PSC);
	assert_int_equal(snp_psc_batch(&cpu, e, SNP_PSC_MAX_ENTRIES + 1, NULL), CB_TERM_SNP_PSC);
	assert_int_equal(hv_calls, 0);
}

static void psc_msr_protocol_one_page(void **s)
{
	(void)s;
	assert_int_equal(snp_psc_msr(&cpu, 7, SNP_PSC_OP_SHARED), 0);
	assert_int_equal(rmp[7], 1);
}

/* ---- validation ---- */

static void private_uses_2m_pages_and_few_calls(void **s)
{
	(void)s;
	struct snp_range r = { 0, PAGES * 4096ull };
	struct snp_validate_stats st = { 0 };
	uint64_t where;
	assert_int_equal(snp_make_private(&ops, &r, 1, &st, &where), 0);
	assert_int_equal(st.pvalidate_2m, PAGES / 512);
	assert_int_equal(st.pvalidate_4k, 0);
	assert_int_equal(st.psc_batches, 1);
	for (unsigned i = 0; i < PAGES; i++)
		assert_int_equal(rmp[i], 2);
}

static void private_edges_are_4k(void **s)
{
	(void)s;
	struct snp_range r = { 0x1ff000, 0x601000 };  /* 1 page, 2 x 2 MiB, 1 page */
	struct snp_validate_stats st = { 0 };
	uint64_t where;
	assert_int_equal(snp_make_private(&ops, &r, 1, &st, &where), 0);
	assert_int_equal(st.pvalidate_2m, 2);
	assert_int_equal(st.pvalidate_4k, 2);
	assert_int_equal(rmp[0x1fe], 0);
	assert_int_equal(rmp[0x1ff], 2);
	assert_int_equal(rmp[0x600], 2);
	assert_int_equal(rmp[0x601], 0);
}

static void private_batches_253_entries_per_call(void **s)
{
	(void)s;
	/* 600 separate 4 KiB pages: 253 + 253 + 94 */
	static struct snp_range r[600];
	for (unsigned i = 0; i < 600; i++)
		r[i] = (struct snp_range){ (2ull * i) << 12, (2ull * i + 1) << 12 };
	struct snp_validate_stats st = { 0 };
	uint64_t where;
	assert_int_equal(snp_make_private(&ops, r, 600, &st, &where), 0);
	assert_int_equal(st.psc_batches, 3);
	assert_int_equal(hv_calls, 3);
	assert_int_equal(st.pvalidate_4k, 600);
}

static void size_mismatch_falls_back_to_4k(void **s)
{
	(void)s;
	for (unsigned i = 512; i < 1024; i++)
		rmp[i] = 4;                     /* the hypervisor backs this 2 MiB with 4 KiB */
	struct snp_range r = { 0x200000, 0x600000 };
	struct snp_validate_stats st = { 0 };
	uint64_t where;
	assert_int_equal(snp_make_private(&ops, &r, 1, &st, &where), 0);
	assert_int_equal(st.fallback_2m, 1);
	assert_int_equal(st.pvalidate_2m, 2);
	assert_int_equal(st.pvalidate_4k, 512);
	for (unsigned i = 512; i < 1536; i++)
		assert_true(rmp[i] & 2);
}

static int psc_that_does_nothing(void *ctx, const uint64_t *e, unsigned n)
{
	(void)ctx; (void)e; (void)n;
	return 0;  /* "done", and the RMP untouched */
}

static void cf_no_change_is_caught_never_skipped(void **s)
{
	(void)s;
	struct snp_mem_ops lying = { .psc = psc_that_does_nothing, .pvalidate = model_pvalidate };
	rmp[5] = 2;                          /* already validated */
	struct snp_range r = { 0x4000, 0x7000 };
	struct snp_validate_stats st = { 0 };
	uint64_t where = 0;
	assert_int_equal(snp_make_private(&lying, &r, 1, &st, &where), CB_TERM_SNP_PVALIDATE_NOCHANGE);
	assert_true(where == 0x5000);
}

static void shared_page_left_by_fake_progress_fails_pvalidate(void **s)
{
	(void)s;
	struct snp_mem_ops lying = { .psc = psc_that_does_nothing, .pvalidate = model_pvalidate };
	rmp[9] = 1;                          /* still shared: the PSC claimed success */
	struct snp_range r = { 0x9000, 0xa000 };
	struct snp_validate_stats st = { 0 };
	uint64_t where = 0;
	assert_int_equal(snp_make_private(&lying, &r, 1, &st, &where), CB_TERM_SNP_PVALIDATE);
}

static void size_mismatch_on_4k_is_fatal(void **s)
{
	(void)s;
	/* A 4 KiB PVALIDATE inside a page the RMP holds as one 2 MiB entry: the guest asked for
	 * no 2 MiB page there, so the mismatch is not the expected fallback case. */
	for (unsigned i = 0; i < 512; i++)
		rmp[i] |= 8;
	struct snp_range r = { 0x10000, 0x11000 };
	struct snp_validate_stats st = { 0 };
	uint64_t where;
	assert_int_equal(snp_make_private(&ops, &r, 1, &st, &where), CB_TERM_SNP_PVALIDATE);
	assert_true(where == 0x10000);
}

static void shared_rescinds_then_changes_state(void **s)
{
	(void)s;
	rmp[0x20] = 2;
	struct snp_range r = { 0x20000, 0x21000 };
	struct snp_validate_stats st = { 0 };
	uint64_t where;
	assert_int_equal(snp_make_shared(&ops, &r, 1, &st, &where), 0);
	assert_int_equal(rmp[0x20], 1);
	/* rescinding a page that was never validated: CF = 1, caught */
	rmp[0x21] = 0;
	r = (struct snp_range){ 0x21000, 0x22000 };
	assert_int_equal(snp_make_shared(&ops, &r, 1, &st, &where), CB_TERM_SNP_PVALIDATE_NOCHANGE);
}

static void verify_finds_a_page_the_hypervisor_reset(void **s)
{
	(void)s;
	struct snp_range r = { 0, 0x400000 };
	struct snp_validate_stats st = { 0 };
	uint64_t where = 0;
	assert_int_equal(snp_make_private(&ops, &r, 1, &st, &where), 0);
	assert_int_equal(snp_verify_private(&ops, &r, 1, &st, &where), 0);   /* all "no change" */
	for (unsigned i = 512; i < 1024; i++)
		rmp[i] |= 4;                    /* the hypervisor split it (PSMASH) ... */
	rmp[700] &= (uint8_t)~2;                /* ... and reset one page */
	assert_int_equal(snp_verify_private(&ops, &r, 1, &st, &where), CB_TERM_SNP_NOT_VALIDATED);
	assert_true(where == 700ull << 12);
}

static void ranges_subtract_launch_memory(void **s)
{
	(void)s;
	struct snp_range ram[2] = { { 0, 0x8000000 }, { 0x100000000ull, 0x140000000ull } };
	struct snp_range ex[3] = { { 0x100000, 0x16c000 }, { 0x16c000, 0x16d123 }, { 0x3000, 0x3800 } };
	struct snp_range out[8];
	int n = snp_ranges_subtract(ram, 2, ex, 3, 0, 0x100000000ull, out, 8);
	assert_int_equal(n, 3);
	assert_true(out[0].base == 0 && out[0].end == 0x3000);
	assert_true(out[1].base == 0x4000 && out[1].end == 0x100000);
	assert_true(out[2].base == 0x16e000 && out[2].end == 0x8000000);
	n = snp_ranges_subtract(ram, 2, ex, 3, 0x100000000ull, ~0ull, out, 8);
	assert_int_equal(n, 1);
	assert_true(out[0].base == 0x100000000ull && out[0].end == 0x140000000ull);
	assert_int_equal(snp_ranges_subtract(ram, 2, ex, 3, 0, ~0ull, out, 2), -1);
}

/* Shares for parallel validation: disjoint, covering the ranges exactly, cut only at 2 MiB
 * boundaries or range ends, about equal in size. */
static void ranges_share_covers_exactly_at_2m_cuts(void **s)
{
	(void)s;
	const struct snp_range r[3] = { { 0x4000000, 0x8000000 }, { 0x100000000ull, 0x440000000ull },
					{ 0x440200000ull, 0x440203000ull } };
	uint64_t total = snp_ranges_bytes(r, 3);

	for (unsigned parts = 1; parts <= 16; parts++) {
		struct snp_range out[8], all[64];
		unsigned nall = 0;
		uint64_t sum = 0;

		for (unsigned k = 0; k < parts; k++) {
			int m = snp_ranges_share(r, 3, parts, k, out, 8);
			uint64_t bytes;

			assert_true(m >= 0);
			bytes = snp_ranges_bytes(out, (unsigned)m);
			sum += bytes;
			/* at most one 2 MiB step plus the small range away from an equal share */
			assert_true(bytes <= total / parts + 0x400000);
			for (int j = 0; j < m; j++) {
				assert_true(out[j].base < out[j].end);
				assert_true(!(out[j].base & 0x1fffff) || out[j].base == r[0].base ||
					    out[j].base == r[1].base || out[j].base == r[2].base);
				all[nall++] = out[j];
			}
		}
		assert_true(sum == total);
		/* in order, end to start: the concatenation of the shares is the input */
		for (unsigned j = 1; j < nall; j++)
			assert_true(all[j].base >= all[j - 1].end);
	}
	struct snp_range small[1];
	assert_int_equal(snp_ranges_share(r, 3, 1, 0, small, 1), -1);
	assert_int_equal(snp_ranges_share(r, 3, 4, 4, small, 1), 0);
}

/* ---- the CPUID page ---- */

static struct snp_cpuid_table table;

static void add_leaf(uint32_t leaf, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	struct snp_cpuid_fn *e = &table.fn[table.count++];
	*e = (struct snp_cpuid_fn){ .eax_in = leaf, .xcr0_in = 1, .eax = a, .ebx = b, .ecx = c, .edx = d };
}

static void fill_table(void)
{
	memset(&table, 0, sizeof(table));
	add_leaf(0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
	add_leaf(1, 0xa00f11, 0x00010800, 0x80000000 | 1, 0x178bfbff & ~(1u << 9));
	add_leaf(0x80000000u, 0x8000001f, 0, 0, 0);
	add_leaf(0x80000001u, 0, 0, 0, 1u << 29);
	add_leaf(0x8000001fu, 0x1001b, 0x40 | 51, 0, 0);
	add_leaf(7, 0, 0x219c91a9, 0, 0);
}

static void cpuid_page_checks(void **s)
{
	(void)s;
	bool missing;
	fill_table();
	assert_int_equal(snp_cpuid_table_check(&table, &missing), 0);
	memset(&table, 0, sizeof(table));
	assert_int_equal(snp_cpuid_table_check(&table, &missing), CB_TERM_SNP_CPUID_PAGE);
	assert_true(missing);
	fill_table();
	table.count = 65;
	assert_int_equal(snp_cpuid_table_check(&table, &missing), CB_TERM_SNP_CPUID_PAGE);
	assert_false(missing);
	fill_table();
	table.fn[4].eax &= ~(1u << 4);        /* no SNP in the page */
	assert_int_equal(snp_cpuid_table_check(&table, &missing), CB_TERM_SNP_CPUID_PAGE);
}

static void cpuid_page_answers_and_is_cross_checked(void **s)
{
	(void)s;
	uint32_t out[4];
	fill_table();
	/* leaf 7 is not one the boot relies on: answered from the page, no exit */
	assert_int_equal(snp_cpuid_vc_hook(&table, 7, 0, NULL, out), 1);
	assert_true(out[1] == 0x219c91a9);
	/* leaf 0x8000001F: asked of the hypervisor, then compared */
	assert_int_equal(snp_cpuid_vc_hook(&table, 0x8000001fu, 0, NULL, out), 0);
	uint32_t hv[4] = { 0x1001b, 0x40 | 51, 0, 0 };
	assert_int_equal(snp_cpuid_vc_hook(&table, 0x8000001fu, 0, hv, out), 0);
	hv[1] = 0x40 | 47;                     /* another C-bit: a lie */
	assert_int_equal(snp_cpuid_vc_hook(&table, 0x8000001fu, 0, hv, out), CB_TERM_SNP_CPUID_CONTRADICT);
	/* leaf 1: APIC ID, OSXSAVE and the APIC bit are the hypervisor's */
	uint32_t hv1[4] = { 0xa00f11, 0x03010800, 0x80000000 | 1, 0x178bfbff };
	assert_int_equal(snp_cpuid_vc_hook(&table, 1, 0, hv1, out), 0);
	assert_true(out[1] == 0x03010800 && out[3] == 0x178bfbff);
	hv1[2] &= ~1u;                         /* a feature bit differs */
	assert_int_equal(snp_cpuid_vc_hook(&table, 1, 0, hv1, out), CB_TERM_SNP_CPUID_CONTRADICT);
	/* a leaf neither in the page nor cross-checked: the hypervisor's answer */
	uint32_t hvx[4] = { 1, 2, 3, 4 };
	assert_int_equal(snp_cpuid_vc_hook(&table, 0x40000000u, 0, hvx, out), 0);
	assert_true(out[0] == 1 && out[3] == 4);
	/* a cross-checked leaf missing from the page */
	table.fn[3].eax_in = 0x80000002u;
	assert_int_equal(snp_cpuid_vc_hook(&table, 0x80000001u, 0, hvx, out), CB_TERM_SNP_CPUID_PAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(psc_entry_encoding, setup),
		cmocka_unit_test_setup(psc_batch_sets_rmp_in_one_call, setup),
		cmocka_unit_test_setup(psc_resumes_while_progress_is_made, setup),
		cmocka_unit_test_setup(psc_partial_2m_entry_is_progress, setup),
		cmocka_unit_test_setup(psc_error_result_is_snp_psc, setup),
		cmocka_unit_test_setup(psc_fake_progress_is_caught, setup),
		cmocka_unit_test_setup(psc_refuses_empty_or_oversized_batches, setup),
		cmocka_unit_test_setup(psc_msr_protocol_one_page, setup),
		cmocka_unit_test_setup(private_uses_2m_pages_and_few_calls, setup),
		cmocka_unit_test_setup(private_edges_are_4k, setup),
		cmocka_unit_test_setup(private_batches_253_entries_per_call, setup),
		cmocka_unit_test_setup(size_mismatch_falls_back_to_4k, setup),
		cmocka_unit_test_setup(cf_no_change_is_caught_never_skipped, setup),
		cmocka_unit_test_setup(shared_page_left_by_fake_progress_fails_pvalidate, setup),
		cmocka_unit_test_setup(size_mismatch_on_4k_is_fatal, setup),
		cmocka_unit_test_setup(shared_rescinds_then_changes_state, setup),
		cmocka_unit_test_setup(verify_finds_a_page_the_hypervisor_reset, setup),
		cmocka_unit_test_setup(ranges_subtract_launch_memory, setup),
		cmocka_unit_test_setup(ranges_share_covers_exactly_at_2m_cuts, setup),
		cmocka_unit_test_setup(cpuid_page_checks, setup),
		cmocka_unit_test_setup(cpuid_page_answers_and_is_cross_checked, setup),
	};
	return UNIT_RUN(tests);
}
