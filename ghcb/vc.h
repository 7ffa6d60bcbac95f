/* SPDX-License-Identifier: MIT */
/*
 * The #VC handler core (facts §4): given the exit code (the #VC error code), the interrupted
 * register state and the instruction bytes, it checks the bytes against the exit code,
 * fills the per-CPU GHCB, performs the VMGEXIT through a hook, copies the answer out once,
 * checks it, updates the registers and advances RIP.
 *
 * The same core serves the early phase, when there is no GHCB page yet and only the MSR
 * protocol works (CPUID only, facts §2 0x004), and the full handler with a GHCB page. All
 * access to the machine goes through struct vc_ops, so host tests run the core against a
 * fake hypervisor. Functions return 0 or a cocoboot termination code (include/sev/term.h).
 */
#ifndef COCOBOOT_GHCB_VC_H
#define COCOBOOT_GHCB_VC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ghcb/check.h"
#include "sev/ghcb.h"
#include "x86/insn.h"

struct vc_ops {
	/* MSR protocol: GHCB MSR <- v, VMGEXIT, return the GHCB MSR. */
	uint64_t (*msr_exchange)(void *ctx, uint64_t v);
	/* GHCB protocol: GHCB MSR <- gpa, VMGEXIT (facts §3 "Call protocol" step 3). */
	void (*vmgexit)(void *ctx, uint64_t ghcb_gpa);
	/* Copy up to n instruction bytes at linear address la; returns how many it could. */
	size_t (*fetch)(void *ctx, uint64_t la, uint8_t *buf, size_t n);
	/* Guest memory at a linear address (string I/O): false if not accessible. */
	bool (*read)(void *ctx, uint64_t la, void *buf, size_t n);
	bool (*write)(void *ctx, uint64_t la, const void *buf, size_t n);
	/* MMIO: guest-physical address of linear la, false unless mapped shared (C-bit clear). */
	bool (*mmio_gpa)(void *ctx, uint64_t la, size_t n, uint64_t *gpa);
};

/* Exit codes counted one by one (the rest count as "other"). */
enum vc_stat {
	VC_STAT_CPUID, VC_STAT_IOIO, VC_STAT_MSR, VC_STAT_RDTSC, VC_STAT_RDTSCP,
	VC_STAT_VMMCALL, VC_STAT_WBINVD, VC_STAT_DR7, VC_STAT_MONITOR, VC_STAT_MMIO,
	VC_STAT_OTHER, VC_STAT_COUNT,
};

struct vc_stats {
	uint32_t vc;                    /* #VC events handled */
	uint32_t vc_by[VC_STAT_COUNT];
	uint32_t vmgexits;              /* VMGEXITs this CPU performed (both protocols) */
};

struct vc_cpu {
	const struct vc_ops *ops;
	void *ctx;
	volatile struct ghcb *ghcb;     /* shared mapping of this CPU's GHCB; NULL: MSR protocol */
	uint64_t ghcb_gpa;
	unsigned version;               /* negotiated GHCB protocol version */
	bool busy;                      /* the GHCB is in use: a #VC now would clobber it */
	/* Private copy of the GHCB page for one nested use while busy (a #VC raised by what
	 * interrupted a GHCB use: an injected NMI or exception, a crash report): the page is
	 * saved here, used, and restored (Linux keeps the same "backup GHCB"). NULL: none. */
	struct ghcb *backup;
	bool backup_busy;
	uint64_t dr7;                   /* DR7 as the guest last wrote it (facts §4.1 0x027) */
	/* SNP: answers from the CPUID page (snp/cpuid.c snp_cpuid_vc_hook); NULL otherwise.
	 * Called with hv NULL first: 1 = out[] answered, 0 = ask the hypervisor, then called
	 * again with its (sanity-checked) answer: 0 with out[] filled, or a termination code. */
	int (*cpuid_page)(void *ctx, uint32_t leaf, uint32_t sub, const uint32_t *hv, uint32_t out[4]);
	void *cpuid_page_ctx;
	struct vc_stats stats;
};

/* The interrupted state. regs.rip points at the instruction that raised #VC. */
struct vc_frame {
	struct insn_regs regs;
	enum insn_mode mode;
	uint64_t exit_code;             /* #VC error code = SVM exit code */
};

/* Prepare a CPU: no GHCB page yet (MSR protocol only), DR7 at its reset value 0x400. */
void vc_cpu_init(struct vc_cpu *cpu, const struct vc_ops *ops, void *ctx, unsigned version);

/* Switch to the GHCB page protocol (the page must be mapped shared and registered).
 * backup: a private page-sized buffer for a nested use, or NULL. */
void vc_cpu_set_ghcb(struct vc_cpu *cpu, volatile struct ghcb *ghcb, uint64_t gpa,
		     struct ghcb *backup);

/* Handle one #VC. On 0 the frame holds the emulated result with RIP past the instruction.
 * While the GHCB is busy one nested #VC is served through the backup copy; a second one,
 * or one in the MSR-protocol phase, is CB_TERM_VC_NESTED. */
int vc_handle(struct vc_cpu *cpu, struct vc_frame *f);

/* Check that insn is an instruction that raises exit_code (facts §4.1 opcode list). */
int vc_check_opcode(uint64_t exit_code, const struct insn *in);

/* CPUID through the MSR protocol: four requests (facts §2 0x004/0x005), checked. */
int vc_msr_cpuid(struct vc_cpu *cpu, uint32_t leaf, uint32_t out[4]);

/*
 * One GHCB call (facts §3 "Call protocol"): the caller has marked inputs valid with the
 * vc_ghcb_set_* helpers after vc_ghcb_begin(); this sets the exit fields, protocol version
 * and usage, exits, copies the answer to *r and checks sw_exit_info_1.
 */
void vc_ghcb_begin(struct vc_cpu *cpu);
int vc_ghcb_call(struct vc_cpu *cpu, uint64_t exit_code, uint64_t info1, uint64_t info2,
		 struct ghcb_resp *r);

/*
 * String output through the GHCB shared buffer without a #VC: OUTS semantics for n elements
 * of size bytes (1, 2 or 4) at buf to port, batched 2032 bytes per VMGEXIT (facts §4.1
 * 0x07B). For consoles: one VMGEXIT per line instead of one per byte.
 */
int vc_outs(struct vc_cpu *cpu, uint16_t port, const void *buf, size_t n, unsigned size);

/*
 * Hypercall through the VMMCALL NAE (docs/ghcb.md): RAX = nr, RDI, RSI, RDX, R10, R8 =
 * arguments (valid bits set), CPL 0; result in RAX, which must come back valid.
 */
int vc_hypercall(struct vc_cpu *cpu, uint64_t nr, const uint64_t args[5], uint64_t *ret);

/* GHCB termination request through the MSR protocol (facts §2 0x100); returns only if the
 * hypervisor resumes the guest, which it must not do. */
void vc_terminate(struct vc_cpu *cpu, unsigned set, unsigned code);

#endif
