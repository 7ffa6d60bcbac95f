/* SOURCES: ghcb/vc.c ghcb/check.c ghcb/insn.c */
/*
 * libFuzzer: the #VC handler core (ghcb/vc.c) against a hypervisor whose every answer
 * comes from the input: the GHCB page after each VMGEXIT (valid bitmap, sw_exit_info_1/2,
 * RAX-RDX, the first bytes of the shared buffer) and each MSR-protocol response. The
 * input also chooses the exit code, the instruction bytes, the registers and the entry
 * point (vc_handle, vc_outs, vc_hypercall, vc_msr_cpuid). Claims:
 *  - no crash, out-of-bounds access or UB, and the handler ends (a hypervisor that has
 *    run out of answers says "error", which must stop every loop);
 *  - the result is 0 or a known termination code (include/sev/term.h), and the GHCB is
 *    not left marked busy;
 *  - success never rests on a failed or missing answer: every VMGEXIT of a successful
 *    call was answered with sw_exit_info_1[31:0] = 0, and every MSR response it used
 *    carried the response code that belongs to its request;
 *  - on success RIP moves past exactly the decoded instruction, only the registers the
 *    exit defines change, and 32-bit results (CPUID, RDMSR, RDTSC) have clear upper halves.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ghcb/vc.h"
#include "sev/exit_codes.h"
#include "sev/msr_protocol.h"
#include "sev/term.h"
#include "tests/fuzz/fuzz_ghcb.h"
#include "tests/fuzz/fuzz_input.h"

#define GHCB_GPA 0x7000ull
#define MEM_SIZE 0x1000u

static struct ghcb page __attribute__((aligned(4096)));
static uint8_t mem[MEM_SIZE];
static struct fz_input ans;     /* the hypervisor's answers, consumed in order */
static uint8_t code[16];
static unsigned exits, msr_exits;
static bool answered_error;     /* some VMGEXIT got a non-zero result */
static bool msr_bad_code;       /* some MSR response had the wrong code */
static bool mmio_mapped;

static uint64_t take64(void)
{
	return fz_take(&ans, 8);
}

static uint64_t fz_msr_exchange(void *ctx, uint64_t v)
{
	(void)ctx;
	msr_exits++;
	if (ghcb_msr_code(v) == GHCB_MSR_TERM_REQ)
		return v;
	uint64_t r = ans.n ? take64() : 0; /* out of answers: code 0, never a response */
	if (ghcb_msr_code(r) != ghcb_msr_code(v) + 1)
		msr_bad_code = true;
	return r;
}

static void fz_vmgexit(void *ctx, uint64_t gpa)
{
	(void)ctx;
	if (gpa != GHCB_GPA)
		abort();
	exits++;
	if (ans.n < 8) {
		/* Out of answers: a hypervisor error ends every loop. */
		page.sw_exit_info_1 = GHCB_RESULT_ERROR;
		answered_error = true;
		ans.n = 0;
		return;
	}
	fz_ghcb_answer(&ans, &page);
	uint64_t data = take64();
	memcpy(page.shared_buffer, &data, sizeof(data));
	if ((uint32_t)page.sw_exit_info_1 != 0)
		answered_error = true;
}

static size_t fz_fetch(void *ctx, uint64_t la, uint8_t *buf, size_t n)
{
	(void)ctx;
	(void)la;
	if (n > sizeof(code))
		n = sizeof(code);
	memcpy(buf, code, n);
	return n;
}

static bool fz_read(void *ctx, uint64_t la, void *buf, size_t n)
{
	(void)ctx;
	if (n > 8 || (la & (MEM_SIZE - 1)) + n > MEM_SIZE)
		return false;
	memcpy(buf, mem + (la & (MEM_SIZE - 1)), n);
	return true;
}

static bool fz_write(void *ctx, uint64_t la, const void *buf, size_t n)
{
	(void)ctx;
	if (n > 8 || (la & (MEM_SIZE - 1)) + n > MEM_SIZE)
		return false;
	memcpy(mem + (la & (MEM_SIZE - 1)), buf, n);
	return true;
}

static bool fz_mmio_gpa(void *ctx, uint64_t la, size_t n, uint64_t *gpa)
{
	(void)ctx;
	if (!mmio_mapped || n > 8)
		return false;
	*gpa = la;
	return true;
}

static const struct vc_ops ops = {
	.msr_exchange = fz_msr_exchange,
	.vmgexit = fz_vmgexit,
	.fetch = fz_fetch,
	.read = fz_read,
	.write = fz_write,
	.mmio_gpa = fz_mmio_gpa,
};

static const uint64_t exit_codes[16] = {
	SVM_EXIT_CPUID, SVM_EXIT_IOIO,    SVM_EXIT_MSR,       SVM_EXIT_RDTSC,
	SVM_EXIT_RDTSCP, SVM_EXIT_VMMCALL, SVM_EXIT_WBINVD,   SVM_EXIT_READ_DR7,
	SVM_EXIT_WRITE_DR7, SVM_EXIT_MONITOR, SVM_EXIT_MWAIT, SVM_EXIT_NPF,
	SVM_EXIT_NPF, SVM_EXIT_IOIO, SVM_EXIT_RDPMC, 0,   /* 0: a raw exit code from the input */
};

static void check_code(int err)
{
	if (err && !cb_term_name((unsigned)err))
		abort();
}

/* Registers the exit may change (bit per GPR). */
static unsigned may_change(uint64_t exit_code, const struct insn *in)
{
	const unsigned a = 1u << INSN_REG_RAX, c = 1u << INSN_REG_RCX, d = 1u << INSN_REG_RDX,
		       b = 1u << INSN_REG_RBX, si = 1u << INSN_REG_RSI, di = 1u << INSN_REG_RDI;

	switch (exit_code) {
	case SVM_EXIT_CPUID:     return a | b | c | d;
	case SVM_EXIT_IOIO:      return a | c | si | di;
	case SVM_EXIT_MSR:       return a | d;
	case SVM_EXIT_RDTSC:     return a | d;
	case SVM_EXIT_RDTSCP:    return a | c | d;
	case SVM_EXIT_VMMCALL:   return a;
	case SVM_EXIT_READ_DR7:  return 1u << (in->rm & 15u) | (in->rex ? 0 : 1u << (in->rm & 3u));
	case SVM_EXIT_NPF:       return a | 1u << (in->reg & 15u) | 1u << (in->reg & 3u);
	default:                 return 0;
	}
}

static void run_handle(struct vc_cpu *cpu, const uint8_t *hdr)
{
	struct vc_frame f;
	struct insn in;

	memset(&f, 0, sizeof(f));
	f.mode = (hdr[0] & 1) ? INSN_MODE_32 : INSN_MODE_64;
	f.exit_code = exit_codes[hdr[1] & 15];
	if (!f.exit_code)
		memcpy(&f.exit_code, hdr + 2, 8);
	memcpy(code, hdr + 10, sizeof(code));
	memcpy(f.regs.gpr, hdr + 26, sizeof(f.regs.gpr));
	memcpy(&f.regs.rip, hdr + 154, 8);
	f.regs.rflags = (hdr[0] & 2) ? 1u << 10 : 0; /* DF */
	if (f.mode == INSN_MODE_32) {
		f.regs.rip &= 0xffffffffull;
		for (int i = 0; i < 16; i++)
			f.regs.gpr[i] &= 0xffffffffull;
	}
	/* A REP count of up to 4095 still needs several rounds of the 2032-byte shared
	 * buffer (two for bytes, eight for dwords); more only costs time. */
	f.regs.gpr[INSN_REG_RCX] &= 0xfffull;

	struct vc_frame before = f;
	int err = vc_handle(cpu, &f);

	check_code(err);
	if (err)
		return;
	if (answered_error || msr_bad_code)
		abort();
	if (insn_decode(&in, code, sizeof(code) - 1, f.mode) != INSN_OK)
		abort();
	uint64_t rip = before.regs.rip + in.len;
	if (f.mode == INSN_MODE_32)
		rip &= 0xffffffffull;
	if (f.regs.rip != rip)
		abort();
	unsigned allowed = may_change(f.exit_code, &in);
	for (unsigned r = 0; r < 16; r++)
		if (f.regs.gpr[r] != before.regs.gpr[r] && !(allowed & (1u << r)))
			abort();
	switch (f.exit_code) {
	case SVM_EXIT_CPUID:
		if ((f.regs.gpr[INSN_REG_RAX] | f.regs.gpr[INSN_REG_RBX] | f.regs.gpr[INSN_REG_RCX] |
		     f.regs.gpr[INSN_REG_RDX]) >> 32)
			abort();
		break;
	case SVM_EXIT_RDTSCP:
		if (f.regs.gpr[INSN_REG_RCX] >> 32)
			abort();
		/* fall through */
	case SVM_EXIT_RDTSC:
		if ((f.regs.gpr[INSN_REG_RAX] | f.regs.gpr[INSN_REG_RDX]) >> 32)
			abort();
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum { HDR = 162 };
	static struct vc_cpu cpu;
	uint8_t hdr[HDR] = { 0 };

	memcpy(hdr, data, size < HDR ? size : HDR);
	ans = (struct fz_input){ size > HDR ? data + HDR : NULL, size > HDR ? size - HDR : 0 };
	exits = msr_exits = 0;
	answered_error = msr_bad_code = false;
	mmio_mapped = hdr[0] & 4;
	memset(&page, 0, sizeof(page));

	vc_cpu_init(&cpu, &ops, NULL, (hdr[0] & 8) ? 1 : 2);
	if (!(hdr[0] & 16)) {
		static struct ghcb backup; /* a nested #VC's copy, as ghcb/sev_es.c gives one */

		vc_cpu_set_ghcb(&cpu, &page, GHCB_GPA, &backup);
	}

	switch ((hdr[0] >> 5) & 3) {
	case 0:
		run_handle(&cpu, hdr);
		break;
	case 1: { /* console output */
		unsigned sz = 1u << (hdr[1] & 3); /* 1, 2, 4 and the refused 8 */
		size_t n = hdr[2] * 16u + hdr[3];
		int err = vc_outs(&cpu, (uint16_t)(hdr[4] | hdr[5] << 8), mem, n * sz > MEM_SIZE ? MEM_SIZE / sz : n, sz);

		check_code(err);
		if (!err && answered_error)
			abort();
		break;
	}
	case 2: { /* hypercall */
		uint64_t args[5], ret = 0;

		memcpy(args, hdr + 26, sizeof(args));
		int err = vc_hypercall(&cpu, hdr[1], args, &ret);

		check_code(err);
		if (!err && (answered_error || exits != 1))
			abort();
		break;
	}
	case 3: { /* CPUID through the MSR protocol */
		uint32_t leaf, out[4];

		memcpy(&leaf, hdr + 2, 4);
		int err = vc_msr_cpuid(&cpu, leaf, out);

		check_code(err);
		if (!err && (msr_bad_code || msr_exits != 4))
			abort();
		break;
	}
	}
	if (cpu.busy)
		abort();
	return 0;
}
