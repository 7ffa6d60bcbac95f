/* SPDX-License-Identifier: MIT */
/*
 * Exception delivery through the guest's own IDT, as the CPU does it (AMD APM vol. 2,
 * "Exceptions and Interrupts": interrupt-gate / trap-gate delivery in protected and long
 * mode). Unicorn 2.0.1 does not deliver exceptions itself (it calls hooks instead), so
 * sevsim builds the frame, switches the stack (IST, or RSP0 on a privilege change), and
 * loads CS:RIP and RFLAGS. A failure while delivering becomes #DF; a failure delivering
 * #DF is a triple fault, which ends the run.
 *
 * #VC (vector 29) is delivered like any fault with an error code: the error code is the
 * SVM exit code and the saved RIP points at the instruction that caused it
 * (amd-sev-facts.md §4.1).
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"

#define SIM_EXIT_CPUID 0x72ull
#define SIM_EXIT_IOIO  0x7bull
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_NT (1ull << 14)
#define RFLAGS_RF (1ull << 16)
#define RFLAGS_VM (1ull << 17)

static bool why(struct sim_vcpu *v, char *buf, size_t n, const char *msg)
{
	(void)v;
	snprintf(buf, n, "%s", msg);
	return false;
}

static bool push(struct sim_vcpu *v, uint64_t *sp, uint64_t val, unsigned size)
{
	*sp -= size;
	if (size == 4)
		*sp &= 0xffffffffull;
	return sim_mmu_write(v, *sp, &val, size);
}

static bool deliver_once(struct sim_vcpu *v, unsigned vec, bool has_err, uint64_t err,
			 char *reason, size_t rn)
{
	uc_x86_mmr idtr = { 0 }, tr = { 0 };
	uint64_t rip = sim_reg(v, UC_X86_REG_RIP), rflags = sim_reg(v, UC_X86_REG_EFLAGS);
	uint64_t cs = sim_reg(v, UC_X86_REG_CS), ss = sim_reg(v, UC_X86_REG_SS);
	uint64_t rsp = sim_reg(v, UC_X86_REG_RSP), sp;
	uint8_t g[16];
	unsigned type, cpl = (unsigned)(cs & 3);

	uc_reg_read(v->uc, UC_X86_REG_IDTR, &idtr);
	uc_reg_read(v->uc, UC_X86_REG_TR, &tr);
	if (!(sim_reg(v, UC_X86_REG_CR0) & 1))
		return why(v, reason, rn, "real mode: no IDT delivery modelled");

	if (sim_long_mode(v)) {
		if (!sim_cs64(v)) {
			/* Unicorn 2.0.1 keeps decoding with the old code size after a CS write
			 * through its API, so a 64-bit handler would run as 32-bit code. */
			sim_fail(v->sim, "vcpu%u: vector %u raised in compatibility mode at rip %#"
				 PRIx64 ": delivery to a 64-bit handler is not modelled", v->id, vec, rip);
			return why(v, reason, rn, "delivery from compatibility mode not modelled");
		}
		if ((uint64_t)vec * 16 + 15 > idtr.limit)
			return why(v, reason, rn, "vector beyond the IDT limit");
		if (!sim_mmu_read(v, idtr.base + vec * 16, g, 16))
			return why(v, reason, rn, "IDT entry not readable");
		type = g[5] & 0xf;
		if (!(g[5] & 0x80))
			return why(v, reason, rn, "IDT gate not present");
		if (type != 0xe && type != 0xf)
			return why(v, reason, rn, "IDT entry is not a 64-bit interrupt or trap gate");
		uint64_t sel = g[2] | (uint64_t)g[3] << 8;
		uint64_t off = g[0] | (uint64_t)g[1] << 8 | (uint64_t)g[6] << 16 |
			       (uint64_t)g[7] << 24 | (uint64_t)g[8] << 32 | (uint64_t)g[9] << 40 |
			       (uint64_t)g[10] << 48 | (uint64_t)g[11] << 56;
		unsigned ist = g[4] & 7;
		if (!(sel & ~3ull))
			return why(v, reason, rn, "IDT gate has a null selector");
		sp = rsp;
		if (ist) {
			if (!sim_mmu_read(v, tr.base + 0x24 + (ist - 1) * 8, &sp, 8))
				return why(v, reason, rn, "TSS IST slot not readable");
		} else if (cpl != 0) {
			if (!sim_mmu_read(v, tr.base + 4, &sp, 8))
				return why(v, reason, rn, "TSS RSP0 not readable");
		}
		sp &= ~0xfull;
		/* The old SS:RSP are pushed in long mode in every case; on a privilege
		 * change SS is then loaded with a null selector whose RPL is the new CPL
		 * (AMD APM vol. 2, 8.9.3 "Interrupt Stack Frame"; Intel SDM vol. 3A 6.14.2). */
		if (!push(v, &sp, ss, 8) || !push(v, &sp, rsp, 8) ||
		    !push(v, &sp, rflags, 8) || !push(v, &sp, cs, 8) || !push(v, &sp, rip, 8) ||
		    (has_err && !push(v, &sp, err, 8)))
			return why(v, reason, rn, "exception stack not writable");
		rflags &= ~(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM);
		if (type == 0xe)
			rflags &= ~RFLAGS_IF;
		if ((sel & ~3ull) != (cs & ~3ull) && uc_reg_write(v->uc, UC_X86_REG_CS, &sel) != UC_ERR_OK)
			return why(v, reason, rn, "gate selector not loadable");
		if (cpl != 0) {
			uint64_t null_ss = 0;
			uc_reg_write(v->uc, UC_X86_REG_SS, &null_ss);
		}
		sim_set_reg(v, UC_X86_REG_RSP, sp);
		sim_set_reg(v, UC_X86_REG_EFLAGS, rflags);
		sim_set_reg(v, UC_X86_REG_RIP, off);
		return true;
	}

	/* 32-bit protected mode, same privilege level (the PVH entry runs at CPL 0). */
	if ((uint64_t)vec * 8 + 7 > idtr.limit)
		return why(v, reason, rn, "vector beyond the IDT limit");
	if (!sim_mmu_read(v, idtr.base + vec * 8, g, 8))
		return why(v, reason, rn, "IDT entry not readable");
	type = g[5] & 0xf;
	if (!(g[5] & 0x80))
		return why(v, reason, rn, "IDT gate not present");
	if (type != 0xe && type != 0xf)
		return why(v, reason, rn, "IDT entry is not a 32-bit interrupt or trap gate");
	if (cpl != 0)
		return why(v, reason, rn, "32-bit delivery from CPL > 0 is not modelled");
	uint64_t sel = g[2] | (uint64_t)g[3] << 8;
	uint64_t off = g[0] | (uint64_t)g[1] << 8 | (uint64_t)g[6] << 16 | (uint64_t)g[7] << 24;
	if (!(sel & ~3ull))
		return why(v, reason, rn, "IDT gate has a null selector");
	sp = rsp & 0xffffffffull;
	if (!push(v, &sp, rflags & 0xffffffffull, 4) || !push(v, &sp, cs, 4) ||
	    !push(v, &sp, rip & 0xffffffffull, 4) || (has_err && !push(v, &sp, err, 4)))
		return why(v, reason, rn, "exception stack not writable");
	rflags &= ~(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM);
	if (type == 0xe)
		rflags &= ~RFLAGS_IF;
	if ((sel & ~3ull) != (cs & ~3ull) && uc_reg_write(v->uc, UC_X86_REG_CS, &sel) != UC_ERR_OK)
		return why(v, reason, rn, "gate selector not loadable");
	sim_set_reg(v, UC_X86_REG_RSP, (rsp & ~0xffffffffull) | sp);
	sim_set_reg(v, UC_X86_REG_EFLAGS, rflags);
	sim_set_reg(v, UC_X86_REG_RIP, off);
	return true;
}

bool sim_exc_deliver(struct sim_vcpu *v, unsigned vector, bool has_err, uint64_t err)
{
	struct sim *s = v->sim;
	char reason[128] = "", reason_df[128] = "";
	uint64_t rip = sim_reg(v, UC_X86_REG_RIP);

	if (deliver_once(v, vector, has_err, err, reason, sizeof(reason)))
		return true;
	sim_trace(s, "vcpu%u: delivering vector %u at rip %#" PRIx64 " failed (%s): #DF",
		  v->id, vector, rip, reason);
	if (vector != 8 && deliver_once(v, 8, true, 0, reason_df, sizeof(reason_df)))
		return true;
	s->fault_rip = rip;
	sim_fail(s, "vcpu%u: triple fault: vector %u at rip %#" PRIx64 " could not be delivered "
		 "(%s)%s%s", v->id, vector, rip, reason, reason_df[0] ? ", then #DF: " : "",
		 reason_df);
	s->result = SIM_RES_TRIPLE_FAULT;
	return false;
}

bool sim_vc_raise(struct sim_vcpu *v, uint64_t exit_code)
{
	struct sim *s = v->sim;

	s->vc++;
	v->vc++;
	sim_counter_add(&s->vc_by_code, exit_code);
	/* docs/lies.md: a #VC whose error code does not match the instruction */
	if (sim_lie(s, SIM_LIE_VC_FORGED_CODE))
		exit_code = exit_code == SIM_EXIT_CPUID ? SIM_EXIT_IOIO : SIM_EXIT_CPUID;
	if (sim_lie(s, SIM_LIE_VC_UNKNOWN_CODE))
		exit_code = 0x65;
	sim_trace(s, "vcpu%u: #VC %#" PRIx64 " at rip %#" PRIx64, v->id, exit_code,
		  sim_reg(v, UC_X86_REG_RIP));
	if (!sim_exc_deliver(v, 29, true, exit_code))
		return false;
	sim_inject_at_vc(v);
	return true;
}
