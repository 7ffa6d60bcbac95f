/* SPDX-License-Identifier: MIT */
/* A hypervisor's answer in the GHCB page, taken from the fuzz input. */
#ifndef COCOBOOT_TESTS_FUZZ_GHCB_H
#define COCOBOOT_TESTS_FUZZ_GHCB_H

#include "sev/ghcb.h"
#include "tests/fuzz/fuzz_input.h"

/* The fields a guest reads back after a VMGEXIT (ghcb_resp_copy), 8 bytes each, in
 * this order: valid bitmap (2 words), sw_exit_info_1, sw_exit_info_2, RAX-RDX. */
static inline void fz_ghcb_answer(struct fz_input *in, struct ghcb *g)
{
	g->valid_bitmap[0] = fz_take(in, 8);
	g->valid_bitmap[1] = fz_take(in, 8);
	g->sw_exit_info_1 = fz_take(in, 8);
	g->sw_exit_info_2 = fz_take(in, 8);
	g->rax = fz_take(in, 8);
	g->rbx = fz_take(in, 8);
	g->rcx = fz_take(in, 8);
	g->rdx = fz_take(in, 8);
}

#endif
