/* SPDX-License-Identifier: MIT */
/*
 * sevsim's own table of the SEV-ES/SNP guest-hypervisor encodings: GHCB MSR protocol,
 * GHCB page layout and valid bits, exit codes, IOIO and event-injection fields, page state
 * change descriptors, termination layout. Written from /work/shared/docs/amd-sev-facts.md
 * (section numbers below; that file reads the GHCB specification 56421 through Linux,
 * edk2, KVM and the SVSM, which implement it) and *not* from include/sev/, the guest's
 * headers: the simulator that judges the guest must not share its reading of the spec.
 * tests/unit/test_sev_golden.c checks both against literal encodings from the spec.
 */
#ifndef SIM_HV_SPEC_H
#define SIM_HV_SPEC_H

#include <stddef.h>
#include <stdint.h>

/* ---- MSRs (facts §1) ---- */
#define SIM_MSR_GHCB        0xc0010130u
#define SIM_MSR_SEV_STATUS  0xc0010131u
/* SEV_STATUS bits (facts §1.1) */
#define SIM_SEV_STATUS_SEV    (1ull << 0)
#define SIM_SEV_STATUS_SEV_ES (1ull << 1)
#define SIM_SEV_STATUS_SNP    (1ull << 2)

/* ---- GHCB MSR protocol (facts §2): GHCBData[11:0] is the request/response code ---- */
#define SIM_MSRP_CODE_MASK       0xfffull
#define SIM_MSRP_SEV_INFO_RESP   0x001u /* [63:48] max version, [47:32] min, [31:24] C-bit */
#define SIM_MSRP_SEV_INFO_REQ    0x002u
#define SIM_MSRP_CPUID_REQ       0x004u /* [63:32] leaf, [31:30] register 0..3 = EAX..EDX */
#define SIM_MSRP_CPUID_RESP      0x005u /* [63:32] value; [31:30] as asked, [29:12] zero */
#define SIM_MSRP_AP_HOLD_REQ     0x006u
#define SIM_MSRP_AP_HOLD_RESP    0x007u /* [63:12] result: 0 = no SIPI */
#define SIM_MSRP_PREF_GPA_REQ    0x010u
#define SIM_MSRP_PREF_GPA_RESP   0x011u /* [63:12] GFN, all ones = no preference */
#define SIM_MSRP_REG_GPA_REQ     0x012u /* [63:12] GFN */
#define SIM_MSRP_REG_GPA_RESP    0x013u /* [63:12] GFN echoed */
#define SIM_MSRP_PSC_REQ         0x014u /* [51:12] GFN, [55:52] op 1 private 2 shared */
#define SIM_MSRP_PSC_RESP        0x015u /* [63:32] error, 0 = success */
#define SIM_MSRP_VMPL_REQ        0x016u /* [39:32] VMPL */
#define SIM_MSRP_VMPL_RESP       0x017u /* [63:32] error */
#define SIM_MSRP_HV_FT_REQ       0x080u /* GHCB version 2 only */
#define SIM_MSRP_HV_FT_RESP      0x081u /* [63:12] feature bitmap (facts §2.2) */
#define SIM_MSRP_TERM_REQ        0x100u /* [15:12] reason set, [23:16] reason code */
#define SIM_MSRP_PREF_GPA_NONE   0xfffffffffffffull /* 52 bits of ones in [63:12] */

static inline unsigned sim_msrp_code(uint64_t v) { return (unsigned)(v & SIM_MSRP_CODE_MASK); }
static inline uint64_t sim_msrp_sev_info(unsigned max, unsigned min, unsigned cbit)
{
	return (uint64_t)(max & 0xffff) << 48 | (uint64_t)(min & 0xffff) << 32 |
	       (uint64_t)(cbit & 0xff) << 24 | SIM_MSRP_SEV_INFO_RESP;
}
static inline uint32_t sim_msrp_cpuid_leaf(uint64_t req) { return (uint32_t)(req >> 32); }
static inline unsigned sim_msrp_cpuid_reg(uint64_t req) { return (unsigned)(req >> 30) & 3; }
static inline uint64_t sim_msrp_cpuid_resp(uint32_t value, unsigned reg)
{
	return (uint64_t)value << 32 | (uint64_t)(reg & 3) << 30 | SIM_MSRP_CPUID_RESP;
}
static inline uint64_t sim_msrp_gfn(uint64_t v) { return v >> 12; }                 /* [63:12] */
static inline uint64_t sim_msrp_with_data(uint64_t data, unsigned code)              /* [63:12] */
{
	return data << 12 | code;
}
static inline uint64_t sim_msrp_psc_gfn(uint64_t v) { return (v >> 12) & 0xffffffffffull; }
static inline unsigned sim_msrp_psc_op(uint64_t v) { return (unsigned)(v >> 52) & 0xf; }
static inline uint64_t sim_msrp_error(uint32_t err, unsigned code)                  /* [63:32] */
{
	return (uint64_t)err << 32 | code;
}
static inline unsigned sim_msrp_term_set(uint64_t v) { return (unsigned)(v >> 12) & 0xf; }
static inline unsigned sim_msrp_term_code(uint64_t v) { return (unsigned)(v >> 16) & 0xff; }

/* Page state operations (facts §2, §5.1) */
#define SIM_PSC_OP_PRIVATE 1u
#define SIM_PSC_OP_SHARED  2u
/* Hypervisor feature bits (facts §2.2) */
#define SIM_HV_FT_SNP      (1ull << 0)
#define SIM_HV_FT_SNP_AP_CREATION (1ull << 1)

/* ---- GHCB page (facts §3): 4 KiB, offsets as given there ---- */
#define SIM_GHCB_SIZE          4096u
#define SIM_GHCB_BUF_OFFSET    0x800u
#define SIM_GHCB_BUF_SIZE      0x7f0u  /* 2032 bytes, up to the reserved tail at 0xFF0 */
#define SIM_GHCB_VERSION_MIN   1u      /* facts §2 notes: versions 1..2 */
#define SIM_GHCB_VERSION_MAX   2u
#define SIM_GHCB_USAGE_STD     0u

struct sim_ghcb {
	uint8_t  pad_000[0x0cb];
	uint8_t  cpl;                  /* 0x0CB */
	uint8_t  pad_0cc[0x140 - 0x0cc];
	uint64_t xss;                  /* 0x140 */
	uint8_t  pad_148[0x160 - 0x148];
	uint64_t dr7;                  /* 0x160 */
	uint8_t  pad_168[0x1f8 - 0x168];
	uint64_t rax;                  /* 0x1F8 */
	uint8_t  pad_200[0x308 - 0x200];
	uint64_t rcx;                  /* 0x308 */
	uint64_t rdx;                  /* 0x310 */
	uint64_t rbx;                  /* 0x318 */
	uint8_t  pad_320[0x328 - 0x320];
	uint64_t rbp;                  /* 0x328 .. 0x378: rbp rsi rdi r8 .. r15 */
	uint64_t rsi;
	uint64_t rdi;
	uint64_t r8;
	uint64_t r9;
	uint64_t r10;
	uint64_t r11;
	uint64_t r12;
	uint64_t r13;
	uint64_t r14;
	uint64_t r15;
	uint8_t  pad_380[0x390 - 0x380];
	uint64_t sw_exit_code;         /* 0x390 */
	uint64_t sw_exit_info_1;       /* 0x398 */
	uint64_t sw_exit_info_2;       /* 0x3A0 */
	uint64_t sw_scratch;           /* 0x3A8 */
	uint8_t  pad_3b0[0x3e8 - 0x3b0];
	uint64_t xcr0;                 /* 0x3E8 */
	uint64_t valid[2];             /* 0x3F0: valid bitmap */
	uint8_t  pad_400[SIM_GHCB_BUF_OFFSET - 0x400];
	uint8_t  buf[SIM_GHCB_BUF_SIZE]; /* 0x800: shared buffer */
	uint8_t  pad_ff0[10];          /* 0xFF0 */
	uint16_t version;              /* 0xFFA: protocol_version */
	uint32_t usage;                /* 0xFFC: ghcb_usage */
};
_Static_assert(sizeof(struct sim_ghcb) == SIM_GHCB_SIZE, "facts §3: one 4 KiB page");
_Static_assert(offsetof(struct sim_ghcb, cpl) == 0x0cb, "facts §3: cpl");
_Static_assert(offsetof(struct sim_ghcb, xss) == 0x140, "facts §3: xss");
_Static_assert(offsetof(struct sim_ghcb, dr7) == 0x160, "facts §3: dr7");
_Static_assert(offsetof(struct sim_ghcb, rax) == 0x1f8, "facts §3: rax");
_Static_assert(offsetof(struct sim_ghcb, rcx) == 0x308, "facts §3: rcx");
_Static_assert(offsetof(struct sim_ghcb, rdx) == 0x310, "facts §3: rdx");
_Static_assert(offsetof(struct sim_ghcb, rbx) == 0x318, "facts §3: rbx");
_Static_assert(offsetof(struct sim_ghcb, rbp) == 0x328, "facts §3: rbp");
_Static_assert(offsetof(struct sim_ghcb, r15) == 0x378, "facts §3: r15");
_Static_assert(offsetof(struct sim_ghcb, sw_exit_code) == 0x390, "facts §3: sw_exit_code");
_Static_assert(offsetof(struct sim_ghcb, sw_exit_info_1) == 0x398, "facts §3: sw_exit_info_1");
_Static_assert(offsetof(struct sim_ghcb, sw_exit_info_2) == 0x3a0, "facts §3: sw_exit_info_2");
_Static_assert(offsetof(struct sim_ghcb, sw_scratch) == 0x3a8, "facts §3: sw_scratch");
_Static_assert(offsetof(struct sim_ghcb, xcr0) == 0x3e8, "facts §3: xcr0");
_Static_assert(offsetof(struct sim_ghcb, valid) == 0x3f0, "facts §3: valid_bitmap");
_Static_assert(offsetof(struct sim_ghcb, buf) == 0x800, "facts §3: shared_buffer");
_Static_assert(offsetof(struct sim_ghcb, version) == 0xffa, "facts §3: protocol_version");
_Static_assert(offsetof(struct sim_ghcb, usage) == 0xffc, "facts §3: ghcb_usage");

/* facts §3: "bit index = byte offset of the field / 8"; qword = bit >> 6 */
#define SIM_GHCB_VALID(field) ((unsigned)(offsetof(struct sim_ghcb, field) / 8))
static inline int sim_ghcb_valid_test(const uint64_t bm[2], unsigned bit)
{
	return (int)((bm[(bit >> 6) & 1] >> (bit & 63)) & 1);
}
static inline void sim_ghcb_valid_set(uint64_t bm[2], unsigned bit)
{
	bm[(bit >> 6) & 1] |= 1ull << (bit & 63);
}

/* Answers in sw_exit_info_1 and error codes in sw_exit_info_2 (facts §3) */
#define SIM_GHCB_RESULT_EXCEPTION 1u
#define SIM_GHCB_RESULT_ERROR     2u
#define SIM_GHCB_ERR_NOT_REGISTERED  1u
#define SIM_GHCB_ERR_INVALID_USAGE   2u
#define SIM_GHCB_ERR_INVALID_SCRATCH 3u
#define SIM_GHCB_ERR_MISSING_INPUT   4u
#define SIM_GHCB_ERR_INVALID_INPUT   5u
#define SIM_GHCB_ERR_INVALID_EVENT   6u
/* EVENTINJ (facts §3): vector [7:0], type [10:8] (3 = exception), error code valid [11],
 * valid [31], error code [63:32] */
static inline uint64_t sim_eventinj_exception(unsigned vector, int has_err, uint32_t err)
{
	return (uint64_t)err << 32 | 1ull << 31 | (has_err ? 1ull << 11 : 0) | 3ull << 8 |
	       (vector & 0xff);
}

/* ---- exit codes (facts §4.1: #VC error codes = SVM exit codes; §4.3: NAE events) ---- */
#define SIM_EXIT_READ_DR7    0x027u
#define SIM_EXIT_WRITE_DR7   0x037u
#define SIM_EXIT_RDTSC       0x06eu
#define SIM_EXIT_RDPMC       0x06fu
#define SIM_EXIT_CPUID       0x072u
#define SIM_EXIT_INVD        0x076u
#define SIM_EXIT_IOIO        0x07bu
#define SIM_EXIT_MSR         0x07cu /* exit_info_1: 0 read, 1 write */
#define SIM_EXIT_VMMCALL     0x081u
#define SIM_EXIT_RDTSCP      0x087u
#define SIM_EXIT_WBINVD      0x089u
#define SIM_EXIT_MONITOR     0x08au
#define SIM_EXIT_MWAIT       0x08bu
#define SIM_EXIT_NPF         0x400u
#define SIM_NAE_MMIO_READ     0x80000001u
#define SIM_NAE_MMIO_WRITE    0x80000002u
#define SIM_NAE_NMI_COMPLETE  0x80000003u
#define SIM_NAE_AP_HLT_LOOP   0x80000004u
#define SIM_NAE_AP_JUMP_TABLE 0x80000005u /* exit_info_1: 0 SET, 1 GET */
#define SIM_NAE_PSC           0x80000010u
#define SIM_NAE_AP_CREATION   0x80000013u /* facts §7.3 */
#define SIM_NAE_HV_FEATURES   0x8000fffdu
#define SIM_NAE_TERM_REQUEST  0x8000fffeu /* exit_info_1: set [3:0], code [11:4] */
#define SIM_NAE_UNSUPPORTED   0x8000ffffu
static inline unsigned sim_nae_term_set(uint64_t info1) { return (unsigned)info1 & 0xf; }
static inline unsigned sim_nae_term_code(uint64_t info1) { return (unsigned)(info1 >> 4) & 0xff; }

/* IOIO exit_info_1 (facts §4.2) */
#define SIM_IOIO_TYPE_IN (1u << 0)
#define SIM_IOIO_STR     (1u << 2)
#define SIM_IOIO_REP     (1u << 3)
#define SIM_IOIO_SZ8     (1u << 4)
#define SIM_IOIO_SZ16    (1u << 5)
#define SIM_IOIO_SZ32    (1u << 6)
static inline unsigned sim_ioio_port(uint64_t info1) { return (unsigned)(info1 >> 16) & 0xffff; }
/* operand size in bytes; 0 unless exactly one size bit is set */
static inline unsigned sim_ioio_size(uint64_t info1)
{
	unsigned sz = (unsigned)info1 & (SIM_IOIO_SZ8 | SIM_IOIO_SZ16 | SIM_IOIO_SZ32);

	return sz == SIM_IOIO_SZ8 ? 1 : sz == SIM_IOIO_SZ16 ? 2 : sz == SIM_IOIO_SZ32 ? 4 : 0;
}

/* ---- page state change descriptor (facts §5.1), in the shared buffer ---- */
#define SIM_PSC_MAX_ENTRIES 253u                 /* (2032 - 8) / 8 */
#define SIM_PSC_ERR_HEADER  ((1ull << 32) | 1)
#define SIM_PSC_ERR_ENTRY   ((1ull << 32) | 2)
#define SIM_PSC_ERR_GENERIC (0x100ull << 32)     /* facts §5.1 "generic" */
static inline uint64_t sim_psc_entry_gfn(uint64_t e) { return (e >> 12) & 0xffffffffffull; }
static inline unsigned sim_psc_entry_op(uint64_t e) { return (unsigned)(e >> 52) & 0xf; }
static inline unsigned sim_psc_entry_2m(uint64_t e) { return (unsigned)(e >> 56) & 1; }

/* ---- SNP (facts §2, §5, §7.3): sevsim's own reading, snpsim block ---- */
#define SIM_PSC_OP_PSMASH   3u                   /* facts §5.1 */
#define SIM_PSC_OP_UNSMASH  4u
/* MSR protocol 0x015: the generic error KVM answers, bit 63 of GHCBData (facts §2) */
#define SIM_MSRP_PSC_RESP_ERROR ((1ull << 63) | SIM_MSRP_PSC_RESP)
static inline unsigned sim_psc_entry_cur_page(uint64_t e) { return (unsigned)(e & 0xfff); }
static inline uint64_t sim_psc_entry_set_cur_page(uint64_t e, unsigned n)
{
	return (e & ~0xfffull) | (n & 0xfff);
}
/* PVALIDATE / RMPADJUST return codes in EAX (facts §5.2) */
#define SIM_PVALIDATE_OK               0u
#define SIM_PVALIDATE_FAIL_INPUT       1u
#define SIM_RMPADJUST_FAIL_PERMISSION  2u
/* RMPADJUST clearing the VMSA attribute of a page a vCPU runs from (Linux destroys the AP
 * first, "to ensure they are kicked out of guest mode and then clear the VMSA bit": the kexec
 * fix of core.c shutdown_all_aps). The value: PSMASH_FAIL_INUSE's 3 (Linux sev.h); the
 * APM's RMPADJUST table was not available: UNCONFIRMED. */
#define SIM_RMPADJUST_FAIL_INUSE       3u
#define SIM_PVALIDATE_FAIL_SIZEMISMATCH 6u
/* RMPADJUST RDX (facts §5.2): [7:0] target VMPL, [11:8] permissions, bit 16 VMSA */
#define SIM_RMPADJUST_VMSA  (1ull << 16)
static inline unsigned sim_rmpadjust_vmpl(uint64_t rdx) { return (unsigned)(rdx & 0xff); }
/* #VC error code: a C=1 access to a private page that is not validated (facts §4.1, §5.3) */
#define SIM_EXIT_NOT_VALIDATED 0x404u
/* SNP AP creation (facts §7.3): SW_EXITINFO1 [31:0] request, [63:32] APIC ID;
 * SW_EXITINFO2 the VMSA's GPA; RAX the new vCPU's SEV_FEATURES */
#define SIM_AP_CREATE_ON_INIT 0u
#define SIM_AP_CREATE         1u
#define SIM_AP_DESTROY        2u
static inline unsigned sim_ap_request(uint64_t info1) { return (unsigned)(info1 & 0xffff); }
static inline unsigned sim_ap_vmpl(uint64_t info1) { return (unsigned)(info1 >> 16) & 0xf; }
static inline unsigned sim_ap_apic_id(uint64_t info1) { return (unsigned)(info1 >> 32); }

#endif
