/* SOURCES: */
/*
 * Claims about the GHCB MSR-protocol encodings (include/sev/msr_protocol.h, facts §2) and the
 * termination encodings (include/sev/term.h, exit_codes.h; facts §2.1, §4.3): each request
 * and response field lands in the bits the facts file gives, and decodes back.
 */
#include "unit.h"

#include "sev/exit_codes.h"
#include "sev/ghcb.h"
#include "sev/msr_protocol.h"
#include "sev/term.h"

static void msr_numbers(void **s)
{
	(void)s;
	assert_true(MSR_SEV_GHCB == 0xc0010130u);
	assert_true(MSR_SEV_STATUS == 0xc0010131u);
	assert_true(SEV_STATUS_SEV == 1 && SEV_STATUS_SEV_ES == 2 && SEV_STATUS_SNP == 4);
	assert_true(SEV_STATUS_SECURE_AVIC == 1ull << 18);
}

static void sev_info(void **s)
{
	(void)s;
	assert_int_equal(ghcb_msr_sev_info_req(), 0x002);
	uint64_t v = ghcb_msr_sev_info_resp(2, 1, 51);
	assert_true(v == 0x0002000133000001ull);   /* [63:48]=2 [47:32]=1 [31:24]=51 code 1 */
	assert_int_equal(ghcb_msr_code(v), GHCB_MSR_SEV_INFO_RESP);
	assert_int_equal(ghcb_msr_sev_info_max(v), 2);
	assert_int_equal(ghcb_msr_sev_info_min(v), 1);
	assert_int_equal(ghcb_msr_sev_info_cbit(v), 51);
}

static void cpuid_req_resp(void **s)
{
	(void)s;
	uint64_t q = ghcb_msr_cpuid_req(0x8000001f, GHCB_CPUID_EBX);
	assert_true(q == 0x8000001f40000004ull);  /* leaf [63:32], reg 1 in [31:30], code 4 */
	assert_true(ghcb_msr_cpuid_req_leaf(q) == 0x8000001f);
	assert_int_equal(ghcb_msr_cpuid_req_reg(q), GHCB_CPUID_EBX);
	assert_true(ghcb_msr_cpuid_req(1, GHCB_CPUID_EDX) == 0x00000001c0000004ull);
	uint64_t r = ghcb_msr_cpuid_resp(0xdeadbeef, GHCB_CPUID_EDX);
	assert_int_equal(ghcb_msr_code(r), GHCB_MSR_CPUID_RESP);
	assert_true(ghcb_msr_cpuid_resp_value(r) == 0xdeadbeef);
	assert_true(ghcb_msr_cpuid_resp_reserved_ok(r));
	assert_false(ghcb_msr_cpuid_resp_reserved_ok(r | 1u << 12));
	assert_false(ghcb_msr_cpuid_resp_reserved_ok(r | 1u << 29));
}

static void gpa_psc_vmpl_hvft_hold(void **s)
{
	(void)s;
	assert_true(ghcb_msr_reg_gpa_req(0x12345) == 0x12345012ull);
	assert_true(ghcb_msr_gfn(0x12345013ull) == 0x12345);
	assert_int_equal(ghcb_msr_pref_gpa_req(), 0x010);
	uint64_t p = ghcb_msr_psc_req(0xabcde, GHCB_PSC_OP_SHARED);
	assert_true(p == ((0xabcdeull << 12) | (2ull << 52) | 0x014));
	assert_true(ghcb_msr_psc_req_gfn(p) == 0xabcde);
	assert_int_equal(ghcb_msr_psc_req_op(p), 2);
	assert_true(ghcb_msr_psc_req(1ull << 41, 1) == ((1ull << 52) | 0x014)); /* GFN is 40 bits */
	assert_true(ghcb_msr_psc_resp_error(0x0000000700000015ull) == 7);
	assert_true(ghcb_msr_vmpl_req(3) == ((3ull << 32) | 0x016));            /* [39:32] */
	assert_int_equal(ghcb_msr_hv_ft_req(), 0x080);
	assert_true(ghcb_msr_hv_ft_bitmap((0x23ull << 12) | 0x081) == 0x23);
	assert_int_equal(ghcb_msr_ap_reset_hold_req(), 0x006);
	assert_true(ghcb_msr_ap_reset_hold_result((5ull << 12) | 0x007) == 5);
}

static void termination(void **s)
{
	(void)s;
	uint64_t t = ghcb_msr_term_req(CB_TERM_SET, CB_TERM_CPUID_GARBAGE);
	assert_true(t == ((0xcull << 12) | (0x0aull << 16) | 0x100));       /* [15:12], [23:16] */
	assert_int_equal(ghcb_msr_term_set(t), CB_TERM_SET);
	assert_int_equal(ghcb_msr_term_code(t), CB_TERM_CPUID_GARBAGE);
	assert_true(ghcb_msr_term_req(SEV_TERM_SET_GEN, SEV_TERM_GEN_PROTOCOL) == 0x10100);
	/* NAE form: sw_exit_info_1 = set[3:0] | code[11:4] (facts §2.1) */
	assert_true(svm_vmgexit_term_info(CB_TERM_SET, 0x31) == 0x31c);
	assert_true(CB_TERM_SET != SEV_TERM_SET_GEN && CB_TERM_SET != SEV_TERM_SET_LINUX);
}

static void term_codes_distinct_and_named(void **s)
{
	(void)s;
	unsigned named = 0;
	const char *seen[256] = { 0 };
	for (unsigned c = 0; c < 256; c++) {
		const char *n = cb_term_name(c);
		if (!n)
			continue;
		named++;
		for (unsigned d = 0; d < c; d++)
			if (seen[d])
				assert_string_not_equal(seen[d], n);
		seen[c] = n;
	}
	/* every code of include/sev/term.h has a name (a removed name would drop the count;
	 * subsystems add codes, so this is a floor: 53 = the SEV, boot, SMP, Secure AVIC and
	 * SNP codes) */
	assert_true(named >= 53);
	assert_non_null(cb_term_name(CB_TERM_SMP_TIMEOUT));
	assert_non_null(cb_term_name(CB_TERM_SMP_AP_ERROR));
	assert_non_null(cb_term_name(CB_TERM_SAVIC_NO_X2APIC));
	assert_non_null(cb_term_name(CB_TERM_SAVIC_IRQ));
	assert_non_null(cb_term_name(CB_TERM_SNP_PSC));
	assert_non_null(cb_term_name(CB_TERM_SNP_NOT_VALIDATED));
	assert_null(cb_term_name(0));
	/* the boot's own reasons keep their numbers (boot/boot.h enum boot_reason) */
	assert_int_equal(CB_TERM_START_INFO, 0x10);
	assert_int_equal(CB_TERM_CRASH, 0x20);
	assert_int_equal(CB_TERM_HASHES_TABLE, 0x18); /* measured boot, docs/abi.md §9.3 */
	assert_int_equal(CB_TERM_HASH_CMDLINE, 0x1c);
}

static void version_negotiation(void **s)
{
	(void)s;
	assert_int_equal(ghcb_negotiate_version(1, 2), 2);
	assert_int_equal(ghcb_negotiate_version(1, 1), 1);
	assert_int_equal(ghcb_negotiate_version(2, 5), 2);
	assert_int_equal(ghcb_negotiate_version(3, 5), 0);   /* hv min above ours */
	assert_int_equal(ghcb_negotiate_version(0, 0), 0);   /* hv max below ours */
	assert_int_equal(ghcb_negotiate_version(2, 1), 0);   /* inconsistent range */
	assert_int_equal(GHCB_PROTOCOL_MIN, 1);
	assert_int_equal(GHCB_PROTOCOL_MAX, 2);
}

static void exit_codes_and_ioio(void **s)
{
	(void)s;
	assert_int_equal(SVM_EXIT_CPUID, 0x72);
	assert_int_equal(SVM_EXIT_IOIO, 0x7b);
	assert_int_equal(SVM_EXIT_MSR, 0x7c);
	assert_int_equal(SVM_EXIT_RDTSC, 0x6e);
	assert_int_equal(SVM_EXIT_RDTSCP, 0x87);
	assert_int_equal(SVM_EXIT_VMMCALL, 0x81);
	assert_int_equal(SVM_EXIT_WBINVD, 0x89);
	assert_int_equal(SVM_EXIT_READ_DR7, 0x27);
	assert_int_equal(SVM_EXIT_WRITE_DR7, 0x37);
	assert_int_equal(SVM_EXIT_MONITOR, 0x8a);
	assert_int_equal(SVM_EXIT_MWAIT, 0x8b);
	assert_int_equal(SVM_EXIT_NPF, 0x400);
	assert_true(SVM_VMGEXIT_MMIO_READ == 0x80000001u && SVM_VMGEXIT_TERM_REQUEST == 0x8000fffeu);
	uint64_t e = (0x3f8u << 16) | SVM_IOIO_TYPE_IN | SVM_IOIO_SZ16 | SVM_IOIO_A64;
	assert_int_equal(svm_ioio_port(e), 0x3f8);
	assert_int_equal(svm_ioio_size(e), 2);
	assert_int_equal(svm_ioio_size(SVM_IOIO_SZ8 | SVM_IOIO_SZ32), 0);
	assert_int_equal(SVM_IOIO_SEG_DS, 3u << 10);
}

static void ghcb_layout_helpers(void **s)
{
	(void)s;
	uint64_t bm[2] = { 0, 0 };
	ghcb_bitmap_set(bm, GHCB_BIT_RAX);
	ghcb_bitmap_set(bm, GHCB_BIT_SW_EXIT_CODE);
	assert_true(bm[0] == 1ull << 63);
	assert_true(bm[1] == 1ull << (114 - 64));
	assert_true(ghcb_bitmap_test(bm, GHCB_BIT_RAX));
	assert_false(ghcb_bitmap_test(bm, GHCB_BIT_RBX));
	assert_int_equal(sizeof(struct ghcb), 4096);
	assert_int_equal(GHCB_VALID_BIT(cpl), 25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msr_numbers),
		cmocka_unit_test(sev_info),
		cmocka_unit_test(cpuid_req_resp),
		cmocka_unit_test(gpa_psc_vmpl_hvft_hold),
		cmocka_unit_test(termination),
		cmocka_unit_test(term_codes_distinct_and_named),
		cmocka_unit_test(version_negotiation),
		cmocka_unit_test(exit_codes_and_ioio),
		cmocka_unit_test(ghcb_layout_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
