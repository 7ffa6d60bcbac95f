/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data and the AP life cycle shared by every bring-up method.
 *
 * Each CPU has a struct smp_cpu: its stack, IST stacks, GDT and TSS (the IDT is
 * shared), and the state word the AP writes as it gets further. The BSP waits
 * once for every AP and, on a timeout, names the CPU and the last state it
 * reported. smp/ap_entry.asm reads the fields whose offsets smp/smp.inc gives.
 */
#ifndef COCOBOOT_SMP_CPU_H
#define COCOBOOT_SMP_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apic/lapic.h"
#include "arch/x86/desc.h"
#include "smp/madt.h"
#include "xen/pvh.h"
#include "boot/cmdline.h"

#define SMP_MAX_CPUS    MADT_MAX_CPUS
#define SMP_STACK_SIZE  16384
#define SMP_IST_STACKS  4

/* What an AP last reported (smp_cpu.state), in the order it happens. */
enum smp_state {
	SMP_STATE_OFF = 0,        /* not started */
	SMP_STATE_STARTING = 1,   /* the BSP sent the start (IPIs / VCPUOP_up) */
	SMP_STATE_TRAMPOLINE = 2, /* INIT-SIPI: the real-mode trampoline found this CPU */
	SMP_STATE_ENTERED = 3,    /* 64-bit C (smp_ap_main) runs on its own stack */
	SMP_STATE_ONLINE = 4,     /* descriptors loaded, identity checked */
	SMP_STATE_PARKED = 5,     /* SEV-ES: left cocoboot for the AP reset hold loop (§11) */
	SMP_STATE_ERR_ID = 0x80,  /* runs, but its APIC ID / vCPU id is not the one started */
};

struct smp_cpu {
	uint32_t index;          /* 0 = the BSP; read through GS by the console lock */
	uint32_t apic_id;        /* from the MADT */
	uint32_t vcpu_id;        /* Xen's vCPU id (MADT processor UID) */
	volatile uint32_t state; /* enum smp_state, written by the AP */
	uint64_t stack_top;
	/* xenpage: TSC just before the start request (0: not timed) and at the AP's
	 * first instruction in smp_ap_entry64 (make bench, docs/xen.md). */
	uint64_t t_start;
	volatile uint64_t t_entry;
	uint64_t report;         /* with SMP_STATE_ERR_ID: the id the AP found */
	uint64_t ist_top[SMP_IST_STACKS];
	long start_rc;           /* what the hypervisor said when asked to start it */
	uint64_t ghcb_paddr;     /* SEV-ES/SNP: this CPU's GHCB page (shared) */
	void *sev;               /* SEV-ES/SNP: its #VC core (ghcb/sev_es.c), in its area */
	bool stuck;              /* test hook cocoboot.fault=ap-stuck: stop before reporting */
	bool identified;         /* the start path already proved its identity (SEV-ES
				  * trampoline lookup by APIC ID): no check that exits */
	bool rsi_is_vcpu;        /* bring-up page: RSI at entry must be vcpu_id (§8.6) */
	struct desc_cpu desc;
	uint64_t snp_vmsa;       /* SEV-SNP AP creation: its VMSA page (smp/snp_create.c) */
	volatile uint32_t work_done;     /* smp/work.c: the last work generation it finished */
	volatile uint32_t work_progress; /* ... and steps of the current one */
};

/* smp/smp.inc has these for the assembly. */
_Static_assert(offsetof(struct smp_cpu, state) == 12, "SMP_CPU_STATE");
_Static_assert(offsetof(struct smp_cpu, stack_top) == 16, "SMP_CPU_STACK_TOP");
_Static_assert(offsetof(struct smp_cpu, t_start) == 24, "SMP_CPU_T_START");
_Static_assert(offsetof(struct smp_cpu, t_entry) == 32, "SMP_CPU_T_ENTRY");
_Static_assert(SMP_STATE_STARTING == 1 && SMP_STATE_TRAMPOLINE == 2, "SMP_STATE_* of smp.inc");

extern struct smp_cpu smp_cpus[SMP_MAX_CPUS];
extern unsigned smp_nr_cpus; /* CPUs this boot brings up, the BSP included */
extern struct lapic smp_lapic;
extern const struct pvh_info *smp_info; /* start_info, as smp_init() got it */
extern volatile uint32_t smp_aps_may_halt; /* set by the BSP: online APs may halt */
extern const struct smp_method *smp_active_method; /* what started the APs */

/* The SEV-ES AP area (docs/abi.md §11): three pages below 1 MiB at a GPA fixed in the
 * image (ELF note "cocoboot" type 0x103), so every AP's launch VMSA is known before launch:
 *   +0x0000  reset and park code: APs start here (real mode, CS = base >> 4, IP = 0) and
 *            come back here to wait in the AP reset hold; stays reserved for the payload
 *   +0x1000  the AP jump table ({u16 IP, u16 CS} at offset 0), registered with NAE
 *            0x8000_0005; stays reserved (the payload writes its own entry there)
 *   +0x2000  cocoboot's trampoline to long mode (smp/trampoline.asm), for the boot only */
#define SMP_ES_AREA        0x9c000u
#define SMP_ES_AREA_SIZE   0x3000u
#define SMP_ES_JT_OFFSET   0x1000u
#define SMP_ES_TRAMP_OFFSET 0x2000u

/* A way to start APs. prepare() (may be NULL) readies what all n CPUs share
 * (trampoline, jump table, bring-up page slots); start() starts smp_cpus[first..last)
 * without waiting for them (parallel: first = 1, last = n, and the BSP waits once
 * for all, in smp/smp.c; smp.serial=1 starts one at a time); false and err when it
 * could not even ask (smp_fail_reason names the reason code, 0: BOOT_ERR_SMP).
 * check() runs after every AP reported and compares what the hypervisor said with
 * what the APs did (may be NULL). */
struct smp_method {
	const char *name;
	bool (*prepare)(unsigned n, char *err, size_t err_size);
	bool (*start)(unsigned first, unsigned last, char *err, size_t err_size);
	bool (*check)(unsigned n, char *err, size_t err_size);
	/* The APs must stay running (spin, not halt) until check() ran: on Xen a
	 * vCPU that halts with interrupts off goes down (hvm.c hvm_hlt), which
	 * check() could not tell from one that never came up. */
	bool hold_for_check;
	/* After smp_park() sent INIT to every AP: check the platform agrees they
	 * are parked (may be NULL). */
	bool (*parked)(unsigned n, char *err, size_t err_size);
	/* The AP leaves cocoboot once online (SEV-ES: to the AP reset hold, §11), instead
	 * of halting until smp_park()'s INIT. */
	bool park_at_once;
	/* Optional: what AP i last reported beyond smp_cpu.state, for a timeout message
	 * (the bring-up page slot, stray CPUs); returns the reason code the timeout ends
	 * with when the report shows more than a timeout (a start that lied), else 0. */
	unsigned (*describe)(unsigned i, char *buf, size_t size);
	/* Optional: run by every AP this method started, in smp_ap_main right after its own
	 * GDT/TSS/IDT are loaded and before anything that may exit to the hypervisor (SNP: the
	 * AP registers its GHCB here). Per-CPU set-up goes here. */
	void (*ap_setup)(struct smp_cpu *c);
	/* Optional: run by every AP this method started, in smp_ap_main after its identity
	 * checks passed and right before it reports online (the bring-up page: the slot's
	 * own online value, docs/abi.md §8.6). */
	void (*ap_online)(struct smp_cpu *c);
	/* Optional: smp_park() calls this instead of sending INIT to every AP (SNP: the APs'
	 * VMSAs are destroyed). */
	bool (*park)(unsigned n, char *err, size_t err_size);
	/* The method sends no IPI: no xAPIC page is mapped (it would stay mapped shared into
	 * the payload's tables). */
	bool no_lapic;
	/* The APs wait for work (smp_run_on_all) after reporting online and halt only once
	 * smp_release_aps() was called (SNP: they validate RAM with the BSP). */
	bool ap_work;
};

/* Reasons an SMP check ends the boot with (docs/abi.md §4): set with err text by a
 * method's start()/check(); 0 means BOOT_ERR_SMP. */
extern unsigned smp_fail_reason;
/* A method's failure: the message into err, the reason code into smp_fail_reason; false. */
bool smp_fail(unsigned reason, char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

extern const struct smp_method smp_method_sipi;   /* smp/sipi.c */
extern const struct smp_method smp_method_vcpuop; /* smp/vcpuop.c */
extern const struct smp_method smp_method_page;   /* smp/page.c */
extern const struct smp_method smp_method_page_es; /* smp/page.c, under SEV-ES */
extern const struct smp_method smp_method_jumptable; /* smp/jumptable.c */
extern const struct smp_method smp_method_snp;    /* smp/snp_create.c */
/* smp/select.c: the one place that picks a method for this platform; NULL
 * (and *why) when there is none. choice: smp.method= (AUTO: the platform's). */
const struct smp_method *smp_select(enum smp_method_choice choice, const char **why);
/* smp/vcpuop.c: after INIT, every AP is down again (VCPUOP_is_up = 0), boundedly. */
bool smp_vcpuop_parked(unsigned n, char *err, size_t err_size);
/* smp/page.c: is a bring-up page offered (its memory-map entry)? */
bool smp_page_offered(void);

/* smp/sipi.c: copy the trampoline to page_pa (below 1 MiB) for APs 1..n-1; msr_cpuid:
 * find the APIC ID through the GHCB MSR protocol (SEV-ES: CPUID would raise #VC with no
 * IDT). Returns the real-mode segment to start it at, 0 with err on failure. */
uint16_t smp_tramp_install(uint64_t page_pa, unsigned n, bool msr_cpuid, char *err,
			   size_t err_size);
/* Does the page at pa hold anything start_info told us about (itself, its memory map,
 * command line, modules, module command lines, the RSDP)? */
bool smp_low_page_in_use(const struct pvh_info *info, uint64_t pa);
/* Number of APs that ran the trampoline with an APIC ID not in its table, and the last. */
uint32_t smp_tramp_strays(uint32_t *last_id);

/* smp/jumptable.c: the SEV-ES AP area (docs/abi.md §11) that must stay reserved in the
 * payload's memory map while APs are parked there; false when none is in use. */
bool smp_es_area(uint64_t *base, uint64_t *len);
/* Copy the area's code, point the jump table at real-mode segment seg (IP 0), register
 * it (NAE SET) and check GET returns it; false with smp_fail_reason and err. */
bool smp_es_area_setup(uint16_t seg, char *err, size_t err_size);
/* At hand-off: the jump table the hypervisor reports is still the one registered. */
bool smp_es_jump_table_parked(unsigned n, char *err, size_t err_size);

/* smp/ap_entry.asm: 64-bit entry of every AP, RDI = its struct smp_cpu,
 * our page tables in CR3. It switches to the CPU's stack and calls smp_ap_main. */
extern const uint8_t smp_ap_entry64[];
__attribute__((noreturn)) void smp_ap_main(struct smp_cpu *c, uint64_t rsi);
/* smp/es_park.asm: leave long mode for the AP reset hold loop in the SEV-ES AP area
 * (paging off, so nothing of cocoboot is needed again); writes SMP_STATE_PARKED to
 * *state on the way. */
__attribute__((noreturn)) void smp_es_park(volatile uint32_t *state);

/* smp/work.c: an AP of an ap_work method waits here for work until smp_release_aps(). */
void smp_ap_work_loop(struct smp_cpu *c);
/* smp/smp.c: smp.timeout= in ms. */
unsigned smp_timeout(void);

/* smp/smp.c: SNP, at the handoff: the APs' GHCB pages private and validated again. */
void smp_ap_ghcbs_private(unsigned n);

/* smp/clock.c: TSC ticks per millisecond (a lower bound on the time a wait
 * takes when the frequency is not known) and where that came from. */
uint64_t smp_tsc_per_ms(const char **source);
void smp_delay_us(unsigned us);

#endif
