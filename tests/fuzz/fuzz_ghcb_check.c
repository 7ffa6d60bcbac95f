/* SOURCES: ghcb/check.c */
/*
 * libFuzzer: the checks on hypervisor answers (ghcb/check.c) and the MSR-protocol field
 * decoders they rest on (include/sev/msr_protocol.h). The input is a list of 8-byte
 * words: a selector, then the answer (and request) words. Claims, for every answer:
 *  - each check returns 0 or a known termination code (include/sev/term.h);
 *  - an accepted MSR-protocol answer carries the response code of its request and zero
 *    reserved fields, and what the check hands back is what the field decoders read;
 *  - an accepted SEV-info answer has a C-bit in GHCB_CBIT_MIN..MAX and a negotiated
 *    version inside both the hypervisor's range and cocoboot's;
 *  - an accepted GHCB page answer has sw_exit_info_1[31:0] = 0 and every valid bit asked;
 *  - an accepted CPUID answer has 32-bit registers; leaf 0 names AMD or Hygon, leaf
 *    0x8000001F says SEV with a usable C-bit;
 *  - the request encoders and decoders are inverse on their fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ghcb/check.h"
#include "sev/msr_protocol.h"
#include "sev/term.h"
#include "tests/fuzz/fuzz_ghcb.h"
#include "tests/fuzz/fuzz_input.h"

static struct fz_input in;

static uint64_t word(void)
{
	return fz_take(&in, 8);
}

static void known(int err)
{
	if (err < 0 || (err && !cb_term_name((unsigned)err)))
		abort();
}

static void sev_info(uint64_t resp)
{
	struct ghcb_sev_info si;
	int err = ghcb_check_sev_info(resp, &si);

	known(err);
	if (err)
		return;
	if (ghcb_msr_code(resp) != GHCB_MSR_SEV_INFO_RESP || ((resp >> 12) & 0xfff))
		abort();
	if (si.cbit != ghcb_msr_sev_info_cbit(resp) || si.hv_max != ghcb_msr_sev_info_max(resp) ||
	    si.hv_min != ghcb_msr_sev_info_min(resp))
		abort();
	if (si.cbit < GHCB_CBIT_MIN || si.cbit > GHCB_CBIT_MAX)
		abort();
	if (si.version < GHCB_PROTOCOL_MIN || si.version > GHCB_PROTOCOL_MAX ||
	    si.version < si.hv_min || si.version > si.hv_max)
		abort();
	/* the encoder gives back the same word */
	if (ghcb_msr_sev_info_resp(si.hv_max, si.hv_min, si.cbit) != resp)
		abort();
}

static void msr_cpuid(uint64_t leaf_reg, uint64_t resp)
{
	uint32_t leaf = (uint32_t)leaf_reg;
	unsigned reg = (unsigned)(leaf_reg >> 32) & 3u;
	uint64_t req = ghcb_msr_cpuid_req(leaf, reg);
	uint32_t value = 0xdeadbeef;

	if (ghcb_msr_cpuid_req_leaf(req) != leaf || ghcb_msr_cpuid_req_reg(req) != reg ||
	    ghcb_msr_code(req) != GHCB_MSR_CPUID_REQ)
		abort();
	int err = ghcb_check_msr_cpuid(req, resp, &value);

	known(err);
	if (err)
		return;
	if (ghcb_msr_code(resp) != GHCB_MSR_CPUID_RESP || !ghcb_msr_cpuid_resp_reserved_ok(resp) ||
	    ((resp >> 12) & 0x3ffff) || value != ghcb_msr_cpuid_resp_value(resp) ||
	    value != (uint32_t)(resp >> 32))
		abort();
}

static void reg_gpa(uint64_t gfn, uint64_t resp)
{
	gfn &= (1ull << 40) - 1;
	uint64_t req = ghcb_msr_reg_gpa_req(gfn);

	if (ghcb_msr_gfn(req) != gfn || ghcb_msr_code(req) != GHCB_MSR_REG_GPA_REQ)
		abort();
	int err = ghcb_check_reg_gpa(gfn, resp);

	known(err);
	if (!err && (ghcb_msr_code(resp) != GHCB_MSR_REG_GPA_RESP || ghcb_msr_gfn(resp) != gfn))
		abort();
}

static void simple_msr(uint64_t resp)
{
	uint64_t gfn, ft;
	bool woken;
	int err;

	known(err = ghcb_check_pref_gpa(resp, &gfn));
	if (!err && (ghcb_msr_code(resp) != GHCB_MSR_PREF_GPA_RESP || gfn != resp >> 12))
		abort();
	known(err = ghcb_check_hv_features(resp, &ft));
	if (!err && (ghcb_msr_code(resp) != GHCB_MSR_HV_FT_RESP || ft != resp >> 12))
		abort();
	known(err = ghcb_check_psc(resp));
	if (!err && (ghcb_msr_code(resp) != GHCB_MSR_PSC_RESP || (resp >> 32)))
		abort();
	known(err = ghcb_check_ap_reset_hold(resp, &woken));
	if (!err && (ghcb_msr_code(resp) != GHCB_MSR_AP_RESET_HOLD_RESP || woken != (resp >> 12 != 0)))
		abort();
}

static void encoders(uint64_t a, uint64_t b)
{
	uint64_t gfn = a & 0xffffffffffull;
	unsigned op = (unsigned)b & 0xf, set = (unsigned)(b >> 8) & 0xf, code = (unsigned)(b >> 16) & 0xff;
	uint64_t psc = ghcb_msr_psc_req(gfn, op), term = ghcb_msr_term_req(set, code);

	if (ghcb_msr_psc_req_gfn(psc) != gfn || ghcb_msr_psc_req_op(psc) != op ||
	    ghcb_msr_code(psc) != GHCB_MSR_PSC_REQ)
		abort();
	if (ghcb_msr_term_set(term) != set || ghcb_msr_term_code(term) != code ||
	    ghcb_msr_code(term) != GHCB_MSR_TERM_REQ)
		abort();
	unsigned v = ghcb_negotiate_version((unsigned)a & 0xffff, (unsigned)(a >> 16) & 0xffff);
	if (v && (v < GHCB_PROTOCOL_MIN || v > GHCB_PROTOCOL_MAX))
		abort();
	unsigned cbit = (unsigned)b & 0x3f;
	int err = ghcb_check_cbit_above(cbit, a);

	known(err);
	if (!err && (cbit < GHCB_CBIT_MIN || cbit > GHCB_CBIT_MAX || (1ull << cbit) <= a))
		abort();
}

static void ghcb_answer(uint64_t sel)
{
	static struct ghcb page;
	struct ghcb_resp r;
	uint8_t bits[8];
	unsigned n = (unsigned)(sel >> 8) & 7;

	fz_ghcb_answer(&in, &page);
	ghcb_resp_copy(&page, &r);
	if (memcmp(r.valid, (const void *)page.valid_bitmap, sizeof(r.valid)) ||
	    r.sw_exit_info_1 != page.sw_exit_info_1 || r.rdx != page.rdx)
		abort();
	int err = ghcb_check_result(&r);

	known(err);
	if (!err && (uint32_t)r.sw_exit_info_1 != GHCB_RESULT_OK)
		abort();
	for (unsigned i = 0; i < n; i++)
		bits[i] = (uint8_t)(sel >> (16 + 6 * i)) & 0x7f; /* bits 0..127 of the bitmap */
	known(err = ghcb_check_valid(&r, bits, n));
	for (unsigned i = 0; !err && i < n; i++)
		if (!ghcb_bitmap_test(r.valid, bits[i]))
			abort();
}

static void cpuid_answer(uint64_t sel)
{
	static const uint32_t leaves[4] = { 0x0, 0x80000000u, 0x8000001fu, 0 };
	uint32_t leaf = leaves[(sel >> 8) & 3];
	uint64_t a = word(), b = word(), c = word(), d = word();

	if (((sel >> 8) & 3) == 3)
		leaf = (uint32_t)(sel >> 32);
	int err = ghcb_check_cpuid(leaf, (uint32_t)(sel >> 16), a, b, c, d);

	known(err);
	if (err)
		return;
	if ((a | b | c | d) >> 32)
		abort();
	if (leaf == 0 && !(b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163) &&
	    !(b == 0x6f677948 && d == 0x6e65476e && c == 0x656e6975))
		abort(); /* AuthenticAMD / HygonGenuine */
	if (leaf == 0x8000001fu && (!(a & 2) || (b & 0x3f) < GHCB_CBIT_MIN || (b & 0x3f) > GHCB_CBIT_MAX))
		abort();
	if (leaf == 0x80000000u && (a < 0x8000001fu || a > 0x800000ffu))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = (struct fz_input){ data, size };
	while (in.n) {
		uint64_t sel = word();

		switch (sel & 7) {
		case 0: sev_info(word()); break;
		case 1: { uint64_t lr = word(); msr_cpuid(lr, word()); break; }
		case 2: { uint64_t g = word(); reg_gpa(g, word()); break; }
		case 3: simple_msr(word()); break;
		case 4: { uint64_t a = word(); encoders(a, word()); break; }
		case 5: ghcb_answer(sel); break;
		case 6: cpuid_answer(sel); break;
		default: (void)ghcb_cpuid_leaf_indexed((uint32_t)(sel >> 32)); break;
		}
	}
	return 0;
}
