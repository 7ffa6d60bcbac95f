/* SPDX-License-Identifier: MIT */
/*
 * #VC handler core (ghcb/vc.h). The handling of each exit follows facts §4.1 (inputs and
 * outputs per exit code), §4.2 (IOIO exit_info_1), §4.3 (MMIO NAE), §3 (GHCB call protocol).
 * Rule of the threat model (design.md): every value read from the GHCB is read once, into
 * struct ghcb_resp or a local buffer, and checked before it reaches a register.
 */
#include "ghcb/vc.h"

#include "sev/exit_codes.h"
#include "sev/msr_protocol.h"
#include "sev/term.h"

#define RFLAGS_DF (1ull << 10)

/* ---- registers ---- */

static uint64_t gpr_read(const struct insn *in, const struct insn_regs *r, unsigned reg,
			 unsigned size)
{
	/* Without REX, byte registers 4-7 are AH, CH, DH, BH (APM vol. 3 §1.4.2). */
	if (size == 1 && !in->rex && reg >= 4 && reg < 8)
		return (r->gpr[reg - 4] >> 8) & 0xff;
	uint64_t v = r->gpr[reg & 15u];
	return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static void gpr_write(const struct insn *in, struct insn_regs *r, unsigned reg, unsigned size,
		      uint64_t v)
{
	uint64_t *p;

	if (size == 1 && !in->rex && reg >= 4 && reg < 8) {
		p = &r->gpr[reg - 4];
		*p = (*p & ~0xff00ull) | ((v & 0xff) << 8);
		return;
	}
	p = &r->gpr[reg & 15u];
	switch (size) {
	case 1: *p = (*p & ~0xffull) | (v & 0xff); break;
	case 2: *p = (*p & ~0xffffull) | (v & 0xffff); break;
	case 4: *p = v & 0xffffffffull; break;   /* 32-bit writes zero-extend */
	default: *p = v; break;
	}
}

/* Update rSI / rDI / rCX as the address size says (16-bit: only the low word changes). */
static void addr_reg_write(const struct insn *in, struct insn_regs *r, unsigned reg, uint64_t v)
{
	gpr_write(in, r, reg, in->addrsize, v);
}

/* ---- GHCB access ---- */

static void ghcb_put(volatile struct ghcb *g, volatile uint64_t *field, unsigned bit, uint64_t v)
{
	*field = v;
	ghcb_set_valid(g, bit);
}

void vc_ghcb_begin(struct vc_cpu *cpu)
{
	volatile struct ghcb *g = cpu->ghcb;

	/* facts §3 step 1: zero sw_exit_code and the valid bitmap (Linux vc_ghcb_invalidate). */
	g->sw_exit_code = 0;
	g->valid_bitmap[0] = 0;
	g->valid_bitmap[1] = 0;
}

int vc_ghcb_call(struct vc_cpu *cpu, uint64_t exit_code, uint64_t info1, uint64_t info2,
		 struct ghcb_resp *r)
{
	volatile struct ghcb *g = cpu->ghcb;

	/* facts §3 step 2 */
	ghcb_put(g, &g->sw_exit_code, GHCB_BIT_SW_EXIT_CODE, exit_code);
	ghcb_put(g, &g->sw_exit_info_1, GHCB_BIT_SW_EXIT_INFO_1, info1);
	ghcb_put(g, &g->sw_exit_info_2, GHCB_BIT_SW_EXIT_INFO_2, info2);
	g->protocol_version = (uint16_t)cpu->version;
	g->ghcb_usage = GHCB_USAGE_DEFAULT;
	/* facts §3 step 3 */
	cpu->stats.vmgexits++;
	cpu->ops->vmgexit(cpu->ctx, cpu->ghcb_gpa);
	/* facts §3 step 4: copy once, then check the copy */
	ghcb_resp_copy(g, r);
	return ghcb_check_result(r);
}

static uint64_t shared_buffer_gpa(const struct vc_cpu *cpu)
{
	return cpu->ghcb_gpa + GHCB_SHARED_BUF_OFFSET;
}

static void *shared_buffer(struct vc_cpu *cpu)
{
	/* The buffer is only written before and read after a VMGEXIT, through calls the
	 * compiler cannot see through (ops), so a plain pointer is safe here. */
	return (void *)(uintptr_t)&cpu->ghcb->shared_buffer[0];
}

/* ---- opcode checks (facts §4.1, Linux vc_check_opcode_bytes) ---- */

static bool is_0f01(const struct insn *in, uint8_t modrm)
{
	return in->map == INSN_MAP_0F && in->opcode == 0x01 && in->modrm == modrm;
}

static bool is_0f(const struct insn *in, uint8_t op)
{
	return in->map == INSN_MAP_0F && in->opcode == op;
}

static bool is_ioio(const struct insn *in)
{
	uint8_t op = in->opcode;
	return in->map == INSN_MAP_1BYTE &&
	       ((op >= 0x6c && op <= 0x6f) || (op >= 0xe4 && op <= 0xe7) || (op >= 0xec && op <= 0xef));
}

static bool is_mmio_mov(const struct insn *in)
{
	if (in->map == INSN_MAP_1BYTE) {
		switch (in->opcode) {
		case 0x88: case 0x89: case 0x8a: case 0x8b: case 0xc6: case 0xc7:
			return insn_has_mem(in);
		case 0xa0: case 0xa1: case 0xa2: case 0xa3:
			return true;
		default:
			return false;
		}
	}
	if (in->map == INSN_MAP_0F) {
		switch (in->opcode) {
		case 0xb6: case 0xb7: case 0xbe: case 0xbf:
			return insn_has_mem(in);
		default:
			return false;
		}
	}
	return false;
}

int vc_check_opcode(uint64_t exit_code, const struct insn *in)
{
	bool ok;

	switch (exit_code) {
	case SVM_EXIT_CPUID:     ok = is_0f(in, 0xa2); break;
	case SVM_EXIT_IOIO:      ok = is_ioio(in); break;
	case SVM_EXIT_MSR:       ok = is_0f(in, 0x30) || is_0f(in, 0x32); break;
	case SVM_EXIT_RDTSC:     ok = is_0f(in, 0x31); break;
	case SVM_EXIT_RDTSCP:    ok = is_0f01(in, 0xf9); break;
	case SVM_EXIT_VMMCALL:   ok = is_0f01(in, 0xd9) && in->rep != 0xf3; break; /* F3: VMGEXIT */
	case SVM_EXIT_WBINVD:    ok = is_0f(in, 0x09); break;
	case SVM_EXIT_READ_DR7:  ok = is_0f(in, 0x21) && (in->reg & 7u) == 7; break;
	case SVM_EXIT_WRITE_DR7: ok = is_0f(in, 0x23) && (in->reg & 7u) == 7; break;
	case SVM_EXIT_MONITOR:   ok = is_0f01(in, 0xc8) || is_0f01(in, 0xfa); break;
	case SVM_EXIT_MWAIT:     ok = is_0f01(in, 0xc9) || is_0f01(in, 0xfb); break;
	case SVM_EXIT_NPF:       ok = is_mmio_mov(in); break;
	default:                 return CB_TERM_VC_UNEXPECTED;
	}
	return ok ? 0 : CB_TERM_VC_OPCODE_MISMATCH;
}

static enum vc_stat stat_of(uint64_t exit_code)
{
	switch (exit_code) {
	case SVM_EXIT_CPUID:     return VC_STAT_CPUID;
	case SVM_EXIT_IOIO:      return VC_STAT_IOIO;
	case SVM_EXIT_MSR:       return VC_STAT_MSR;
	case SVM_EXIT_RDTSC:     return VC_STAT_RDTSC;
	case SVM_EXIT_RDTSCP:    return VC_STAT_RDTSCP;
	case SVM_EXIT_VMMCALL:   return VC_STAT_VMMCALL;
	case SVM_EXIT_WBINVD:    return VC_STAT_WBINVD;
	case SVM_EXIT_READ_DR7:
	case SVM_EXIT_WRITE_DR7: return VC_STAT_DR7;
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:     return VC_STAT_MONITOR;
	case SVM_EXIT_NPF:       return VC_STAT_MMIO;
	default:                 return VC_STAT_OTHER;
	}
}

/* ---- CPUID (0x072) ---- */

int vc_msr_cpuid(struct vc_cpu *cpu, uint32_t leaf, uint32_t out[4])
{
	for (unsigned reg = GHCB_CPUID_EAX; reg <= GHCB_CPUID_EDX; reg++) {
		uint64_t req = ghcb_msr_cpuid_req(leaf, reg);
		cpu->stats.vmgexits++;
		uint64_t resp = cpu->ops->msr_exchange(cpu->ctx, req);
		int err = ghcb_check_msr_cpuid(req, resp, &out[reg]);
		if (err)
			return err;
	}
	return 0;
}

static const uint8_t cpuid_out_bits[] = { GHCB_BIT_RAX, GHCB_BIT_RBX, GHCB_BIT_RCX, GHCB_BIT_RDX };

static int vc_cpuid(struct vc_cpu *cpu, struct vc_frame *f)
{
	uint32_t leaf = (uint32_t)f->regs.gpr[INSN_REG_RAX];
	uint32_t sub = (uint32_t)f->regs.gpr[INSN_REG_RCX];
	uint64_t a, b, c, d;
	uint32_t page[4];
	int err;

	if (cpu->cpuid_page && cpu->cpuid_page(cpu->cpuid_page_ctx, leaf, sub, 0, page) == 1) {
		a = page[0], b = page[1], c = page[2], d = page[3];
		goto out;
	}
	if (!cpu->ghcb) {
		uint32_t v[4];
		/* The MSR protocol has no sub-leaf (facts §2 0x004): refuse indexed leaves
		 * with ECX != 0 rather than answer them wrongly (Linux does the same). */
		if (ghcb_cpuid_leaf_indexed(leaf) && sub != 0)
			return CB_TERM_VC_UNSUPPORTED;
		err = vc_msr_cpuid(cpu, leaf, v);
		if (err)
			return err;
		a = v[0], b = v[1], c = v[2], d = v[3];
	} else {
		volatile struct ghcb *g = cpu->ghcb;
		struct ghcb_resp r;
		vc_ghcb_begin(cpu);
		ghcb_put(g, &g->rax, GHCB_BIT_RAX, leaf);
		ghcb_put(g, &g->rcx, GHCB_BIT_RCX, sub);
		/* XCR0 = 1 while CR4.OSXSAVE is clear (facts §4.1 0x072); cocoboot never sets it. */
		ghcb_put(g, &g->xcr0, GHCB_BIT_XCR0, 1);
		err = vc_ghcb_call(cpu, SVM_EXIT_CPUID, 0, 0, &r);
		if (!err)
			err = ghcb_check_valid(&r, cpuid_out_bits, 4);
		if (err)
			return err;
		a = r.rax, b = r.rbx, c = r.rcx, d = r.rdx;
	}
	err = ghcb_check_cpuid(leaf, sub, a, b, c, d);
	if (err)
		return err;
	if (cpu->cpuid_page) {
		const uint32_t hv[4] = { (uint32_t)a, (uint32_t)b, (uint32_t)c, (uint32_t)d };
		err = cpu->cpuid_page(cpu->cpuid_page_ctx, leaf, sub, hv, page);
		if (err)
			return err;
		a = page[0], b = page[1], c = page[2], d = page[3];
	}
out:
	f->regs.gpr[INSN_REG_RAX] = (uint32_t)a;
	f->regs.gpr[INSN_REG_RBX] = (uint32_t)b;
	f->regs.gpr[INSN_REG_RCX] = (uint32_t)c;
	f->regs.gpr[INSN_REG_RDX] = (uint32_t)d;
	return 0;
}

/* ---- IOIO (0x07B) ---- */

struct io_op {
	uint64_t info1;
	unsigned size;          /* element size in bytes */
	bool in, str, rep;
};

static void ioio_decode(const struct insn *in, const struct insn_regs *r, struct io_op *io)
{
	uint8_t op = in->opcode;
	unsigned port;
	uint64_t e = 0;

	io->str = op >= 0x6c && op <= 0x6f;
	io->in = op == 0x6c || op == 0x6d || op == 0xe4 || op == 0xe5 || op == 0xec || op == 0xed;
	io->rep = io->str && in->rep != 0;
	/* Even opcodes are the byte forms; otherwise 16 or 32 bits (REX.W does not widen). */
	io->size = !(op & 1) ? 1 : in->opsize == 2 ? 2 : 4;
	port = (op >= 0xe4 && op <= 0xe7) ? (unsigned)(in->imm & 0xff)
					  : (unsigned)(r->gpr[INSN_REG_RDX] & 0xffff);

	/* facts §4.2 */
	if (io->in)
		e |= SVM_IOIO_TYPE_IN;
	if (io->str)
		e |= SVM_IOIO_STR;
	if (io->rep)
		e |= SVM_IOIO_REP;
	e |= io->size == 1 ? SVM_IOIO_SZ8 : io->size == 2 ? SVM_IOIO_SZ16 : SVM_IOIO_SZ32;
	e |= in->addrsize == 2 ? SVM_IOIO_A16 : in->addrsize == 4 ? SVM_IOIO_A32 : SVM_IOIO_A64;
	if (io->str) {
		unsigned seg = io->in ? INSN_SEG_ES
				      : (in->seg != INSN_SEG_NONE ? in->seg : INSN_SEG_DS);
		e |= (uint64_t)seg << SVM_IOIO_SEG_SHIFT;
	}
	e |= (uint64_t)port << SVM_IOIO_PORT_SHIFT;
	io->info1 = e;
}

static int ioio_plain(struct vc_cpu *cpu, struct vc_frame *f, const struct insn *in,
		      const struct io_op *io)
{
	volatile struct ghcb *g = cpu->ghcb;
	uint64_t mask = io->size == 4 ? 0xffffffffull : (1ull << (8 * io->size)) - 1;
	struct ghcb_resp r;
	int err;

	vc_ghcb_begin(cpu);
	/* facts §4.1 0x07B: rax carries the value both ways, exit_info_2 = 0 */
	ghcb_put(g, &g->rax, GHCB_BIT_RAX, io->in ? 0 : f->regs.gpr[INSN_REG_RAX] & mask);
	err = vc_ghcb_call(cpu, SVM_EXIT_IOIO, io->info1, 0, &r);
	if (err)
		return err;
	if (io->in) {
		static const uint8_t bits[] = { GHCB_BIT_RAX };
		err = ghcb_check_valid(&r, bits, 1);
		if (err)
			return err;
		gpr_write(in, &f->regs, INSN_REG_RAX, io->size, r.rax & mask);
	}
	return 0;
}

/*
 * INS / OUTS with or without REP: chunks of up to 2032 bytes through the shared buffer
 * (facts §4.1: exit_info_2 = count, sw_scratch = GPA of the buffer). The whole REP runs
 * inside this one #VC, so a console line costs one #VC and one VMGEXIT.
 */
static int ioio_string(struct vc_cpu *cpu, struct vc_frame *f, const struct insn *in,
		       const struct io_op *io)
{
	volatile struct ghcb *g = cpu->ghcb;
	uint64_t amask = insn_addr_mask(in);
	uint64_t count = io->rep ? f->regs.gpr[INSN_REG_RCX] & amask : 1;
	uint64_t max = GHCB_SHARED_BUF_SIZE / io->size;
	bool down = f->regs.rflags & RFLAGS_DF;
	uint8_t *buf = shared_buffer(cpu);
	/* INS writes ES:rDI (no override); OUTS reads DS:rSI or the override. */
	enum insn_seg seg = io->in ? INSN_SEG_ES
				   : in->seg != INSN_SEG_NONE ? (enum insn_seg)in->seg : INSN_SEG_DS;
	struct ghcb_resp r;
	int err;

	while (count) {
		uint64_t n = count < max ? count : max;
		unsigned reg = io->in ? INSN_REG_RDI : INSN_REG_RSI;
		uint64_t ptr = f->regs.gpr[reg] & amask;

		if (!io->in) {
			for (uint64_t i = 0; i < n; i++) {
				uint64_t off = (down ? ptr - i * io->size : ptr + i * io->size) & amask;
				if (!cpu->ops->read(cpu->ctx, insn_seg_linear(in, &f->regs, seg, off),
						    buf + i * io->size, io->size))
					return CB_TERM_VC_UNSUPPORTED;
			}
		}
		vc_ghcb_begin(cpu);
		ghcb_put(g, &g->sw_scratch, GHCB_BIT_SW_SCRATCH, shared_buffer_gpa(cpu));
		err = vc_ghcb_call(cpu, SVM_EXIT_IOIO, io->info1, n, &r);
		if (err)
			return err;
		if (io->in) {
			for (uint64_t i = 0; i < n; i++) {
				uint64_t off = (down ? ptr - i * io->size : ptr + i * io->size) & amask;
				if (!cpu->ops->write(cpu->ctx, insn_seg_linear(in, &f->regs, seg, off),
						     buf + i * io->size, io->size))
					return CB_TERM_VC_UNSUPPORTED;
			}
		}
		uint64_t delta = n * io->size;
		addr_reg_write(in, &f->regs, reg, down ? ptr - delta : ptr + delta);
		count -= n;
		if (io->rep)
			addr_reg_write(in, &f->regs, INSN_REG_RCX, count);
	}
	return 0;
}

static int vc_ioio(struct vc_cpu *cpu, struct vc_frame *f, const struct insn *in)
{
	struct io_op io;

	ioio_decode(in, &f->regs, &io);
	return io.str ? ioio_string(cpu, f, in, &io) : ioio_plain(cpu, f, in, &io);
}

int vc_outs(struct vc_cpu *cpu, uint16_t port, const void *src, size_t n, unsigned size)
{
	const uint8_t *p = src;
	size_t max = GHCB_SHARED_BUF_SIZE / size;
	uint64_t info1 = SVM_IOIO_STR | SVM_IOIO_REP | SVM_IOIO_A64 | SVM_IOIO_SEG_DS |
			 ((uint64_t)port << SVM_IOIO_PORT_SHIFT) |
			 (size == 1 ? SVM_IOIO_SZ8 : size == 2 ? SVM_IOIO_SZ16 : SVM_IOIO_SZ32);
	struct ghcb_resp r;
	int err = 0;

	if (!cpu->ghcb || (size != 1 && size != 2 && size != 4))
		return CB_TERM_VC_UNSUPPORTED;
	if (cpu->busy)
		return CB_TERM_VC_NESTED;
	cpu->busy = true;
	while (n && !err) {
		size_t k = n < max ? n : max;
		uint8_t *buf = shared_buffer(cpu);
		for (size_t i = 0; i < k * size; i++)
			buf[i] = p[i];
		vc_ghcb_begin(cpu);
		ghcb_put(cpu->ghcb, &cpu->ghcb->sw_scratch, GHCB_BIT_SW_SCRATCH, shared_buffer_gpa(cpu));
		err = vc_ghcb_call(cpu, SVM_EXIT_IOIO, info1, k, &r);
		p += k * size;
		n -= k;
	}
	cpu->busy = false;
	return err;
}

/* ---- MSR (0x07C) ---- */

static int vc_msr(struct vc_cpu *cpu, struct vc_frame *f, const struct insn *in)
{
	static const uint8_t bits[] = { GHCB_BIT_RAX, GHCB_BIT_RDX };
	volatile struct ghcb *g = cpu->ghcb;
	bool write = in->opcode == 0x30;
	struct ghcb_resp r;
	int err;

	vc_ghcb_begin(cpu);
	ghcb_put(g, &g->rcx, GHCB_BIT_RCX, (uint32_t)f->regs.gpr[INSN_REG_RCX]);
	if (write) {
		ghcb_put(g, &g->rax, GHCB_BIT_RAX, (uint32_t)f->regs.gpr[INSN_REG_RAX]);
		ghcb_put(g, &g->rdx, GHCB_BIT_RDX, (uint32_t)f->regs.gpr[INSN_REG_RDX]);
	}
	err = vc_ghcb_call(cpu, SVM_EXIT_MSR, write ? SVM_MSR_WRITE : SVM_MSR_READ, 0, &r);
	if (err || write)
		return err;
	err = ghcb_check_valid(&r, bits, 2);
	if (err)
		return err;
	if ((r.rax | r.rdx) >> 32)
		return CB_TERM_HV_VALUE;        /* RDMSR yields EDX:EAX, 32 bits each */
	f->regs.gpr[INSN_REG_RAX] = r.rax;
	f->regs.gpr[INSN_REG_RDX] = r.rdx;
	return 0;
}

/* ---- RDTSC (0x06E) / RDTSCP (0x087) ---- */

static int vc_rdtsc(struct vc_cpu *cpu, struct vc_frame *f, bool rdtscp)
{
	static const uint8_t bits[] = { GHCB_BIT_RAX, GHCB_BIT_RDX, GHCB_BIT_RCX };
	struct ghcb_resp r;
	int err;

	vc_ghcb_begin(cpu);
	err = vc_ghcb_call(cpu, rdtscp ? SVM_EXIT_RDTSCP : SVM_EXIT_RDTSC, 0, 0, &r);
	if (!err)
		err = ghcb_check_valid(&r, bits, rdtscp ? 3 : 2);
	if (err)
		return err;
	if ((r.rax | r.rdx | (rdtscp ? r.rcx : 0)) >> 32)
		return CB_TERM_HV_VALUE;
	f->regs.gpr[INSN_REG_RAX] = r.rax;
	f->regs.gpr[INSN_REG_RDX] = r.rdx;
	if (rdtscp)
		f->regs.gpr[INSN_REG_RCX] = r.rcx;
	return 0;
}

/* ---- VMMCALL (0x081): hypercalls, docs/ghcb.md ---- */

int vc_hypercall(struct vc_cpu *cpu, uint64_t nr, const uint64_t args[5], uint64_t *ret)
{
	static const uint8_t bits[] = { GHCB_BIT_RAX };
	volatile struct ghcb *g = cpu->ghcb;
	struct ghcb_resp r;
	int err;

	if (!g)
		return CB_TERM_VC_UNSUPPORTED;
	vc_ghcb_begin(cpu);
	ghcb_put(g, &g->rax, GHCB_BIT_RAX, nr);
	ghcb_put(g, &g->rdi, GHCB_BIT_RDI, args[0]);
	ghcb_put(g, &g->rsi, GHCB_BIT_RSI, args[1]);
	ghcb_put(g, &g->rdx, GHCB_BIT_RDX, args[2]);
	ghcb_put(g, &g->r10, GHCB_BIT_R10, args[3]);
	ghcb_put(g, &g->r8, GHCB_BIT_R8, args[4]);
	g->cpl = 0;
	ghcb_set_valid(g, GHCB_BIT_CPL);
	err = vc_ghcb_call(cpu, SVM_EXIT_VMMCALL, 0, 0, &r);
	if (!err)
		err = ghcb_check_valid(&r, bits, 1);
	if (!err)
		*ret = r.rax;
	return err;
}

static int vc_vmmcall(struct vc_cpu *cpu, struct vc_frame *f)
{
	const uint64_t *x = f->regs.gpr;
	uint64_t args[5] = { x[INSN_REG_RDI], x[INSN_REG_RSI], x[INSN_REG_RDX], x[INSN_REG_R10],
			     x[INSN_REG_R8] };
	uint64_t ret;
	int err = vc_hypercall(cpu, x[INSN_REG_RAX], args, &ret);

	if (!err)
		f->regs.gpr[INSN_REG_RAX] = ret;
	return err;
}

/* ---- WBINVD (0x089) ---- */

static int vc_wbinvd(struct vc_cpu *cpu)
{
	struct ghcb_resp r;

	vc_ghcb_begin(cpu);
	return vc_ghcb_call(cpu, SVM_EXIT_WBINVD, 0, 0, &r);
}

/* ---- DR7 (0x027 read, 0x037 write) ---- */

static int vc_dr7(struct vc_cpu *cpu, struct vc_frame *f, const struct insn *in, bool write)
{
	if (!write) {
		/* facts §4.1 0x027: answered from the cached value, no VMGEXIT. */
		gpr_write(in, &f->regs, in->rm, f->mode == INSN_MODE_64 ? 8 : 4, cpu->dr7);
		return 0;
	}
	uint64_t v = f->regs.gpr[in->rm & 15u];
	if (f->mode == INSN_MODE_32)
		v &= 0xffffffffull;
	if (v >> 32)
		return CB_TERM_VC_UNSUPPORTED;  /* architecturally #GP (facts §4.1 0x037) */
	volatile struct ghcb *g = cpu->ghcb;
	struct ghcb_resp r;
	vc_ghcb_begin(cpu);
	ghcb_put(g, &g->rax, GHCB_BIT_RAX, v);  /* exit_info_1 = 0: value in RAX */
	int err = vc_ghcb_call(cpu, SVM_EXIT_WRITE_DR7, 0, 0, &r);
	if (err)
		return err;
	cpu->dr7 = (v & 0xffff23ffull) | 0x400;
	return 0;
}

/* ---- MMIO (0x400 -> NAE 0x8000_0001 / 0x8000_0002, facts §4.3) ---- */

struct mmio_op {
	bool write;
	unsigned size;          /* bytes moved on the bus */
	unsigned dst_size;      /* register width for reads */
	bool sign;              /* MOVSX */
	bool to_rax;            /* A0/A1 */
};

static int mmio_classify(const struct insn *in, struct mmio_op *m)
{
	unsigned osz = in->opsize;

	*m = (struct mmio_op){ 0 };
	if (in->lock || in->rep)
		return CB_TERM_VC_UNSUPPORTED;
	if (in->map == INSN_MAP_0F) {
		m->size = (in->opcode == 0xb6 || in->opcode == 0xbe) ? 1 : 2;
		m->dst_size = osz;
		m->sign = in->opcode >= 0xbe;
		return 0;
	}
	switch (in->opcode) {
	case 0x88: case 0xc6: m->write = true; m->size = 1; return 0;
	case 0x89: case 0xc7: m->write = true; m->size = osz; return 0;
	case 0x8a: m->size = m->dst_size = 1; return 0;
	case 0x8b: m->size = m->dst_size = osz; return 0;
	case 0xa0: m->size = m->dst_size = 1; m->to_rax = true; return 0;
	case 0xa1: m->size = m->dst_size = osz; m->to_rax = true; return 0;
	case 0xa2: m->write = true; m->size = 1; return 0;
	case 0xa3: m->write = true; m->size = osz; return 0;
	default:   return CB_TERM_VC_UNSUPPORTED;
	}
}

static uint64_t mmio_write_value(const struct insn *in, const struct insn_regs *r, unsigned size)
{
	switch (in->opcode) {
	case 0xc6: case 0xc7: return (uint64_t)insn_imm_sext(in);
	case 0xa2: case 0xa3: return gpr_read(in, r, INSN_REG_RAX, size);
	default:              return gpr_read(in, r, in->reg, size);
	}
}

static int vc_mmio(struct vc_cpu *cpu, struct vc_frame *f, const struct insn *in)
{
	volatile struct ghcb *g = cpu->ghcb;
	struct mmio_op m;
	struct ghcb_resp r;
	uint64_t la, gpa;
	int err = mmio_classify(in, &m);

	if (err)
		return err;
	if (in->map == INSN_MAP_1BYTE && in->opcode >= 0xa0 && in->opcode <= 0xa3)
		la = insn_moffs_linear(in, &f->regs);
	else if (!insn_mem_linear(in, &f->regs, &la))
		return CB_TERM_VC_UNSUPPORTED;
	/* Only to C-bit-clear mappings (facts §4.1 0x400). */
	if (!cpu->ops->mmio_gpa(cpu->ctx, la, m.size, &gpa))
		return CB_TERM_VC_UNSUPPORTED;

	uint8_t *buf = shared_buffer(cpu);
	if (m.write) {
		uint64_t v = mmio_write_value(in, &f->regs, m.size);
		for (unsigned i = 0; i < m.size; i++)
			buf[i] = (uint8_t)(v >> (8 * i));
	}
	vc_ghcb_begin(cpu);
	ghcb_put(g, &g->sw_scratch, GHCB_BIT_SW_SCRATCH, shared_buffer_gpa(cpu));
	err = vc_ghcb_call(cpu, m.write ? SVM_VMGEXIT_MMIO_WRITE : SVM_VMGEXIT_MMIO_READ, gpa,
			   m.size, &r);
	if (err || m.write)
		return err;

	uint64_t v = 0;
	for (unsigned i = 0; i < m.size; i++)   /* copied out once */
		v |= (uint64_t)buf[i] << (8 * i);
	if (m.sign)
		v = m.size == 1 ? (uint64_t)(int64_t)(int8_t)v : (uint64_t)(int64_t)(int16_t)v;
	gpr_write(in, &f->regs, m.to_rax ? INSN_REG_RAX : in->reg, m.dst_size, v);
	return 0;
}

/* ---- dispatch ---- */

void vc_cpu_init(struct vc_cpu *cpu, const struct vc_ops *ops, void *ctx, unsigned version)
{
	*cpu = (struct vc_cpu){ 0 };
	cpu->ops = ops;
	cpu->ctx = ctx;
	cpu->version = version;
	cpu->dr7 = 0x400;                       /* DR7 reset value */
}

void vc_cpu_set_ghcb(struct vc_cpu *cpu, volatile struct ghcb *ghcb, uint64_t gpa,
		     struct ghcb *backup)
{
	cpu->ghcb = ghcb;
	cpu->ghcb_gpa = gpa;
	cpu->backup = backup;
}

/* The whole page, in quadwords: what the interrupted user had written or been answered. */
static void ghcb_page_copy(volatile uint64_t *dst, const volatile uint64_t *src)
{
	for (size_t i = 0; i < sizeof(struct ghcb) / 8; i++)
		dst[i] = src[i];
}

static int vc_dispatch(struct vc_cpu *cpu, struct vc_frame *f, const struct insn *in)
{
	if (f->exit_code == SVM_EXIT_CPUID)
		return vc_cpuid(cpu, f);
	if (f->exit_code == SVM_EXIT_MONITOR || f->exit_code == SVM_EXIT_MWAIT)
		return 0;                       /* a NOP: no address leaves the guest (facts §4.1) */
	if (f->exit_code == SVM_EXIT_READ_DR7)
		return vc_dr7(cpu, f, in, false);
	if (!cpu->ghcb)
		return CB_TERM_VC_UNEXPECTED;   /* MSR protocol: CPUID only */

	switch (f->exit_code) {
	case SVM_EXIT_IOIO:      return vc_ioio(cpu, f, in);
	case SVM_EXIT_MSR:       return vc_msr(cpu, f, in);
	case SVM_EXIT_RDTSC:     return vc_rdtsc(cpu, f, false);
	case SVM_EXIT_RDTSCP:    return vc_rdtsc(cpu, f, true);
	case SVM_EXIT_VMMCALL:   return vc_vmmcall(cpu, f);
	case SVM_EXIT_WBINVD:    return vc_wbinvd(cpu);
	case SVM_EXIT_WRITE_DR7: return vc_dr7(cpu, f, in, true);
	case SVM_EXIT_NPF:       return vc_mmio(cpu, f, in);
	default:                 return CB_TERM_VC_UNEXPECTED;
	}
}

int vc_handle(struct vc_cpu *cpu, struct vc_frame *f)
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn in;
	int err;

	if (cpu->busy) {
		/* Nested inside a GHCB use: once, through the backup copy (Linux
		 * __sev_get_ghcb); the interrupted user finds its page as it left it. */
		if (!cpu->ghcb || !cpu->backup || cpu->backup_busy)
			return CB_TERM_VC_NESTED;
		cpu->backup_busy = true;
		ghcb_page_copy((volatile uint64_t *)cpu->backup, (const volatile uint64_t *)cpu->ghcb);
		cpu->busy = false;
		err = vc_handle(cpu, f);
		cpu->busy = true;
		ghcb_page_copy((volatile uint64_t *)cpu->ghcb, (const volatile uint64_t *)cpu->backup);
		cpu->backup_busy = false;
		return err;
	}
	/* SNP: an access to a private page whose RMP entry is not validated (facts §5.3): the
	 * hypervisor took back or remapped a page cocoboot validated. Never emulated. */
	if (f->exit_code == SVM_EXIT_NOT_VALIDATED)
		return CB_TERM_SNP_NOT_VALIDATED;
	if (stat_of(f->exit_code) == VC_STAT_OTHER)
		return CB_TERM_VC_UNEXPECTED;

	uint64_t rip = f->mode == INSN_MODE_32 ? (f->regs.rip + f->regs.seg_base[INSN_SEG_CS]) &
						  0xffffffffull : f->regs.rip;
	size_t n = cpu->ops->fetch(cpu->ctx, rip, bytes, sizeof(bytes));
	if (n > sizeof(bytes))
		n = sizeof(bytes);
	if (insn_decode(&in, bytes, n, f->mode) != INSN_OK)
		return CB_TERM_VC_DECODE;
	err = vc_check_opcode(f->exit_code, &in);
	if (err)
		return err;

	cpu->busy = true;
	err = vc_dispatch(cpu, f, &in);
	cpu->busy = false;
	if (err)
		return err;

	cpu->stats.vc++;
	cpu->stats.vc_by[stat_of(f->exit_code)]++;
	f->regs.rip += in.len;
	if (f->mode == INSN_MODE_32)
		f->regs.rip &= 0xffffffffull;
	return 0;
}

void vc_terminate(struct vc_cpu *cpu, unsigned set, unsigned code)
{
	cpu->stats.vmgexits++;
	(void)cpu->ops->msr_exchange(cpu->ctx, ghcb_msr_term_req(set, code));
}
