/* SOURCES: ghcb/check.c */
/*
 * Claims about the checks on hypervisor answers (ghcb/check.c): each kind of bad answer maps
 * to its own termination code (include/sev/term.h), good answers pass.
 */
#include "unit.h"

#include "ghcb/check.h"
#include "sev/msr_protocol.h"
#include "sev/term.h"

static void sev_info_checks(void **s)
{
	(void)s;
	struct ghcb_sev_info i;
	assert_int_equal(ghcb_check_sev_info(ghcb_msr_sev_info_resp(2, 1, 47), &i), 0);
	assert_int_equal(i.version, 2);
	assert_int_equal(i.cbit, 47);
	assert_int_equal(ghcb_check_sev_info(ghcb_msr_sev_info_resp(1, 1, 51), &i), 0);
	assert_int_equal(i.version, 1);
	assert_int_equal(ghcb_check_sev_info(ghcb_msr_sev_info_resp(9, 3, 47), &i), CB_TERM_PROTOCOL_VERSION);
	assert_int_equal(ghcb_check_sev_info(ghcb_msr_sev_info_resp(0, 0, 47), &i), CB_TERM_PROTOCOL_VERSION);
	assert_int_equal(ghcb_check_sev_info(ghcb_msr_sev_info_resp(2, 1, 52), &i), CB_TERM_CBIT_RANGE);
	assert_int_equal(ghcb_check_sev_info(ghcb_msr_sev_info_resp(2, 1, 11), &i), CB_TERM_CBIT_RANGE);
	assert_int_equal(ghcb_check_sev_info(ghcb_msr_sev_info_resp(2, 1, 47) + 1, &i), CB_TERM_MSR_RESPONSE);
	assert_int_equal(ghcb_check_sev_info(ghcb_msr_sev_info_resp(2, 1, 47) | 1u << 12, &i), CB_TERM_MSR_RESPONSE);
	assert_int_equal(ghcb_check_sev_info(0, &i), CB_TERM_MSR_RESPONSE);
}

static void msr_cpuid_checks(void **s)
{
	(void)s;
	uint32_t v;
	uint64_t q = ghcb_msr_cpuid_req(0x8000001f, GHCB_CPUID_EBX);
	assert_int_equal(ghcb_check_msr_cpuid(q, ghcb_msr_cpuid_resp(0x2f, GHCB_CPUID_EBX), &v), 0);
	assert_int_equal(v, 0x2f);
	/* [31:30] are not part of the response: 0 or another register there is no error */
	assert_int_equal(ghcb_check_msr_cpuid(q, ghcb_msr_cpuid_resp(0x2e, GHCB_CPUID_EAX), &v), 0);
	assert_int_equal(v, 0x2e);
	assert_int_equal(ghcb_check_msr_cpuid(q, ghcb_msr_cpuid_resp(0x2d, GHCB_CPUID_EDX), &v), 0);
	assert_int_equal(v, 0x2d);
	assert_int_equal(ghcb_check_msr_cpuid(q, ghcb_msr_cpuid_resp(0x2f, GHCB_CPUID_EBX) | 0x1000, &v), CB_TERM_MSR_RESPONSE);
	assert_int_equal(ghcb_check_msr_cpuid(q, q, &v), CB_TERM_MSR_RESPONSE);  /* request echoed */
}

static void gpa_and_other_responses(void **s)
{
	(void)s;
	uint64_t gfn, ft;
	bool woken;
	assert_int_equal(ghcb_check_reg_gpa(0x77, (0x77ull << 12) | 0x013), 0);
	assert_int_equal(ghcb_check_reg_gpa(0x77, (0x78ull << 12) | 0x013), CB_TERM_GHCB_REGISTER);
	assert_int_equal(ghcb_check_reg_gpa(0x77, (0x77ull << 12) | 0x012), CB_TERM_MSR_RESPONSE);
	assert_int_equal(ghcb_check_pref_gpa((GHCB_MSR_PREF_GPA_NONE << 12) | 0x011, &gfn), 0);
	assert_true(gfn == GHCB_MSR_PREF_GPA_NONE);
	assert_int_equal(ghcb_check_hv_features((3ull << 12) | 0x081, &ft), 0);
	assert_true(ft == (GHCB_HV_FT_SNP | GHCB_HV_FT_SNP_AP_CREATION));
	assert_int_equal(ghcb_check_hv_features(0x080, &ft), CB_TERM_MSR_RESPONSE);
	assert_int_equal(ghcb_check_psc(0x015), 0);
	assert_int_equal(ghcb_check_psc((1ull << 32) | 0x015), CB_TERM_GHCB_HV_ERROR);
	assert_int_equal(ghcb_check_ap_reset_hold(0x007, &woken), 0);
	assert_false(woken);
	assert_int_equal(ghcb_check_ap_reset_hold(0x1007, &woken), 0);
	assert_true(woken);
}

static void cbit_above_ram(void **s)
{
	(void)s;
	assert_int_equal(ghcb_check_cbit_above(47, 4ull << 30), 0);
	assert_int_equal(ghcb_check_cbit_above(30, 1ull << 30), CB_TERM_CBIT_RANGE);  /* 1 GiB RAM */
	assert_int_equal(ghcb_check_cbit_above(31, 1ull << 30), 0);
	assert_int_equal(ghcb_check_cbit_above(52, 0), CB_TERM_CBIT_RANGE);
}

static void result_checks(void **s)
{
	(void)s;
	struct ghcb_resp r = { 0 };
	assert_int_equal(ghcb_check_result(&r), 0);
	r.sw_exit_info_1 = 0xffffffff00000000ull;       /* only [31:0] counts */
	assert_int_equal(ghcb_check_result(&r), 0);
	r.sw_exit_info_1 = 2;
	assert_int_equal(ghcb_check_result(&r), CB_TERM_GHCB_HV_ERROR);
	r.sw_exit_info_1 = 1;
	assert_int_equal(ghcb_check_result(&r), CB_TERM_GHCB_BAD_RESULT);
	r.sw_exit_info_1 = 3;
	assert_int_equal(ghcb_check_result(&r), CB_TERM_GHCB_BAD_RESULT);
}

static void valid_bit_checks(void **s)
{
	(void)s;
	static const uint8_t bits[] = { GHCB_BIT_RAX, GHCB_BIT_RBX, GHCB_BIT_RCX, GHCB_BIT_RDX };
	struct ghcb_resp r = { 0 };
	for (unsigned i = 0; i < 4; i++)
		ghcb_bitmap_set(r.valid, bits[i]);
	assert_int_equal(ghcb_check_valid(&r, bits, 4), 0);
	r.valid[1] &= ~(1ull << (GHCB_BIT_RDX - 64));
	assert_int_equal(ghcb_check_valid(&r, bits, 4), CB_TERM_GHCB_MISSING_VALID);
	assert_int_equal(ghcb_check_valid(&r, bits, 3), 0);
}

static void resp_copy_reads_fields(void **s)
{
	(void)s;
	struct ghcb *g = aligned_alloc(4096, sizeof(*g));
	struct ghcb_resp r;
	memset(g, 0, sizeof(*g));
	g->rax = 1; g->rbx = 2; g->rcx = 3; g->rdx = 4;
	g->sw_exit_info_1 = 5; g->sw_exit_info_2 = 6;
	g->valid_bitmap[0] = 7; g->valid_bitmap[1] = 8;
	ghcb_resp_copy(g, &r);
	assert_true(r.rax == 1 && r.rbx == 2 && r.rcx == 3 && r.rdx == 4);
	assert_true(r.sw_exit_info_1 == 5 && r.sw_exit_info_2 == 6);
	assert_true(r.valid[0] == 7 && r.valid[1] == 8);
	free(g);
}

static void cpuid_sanity(void **s)
{
	(void)s;
	/* leaf 0: vendor and max leaf */
	assert_int_equal(ghcb_check_cpuid(0, 0, 0x10, 0x68747541, 0x444d4163, 0x69746e65), 0);
	assert_int_equal(ghcb_check_cpuid(0, 0, 0x10, 0x6f677948, 0x656e6975, 0x6e65476e), 0); /* Hygon */
	assert_int_equal(ghcb_check_cpuid(0, 0, 0x10, 0x756e6547, 0x6c65746e, 0x49656e69), CB_TERM_CPUID_GARBAGE);
	assert_int_equal(ghcb_check_cpuid(0, 0, 0x1000, 0x68747541, 0x444d4163, 0x69746e65), CB_TERM_CPUID_GARBAGE);
	/* any leaf: values beyond 32 bits */
	assert_int_equal(ghcb_check_cpuid(1, 0, 1ull << 32, 0, 0, 0), CB_TERM_CPUID_GARBAGE);
	assert_int_equal(ghcb_check_cpuid(1, 0, 0x00a00f11, 0, 0, 1ull << 40), CB_TERM_CPUID_GARBAGE);
	/* leaf 1: an SEV guest runs under a hypervisor (ECX[31]); PAE and MSR exist */
	assert_int_equal(ghcb_check_cpuid(1, 0, 0x00a00f11, 0x800, 0xfed8320b, 0x178bfbff), 0);
	assert_int_equal(ghcb_check_cpuid(1, 0, 0x00a00f11, 0x800, 0x7ed8320b, 0x178bfbff), CB_TERM_CPUID_GARBAGE);
	assert_int_equal(ghcb_check_cpuid(1, 0, 0x00a00f11, 0x800, 0xfed8320b, 0x178bfbbf), CB_TERM_CPUID_GARBAGE);
	assert_int_equal(ghcb_check_cpuid(1, 0, 0x00a00f11, 0x800, 0xfed8320b, 0x178bfbdf), CB_TERM_CPUID_GARBAGE);
	/* leaf 0 must offer leaf 1 */
	assert_int_equal(ghcb_check_cpuid(0, 0, 0, 0x68747541, 0x444d4163, 0x69746e65), CB_TERM_CPUID_GARBAGE);
	/* 0x8000_0001: long mode is running, so EDX[29] cannot be clear; NX and 1 GiB
	 * pages are not decided here */
	assert_int_equal(ghcb_check_cpuid(0x80000001, 0, 0, 0, 0, 0x2c100800), 0);
	assert_int_equal(ghcb_check_cpuid(0x80000001, 0, 0, 0, 0, 0x0c100800), CB_TERM_CPUID_GARBAGE);
	assert_int_equal(ghcb_check_cpuid(0x80000001, 0, 0, 0, 0, 0x20000000), 0);
	/* 0x8000_0000 */
	assert_int_equal(ghcb_check_cpuid(0x80000000, 0, 0x80000021, 0, 0, 0), 0);
	assert_int_equal(ghcb_check_cpuid(0x80000000, 0, 0x80000008, 0, 0, 0), CB_TERM_NO_SEV);
	assert_int_equal(ghcb_check_cpuid(0x80000000, 0, 0x12345678, 0, 0, 0), CB_TERM_CPUID_GARBAGE);
	assert_int_equal(ghcb_check_cpuid(0x80000000, 0, 0x80001000, 0, 0, 0), CB_TERM_CPUID_GARBAGE);
	/* 0x8000_001F */
	assert_int_equal(ghcb_check_cpuid(0x8000001f, 0, 0xb, 47 | 1 << 6, 0, 0), 0);
	assert_int_equal(ghcb_check_cpuid(0x8000001f, 0, 0x9, 47, 0, 0), CB_TERM_NO_SEV);
	assert_int_equal(ghcb_check_cpuid(0x8000001f, 0, 0xb, 5, 0, 0), CB_TERM_CPUID_GARBAGE);
	assert_int_equal(ghcb_check_cpuid(0x8000001f, 0, 0xb, 63, 0, 0), CB_TERM_CPUID_GARBAGE);
}

static void indexed_leaves(void **s)
{
	(void)s;
	assert_true(ghcb_cpuid_leaf_indexed(7));
	assert_true(ghcb_cpuid_leaf_indexed(0xd));
	assert_true(ghcb_cpuid_leaf_indexed(0x8000001d));
	assert_false(ghcb_cpuid_leaf_indexed(1));
	assert_false(ghcb_cpuid_leaf_indexed(0x8000001f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sev_info_checks),
		cmocka_unit_test(msr_cpuid_checks),
		cmocka_unit_test(gpa_and_other_responses),
		cmocka_unit_test(cbit_above_ram),
		cmocka_unit_test(result_checks),
		cmocka_unit_test(valid_bit_checks),
		cmocka_unit_test(resp_copy_reads_fields),
		cmocka_unit_test(cpuid_sanity),
		cmocka_unit_test(indexed_leaves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
