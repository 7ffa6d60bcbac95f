/* SPDX-License-Identifier: MIT */
/*
 * vCPUs: one Unicorn engine (UC_MODE_64) per vCPU, all mapping the same guest memory.
 * A code hook looks at every instruction before it runs (cpu/insn.c) and either lets
 * Unicorn execute it or stops the engine and leaves an event; the run loop handles the
 * event (raise #VC, run the hypervisor model, emulate, halt) and resumes the vCPU.
 * A deterministic scheduler picks the vCPU and the length of its slice from the seed.
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/hv/spec.h"

/* cpu/reset.asm */
extern const uint8_t sim_reset_stub[], sim_reset_stub_end[], sim_reset_stub_done[];

#define RUN_UNTIL   0 /* ignored: exits are enabled and empty (open_engine) */
#define MAX_SLICE   20000u
#define CR0_PG      (1ull << 31)
#define EFER_LMA    (1ull << 10)
#define RFLAGS_IF   (1ull << 9)
#define RFLAGS_CF   (1ull << 0)

uint64_t sim_reg(struct sim_vcpu *v, int reg)
{
	uint64_t val = 0;

	uc_reg_read(v->uc, reg, &val);
	return val;
}

void sim_set_reg(struct sim_vcpu *v, int reg, uint64_t val)
{
	uc_reg_write(v->uc, reg, &val);
}

bool sim_long_mode(struct sim_vcpu *v)
{
	if (v->paging_dirty)
		sim_mmu_refresh(v);
	return (v->efer & EFER_LMA) != 0;
}

static bool cs64_from_gdt(struct sim_vcpu *v);

/* Is CS a 64-bit code segment? The L bit of the descriptor CS was loaded from: kept
 * per selector (a start that loads CS without a GDT, VCPUOP_initialise's 64-bit mode,
 * sets the cache), else read from the GDT. */
bool sim_cs64(struct sim_vcpu *v)
{
	uint64_t cs = sim_reg(v, UC_X86_REG_CS);

	if (!sim_long_mode(v))
		return false;
	if (cs != v->cs_cached) {
		v->cs64_cached = cs64_from_gdt(v);
		v->cs_cached = cs;
	}
	return v->cs64_cached;
}

/* Read the descriptor of the current CS from the GDT to learn its L bit. */
static bool cs64_from_gdt(struct sim_vcpu *v)
{
	uc_x86_mmr gdtr = { 0 };
	uint64_t desc = 0, cs = sim_reg(v, UC_X86_REG_CS);

	if (!sim_long_mode(v) || (cs & 4))
		return false;
	uc_reg_read(v->uc, UC_X86_REG_GDTR, &gdtr);
	if ((cs & ~7ull) + 7 > gdtr.limit || !sim_mmu_read(v, gdtr.base + (cs & ~7ull), &desc, 8))
		return false;
	return (desc >> 53) & 1;
}

/* The base in the GDT descriptor of protected-mode selector sel (~0: unreadable). */
static uint64_t gdt_base_of(struct sim_vcpu *v, uint64_t sel)
{
	uc_x86_mmr gdtr = { 0 };
	uint64_t desc = 0;

	uc_reg_read(v->uc, UC_X86_REG_GDTR, &gdtr);
	if ((sel & 4) || (sel & ~7ull) + 7 > gdtr.limit ||
	    !sim_mmu_read(v, gdtr.base + (sel & ~7ull), &desc, 8))
		return ~0ull;
	return ((desc >> 16) & 0xffffff) | ((desc >> 32) & 0xff000000u);
}

unsigned sim_cpl(struct sim_vcpu *v)
{
	return (unsigned)(sim_reg(v, UC_X86_REG_CS) & 3);
}

void sim_end(struct sim *s, enum sim_result r)
{
	if (s->result == SIM_RES_RUNNING)
		s->result = r;
}

static void stop(struct sim_vcpu *v, enum sim_ev_kind kind, uint64_t code, unsigned len,
		 uint64_t rip)
{
	v->ev.kind = kind;
	v->ev.code = code;
	v->ev.len = len;
	v->ev.rip = rip;
	v->stop_la = rip;
	uc_emu_stop(v->uc);
}

static void count_insn(struct sim_vcpu *v)
{
	v->exec_rip = ~0ull;
	v->insns++;
	v->clock++;
	v->sim->insns_total++;
	if (v->slice_left)
		v->slice_left--;
}

static bool es(const struct sim *s)
{
	return s->cfg.mode >= SIM_MODE_SEV_ES;
}

/* Is the code about to run 64-bit code (CS.L), not compatibility mode? Read from the
 * descriptor CS indexes in the GDT (Unicorn 2.0.1 does not expose the hidden part of
 * CS), cached per CS selector: the GDT is read again only when CS changes. */
static bool code64(struct sim_vcpu *v)
{
	if (!(v->efer & EFER_LMA))
		return false;
	return sim_cs64(v);
}

/* The code hook: runs before every instruction. */
static void hook_code(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	struct sim_vcpu *v = ud;
	struct sim *s = v->sim;
	struct sim_insn in;
	uint8_t b[16];

	(void)uc;
	if (v->resetting)
		return;
	if (s->result != SIM_RES_RUNNING || v->ev.kind != SIM_EV_NONE) {
		uc_emu_stop(v->uc);
		return;
	}
	if (s->nr_queued || v->state != SIM_VCPU_RUNNABLE) {
		v->stop_la = addr;
		uc_emu_stop(v->uc); /* a start to make (hv/smp.c), or this vCPU got INIT */
		return;
	}
	if (s->code_owner)
		sim_smc_exec(v, addr);
	if (v->paging_dirty) {
		sim_mmu_refresh(v);
		stop(v, SIM_EV_REMAP, 0, 0, addr);
		return;
	}
	/* the boot CPU hands off; APs run trampolines and park code outside the image */
	if (s->cfg.check_handoff && !s->handoff.done && v->id == 0 &&
	    (addr < s->kernel_start || addr >= s->kernel_end)) {
		stop(v, SIM_EV_HANDOFF, 0, 0, addr);
		return;
	}
	if (s->until.armed && addr == s->until.target) {
		stop(v, SIM_EV_UNTIL, 0, 0, addr);
		return;
	}
	if (s->insns_total >= s->cfg.max_insns) {
		stop(v, SIM_EV_TIMEOUT, 0, 0, addr);
		return;
	}
	if (v->slice_left == 0) {
		stop(v, SIM_EV_SLICE, 0, 0, addr);
		return;
	}
	/*
	 * Unicorn patches the instruction length into the hook call after translating it;
	 * for an instruction it treats as invalid (VMMCALL, VMGEXIT, PVALIDATE, ...) the
	 * placeholder stays, so read up to 15 bytes (not past the page if the next is absent).
	 */
	unsigned n = size;
	if (n == 0 || n > 15) {
		n = 15;
		if (!sim_mmu_fetch(v, addr, b, n))
			n = 4096 - (unsigned)(addr & 0xfff) < 15 ? 4096 - (unsigned)(addr & 0xfff) : 15;
	}
	bool lma = (v->efer & EFER_LMA) != 0;
	if (!sim_mmu_fetch_insn(v, addr, b, n) || !sim_insn_decode(b, n, lma, true, &in)) {
		count_insn(v); /* let Unicorn fault on it as the hardware would */
		v->exec_rip = addr;
		return;
	}
	/* A REX prefix exists only in 64-bit code (CS.L), not in compatibility mode. */
	if (lma && in.rex && !code64(v) && !sim_insn_decode(b, n, false, true, &in)) {
		count_insn(v);
		v->exec_rip = addr;
		return;
	}
	if (in.undefined && !in.undefined64) {
		/* #UD before Unicorn sees it: it reports only some undefined opcodes. The
		 * slots invalid only in 64-bit code are left to Unicorn, which knows CS.L
		 * (sevsim reads it from the GDT, which may have changed since CS was
		 * loaded); if it stops on one silently, run_slice derives the #UD. */
		v->ev.gpa = 0;
		stop(v, SIM_EV_EXCEPTION, 6, 0, addr);
		return;
	}

	switch (in.opcode) {
	case SIM_OP_OTHER:
		break;
	case SIM_OP_HLT:
		stop(v, SIM_EV_HLT, 0, in.len, addr);
		return;
	case SIM_OP_CPUID:
		if (es(s)) {
			stop(v, SIM_EV_VC, SIM_EXIT_CPUID, in.len, addr);
			return;
		}
		break; /* the CPUID insn hook answers */
	case SIM_OP_RDMSR:
	case SIM_OP_WRMSR: {
		bool wr = in.opcode == SIM_OP_WRMSR;
		uint32_t msr = (uint32_t)sim_reg(v, UC_X86_REG_RCX);
		if (es(s) && (msr == SIM_MSR_SAVIC_CONTROL ||
			      (msr >= SIM_MSR_X2APIC_BASE && msr <= SIM_MSR_X2APIC_LAST))) {
			/* apic/savic.c: accelerated, or #VC 0x401/0x402/0x7C */
			bool trap;
			uint64_t code = sim_savic_msr_exit(v, msr, wr, &trap);
			if (code) {
				if (msr != SIM_MSR_SAVIC_CONTROL)
					sim_counter_add(&s->apic_vc_by_msr, msr);
				v->ev.gpa = trap; /* SIM_EV_VC: 1 = after the instruction */
				stop(v, SIM_EV_VC, code, in.len, addr);
			} else {
				stop(v, wr ? SIM_EV_WRMSR : SIM_EV_RDMSR, msr, in.len, addr);
			}
			return;
		}
		if (es(s) && sim_msr_intercepted(msr, wr)) {
			stop(v, SIM_EV_VC, SIM_EXIT_MSR, in.len, addr);
			return;
		}
		if (!sim_msr_native(msr)) {
			stop(v, wr ? SIM_EV_WRMSR : SIM_EV_RDMSR, msr, in.len, addr);
			return;
		}
		if (wr)
			v->paging_dirty = true; /* EFER and friends run natively */
		break;
	}
	case SIM_OP_RDTSC:
	case SIM_OP_RDTSCP:
		if (es(s) && s->cfg.intercept_tsc) {
			stop(v, SIM_EV_VC, in.opcode == SIM_OP_RDTSC ? SIM_EXIT_RDTSC : SIM_EXIT_RDTSCP,
			     in.len, addr);
			return;
		}
		stop(v, SIM_EV_RDTSC, in.opcode == SIM_OP_RDTSCP, in.len, addr);
		return;
	case SIM_OP_RDPMC:
		if (es(s)) {
			stop(v, SIM_EV_VC, SIM_EXIT_RDPMC, in.len, addr);
			return;
		}
		break;
	case SIM_OP_VMMCALL:
		stop(v, es(s) ? SIM_EV_VC : SIM_EV_HYPERCALL, SIM_EXIT_VMMCALL, in.len, addr);
		return;
	case SIM_OP_VMGEXIT:
		stop(v, es(s) ? SIM_EV_VMGEXIT : SIM_EV_HYPERCALL, 0, in.len, addr);
		return;
	case SIM_OP_WBINVD:
	case SIM_OP_INVD:
		if (es(s)) {
			stop(v, SIM_EV_VC, in.opcode == SIM_OP_WBINVD ? SIM_EXIT_WBINVD : SIM_EXIT_INVD,
			     in.len, addr);
			return;
		}
		if (in.opcode == SIM_OP_WBINVD)
			sim_cache_wbinvd(s);
		break;
	case SIM_OP_RDRAND:
		if (s->cfg.rdrand == SIM_RDRAND_ABSENT) {
			v->ev.gpa = 0;
			stop(v, SIM_EV_EXCEPTION, 6, 0, addr);
			return;
		}
		v->ev.gpa = (in.rex & 8) ? 8 : in.opsize ? 2 : 4;
		stop(v, SIM_EV_RDRAND, in.modrm_rm, in.len, addr);
		return;
	case SIM_OP_CLFLUSH: {
		uint64_t la;
		bool c64 = lma && code64(v);
		if (sim_insn_ea(v, &in, addr, c64, &la))
			sim_cache_clflush(v, la);
		break;
	}
	case SIM_OP_MOV_FROM_DR:
	case SIM_OP_MOV_TO_DR:
		if (es(s) && in.modrm_reg == 7) {
			stop(v, SIM_EV_VC, in.opcode == SIM_OP_MOV_FROM_DR ? SIM_EXIT_READ_DR7 :
			     SIM_EXIT_WRITE_DR7, in.len, addr);
			return;
		}
		break;
	case SIM_OP_MONITOR:
	case SIM_OP_MWAIT:
		if (es(s)) {
			stop(v, SIM_EV_VC, in.opcode == SIM_OP_MONITOR ? SIM_EXIT_MONITOR : SIM_EXIT_MWAIT,
			     in.len, addr);
			return;
		}
		break;
	case SIM_OP_IN:
	case SIM_OP_OUT:
	case SIM_OP_INS:
	case SIM_OP_OUTS:
		if (es(s)) {
			stop(v, SIM_EV_VC, SIM_EXIT_IOIO, in.len, addr);
			return;
		}
		if (s->cfg.mode == SIM_MODE_SEV &&
		    (in.opcode == SIM_OP_INS || in.opcode == SIM_OP_OUTS)) {
			/* Intercepted: the hypervisor moves the data with its own view of
			 * guest memory, so a private buffer goes out as ciphertext. */
			v->ev.gpa = in.rep | (unsigned)in.opsize << 1 | (unsigned)in.adsize << 2 |
				    (uint64_t)(b[in.len - 1] & 1) << 3;
			stop(v, SIM_EV_STRIO, in.opcode, in.len, addr);
			return;
		}
		break; /* the IN/OUT insn hooks serve the port */
	case SIM_OP_MOV_TO_CR:
		if (in.modrm_reg == 3) { /* emulated: Unicorn's CR3 points into the walk window */
			stop(v, SIM_EV_MOV_CR3, 0x100 | in.modrm_rm, in.len, addr);
			return;
		}
		v->paging_dirty = true; /* refreshed before the next instruction */
		/* CR0.PE about to be set in real mode: CS keeps the base of the real-mode
		 * segment it was loaded with (any far jump since the start) until the next
		 * far jump; unstop_segmented needs that selector, not the start's. */
		if (in.modrm_reg == 0 && !(sim_reg(v, UC_X86_REG_CR0) & 1))
			v->real_cs = sim_reg(v, UC_X86_REG_CS);
		/* CR0 written in protected mode (PE may go off: the way back to real mode,
		 * APM vol. 2 14.4): CS keeps its descriptor's base until the next far jump,
		 * which unstop_segmented needs if PE is off at the next stop */
		if (in.modrm_reg == 0 && (sim_reg(v, UC_X86_REG_CR0) & 1) && !(v->efer & EFER_LMA))
			v->pm_cs = (uint32_t)sim_reg(v, UC_X86_REG_CS);
		if (in.modrm_reg == 2)
			v->cr2_written = true;
		break;
	case SIM_OP_MOV_FROM_CR:
		if (in.modrm_reg == 3) {
			stop(v, SIM_EV_MOV_CR3, in.modrm_rm, in.len, addr);
			return;
		}
		break;
	case SIM_OP_INVLPG:
		v->paging_dirty = true;
		break;
	case SIM_OP_IRET:
		v->nmi_blocked = false; /* IRET ends NMI blocking (APM vol. 2, 8.2.2) */
		break;
	case SIM_OP_PVALIDATE:
	case SIM_OP_RMPADJUST:
		if (s->cfg.mode == SIM_MODE_SEV_SNP) {
			stop(v, in.opcode == SIM_OP_PVALIDATE ? SIM_EV_PVALIDATE : SIM_EV_RMPADJUST, 0,
			     in.len, addr);
			return;
		}
		break;
	}
	count_insn(v);
	v->exec_rip = addr;
}

/* ---- native instruction hooks (modes none and sev) ---- */

static int hook_cpuid(uc_engine *uc, void *ud)
{
	struct sim_vcpu *v = ud;
	uint32_t out[4];
	uint64_t leaf = sim_reg(v, UC_X86_REG_RAX), sub = sim_reg(v, UC_X86_REG_RCX);

	(void)uc;
	sim_cpuid(v->sim, v, (uint32_t)leaf, (uint32_t)sub, false, out);
	sim_set_reg(v, UC_X86_REG_RAX, out[0]);
	sim_set_reg(v, UC_X86_REG_RBX, out[1]);
	sim_set_reg(v, UC_X86_REG_RCX, out[2]);
	sim_set_reg(v, UC_X86_REG_RDX, out[3]);
	return 1; /* skip Unicorn's own CPUID */
}

static uint32_t hook_in(uc_engine *uc, uint32_t port, int size, void *ud)
{
	struct sim_vcpu *v = ud;

	(void)uc;
	sim_cache_evict(v->sim); /* an exit: stale lines reach memory (mem/cache.c) */
	return sim_io_in(v->sim, (uint16_t)port, (unsigned)size);
}

static void hook_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *ud)
{
	struct sim_vcpu *v = ud;

	(void)uc;
	sim_cache_evict(v->sim);
	sim_io_out(v->sim, (uint16_t)port, (unsigned)size, value);
	if (v->sim->result != SIM_RES_RUNNING)
		uc_emu_stop(v->uc);
}

/* ---- faults Unicorn raises ---- */

static bool vector_has_error_code(unsigned vec)
{
	return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 ||
	       vec == 30;
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *ud)
{
	struct sim_vcpu *v = ud;

	(void)uc;
	if (v->ev.kind != SIM_EV_NONE)
		return;
	/* Unicorn does not expose the error code; #PF gets P, W and I from a walk of the
	 * rights (cpu/mmu.c sim_mmu_pf_error), others 0. */
	uint64_t err = 0;
	if (intno == 14) {
		uint64_t gpa, cr2 = sim_reg(v, UC_X86_REG_CR2);
		if (sim_mmu_translate(v, cr2, false, &gpa))
			err |= sim_mmu_pf_error(v, cr2, sim_reg(v, UC_X86_REG_RIP));
		else if (sim_mmu_reserved_fault(v, cr2))
			err |= 1 | 8; /* P and RSVD */
	}
	v->ev.gpa = err;
	stop(v, SIM_EV_EXCEPTION, intno, 0, sim_reg(v, UC_X86_REG_RIP));
}

static bool hook_invalid(uc_engine *uc, void *ud)
{
	struct sim_vcpu *v = ud;

	(void)uc;
	if (v->ev.kind == SIM_EV_NONE) {
		v->ev.gpa = 0;
		stop(v, SIM_EV_EXCEPTION, 6, 0, sim_reg(v, UC_X86_REG_RIP));
	}
	return true;
}

/*
 * SNP: is this a C=1 access (paging off and instruction fetches always are) to RAM whose
 * RMP entry is not validated? Then the CPU raises #VC 0x404 (facts §5.3). A hypervisor-
 * owned page is first converted by the hypervisor, as KVM + QEMU do (mem/rmp.c).
 */
static bool snp_not_validated(struct sim_vcpu *v, uint64_t gpa, bool fetch)
{
	struct sim *s = v->sim;
	bool priv = false;
	uint64_t g = sim_mem_decode_gpa(s, gpa, &priv);

	if (!(v->cr0 & CR0_PG) || fetch)
		priv = true;
	if (!priv || g == ~0ull || !sim_mem_is_ram(s, g, 1) || sim_rmp_validated(s, g >> 12))
		return false;
	sim_rmp_implicit(s, g >> 12, false, true, "C=1 access to a shared page");
	return true;
}

/*
 * Unicorn 2.0.1 checks a data or fetch address against its *physical* map before the
 * page walk, so an access lands here both for real MMIO (GPA not RAM) and for a linear
 * address that is simply not also a physical one. Tell them apart with our own walk.
 */
static bool hook_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
			  int64_t value, void *ud)
{
	struct sim_vcpu *v = ud;
	struct sim *s = v->sim;
	uint64_t gpa, rip = sim_reg(v, UC_X86_REG_RIP);
	bool write = type == UC_MEM_WRITE_UNMAPPED, fetch = type == UC_MEM_FETCH_UNMAPPED;

	(void)uc;
	(void)value;
	if (v->ev.kind != SIM_EV_NONE)
		return false;
	if (!sim_mmu_translate(v, addr, write, &gpa)) {
		sim_set_reg(v, UC_X86_REG_CR2, addr);
		v->ev.gpa = (write ? 2u : 0u) | (fetch ? 0x10u : 0u) | (sim_cpl(v) == 3 ? 4u : 0u);
		stop(v, SIM_EV_EXCEPTION, 14, 0, rip);
		return false;
	}
	if (s->rmp && snp_not_validated(v, gpa, fetch)) {
		sim_trace(s, "vcpu%u: %s of linear %#" PRIx64 " (GPA %#" PRIx64 ") at rip %#" PRIx64
			  ": RMP entry %#x not validated", v->id, fetch ? "fetch" : write ? "write" : "read",
			  addr, gpa, rip, sim_rmp_get(s, sim_mem_decode_gpa(s, gpa, NULL) >> 12));
		v->ev.gpa = gpa;
		stop(v, SIM_EV_VC, SIM_EXIT_NOT_VALIDATED, 0, rip);
		return false;
	}
	if (sim_mem_map_lazy(v, addr, gpa))
		return true; /* a linear page above RAM that maps RAM: mapped now, retried */
	if (sim_mem_is_ram(s, sim_mem_decode_gpa(s, gpa, NULL), 1)) {
		sim_fail(s, "vcpu%u: rip %#" PRIx64 ": linear address %#" PRIx64 " maps GPA %#" PRIx64
			 ", but sevsim reserves linear [%#llx, +RAM) for its walk window", v->id, rip,
			 addr, gpa, SIM_WALK_WINDOW);
		stop(v, SIM_EV_NONE, 0, 0, rip);
		return false;
	}
	if (es(s) && !fetch) {
		v->ev.gpa = gpa;
		stop(v, SIM_EV_VC, SIM_EXIT_NPF, 0, rip);
		return false;
	}
	/* What KVM does with a guest access it cannot emulate: it stops the guest. */
	sim_hv_terminate(s, "vcpu%u: rip %#" PRIx64 ": %s of %d bytes at GPA %#" PRIx64
			 " (linear %#" PRIx64 "): no RAM or device there", v->id, rip,
			 fetch ? "instruction fetch" : write ? "write" : "read", size, gpa, addr);
	stop(v, SIM_EV_NONE, 0, 0, rip);
	return false;
}

/* ---- creation, reset, start ---- */

int sim_vcpu_create(struct sim *s, unsigned id)
{
	struct sim_vcpu *v = &s->vcpu[id];

	memset(v, 0, sizeof(*v));
	v->sim = s;
	v->id = id;
	v->state = SIM_VCPU_STOPPED;
	v->ghcb_registered_gfn = ~0ull;
	v->dr7 = 0x400;
	v->intr_pending = -1;
	v->cs_cached = ~0ull;
	v->last_exec_page = ~0ull;
	v->apic.savic_gpa = v->apic.savic_last_gpa = ~0ull; /* apic/savic.c: no page */
	/* KVM pre-loads the GHCB MSR with the SEV information (facts §2 notes). */
	v->ghcb_msr = es(s) ? sim_sev_info(s) : 0;
	if (es(s) && sim_lie(s, SIM_LIE_GHCB_MSR_PRELOAD))
		v->ghcb_msr |= 0x5ull << 12;     /* [23:12] must be zero (facts §2) */
	if (es(s) && sim_lie(s, SIM_LIE_MSR_BAD_RESPONSE))
		v->ghcb_msr ^= 0x800;            /* the launch value is an answer too */
	return 0;
}

/* Engines are opened when a vCPU first starts: each holds a large translation cache. */
static int open_engine(struct sim_vcpu *v)
{
	uc_err e;

	if (v->uc)
		return 0;
	e = uc_open(UC_ARCH_X86, UC_MODE_64, &v->uc);
	if (e != UC_ERR_OK) {
		v->uc = NULL;
		sim_fail(v->sim, "vcpu%u: uc_open: %s", v->id, uc_strerror(e));
		return -1;
	}
	/*
	 * No exit address: with an "until" address Unicorn 2.0.1 invalidates the translation
	 * at until - 1 on every uc_emu_start, which walks the guest's page tables for that
	 * address; a fault there (non-canonical, or not mapped) longjmps through a stale
	 * context and the guest's next real exception is lost (the vCPU then spins on the
	 * faulting instruction). With exits enabled and none set, nothing is walked.
	 */
	e = uc_ctl_exits_enable(v->uc);
	if (e != UC_ERR_OK) {
		sim_fail(v->sim, "vcpu%u: uc_ctl_exits_enable: %s", v->id, uc_strerror(e));
		return -1;
	}
	return sim_mem_map_vcpu(v);
}

/* Take a fresh engine from Unicorn's "long mode without paging" to 32-bit protected mode. */
static int reset_to_pm32(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	size_t len = (size_t)(sim_reset_stub_end - sim_reset_stub);
	uint64_t *pml4 = (uint64_t *)(s->special + 0x1000);
	uint64_t *pdpt = (uint64_t *)(s->special + 0x2000);
	uint64_t *pd = (uint64_t *)(s->special + 0x3000);
	uint64_t done = SIM_SPECIAL_BASE + (uint64_t)(sim_reset_stub_done - sim_reset_stub);
	uc_err e;

	memcpy(s->special, sim_reset_stub, len);
	memset(s->special + 0x1000, 0, 0x3000);
	pml4[0] = (SIM_SPECIAL_BASE + 0x2000) | 3;
	pdpt[3] = (SIM_SPECIAL_BASE + 0x3000) | 3;
	pd[(SIM_SPECIAL_BASE >> 21) & 0x1ff] = (SIM_SPECIAL_BASE & ~0x1fffffull) | 0x83;
	sim_set_reg(v, UC_X86_REG_RSP, SIM_SPECIAL_BASE + 0x5000);
	v->resetting = true;
	e = uc_ctl_set_exits(v->uc, &done, 1); /* the stub's only exit; none afterwards */
	if (e == UC_ERR_OK)
		e = uc_emu_start(v->uc, SIM_SPECIAL_BASE, done, 0, 0);
	if (e == UC_ERR_OK)
		e = uc_ctl_set_exits(v->uc, NULL, 0);
	v->resetting = false;
	sim_mmu_refresh(v);
	if (e != UC_ERR_OK || v->cr0 != 0x11 || v->efer != 0 || v->cr4 != 0) {
		sim_fail(s, "vcpu%u: reset stub failed (%s): cr0 %#" PRIx64 " efer %#" PRIx64,
			 v->id, uc_strerror(e), v->cr0, v->efer);
		return -1;
	}
	/* The stub leaves no trace the guest could rely on: clear its pages again. */
	memset(s->special, 0, 0x6000);
	sim_mmu_set_cr3(v, 0);
	sim_mmu_refresh(v);
	return 0;
}

static int add_hooks(struct sim_vcpu *v)
{
	uc_err e;

	e = uc_hook_add(v->uc, &v->hooks[0], UC_HOOK_CODE, (void *)hook_code, v, 1, 0);
	if (!e)
		e = uc_hook_add(v->uc, &v->hooks[1], UC_HOOK_INTR, (void *)hook_intr, v, 1, 0);
	if (!e)
		e = uc_hook_add(v->uc, &v->hooks[2], UC_HOOK_INSN_INVALID, (void *)hook_invalid, v, 1, 0);
	if (!e)
		e = uc_hook_add(v->uc, &v->hooks[3], UC_HOOK_MEM_UNMAPPED, (void *)hook_unmapped, v, 1, 0);
	if (!e) {
		uc_hook h;
		e = uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)hook_cpuid, v, 1, 0, UC_X86_INS_CPUID);
		if (!e)
			e = uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)hook_in, v, 1, 0, UC_X86_INS_IN);
		if (!e)
			e = uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)hook_out, v, 1, 0, UC_X86_INS_OUT);
	}
	if (e != UC_ERR_OK) {
		sim_fail(v->sim, "vcpu%u: uc_hook_add: %s", v->id, uc_strerror(e));
		return -1;
	}
	if (sim_smc_init_vcpu(v) < 0)
		return -1;
	v->hooked = true;
	return 0;
}

/*
 * The start states beyond the reset stub's 32-bit protected mode are reached by running
 * cpu/start.asm (Unicorn 2.0.1 in UC_MODE_64 stores only the selector when a segment
 * register is written through its API, and a CR0 write does not enter long mode).
 */
extern const uint8_t sim_start_stub[], sim_start_stub_end[], sim_start_real[],
	sim_start_real_target[], sim_start_long[], sim_start_long_done[];
#define STUB_AT(sym) (SIM_SPECIAL_BASE + 0x4000 + (uint64_t)((sym) - sim_start_stub))

static int run_start_stub(struct sim_vcpu *v, const uint8_t *entry, uint64_t exit_la)
{
	struct sim *s = v->sim;
	uint64_t *pml4 = (uint64_t *)(s->special + 0x1000), *pdpt = (uint64_t *)(s->special + 0x2000);
	uint64_t *pd = (uint64_t *)(s->special + 0x3000);
	uc_err e;

	memset(s->special + 0x1000, 0, 0x3000);
	pml4[0] = (SIM_SPECIAL_BASE + 0x2000) | 3;
	pdpt[3] = (SIM_SPECIAL_BASE + 0x3000) | 3;
	pd[(SIM_SPECIAL_BASE >> 21) & 0x1ff] = (SIM_SPECIAL_BASE & ~0x1fffffull) | 0x83;
	sim_set_reg(v, UC_X86_REG_CR3, 0);
	v->resetting = true;
	e = uc_ctl_set_exits(v->uc, &exit_la, 1);
	if (e == UC_ERR_OK)
		e = uc_emu_start(v->uc, STUB_AT(entry), exit_la, 0, 0);
	if (e == UC_ERR_OK)
		e = uc_ctl_set_exits(v->uc, NULL, 0);
	v->resetting = false;
	memset(s->special + 0x1000, 0, 0x3000);
	if (e != UC_ERR_OK) {
		sim_fail(s, "vcpu%u: start stub failed: %s", v->id, uc_strerror(e));
		return -1;
	}
	return 0;
}

static int finish_long64(struct sim_vcpu *v, const struct sim_vcpu_init *init)
{
	struct sim *s = v->sim;
	uc_x86_mmr gdtr = { 0 };

	memcpy(s->special + 0x4000, sim_start_stub, (size_t)(sim_start_stub_end - sim_start_stub));
	if (run_start_stub(v, sim_start_long, STUB_AT(sim_start_long_done)) < 0)
		return -1;
	memset(s->special + 0x4000, 0, (size_t)(sim_start_stub_end - sim_start_stub));
	/* In 64-bit mode now: the state's registers (no mode change in any of them). */
	sim_set_reg(v, UC_X86_REG_CR4, init->cr4 | 0x20);
	if ((init->efer & ~EFER_LMA) != 0x100) {
		uc_x86_msr efer = { .rid = 0xc0000080u, .value = init->efer | EFER_LMA };
		uc_reg_write(v->uc, UC_X86_REG_MSR, &efer);
	}
	bool ok = sim_mmu_set_cr3(v, init->cr3);
	sim_set_reg(v, UC_X86_REG_CR0, init->cr0);
	gdtr.base = init->gdt_base;
	gdtr.limit = init->gdt_limit;
	uc_reg_write(v->uc, UC_X86_REG_GDTR, &gdtr);
	sim_mmu_refresh(v);
	if (!ok || !(v->efer & EFER_LMA) || !(v->cr0 & CR0_PG)) {
		sim_fail(s, "vcpu%u: 64-bit start state not loadable (cr0 %#" PRIx64 " cr3 %#" PRIx64
			 " cr4 %#" PRIx64 " efer %#" PRIx64 "; the CPU has cr0 %#" PRIx64 " efer %#"
			 PRIx64 ")", v->id, init->cr0, init->cr3, init->cr4, init->efer, v->cr0, v->efer);
		return -1;
	}
	v->cs_cached = 0x08; /* the hidden part: 64-bit, whatever the GDT says later */
	v->cs64_cached = true;
	return 0;
}

static int finish_real(struct sim_vcpu *v, const struct sim_vcpu_init *init)
{
	struct sim *s = v->sim;
	uint16_t target[2] = { (uint16_t)init->rip, init->cs };
	uc_x86_mmr gdtr = { 0 };

	memcpy(s->special + 0x4000, sim_start_stub, (size_t)(sim_start_stub_end - sim_start_stub));
	memcpy(s->special + 0x4000 + (sim_start_real_target - sim_start_stub), target, 4);
	if (run_start_stub(v, sim_start_real, ((uint64_t)init->cs << 4) + (uint16_t)init->rip) < 0)
		return -1;
	memset(s->special + 0x4000, 0, (size_t)(sim_start_stub_end - sim_start_stub));
	uc_reg_write(v->uc, UC_X86_REG_GDTR, &gdtr);
	sim_mmu_refresh(v);
	if (v->cr0 & 1 || sim_reg(v, UC_X86_REG_CS) != init->cs) {
		sim_fail(s, "vcpu%u: real-mode start at %04x:%04" PRIx64 " failed (cr0 %#" PRIx64
			 ", cs %#" PRIx64 ")", v->id, init->cs, init->rip, v->cr0,
			 sim_reg(v, UC_X86_REG_CS));
		return -1;
	}
	return 0;
}

/* A vCPU that ran before starts again from a fresh engine (INIT resets everything). */
static void close_engine(struct sim_vcpu *v)
{
	if (!v->uc)
		return;
	uc_close(v->uc);
	v->uc = NULL;
	v->hooked = false;
	v->nr_lazy = 0;
	sim_mem_unmap_vcpu(v);
}

int sim_vcpu_start(struct sim_vcpu *v, const struct sim_vcpu_init *init)
{
	uc_x86_mmr idtr = { 0 }, tr = { 0 };

	if (v->ever_ran)
		close_engine(v);
	if (open_engine(v) < 0 || reset_to_pm32(v) < 0 || sim_uc_quirks_init(v) < 0)
		return -1;
	for (size_t i = 0; i < 16; i++)
		sim_set_reg(v, sim_gpr[i], init->gpr[i]);
	sim_set_reg(v, UC_X86_REG_EFLAGS, init->rflags ? init->rflags : 0x2);
	/* IDTR and GDTR are unspecified at the PVH entry; make the IDT unusable. */
	uc_reg_write(v->uc, UC_X86_REG_IDTR, &idtr);
	tr.limit = 0x67;
	tr.flags = 0x8b00; /* present, busy 32-bit TSS (pvh.pandoc) */
	uc_reg_write(v->uc, UC_X86_REG_TR, &tr);
	v->cs_cached = ~0ull;
	v->real_cs = init->kind == SIM_INIT_REAL ? init->cs : ~0u;
	v->pm_cs = ~0u;
	if (init->kind == SIM_INIT_LONG64 && finish_long64(v, init) < 0)
		return -1;
	if (init->kind == SIM_INIT_REAL && finish_real(v, init) < 0)
		return -1;
	sim_set_reg(v, UC_X86_REG_RIP, init->kind == SIM_INIT_REAL ? (uint16_t)init->rip : init->rip);
	if (!v->hooked && add_hooks(v) < 0)
		return -1;
	sim_mmu_refresh(v);
	/* a fresh vCPU state: nothing pending from its previous life */
	memset(&v->ev, 0, sizeof(v->ev));
	v->inj_exc = v->nmi_pending = v->nmi_blocked = false;
	v->intr_pending = -1;
	v->paging_dirty = true; /* also SNP: unvalidated pages leave the map first */
	v->ever_ran = true;
	v->starts++;
	v->state = SIM_VCPU_RUNNABLE;
	return 0;
}

/* ---- the run loop ---- */

static void handle_hypercall(struct sim_vcpu *v)
{
	uint64_t args[5], rax;
	bool cs64 = sim_cs64(v);

	if (cs64) {
		args[0] = sim_reg(v, UC_X86_REG_RDI);
		args[1] = sim_reg(v, UC_X86_REG_RSI);
		args[2] = sim_reg(v, UC_X86_REG_RDX);
		args[3] = sim_reg(v, UC_X86_REG_R10);
		args[4] = sim_reg(v, UC_X86_REG_R8);
	} else { /* 32-bit ABI: EBX ECX EDX ESI EDI (hypercall-abi.rst) */
		args[0] = (uint32_t)sim_reg(v, UC_X86_REG_RBX);
		args[1] = (uint32_t)sim_reg(v, UC_X86_REG_RCX);
		args[2] = (uint32_t)sim_reg(v, UC_X86_REG_RDX);
		args[3] = (uint32_t)sim_reg(v, UC_X86_REG_RSI);
		args[4] = (uint32_t)sim_reg(v, UC_X86_REG_RDI);
	}
	rax = sim_reg(v, UC_X86_REG_RAX);
	if (!cs64)
		rax = (uint32_t)rax;
	int64_t ret = sim_hypercall(v, rax, args, sim_cpl(v));
	sim_set_reg(v, UC_X86_REG_RAX, cs64 ? (uint64_t)ret : (uint32_t)ret);
}

static void advance(struct sim_vcpu *v)
{
	count_insn(v);
	sim_set_reg(v, UC_X86_REG_RIP, v->ev.rip + v->ev.len);
}

static const int gpr_by_number[16] = {
	UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RSP,
	UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8, UC_X86_REG_R9,
	UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14,
	UC_X86_REG_R15,
};

/* MOV to/from CR3 (APM vol. 3 "MOV CRn"): CPL 0 only; in 64-bit mode 64-bit operands. */
static void mov_cr3(struct sim_vcpu *v)
{
	int reg = gpr_by_number[v->ev.code & 15];
	bool to = (v->ev.code & 0x100) != 0, wide = sim_long_mode(v) && sim_cs64(v);

	if (sim_cpl(v) != 0) {
		sim_exc_deliver(v, 13, true, 0);
		return;
	}
	if (to) {
		uint64_t val = sim_reg(v, reg);
		if (!wide)
			val = (uint32_t)val;
		if (!sim_mmu_set_cr3(v, val)) { /* reserved bits above MAXPHYADDR: #GP(0) */
			sim_exc_deliver(v, 13, true, 0);
			return;
		}
		sim_mmu_flush(v);
	} else {
		sim_set_reg(v, reg, wide ? v->guest_cr3 : (uint32_t)v->guest_cr3);
	}
	advance(v);
}

static unsigned runnable_count(const struct sim *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->nr_vcpus; i++)
		n += s->vcpu[i].state == SIM_VCPU_RUNNABLE;
	return n;
}

/*
 * INS/OUTS intercepted in mode sev: the hypervisor (KVM's emulator) reads or writes the
 * buffer through its own view of guest memory, which for a private page is the
 * ciphertext: why an SEV guest must unroll string port I/O (Linux does under SEV,
 * CC_ATTR_GUEST_UNROLL_STRING_IO). One element per step of the REP count; DS:rSI for
 * OUTS, ES:rDI for INS (flat); direction flag honoured. ev.gpa: bit 0 REP, bit 1 66
 * prefix, bit 2 67 prefix, bit 3 word/dword form. False: the guest faulted or the run ended.
 */
static bool strio_hv(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	bool rep = v->ev.gpa & 1, wide = v->ev.gpa & 8, outs = v->ev.code == SIM_OP_OUTS;
	bool c64 = code64(v);
	unsigned size = !wide ? 1 : (v->ev.gpa & 2) ? 2 : 4;
	bool a32 = c64 ? (v->ev.gpa & 4) != 0 : true;
	uint64_t amask = a32 ? 0xffffffffull : ~0ull;
	int ireg = outs ? UC_X86_REG_RSI : UC_X86_REG_RDI;
	uint64_t idx = sim_reg(v, ireg), rcx = sim_reg(v, UC_X86_REG_RCX);
	uint64_t count = rep ? (rcx & amask) : 1;
	uint16_t port = (uint16_t)sim_reg(v, UC_X86_REG_RDX);
	int64_t step = (sim_reg(v, UC_X86_REG_EFLAGS) & (1ull << 10)) ? -(int64_t)size : (int64_t)size;

	for (; count && s->result == SIM_RES_RUNNING; count--) {
		uint64_t gpa;
		uint32_t val = 0;

		if (!sim_mmu_translate(v, idx & amask, !outs, &gpa)) {
			sim_set_reg(v, UC_X86_REG_CR2, idx & amask);
			v->ev.gpa = outs ? 0 : 2;
			sim_set_reg(v, ireg, idx);
			if (rep)
				sim_set_reg(v, UC_X86_REG_RCX, (rcx & ~amask) | (count & amask));
			s->exceptions++;
			sim_counter_add(&s->exceptions_by_vector, 14);
			sim_exc_deliver(v, 14, true, v->ev.gpa);
			return false;
		}
		gpa &= ~(s->cbit_mask | s->alias_mask); /* the hypervisor ignores the C-bit */
		if (outs) {
			if (!sim_mem_hv_read(s, gpa, &val, size))
				val = 0xffffffffu;
			sim_io_out(s, port, size, val);
		} else {
			val = sim_io_in(s, port, size);
			sim_mem_hv_write(s, gpa, &val, size);
		}
		idx += (uint64_t)step;
	}
	sim_set_reg(v, ireg, (sim_reg(v, ireg) & ~amask) | (idx & amask));
	if (rep)
		sim_set_reg(v, UC_X86_REG_RCX, rcx & ~amask);
	return s->result == SIM_RES_RUNNING;
}

static void handle_event(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uint64_t val;

	switch (v->ev.kind) {
	case SIM_EV_NONE:
	case SIM_EV_SLICE:
		break;
	case SIM_EV_TIMEOUT:
		sim_end(s, SIM_RES_TIMEOUT);
		break;
	case SIM_EV_REMAP:
		sim_mem_classify(v);
		sim_mmu_flush(v);
		sim_attack_paging_on(v);
		break;
	case SIM_EV_VC:
		if (v->ev.gpa == 1)
			advance(v); /* a trap-style #VC (Secure AVIC writes): RIP after the insn */
		sim_vc_raise(v, v->ev.code);
		break;
	case SIM_EV_VMGEXIT:
		sim_cache_evict(s);
		count_insn(v);
		v->vmgexits++;
		sim_vmgexit(v);
		if (s->result == SIM_RES_RUNNING) {
			sim_set_reg(v, UC_X86_REG_RIP, v->ev.rip + v->ev.len);
			sim_inject_after_vmgexit(v);
		}
		break;
	case SIM_EV_HYPERCALL:
		sim_cache_evict(s);
		handle_hypercall(v);
		if (s->result == SIM_RES_RUNNING)
			advance(v);
		break;
	case SIM_EV_HLT:
		sim_cache_evict(s);
		advance(v);
		if (sim_apic_hlt_pending(v))
			break; /* apic/savic.c: an interrupt is taken instead of halting */
		v->halted_if = (sim_reg(v, UC_X86_REG_EFLAGS) & RFLAGS_IF) != 0;
		v->state = SIM_VCPU_HALTED;
		sim_smp_stopped(v);
		sim_trace(s, "vcpu%u: hlt at rip %#" PRIx64 " (IF=%d)", v->id, v->ev.rip, v->halted_if);
		break;
	case SIM_EV_RDMSR:
		if (!sim_msr_cpu_read(v, (uint32_t)v->ev.code, &val) &&
		    !sim_msr_hv_read(v, (uint32_t)v->ev.code, &val)) {
			sim_exc_deliver(v, 13, true, 0);
			break;
		}
		sim_set_reg(v, UC_X86_REG_RAX, (uint32_t)val);
		sim_set_reg(v, UC_X86_REG_RDX, val >> 32);
		advance(v);
		break;
	case SIM_EV_WRMSR:
		val = (uint32_t)sim_reg(v, UC_X86_REG_RAX) | (sim_reg(v, UC_X86_REG_RDX) << 32);
		if (!sim_msr_cpu_write(v, (uint32_t)v->ev.code, val) &&
		    !sim_msr_hv_write(v, (uint32_t)v->ev.code, val)) {
			sim_exc_deliver(v, 13, true, 0);
			break;
		}
		advance(v);
		break;
	case SIM_EV_PVALIDATE:
		sim_set_reg(v, UC_X86_REG_RIP, v->ev.rip);
		if (sim_pvalidate_insn(v))
			advance(v);
		break;
	case SIM_EV_RMPADJUST:
		sim_set_reg(v, UC_X86_REG_RIP, v->ev.rip);
		if (sim_rmpadjust_insn(v))
			advance(v);
		break;
	case SIM_EV_EXCEPTION: {
		unsigned vec = (unsigned)v->ev.code;
		s->exceptions++;
		sim_counter_add(&s->exceptions_by_vector, vec);
		sim_trace(s, "vcpu%u: exception %u at rip %#" PRIx64, v->id, vec, v->ev.rip);
		sim_set_reg(v, UC_X86_REG_RIP, v->ev.rip);
		if (sim_exc_deliver(v, vec, vector_has_error_code(vec), v->ev.gpa))
			sim_uc_exception_delivered(v);
		break;
	}
	case SIM_EV_RDRAND: {
		/* AMD APM vol. 3 RDRAND: CF = success; OF, SF, ZF, AF, PF = 0. A 32-bit
		 * destination is zero-extended, a 16-bit one replaces the low word. */
		const int reg = sim_gpr[v->ev.code & 15];
		uint64_t r = 0, old = sim_reg(v, reg);
		bool cf = sim_rdrand(s, &r);
		uint64_t fl = sim_reg(v, UC_X86_REG_EFLAGS) & ~0x8d5ull; /* OF SF ZF AF PF CF */
		if (v->ev.gpa == 4)
			r = (uint32_t)r;
		else if (v->ev.gpa == 2)
			r = (old & ~0xffffull) | (r & 0xffff);
		sim_set_reg(v, reg, r);
		sim_set_reg(v, UC_X86_REG_EFLAGS, fl | (cf ? RFLAGS_CF : 0));
		advance(v);
		break;
	}
	case SIM_EV_RDTSC:
		val = sim_tsc(s);
		sim_set_reg(v, UC_X86_REG_RAX, (uint32_t)val);
		sim_set_reg(v, UC_X86_REG_RDX, val >> 32);
		if (v->ev.code) /* RDTSCP: ECX = TSC_AUX */
			sim_set_reg(v, UC_X86_REG_RCX, v->id);
		advance(v);
		break;
	case SIM_EV_STRIO:
		sim_cache_evict(s);
		if (strio_hv(v))
			advance(v);
		break;
	case SIM_EV_FETCH_FAULT:
		break;
	case SIM_EV_MOV_CR3:
		mov_cr3(v);
		break;
	case SIM_EV_HANDOFF:
		sim_set_reg(v, UC_X86_REG_RIP, v->ev.rip);
		sim_handoff_check(v, v->ev.rip);
		if (!sim_until_arm(v, v->ev.rip))
			sim_end(s, SIM_RES_HANDOFF);
		break;
	case SIM_EV_UNTIL:
		sim_set_reg(v, UC_X86_REG_RIP, v->ev.rip);
		sim_until_check(v, v->ev.rip);
		sim_end(s, SIM_RES_STOPPED);
		break;
	}
}

/* The exception an instruction Unicorn stopped on silently raises: DIV/IDIV (F6/F7
 * /6, /7) -> #DE; an opcode cpu/insn.c knows as undefined -> #UD (normally raised by
 * the code hook before Unicorn runs it); -1 for anything else. */
static int silent_fault_vector(struct sim_vcpu *v, uint64_t rip)
{
	uint8_t b[15];
	unsigned i = 0;

	if (!sim_mmu_fetch(v, rip, b, sizeof(b)))
		return -1;
	while (i < 14 && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf2 || b[i] == 0xf3 ||
			  ((v->efer & EFER_LMA) && (b[i] & 0xf0) == 0x40)))
		i++;
	struct sim_insn in;
	if (sim_insn_decode(b, sizeof(b), (v->efer & EFER_LMA) && code64(v), true, &in) &&
	    in.undefined)
		return 6;
	if ((b[i] == 0xf6 || b[i] == 0xf7) && i + 1 < sizeof(b) && ((b[i + 1] >> 3) & 7) >= 6)
		return 0;
	return -1;
}

/*
 * Unicorn 2.0.1 leaves EIP = the linear address (CS base + EIP) when a hook stops the
 * engine, and the hook sees linear addresses: the same thing while CS has base 0, not in
 * real mode or in the protected-mode instructions before the trampoline's far jump (CS
 * still the real-mode one). Those bases are known: CS << 4 while CS is still the selector
 * of the real-mode start (or PE is off), except right after PE went off, when CS still has
 * its protected-mode descriptor's base until the next far jump (cocoboot's SEV-ES park code
 * leaves its AP reset hold that way). Back to EIP, for Unicorn and for the event.
 */
static void unstop_segmented(struct sim_vcpu *v)
{
	uint64_t cs = sim_reg(v, UC_X86_REG_CS), base;
	bool pe = sim_reg(v, UC_X86_REG_CR0) & 1;

	if (!pe && cs == v->pm_cs && (base = gdt_base_of(v, cs)) != ~0ull)
		; /* real mode, CS still the protected-mode segment (paging is off: the GDT
		   * is read where the descriptor was loaded from) */
	else if (!pe || cs == v->real_cs)
		base = cs << 4;
	else
		return;
	if (!pe && cs != v->pm_cs)
		v->pm_cs = ~0u; /* a far jump since: real-mode CS */
	if (!base || v->stop_la == ~0ull)
		return;
	if (sim_reg(v, UC_X86_REG_RIP) == v->stop_la && v->stop_la >= base)
		sim_set_reg(v, UC_X86_REG_RIP, v->stop_la - base);
	if (v->ev.kind != SIM_EV_NONE && v->ev.rip >= base)
		v->ev.rip -= base;
}

static void run_slice(struct sim_vcpu *v)
{
	struct sim *s = v->sim;

	while (s->result == SIM_RES_RUNNING && v->state == SIM_VCPU_RUNNABLE) {
		uint64_t rip = sim_reg(v, UC_X86_REG_RIP);
		uint64_t before = s->insns_total;
		uc_err e;

		sim_apic_vmrun(v); /* apic/savic.c: interrupts and NMIs from the APIC */
		if (s->result != SIM_RES_RUNNING)
			return;
		rip = sim_reg(v, UC_X86_REG_RIP);
		if (sim_inject_waiting(v)) {
			sim_inject_deliver(v);
			if (s->result != SIM_RES_RUNNING)
				return;
			rip = sim_reg(v, UC_X86_REG_RIP);
		}
		memset(&v->ev, 0, sizeof(v->ev));
		v->stop_la = ~0ull;
		v->exec_rip = ~0ull;
		v->cr2_written = false;
		uint64_t cr2 = sim_reg(v, UC_X86_REG_CR2);
		s->in_emu = true;
		e = uc_emu_start(v->uc, rip, RUN_UNTIL, 0, 0);
		s->in_emu = false;
		if (s->nr_queued)
			sim_smp_run_queued(s);
		if (v->state != SIM_VCPU_RUNNABLE && v->ev.kind == SIM_EV_NONE)
			return; /* INIT from its own ICR write */
		unstop_segmented(v);
		if (s->result != SIM_RES_RUNNING && v->ev.kind == SIM_EV_NONE)
			return;
		if (v->ev.kind == SIM_EV_NONE && e == UC_ERR_OK && !v->cr2_written &&
		    sim_reg(v, UC_X86_REG_CR2) != cr2) {
			/* Unicorn 2.0.1 also swallows the #PF of a protection violation (a
			 * write to a read-only page, a fetch from an NX page): it stops at the
			 * instruction with CR2 set. Derive the #PF; the error code from a
			 * walk of the rights (cpu/mmu.c). */
			uint64_t at = sim_reg(v, UC_X86_REG_RIP), la = sim_reg(v, UC_X86_REG_CR2);
			v->ev.gpa = sim_mmu_pf_error(v, la, at);
			stop(v, SIM_EV_EXCEPTION, 14, 0, at);
		}
		if (v->ev.kind == SIM_EV_NONE && e == UC_ERR_OK && s->insns_total == before + 1 &&
		    sim_reg(v, UC_X86_REG_RIP) == rip) {
			/* Unicorn 2.0.1 swallows #UD (UD2) and #DE: it stops at the faulting
			 * instruction with no hook and no error. Derive the fault from the bytes. */
			int vec = silent_fault_vector(v, rip);

			if (vec >= 0) {
				v->ev.gpa = 0;
				stop(v, SIM_EV_EXCEPTION, (unsigned)vec, 0, rip);
			} else {
				/* Never guess a vector, never spin: say what happened. */
				uint8_t b[8] = { 0 };
				sim_mmu_fetch(v, rip, b, sizeof(b));
				sim_fail(s, "vcpu%u: rip %#" PRIx64 ": Unicorn stopped on an exception it "
					 "did not report (bytes %02x %02x %02x %02x); sevsim cannot tell "
					 "which", v->id, rip, b[0], b[1], b[2], b[3]);
				return;
			}
		}
		if (v->ev.kind == SIM_EV_NONE) {
			if (e == UC_ERR_OK && s->insns_total != before)
				continue; /* Unicorn stopped on its own (e.g. after a hook wrote RIP) */
			sim_fail(s, "vcpu%u: emulation stopped at rip %#" PRIx64 ": %s", v->id,
				 sim_reg(v, UC_X86_REG_RIP), uc_strerror(e));
			return;
		}
		enum sim_ev_kind k = v->ev.kind;
		handle_event(v);
		if (k == SIM_EV_SLICE)
			return;
	}
}

void sim_run(struct sim *s)
{
	while (s->result == SIM_RES_RUNNING) {
		sim_apic_schedule(s); /* apic/savic.c: timers, wake-ups by the hypervisor */
		unsigned n = runnable_count(s), i;
		if (n == 0) {
			sim_end(s, SIM_RES_HALT);
			break;
		}
		for (i = 1; i <= s->nr_vcpus; i++)
			if (s->vcpu[(s->current + i) % s->nr_vcpus].state == SIM_VCPU_RUNNABLE)
				break;
		s->current = (s->current + i) % s->nr_vcpus;
		struct sim_vcpu *v = &s->vcpu[s->current];
		v->slice_left = s->nr_vcpus > 1 ? 1 + sim_rand(s) % MAX_SLICE : UINT64_MAX;
		run_slice(v);
	}
}
