/* SPDX-License-Identifier: MIT */
/*
 * Code written by one vCPU and run by another. Each vCPU is its own Unicorn engine with
 * its own translation cache; QEMU notices a write to translated code only within the
 * engine that wrote it. So with more than one vCPU sevsim keeps, per guest page (by GPA;
 * the bring-up region and the special pages by their address), who has run code there
 * (code_owner: 0 nobody, 1 + id one vCPU, 0xFFFF several), marked by the code hook when a
 * vCPU enters another page; a write hook on every engine looks the written page up, and
 * when a vCPU other than the writer has run code there, that engine's translation cache
 * is flushed (UC_CTL_TB_FLUSH: Unicorn 2.0.1's page-range removal walks the engine's page
 * tables and can fault outside a run) and the page starts over as nobody's.
 * Not tracked: linear pages outside [0, max(RAM, 4 GiB)) that sevsim maps on first touch.
 * Cost: docs/sevsim.md "SMP" (figures from make bench).
 */
#include "sim/sim.h"

#define NOBODY  0
#define SEVERAL 0xffffu

static bool page_key(struct sim_vcpu *v, uint64_t la, uint64_t *key)
{
	struct sim *s = v->sim;
	uint64_t p = la >> 12;

	if (la < s->ram_size && v->page_map && v->page_map[p] == SIM_MAP_REMAP)
		p = v->page_tgt_now[p] >> 12;
	else if (la >= s->ram_size && la >= SIM_HIGH_BASE)
		return false;
	*key = p;
	return p < sim_mem_code_pages(s);
}

void sim_smc_exec(struct sim_vcpu *v, uint64_t la)
{
	struct sim *s = v->sim;
	uint64_t key, page = la >> 12;
	uint16_t me = (uint16_t)(1 + v->id);

	if (page == v->last_exec_page && v->exec_gen == s->smc_gen)
		return;
	v->last_exec_page = page;
	v->exec_gen = s->smc_gen;
	if (!page_key(v, la, &key))
		return;
	uint16_t *o = &s->code_owner[key];
	if (*o == NOBODY)
		*o = me;
	else if (*o != me)
		*o = SEVERAL;
}

static void flush_others(struct sim_vcpu *v, uint16_t owner)
{
	struct sim *s = v->sim;

	for (unsigned i = 0; i < s->nr_vcpus; i++) {
		struct sim_vcpu *u = &s->vcpu[i];
		if (u == v || !u->uc || (owner != SEVERAL && owner != 1 + u->id))
			continue;
		uc_ctl_flush_tlb(u->uc); /* UC_CTL_TB_FLUSH: the translation blocks */
		s->smc_flushes++;
	}
	s->smc_gen++;
}

static void hook_write(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
		       void *ud)
{
	struct sim_vcpu *v = ud;
	struct sim *s = v->sim;
	uint64_t last = addr + (uint64_t)(size > 0 ? size - 1 : 0);

	(void)uc;
	(void)type;
	(void)value;
	for (uint64_t a = addr; ; a = (a | 0xfff) + 1) {
		uint64_t key;
		if (page_key(v, a, &key)) {
			uint16_t o = s->code_owner[key];
			if (o != NOBODY && o != 1 + v->id) {
				flush_others(v, o);
				s->code_owner[key] = NOBODY;
			}
		}
		if ((a >> 12) == (last >> 12))
			break;
	}
}

int sim_smc_init_vcpu(struct sim_vcpu *v)
{
	uc_hook h;

	if (!v->sim->code_owner)
		return 0;
	v->last_exec_page = ~0ull;
	if (uc_hook_add(v->uc, &h, UC_HOOK_MEM_WRITE, (void *)hook_write, v, 1, 0) != UC_ERR_OK) {
		sim_fail(v->sim, "vcpu%u: uc_hook_add (write hook): failed", v->id);
		return -1;
	}
	return 0;
}
