/* SPDX-License-Identifier: MIT */
/*
 * x86 instruction decoder for the #VC handler (see include/x86/insn.h).
 *
 * Layout of an instruction (AMD64 APM vol. 3 §1.1): legacy prefixes, REX (64-bit mode,
 * only in effect when it immediately precedes the opcode), opcode (1 byte, 0F xx, 0F 38 xx,
 * 0F 3A xx), ModRM, SIB, displacement, immediate; at most 15 bytes (§1.1, longer = #GP).
 * The opcode tables below give, per opcode, whether a ModRM byte follows and which
 * immediate; they follow APM vol. 3 appendix A.
 */
#include "x86/insn.h"

/* Per-opcode attributes. */
#define M   0x01u   /* ModRM follows */
#define B   0x02u   /* imm8 */
#define W   0x04u   /* imm16 */
#define Z   0x08u   /* imm16/32 by operand size */
#define V   0x10u   /* imm16/32/64 by operand size (MOV r, imm) */
#define O   0x20u   /* moffs: address-size offset (MOV A0-A3) */
#define I   0x40u   /* invalid in 64-bit mode */
#define X   0x80u   /* undefined opcode */
#define P   0x00u   /* prefix byte (never looked up: consumed before the table) */
#define E   0x00u   /* escape to another map (handled before the table) */

/* One-byte map (APM vol. 3 table A-1). */
static const uint8_t map1[256] = {
	/* 0x00 */ M, M, M, M, B, Z, I, I, M, M, M, M, B, Z, I, E,
	/* 0x10 */ M, M, M, M, B, Z, I, I, M, M, M, M, B, Z, I, I,
	/* 0x20 */ M, M, M, M, B, Z, P, I, M, M, M, M, B, Z, P, I,
	/* 0x30 */ M, M, M, M, B, Z, P, I, M, M, M, M, B, Z, P, I,
	/* 0x40 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* INC/DEC; REX in 64-bit */
	/* 0x50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x60 */ I, I, M|I, M, P, P, P, P, Z, M|Z, B, M|B, 0, 0, 0, 0,
	/* 0x70 */ B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
	/* 0x80 */ M|B, M|Z, M|B|I, M|B, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0x90 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Z|W|I, 0, 0, 0, 0, 0,
	/* 0xA0 */ O, O, O, O, 0, 0, 0, 0, B, Z, 0, 0, 0, 0, 0, 0,
	/* 0xB0 */ B, B, B, B, B, B, B, B, V, V, V, V, V, V, V, V,
	/* 0xC0 */ M|B, M|B, W, 0, M|I, M|I, M|B, M|Z, W|B, 0, W, 0, 0, B, I, 0,
	/* 0xD0 */ M, M, M, M, B|I, B|I, X, 0, M, M, M, M, M, M, M, M,
	/* 0xE0 */ B, B, B, B, B, B, B, B, Z, Z, Z|W|I, B, 0, 0, 0, 0,
	/* 0xF0 */ P, 0, P, P, 0, 0, M, M, 0, 0, 0, 0, 0, 0, M, M,
};

/* Two-byte map 0F xx (APM vol. 3 tables ). */
static const uint8_t map0f[256] = {
	/* 0x00 */ M, M, M, M, X, 0, 0, 0, 0, 0, X, 0, X, M, 0, M|B,
	/* 0x10 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0x20 */ M, M, M, M, X, X, X, X, M, M, M, M, M, M, M, M,
	/* 0x30 */ 0, 0, 0, 0, 0, 0, X, 0, E, X, E, X, X, X, X, X,
	/* 0x40 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0x50 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0x60 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0x70 */ M|B, M|B, M|B, M|B, M, M, M, 0, M, M, X, X, M, M, M, M,
	/* 0x80 */ Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z,
	/* 0x90 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0xA0 */ 0, 0, 0, M, M|B, M, X, X, 0, 0, 0, M, M|B, M, M, M,
	/* 0xB0 */ M, M, M, M, M, M, M, M, M, M, M|B, M, M, M, M, M,
	/* 0xC0 */ M, M, M|B, M, M|B, M|B, M|B, M, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0xD0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0xE0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 0xF0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
};

/* Bounded reader: never touches buf at or beyond min(len, 15). */
struct cursor {
	const uint8_t *buf;
	size_t limit;           /* min(len, INSN_MAX_LEN) */
	size_t pos;
	int err;
};

static bool cur_get(struct cursor *c, uint8_t *b)
{
	if (c->pos >= c->limit) {
		if (!c->err)
			c->err = c->pos >= INSN_MAX_LEN ? INSN_ERR_TOO_LONG : INSN_ERR_TRUNCATED;
		return false;
	}
	*b = c->buf[c->pos++];
	return true;
}

static bool cur_peek(struct cursor *c, uint8_t *b)
{
	if (!cur_get(c, b))
		return false;
	c->pos--;
	return true;
}

/* Little-endian value of n (<= 8) bytes; reads every byte through the cursor. */
static bool cur_le(struct cursor *c, unsigned n, uint64_t *v)
{
	uint64_t r = 0;
	for (unsigned i = 0; i < n; i++) {
		uint8_t b;
		if (!cur_get(c, &b))
			return false;
		if (i < 8)
			r |= (uint64_t)b << (8 * i);
	}
	*v = r;
	return true;
}

static bool is_seg_prefix(uint8_t b, uint8_t *seg)
{
	switch (b) {
	case 0x26: *seg = INSN_SEG_ES; return true;
	case 0x2e: *seg = INSN_SEG_CS; return true;
	case 0x36: *seg = INSN_SEG_SS; return true;
	case 0x3e: *seg = INSN_SEG_DS; return true;
	case 0x64: *seg = INSN_SEG_FS; return true;
	case 0x65: *seg = INSN_SEG_GS; return true;
	default:   return false;
	}
}

/* Legacy prefixes and REX (APM vol. 3 §1.2, §1.8). */
static void decode_prefixes(struct insn *in, struct cursor *c)
{
	uint8_t b;

	while (cur_peek(c, &b)) {
		uint8_t seg;
		if (is_seg_prefix(b, &seg)) {
			in->seg = seg;
		} else if (b == 0x66) {
			in->p66 = true;
		} else if (b == 0x67) {
			in->p67 = true;
		} else if (b == 0xf0) {
			in->lock = true;
		} else if (b == 0xf2 || b == 0xf3) {
			in->rep = b;
		} else if (in->mode == INSN_MODE_64 && (b & 0xf0) == 0x40) {
			in->rex = b;
			c->pos++;
			in->nprefix++;
			continue;       /* REX stays in effect only if the opcode follows */
		} else {
			break;
		}
		in->rex = 0;            /* a legacy prefix after REX cancels the REX */
		c->pos++;
		in->nprefix++;
	}
}

static void set_sizes(struct insn *in)
{
	if (in->mode == INSN_MODE_64) {
		in->opsize = (in->rex & 0x08) ? 8 : in->p66 ? 2 : 4;
		in->addrsize = in->p67 ? 4 : 8;
	} else {
		in->opsize = in->p66 ? 2 : 4;
		in->addrsize = in->p67 ? 2 : 4;
	}
}

/* 16-bit ModRM addressing (APM vol. 3 table 1-12). */
static void modrm16(struct insn *in)
{
	static const uint8_t base16[8] = {
		INSN_REG_RBX, INSN_REG_RBX, INSN_REG_RBP, INSN_REG_RBP,
		INSN_REG_NONE, INSN_REG_NONE, INSN_REG_RBP, INSN_REG_RBX,
	};
	static const uint8_t index16[8] = {
		INSN_REG_RSI, INSN_REG_RDI, INSN_REG_RSI, INSN_REG_RDI,
		INSN_REG_RSI, INSN_REG_RDI, INSN_REG_NONE, INSN_REG_NONE,
	};
	unsigned rm = in->modrm & 7u;

	in->ea_base = base16[rm];
	in->ea_index = index16[rm];
	in->ea_scale = 0;
	if (in->mod == 0 && rm == 6) {
		in->ea_base = INSN_REG_NONE;
		in->disp_size = 2;
	} else if (in->mod == 1) {
		in->disp_size = 1;
	} else if (in->mod == 2) {
		in->disp_size = 2;
	}
}

/* 32/64-bit ModRM + SIB addressing (APM vol. 3 tables 1-13 .. 1-17). */
static void modrm32(struct insn *in, struct cursor *c)
{
	unsigned rm = in->modrm & 7u;
	unsigned rex_b = (in->rex & 1u) << 3, rex_x = (in->rex & 2u) << 2;

	if (rm == 4) {
		uint8_t sib;
		if (!cur_get(c, &sib))
			return;
		in->has_sib = true;
		in->sib = sib;
		unsigned base = sib & 7u, index = ((sib >> 3) & 7u) | rex_x;
		in->ea_scale = sib >> 6;
		in->ea_index = index == 4 ? INSN_REG_NONE : (uint8_t)index;
		if (base == 5 && in->mod == 0) {
			in->ea_base = INSN_REG_NONE;
			in->disp_size = 4;
		} else {
			in->ea_base = (uint8_t)(base | rex_b);
		}
	} else if (rm == 5 && in->mod == 0) {
		in->ea_base = INSN_REG_NONE;
		in->ea_index = INSN_REG_NONE;
		in->disp_size = 4;
		in->rip_relative = in->mode == INSN_MODE_64;
	} else {
		in->ea_base = (uint8_t)(rm | rex_b);
		in->ea_index = INSN_REG_NONE;
	}
	if (in->mod == 1)
		in->disp_size = 1;
	else if (in->mod == 2)
		in->disp_size = 4;
}

static void decode_modrm(struct insn *in, struct cursor *c)
{
	uint8_t m;

	if (!cur_get(c, &m))
		return;
	in->has_modrm = true;
	in->modrm = m;
	in->mod = m >> 6;
	in->reg = (uint8_t)(((m >> 3) & 7u) | ((in->rex & 4u) << 1));
	in->rm = (uint8_t)((m & 7u) | ((in->rex & 1u) << 3));
	in->ea_base = INSN_REG_NONE;
	in->ea_index = INSN_REG_NONE;

	/* MOV to/from CR/DR (0F 20-23) treat mod as 11 whatever it says (APM vol. 3 MOV CRn). */
	if (in->map == INSN_MAP_0F && in->opcode >= 0x20 && in->opcode <= 0x23)
		in->mod = 3;
	if (in->mod == 3)
		return;

	if (in->addrsize == 2)
		modrm16(in);
	else
		modrm32(in, c);
	if (c->err || in->disp_size == 0)
		return;

	uint64_t d;
	if (!cur_le(c, in->disp_size, &d))
		return;
	if (in->disp_size == 1)
		in->disp = (int8_t)(uint8_t)d;
	else if (in->disp_size == 2)
		in->disp = (int16_t)(uint16_t)d;
	else
		in->disp = (int32_t)(uint32_t)d;
}

/* Immediate size in bytes from the table attributes. */
static unsigned imm_bytes(const struct insn *in, unsigned attr)
{
	unsigned n = 0;

	if (attr & Z)
		n += in->opsize == 2 ? 2 : 4;
	if (attr & V)
		n += in->opsize;
	if (attr & O)
		n += in->addrsize;
	if (attr & W)
		n += 2;
	if (attr & B)
		n += 1;
	return n;
}

/* One-byte opcodes whose shape depends on the next byte or on ModRM.reg. */
static int fixup_1byte(struct insn *in, struct cursor *c)
{
	uint8_t next;

	switch (in->opcode) {
	case 0x62:              /* BOUND in 32-bit mode, EVEX otherwise */
	case 0xc4:              /* LES / VEX3 */
	case 0xc5:              /* LDS / VEX2 */
		if (in->mode == INSN_MODE_64)
			return INSN_ERR_UNSUPPORTED;
		if (!cur_peek(c, &next))
			return c->err;
		if ((next >> 6) == 3)
			return INSN_ERR_UNSUPPORTED;
		return INSN_OK;
	default:
		return INSN_OK;
	}
}

/* Checks and immediates that depend on ModRM.reg (groups). */
static int fixup_group(struct insn *in, unsigned *attr)
{
	unsigned r = (in->modrm >> 3) & 7u;

	if (in->map == INSN_MAP_1BYTE) {
		switch (in->opcode) {
		case 0x8f:              /* POP Ev; reg != 0 is XOP */
			return r == 0 ? INSN_OK : INSN_ERR_UNSUPPORTED;
		case 0xf6:              /* TEST Eb, ib for /0 and /1 */
			if (r <= 1)
				*attr |= B;
			return INSN_OK;
		case 0xf7:              /* TEST Ev, iz for /0 and /1 */
			if (r <= 1)
				*attr |= Z;
			return INSN_OK;
		case 0xc6:              /* MOV Eb, ib (/0); XABORT ib (C6 F8) */
		case 0xc7:              /* MOV Ev, iz (/0); XBEGIN Jz (C7 F8) */
			return (r == 0 || in->modrm == 0xf8) ? INSN_OK : INSN_ERR_INVALID;
		case 0xfe:              /* INC/DEC Eb only */
			return r <= 1 ? INSN_OK : INSN_ERR_INVALID;
		case 0xff:              /* /7 undefined */
			return r != 7 ? INSN_OK : INSN_ERR_INVALID;
		default:
			return INSN_OK;
		}
	}
	return INSN_OK;
}

int insn_decode(struct insn *out, const uint8_t *buf, size_t len, enum insn_mode mode)
{
	struct insn in = { 0 };
	struct cursor c;
	unsigned attr;
	uint8_t b;
	int err;

	if (!out || (!buf && len) || (mode != INSN_MODE_32 && mode != INSN_MODE_64))
		return INSN_ERR_ARG;

	c.buf = buf;
	c.limit = len < INSN_MAX_LEN ? len : INSN_MAX_LEN;
	c.pos = 0;
	c.err = 0;
	in.mode = (uint8_t)mode;
	in.seg = INSN_SEG_NONE;
	in.ea_base = INSN_REG_NONE;
	in.ea_index = INSN_REG_NONE;

	decode_prefixes(&in, &c);
	set_sizes(&in);
	if (!cur_get(&c, &b))
		return c.err;

	if (b == 0x0f) {
		if (!cur_get(&c, &b))
			return c.err;
		if (b == 0x38 || b == 0x3a) {
			in.map = b == 0x38 ? INSN_MAP_0F38 : INSN_MAP_0F3A;
			if (!cur_get(&c, &b))
				return c.err;
			in.opcode = b;
			attr = in.map == INSN_MAP_0F38 ? M : (M | B);
		} else {
			in.map = INSN_MAP_0F;
			in.opcode = b;
			attr = map0f[b];
		}
	} else {
		in.map = INSN_MAP_1BYTE;
		in.opcode = b;
		attr = map1[b];
		err = fixup_1byte(&in, &c);
		if (err)
			return err;
	}

	if (attr & X)
		return INSN_ERR_INVALID;
	if ((attr & I) && mode == INSN_MODE_64)
		return INSN_ERR_INVALID;

	if (attr & M) {
		decode_modrm(&in, &c);
		if (c.err)
			return c.err;
		err = fixup_group(&in, &attr);
		if (err)
			return err;
	}

	unsigned n = imm_bytes(&in, attr);
	/* AMD SSE4a EXTRQ (66 0F 78 /0 ib ib) and INSERTQ (F2 0F 78 ib ib); VMREAD has none. */
	if (in.map == INSN_MAP_0F && in.opcode == 0x78 && (in.p66 || in.rep == 0xf2))
		n = 2;
	if (n) {
		uint64_t v;
		if (!cur_le(&c, n, &v))
			return c.err;
		in.imm = v;
		in.imm_size = (uint8_t)n;
	}

	in.len = (uint8_t)c.pos;
	*out = in;
	return INSN_OK;
}

const char *insn_status_name(int status)
{
	switch (status) {
	case INSN_OK:              return "ok";
	case INSN_ERR_TRUNCATED:   return "truncated";
	case INSN_ERR_TOO_LONG:    return "longer than 15 bytes";
	case INSN_ERR_INVALID:     return "invalid opcode";
	case INSN_ERR_UNSUPPORTED: return "unsupported encoding (VEX/EVEX/XOP)";
	case INSN_ERR_ARG:         return "bad argument";
	default:                   return "unknown";
	}
}

int64_t insn_imm_sext(const struct insn *in)
{
	switch (in->imm_size) {
	case 1:  return (int8_t)(uint8_t)in->imm;
	case 2:  return (int16_t)(uint16_t)in->imm;
	case 4:  return (int32_t)(uint32_t)in->imm;
	default: return (int64_t)in->imm;
	}
}

bool insn_mem_offset(const struct insn *in, const struct insn_regs *regs, uint64_t *out)
{
	uint64_t a;

	if (!insn_has_mem(in))
		return false;
	a = (uint64_t)(int64_t)in->disp;
	if (in->rip_relative)
		a += regs->rip + in->len;
	if (in->ea_base != INSN_REG_NONE)
		a += regs->gpr[in->ea_base & 15u];
	if (in->ea_index != INSN_REG_NONE)
		a += regs->gpr[in->ea_index & 15u] << in->ea_scale;
	*out = a & insn_addr_mask(in);
	return true;
}

enum insn_seg insn_mem_seg(const struct insn *in)
{
	if (in->seg != INSN_SEG_NONE)
		return (enum insn_seg)in->seg;
	if (in->ea_base == INSN_REG_RSP || in->ea_base == INSN_REG_RBP)
		return INSN_SEG_SS;
	return INSN_SEG_DS;
}

uint64_t insn_seg_linear(const struct insn *in, const struct insn_regs *regs, enum insn_seg seg,
			 uint64_t off)
{
	if (in->mode == INSN_MODE_64) {
		if (seg == INSN_SEG_FS || seg == INSN_SEG_GS)
			off += regs->seg_base[seg];
		return off;
	}
	if ((unsigned)seg < 6u)
		off += regs->seg_base[seg];
	return off & 0xffffffffull;
}

bool insn_mem_linear(const struct insn *in, const struct insn_regs *regs, uint64_t *out)
{
	uint64_t off;

	if (!insn_mem_offset(in, regs, &off))
		return false;
	*out = insn_seg_linear(in, regs, insn_mem_seg(in), off);
	return true;
}

uint64_t insn_str_src(const struct insn *in, const struct insn_regs *regs)
{
	enum insn_seg seg = in->seg != INSN_SEG_NONE ? (enum insn_seg)in->seg : INSN_SEG_DS;
	return insn_seg_linear(in, regs, seg, regs->gpr[INSN_REG_RSI] & insn_addr_mask(in));
}

uint64_t insn_str_dst(const struct insn *in, const struct insn_regs *regs)
{
	return insn_seg_linear(in, regs, INSN_SEG_ES, regs->gpr[INSN_REG_RDI] & insn_addr_mask(in));
}

uint64_t insn_moffs_linear(const struct insn *in, const struct insn_regs *regs)
{
	enum insn_seg seg = in->seg != INSN_SEG_NONE ? (enum insn_seg)in->seg : INSN_SEG_DS;
	return insn_seg_linear(in, regs, seg, in->imm & insn_addr_mask(in));
}
