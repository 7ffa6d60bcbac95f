/* SPDX-License-Identifier: MIT */
/*
 * The linear address of an instruction's memory operand (AMD APM vol. 1, 2.2.1.3 "64-bit
 * addressing"; vol. 3, 1.4 "ModRM and SIB bytes"), from the ModRM/SIB/displacement that
 * cpu/insn.c decoded. The cache model needs it for CLFLUSH, which Unicorn executes as a
 * no-op without touching memory. 32- and 64-bit addressing; segment bases are 0 except
 * FS and GS (flat segments everywhere else, as in long mode and in cocoboot's 32-bit code).
 * 16-bit addressing (67 prefix in 32-bit code) is not decoded: false.
 */
#include "sim/sim.h"

const int sim_gpr[16] = {
	UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX,
	UC_X86_REG_RSP, UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI,
	UC_X86_REG_R8, UC_X86_REG_R9, UC_X86_REG_R10, UC_X86_REG_R11,
	UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};

bool sim_insn_ea(struct sim_vcpu *v, const struct sim_insn *in, uint64_t rip, bool code64,
		 uint64_t *la)
{
	unsigned mod = in->modrm >> 6, rm = in->modrm & 7;
	unsigned rex_b = in->rex & 1, rex_x = (in->rex >> 1) & 1;
	uint64_t a = (uint64_t)in->disp;

	if (!in->has_mem || (!code64 && in->adsize))
		return false;
	if (in->has_sib) {
		unsigned base = in->sib & 7, index = (in->sib >> 3) & 7, scale = in->sib >> 6;

		if (!(mod == 0 && base == 5))
			a += sim_reg(v, sim_gpr[base | (rex_b << 3)]);
		if ((index | (rex_x << 3)) != 4)
			a += sim_reg(v, sim_gpr[index | (rex_x << 3)]) << scale;
	} else if (mod == 0 && rm == 5) {
		if (code64) /* RIP-relative: from the end of the instruction */
			a += rip + in->len;
	} else {
		a += sim_reg(v, sim_gpr[rm | (rex_b << 3)]);
	}
	if (!code64 || in->adsize)
		a &= 0xffffffffull;
	if (in->seg == 0x64 || in->seg == 0x65) {
		uint64_t base = 0;

		uc_reg_read(v->uc, in->seg == 0x64 ? UC_X86_REG_FS_BASE : UC_X86_REG_GS_BASE, &base);
		a += base;
		if (!code64)
			a &= 0xffffffffull;
	}
	*la = a;
	return true;
}
