/* SOURCES: */
/*
 * Golden encodings of the GHCB protocol, checked against BOTH readings of the spec in this
 * tree: the guest's headers (include/sev/) and sevsim's own table (sim/hv/spec.h), which
 * were written separately. Each literal below is the little-endian byte image of a value
 * as it sits in the GHCB MSR or the GHCB page, written out by hand from the layout the GHCB
 * specification (AMD 56421) defines, as /work/shared/docs/amd-sev-facts.md records it
 * (section in each comment); a header that disagrees with the spec fails here even when
 * the guest and sevsim agree with each other.
 */
#include "unit.h"

#include "sev/exit_codes.h"
#include "sev/ghcb.h"
#include "sev/msr_protocol.h"
#include "sim/hv/spec.h"

/* the 8 bytes of v as stored (x86: little endian) equal the golden bytes g */
static void bytes_eq(uint64_t v, const uint8_t g[8])
{
	uint8_t b[8];

	memcpy(b, &v, 8);
	assert_memory_equal(b, g, 8);
}

#define GOLD(...) ((const uint8_t[8]){ __VA_ARGS__ })

/* §2: MSR protocol requests and responses */
static void msr_protocol(void **st)
{
	const uint8_t *g;
	(void)st;

	g = GOLD(0x02, 0, 0, 0, 0, 0, 0, 0);                   /* SEV information request */
	bytes_eq(ghcb_msr_sev_info_req(), g);
	bytes_eq(SIM_MSRP_SEV_INFO_REQ, g);

	g = GOLD(0x01, 0x00, 0x00, 0x33, 0x01, 0x00, 0x02, 0x00); /* info: max 2, min 1, C-bit 51 */
	bytes_eq(ghcb_msr_sev_info_resp(2, 1, 51), g);
	bytes_eq(sim_msrp_sev_info(2, 1, 51), g);

	g = GOLD(0x04, 0x00, 0x00, 0x40, 0x1f, 0x00, 0x00, 0x80); /* CPUID 0x8000001F, EBX */
	bytes_eq(ghcb_msr_cpuid_req(0x8000001f, GHCB_CPUID_EBX), g);
	{
		uint64_t q;
		memcpy(&q, g, 8);
		assert_true(sim_msrp_cpuid_leaf(q) == 0x8000001fu && sim_msrp_cpuid_reg(q) == 1);
	}
	g = GOLD(0x05, 0x00, 0x00, 0x40, 0x73, 0x01, 0x00, 0x00); /* CPUID response EBX = 0x173 */
	bytes_eq(ghcb_msr_cpuid_resp(0x173, GHCB_CPUID_EBX), g);
	bytes_eq(sim_msrp_cpuid_resp(0x173, 1), g);

	g = GOLD(0x11, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff); /* preferred GPA: none */
	bytes_eq((GHCB_MSR_PREF_GPA_NONE << 12) | GHCB_MSR_PREF_GPA_RESP, g);
	bytes_eq(sim_msrp_with_data(SIM_MSRP_PREF_GPA_NONE, SIM_MSRP_PREF_GPA_RESP), g);

	g = GOLD(0x12, 0x00, 0x40, 0x00, 0, 0, 0, 0);          /* register GHCB GFN 0x400 */
	bytes_eq(ghcb_msr_reg_gpa_req(0x400), g);
	bytes_eq(sim_msrp_with_data(0x400, SIM_MSRP_REG_GPA_REQ), g);
	g = GOLD(0x13, 0x00, 0x40, 0x00, 0, 0, 0, 0);          /* ... and its answer */
	{
		uint64_t q;
		memcpy(&q, g, 8);
		assert_true(ghcb_msr_gfn(q) == 0x400 && sim_msrp_gfn(q) == 0x400);
		assert_int_equal(ghcb_msr_code(q), GHCB_MSR_REG_GPA_RESP);
		assert_int_equal(sim_msrp_code(q), SIM_MSRP_REG_GPA_RESP);
	}

	g = GOLD(0x14, 0x40, 0x23, 0x01, 0x00, 0x00, 0x20, 0x00); /* PSC: GFN 0x1234 -> shared */
	bytes_eq(ghcb_msr_psc_req(0x1234, GHCB_PSC_OP_SHARED), g);
	{
		uint64_t q;
		memcpy(&q, g, 8);
		assert_true(sim_msrp_psc_gfn(q) == 0x1234 && sim_msrp_psc_op(q) == SIM_PSC_OP_SHARED);
	}
	g = GOLD(0x15, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00); /* PSC answer, error 1 */
	bytes_eq(sim_msrp_error(1, SIM_MSRP_PSC_RESP), g);
	{
		uint64_t q;
		memcpy(&q, g, 8);
		assert_int_equal(ghcb_msr_psc_resp_error(q), 1);
	}

	g = GOLD(0x80, 0, 0, 0, 0, 0, 0, 0);                   /* HV features request (v2) */
	bytes_eq(ghcb_msr_hv_ft_req(), g);
	bytes_eq(SIM_MSRP_HV_FT_REQ, g);
	g = GOLD(0x81, 0x10, 0, 0, 0, 0, 0, 0);                /* ... answer: SNP (bit 0) */
	bytes_eq(sim_msrp_with_data(SIM_HV_FT_SNP, SIM_MSRP_HV_FT_RESP), g);
	{
		uint64_t q;
		memcpy(&q, g, 8);
		assert_true(ghcb_msr_hv_ft_bitmap(q) == GHCB_HV_FT_SNP);
	}

	g = GOLD(0x16, 0x00, 0x00, 0x00, 0x00, 0, 0, 0);       /* run at VMPL 0 */
	bytes_eq(ghcb_msr_vmpl_req(0), g);
	bytes_eq(SIM_MSRP_VMPL_REQ, g);
}

/* §2.1, §4.3: termination, MSR form and NAE form */
static void termination(void **st)
{
	const uint8_t *g;
	(void)st;

	g = GOLD(0x00, 0xc1, 0x20, 0x00, 0, 0, 0, 0);          /* MSR 0x100: set 0xC, code 0x20 */
	bytes_eq(ghcb_msr_term_req(0xc, 0x20), g);
	{
		uint64_t q;
		memcpy(&q, g, 8);
		assert_int_equal(sim_msrp_code(q), SIM_MSRP_TERM_REQ);
		assert_int_equal(sim_msrp_term_set(q), 0xc);
		assert_int_equal(sim_msrp_term_code(q), 0x20);
	}
	g = GOLD(0x0c, 0x02, 0, 0, 0, 0, 0, 0);                /* NAE exit_info_1: set 0xC code 0x20 */
	bytes_eq(svm_vmgexit_term_info(0xc, 0x20), g);
	{
		uint64_t q;
		memcpy(&q, g, 8);
		assert_int_equal(sim_nae_term_set(q), 0xc);
		assert_int_equal(sim_nae_term_code(q), 0x20);
	}
	g = GOLD(0xfe, 0xff, 0x00, 0x80, 0, 0, 0, 0);          /* its exit code 0x8000FFFE */
	bytes_eq(SVM_VMGEXIT_TERM_REQUEST, g);
	bytes_eq(SIM_NAE_TERM_REQUEST, g);
}

/* §4.1, §4.3: exit codes, as they sit in sw_exit_code */
static void exit_codes(void **st)
{
	static const struct { uint64_t guest, sim; uint8_t g[8]; } t[] = {
		{ SVM_EXIT_READ_DR7, SIM_EXIT_READ_DR7,   { 0x27 } },
		{ SVM_EXIT_WRITE_DR7, SIM_EXIT_WRITE_DR7, { 0x37 } },
		{ SVM_EXIT_RDTSC, SIM_EXIT_RDTSC,         { 0x6e } },
		{ SVM_EXIT_RDPMC, SIM_EXIT_RDPMC,         { 0x6f } },
		{ SVM_EXIT_CPUID, SIM_EXIT_CPUID,         { 0x72 } },
		{ SVM_EXIT_INVD, SIM_EXIT_INVD,           { 0x76 } },
		{ SVM_EXIT_IOIO, SIM_EXIT_IOIO,           { 0x7b } },
		{ SVM_EXIT_MSR, SIM_EXIT_MSR,             { 0x7c } },
		{ SVM_EXIT_VMMCALL, SIM_EXIT_VMMCALL,     { 0x81 } },
		{ SVM_EXIT_RDTSCP, SIM_EXIT_RDTSCP,       { 0x87 } },
		{ SVM_EXIT_WBINVD, SIM_EXIT_WBINVD,       { 0x89 } },
		{ SVM_EXIT_MONITOR, SIM_EXIT_MONITOR,     { 0x8a } },
		{ SVM_EXIT_MWAIT, SIM_EXIT_MWAIT,         { 0x8b } },
		{ SVM_EXIT_NPF, SIM_EXIT_NPF,             { 0x00, 0x04 } },
		{ SVM_VMGEXIT_MMIO_READ, SIM_NAE_MMIO_READ,       { 0x01, 0, 0, 0x80 } },
		{ SVM_VMGEXIT_MMIO_WRITE, SIM_NAE_MMIO_WRITE,     { 0x02, 0, 0, 0x80 } },
		{ SVM_VMGEXIT_NMI_COMPLETE, SIM_NAE_NMI_COMPLETE, { 0x03, 0, 0, 0x80 } },
		{ SVM_VMGEXIT_AP_HLT_LOOP, SIM_NAE_AP_HLT_LOOP,   { 0x04, 0, 0, 0x80 } },
		{ SVM_VMGEXIT_AP_JUMP_TABLE, SIM_NAE_AP_JUMP_TABLE, { 0x05, 0, 0, 0x80 } },
		{ SVM_VMGEXIT_PSC, SIM_NAE_PSC,                   { 0x10, 0, 0, 0x80 } },
		{ SVM_VMGEXIT_HV_FEATURES, SIM_NAE_HV_FEATURES,   { 0xfd, 0xff, 0, 0x80 } },
		{ SVM_VMGEXIT_UNSUPPORTED_EVENT, SIM_NAE_UNSUPPORTED, { 0xff, 0xff, 0, 0x80 } },
	};
	(void)st;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bytes_eq(t[i].guest, t[i].g);
		bytes_eq(t[i].sim, t[i].g);
	}
}

/* §4.2: IOIO exit_info_1 for "out dx, al" to 0xE9 and "rep outsb" to 0xE9 */
static void ioio(void **st)
{
	const uint8_t *g;
	(void)st;

	g = GOLD(0x10, 0x00, 0xe9, 0x00, 0, 0, 0, 0);          /* OUT, 8-bit, port 0xE9 */
	bytes_eq((0xe9u << SVM_IOIO_PORT_SHIFT) | SVM_IOIO_SZ8, g);
	bytes_eq((0xe9u << 16) | SIM_IOIO_SZ8, g);
	g = GOLD(0x1c, 0x0e, 0xe9, 0x00, 0, 0, 0, 0);          /* REP OUTSB, a64, DS, port 0xE9 */
	bytes_eq((0xe9u << SVM_IOIO_PORT_SHIFT) | SVM_IOIO_SEG_DS | SVM_IOIO_A64 | SVM_IOIO_SZ8 |
		 SVM_IOIO_REP | SVM_IOIO_STR, g);
	{
		uint64_t q;
		memcpy(&q, g, 8);
		assert_int_equal(sim_ioio_port(q), 0xe9);
		assert_int_equal(sim_ioio_size(q), 1);
		assert_true(q & SIM_IOIO_STR && q & SIM_IOIO_REP && !(q & SIM_IOIO_TYPE_IN));
		assert_int_equal(svm_ioio_size(q | SVM_IOIO_SZ16), 0); /* two sizes: invalid */
		assert_int_equal(sim_ioio_size(q | SIM_IOIO_SZ16), 0);
	}
}

/* §3: a GHCB page written through each struct lands at the spec's offsets */
static void ghcb_layout(void **st)
{
	static struct ghcb gg;
	static struct sim_ghcb sg;
	static const struct { unsigned off, len; } f[] = {
		{ 0x0cb, 1 }, { 0x1f8, 8 }, { 0x308, 8 }, { 0x310, 8 }, { 0x318, 8 }, { 0x390, 8 },
		{ 0x398, 8 }, { 0x3a0, 8 }, { 0x3a8, 8 }, { 0x3e8, 8 }, { 0x800, 1 }, { 0xffa, 2 },
		{ 0xffc, 4 },
	};
	uint8_t gold[4096];
	(void)st;

	memset(gold, 0, sizeof(gold));
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		for (unsigned b = 0; b < f[i].len; b++)
			gold[f[i].off + b] = (uint8_t)(0x10 + i + 16 * b);
#define PUT(ghcb_field, idx) do {                                                     \
		uint64_t v_ = 0;                                                              \
		for (unsigned b_ = 0; b_ < f[idx].len; b_++)                                  \
			v_ |= (uint64_t)(uint8_t)(0x10 + (idx) + 16 * b_) << (8 * b_);        \
		gg.ghcb_field = (__typeof__(gg.ghcb_field))v_;                                \
	} while (0)
#define PUTS(sim_field, idx) do {                                                     \
		uint64_t v_ = 0;                                                              \
		for (unsigned b_ = 0; b_ < f[idx].len; b_++)                                  \
			v_ |= (uint64_t)(uint8_t)(0x10 + (idx) + 16 * b_) << (8 * b_);        \
		sg.sim_field = (__typeof__(sg.sim_field))v_;                                  \
	} while (0)
	PUT(cpl, 0); PUT(rax, 1); PUT(rcx, 2); PUT(rdx, 3); PUT(rbx, 4); PUT(sw_exit_code, 5);
	PUT(sw_exit_info_1, 6); PUT(sw_exit_info_2, 7); PUT(sw_scratch, 8); PUT(xcr0, 9);
	gg.shared_buffer[0] = 0x10 + 10; PUT(protocol_version, 11); PUT(ghcb_usage, 12);
	PUTS(cpl, 0); PUTS(rax, 1); PUTS(rcx, 2); PUTS(rdx, 3); PUTS(rbx, 4); PUTS(sw_exit_code, 5);
	PUTS(sw_exit_info_1, 6); PUTS(sw_exit_info_2, 7); PUTS(sw_scratch, 8); PUTS(xcr0, 9);
	sg.buf[0] = 0x10 + 10; PUTS(version, 11); PUTS(usage, 12);
	assert_memory_equal(&gg, gold, sizeof(gold));
	assert_memory_equal(&sg, gold, sizeof(gold));
}

/* §3: valid bitmap at 0x3F0, bit = field offset / 8 */
static void valid_bits(void **st)
{
	static const struct { unsigned gbit, sbit, byte; uint8_t mask; } t[] = {
		{ GHCB_BIT_CPL, SIM_GHCB_VALID(cpl), 0x3f0 + 3, 0x02 },          /* bit 25 */
		{ GHCB_BIT_RAX, SIM_GHCB_VALID(rax), 0x3f0 + 7, 0x80 },          /* bit 63 */
		{ GHCB_BIT_RCX, SIM_GHCB_VALID(rcx), 0x3f0 + 12, 0x02 },         /* bit 97 */
		{ GHCB_BIT_RDX, SIM_GHCB_VALID(rdx), 0x3f0 + 12, 0x04 },         /* bit 98 */
		{ GHCB_BIT_RBX, SIM_GHCB_VALID(rbx), 0x3f0 + 12, 0x08 },         /* bit 99 */
		{ GHCB_BIT_SW_EXIT_CODE, SIM_GHCB_VALID(sw_exit_code), 0x3f0 + 14, 0x04 },   /* 114 */
		{ GHCB_BIT_SW_EXIT_INFO_1, SIM_GHCB_VALID(sw_exit_info_1), 0x3f0 + 14, 0x08 }, /* 115 */
		{ GHCB_BIT_SW_EXIT_INFO_2, SIM_GHCB_VALID(sw_exit_info_2), 0x3f0 + 14, 0x10 }, /* 116 */
		{ GHCB_BIT_SW_SCRATCH, SIM_GHCB_VALID(sw_scratch), 0x3f0 + 14, 0x20 },       /* 117 */
		{ GHCB_BIT_XCR0, SIM_GHCB_VALID(xcr0), 0x3f0 + 15, 0x20 },       /* bit 125 */
	};
	(void)st;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		static struct ghcb gg;
		static struct sim_ghcb sg;
		memset(&gg, 0, sizeof(gg));
		memset(&sg, 0, sizeof(sg));
		ghcb_set_valid(&gg, t[i].gbit);
		sim_ghcb_valid_set(sg.valid, t[i].sbit);
		assert_int_equal(((uint8_t *)&gg)[t[i].byte], t[i].mask);
		assert_int_equal(((uint8_t *)&sg)[t[i].byte], t[i].mask);
	}
}

/* §3: error answers and the #GP event a hypervisor injects through sw_exit_info_2 */
static void answers(void **st)
{
	(void)st;
	assert_int_equal(GHCB_RESULT_ERROR, 2);
	assert_int_equal(SIM_GHCB_RESULT_ERROR, 2);
	assert_int_equal(GHCB_ERR_MISSING_INPUT, 4);
	assert_int_equal(SIM_GHCB_ERR_MISSING_INPUT, 4);
	assert_int_equal(GHCB_ERR_INVALID_SCRATCH, 3);
	assert_int_equal(SIM_GHCB_ERR_INVALID_SCRATCH, 3);
	assert_int_equal(GHCB_ERR_INVALID_EVENT, 6);
	assert_int_equal(SIM_GHCB_ERR_INVALID_EVENT, 6);
	bytes_eq(sim_eventinj_exception(13, 1, 0), GOLD(0x0d, 0x0b, 0x00, 0x80, 0, 0, 0, 0));
	{
		uint64_t q = 0x80000b0dull;
		assert_int_equal(GHCB_EVENT_VECTOR(q), 13);
		assert_int_equal(GHCB_EVENT_TYPE(q), GHCB_EVENT_TYPE_EXCEPTION);
		assert_true(q & GHCB_EVENT_ERR_VALID && q & GHCB_EVENT_VALID);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msr_protocol),
		cmocka_unit_test(termination),
		cmocka_unit_test(exit_codes),
		cmocka_unit_test(ioio),
		cmocka_unit_test(ghcb_layout),
		cmocka_unit_test(valid_bits),
		cmocka_unit_test(answers),
	};
	return UNIT_RUN(tests);
}
