/* SPDX-License-Identifier: MIT */
/*
 * sevsim: a model of an AMD SEV / SEV-ES / SEV-SNP machine plus a Xen-like hypervisor,
 * built on Unicorn 2.0.1. This header holds the state every part of the simulator shares.
 * docs/sevsim.md describes what is modelled and how.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unicorn/unicorn.h>

#include "sim/apic/apic.h" /* the APIC room: emulated x2APIC and Secure AVIC */

enum sim_mode { SIM_MODE_NONE, SIM_MODE_SEV, SIM_MODE_SEV_ES, SIM_MODE_SEV_SNP };

enum sim_result {
	SIM_RES_RUNNING,
	SIM_RES_SHUTDOWN,
	SIM_RES_HALT,
	SIM_RES_TERMINATED,
	SIM_RES_TRIPLE_FAULT,
	SIM_RES_TIMEOUT,
	SIM_RES_ERROR,
	SIM_RES_HANDOFF,    /* --check-handoff: a vCPU reached code outside the kernel image */
	SIM_RES_STOPPED,    /* --run-payload-until: a vCPU reached the target instruction */
};

/*
 * --lie attacks (hv/lies.c has the table, docs/lies.md documents each one and is what the
 * tests are generated from). Each lie has a clock: it strikes at launch, at every
 * VMGEXIT or #VC, or, given as NAME@N, only at the N-th VMGEXIT / #VC of the run.
 */
enum sim_lie {
	SIM_LIE_NONE,
	/* launch: the toolstack / start_info / memory map */
	SIM_LIE_CBIT_WRONG, SIM_LIE_CBIT_ALIAS_PREDICT, SIM_LIE_START_INFO_MAGIC,
	SIM_LIE_START_INFO_VERSION, SIM_LIE_MEMMAP_OVERLAP_IMAGE, SIM_LIE_MEMMAP_COUNT_HUGE,
	SIM_LIE_MEMMAP_EMPTY, SIM_LIE_MEMMAP_WRAP, SIM_LIE_MEMMAP_ABOVE_CBIT,
	SIM_LIE_MEMMAP_NO_RAM, SIM_LIE_MODLIST_IN_IMAGE, SIM_LIE_CMDLINE_UNTERMINATED,
	SIM_LIE_GHCB_MSR_PRELOAD,
	/* MSR protocol */
	SIM_LIE_VERSION_MISMATCH, SIM_LIE_SEV_INFO_CBIT_RANGE, SIM_LIE_MSR_BAD_RESPONSE,
	/* GHCB page answers (clock: VMGEXIT) */
	SIM_LIE_GHCB_ERROR, SIM_LIE_GHCB_ERROR_CPUID, SIM_LIE_GHCB_ERROR_IOIO,
	SIM_LIE_GHCB_ERROR_VMMCALL, SIM_LIE_GHCB_BAD_RESULT, SIM_LIE_GHCB_INJECT_GP,
	SIM_LIE_GHCB_MISSING_VALID, SIM_LIE_GHCB_REPLAY, SIM_LIE_GHCB_ZERO_PAGE,
	SIM_LIE_GHCB_GARBAGE_CPUID, SIM_LIE_CPUID_NOSEV, SIM_LIE_CPUID_CBIT_OTHER,
	SIM_LIE_CPUID_XEN_HIDDEN, SIM_LIE_CPUID_MAXEXT_LOW, SIM_LIE_CPUID_HIGH_BITS,
	SIM_LIE_IN_HIGH_BITS, SIM_LIE_IN_LSR_STUCK, SIM_LIE_SHUTDOWN_RETURNS,
	SIM_LIE_TERM_IGNORED, SIM_LIE_REPLAY_PRIVATE,
	/* the CPU model: #VC and injected events */
	SIM_LIE_VC_FORGED_CODE, SIM_LIE_VC_UNKNOWN_CODE, SIM_LIE_VC_INJECT,
	SIM_LIE_VC_IN_VC, SIM_LIE_NMI_IN_GHCB_CALL, SIM_LIE_NMI_IN_VC, SIM_LIE_GP_IN_GHCB_CALL,
	SIM_LIE_PF_IN_VC, SIM_LIE_UD_IN_GHCB_CALL, SIM_LIE_EXTINT_IN_GHCB_CALL,
	/* CPUID feature lies (the hypervisor answers every CPUID of an SEV guest) */
	SIM_LIE_CPUID_NX, SIM_LIE_CPUID_NO_LM, SIM_LIE_CPUID_NO_HV,
	/* --kernel-hashes (fw/measure.c) */
	SIM_LIE_MODULE_SWAP, SIM_LIE_CMDLINE_CHANGED, SIM_LIE_HASH_ENTRY_LEN,
	SIM_LIE_HASHES_OVERWRITTEN,
	/* SMP (hv/smp.c, fw/bringup.c; clock: AP start requests, VCPUOP_up and SIPI) */
	SIM_LIE_BRINGUP_DIGEST, SIM_LIE_AP_NEVER_UP, SIM_LIE_VCPUOP_UP_FAKE,
	SIM_LIE_VCPUOP_UP_ERROR, SIM_LIE_SIPI_DROPPED, SIM_LIE_JUMP_TABLE_OTHER,
	/* Secure AVIC (apic/, --savic) */
	SIM_LIE_SAVIC_INJECT_DISALLOWED, SIM_LIE_SAVIC_NMI_UNREQUESTED,
	SIM_LIE_SAVIC_REGISTER_REFUSED, SIM_LIE_SAVIC_UNREGISTER_REFUSED, SIM_LIE_SAVIC_ICR_GHOST,
	/* ... the same against the APs only (vCPUs other than 0; savicap) */
	SIM_LIE_SAVIC_REGISTER_REFUSED_AP, SIM_LIE_SAVIC_UNREGISTER_REFUSED_AP,
	SIM_LIE_SAVIC_INJECT_DISALLOWED_AP,
	/* SNP (snpsim): page state, RMP, GHCB registration, CPUID page, AP creation */
	SIM_LIE_PSC_FAKE_PROGRESS, SIM_LIE_PSC_ERROR, SIM_LIE_RMP_RESET, SIM_LIE_RMP_RESET_SHARED,
	SIM_LIE_GHCB_REG_OTHER, SIM_LIE_CPUID_PAGE_MISSING, SIM_LIE_HV_FEATURES_NONE,
	SIM_LIE_AP_CREATE_REFUSED,
	/* MMIO reads through the GHCB (hv/ghcb_nae.c do_mmio): the xAPIC under SEV-ES */
	SIM_LIE_MMIO_ONES, SIM_LIE_MMIO_APIC_ID_OTHER,
	/* SNP AP creation, the guest's side (snpap: hv/snp_ap.c) */
	SIM_LIE_AP_DESTROY_IGNORED,
	/* CPUID through the GHCB (both protocols): vCPU 2 is told vCPU 1's APIC ID (docfix) */
	SIM_LIE_CPUID_APIC_ID_DUP,
	/* SNP: hypervisor features without AP creation, a RAM page validated at launch
	 * (snpgaps) */
	SIM_LIE_HV_FEATURES_NO_AP_CREATE, SIM_LIE_LAUNCH_EXTRA_PAGE,
	/* Secure AVIC: IA32_APIC_BASE read says xAPIC mode (snpgaps) */
	SIM_LIE_SAVIC_APIC_BASE_XAPIC,
	/* GHCB answers to the APs only (vCPUs other than 0; smpgaps) */
	SIM_LIE_GHCB_ERROR_AP,
	SIM_LIE_COUNT
};

enum sim_lie_clock { SIM_CLOCK_LAUNCH, SIM_CLOCK_VMGEXIT, SIM_CLOCK_VC, SIM_CLOCK_AP };

struct sim_lie_def {
	const char *name;
	enum sim_lie_clock clock;
	const char *what;       /* one line for --list-lies */
};

#define SIM_MAX_LIES 8
struct sim_lie_on {
	enum sim_lie id;
	uint64_t at;            /* strike only at this clock tick (1-based); 0: every tick */
};

#define SIM_MAX_MODULES   16
#define SIM_MAX_VCPUS     255 /* APIC IDs 2v fit the xAPIC's 8 bits up to v = 127; beyond: x2APIC MSRs */
#define SIM_MAX_COUNTERS  64

struct sim_module {
	const char *path;
	const char *cmdline; /* NULL: none */
};

/* --rdrand: what the RDRAND model returns (cpu/rdrand.c) */
enum sim_rdrand_mode {
	SIM_RDRAND_OK,         /* random values from the seed, CF = 1 */
	SIM_RDRAND_ABSENT,     /* CPUID 1 ECX[30] clear; the instruction raises #UD */
	SIM_RDRAND_FAIL,       /* CF = 0 and 0 every time (entropy exhausted) */
	SIM_RDRAND_FAIL_FIRST, /* CF = 0 for the first rdrand_k executions */
	SIM_RDRAND_ONES,       /* the erratum: CF = 1 with all ones, every time */
	SIM_RDRAND_ONES_FIRST, /* ... for the first rdrand_k executions */
};

struct sim_config {
	enum sim_mode mode;
	uint64_t mem;
	unsigned vcpus;
	int cbit;             /* -1: choose from the seed */
	uint64_t seed;
	const char *cmdline;  /* NULL: none */
	struct sim_module modules[SIM_MAX_MODULES];
	unsigned nr_modules;
	bool no_ghcb_flag;
	bool ghcb_flag; /* --ghcb-flag: set SIF_HVM_GHCB in any mode (a lying toolstack) */
	struct sim_lie_on lies[SIM_MAX_LIES];
	unsigned nr_lies;
	bool trace;
	uint64_t max_insns;
	bool intercept_tsc;   /* RDTSC/RDTSCP raise #VC (hypervisor intercepts them) */
	const char *kernel;
	bool check_handoff;          /* stop at the first fetch outside the image, check the ABI */
	const char *expect_cmdline;  /* NULL: derive (docs/payloads.md order) */
	int expect_modules;          /* -1: derive from the modules given */
	enum sim_rdrand_mode rdrand;
	uint64_t rdrand_k;
	bool cache_incoherent;       /* --cache=incoherent: CPUID 0x8000001F EAX[10] clear */
	bool kernel_hashes;          /* fill the hashes table, modules in shared memory */
	enum sim_until_kind { SIM_UNTIL_NONE, SIM_UNTIL_LINUX_KERNEL_ENTRY } run_until;
	/* SMP (docs/sevsim.md "SMP") */
	enum sim_hv { SIM_HV_XEN, SIM_HV_KVM } hv; /* --hv: Xen leaves + hypercalls, or none */
	int bringup_page;            /* --bringup-page=on|off; -1: on under --hv=xen with > 1 vCPU */
	bool acpi;                   /* ACPI tables (RSDP, XSDT, MADT): on with > 1 vCPU or --acpi */
	/* Secure AVIC (apic/savic.c) */
	bool savic;                  /* --savic: SEV_FEATURES Secure AVIC (mode sev-snp) */
	bool start_all_vcpus;        /* --test-start-all-vcpus: every vCPU at the PVH entry */
	/* SNP (snpsim) */
	unsigned psc_max;            /* --psc-max=N: PSC entries done per NAE call (0: all) */
	uint64_t sev_features;       /* --sev-features=X: SEV_FEATURES of the launch VMSAs */
	/* the launch measurement (fw/measure.c, docs/abi.md §9.4) */
	bool cpu_sig_set;            /* --cpu-sig=X|F/M/S: CPUID 1 EAX and the reset-state EDX */
	uint32_t cpu_sig;
	const char *dump_pages;      /* --dump-pages=FILE: every measured page, launch order */
};

/* The launch measurement (fw/measure.c, docs/abi.md §9.4). */
struct sim_launch {
	uint64_t hashes_gpa;         /* cocoboot's hashes note (0: none) */
	uint64_t mod_gpa[SIM_MAX_MODULES], mod_len[SIM_MAX_MODULES];
	uint8_t mod_hash[SIM_MAX_MODULES][32];
	uint8_t table[4096];         /* what was written to the table page */
	bool measured;
	char digest[65];
	uint64_t pages, bytes, vmsas;
	/* SNP (fw/snp_launch.c): the pages cocoboot's notes 0x101/0x102 name (0: none) */
	uint64_t cpuid_gpa, secrets_gpa;
	bool snp_measured;
	char snp_digest[97];         /* SHA-384, hex */
	uint64_t snp_pages, snp_vmsas, snp_cpuid_entries;
};

/* What cocoboot was given to chainload, parsed on the host (check/payload.c). */
enum sim_pl_kind { SIM_PL_NONE, SIM_PL_PVH, SIM_PL_LINUX };
#define SIM_PL_MAX_SEGS 16
struct sim_pl_blob {
	const uint8_t *data;
	uint64_t size;
	const char *cmdline;  /* module command line expected (NULL: none) */
};
struct sim_payload {
	enum sim_pl_kind kind;
	bool bundle;
	const uint8_t *kernel;       /* the payload file (inside file[0]) */
	uint64_t kernel_len;
	bool entry_known;
	uint64_t entry;              /* PVH: XEN_ELFNOTE_PHYS32_ENTRY */
	unsigned nseg;
	struct { uint64_t start, end, offset, filesz; } seg[SIM_PL_MAX_SEGS]; /* PVH PT_LOADs */
	const char *bundle_cmdline;
	uint64_t bundle_cmdline_len;
	char cmdline[4096];          /* expected payload command line */
	unsigned nblobs;             /* PVH: modules expected; Linux: blob[0] = initrd */
	struct sim_pl_blob blob[SIM_MAX_MODULES + 1];
	uint8_t *file[SIM_MAX_MODULES];
	uint64_t file_len[SIM_MAX_MODULES];
};

/* The handoff checker's findings (check/handoff.c). */
#define SIM_HANDOFF_MAX_CHECKS 64
struct sim_handoff {
	bool done;
	const char *abi;             /* "pvh" or "linux64" */
	uint64_t entry;
	uint64_t ghcb_msr;           /* sev-es/snp: the GHCB MSR at handoff (reported only) */
	unsigned n, failed;
	struct { const char *name; bool ok; char detail[96]; } c[SIM_HANDOFF_MAX_CHECKS];
};

/* A small map from a code to a count, printed as a JSON object. */
struct sim_counter {
	unsigned n;
	struct { uint64_t key; uint64_t count; } e[SIM_MAX_COUNTERS];
};

/* --run-payload-until: the run goes on past the handoff to a target (check/until.c). */
struct sim_until {
	bool armed, reached;
	uint64_t target;             /* the instruction to stop before */
	uint64_t handoff_cr3, boot_params, cr3, rip;
	struct sim_handoff checks;   /* the state found at the target */
	uint8_t bytes[16];           /* instruction bytes at the target */
	bool bytes_ok;
	/* counters at the handoff: the JSON reports what the payload caused after it */
	uint64_t insns0, vmgexits0, vc0, exceptions0;
	struct sim_counter vmgexits_by_code0, vc_by_code0, exceptions_by_vector0;
};

void sim_counter_add(struct sim_counter *c, uint64_t key);
uint64_t sim_counter_get(const struct sim_counter *c, uint64_t key);

/* What the code hook saw and left for the run loop to do (cpu/insn.c classifies). */
enum sim_ev_kind {
	SIM_EV_NONE,
	SIM_EV_SLICE,       /* slice budget used up */
	SIM_EV_TIMEOUT,     /* --max-insns reached */
	SIM_EV_REMAP,       /* paging state changed: re-classify shared/private pages */
	SIM_EV_VC,          /* raise #VC with ev.code */
	SIM_EV_VMGEXIT,     /* F3 0F 01 D9 in an SEV-ES/SNP guest */
	SIM_EV_HYPERCALL,   /* VMMCALL in a mode without #VC */
	SIM_EV_HLT,
	SIM_EV_RDMSR,       /* emulate (model MSR) */
	SIM_EV_WRMSR,
	SIM_EV_PVALIDATE,
	SIM_EV_RMPADJUST,   /* SNP (mem/rmp.c) */
	SIM_EV_EXCEPTION,   /* raise a plain exception (ev.code = vector) */
	SIM_EV_FETCH_FAULT, /* instruction bytes could not be read */
	SIM_EV_HANDOFF,     /* --check-handoff: first instruction outside the kernel image */
	SIM_EV_MOV_CR3,     /* MOV to/from CR3: emulated (code = 0x100 for "to" | register) */
	SIM_EV_RDRAND,      /* RDRAND into register ev.code (ev.gpa = operand bytes) */
	SIM_EV_RDTSC,       /* RDTSC (code 0) or RDTSCP (code 1) not intercepted: sim_tsc() */
	SIM_EV_STRIO,       /* INS/OUTS the hypervisor emulates (mode sev) */
	SIM_EV_UNTIL,       /* --run-payload-until: the target instruction */
};

struct sim_event {
	enum sim_ev_kind kind;
	uint64_t code;      /* #VC exit code or vector */
	unsigned len;       /* instruction length */
	uint64_t rip;
	uint64_t gpa;       /* NPF: faulting address */
};

#define SIM_TLB_SIZE 256

struct sim_tlb_entry {
	uint64_t vpage;     /* linear page number + 1 (0 = empty) */
	uint64_t gpa_page;  /* guest physical page address, C-bit included */
};

enum sim_vcpu_state { SIM_VCPU_STOPPED, SIM_VCPU_RUNNABLE, SIM_VCPU_HALTED, SIM_VCPU_HELD };

/*
 * Initial register state of a vCPU (cpu/vcpu.c sim_vcpu_start; docs/sevsim.md "vCPUs").
 *   SIM_INIT_PM32: 32-bit protected mode, paging off, CS 0x08 / data 0x10 flat, TR busy
 *     32-bit TSS, GDTR/IDTR 0: the PVH entry state and the bring-up page's launch state
 *     (docs/abi.md §8.5); gpr[] as given, EIP = rip.
 *   SIM_INIT_REAL: real mode, CS = cs (base cs << 4), IP = rip, data segments 0: a SIPI
 *     (CS = vector << 8, IP 0) or the reset vector (CS 0xF000, IP 0xFFF0).
 *   SIM_INIT_LONG64: long mode with paging (cr0/cr3/cr4/efer as given), CS 0x08 flat
 *     64-bit (ar 0xA9B), data 0x10 flat (0xC93), GDTR = gdt_base/gdt_limit (0: none, as
 *     VCPUOP_initialise's 64-bit mode leaves it), IDTR 0: a vcpu_hvm_context 64B start.
 * gpr[] in encoding order (RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15).
 */
enum sim_init_kind { SIM_INIT_PM32, SIM_INIT_REAL, SIM_INIT_LONG64 };
struct sim_vcpu_init {
	enum sim_init_kind kind;
	uint64_t gpr[16];
	uint64_t rip, rflags;   /* rflags 0: 0x2 */
	uint16_t cs;            /* SIM_INIT_REAL only */
	uint64_t cr0, cr3, cr4, efer; /* SIM_INIT_LONG64 only */
	uint64_t gdt_base;
	uint16_t gdt_limit;
};
#define SIM_GPR_RDX 2
#define SIM_GPR_RBX 3
#define SIM_GPR_RSP 4
#define SIM_GPR_RSI 6
#define SIM_GPR_RDI 7

/* What a linear page below ram_size is in the engine's map (mem/mem.c). */
enum sim_map { SIM_MAP_PRIVATE, SIM_MAP_SHARED, SIM_MAP_REMAP, SIM_MAP_NONE,
	       SIM_MAP_INVALID /* SNP: private, but the RMP entry is not validated: left
				* unmapped, so that an access raises #VC 0x404 (mem/rmp.c) */ };
#define SIM_LAZY_MAX 1024

struct sim_shared_desc {
	struct sim_vcpu *v;
	uint64_t base;
};

struct sim_vcpu {
	struct sim *sim;
	unsigned id;
	uc_engine *uc;
	enum sim_vcpu_state state;
	uc_hook hooks[4];
	bool hooked;
	bool resetting;      /* running the reset stub: hooks stand aside */

	/* paging state cached for cpu/mmu.c; refreshed when a CR/EFER write or INVLPG ran */
	bool paging_dirty;
	uint8_t *page_map;    /* per linear page below ram_size: SIM_MAP_* now (mem/mem.c) */
	uint8_t *page_want;   /* ... and what the guest's tables ask for */
	uint64_t want_lo, want_hi, map_lo, map_hi; /* extents of non-private entries */
	uint64_t *page_tgt;   /* SIM_MAP_REMAP: the GPA page it maps (| 1: shared) */
	uint64_t *page_tgt_now;
	struct sim_shared_desc *shared_desc;
	uint64_t lazy[SIM_LAZY_MAX]; /* linear pages above RAM mapped on first touch */
	struct sim_shared_desc lazy_desc[SIM_LAZY_MAX]; /* their MMIO views when shared */
	unsigned nr_lazy;
	uint64_t guest_cr3;   /* architectural CR3; Unicorn's holds the walk window (cpu/mmu.c) */
	uint64_t cr0, cr3, cr4, efer;
	struct sim_tlb_entry tlb[SIM_TLB_SIZE];
	uint64_t fetch_vpage, fetch_gpa_page; /* sim_mmu_fetch_insn's page (vpage + 1; 0: none) */

	struct sim_event ev;
	uint64_t slice_left;

	/* SEV state */
	uint64_t nr_remap_private;    /* SNP: REMAP pages of the last classify (mem/mem.c) */
	uint64_t snp_vmsa_gpa;        /* SNP AP creation: the VMSA to start from (0: none) */
	/* make bench (mem/rmp.c): this vCPU's clock (+1) at its first and last PVALIDATE that
	 * validated a page, and the longest pause between two of them [from, to) */
	uint64_t val_first, val_last, val_gap_from, val_gap_to;
	bool snp_vmsa_pending;        /* ... applied at the next INIT (create-on-INIT) or now */
	uint64_t ghcb_msr;
	uint64_t ghcb_registered_gfn; /* ~0: none */
	uint64_t dr7;
	bool halted_if;

	size_t uc_old_exception_off; /* cpu/uc_quirks.c */
	/* injected events (cpu/inject.c) */
	bool inj_exc, inj_has_err;
	unsigned inj_vector;
	uint64_t inj_err;
	bool nmi_pending, nmi_blocked;  /* blocked: in an NMI handler, until IRET */
	int intr_pending;               /* external interrupt vector, -1: none */

	uint64_t insns;
	uint64_t exec_rip;   /* instruction the code hook last let execute (~0: none) */
	bool cr2_written;    /* the guest wrote CR2 in this slice: no #PF derived from it */
	uint64_t cs_cached;  /* CS selector whose L bit cs64_cached holds (~0: none) */
	bool cs64_cached;

	/* ---- SMP (cpu/vcpu.c, apic/lapic.c, hv/smp.c; docs/sevsim.md "SMP") ---- */
	uint32_t apic_id;            /* 2 * id, as Xen's vLAPIC and sevsim's MADT say */
	uint64_t apic_base;          /* IA32_APIC_BASE */
	uint32_t apic_icr_hi;        /* xAPIC ICR bits 63:32 (destination in 31:24) */
	uint32_t apic_reg[64];       /* other xAPIC registers, by offset >> 4 (read back) */
	bool init_received;          /* INIT latched: the next SIPI starts the vCPU */
	bool first_sipi_done;        /* sev-es: the first SIPI ran the launch VMSA (KVM) */
	bool vcpuop_initialised;     /* Xen: VCPUOP_initialise accepted (once per INIT) */
	struct sim_vcpu_init vcpuop_ctx; /* ... and the state it gave */
	bool launch_pending;         /* down, but starts from its launch state when up */
	enum sim_hold { SIM_HOLD_NONE, SIM_HOLD_NAE, SIM_HOLD_MSR } hold; /* AP reset hold */
	uint64_t hold_ghcb;          /* NAE hold: the GHCB to answer at release */
	bool ever_ran;
	const char *started_by;      /* "pvh-entry", "vcpuop", "bringup-page", "sipi", ... */
	unsigned starts, inits, sipis, holds, releases;
	uint64_t vmgexits, vc, hypercalls;
	/* page-protocol VMGEXITs (hv/ghcb_msr.c): the distinct GHCB GPAs used (the first
	 * SIM_VCPU_GHCB_GPAS; more are counted in ghcb_gpas_more), JSON "ghcb_gpas" */
#define SIM_VCPU_GHCB_GPAS 4
	uint64_t ghcb_gpa[SIM_VCPU_GHCB_GPAS];
	unsigned nr_ghcb_gpas, ghcb_gpas_more;
	/* critical-path clock (docs/sevsim.md): own instructions, from the starter's clock */
	uint64_t clock;
	uint64_t last_exec_page, exec_gen; /* cpu/smc.c: page last marked, at generation */
	uint64_t start_clock, idle_clock; /* at its (last) start; at its first stop after it */
	bool idle_seen;
	uint32_t real_cs;            /* CS of its real-mode start (~0: none): cpu/vcpu.c */
	uint32_t pm_cs;              /* CS selector at the last CR0 write in protected mode
				      * (~0: none); after PE went off CS keeps its descriptor's
				      * base until the next far jump: cpu/vcpu.c */
	uint64_t stop_la;            /* linear address the code hook stopped at (~0: none) */
	bool queued;                 /* a start requested inside another engine's run */
	struct sim_vcpu_init queued_init;
	struct sim_vcpu *queued_from;
	const char *queued_how;
	struct sim_apic apic;         /* apic/: emulated x2APIC, Secure AVIC */
};

/* The cache model (mem/cache.c): per RAM page and per key (0 private, 1 shared), the
 * 64-byte lines flushed since the page became accessible under that key, and a hash of
 * the page when the last line was flushed (a later change means new dirty lines). */
struct sim_cache_page {
	uint64_t flushed[2];
	uint64_t hash[2];
};
struct sim_cache_stale {
	uint64_t gpa;
	uint64_t lines;        /* lines whose stale copy will be written back */
	uint8_t data[4096];    /* the memory image when the C-bit changed */
};

struct sim {
	struct sim_config cfg;

	/* memory: ram holds what the guest reads through its private alias (plaintext).
	 * Guest RAM is [0, low_top) and, above 4 GiB, [SIM_HIGH_BASE, ram_size); the host
	 * buffer spans [0, ram_size) sparsely (the hole is never touched). */
	uint8_t *ram;
	uint64_t ram_size;
	uint64_t low_top;
	unsigned phys_bits;    /* CPUID 0x80000008 EAX[7:0]: guest MAXPHYADDR */
	unsigned phys_reduction; /* CPUID 0x8000001F EBX[11:6] */
	uint64_t rsvd_mask;    /* GPA bits [phys_bits, 52) but the C-bit: reserved (#PF) */
	uint8_t *special;      /* special pages 0xFEFF8000.. (reset stub lives there) */
	unsigned cbit;         /* hardware C-bit position (modes sev and up) */
	unsigned cbit_reported;/* what the hypervisor reports (differs with cbit-wrong) */
	uint64_t cbit_mask;    /* 0 in mode none */
	uint64_t alias_mask;   /* undecoded GPA bits [RAM top, phys_bits) but the C-bit */
	uint64_t non_identity; /* leaf pages in [0, RAM) not mapped at their own GPA */
	uint64_t non_identity_va, non_identity_gpa;
	uint64_t ks_key;

	/* launch layout */
	uint64_t entry;
	uint64_t start_info_gpa;
	uint64_t kernel_start, kernel_end;
	uint64_t launch_end;   /* end of modules + start_info blob */
	uint64_t cbit_check_gpa; /* --lie=cbit-alias-predict: cocoboot's sev_cbit_check */
	uint8_t *replay_buf;     /* --lie=replay-private: the image's stored bytes (freed at exit) */
	uint32_t launch_flags; /* hvm_start_info.flags given to the kernel */

	struct sim_payload payload;
	struct sim_handoff handoff;
	struct sim_launch launch;
	struct sim_until until;

	struct sim_vcpu vcpu[SIM_MAX_VCPUS];
	unsigned nr_vcpus;
	unsigned current;
	uint64_t rng;

	/* hypervisor state */
	uint64_t ap_jump_table;
	/* ---- SMP platform (hv/smp.c, fw/acpi.c; docs/sevsim.md "SMP") ---- */
	uint64_t acpi_rsdp;            /* start_info rsdp_paddr (0: no ACPI tables) */
	uint64_t acpi_base, acpi_size; /* the tables' region (memmap type ACPI) */
	uint8_t *fwmem;                /* launch memory outside RAM below the special pages:
					* ACPI tables, then the AP bring-up region (NULL: none) */
	uint64_t fwmem_gpa, fwmem_size;
	uint64_t bringup_gpa, bringup_size; /* the bring-up region (0: not offered) */
	uint16_t *code_owner;          /* per RAM page: 0 none, 1 + vCPU that ran code there, 0xffff several */
	uint64_t smc_flushes;          /* translation caches flushed for another vCPU's write */
	uint64_t smc_full_flushes;     /* ... of a whole engine (page not identity-mapped there) */
	uint64_t smc_gen;
	uint64_t ipis, ipis_dropped;
	uint64_t ap_start_requests;    /* VCPUOP_up and SIPIs (the "ap-start" lie clock) */
	bool in_emu;                   /* inside uc_emu_start: starts wait for the slice's end */
	unsigned nr_queued;
	uint64_t critical_path;        /* max idle_clock over the vCPUs that started */
	uint64_t mmio_scratch[512];    /* sevsim test device registers */
	uint8_t com1_lcr;
	struct sim_pic {               /* hv/pic.c: 0 primary, 1 secondary */
		uint8_t mask;          /* interrupt mask register (OCW1) */
		bool written;          /* the guest set it (OCW1 or ICW1) */
		unsigned icws_left;    /* data writes still part of an init sequence */
	} pic[2];

	/* RMP model (SNP, mem/rmp.c): one byte per 4 KiB page of [0, ram_size), sparse */
	uint8_t *rmp;
	struct sim_snp_stats {
		uint64_t pvalidate, pvalidate_2m, pvalidate_cf, pvalidate_fail;
		uint64_t rmpadjust, psc_pages, psc_calls, psmash;
		uint64_t implicit;          /* conversions the hypervisor made on a wrong access */
		uint64_t implicit_first;    /* GPA of the first (~0: none) */
		char implicit_why[96];
		uint64_t ap_create, ap_destroy;
		uint64_t last_validated;    /* GFN the guest validated last (0: none), for lies */
	} snp;

	/* RDRAND model (cpu/rdrand.c) */
	uint64_t rdrand_rng;
	uint64_t rdrand_count;

	/* cache model (mem/cache.c) */
	struct sim_cache_page *cache;
	struct sim_cache_stale *stale;  /* pending write-backs of stale lines */
	unsigned nr_stale, max_stale;
	uint64_t cache_stale_pages;     /* C-bit changes without a flush (incoherent model) */
	uint64_t cache_stale_first;     /* GPA of the first */
	uint64_t cache_flushes;         /* CLFLUSH executions seen */
	uint64_t cache_wbinvd;

	/* outcome */
	enum sim_result result;
	int reason_set, reason_code;   /* -1: not set */
	int term_vcpu;                 /* the vCPU whose VMGEXIT made the termination request
					* (-1: none); JSON "terminated_vcpu" */
	unsigned vmgexit_vcpu;         /* the vCPU of the VMGEXIT being served */
	char shutdown_reason[32];
	bool have_debug_exit;
	uint64_t debug_exit_value;
	char error[512];
	bool hv_terminated;            /* the hypervisor model killed the guest */
	uint64_t fault_rip;
	uint64_t term_info2;
	uint64_t ghcb_errors;          /* GHCB requests refused (hv/ghcb_nae.c) */
	char ghcb_last_error[160];     /* the last one, naming the field */

	/* statistics */
	uint64_t insns_total;
	uint64_t vmgexits;
	struct sim_counter vmgexits_by_code;
	uint64_t vc;
	struct sim_counter vc_by_code;
	uint64_t hypercalls;
	struct sim_counter hypercalls_by_nr;
	uint64_t exceptions;
	struct sim_counter exceptions_by_vector;
	uint64_t injections;
	struct sim_counter injections_by_vector;
	uint64_t console_bytes;
	uint64_t remaps;
	uint64_t lie_hits[SIM_LIE_COUNT];   /* how often each lie struck */
	struct sim_apic_stats apic_stats;   /* apic/ */
	struct sim_counter apic_vc_by_msr;  /* x2APIC MSR accesses that raised a #VC, by MSR */
	struct sim_counter apic_hv_by_msr;  /* ... that the hypervisor handled (an exit each) */
	double seconds;
};

/* main.c */
void sim_fail(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_trace(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint64_t sim_rand(struct sim *s);

/* fw/launch.c: read the kernel, place it, modules and start_info; 0 or -1 (sim->error) */
int sim_load(struct sim *s);
/* fw/measure.c: module i at gpa (hashed; placed shared with --kernel-hashes: then true) */
bool sim_measure_place_module(struct sim *s, unsigned i, uint64_t gpa, const uint8_t *data,
			      uint64_t len);
/* fw/measure.c: fill the hashes table, compute the launch digest; 0 or -1 */
int sim_measure_launch(struct sim *s);
/* fw/measure.c: what this launch's VMSAs depend on; --dump-pages (NULL without it; -1 on error) */
struct ld_vcpus;
void sim_measure_vcpus(struct sim *s, uint64_t sev_features, struct ld_vcpus *c);
int sim_measure_dump_open(struct sim *s, FILE **f);
void sim_measure_json(const struct sim *s, FILE *f);

/* mem/mem.c */
int sim_mem_init(struct sim *s);
void sim_mem_free(struct sim *s);
int sim_mem_map_vcpu(struct sim_vcpu *v);
int sim_mem_classify(struct sim_vcpu *v);
bool sim_mem_is_ram(const struct sim *s, uint64_t gpa, uint64_t len);
/* hypervisor view: raw (encrypted) bytes; gpa without C-bit; false if not RAM */
bool sim_mem_hv_read(struct sim *s, uint64_t gpa, void *buf, uint64_t len);
bool sim_mem_hv_write(struct sim *s, uint64_t gpa, const void *buf, uint64_t len);
/* CPU view from vCPU v (mem/mem.c explains the rules per kind of access) */
enum sim_access { SIM_ACC_DATA, SIM_ACC_FETCH, SIM_ACC_WALK };
bool sim_mem_cpu_access(struct sim_vcpu *v, uint64_t gpa, void *buf, uint64_t len,
			enum sim_access kind, bool write);
/* launch-time load (private, plaintext) */
void sim_mem_load(struct sim *s, uint64_t gpa, const void *buf, uint64_t len);
bool sim_mem_is_mmio_device(uint64_t gpa);
/* Decode a GPA as the CPU does: strip the C-bit (*priv = it was set) and undecoded alias
 * bits; ~0 if a reserved bit (rsvd_mask) is set. */
uint64_t sim_mem_decode_gpa(const struct sim *s, uint64_t gpa, bool *priv);
/* first touch of a linear page outside [0, ram_size) that maps RAM: map it (true) */
bool sim_mem_map_lazy(struct sim_vcpu *v, uint64_t la, uint64_t gpa);
void sim_mem_unmap_lazy(struct sim_vcpu *v);

/* cpu/mmu.c */
void sim_mmu_refresh(struct sim_vcpu *v);
void sim_mmu_flush(struct sim_vcpu *v);
/* set the architectural CR3; Unicorn's CR3 points into the walk window */
bool sim_mmu_set_cr3(struct sim_vcpu *v, uint64_t cr3);
/* the walk window: Unicorn's page walker reads guest tables here (mem/mem.c maps it) */
uint64_t sim_mmu_window_read(uc_engine *uc, uint64_t off, unsigned size, void *ud);
void sim_mmu_window_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *ud);
/* true if the 4-level walk of la stops at an entry with a reserved bit (#PF RSVD) */
bool sim_mmu_reserved_fault(struct sim_vcpu *v, uint64_t la);
/* translate a linear address; false on a walk failure */
bool sim_mmu_translate(struct sim_vcpu *v, uint64_t la, bool write, uint64_t *gpa);
bool sim_mmu_read(struct sim_vcpu *v, uint64_t la, void *buf, uint64_t len);
bool sim_mmu_write(struct sim_vcpu *v, uint64_t la, const void *buf, uint64_t len);
bool sim_mmu_fetch(struct sim_vcpu *v, uint64_t la, void *buf, uint64_t len);
/* #PF error code for a fault at la by the instruction at rip: P from the walk; W when
 * la is mapped read-only (a write must have faulted); I when la is rip's page and NX */
uint64_t sim_mmu_pf_error(struct sim_vcpu *v, uint64_t la, uint64_t rip);
bool sim_mmu_fetch_insn(struct sim_vcpu *v, uint64_t la, void *buf, unsigned len);

/* cpu/vcpu.c */
int sim_vcpu_create(struct sim *s, unsigned id);
int sim_vcpu_start(struct sim_vcpu *v, const struct sim_vcpu_init *init);
void sim_run(struct sim *s);
uint64_t sim_reg(struct sim_vcpu *v, int reg);
void sim_set_reg(struct sim_vcpu *v, int reg, uint64_t val);
bool sim_long_mode(struct sim_vcpu *v);
bool sim_cs64(struct sim_vcpu *v);
unsigned sim_cpl(struct sim_vcpu *v);
void sim_end(struct sim *s, enum sim_result r);

/* cpu/insn.c: classify the instruction at the hook's RIP */
struct sim_insn {
	unsigned len;
	unsigned opcode;     /* see SIM_OP_* */
	unsigned modrm_reg;
	unsigned modrm_rm;   /* register operand of MOV to/from CR/DR, RDRAND */
	bool rep, rep_ne, opsize, adsize;
	unsigned rex;
	bool undefined;      /* an opcode the architecture leaves undefined here: #UD */
	bool undefined64;    /* ... only because the code is 64-bit (valid in 32-bit code) */
	/* memory operand (CLFLUSH): ModRM/SIB and displacement, for cpu/ea.c */
	bool has_mem;
	uint8_t modrm, sib;
	bool has_sib;
	int64_t disp;
	int seg;             /* segment override prefix: 0x64 FS, 0x65 GS, else 0 */
};
enum sim_op {
	SIM_OP_OTHER, SIM_OP_CPUID, SIM_OP_RDMSR, SIM_OP_WRMSR, SIM_OP_RDTSC, SIM_OP_RDTSCP,
	SIM_OP_RDPMC, SIM_OP_VMMCALL, SIM_OP_VMGEXIT, SIM_OP_WBINVD, SIM_OP_INVD,
	SIM_OP_MOV_FROM_DR, SIM_OP_MOV_TO_DR, SIM_OP_MONITOR, SIM_OP_MWAIT, SIM_OP_HLT,
	SIM_OP_IN, SIM_OP_OUT, SIM_OP_INS, SIM_OP_OUTS, SIM_OP_MOV_TO_CR, SIM_OP_INVLPG,
	SIM_OP_PVALIDATE, SIM_OP_IRET, SIM_OP_MOV_FROM_CR, SIM_OP_RDRAND, SIM_OP_CLFLUSH,
	SIM_OP_RMPADJUST,
};
bool sim_insn_decode(const uint8_t *b, unsigned n, bool mode64, bool cs32, struct sim_insn *in);
/* cpu/ea.c: Unicorn's register ids in encoding order (RAX, RCX, ... R15) */
extern const int sim_gpr[16];
/* cpu/ea.c: the linear address of in's memory operand, executed at rip */
bool sim_insn_ea(struct sim_vcpu *v, const struct sim_insn *in, uint64_t rip, bool code64,
		 uint64_t *la);

/* cpu/exc.c: deliver an exception through the guest IDT (false: triple fault, ended) */
bool sim_exc_deliver(struct sim_vcpu *v, unsigned vector, bool has_err, uint64_t err);
bool sim_vc_raise(struct sim_vcpu *v, uint64_t exit_code);

/* cpu/inject.c: events a hypervisor injects (delivered when the vCPU resumes) */
void sim_inject_exception(struct sim_vcpu *v, unsigned vector, bool has_err, uint64_t err);
void sim_inject_nmi(struct sim_vcpu *v);
void sim_inject_intr(struct sim_vcpu *v, unsigned vector);
void sim_inject_deliver(struct sim_vcpu *v);
bool sim_inject_waiting(const struct sim_vcpu *v);
unsigned sim_inject_pending(const struct sim *s);
void sim_inject_after_vmgexit(struct sim_vcpu *v);
void sim_inject_at_vc(struct sim_vcpu *v);

/* cpu/rdrand.c: one RDRAND; returns CF, *val the value */
bool sim_rdrand(struct sim *s, uint64_t *val);
#define SIM_TSC_PER_INSN 2500u /* cpu/msr.c: a 5 GHz TSC, 2 instructions per microsecond */
uint64_t sim_tsc(const struct sim *s);
int sim_rdrand_parse(struct sim_config *c, const char *arg); /* 0 or -1 */

/* mem/cache.c */
int sim_cache_init(struct sim *s);
void sim_cache_free(struct sim *s);
void sim_cache_clflush(struct sim_vcpu *v, uint64_t la);
void sim_cache_wbinvd(struct sim *s);
/* page p changes from key old_shared to the other key (mem/mem.c, before re-mapping) */
void sim_cache_flip(struct sim_vcpu *v, uint64_t page, bool old_shared);
/* a guest write through a shared mapping dirties the line under the shared key */
void sim_cache_shared_write(struct sim *s, uint64_t gpa);
/* the hypervisor wrote guest memory: not a guest cache line, keep flushed pages clean */
void sim_cache_hv_wrote(struct sim *s, uint64_t gpa, uint64_t len);
/* stale lines reach memory: at every exit to the hypervisor, remap, handoff, end */
void sim_cache_evict(struct sim *s);
/* cpu/uc_quirks.c: work-arounds for Unicorn 2.0.1's exception bookkeeping */
int sim_uc_quirks_init(struct sim_vcpu *v);
void sim_uc_exception_delivered(struct sim_vcpu *v);

/* cpu/cpuid.c */
void sim_cpuid_probe(struct sim *s);
/* view: 0 = the CPU's own answer (modes none/sev), 1 = the hypervisor's (GHCB) answer */
void sim_cpuid(struct sim *s, struct sim_vcpu *v, uint32_t leaf, uint32_t sub, bool via_ghcb,
	       uint32_t out[4]);
/* the CPU signature (CPUID Fn0000_0001 EAX): --cpu-sig, else the CPU model's */
uint32_t sim_cpu_sig(struct sim *s);

/* cpu/msr.c */
/* true if the CPU (Unicorn) itself holds this MSR */
bool sim_msr_native(uint32_t msr);
/* true if RDMSR/WRMSR of msr raises #VC in SEV-ES/SNP */
bool sim_msr_intercepted(uint32_t msr, bool write);
/* model MSRs read/written by the CPU itself; false if not a model MSR */
bool sim_msr_cpu_read(struct sim_vcpu *v, uint32_t msr, uint64_t *val);
bool sim_msr_cpu_write(struct sim_vcpu *v, uint32_t msr, uint64_t val);
/* the hypervisor's MSRs (GHCB MSR event / plain RDMSR in mode none); false -> #GP */
bool sim_msr_hv_read(struct sim_vcpu *v, uint32_t msr, uint64_t *val);
bool sim_msr_hv_write(struct sim_vcpu *v, uint32_t msr, uint64_t val);
uint64_t sim_sev_status(const struct sim *s);

/* hv/io.c: port and MMIO devices of the hypervisor model */
uint32_t sim_io_in(struct sim *s, uint16_t port, unsigned size);
void sim_io_out(struct sim *s, uint16_t port, unsigned size, uint32_t val);
bool sim_pic_out(struct sim *s, uint16_t port, uint8_t val); /* true: a PIC port */
uint64_t sim_mmio_read(struct sim *s, uint64_t gpa, unsigned size);
void sim_mmio_write(struct sim *s, uint64_t gpa, unsigned size, uint64_t val);
void sim_console_write(struct sim *s, const void *buf, size_t len);
void sim_console_finish(struct sim *s);

/* hv/ghcb_msr.c, hv/ghcb_nae.c */
void sim_vmgexit(struct sim_vcpu *v);
void sim_ghcb_msr_protocol(struct sim_vcpu *v);
void sim_ghcb_nae(struct sim_vcpu *v, uint64_t gpa);
uint64_t sim_sev_info(struct sim *s);
uint64_t sim_hv_features(struct sim *s);
/* false when --lie=term-ignored let the guest run on */
bool sim_terminate_request(struct sim *s, unsigned set, unsigned code);
#define SIM_MSR_PROTO_KEY (1ull << 62) /* vmgexits_by_code key of an MSR-protocol request */
void sim_hv_terminate(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* hv/attack.c: attacks on guest memory (docs/lies.md) */
void sim_attack_paging_on(struct sim_vcpu *v);
void sim_attack_vmgexit(struct sim_vcpu *v);

/* hv/hypercall.c: args[0..4] = RDI RSI RDX R10 R8; returns RAX */
int64_t sim_hypercall(struct sim_vcpu *v, uint64_t nr, const uint64_t args[5], unsigned cpl);

/* mem/rmp.c (SNP; docs/sevsim.md "SNP"): RMP entry bits, one byte per 4 KiB page. 0 is
 * the launch default: private (assigned), not validated, no 4 KiB entry yet. */
#define SIM_RMP_SHARED    0x01u  /* hypervisor-owned: not assigned to the guest */
#define SIM_RMP_VALIDATED 0x02u
#define SIM_RMP_2M        0x04u  /* part of a 2 MiB RMP entry (all 512 agree) */
#define SIM_RMP_VMSA      0x08u  /* RMPADJUST set the VMSA attribute */
#define SIM_RMP_4K        0x10u  /* has its own 4 KiB entry (cannot be validated as 2 MiB) */
void sim_rmp_init(struct sim *s);
uint8_t sim_rmp_get(const struct sim *s, uint64_t gfn);
bool sim_rmp_validated(const struct sim *s, uint64_t gfn);
bool sim_rmp_shared(const struct sim *s, uint64_t gfn);
/* SNP_LAUNCH_UPDATE: private, validated, a 4 KiB entry */
void sim_rmp_launch_page(struct sim *s, uint64_t gfn);
/* the hypervisor's conversion (PSC; huge: a 2 MiB entry); 0 or -1 (not RAM) */
int sim_rmp_psc(struct sim *s, uint64_t gfn, bool to_shared, bool huge);
int sim_rmp_set_shared(struct sim *s, uint64_t gfn, bool shared);
/* a guest access in the wrong state: the hypervisor converts (KVM + QEMU guest_memfd);
 * deferred: called from inside the engine (mappings updated at the next instruction) */
void sim_rmp_implicit(struct sim *s, uint64_t gfn, bool to_shared, bool deferred,
		      const char *why);
/* PVALIDATE / RMPADJUST; false: an exception was delivered instead (#GP, #PF) */
bool sim_pvalidate_insn(struct sim_vcpu *v);
bool sim_rmpadjust_insn(struct sim_vcpu *v);
uint64_t sim_pvalidate(struct sim_vcpu *v, uint64_t va, unsigned size, bool validate, bool *cf);
void sim_snp_json(const struct sim *s, FILE *f);
/* the hypervisor re-assigns a page behind the guest's back (hv/snp_attack.c) */
void sim_rmp_hv_reset(struct sim *s, uint64_t gfn, bool shared);
void sim_snp_attack_vmgexit(struct sim_vcpu *v);
/* mem/mem.c: RMP entries [gfn, gfn + n) changed: update every vCPU's mappings */
void sim_mem_rmp_changed(struct sim *s, uint64_t gfn, uint64_t n, bool deferred);
/* fw/snp_launch.c: the SNP launch (pages, CPUID and secrets pages, digest); 0 or -1 */
int sim_snp_launch(struct sim *s);
/* fw/snp_launch.c: the CPUID page differs from what the firmware checked at launch */
bool sim_snp_cpuid_changed(const struct sim *s);
/* check/snp_handoff.c: SNP checks at a Linux / PVH handoff; ram = {addr, size} RAM entries */
void sim_snp_handoff_linux(struct sim_vcpu *v, uint64_t rsi, const uint64_t (*ram)[2], unsigned n);
void sim_snp_handoff_pvh(struct sim_vcpu *v, const uint64_t (*ram)[2], unsigned n);
/* hv/snp_ap.c: NAE 0x8000_0013 and the VMSA switch of a target vCPU */
struct sim_ghcb;
uint64_t sim_snp_ap_creation(struct sim_vcpu *v, uint64_t info1, uint64_t info2, uint64_t rax,
			     const char **why);
void sim_snp_ap_update(struct sim_vcpu *from, struct sim_vcpu *target);

/* check/payload.c, check/handoff.c */
void sim_payload_parse(struct sim *s);
void sim_payload_free(struct sim *s);
void sim_handoff_check(struct sim_vcpu *v, uint64_t rip);
/* check/handoff_aps.c (essmp): the APs at hand-off are parked as the payload's ABI says */
void sim_handoff_check_aps(struct sim_vcpu *bsp, bool linux64);
void sim_handoff_json(const struct sim *s, FILE *f);
void sim_check_add(struct sim_handoff *h, const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void sim_checks_json(const struct sim_handoff *h, FILE *f); /* "checks", "failed", "details" */

/* check/until.c */
int sim_until_parse(struct sim_config *c, const char *what);
bool sim_until_arm(struct sim_vcpu *v, uint64_t rip);
void sim_until_check(struct sim_vcpu *v, uint64_t rip);
void sim_until_json(const struct sim *s, FILE *f);

/* json.c */
void sim_json_print(struct sim *s, FILE *f);
const char *sim_result_name(enum sim_result r);
void sim_json_str(FILE *f, const char *s); /* a JSON string, or null */
void sim_counter_json(FILE *f, const struct sim_counter *c, bool hex);

/* hv/lies.c */
extern const struct sim_lie_def sim_lie_defs[SIM_LIE_COUNT];
/* Parse NAME[@N]; 0 or -1 (sim->error names the problem). */
int sim_lie_parse(struct sim *s, const char *tok);
/* Is the lie configured at all (no strike counted)? */
bool sim_lie_on(const struct sim *s, enum sim_lie id);
/* Does the lie strike now (its clock matches)? Counts the strike. */
bool sim_lie(struct sim *s, enum sim_lie id);
void sim_lie_list(FILE *f);
void sim_lie_json(const struct sim *s, FILE *f);

/* ---- SMP (docs/sevsim.md "SMP") ---- */
/* apic/lapic.c */
#define SIM_APIC_BASE 0xfee00000ull
void sim_apic_reset(struct sim_vcpu *v);
bool sim_apic_x2(const struct sim_vcpu *v);
bool sim_apic_is_mmio(uint64_t gpa);
uint64_t sim_apic_mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *ud);
void sim_apic_mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *ud);
bool sim_apic_msr_read(struct sim_vcpu *v, uint32_t msr, uint64_t *val);
bool sim_apic_msr_write(struct sim_vcpu *v, uint32_t msr, uint64_t val);
bool sim_apic_base_write(struct sim_vcpu *v, uint64_t val);
/* hv/smp.c: what INIT, SIPI, the AP reset hold and VCPUOP do to a vCPU */
void sim_smp_launch(struct sim *s);            /* after sim_load: APs' launch states */
void sim_smp_init_ipi(struct sim_vcpu *from, struct sim_vcpu *to);
void sim_smp_sipi(struct sim_vcpu *from, struct sim_vcpu *to, unsigned vector);
/* AP reset hold (NAE 0x8000_0004: ghcb = its GPA; MSR protocol 0x006: ghcb 0) */
void sim_smp_hold(struct sim_vcpu *v, enum sim_hold how, uint64_t ghcb);
int64_t sim_smp_vcpu_op(struct sim_vcpu *v, uint64_t cmd, uint64_t id, uint64_t arg);
/* v stops (HLT, hold, VCPUOP_down): its critical-path clock at the first stop */
void sim_smp_stopped(struct sim_vcpu *v);
/* start vCPU to from a state, by from (NULL: the platform); clocks and counters */
int sim_smp_start(struct sim_vcpu *from, struct sim_vcpu *to, const struct sim_vcpu_init *init,
		  const char *how);
void sim_smp_json(struct sim *s, FILE *f);
void sim_smp_run_queued(struct sim *s);
bool sim_bringup_offered(const struct sim *s);
/* cpu/smc.c: code one vCPU writes that another has translated (Unicorn caches per engine) */
int sim_smc_init_vcpu(struct sim_vcpu *v);
void sim_smc_exec(struct sim_vcpu *v, uint64_t la);
/* fw/bringup.c: ACPI tables (RSDP, XSDT, MADT) and the AP bring-up region (docs/abi.md §8) */
int sim_fwmem_build(struct sim *s); /* fw/bringup.c: ACPI + bring-up region; 0 or -1 */
/* mem/mem.c */
void sim_mem_unmap_vcpu(struct sim_vcpu *v);
uint64_t sim_mem_code_pages(const struct sim *s);

/* the launch-time special page region (xl's HVM special pages, facts §1.8) */
#define SIM_SPECIAL_BASE  0xfeff8000ull
#define SIM_SPECIAL_SIZE  0x8000ull
/* RAM above the 4 GiB hole starts here; RAM below it ends at most at SIM_LOWMEM_MAX */
#define SIM_HIGH_BASE     0x100000000ull
#define SIM_LOWMEM_MAX    0xfc000000ull
/* Unicorn's walker reads the guest's page tables through this window (cpu/mmu.c) */
#define SIM_WALK_WINDOW   (1ull << 39)
/* sevsim's test MMIO device (one page, not RAM) */
#define SIM_MMIO_DEV_BASE 0xfeb00000ull
#define SIM_MMIO_DEV_SIZE 0x1000ull

#endif
