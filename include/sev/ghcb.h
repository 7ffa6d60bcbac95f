/* SPDX-License-Identifier: MIT */
/*
 * The GHCB page (Guest-Hypervisor Communication Block): the 4 KiB page, mapped with the
 * C-bit clear, through which an SEV-ES/SNP guest exchanges registers and data with the
 * hypervisor on a VMGEXIT.
 *
 * Source: ../shared/docs/amd-sev-facts.md §3 (Linux svm.h struct ghcb_save_area / struct ghcb,
 * COCONUT kernel/src/sev/ghcb.rs offset asserts, edk2 Ghcb.h). Every offset the facts file
 * gives is asserted below. Shared by the guest (ghcb/) and the simulator (sim/).
 */
#ifndef COCOBOOT_SEV_GHCB_H
#define COCOBOOT_SEV_GHCB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GHCB_PAGE_SIZE          4096u
#define GHCB_SHARED_BUF_OFFSET  0x800u   /* facts §3 */
#define GHCB_SHARED_BUF_SIZE    2032u    /* 0x7F0, facts §3 (Linux GHCB_SHARED_BUF_SIZE) */
#define GHCB_SAVE_AREA_SIZE     1032u    /* facts §3 (Linux EXPECTED_GHCB_SAVE_AREA_SIZE) */

/* Protocol versions the guest speaks (facts §2 notes: Linux GHCB_PROTOCOL_MIN/MAX, edk2). */
#define GHCB_PROTOCOL_MIN       1u
#define GHCB_PROTOCOL_MAX       2u

/* ghcb_usage: 0 = standard GHCB format (facts §3, Linux GHCB_DEFAULT_USAGE). */
#define GHCB_USAGE_DEFAULT      0u

struct ghcb {
	/* save area: 0x000 .. 0x407 */
	uint8_t  reserved_000[0x0cb];
	uint8_t  cpl;                   /* 0x0CB */
	uint8_t  reserved_0cc[0x140 - 0x0cc];
	uint64_t xss;                   /* 0x140 */
	uint8_t  reserved_148[0x160 - 0x148];
	uint64_t dr7;                   /* 0x160 */
	uint8_t  reserved_168[0x178 - 0x168];
	uint64_t rip;                   /* 0x178 */
	uint8_t  reserved_180[0x1d8 - 0x180];
	uint64_t rsp;                   /* 0x1D8 */
	uint8_t  reserved_1e0[0x1f8 - 0x1e0];
	uint64_t rax;                   /* 0x1F8 */
	uint8_t  reserved_200[0x308 - 0x200];
	uint64_t rcx;                   /* 0x308 */
	uint64_t rdx;                   /* 0x310 */
	uint64_t rbx;                   /* 0x318 */
	uint8_t  reserved_320[0x328 - 0x320];
	uint64_t rbp;                   /* 0x328 */
	uint64_t rsi;                   /* 0x330 */
	uint64_t rdi;                   /* 0x338 */
	uint64_t r8;                    /* 0x340 */
	uint64_t r9;                    /* 0x348 */
	uint64_t r10;                   /* 0x350 */
	uint64_t r11;                   /* 0x358 */
	uint64_t r12;                   /* 0x360 */
	uint64_t r13;                   /* 0x368 */
	uint64_t r14;                   /* 0x370 */
	uint64_t r15;                   /* 0x378 */
	uint8_t  reserved_380[0x390 - 0x380];
	uint64_t sw_exit_code;          /* 0x390 */
	uint64_t sw_exit_info_1;        /* 0x398 */
	uint64_t sw_exit_info_2;        /* 0x3A0 */
	uint64_t sw_scratch;            /* 0x3A8 */
	uint8_t  reserved_3b0[0x3e8 - 0x3b0];
	uint64_t xcr0;                  /* 0x3E8 */
	uint64_t valid_bitmap[2];       /* 0x3F0 */
	uint64_t x87_state_gpa;         /* 0x400 */
	uint8_t  reserved_408[0x800 - 0x408];
	/* 0x800 */
	uint8_t  shared_buffer[GHCB_SHARED_BUF_SIZE];
	uint8_t  reserved_ff0[10];      /* 0xFF0 */
	uint16_t protocol_version;      /* 0xFFA */
	uint32_t ghcb_usage;            /* 0xFFC */
};

/* facts §3: every offset the sources give. */
_Static_assert(sizeof(struct ghcb) == GHCB_PAGE_SIZE, "GHCB is one 4 KiB page");
_Static_assert(offsetof(struct ghcb, cpl) == 0x0cb, "ghcb.cpl");
_Static_assert(offsetof(struct ghcb, xss) == 0x140, "ghcb.xss");
_Static_assert(offsetof(struct ghcb, dr7) == 0x160, "ghcb.dr7");
_Static_assert(offsetof(struct ghcb, rip) == 0x178, "ghcb.rip");
_Static_assert(offsetof(struct ghcb, rsp) == 0x1d8, "ghcb.rsp");
_Static_assert(offsetof(struct ghcb, rax) == 0x1f8, "ghcb.rax");
_Static_assert(offsetof(struct ghcb, rcx) == 0x308, "ghcb.rcx");
_Static_assert(offsetof(struct ghcb, rdx) == 0x310, "ghcb.rdx");
_Static_assert(offsetof(struct ghcb, rbx) == 0x318, "ghcb.rbx");
_Static_assert(offsetof(struct ghcb, rbp) == 0x328, "ghcb.rbp");
_Static_assert(offsetof(struct ghcb, rsi) == 0x330, "ghcb.rsi");
_Static_assert(offsetof(struct ghcb, rdi) == 0x338, "ghcb.rdi");
_Static_assert(offsetof(struct ghcb, r8) == 0x340, "ghcb.r8");
_Static_assert(offsetof(struct ghcb, r10) == 0x350, "ghcb.r10");
_Static_assert(offsetof(struct ghcb, r15) == 0x378, "ghcb.r15");
_Static_assert(offsetof(struct ghcb, sw_exit_code) == 0x390, "ghcb.sw_exit_code");
_Static_assert(offsetof(struct ghcb, sw_exit_info_1) == 0x398, "ghcb.sw_exit_info_1");
_Static_assert(offsetof(struct ghcb, sw_exit_info_2) == 0x3a0, "ghcb.sw_exit_info_2");
_Static_assert(offsetof(struct ghcb, sw_scratch) == 0x3a8, "ghcb.sw_scratch");
_Static_assert(offsetof(struct ghcb, xcr0) == 0x3e8, "ghcb.xcr0");
_Static_assert(offsetof(struct ghcb, valid_bitmap) == 0x3f0, "ghcb.valid_bitmap");
_Static_assert(offsetof(struct ghcb, x87_state_gpa) == 0x400, "ghcb.x87_state_gpa");
_Static_assert(offsetof(struct ghcb, x87_state_gpa) + 8 == GHCB_SAVE_AREA_SIZE, "save area size");
_Static_assert(offsetof(struct ghcb, shared_buffer) == GHCB_SHARED_BUF_OFFSET, "ghcb.shared_buffer");
_Static_assert(offsetof(struct ghcb, reserved_ff0) == 0xff0, "ghcb reserved tail");
_Static_assert(offsetof(struct ghcb, protocol_version) == 0xffa, "ghcb.protocol_version");
_Static_assert(offsetof(struct ghcb, ghcb_usage) == 0xffc, "ghcb.ghcb_usage");

/*
 * Valid bitmap (facts §3): bit index = byte offset of the field / 8; qword = bit >> 6,
 * bit-in-qword = bit & 63. The guest marks the fields it fills, the hypervisor marks the
 * fields it returns, and the guest checks the bits of every output it consumes.
 */
#define GHCB_VALID_BIT(field)   ((unsigned)(offsetof(struct ghcb, field) / 8u))

enum ghcb_valid_bit {
	GHCB_BIT_CPL            = 25,   /* 0x0CB / 8 */
	GHCB_BIT_XSS            = 40,
	GHCB_BIT_DR7            = 44,
	GHCB_BIT_RIP            = 47,
	GHCB_BIT_RSP            = 59,
	GHCB_BIT_RAX            = 63,
	GHCB_BIT_RCX            = 97,
	GHCB_BIT_RDX            = 98,
	GHCB_BIT_RBX            = 99,
	GHCB_BIT_RBP            = 101,
	GHCB_BIT_RSI            = 102,
	GHCB_BIT_RDI            = 103,
	GHCB_BIT_R8             = 104,
	GHCB_BIT_R9             = 105,
	GHCB_BIT_R10            = 106,
	GHCB_BIT_R11            = 107,
	GHCB_BIT_R12            = 108,
	GHCB_BIT_R13            = 109,
	GHCB_BIT_R14            = 110,
	GHCB_BIT_R15            = 111,
	GHCB_BIT_SW_EXIT_CODE   = 114,
	GHCB_BIT_SW_EXIT_INFO_1 = 115,
	GHCB_BIT_SW_EXIT_INFO_2 = 116,
	GHCB_BIT_SW_SCRATCH     = 117,
	GHCB_BIT_XCR0           = 125,
};

/* The facts file lists these bit numbers; check them against the struct. */
_Static_assert(GHCB_VALID_BIT(cpl) == GHCB_BIT_CPL, "cpl bit 25");
_Static_assert(GHCB_VALID_BIT(xss) == GHCB_BIT_XSS, "xss bit 40");
_Static_assert(GHCB_VALID_BIT(dr7) == GHCB_BIT_DR7, "dr7 bit 44");
_Static_assert(GHCB_VALID_BIT(rip) == GHCB_BIT_RIP, "rip bit 47");
_Static_assert(GHCB_VALID_BIT(rsp) == GHCB_BIT_RSP, "rsp bit 59");
_Static_assert(GHCB_VALID_BIT(rax) == GHCB_BIT_RAX, "rax bit 63");
_Static_assert(GHCB_VALID_BIT(rcx) == GHCB_BIT_RCX, "rcx bit 97");
_Static_assert(GHCB_VALID_BIT(rdx) == GHCB_BIT_RDX, "rdx bit 98");
_Static_assert(GHCB_VALID_BIT(rbx) == GHCB_BIT_RBX, "rbx bit 99");
_Static_assert(GHCB_VALID_BIT(rbp) == GHCB_BIT_RBP, "rbp bit 101");
_Static_assert(GHCB_VALID_BIT(rsi) == GHCB_BIT_RSI, "rsi bit 102");
_Static_assert(GHCB_VALID_BIT(rdi) == GHCB_BIT_RDI, "rdi bit 103");
_Static_assert(GHCB_VALID_BIT(r8) == GHCB_BIT_R8, "r8 bit 104");
_Static_assert(GHCB_VALID_BIT(r10) == GHCB_BIT_R10, "r10 bit 106");
_Static_assert(GHCB_VALID_BIT(r15) == GHCB_BIT_R15, "r15 bit 111");
_Static_assert(GHCB_VALID_BIT(sw_exit_code) == GHCB_BIT_SW_EXIT_CODE, "sw_exit_code bit 114");
_Static_assert(GHCB_VALID_BIT(sw_exit_info_1) == GHCB_BIT_SW_EXIT_INFO_1, "sw_exit_info_1 bit 115");
_Static_assert(GHCB_VALID_BIT(sw_exit_info_2) == GHCB_BIT_SW_EXIT_INFO_2, "sw_exit_info_2 bit 116");
_Static_assert(GHCB_VALID_BIT(sw_scratch) == GHCB_BIT_SW_SCRATCH, "sw_scratch bit 117");
_Static_assert(GHCB_VALID_BIT(xcr0) == GHCB_BIT_XCR0, "xcr0 bit 125");

/* Bitmap helpers on a bitmap value (e.g. a copy taken out of shared memory). */
static inline void ghcb_bitmap_set(uint64_t bm[2], unsigned bit)
{
	bm[(bit >> 6) & 1u] |= 1ull << (bit & 63u);
}

static inline bool ghcb_bitmap_test(const uint64_t bm[2], unsigned bit)
{
	return (bm[(bit >> 6) & 1u] >> (bit & 63u)) & 1u;
}

/* Same on a GHCB page (volatile: the page is shared with the other side). */
static inline void ghcb_set_valid(volatile struct ghcb *g, unsigned bit)
{
	g->valid_bitmap[(bit >> 6) & 1u] |= 1ull << (bit & 63u);
}

static inline bool ghcb_is_valid(const volatile struct ghcb *g, unsigned bit)
{
	return (g->valid_bitmap[(bit >> 6) & 1u] >> (bit & 63u)) & 1u;
}

/*
 * sw_exit_info_1[31:0] after a VMGEXIT (facts §3 "Call protocol" step 4).
 * With GHCB_RESULT_EXCEPTION, sw_exit_info_2 is an EVENTINJ value; with GHCB_RESULT_ERROR,
 * sw_exit_info_2 holds one of GHCB_ERR_*.
 */
#define GHCB_RESULT_OK          0u
#define GHCB_RESULT_EXCEPTION   1u
#define GHCB_RESULT_ERROR       2u

#define GHCB_ERR_NOT_REGISTERED     1u
#define GHCB_ERR_INVALID_USAGE      2u
#define GHCB_ERR_INVALID_SCRATCH    3u
#define GHCB_ERR_MISSING_INPUT      4u
#define GHCB_ERR_INVALID_INPUT      5u
#define GHCB_ERR_INVALID_EVENT      6u

/* EVENTINJ format of sw_exit_info_2 with GHCB_RESULT_EXCEPTION (facts §3). */
#define GHCB_EVENT_VECTOR(v)        ((unsigned)((v) & 0xffu))
#define GHCB_EVENT_TYPE(v)          ((unsigned)(((v) >> 8) & 7u))
#define GHCB_EVENT_TYPE_EXCEPTION   3u
#define GHCB_EVENT_ERR_VALID        (1ull << 11)
#define GHCB_EVENT_VALID            (1ull << 31)
#define GHCB_EVENT_ERROR_CODE(v)    ((uint32_t)((v) >> 32))

#endif
