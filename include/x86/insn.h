/* SPDX-License-Identifier: MIT */
/*
 * A small x86 instruction decoder, enough for a #VC handler: legacy prefixes, REX, the
 * one-byte and 0F opcode maps (0F 38 / 0F 3A lengths too), ModRM, SIB, displacement,
 * immediate, operand and address size in 32-bit and 64-bit mode, and the instruction length.
 * VEX/EVEX/XOP encoded instructions are recognised and refused (INSN_ERR_UNSUPPORTED).
 *
 * Pure C, freestanding; the same code runs in the guest and in host tests and fuzzers.
 * insn_decode() reads only buf[0 .. min(len, 15) - 1].
 *
 * Encoding rules: AMD64 APM vol. 3 ch. 1 (instruction format) and appendix A (opcode maps);
 * operand-size of near branches with 66 in 64-bit mode follows AMD (16-bit offset).
 */
#ifndef COCOBOOT_X86_INSN_H
#define COCOBOOT_X86_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INSN_MAX_LEN 15u            /* architectural limit; longer raises #GP */

enum insn_mode {
	INSN_MODE_32 = 4,           /* 32-bit protected mode, CS.D = 1 */
	INSN_MODE_64 = 8,           /* 64-bit long mode */
};

enum insn_status {
	INSN_OK               = 0,
	INSN_ERR_TRUNCATED    = -1, /* the buffer ended before the instruction did */
	INSN_ERR_TOO_LONG     = -2, /* the instruction would exceed 15 bytes */
	INSN_ERR_INVALID      = -3, /* opcode undefined (in this mode) */
	INSN_ERR_UNSUPPORTED  = -4, /* VEX / EVEX / XOP: valid but not decoded here */
	INSN_ERR_ARG          = -5, /* bad argument (NULL pointer, unknown mode) */
};

/* Opcode maps. */
enum insn_map {
	INSN_MAP_1BYTE = 1,
	INSN_MAP_0F    = 2,
	INSN_MAP_0F38  = 3,
	INSN_MAP_0F3A  = 4,
};

/* Register numbers in encoding order (ModRM/SIB/REX), also the index into insn_regs.gpr. */
enum insn_reg {
	INSN_REG_RAX = 0, INSN_REG_RCX, INSN_REG_RDX, INSN_REG_RBX,
	INSN_REG_RSP, INSN_REG_RBP, INSN_REG_RSI, INSN_REG_RDI,
	INSN_REG_R8, INSN_REG_R9, INSN_REG_R10, INSN_REG_R11,
	INSN_REG_R12, INSN_REG_R13, INSN_REG_R14, INSN_REG_R15,
	INSN_REG_NONE = 0xff,
};

/* Segment registers in encoding order; INSN_SEG_NONE = no override prefix. */
enum insn_seg {
	INSN_SEG_ES = 0, INSN_SEG_CS, INSN_SEG_SS, INSN_SEG_DS, INSN_SEG_FS, INSN_SEG_GS,
	INSN_SEG_NONE = 0xff,
};

struct insn {
	uint8_t len;            /* total length in bytes, 1..15 */
	uint8_t mode;           /* enum insn_mode */
	uint8_t opsize;         /* effective operand size for non-byte forms: 2, 4 or 8 */
	uint8_t addrsize;       /* effective address size: 2, 4 or 8 */

	/* prefixes */
	uint8_t rep;            /* 0, 0xF2 or 0xF3: the last of F2/F3 seen */
	uint8_t seg;            /* enum insn_seg: last segment override, or INSN_SEG_NONE */
	bool    lock;
	bool    p66;            /* operand-size prefix present */
	bool    p67;            /* address-size prefix present */
	uint8_t rex;            /* REX byte in effect (64-bit mode), 0 if none */
	uint8_t nprefix;        /* legacy prefix bytes + REX before the opcode */

	/* opcode */
	uint8_t map;            /* enum insn_map */
	uint8_t opcode;         /* opcode byte within its map */

	/* ModRM / SIB: register numbers include the REX extensions */
	bool    has_modrm;
	uint8_t modrm;
	uint8_t mod;            /* ModRM.mod (0..3) */
	uint8_t reg;            /* ModRM.reg | REX.R << 3 */
	uint8_t rm;             /* ModRM.rm | REX.B << 3 (register operand when mod == 3) */
	bool    has_sib;
	uint8_t sib;

	/* memory operand (when has_modrm && mod != 3) */
	uint8_t ea_base;        /* enum insn_reg or INSN_REG_NONE */
	uint8_t ea_index;       /* enum insn_reg or INSN_REG_NONE */
	uint8_t ea_scale;       /* shift count 0..3 */
	bool    rip_relative;

	int32_t  disp;          /* sign-extended displacement */
	uint8_t  disp_size;     /* 0, 1, 2 or 4 */
	uint8_t  imm_size;      /* total immediate bytes: 0, 1, 2, 3 (ENTER), 4, 6 (far ptr), 8 */
	uint64_t imm;           /* immediate, little-endian, zero-extended (first 8 bytes) */
};

/*
 * Register file the effective-address helpers read. gpr[] in encoding order; seg_base[]
 * indexed by enum insn_seg (only FS/GS bases count in 64-bit mode; all in 32-bit mode).
 */
struct insn_regs {
	uint64_t gpr[16];
	uint64_t rip;
	uint64_t rflags;
	uint64_t seg_base[6];
};

/* Decode one instruction from buf[0 .. len-1]. Fills *out on INSN_OK. */
int insn_decode(struct insn *out, const uint8_t *buf, size_t len, enum insn_mode mode);

/* Readable name of a status code (for messages). */
const char *insn_status_name(int status);

/* True if the instruction has a memory operand (ModRM.mod != 3). */
static inline bool insn_has_mem(const struct insn *in)
{
	return in->has_modrm && in->mod != 3;
}

/* Immediate sign-extended from its size (1, 2, 4 or 8 bytes). */
int64_t insn_imm_sext(const struct insn *in);

/*
 * Offset of the ModRM memory operand (base + index << scale + disp, RIP-relative from the
 * next instruction), truncated to the address size. Returns false if there is none.
 */
bool insn_mem_offset(const struct insn *in, const struct insn_regs *regs, uint64_t *out);

/* Segment the memory operand uses: the override, else SS for an rSP/rBP base, else DS. */
enum insn_seg insn_mem_seg(const struct insn *in);

/*
 * Linear address of the memory operand: offset plus segment base (FS/GS only in 64-bit
 * mode; any segment in 32-bit mode, truncated to 32 bits). Returns false if none.
 */
bool insn_mem_linear(const struct insn *in, const struct insn_regs *regs, uint64_t *out);

/* Linear address of offset off in segment seg (FS/GS bases only in 64-bit mode). */
uint64_t insn_seg_linear(const struct insn *in, const struct insn_regs *regs, enum insn_seg seg,
			 uint64_t off);

/* Linear address of the moffs operand of MOV A0-A3 (DS or the override). */
uint64_t insn_moffs_linear(const struct insn *in, const struct insn_regs *regs);

/*
 * Linear addresses of string operands: source DS:rSI (override allowed), destination
 * ES:rDI (no override), rSI/rDI truncated to the address size.
 */
uint64_t insn_str_src(const struct insn *in, const struct insn_regs *regs);
uint64_t insn_str_dst(const struct insn *in, const struct insn_regs *regs);

/* Mask of the address size (0xffff, 0xffffffff or ~0). */
static inline uint64_t insn_addr_mask(const struct insn *in)
{
	return in->addrsize == 8 ? ~0ull : in->addrsize == 4 ? 0xffffffffull : 0xffffull;
}

#endif
