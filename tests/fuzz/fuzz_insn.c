/* SOURCES: ghcb/insn.c */
/*
 * libFuzzer harness for the #VC instruction decoder. Claims checked on every input, in both
 * 32-bit and 64-bit mode: no crash or UB (ASan+UBSan), a decoded length is 1..15 and never
 * more than the input, decoding exactly those bytes again gives the same result, and any
 * shorter prefix of them reports "truncated". The effective-address helpers run too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "x86/insn.h"

/* Field-wise comparison (struct padding is not part of the result). */
static int same(const struct insn *a, const struct insn *b)
{
	return a->len == b->len && a->mode == b->mode && a->opsize == b->opsize &&
	       a->addrsize == b->addrsize && a->rep == b->rep && a->seg == b->seg &&
	       a->lock == b->lock && a->p66 == b->p66 && a->p67 == b->p67 && a->rex == b->rex &&
	       a->nprefix == b->nprefix && a->map == b->map && a->opcode == b->opcode &&
	       a->has_modrm == b->has_modrm && a->modrm == b->modrm && a->mod == b->mod &&
	       a->reg == b->reg && a->rm == b->rm && a->has_sib == b->has_sib && a->sib == b->sib &&
	       a->ea_base == b->ea_base && a->ea_index == b->ea_index &&
	       a->ea_scale == b->ea_scale && a->rip_relative == b->rip_relative &&
	       a->disp == b->disp && a->disp_size == b->disp_size && a->imm_size == b->imm_size &&
	       a->imm == b->imm;
}

static void check_mode(const uint8_t *data, size_t size, enum insn_mode mode)
{
	struct insn in, again;
	int st = insn_decode(&in, data, size, mode);

	if (st != INSN_OK) {
		if (st != INSN_ERR_TRUNCATED && st != INSN_ERR_TOO_LONG && st != INSN_ERR_INVALID &&
		    st != INSN_ERR_UNSUPPORTED)
			abort();
		if (st == INSN_ERR_TOO_LONG && size < INSN_MAX_LEN)
			abort();
		return;
	}
	if (in.len == 0 || in.len > INSN_MAX_LEN || in.len > size)
		abort();
	if (in.opsize != 2 && in.opsize != 4 && in.opsize != 8)
		abort();
	if (in.addrsize != 2 && in.addrsize != 4 && in.addrsize != 8)
		abort();

	/* Exactly len bytes, copied to a tight heap buffer so ASan sees any over-read. */
	uint8_t *copy = malloc(in.len);
	memcpy(copy, data, in.len);
	if (insn_decode(&again, copy, in.len, mode) != INSN_OK || !same(&in, &again))
		abort();
	for (size_t n = 0; n < in.len; n++)
		if (insn_decode(&again, copy, n, mode) != INSN_ERR_TRUNCATED)
			abort();
	free(copy);

	struct insn_regs r;
	memset(&r, 0xa5, sizeof(r));
	uint64_t a;
	(void)insn_mem_offset(&in, &r, &a);
	(void)insn_mem_linear(&in, &r, &a);
	(void)insn_str_src(&in, &r);
	(void)insn_str_dst(&in, &r);
	(void)insn_imm_sext(&in);
	(void)insn_mem_seg(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_mode(data, size, INSN_MODE_64);
	check_mode(data, size, INSN_MODE_32);
	return 0;
}
