/* SPDX-License-Identifier: MIT */
/*
 * Classify the instruction about to execute: the code hook needs to know, before Unicorn
 * runs it, whether it is one that an SEV-ES CPU turns into #VC, a VMGEXIT, a hypercall,
 * HLT, an MSR access sevsim models, or a control-register write that changes paging.
 * Opcodes as listed in amd-sev-facts.md §4.1 (Linux vc_check_opcode_bytes).
 * Only what those need is decoded: legacy prefixes, REX, and the fixed forms.
 */
#include <string.h>

#include "sim/sim.h"

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
		else if (p == 0xf0 || p == 0x26 || p == 0x2e || p == 0x36 || p == 0x3e ||
			 p == 0x64 || p == 0x65)
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
	default: return true; /* SIM_OP_OTHER */
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
	case 0x21: case 0x22: case 0x23:
		if (i + 2 >= n)
			return false;
		in->modrm_reg = (b[i + 2] >> 3) & 7;
		if (in->rex & 4)
			in->modrm_reg += 8;
		in->modrm_rm = (b[i + 2] & 7) | ((in->rex & 1) ? 8 : 0);
		in->opcode = op2 == 0x21 ? SIM_OP_MOV_FROM_DR :
			     op2 == 0x23 ? SIM_OP_MOV_TO_DR : SIM_OP_MOV_TO_CR;
		in->len = i + 3;
		return true;
	case 0x01:
		break;
	default:
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
	default:
		break;
	}
	if ((m >> 6) != 3 && ((m >> 3) & 7) == 7)
		in->opcode = SIM_OP_INVLPG; /* length not needed: it runs natively */
	return true;
}
