/* SOURCES: sim/fw/launch_digest.c */
/*
 * Claims about the SNP launch digest of sevsim and tools/cocoboot-measure
 * (sim/fw/launch_digest.c, docs/abi.md §9.4):
 *  - its SHA-384 is OpenSSL's and gives the FIPS 180-4 example digest of "abc";
 *  - one PAGE_INFO step equals SHA-384 over the 0x70 bytes the SNP firmware ABI (56860
 *    §8.17.2) lays out, built here byte by byte at the table's offsets;
 *  - a launch of a normal page, a CPUID page, a secrets page and a VMSA gives the digest an
 *    independent implementation (Python hashlib, following sev-snp-measure's gctx.py) gives;
 *  - --cpu-sig (the reset-state EDX): FAMILY/MODEL/STEPPING encodes as CPUID Fn0000_0001 EAX
 *    (AMD 25481) for QEMU's EPYC models, a raw value passes as it is, and malformed or
 *    unencodable input is refused with a reason; the reset-state VMSA carries it in RDX, the
 *    others do not.
 */
#include "tests/unit/unit.h"

#include <openssl/evp.h>

#include "sim/fw/launch_digest.h"

static void hexs(const uint8_t *d, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void sha384_is_the_fips_180_4_one(void **s)
{
	uint8_t d[48];
	char h[97];

	(void)s;
	EVP_Digest("abc", 3, d, NULL, EVP_sha384(), NULL);
	hexs(d, 48, h);
	assert_string_equal(h, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
			       "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
}

static void one_step_hashes_the_page_info_of_the_abi(void **s)
{
	static uint8_t page[4096];
	uint8_t pi[0x70], want[48];
	struct ld_snp d;

	(void)s;
	for (unsigned i = 0; i < sizeof(page); i++)
		page[i] = (uint8_t)(i * 7);
	ld_snp_begin(&d);
	ld_snp_page(&d, SIM_SNP_PAGE_NORMAL, 0x123000, page);
	memset(pi, 0, sizeof(pi));                          /* 0x00 DIGEST_CUR: zero */
	EVP_Digest(page, sizeof(page), pi + 0x30, NULL, EVP_sha384(), NULL); /* CONTENTS */
	pi[0x60] = 0x70;                                    /* LENGTH */
	pi[0x62] = 1;                                       /* PAGE_TYPE normal */
	pi[0x69] = 0x30;                                    /* GPA 0x123000, little endian */
	pi[0x6a] = 0x12;
	EVP_Digest(pi, sizeof(pi), want, NULL, EVP_sha384(), NULL);
	assert_memory_equal(d.ld, want, 48);
	assert_int_equal(d.pages, 1);
}

static void a_small_launch_gives_the_independent_digest(void **s)
{
	static uint8_t page[4096], vmsa[4096];
	struct ld_snp d;
	char h[97];

	(void)s;
	for (unsigned i = 0; i < sizeof(page); i++)
		page[i] = (uint8_t)i;
	ld_snp_begin(&d);
	ld_snp_page(&d, SIM_SNP_PAGE_NORMAL, 0x100000, page);
	ld_snp_hex(&d, h);
	assert_string_equal(h, "fcd01075a27fb4ad66ad0375d1910f07e220325f9329fb18"
			       "61839b569b9d15ca877eafd18e0f8023fba22e173c42b4d1");
	ld_snp_page(&d, SIM_SNP_PAGE_CPUID, 0x101000, NULL);
	ld_snp_page(&d, SIM_SNP_PAGE_SECRETS, 0x102000, NULL);
	ld_snp_page(&d, SIM_SNP_PAGE_VMSA, SIM_SNP_VMSA_GPA, vmsa);
	ld_snp_hex(&d, h);
	assert_string_equal(h, "cb0ad314b85e409cebccd1fc02717096da732865d99c39e6"
			       "befa9d4f4dcaf2331564bb775cf5adef1b9f47f7f099a3a3");
	assert_int_equal(d.pages, 4);
	assert_int_equal(d.vmsas, 1);
}

static void cpu_sig_encodes_family_model_stepping(void **s)
{
	static const struct { const char *in; uint32_t sig; } ok[] = {
		{ "23/1/2", 0x800f12 }, { "23/49/0", 0x830f10 }, { "25/1/1", 0xa00f11 },
		{ "25/17/0", 0xa10f10 }, { "26/0/0", 0xb00f00 }, { "6/6/3", 0x663 },
		{ "0xA00F11", 0xa00f11 }, { "1536", 0x600 },
	};
	static const char *const bad[] = { "", "25/1", "25/1/16", "14/16/0", "271/0/0", "x",
					   "0x10000000", "25/1/1/1", "25/1/1x" };
	const char *why = NULL;
	uint32_t sig;

	(void)s;
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(ld_cpu_sig_parse(ok[i].in, &sig, &why), 0);
		assert_int_equal(sig, ok[i].sig);
	}
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(ld_cpu_sig_parse(bad[i], &sig, &why), -1);
		assert_non_null(why);
	}
}

static void only_a_reset_state_ap_has_the_signature_in_rdx(void **s)
{
	static uint8_t page[4096];
	struct ld_vcpus c = { .nr = 2, .entry = 0x100000, .start_info = 0x200000,
			      .cpu_sig = 0xa00f11 };
	uint64_t rdx;

	(void)s;
	ld_vmsa(page, 1, &c);
	memcpy(&rdx, page + SIM_VMSA_RDX, 8);
	assert_int_equal(rdx, 0xa00f11);
	c.bringup = true;
	ld_vmsa(page, 1, &c);
	memcpy(&rdx, page + SIM_VMSA_RDX, 8);
	assert_int_equal(rdx, 0);
	ld_vmsa(page, 0, &c);
	memcpy(&rdx, page + SIM_VMSA_RDX, 8);
	assert_int_equal(rdx, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha384_is_the_fips_180_4_one),
		cmocka_unit_test(one_step_hashes_the_page_info_of_the_abi),
		cmocka_unit_test(a_small_launch_gives_the_independent_digest),
		cmocka_unit_test(cpu_sig_encodes_family_model_stepping),
		cmocka_unit_test(only_a_reset_state_ap_has_the_signature_in_rdx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
