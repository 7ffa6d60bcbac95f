/* SOURCES: ghcb/vc.c ghcb/check.c ghcb/insn.c ghcb/xen_call.c xen/bounce.c */
/*
 * Claims about the #VC handler core (ghcb/vc.c), run against a fake hypervisor that plays the
 * GHCB protocol (facts §3, §4) on a host-allocated GHCB page, with switches that make it lie.
 */
#include "unit.h"

#include "ghcb/vc.h"
#include "ghcb/xen_call.h"
#include "sev/exit_codes.h"
#include "sev/msr_protocol.h"
#include "sev/term.h"

/* ---- the fake machine ---- */

#define MEM_BASE   0x10000ull          /* guest linear == physical, private RAM */
#define MEM_SIZE   0x10000u
#define CODE_LA    (MEM_BASE + 0x100)
#define MMIO_GPA   0xfee00000ull       /* a shared MMIO window, mapped at the same linear */
#define MMIO_SIZE  0x1000u
#define GHCB_GPA   0x7000ull

struct fake {
	uint8_t mem[MEM_SIZE];
	uint8_t mmio[MMIO_SIZE];
	struct ghcb *ghcb;
	/* lies */
	bool lie_error, lie_event, lie_missing_valid, lie_garbage, lie_nosev, lie_msr_code;
	/* observations */
	unsigned vmgexits, msr_exchanges;
	uint64_t last_exit, last_info1, last_info2, last_in_valid[2];
	uint8_t out[8192];
	size_t nout;
	uint64_t last_term;
	uint64_t wrmsr_rcx, wrmsr_val;
	uint64_t hc_regs[6];
	uint8_t hc_cpl;
	unsigned fetch_limit;           /* 0 = no limit */
	/* an event during the next hypercall whose handler makes a hypercall of its own
	 * (console_io write of nest_text), between the guest's writes and its VMGEXIT */
	const char *nest_text;
	int nest_err;
	unsigned nest_vmgexits;
};

static struct fake *F;
static struct vc_cpu cpu;

static void cpuid_model(uint32_t leaf, uint32_t sub, uint32_t v[4])
{
	v[0] = v[1] = v[2] = v[3] = 0;
	switch (leaf) {
	case 0x0:
		v[0] = 0x10;
		v[1] = 0x68747541; v[3] = 0x69746e65; v[2] = 0x444d4163; /* AuthenticAMD */
		break;
	case 0x7:
		v[1] = 0x100 + sub;
		break;
	case 0x80000000:
		v[0] = 0x80000021;
		break;
	case 0x8000001f:
		v[0] = F->lie_nosev ? 0x8 : 0xb;        /* SME | SEV | SEV-ES */
		v[1] = 47 | (1 << 6);
		break;
	default:
		v[0] = leaf ^ 0x5a5a; v[1] = 0x1111; v[2] = 0x2222; v[3] = 0x3333;
	}
}

static uint64_t fake_msr_exchange(void *ctx, uint64_t v)
{
	(void)ctx;
	F->msr_exchanges++;
	switch (ghcb_msr_code(v)) {
	case GHCB_MSR_CPUID_REQ: {
		uint32_t r[4];
		cpuid_model(ghcb_msr_cpuid_req_leaf(v), 0, r);
		unsigned reg = ghcb_msr_cpuid_req_reg(v);
		uint64_t resp = ghcb_msr_cpuid_resp(r[reg], reg);
		return F->lie_msr_code ? resp + 1 : resp;
	}
	case GHCB_MSR_TERM_REQ:
		F->last_term = v;
		return v;
	default:
		return 0;
	}
}

static void set_out(struct ghcb *g, uint64_t *field, unsigned bit, uint64_t v)
{
	*field = v;
	if (!F->lie_missing_valid)
		ghcb_bitmap_set(g->valid_bitmap, bit);
}

static void fake_vmgexit(void *ctx, uint64_t ghcb_gpa)
{
	struct ghcb *g = F->ghcb;
	(void)ctx;
	assert_true(ghcb_gpa == GHCB_GPA);
	F->vmgexits++;
	F->last_exit = g->sw_exit_code;
	F->last_info1 = g->sw_exit_info_1;
	F->last_info2 = g->sw_exit_info_2;
	F->last_in_valid[0] = g->valid_bitmap[0];
	F->last_in_valid[1] = g->valid_bitmap[1];
	assert_int_equal(g->protocol_version, 2);
	assert_int_equal(g->ghcb_usage, 0);
	assert_true(ghcb_bitmap_test(g->valid_bitmap, GHCB_BIT_SW_EXIT_CODE));
	/* the hypervisor's answer starts from an empty bitmap */
	g->valid_bitmap[0] = g->valid_bitmap[1] = 0;

	switch (g->sw_exit_code) {
	case SVM_EXIT_CPUID: {
		uint32_t r[4];
		cpuid_model((uint32_t)g->rax, (uint32_t)g->rcx, r);
		uint64_t junk = F->lie_garbage ? 0xdead00000000ull : 0;
		set_out(g, &g->rax, GHCB_BIT_RAX, r[0] | junk);
		set_out(g, &g->rbx, GHCB_BIT_RBX, r[1]);
		set_out(g, &g->rcx, GHCB_BIT_RCX, r[2]);
		set_out(g, &g->rdx, GHCB_BIT_RDX, r[3]);
		break;
	}
	case SVM_EXIT_IOIO: {
		uint64_t i1 = g->sw_exit_info_1;
		unsigned sz = svm_ioio_size(i1);
		if (i1 & SVM_IOIO_STR) {
			assert_true(g->sw_scratch == GHCB_GPA + 0x800);
			size_t n = g->sw_exit_info_2 * sz;
			assert_true(n <= GHCB_SHARED_BUF_SIZE);
			if (i1 & SVM_IOIO_TYPE_IN) {
				for (size_t i = 0; i < n; i++)
					g->shared_buffer[i] = (uint8_t)(0xa0 + i);
			} else {
				memcpy(F->out + F->nout, g->shared_buffer, n);
				F->nout += n;
			}
		} else if (i1 & SVM_IOIO_TYPE_IN) {
			set_out(g, &g->rax, GHCB_BIT_RAX, 0x12345678ull & ((1ull << (8 * sz)) - 1));
		} else {
			memcpy(F->out + F->nout, (void *)&g->rax, sz);
			F->nout += sz;
		}
		break;
	}
	case SVM_EXIT_MSR:
		if (g->sw_exit_info_1 == 1) {
			F->wrmsr_rcx = g->rcx;
			F->wrmsr_val = g->rdx << 32 | g->rax;
		} else {
			set_out(g, &g->rax, GHCB_BIT_RAX, 0x11223344);
			set_out(g, &g->rdx, GHCB_BIT_RDX, 0x55667788);
		}
		break;
	case SVM_EXIT_RDTSCP:
		set_out(g, &g->rcx, GHCB_BIT_RCX, 3);
		/* fall through */
	case SVM_EXIT_RDTSC:
		set_out(g, &g->rax, GHCB_BIT_RAX, 1);
		set_out(g, &g->rdx, GHCB_BIT_RDX, 2);
		break;
	case SVM_EXIT_VMMCALL:
		F->hc_regs[0] = g->rax; F->hc_regs[1] = g->rdi; F->hc_regs[2] = g->rsi;
		F->hc_regs[3] = g->rdx; F->hc_regs[4] = g->r10; F->hc_regs[5] = g->r8;
		F->hc_cpl = g->cpl;
		if (F->nest_text) {
			const char *t = F->nest_text;
			uint64_t a[5] = { 0, strlen(t), (uint64_t)(uintptr_t)t, 0, 0 }, r = 0;
			unsigned before = F->vmgexits;

			F->nest_text = NULL;
			F->nest_err = vc_xen_call(&cpu, 18, a, &r);
			F->nest_vmgexits = F->vmgexits - before;
		}
		/* console_io(CONSOLEIO_write, n, buf): Xen reads the text at buf, which
		 * must be the shared buffer (the only memory it can read) */
		if (g->rax == 18 && g->rdi == 0 && g->rdx == GHCB_GPA + GHCB_SHARED_BUF_OFFSET &&
		    g->rsi <= GHCB_SHARED_BUF_SIZE) {
			memcpy(F->out + F->nout, g->shared_buffer, g->rsi);
			F->nout += g->rsi;
		}
		set_out(g, &g->rax, GHCB_BIT_RAX, 0x42);
		break;
	case SVM_VMGEXIT_MMIO_READ:
	case SVM_VMGEXIT_MMIO_WRITE: {
		uint64_t gpa = g->sw_exit_info_1, n = g->sw_exit_info_2;
		assert_true(gpa >= MMIO_GPA && gpa + n <= MMIO_GPA + MMIO_SIZE);
		assert_true(g->sw_scratch == GHCB_GPA + 0x800);
		if (g->sw_exit_code == SVM_VMGEXIT_MMIO_READ)
			memcpy(g->shared_buffer, F->mmio + (gpa - MMIO_GPA), n);
		else
			memcpy(F->mmio + (gpa - MMIO_GPA), g->shared_buffer, n);
		break;
	}
	default:
		break;
	}
	g->sw_exit_info_1 = F->lie_error ? 2 : F->lie_event ? 1 : 0;
	g->sw_exit_info_2 = F->lie_error ? GHCB_ERR_INVALID_INPUT : 0;
}

static uint8_t *mem_at(uint64_t la, size_t n)
{
	if (la >= MEM_BASE && la + n <= MEM_BASE + MEM_SIZE)
		return F->mem + (la - MEM_BASE);
	if (la >= MMIO_GPA && la + n <= MMIO_GPA + MMIO_SIZE)
		return F->mmio + (la - MMIO_GPA);
	return NULL;
}

static size_t fake_fetch(void *ctx, uint64_t la, uint8_t *buf, size_t n)
{
	(void)ctx;
	if (F->fetch_limit && n > F->fetch_limit)
		n = F->fetch_limit;
	uint8_t *p = mem_at(la, n);
	if (!p)
		return 0;
	memcpy(buf, p, n);
	return n;
}

static bool fake_read(void *ctx, uint64_t la, void *buf, size_t n)
{
	(void)ctx;
	uint8_t *p = mem_at(la, n);
	if (!p)
		return false;
	memcpy(buf, p, n);
	return true;
}

static bool fake_write(void *ctx, uint64_t la, const void *buf, size_t n)
{
	(void)ctx;
	uint8_t *p = mem_at(la, n);
	if (!p)
		return false;
	memcpy(p, buf, n);
	return true;
}

static bool fake_mmio_gpa(void *ctx, uint64_t la, size_t n, uint64_t *gpa)
{
	(void)ctx;
	if (la >= MMIO_GPA && la + n <= MMIO_GPA + MMIO_SIZE) {
		*gpa = la;
		return true;
	}
	return false;
}

static const struct vc_ops fake_ops = {
	.msr_exchange = fake_msr_exchange,
	.vmgexit = fake_vmgexit,
	.fetch = fake_fetch,
	.read = fake_read,
	.write = fake_write,
	.mmio_gpa = fake_mmio_gpa,
};

static int setup(void **state)
{
	(void)state;
	F = calloc(1, sizeof(*F));
	F->ghcb = aligned_alloc(4096, sizeof(struct ghcb));
	memset(F->ghcb, 0xcc, sizeof(struct ghcb));
	vc_cpu_init(&cpu, &fake_ops, NULL, 2);
	vc_cpu_set_ghcb(&cpu, F->ghcb, GHCB_GPA, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(F->ghcb);
	free(F);
	return 0;
}

/* Place code at CODE_LA and build a frame pointing at it. */
static struct vc_frame frame(uint64_t exit_code, const uint8_t *code, size_t n)
{
	struct vc_frame f = { 0 };
	memcpy(F->mem + (CODE_LA - MEM_BASE), code, n);
	f.regs.rip = CODE_LA;
	f.mode = INSN_MODE_64;
	f.exit_code = exit_code;
	return f;
}
#define FRAME(exit, ...) frame(exit, (const uint8_t[]){ __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }))

/* ---- CPUID ---- */

static void cpuid_through_ghcb(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	f.regs.gpr[INSN_REG_RAX] = 0xffffffff00000000ull;     /* leaf 0: upper half ignored */
	f.regs.gpr[INSN_REG_RCX] = 0;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 0x10);
	assert_true(f.regs.gpr[INSN_REG_RBX] == 0x68747541);
	assert_true(f.regs.rip == CODE_LA + 2);
	assert_int_equal(F->vmgexits, 1);
	assert_true(F->last_exit == SVM_EXIT_CPUID);
	assert_true(ghcb_bitmap_test(F->last_in_valid, GHCB_BIT_RAX));
	assert_true(ghcb_bitmap_test(F->last_in_valid, GHCB_BIT_RCX));
	assert_true(ghcb_bitmap_test(F->last_in_valid, GHCB_BIT_XCR0));
	assert_int_equal(cpu.stats.vc, 1);
	assert_int_equal(cpu.stats.vc_by[VC_STAT_CPUID], 1);
}

static void cpuid_subleaf_through_ghcb(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	f.regs.gpr[INSN_REG_RAX] = 7;
	f.regs.gpr[INSN_REG_RCX] = 1;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RBX] == 0x101);
}

static void cpuid_through_msr_protocol(void **s)
{
	(void)s;
	vc_cpu_set_ghcb(&cpu, NULL, 0, NULL);
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	f.regs.gpr[INSN_REG_RAX] = 0x8000001f;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 0xb);
	assert_true((f.regs.gpr[INSN_REG_RBX] & 0x3f) == 47);
	assert_int_equal(F->msr_exchanges, 4);
	assert_int_equal(F->vmgexits, 0);
	assert_int_equal(cpu.stats.vmgexits, 4);
}

static void cpuid_msr_indexed_leaf_refused(void **s)
{
	(void)s;
	vc_cpu_set_ghcb(&cpu, NULL, 0, NULL);
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	f.regs.gpr[INSN_REG_RAX] = 7;
	f.regs.gpr[INSN_REG_RCX] = 1;
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_UNSUPPORTED);
	assert_true(f.regs.rip == CODE_LA);
}

static void cpuid_msr_wrong_response_code(void **s)
{
	(void)s;
	vc_cpu_set_ghcb(&cpu, NULL, 0, NULL);
	F->lie_msr_code = true;
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_MSR_RESPONSE);
}

static void msr_protocol_serves_only_cpuid(void **s)
{
	(void)s;
	vc_cpu_set_ghcb(&cpu, NULL, 0, NULL);
	struct vc_frame f = FRAME(SVM_EXIT_IOIO, 0xee);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_UNEXPECTED);
}

static void cpuid_missing_valid_bit(void **s)
{
	(void)s;
	F->lie_missing_valid = true;
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_GHCB_MISSING_VALID);
	assert_true(f.regs.rip == CODE_LA);
	assert_true(f.regs.gpr[INSN_REG_RBX] == 0);
}

static void hypervisor_error_result(void **s)
{
	(void)s;
	F->lie_error = true;
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_GHCB_HV_ERROR);
}

static void exception_request_refused(void **s)
{
	(void)s;
	F->lie_event = true;
	struct vc_frame f = FRAME(SVM_EXIT_WBINVD, 0x0f, 0x09);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_GHCB_BAD_RESULT);
}

static void cpuid_garbage_and_nosev(void **s)
{
	(void)s;
	F->lie_garbage = true;
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	f.regs.gpr[INSN_REG_RAX] = 1;
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_CPUID_GARBAGE);
	F->lie_garbage = false;
	F->lie_nosev = true;
	f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	f.regs.gpr[INSN_REG_RAX] = 0x8000001f;
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_NO_SEV);
}

/* ---- instruction checks ---- */

static void opcode_mismatch_and_unexpected(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0xec);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_OPCODE_MISMATCH);
	f = FRAME(SVM_EXIT_VMMCALL, 0xf3, 0x0f, 0x01, 0xd9);            /* VMGEXIT is no VMMCALL */
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_OPCODE_MISMATCH);
	f = FRAME(SVM_EXIT_READ_DR7, 0x0f, 0x21, 0xf0);                 /* DR6, not DR7 */
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_OPCODE_MISMATCH);
	f = FRAME(SVM_EXIT_NPF, 0x0f, 0xa2);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_OPCODE_MISMATCH);
	f = FRAME(SVM_EXIT_INVD, 0x0f, 0x08);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_UNEXPECTED);
	f = FRAME(0x404, 0x90); /* SNP: a private page not validated is named (0x3f) */
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_SNP_NOT_VALIDATED);
	assert_int_equal(F->vmgexits, 0);
}

static void decode_failure(void **s)
{
	(void)s;
	F->fetch_limit = 1;
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_DECODE);
}

static void nested_vc(void **s)
{
	(void)s;
	cpu.busy = true;
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_NESTED);
	assert_int_equal(F->vmgexits, 0);
	cpu.busy = false;
}

/* A #VC while the GHCB is busy is served once through the backup copy: it gets its answer,
 * and the interrupted user finds the page exactly as it left it. */
static void nested_vc_backup(void **s)
{
	(void)s;
	static struct ghcb backup;
	uint8_t before[sizeof(struct ghcb)];

	vc_cpu_set_ghcb(&cpu, F->ghcb, GHCB_GPA, &backup);
	vc_ghcb_begin(&cpu);
	F->ghcb->rax = 0x1234;                  /* the interrupted user's half-built request */
	ghcb_set_valid(F->ghcb, GHCB_BIT_RAX);
	memcpy(before, (const void *)F->ghcb, sizeof(before));
	cpu.busy = true;
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RBX] == 0x68747541);
	assert_int_equal(F->vmgexits, 1);
	assert_true(cpu.busy);
	assert_false(cpu.backup_busy);
	assert_memory_equal(before, (const void *)F->ghcb, sizeof(before));
	/* A second level while the backup is in use is refused. */
	cpu.backup_busy = true;
	f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_NESTED);
	assert_int_equal(F->vmgexits, 1);
	cpu.backup_busy = false;
	cpu.busy = false;
}

/* ---- IOIO ---- */

static void out_dx_al(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_IOIO, 0xee);
	f.regs.gpr[INSN_REG_RDX] = 0x3f8;
	f.regs.gpr[INSN_REG_RAX] = 0xaabbcc41;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_int_equal(F->nout, 1);
	assert_int_equal(F->out[0], 0x41);
	assert_true(F->last_info1 == ((0x3f8u << 16) | SVM_IOIO_SZ8 | SVM_IOIO_A64));
	assert_true(F->last_info2 == 0);
	assert_true(f.regs.rip == CODE_LA + 1);
}

static void in_forms(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_IOIO, 0xe5, 0x71);          /* IN eax, 0x71 */
	f.regs.gpr[INSN_REG_RAX] = 0xffffffffffffffffull;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 0x12345678);           /* zero-extended */
	assert_true(F->last_info1 == ((0x71u << 16) | SVM_IOIO_TYPE_IN | SVM_IOIO_SZ32 | SVM_IOIO_A64));
	assert_true(f.regs.rip == CODE_LA + 2);

	f = FRAME(SVM_EXIT_IOIO, 0xec);                                 /* IN al, dx: merge */
	f.regs.gpr[INSN_REG_RAX] = 0xffffffffffffff00ull;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 0xffffffffffffff78ull);

	f = FRAME(SVM_EXIT_IOIO, 0x66, 0xed);                           /* IN ax, dx */
	f.regs.gpr[INSN_REG_RAX] = 0xffffffffffff0000ull;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 0xffffffffffff5678ull);
	assert_true(F->last_info1 & SVM_IOIO_SZ16);
}

static void in_missing_valid(void **s)
{
	(void)s;
	F->lie_missing_valid = true;
	struct vc_frame f = FRAME(SVM_EXIT_IOIO, 0xec);
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_GHCB_MISSING_VALID);
}

static void rep_outsb_batches(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_IOIO, 0xf3, 0x6e);
	for (unsigned i = 0; i < 5000; i++)
		F->mem[0x1000 + i] = (uint8_t)(i * 7);
	f.regs.gpr[INSN_REG_RSI] = MEM_BASE + 0x1000;
	f.regs.gpr[INSN_REG_RCX] = 5000;
	f.regs.gpr[INSN_REG_RDX] = 0xe9;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_int_equal(F->vmgexits, 3);                               /* 2032 + 2032 + 936 */
	assert_true(F->last_info2 == 936);
	assert_true(F->last_info1 == ((0xe9u << 16) | SVM_IOIO_STR | SVM_IOIO_REP | SVM_IOIO_SZ8 |
				      SVM_IOIO_A64 | SVM_IOIO_SEG_DS));
	assert_int_equal(F->nout, 5000);
	assert_memory_equal(F->out, F->mem + 0x1000, 5000);
	assert_true(f.regs.gpr[INSN_REG_RCX] == 0);
	assert_true(f.regs.gpr[INSN_REG_RSI] == MEM_BASE + 0x1000 + 5000);
	assert_true(f.regs.rip == CODE_LA + 2);
	assert_int_equal(cpu.stats.vc, 1);
}

static void rep_insw(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_IOIO, 0x66, 0xf3, 0x6d);
	f.regs.gpr[INSN_REG_RDI] = MEM_BASE + 0x2000;
	f.regs.gpr[INSN_REG_RCX] = 3;
	f.regs.gpr[INSN_REG_RDX] = 0x60;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(F->last_info1 == ((0x60u << 16) | SVM_IOIO_TYPE_IN | SVM_IOIO_STR | SVM_IOIO_REP |
				      SVM_IOIO_SZ16 | SVM_IOIO_A64 | SVM_IOIO_SEG_ES));
	assert_true(F->last_info2 == 3);
	static const uint8_t want[6] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5 };
	assert_memory_equal(F->mem + 0x2000, want, 6);
	assert_true(f.regs.gpr[INSN_REG_RDI] == MEM_BASE + 0x2006);
	assert_true(f.regs.gpr[INSN_REG_RCX] == 0);
}

static void outsb_backwards(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_IOIO, 0xf3, 0x6e);
	memcpy(F->mem + 0x3000, "abc", 3);
	f.regs.gpr[INSN_REG_RSI] = MEM_BASE + 0x3002;
	f.regs.gpr[INSN_REG_RCX] = 3;
	f.regs.rflags = 1u << 10;                                       /* DF */
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_memory_equal(F->out, "cba", 3);
	assert_true(f.regs.gpr[INSN_REG_RSI] == MEM_BASE + 0x2fff);
}

static void rep_outs_addr32(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_IOIO, 0x67, 0xf3, 0x6e);
	memcpy(F->mem + 0x4000, "xy", 2);
	f.regs.gpr[INSN_REG_RSI] = 0xdead000000000000ull | (MEM_BASE + 0x4000);
	f.regs.gpr[INSN_REG_RCX] = 0xffffffff00000002ull;               /* ECX = 2 */
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_memory_equal(F->out, "xy", 2);
	assert_true(F->last_info1 & SVM_IOIO_A32);
	assert_true(f.regs.gpr[INSN_REG_RSI] == MEM_BASE + 0x4002);      /* ESI write zero-extends */
	assert_true(f.regs.gpr[INSN_REG_RCX] == 0);
}

static void outs_unreadable_source(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_IOIO, 0x6e);
	f.regs.gpr[INSN_REG_RSI] = 0x100;                               /* not mapped */
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_UNSUPPORTED);
}

static void outs_helper_batches(void **s)
{
	(void)s;
	static uint8_t line[5000];
	memset(line, 'x', sizeof(line));
	assert_int_equal(vc_outs(&cpu, 0xe9, line, 100, 1), 0);
	assert_int_equal(F->vmgexits, 1);
	assert_int_equal(vc_outs(&cpu, 0xe9, line, sizeof(line), 1), 0);
	assert_int_equal(F->vmgexits, 4);
	assert_int_equal(F->nout, 5100);
	vc_cpu_set_ghcb(&cpu, NULL, 0, NULL);
	assert_int_equal(vc_outs(&cpu, 0xe9, line, 1, 1), CB_TERM_VC_UNSUPPORTED);
}

/* ---- MSR, TSC, VMMCALL, WBINVD, DR7, MONITOR ---- */

static void rdmsr_wrmsr(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_MSR, 0x0f, 0x32);
	f.regs.gpr[INSN_REG_RCX] = 0x1b;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 0x11223344);
	assert_true(f.regs.gpr[INSN_REG_RDX] == 0x55667788);
	assert_true(F->last_info1 == 0);
	assert_true(ghcb_bitmap_test(F->last_in_valid, GHCB_BIT_RCX));

	f = FRAME(SVM_EXIT_MSR, 0x0f, 0x30);
	f.regs.gpr[INSN_REG_RCX] = 0x830;
	f.regs.gpr[INSN_REG_RAX] = 0xffffffff000000feull;
	f.regs.gpr[INSN_REG_RDX] = 0x1;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(F->last_info1 == 1);
	assert_true(F->wrmsr_rcx == 0x830);
	assert_true(F->wrmsr_val == 0x1000000feull);
	assert_true(f.regs.rip == CODE_LA + 2);
}

static void rdtsc_rdtscp(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_RDTSC, 0x0f, 0x31);
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 1 && f.regs.gpr[INSN_REG_RDX] == 2);
	f = FRAME(SVM_EXIT_RDTSCP, 0x0f, 0x01, 0xf9);
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RCX] == 3);
	assert_true(f.regs.rip == CODE_LA + 3);
}

static void vmmcall_hypercall_abi(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_VMMCALL, 0x0f, 0x01, 0xd9);
	uint64_t *x = f.regs.gpr;
	x[INSN_REG_RAX] = 29; x[INSN_REG_RDI] = 2; x[INSN_REG_RSI] = 0x8000;
	x[INSN_REG_RDX] = 3; x[INSN_REG_R10] = 4; x[INSN_REG_R8] = 5;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	uint64_t want[6] = { 29, 2, 0x8000, 3, 4, 5 };
	assert_memory_equal(F->hc_regs, want, sizeof(want));
	assert_int_equal(F->hc_cpl, 0);
	static const unsigned bits[] = { GHCB_BIT_RAX, GHCB_BIT_RDI, GHCB_BIT_RSI, GHCB_BIT_RDX,
					 GHCB_BIT_R10, GHCB_BIT_R8, GHCB_BIT_CPL };
	for (unsigned i = 0; i < 7; i++)
		assert_true(ghcb_bitmap_test(F->last_in_valid, bits[i]));
	assert_true(x[INSN_REG_RAX] == 0x42);
	assert_true(f.regs.rip == CODE_LA + 3);
}

static void wbinvd_and_monitor(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_WBINVD, 0x0f, 0x09);
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_int_equal(F->vmgexits, 1);
	assert_true(F->last_exit == SVM_EXIT_WBINVD);
	f = FRAME(SVM_EXIT_MONITOR, 0x0f, 0x01, 0xc8);
	assert_int_equal(vc_handle(&cpu, &f), 0);
	f = FRAME(SVM_EXIT_MWAIT, 0x0f, 0x01, 0xc9);
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.rip == CODE_LA + 3);
	assert_int_equal(F->vmgexits, 1);                               /* MONITOR/MWAIT: NOPs */
}

static void dr7_write_then_read(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_READ_DR7, 0x0f, 0x21, 0xf8); /* mov rax, dr7 */
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 0x400);
	f = FRAME(SVM_EXIT_WRITE_DR7, 0x41, 0x0f, 0x23, 0xf9);          /* mov dr7, r9 */
	f.regs.gpr[INSN_REG_R9] = 0xffffffff;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(F->last_exit == SVM_EXIT_WRITE_DR7);
	assert_true(f.regs.rip == CODE_LA + 4);
	f = FRAME(SVM_EXIT_READ_DR7, 0x0f, 0x21, 0xfb);                 /* mov rbx, dr7 */
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RBX] == 0xffff27ffull);
	assert_int_equal(F->vmgexits, 1);                               /* reads: no VMGEXIT */
	f = FRAME(SVM_EXIT_WRITE_DR7, 0x0f, 0x23, 0xf8);
	f.regs.gpr[INSN_REG_RAX] = 1ull << 32;
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_UNSUPPORTED);
}

/* ---- MMIO ---- */

static void mmio_write_forms(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_NPF, 0x89, 0x08);            /* mov [rax], ecx */
	f.regs.gpr[INSN_REG_RAX] = MMIO_GPA + 0x300;
	f.regs.gpr[INSN_REG_RCX] = 0x1122334455667788ull;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(F->last_exit == SVM_VMGEXIT_MMIO_WRITE);
	assert_true(F->last_info1 == MMIO_GPA + 0x300 && F->last_info2 == 4);
	uint32_t v;
	memcpy(&v, F->mmio + 0x300, 4);
	assert_true(v == 0x55667788);
	assert_true(f.regs.rip == CODE_LA + 2);

	f = FRAME(SVM_EXIT_NPF, 0x48, 0xc7, 0x40, 0x08, 0xff, 0xff, 0xff, 0xff); /* mov qword [rax+8], -1 */
	f.regs.gpr[INSN_REG_RAX] = MMIO_GPA + 0x300;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(F->last_info2 == 8);
	uint64_t q;
	memcpy(&q, F->mmio + 0x308, 8);
	assert_true(q == ~0ull);

	f = FRAME(SVM_EXIT_NPF, 0x88, 0x20);                            /* mov [rax], ah */
	f.regs.gpr[INSN_REG_RAX] = MMIO_GPA + 0x10;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_int_equal(F->mmio[0x10], (uint8_t)((MMIO_GPA + 0x10) >> 8));
}

static void mmio_read_forms(void **s)
{
	(void)s;
	uint32_t v = 0x8899aabb;
	memcpy(F->mmio + 0x20, &v, 4);
	struct vc_frame f = FRAME(SVM_EXIT_NPF, 0x8b, 0x03);            /* mov eax, [rbx] */
	f.regs.gpr[INSN_REG_RBX] = MMIO_GPA + 0x20;
	f.regs.gpr[INSN_REG_RAX] = ~0ull;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(F->last_exit == SVM_VMGEXIT_MMIO_READ);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 0x8899aabb);

	f = FRAME(SVM_EXIT_NPF, 0x48, 0x0f, 0xbe, 0x03);                /* movsx rax, byte [rbx] */
	f.regs.gpr[INSN_REG_RBX] = MMIO_GPA + 0x20;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 0xffffffffffffffbbull);

	f = FRAME(SVM_EXIT_NPF, 0x0f, 0xb7, 0x0b);                      /* movzx ecx, word [rbx] */
	f.regs.gpr[INSN_REG_RBX] = MMIO_GPA + 0x20;
	f.regs.gpr[INSN_REG_RCX] = ~0ull;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RCX] == 0xaabb);

	f = FRAME(SVM_EXIT_NPF, 0x8a, 0x3b);                            /* mov bh, [rbx] */
	f.regs.gpr[INSN_REG_RBX] = MMIO_GPA + 0x20;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RBX] == ((MMIO_GPA + 0x20) & ~0xff00ull) + 0xbb00);

	f = FRAME(SVM_EXIT_NPF, 0x67, 0xa1, 0x20, 0x00, 0xe0, 0xfe);   /* mov eax, [moffs32] */
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 0x8899aabb);
	assert_true(f.regs.rip == CODE_LA + 6);
}

static void mmio_refusals(void **s)
{
	(void)s;
	struct vc_frame f = FRAME(SVM_EXIT_NPF, 0x8b, 0x03);            /* private memory */
	f.regs.gpr[INSN_REG_RBX] = MEM_BASE;
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_UNSUPPORTED);
	f = FRAME(SVM_EXIT_NPF, 0xf3, 0xa4);                            /* MOVS: not emulated */
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_OPCODE_MISMATCH);
	f = FRAME(SVM_EXIT_NPF, 0xf0, 0x89, 0x08);                      /* LOCK */
	f.regs.gpr[INSN_REG_RAX] = MMIO_GPA;
	assert_int_equal(vc_handle(&cpu, &f), CB_TERM_VC_UNSUPPORTED);
	assert_int_equal(F->vmgexits, 0);
}

/* ---- 32-bit mode, hypercall helper, termination ---- */

static void mode32_cpuid(void **s)
{
	(void)s;
	vc_cpu_set_ghcb(&cpu, NULL, 0, NULL);
	struct vc_frame f = FRAME(SVM_EXIT_CPUID, 0x0f, 0xa2);
	f.mode = INSN_MODE_32;
	f.regs.gpr[INSN_REG_RAX] = 0x80000000;
	assert_int_equal(vc_handle(&cpu, &f), 0);
	assert_true(f.regs.gpr[INSN_REG_RAX] == 0x80000021);
	assert_true(f.regs.rip == CODE_LA + 2);
}

static void hypercall_helper(void **s)
{
	(void)s;
	uint64_t args[5] = { 1, 2, 3, 4, 5 }, ret = 0;
	assert_int_equal(vc_hypercall(&cpu, 18, args, &ret), 0);
	assert_true(ret == 0x42);
	assert_true(F->hc_regs[0] == 18 && F->hc_regs[5] == 5);
	F->lie_missing_valid = true;
	assert_int_equal(vc_hypercall(&cpu, 18, args, &ret), CB_TERM_GHCB_MISSING_VALID);
	vc_cpu_set_ghcb(&cpu, NULL, 0, NULL);
	assert_int_equal(vc_hypercall(&cpu, 18, args, &ret), CB_TERM_VC_UNSUPPORTED);
}

/* The Xen transport (ghcb/xen_call.c): console_io's text and sched_op's argument travel
 * through the shared buffer, passed by its GPA. */
static void xen_call_bounces_through_shared_buffer(void **s)
{
	(void)s;
	static const char line[] = "cocoboot: hello\n";
	uint64_t args[5] = { 0, sizeof(line) - 1, (uint64_t)(uintptr_t)line, 0, 0 }, ret = 0;

	assert_int_equal(vc_xen_call(&cpu, 18, args, &ret), 0);
	assert_true(ret == 0x42 && F->vmgexits == 1 && !cpu.busy);
	assert_true(F->hc_regs[3] == GHCB_GPA + GHCB_SHARED_BUF_OFFSET && F->hc_regs[2] == sizeof(line) - 1);
	assert_int_equal(F->nout, sizeof(line) - 1);
	assert_memory_equal(F->out, line, sizeof(line) - 1);

	static const uint32_t shutdown_reason[4] = { 2 }; /* the bounce copies 16 bytes */
	uint64_t sargs[5] = { 2, (uint64_t)(uintptr_t)shutdown_reason, 0, 0, 0 };
	assert_int_equal(vc_xen_call(&cpu, 29, sargs, &ret), 0);
	assert_true(F->hc_regs[2] == GHCB_GPA + GHCB_SHARED_BUF_OFFSET);
	assert_true(memcmp(F->ghcb->shared_buffer, shutdown_reason, 4) == 0);
	vc_cpu_set_ghcb(&cpu, NULL, 0, NULL);
	assert_int_equal(vc_xen_call(&cpu, 18, args, &ret), CB_TERM_VC_UNSUPPORTED);
}

/* Issue 9: a hypercall made while the GHCB is busy (here: by the handler of an event that
 * arrives during a hypercall, after the guest wrote its arguments and before its VMGEXIT)
 * is refused with CB_TERM_VC_NESTED before it writes anything: the call in flight reaches
 * the hypervisor with its own text, not the nested call's. (The old order bounced the
 * arguments into the shared buffer first and checked busy after.) */
static void xen_call_busy_leaves_call_in_flight(void **s)
{
	(void)s;
	static const char outer[] = "the call in flight\n";
	uint64_t args[5] = { 0, sizeof(outer) - 1, (uint64_t)(uintptr_t)outer, 0, 0 }, ret = 0;

	F->nest_text = "NESTED: an NMI handler's report, longer than the line in flight\n";
	assert_int_equal(vc_xen_call(&cpu, 18, args, &ret), 0);
	assert_int_equal(F->nest_err, CB_TERM_VC_NESTED);
	assert_int_equal(F->nest_vmgexits, 0);
	assert_int_equal(F->vmgexits, 1);
	assert_int_equal(F->nout, sizeof(outer) - 1);
	assert_memory_equal(F->out, outer, sizeof(outer) - 1);
	assert_true(F->ghcb->shared_buffer[sizeof(outer) - 1] == 0xcc); /* nothing past it */
	assert_false(cpu.busy);
}

static void termination_request(void **s)
{
	(void)s;
	vc_terminate(&cpu, CB_TERM_SET, CB_TERM_CBIT_VERIFY);
	assert_true(F->last_term == 0x01c100);
	assert_int_equal(ghcb_msr_term_set(F->last_term), 0xc);
	assert_int_equal(ghcb_msr_term_code(F->last_term), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(cpuid_through_ghcb),
		T(cpuid_subleaf_through_ghcb),
		T(cpuid_through_msr_protocol),
		T(cpuid_msr_indexed_leaf_refused),
		T(cpuid_msr_wrong_response_code),
		T(msr_protocol_serves_only_cpuid),
		T(cpuid_missing_valid_bit),
		T(hypervisor_error_result),
		T(exception_request_refused),
		T(cpuid_garbage_and_nosev),
		T(opcode_mismatch_and_unexpected),
		T(decode_failure),
		T(nested_vc),
		T(nested_vc_backup),
		T(out_dx_al),
		T(in_forms),
		T(in_missing_valid),
		T(rep_outsb_batches),
		T(rep_insw),
		T(outsb_backwards),
		T(rep_outs_addr32),
		T(outs_unreadable_source),
		T(outs_helper_batches),
		T(rdmsr_wrmsr),
		T(rdtsc_rdtscp),
		T(vmmcall_hypercall_abi),
		T(wbinvd_and_monitor),
		T(dr7_write_then_read),
		T(mmio_write_forms),
		T(mmio_read_forms),
		T(mmio_refusals),
		T(mode32_cpuid),
		T(hypercall_helper),
		T(xen_call_bounces_through_shared_buffer),
		T(xen_call_busy_leaves_call_in_flight),
		T(termination_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
