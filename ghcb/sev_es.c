/* SPDX-License-Identifier: MIT */
/*
 * Guest glue for the #VC core (ghcb/vc.c): the real VMGEXIT and GHCB MSR accesses, the
 * vector-29 trap handler, the termination path, and the Xen hypercall transport through
 * the GHCB (docs/ghcb.md). Guest only; the logic it calls is host-tested.
 *
 * cocoboot identity-maps memory, so a linear address is the guest-physical address and
 * instruction bytes and string-I/O buffers are read directly.
 *
 * Nested #VC (docs/ghcb.md "Nested #VC"): #VC arrives on IST_VC, which points at one of
 * three stacks. While any exception handler runs on (or interrupted code on) #VC stack k,
 * IST_VC points at stack k + 1, so a #VC raised meanwhile (the crash report of an injected
 * exception or NMI, even one injected before the #VC handler's first instruction) starts
 * below the live frames instead of over them; the GHCB it needs while busy is lent through
 * a backup copy (ghcb/vc.c). A #VC on the third stack terminates at once. The fatal path writes its one line straight through the
 * GHCB and terminates through the MSR protocol: nothing in it can raise #VC.
 */
#include "ghcb/sev_es.h"

#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "arch/x86/power.h"
#include "ghcb/check.h"
#include "ghcb/xen_call.h"
#include "lib/console.h"
#include "lib/format.h"
#include "sev/exit_codes.h"
#include "sev/msr_protocol.h"
#include "sev/term.h"
#include "xen/hypercall.h"

static sev_es_mmio_check_t mmio_check;
static unsigned fatal_code;             /* first fatal reason; later ones repeat it */

/*
 * One #VC core per CPU: its vc_cpu (GHCB page, busy flags, statistics), its backup GHCB and
 * its three #VC stacks. The BSP's is static; the APs' live in the per-CPU areas smp/ hands
 * over (sev_es_ap_areas): a CPU is found from any address on its stacks, so the handler
 * needs no per-CPU register (GS is not set yet when the first #VC of an AP can come).
 */
#define VC_LEVELS     3                 /* level 0 for a #VC, 1 for a #VC inside it, 2 ends */
#define VC_STACK_SIZE 8192
struct sev_es_cpu {
	struct vc_cpu vc;
	void *tss;                      /* its TSS (NULL: the BSP's) */
	uint64_t ist;                   /* what its IST_VC holds now */
	struct ghcb backup;             /* private copy for one nested GHCB use */
	uint8_t stacks[VC_LEVELS][VC_STACK_SIZE] __attribute__((aligned(16)));
};

static struct sev_es_cpu bsp_cpu;
static uint64_t ap_base, ap_stride, ap_off; /* AP i's area: ap_base + i * ap_stride */
static unsigned ap_count;

size_t sev_es_cpu_size(void)
{
	return sizeof(struct sev_es_cpu);
}

void sev_es_ap_areas(uint64_t base, uint64_t stride, unsigned n, uint64_t sev_offset)
{
	ap_stride = stride;
	ap_off = sev_offset;
	ap_count = n;
	__atomic_store_n(&ap_base, base, __ATOMIC_RELEASE);
}

/* The CPU whose area holds address a; every other address is the BSP's. */
static struct sev_es_cpu *cpu_of(uint64_t a)
{
	uint64_t base = __atomic_load_n(&ap_base, __ATOMIC_ACQUIRE);

	if (base && ap_stride && a >= base && (a - base) / ap_stride < ap_count)
		return (struct sev_es_cpu *)(uintptr_t)(base + (a - base) / ap_stride * ap_stride +
							ap_off);
	return &bsp_cpu;
}

static struct sev_es_cpu *this_cpu(void)
{
	return cpu_of((uint64_t)(uintptr_t)__builtin_frame_address(0));
}

static uint64_t vc_stack_top(struct sev_es_cpu *c, unsigned level)
{
	return (uint64_t)(uintptr_t)(c->stacks[level] + VC_STACK_SIZE);
}

static void vc_set_ist(struct sev_es_cpu *c, uint64_t top)
{
	c->ist = top;
	desc_tss_set_ist(c->tss, IST_VC, top);
}

/* Which #VC stack of c holds address a (-1: none). */
static int vc_level_of(struct sev_es_cpu *c, uint64_t a)
{
	for (int k = 0; k < VC_LEVELS; k++)
		if (a >= (uint64_t)(uintptr_t)c->stacks[k] && a < vc_stack_top(c, (unsigned)k))
			return k;
	return -1;
}

/* The level an exception runs at: its frame's stack, else the interrupted stack (an NMI or
 * #DF frame is on its own IST stack, but what it interrupted may be a #VC). */
static int trap_level(struct sev_es_cpu *c, const struct trap_frame *t)
{
	int k = vc_level_of(c, (uint64_t)(uintptr_t)t);

	return k >= 0 ? k : vc_level_of(c, t->rsp);
}

/* Returns what leave() restores: the IST it replaced, or 0 when it left IST_VC alone (an
 * exception off the #VC stacks must not move it). */
static uint64_t sev_es_nest_enter(const struct trap_frame *t)
{
	struct sev_es_cpu *c = cpu_of((uint64_t)(uintptr_t)t);
	uint64_t saved = c->ist;
	int k = trap_level(c, t);

	if (k < 0)
		return 0;
	vc_set_ist(c, vc_stack_top(c, k + 1 < VC_LEVELS ? (unsigned)k + 1 : VC_LEVELS - 1));
	return saved;
}

static void sev_es_nest_leave(uint64_t saved)
{
	if (saved)
		vc_set_ist(this_cpu(), saved);
}

static const struct trap_nest_hook sev_es_nest = { sev_es_nest_enter, sev_es_nest_leave };

/* VMGEXIT is REP VMMCALL (facts §2). */
static inline void vmgexit(void)
{
	__asm__ volatile(".byte 0xf3, 0x0f, 0x01, 0xd9" ::: "memory");
}

static uint64_t hw_msr_exchange(void *ctx, uint64_t v)
{
	(void)ctx;
	wrmsr(MSR_SEV_GHCB, v);
	vmgexit();
	return rdmsr(MSR_SEV_GHCB);
}

static void hw_vmgexit(void *ctx, uint64_t gpa)
{
	(void)ctx;
	wrmsr(MSR_SEV_GHCB, gpa);
	vmgexit();
}

static size_t hw_fetch(void *ctx, uint64_t la, uint8_t *buf, size_t n)
{
	const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)la;
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		buf[i] = p[i];
	return n;
}

static bool hw_read(void *ctx, uint64_t la, void *buf, size_t n)
{
	return hw_fetch(ctx, la, buf, n) == n;
}

static bool hw_write(void *ctx, uint64_t la, const void *buf, size_t n)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)la;
	const uint8_t *s = buf;
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		p[i] = s[i];
	return true;
}

static bool hw_mmio_gpa(void *ctx, uint64_t la, size_t n, uint64_t *gpa)
{
	(void)ctx;
	if (!mmio_check || !mmio_check(la, n))
		return false;
	*gpa = la;
	return true;
}

static const struct vc_ops hw_ops = {
	.msr_exchange = hw_msr_exchange,
	.vmgexit = hw_vmgexit,
	.fetch = hw_fetch,
	.read = hw_read,
	.write = hw_write,
	.mmio_gpa = hw_mmio_gpa,
};

static unsigned fatal_set = CB_TERM_SET; /* the set of fatal_code */

__attribute__((noreturn)) static void terminate_set(unsigned set, unsigned code)
{
	for (;;) {
		vc_terminate(&this_cpu()->vc, set, code);
		cpu_halt_forever();
	}
}

__attribute__((noreturn)) static void terminate(unsigned code)
{
	terminate_set(CB_TERM_SET, code);
}

/*
 * The report goes to port 0xE9 as string I/O through the GHCB, made here rather than by an
 * OUTS that would raise #VC: the fatal path may run inside the #VC handler, or because the
 * GHCB just failed. Whatever the GHCB was busy with is abandoned (nothing returns to it),
 * and an error of this last call is ignored: the termination request follows either way.
 */
void sev_es_fatal_set(unsigned set, unsigned code, const char *what)
{
	struct vc_cpu *me = &this_cpu()->vc;
	char line[240];
	int n;

	if (fatal_code)
		terminate_set(fatal_set, fatal_code); /* failed again while reporting: keep the first */
	/* The request carries 8 bits of code (docs/abi.md): a value that is no reason of
	 * ours (state the hypervisor rewrote, e.g. replay-private) would be cut into another
	 * reason; it is reported as what it is, a fatal error. */
	if (set == CB_TERM_SET && !cb_term_name(code))
		code = CB_TERM_FATAL;
	fatal_code = code;
	fatal_set = set;
	if (me->ghcb) {
		const char *name = set == CB_TERM_SET ? cb_term_name(code) :
				   set == SEV_TERM_SET_GEN && code == SEV_TERM_GEN_SNP_FEATURES ?
				   "snp-features-unsupported" : "spec";
		n = fmt_snprintf(line, sizeof(line),
				 "cocoboot: FATAL: SEV-ES: %s: %s (reason set %#x code %#x)\n", what,
				 name ? name : "?", set, code);
		if (n > (int)sizeof(line) - 1)
			n = (int)sizeof(line) - 1;
		me->busy = false;
		me->backup_busy = true;         /* no nested #VC may lend the page now */
		(void)vc_outs(me, 0xe9, line, (size_t)n, 1);
	}
	terminate_set(set, code);
}

void sev_es_fatal(unsigned code, const char *what)
{
	sev_es_fatal_set(CB_TERM_SET, code, what);
}

/* trap_frame (arch/x86/desc.h) <-> register file in encoding order. */
static void frame_in(const struct trap_frame *t, struct vc_frame *f)
{
	uint64_t *g = f->regs.gpr;

	*f = (struct vc_frame){ 0 };
	g[INSN_REG_RAX] = t->rax; g[INSN_REG_RCX] = t->rcx; g[INSN_REG_RDX] = t->rdx;
	g[INSN_REG_RBX] = t->rbx; g[INSN_REG_RSP] = t->rsp; g[INSN_REG_RBP] = t->rbp;
	g[INSN_REG_RSI] = t->rsi; g[INSN_REG_RDI] = t->rdi; g[INSN_REG_R8] = t->r8;
	g[INSN_REG_R9] = t->r9; g[INSN_REG_R10] = t->r10; g[INSN_REG_R11] = t->r11;
	g[INSN_REG_R12] = t->r12; g[INSN_REG_R13] = t->r13; g[INSN_REG_R14] = t->r14;
	g[INSN_REG_R15] = t->r15;
	f->regs.rip = t->rip;
	f->regs.rflags = t->rflags;
	f->mode = (t->cs & ~3ull) == SEL_CODE64 ? INSN_MODE_64 : INSN_MODE_32;
	f->exit_code = t->error_code;
}

static void frame_out(const struct vc_frame *f, struct trap_frame *t)
{
	const uint64_t *g = f->regs.gpr;

	t->rax = g[INSN_REG_RAX]; t->rcx = g[INSN_REG_RCX]; t->rdx = g[INSN_REG_RDX];
	t->rbx = g[INSN_REG_RBX]; t->rbp = g[INSN_REG_RBP]; t->rsi = g[INSN_REG_RSI];
	t->rdi = g[INSN_REG_RDI]; t->r8 = g[INSN_REG_R8]; t->r9 = g[INSN_REG_R9];
	t->r10 = g[INSN_REG_R10]; t->r11 = g[INSN_REG_R11]; t->r12 = g[INSN_REG_R12];
	t->r13 = g[INSN_REG_R13]; t->r14 = g[INSN_REG_R14]; t->r15 = g[INSN_REG_R15];
	t->rip = f->regs.rip;           /* RSP is not an emulated destination */
}

static void sev_es_vc_trap(struct trap_frame *t)
{
	struct sev_es_cpu *c = cpu_of((uint64_t)(uintptr_t)t);
	struct vc_frame f;
	int err;

	/* The nest hook already pointed IST_VC at the next stack; on the last one there is
	 * none, and the frames below may be live: stop here. */
	if (trap_level(c, t) == VC_LEVELS - 1)
		terminate_set(fatal_set, fatal_code ? fatal_code : CB_TERM_VC_NESTED);
	frame_in(t, &f);
	err = vc_handle(&c->vc, &f);
	if (err)
		sev_es_fatal((unsigned)err, "#VC");
	frame_out(&f, t);
}

static void sev_es_power_hook(enum power_status status, unsigned reason)
{
	if (status == POWER_FAILURE)
		terminate(reason ? reason : CB_TERM_FATAL);
}

int sev_es_negotiate(struct ghcb_sev_info *info)
{
	bsp_cpu.vc.stats.vmgexits++;
	return ghcb_check_sev_info(hw_msr_exchange(NULL, ghcb_msr_sev_info_req()), info);
}

void sev_es_init_early(unsigned version)
{
	vc_cpu_init(&bsp_cpu.vc, &hw_ops, NULL, version);
	vc_set_ist(&bsp_cpu, vc_stack_top(&bsp_cpu, 0));
	trap_set_nest_hook(&sev_es_nest);
	trap_set_handler(VEC_VC, sev_es_vc_trap);
	power_add_hook(sev_es_power_hook);
}

int sev_es_use_ghcb(volatile struct ghcb *ghcb, uint64_t gpa, bool snp)
{
	if (snp) {
		/* SNP: register the GHCB GPA before using it (facts §3 setup rules, §2 0x012). */
		uint64_t resp = hw_msr_exchange(NULL, ghcb_msr_reg_gpa_req(gpa >> 12));
		int err;
		bsp_cpu.vc.stats.vmgexits++;
		err = ghcb_check_reg_gpa(gpa >> 12, resp);
		if (err)
			return err;
	}
	vc_cpu_set_ghcb(&bsp_cpu.vc, ghcb, gpa, &bsp_cpu.backup);
	return 0;
}

uint64_t sev_es_ap_prepare(void *area, void *tss, volatile struct ghcb *ghcb, uint64_t gpa)
{
	struct sev_es_cpu *c = area;

	vc_cpu_init(&c->vc, &hw_ops, NULL, bsp_cpu.vc.version);
	c->tss = tss;
	c->ist = vc_stack_top(c, 0);
	for (size_t i = 0; i < sizeof(*ghcb); i++)
		((volatile uint8_t *)ghcb)[i] = 0;
	vc_cpu_set_ghcb(&c->vc, ghcb, gpa, &c->backup);
	return c->ist;
}

/* NAE 0x8000_0005 (facts §4.3, §7.4): SET registers *gpa, GET returns the hypervisor's
 * idea of it in sw_exit_info_2 (a value to check, not to trust). */
int sev_es_jump_table(bool set, uint64_t *gpa)
{
	struct vc_cpu *me = &this_cpu()->vc;
	struct ghcb_resp r;
	int err;

	if (!me->ghcb)
		return CB_TERM_VC_UNSUPPORTED;
	if (me->busy)
		sev_es_fatal(CB_TERM_VC_NESTED, "AP jump table");
	me->busy = true;
	vc_ghcb_begin(me);
	err = vc_ghcb_call(me, SVM_VMGEXIT_AP_JUMP_TABLE,
			   set ? SVM_VMGEXIT_AP_JUMP_TABLE_SET : SVM_VMGEXIT_AP_JUMP_TABLE_GET,
			   set ? *gpa : 0, &r);
	me->busy = false;
	if (!err && !set)
		*gpa = r.sw_exit_info_2;
	return err;
}

struct vc_cpu *sev_es_ap_vc(void *area)
{
	return &((struct sev_es_cpu *)area)->vc;
}

void sev_es_set_mmio_check(sev_es_mmio_check_t check)
{
	mmio_check = check;
}

struct vc_cpu *sev_es_bsp(void)
{
	return &bsp_cpu.vc;
}

/*
 * Xen hypercalls through the VMMCALL NAE (docs/ghcb.md "Hypercalls"). The hypervisor can
 * only read shared memory, so the pointer arguments of the calls cocoboot makes before a
 * payload runs (console_io write, sched_op) are bounced through the GHCB shared buffer and
 * passed as its guest-physical address. Other calls must pass shared GPAs themselves.
 */
static long ghcb_call(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		      uint64_t a5)
{
	uint64_t args[5] = { a1, a2, a3, a4, a5 };
	uint64_t ret = (uint64_t)-XEN_ENOSYS;
	struct vc_cpu *me = &this_cpu()->vc; /* each CPU calls through its own GHCB */
	int err;

	if (!me->ghcb)
		return -XEN_ENOSYS;
	err = vc_xen_call(me, nr, args, &ret);
	if (err == CB_TERM_VC_NESTED)
		sev_es_fatal(CB_TERM_VC_NESTED, "hypercall while the GHCB is busy");
	if (err)
		sev_es_fatal((unsigned)err, "hypercall through the GHCB");
	return (long)ret;
}

const struct xen_transport xen_transport_ghcb = { .name = "ghcb", .call = ghcb_call, .private_memory = true };

void sev_es_print_stats(void)
{
	const struct vc_stats *s = &bsp_cpu.vc.stats;

	log_info("sev: #VC handled %u (cpuid %u, ioio %u, msr %u, vmmcall %u, mmio %u, other %u), "
		 "vmgexits %u\n", s->vc, s->vc_by[VC_STAT_CPUID], s->vc_by[VC_STAT_IOIO],
		 s->vc_by[VC_STAT_MSR], s->vc_by[VC_STAT_VMMCALL], s->vc_by[VC_STAT_MMIO],
		 s->vc - s->vc_by[VC_STAT_CPUID] - s->vc_by[VC_STAT_IOIO] - s->vc_by[VC_STAT_MSR] -
			 s->vc_by[VC_STAT_VMMCALL] - s->vc_by[VC_STAT_MMIO],
		 s->vmgexits);
}

/* ---- SEV-SNP AP creation (smp/snp_create.c, docs/abi.md §13) ---- */

int sev_es_ap_register(void)
{
	struct sev_es_cpu *me = this_cpu();
	uint64_t gfn = me->vc.ghcb_gpa >> 12;

	/* SNP: every vCPU registers its own GHCB GPA before its first use (facts §3, §2
	 * 0x012/0x013); MSR protocol: no GHCB is needed to ask. */
	me->vc.stats.vmgexits++;
	return ghcb_check_reg_gpa(gfn, hw_msr_exchange(NULL, ghcb_msr_reg_gpa_req(gfn)));
}

int sev_snp_ap_creation(uint64_t info1, uint64_t vmsa_gpa, uint64_t features,
			struct ghcb_resp *r)
{
	struct vc_cpu *me = &this_cpu()->vc;
	volatile struct ghcb *g = me->ghcb;
	int err;

	if (!g)
		return CB_TERM_VC_UNSUPPORTED;
	if (me->busy)
		sev_es_fatal(CB_TERM_VC_NESTED, "SNP AP creation");
	me->busy = true;
	vc_ghcb_begin(me);
	g->rax = features; /* facts §7.3: RAX = the new VMSA's SEV_FEATURES */
	ghcb_set_valid(g, GHCB_BIT_RAX);
	err = vc_ghcb_call(me, SVM_VMGEXIT_AP_CREATION, info1, vmsa_gpa, r);
	me->busy = false;
	return err;
}

struct vc_cpu *sev_es_this_vc(void)
{
	return &this_cpu()->vc;
}
