/* SPDX-License-Identifier: MIT */
/*
 * Classify the instruction about to execute: the code hook needs to know, before Unicorn
 * runs it, whether it is one that an SEV-ES CPU turns into #VC, a VMGEXIT, a hypercall,
 * HLT, an MSR access sevsim models, or a control-register write that changes paging.
 * Opcodes as listed in amd-sev-facts.md §4.1 (Linux vc_check_opcode_bytes).
 * Only what those need is decoded: legacy prefixes, REX, and the fixed forms; plus
 *  - RDRAND (NP 0F C7 /6, register form; AMD APM vol. 3 "RDRAND"), which Unicorn lacks;
 *  - CLFLUSH / CLFLUSHOPT (0F AE /7, memory form, optional 66), with its ModRM, SIB and
 *    displacement so cpu/ea.c can compute the address the cache model flushes;
 *  - the opcodes the architecture leaves undefined (AMD APM vol. 3, Appendix A opcode
 *    maps: slots marked invalid in 64-bit mode or not defined at all, and undefined
 *    ModRM.reg extensions of groups 4, 5, 11 and LEA with a register operand), so
 *    sevsim raises #UD for them itself: Unicorn 2.0.1 reports only some of them.
 */
#include <string.h>

#include "sim/sim.h"

/* Two-byte opcodes 0F xx no extension of the architecture defines (AMD APM vol. 3,
 * Table as sevsim's CPU model has them: no 3DNow!, no SSE5). */
static bool undefined_0f(uint8_t op2)
{
	switch (op2) {
	case 0x04: case 0x0a: case 0x0b /* UD2 */: case 0x0c:
	case 0x24: case 0x25: case 0x26: case 0x27: case 0x36: case 0x39:
	case 0x3b: case 0x3c: case 0x3d: case 0x3e: case 0x3f:
	case 0x7a: case 0x7b: case 0xa6: case 0xa7: case 0xb9 /* UD1 */: case 0xff /* UD0 */:
		return true;
	default:
		return false;
	}
}

/* One-byte opcodes: invalid in 64-bit mode, and group extensions no instruction uses. */
static bool classify_one_byte(const uint8_t *b, unsigned n, unsigned i, bool mode64,
			      struct sim_insn *in)
{
	uint8_t op = b[i];
	unsigned reg = i + 1 < n ? (b[i + 1] >> 3) & 7 : 0;
	bool mod3 = i + 1 < n && (b[i + 1] >> 6) == 3;

	switch (op) {
	case 0x06: case 0x07: case 0x0e: case 0x16: case 0x17: case 0x1e: case 0x1f:
	case 0x27: case 0x2f: case 0x37: case 0x3f: case 0x60: case 0x61: case 0x82:
	case 0x9a: case 0xce: case 0xd4: case 0xd5: case 0xd6: case 0xea:
	/* LES, LDS, BOUND in 32-bit code; in 64-bit code the VEX and EVEX prefixes, which
	 * raise #UD on sevsim's CPU: cpu/cpuid.c offers no AVX */
	case 0xc4: case 0xc5: case 0x62:
		in->undefined = in->undefined64 = mode64;
		break;
	case 0xfe: /* group 4: only /0 INC, /1 DEC */
		in->undefined = i + 1 < n && reg >= 2;
		break;
	case 0xff: /* group 5: /7 undefined */
		in->undefined = i + 1 < n && reg == 7;
		break;
	case 0x8d: /* LEA needs a memory operand */
		in->undefined = mod3;
		break;
	case 0xc6: case 0xc7: /* group 11: /0 MOV; /7 only XABORT/XBEGIN (RTM, not modelled) */
		in->undefined = i + 1 < n && reg != 0;
		break;
	default:
		break;
	}
	return true;
}

/* ModRM (+SIB, displacement) at b[i + 2] of a 0F xx instruction: 0F C7 (RDRAND) and
 * 0F AE (CLFLUSH). */
static bool modrm_form(const uint8_t *b, unsigned n, unsigned i, bool mode64, struct sim_insn *in)
{
	unsigned p = i + 2;

	if (p >= n)
		return false;
	uint8_t m = b[p++], mod = m >> 6, rm = m & 7;

	in->modrm = m;
	in->modrm_reg = (m >> 3) & 7;
	in->modrm_rm = rm | ((in->rex & 1) ? 8 : 0);
	if (mod != 3) {
		if (rm == 4) {
			if (p >= n)
				return false;
			in->sib = b[p++];
			in->has_sib = true;
		}
		unsigned dsize = mod == 1 ? 1 : mod == 2 ? 4 : 0;
		if (mod == 0 && (rm == 5 || (in->has_sib && (in->sib & 7) == 5)))
			dsize = 4;
		if (p + dsize > n)
			return false;
		int64_t d = 0;
		if (dsize == 1)
			d = (int8_t)b[p];
		else if (dsize == 4)
			d = (int32_t)((uint32_t)b[p] | (uint32_t)b[p + 1] << 8 |
				      (uint32_t)b[p + 2] << 16 | (uint32_t)b[p + 3] << 24);
		in->disp = d;
		p += dsize;
		in->has_mem = true;
	}
	in->len = p;
	(void)mode64;
	if (b[i + 1] == 0xc7) {
		/* NP 0F C7 /6, register form: RDRAND (66: 16-bit operand) */
		if (mod == 3 && in->modrm_reg == 6 && !in->rep && !in->rep_ne)
			in->opcode = SIM_OP_RDRAND;
		return true;
	}
	/* 0F AE /7, memory form, no F2/F3: CLFLUSH (66: CLFLUSHOPT) */
	if (mod != 3 && in->modrm_reg == 7 && !in->rep && !in->rep_ne)
		in->opcode = SIM_OP_CLFLUSH;
	return true;
}

bool sim_insn_decode(const uint8_t *b, unsigned n, bool mode64, bool cs32, struct sim_insn *in)
{
	unsigned i = 0;

	(void)cs32;
	memset(in, 0, sizeof(*in));
	for (; i < n && i < 14; i++) {
		uint8_t p = b[i];
		if (p == 0x66)
			in->opsize = true;
		else if (p == 0x67)
			in->adsize = true;
		else if (p == 0xf3)
			in->rep = true;
		else if (p == 0xf2)
			in->rep_ne = true;
		else if (p == 0x64 || p == 0x65)
			in->seg = p;
		else if (p == 0xf0 || p == 0x26 || p == 0x2e || p == 0x36 || p == 0x3e)
			continue;
		else
			break;
	}
	if (mode64 && i < n && (b[i] & 0xf0) == 0x40)
		in->rex = b[i++];
	if (i >= n)
		return false;

	uint8_t op = b[i];
	switch (op) {
	case 0xf4: in->opcode = SIM_OP_HLT; in->len = i + 1; return true;
	case 0xe4: case 0xe5: in->opcode = SIM_OP_IN; in->len = i + 2; return true;
	case 0xe6: case 0xe7: in->opcode = SIM_OP_OUT; in->len = i + 2; return true;
	case 0xec: case 0xed: in->opcode = SIM_OP_IN; in->len = i + 1; return true;
	case 0xee: case 0xef: in->opcode = SIM_OP_OUT; in->len = i + 1; return true;
	case 0x6c: case 0x6d: in->opcode = SIM_OP_INS; in->len = i + 1; return true;
	case 0x6e: case 0x6f: in->opcode = SIM_OP_OUTS; in->len = i + 1; return true;
	case 0xcf: in->opcode = SIM_OP_IRET; in->len = i + 1; return true;
	case 0x0f: break;
	default:
		return classify_one_byte(b, n, i, mode64, in);
	}
	if (i + 1 >= n)
		return false;
	uint8_t op2 = b[i + 1];
	switch (op2) {
	case 0xa2: in->opcode = SIM_OP_CPUID; in->len = i + 2; return true;
	case 0x30: in->opcode = SIM_OP_WRMSR; in->len = i + 2; return true;
	case 0x32: in->opcode = SIM_OP_RDMSR; in->len = i + 2; return true;
	case 0x31: in->opcode = SIM_OP_RDTSC; in->len = i + 2; return true;
	case 0x33: in->opcode = SIM_OP_RDPMC; in->len = i + 2; return true;
	case 0x09: in->opcode = SIM_OP_WBINVD; in->len = i + 2; return true;
	case 0x08: in->opcode = SIM_OP_INVD; in->len = i + 2; return true;
	case 0x20: case 0x21: case 0x22: case 0x23:
		if (i + 2 >= n)
			return false;
		in->modrm_reg = (b[i + 2] >> 3) & 7;
		if (in->rex & 4)
			in->modrm_reg += 8;
		in->modrm_rm = (b[i + 2] & 7) | ((in->rex & 1) ? 8 : 0);
		in->opcode = op2 == 0x20 ? SIM_OP_MOV_FROM_CR : op2 == 0x21 ? SIM_OP_MOV_FROM_DR :
			     op2 == 0x23 ? SIM_OP_MOV_TO_DR : SIM_OP_MOV_TO_CR;
		in->len = i + 3;
		return true;
	case 0x01:
		break;
	case 0xc7:
	case 0xae:
		return modrm_form(b, n, i, mode64, in);
	default:
		in->undefined = undefined_0f(op2);
		return true;
	}
	if (i + 2 >= n)
		return false;
	uint8_t m = b[i + 2];
	in->len = i + 3;
	switch (m) {
	case 0xd9: in->opcode = in->rep ? SIM_OP_VMGEXIT : SIM_OP_VMMCALL; return true;
	case 0xf9: in->opcode = SIM_OP_RDTSCP; return true;
	case 0xc8: case 0xfa: in->opcode = SIM_OP_MONITOR; return true;
	case 0xc9: case 0xfb: in->opcode = SIM_OP_MWAIT; return true;
	case 0xff: in->opcode = in->rep_ne ? SIM_OP_PVALIDATE : SIM_OP_OTHER; return true;
	case 0xfe: in->opcode = in->rep ? SIM_OP_RMPADJUST : SIM_OP_OTHER; return true;
	default:
		break;
	}
	if ((m >> 6) != 3 && ((m >> 3) & 7) == 7)
		in->opcode = SIM_OP_INVLPG; /* length not needed: it runs natively */
	return true;
}
