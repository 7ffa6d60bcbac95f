/* SPDX-License-Identifier: MIT */
/*
 * A Unicorn 2.0.1 behaviour that breaks exception delivery, and what sevsim does about it.
 *
 * QEMU's exception helper keeps "the exception in flight" (CPUX86State.old_exception) to
 * turn a second contributory fault or page fault into #DF and a fault during #DF into a
 * triple fault; QEMU clears it when it *delivers* an exception. Under Unicorn the interrupt
 * hook replaces delivery (sevsim delivers through cpu/exc.c), so nothing clears it: after
 * the first #PF raised inside Unicorn the second becomes #DF and the third a silent "triple
 * fault" (a reset request: uc_emu_start returns UC_ERR_OK with RIP unchanged, no hook
 * called, and the vCPU spins on the instruction). Linux's decompressor, which builds its
 * identity map on demand from its #PF handler, takes dozens. sim_uc_exception_delivered()
 * clears the field after each delivery of a fault Unicorn raised, as the CPU's delivery
 * would. Unicorn has no API for that field; it is found in the saved CPU context
 * (uc_context_save copies CPUX86State up to its Unicorn-private tail): QEMU keeps it right
 * after the debug registers DR0..DR7 and the four breakpoint pointers, so sevsim writes
 * markers to DR0..DR3, finds them in a saved context, and checks that the field after them
 * holds -1 (no exception in flight) in a fresh engine. If the layout is not what it
 * expects, sevsim refuses to run rather than deliver faults wrongly. (The other half, the
 * #GP from Unicorn translating an `until` address, open_engine avoids with an empty exits
 * list.)
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

/* Unicorn 2.0.1's struct uc_context header (uc_priv.h) before the saved registers. */
struct uc_context_hdr {
	size_t context_size;
	size_t jmp_env_size;
	int mode, arch;
};

/* Markers go to DR0..DR3 only: DR7 stays as it is, so no breakpoint is armed. */
static const int dr_regs[4] = { UC_X86_REG_DR0, UC_X86_REG_DR1, UC_X86_REG_DR2, UC_X86_REG_DR3 };

#define DR_MARK(i) (0x5e5e000000000000ull + ((uint64_t)(i) + 1) * 0x10000)
#define AFTER_DR0  (8 * 8 + 4 * 8) /* DR0..DR7, then 4 breakpoint/watchpoint pointers */

/* Find old_exception in a fresh engine's context; 0 or -1 (sim->error set). */
int sim_uc_quirks_init(struct sim_vcpu *v)
{
	uint64_t saved[4], dr[4];
	uc_context *ctx = NULL;
	size_t off = 0;
	bool found = false;

	for (unsigned i = 0; i < 4; i++) {
		saved[i] = sim_reg(v, dr_regs[i]);
		sim_set_reg(v, dr_regs[i], DR_MARK(i));
		dr[i] = DR_MARK(i);
	}
	if (uc_context_alloc(v->uc, &ctx) == UC_ERR_OK && uc_context_save(v->uc, ctx) == UC_ERR_OK) {
		const struct uc_context_hdr *h = (const void *)ctx;
		const uint8_t *data = (const uint8_t *)(h + 1);
		size_t n = h->context_size;
		int32_t cur;

		for (off = 0; n >= AFTER_DR0 + 4 && off <= n - AFTER_DR0 - 4; off += 8)
			if (!memcmp(data + off, dr, sizeof(dr)))
				break;
		if (n >= AFTER_DR0 + 4 && off <= n - AFTER_DR0 - 4) {
			off += AFTER_DR0;
			memcpy(&cur, data + off, 4);
			found = cur == -1;
		}
	}
	if (ctx)
		uc_context_free(ctx);
	for (unsigned i = 0; i < 4; i++)
		sim_set_reg(v, dr_regs[i], saved[i]);
	if (!found) {
		sim_fail(v->sim, "vcpu%u: this Unicorn's CPU context does not have the layout sevsim "
			 "expects (old_exception after DR0..DR7); exception delivery would be wrong",
			 v->id);
		return -1;
	}
	v->uc_old_exception_off = off;
	return 0;
}

/* After sevsim delivered a fault Unicorn raised: no exception is in flight any more. */
void sim_uc_exception_delivered(struct sim_vcpu *v)
{
	uc_context *ctx = NULL;

	if (!v->uc_old_exception_off || uc_context_alloc(v->uc, &ctx) != UC_ERR_OK)
		return;
	if (uc_context_save(v->uc, ctx) == UC_ERR_OK) {
		uint8_t *data = (uint8_t *)((struct uc_context_hdr *)(void *)ctx + 1);
		int32_t none = -1;

		memcpy(data + v->uc_old_exception_off, &none, 4);
		uc_context_restore(v->uc, ctx);
	}
	uc_context_free(ctx);
}
