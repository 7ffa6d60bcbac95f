// SPDX-License-Identifier: MIT
/*
 * Page state changes (facts §5.1). Rules from the specification as Linux applies them
 * (arch/x86/coco/sev/core.c vmgexit_psc): the hypervisor may return before the last entry;
 * the guest then issues the same descriptor again; end_entry must not change, cur_entry
 * must not go backwards, the reserved header field must stay 0. cocoboot is stricter in
 * one point: a call that returns success without moving (cur_entry, cur_page) forward is
 * fake progress (a hypervisor that never finishes would otherwise hold the guest in a loop),
 * and an entry below cur_entry must say it is complete (cur_page = its page count, which
 * KVM writes and sevsim models): "all done" with the entries untouched is caught here.
 */
#include "snp/psc.h"

#include <stdbool.h>

#include "sev/exit_codes.h"
#include "sev/msr_protocol.h"
#include "sev/term.h"

int snp_psc_msr(struct vc_cpu *cpu, uint64_t gfn, unsigned op)
{
	cpu->stats.vmgexits++;
	int err = ghcb_check_psc(cpu->ops->msr_exchange(cpu->ctx, ghcb_msr_psc_req(gfn, op)));

	return err == CB_TERM_GHCB_HV_ERROR ? CB_TERM_SNP_PSC : err;
}

static void put16(volatile uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static uint16_t get16(const volatile uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static void put64(volatile uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const volatile uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int snp_psc_batch(struct vc_cpu *cpu, const uint64_t *entries, unsigned n, unsigned *calls)
{
	volatile struct ghcb *g = cpu->ghcb;
	uint32_t last = 0;              /* (cur_entry << 12) | cur_page reached so far */
	unsigned done_below = 0;        /* entries already checked complete */

	if (!g || n == 0 || n > SNP_PSC_MAX_ENTRIES)
		return CB_TERM_SNP_PSC;
	volatile uint8_t *d = &g->shared_buffer[0];
	put16(d, 0);
	put16(d + 2, (uint16_t)(n - 1));
	for (unsigned i = 4; i < 8; i++)
		d[i] = 0;
	for (unsigned i = 0; i < n; i++)
		put64(d + 8 + 8 * i, entries[i]);

	for (;;) {
		struct ghcb_resp r;

		vc_ghcb_begin(cpu);
		g->sw_scratch = cpu->ghcb_gpa + GHCB_SHARED_BUF_OFFSET;
		ghcb_set_valid(g, GHCB_BIT_SW_SCRATCH);
		if (calls)
			++*calls;
		int err = vc_ghcb_call(cpu, SVM_VMGEXIT_PSC, 0, 0, &r);
		if (err)
			return err;
		if (r.sw_exit_info_2 != SNP_PSC_OK)
			return CB_TERM_SNP_PSC;
		/* Each field read once; the hypervisor may still be writing the page. */
		uint16_t cur = get16(d), end = get16(d + 2);
		uint32_t reserved = (uint32_t)get16(d + 4) | ((uint32_t)get16(d + 6) << 16);

		if (end != n - 1 || reserved != 0 || cur > end + 1)
			return CB_TERM_SNP_PSC_PROGRESS;
		/* Entries before cur_entry are done: the hypervisor records each as complete
		 * (cur_page = its page count, as KVM's snp_complete_psc does). "Done" with an
		 * entry untouched is progress it did not make. */
		for (unsigned i = done_below; i < cur; i++) {
			bool h = (entries[i] >> 56) & 1;
			if (snp_psc_entry_cur_page(get64(d + 8 + 8 * i)) != (h ? 512u : 1u))
				return CB_TERM_SNP_PSC_PROGRESS;
		}
		done_below = cur;
		if (cur > end)
			return 0;
		uint64_t e = get64(d + 8 + 8 * cur);
		unsigned page = snp_psc_entry_cur_page(e);
		bool huge = (entries[cur] >> 56) & 1;

		if (page >= (huge ? 512u : 1u))
			return CB_TERM_SNP_PSC_PROGRESS;
		uint32_t now = ((uint32_t)cur << 12) | page;
		if (now <= last)  /* (0, 0) on the first return: nothing done */
			return CB_TERM_SNP_PSC_PROGRESS;
		last = now;
	}
}
