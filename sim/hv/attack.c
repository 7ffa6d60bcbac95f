/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's attacks on guest memory (docs/lies.md). Under SEV-ES the hypervisor
 * cannot read private memory, but it can write the stored (encrypted) bytes of any page:
 * there is no integrity or freshness check before SNP's RMP.
 *  - cbit-alias-predict: the guest's C-bit check value is compared through its new page
 *    tables; with a wrong C-bit that read goes to the shared alias, i.e. the stored bytes.
 *    An attacker who can predict the value writes it there, and the check passes. The value
 *    is predictable when it came from sources the hypervisor controls (RDTSC: the TSC
 *    offset is the hypervisor's) and public code: sevsim stands for that computation by
 *    reading the value when its CPU offers no RDRAND (CPUID 1 ECX[30] clear); with RDRAND
 *    the attacker can only guess.
 *  - replay-private: the stored bytes of the kernel image (its data, stacks and the GHCB
 *    page included), saved at the first VMGEXIT, are written back at a later one.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

/* Paging just came on: the guest reads its check value next. */
void sim_attack_paging_on(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	static bool done;
	uint32_t id[4];
	uint64_t val;

	if (done || !(v->cr0 & (1ull << 31)) || !sim_lie(s, SIM_LIE_CBIT_ALIAS_PREDICT))
		return;
	done = true;
	sim_cpuid(s, v, 1, 0, false, id);
	if (!sim_mem_is_ram(s, s->cbit_check_gpa, sizeof(val)))
		return;
	if (!(id[2] & (1u << 30)))
		memcpy(&val, s->ram + s->cbit_check_gpa, sizeof(val));  /* predicted (plaintext) */
	else
		val = sim_rand(s);                                             /* a guess */
	sim_mem_hv_write(s, s->cbit_check_gpa, &val, sizeof(val));
	sim_trace(s, "attack: wrote %#" PRIx64 " at the stored bytes of GPA %#" PRIx64, val,
		  s->cbit_check_gpa);
}

void sim_attack_vmgexit(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	static uint8_t *saved;
	uint64_t len = s->kernel_end - s->kernel_start;

	if (!sim_lie_on(s, SIM_LIE_REPLAY_PRIVATE))
		return;
	if (!saved) {
		saved = malloc(len);
		if (saved && !sim_mem_hv_read(s, s->kernel_start, saved, len)) {
			free(saved);
			saved = NULL;
		}
		s->replay_buf = saved;
		return;
	}
	if (sim_lie(s, SIM_LIE_REPLAY_PRIVATE))
		sim_mem_hv_write(s, s->kernel_start, saved, len);
}
