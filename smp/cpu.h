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

#define SMP_MAX_CPUS    MADT_MAX_CPUS
#define SMP_STACK_SIZE  16384
#define SMP_IST_STACKS  4

/* What an AP last reported (smp_cpu.state), in the order it happens. */
enum smp_state {
	SMP_STATE_OFF = 0,        /* not started */
	SMP_STATE_STARTING = 1,   /* the BSP sent the start (IPIs / VCPUOP_up) */
	SMP_STATE_TRAMPOLINE = 2, /* INIT-SIPI: the real-mode trampoline found this CPU */
	SMP_STATE_ENTERED = 3,    /* 64-bit C (smp_ap_main) runs on its own stack */
	SMP_STATE_ONLINE = 4,     /* descriptors loaded, identity checked: parked */
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
	uint64_t ghcb_paddr;     /* SEV-ES/SNP: this CPU's GHCB page (the SEV half of issue 11) */
	bool stuck;              /* test hook cocoboot.fault=ap-stuck: stop before reporting */
	struct desc_cpu desc;
};

/* smp/smp.inc has these for the assembly. */
_Static_assert(offsetof(struct smp_cpu, state) == 12, "SMP_CPU_STATE");
_Static_assert(offsetof(struct smp_cpu, stack_top) == 16, "SMP_CPU_STACK_TOP");
_Static_assert(offsetof(struct smp_cpu, t_start) == 24, "SMP_CPU_T_START");
_Static_assert(offsetof(struct smp_cpu, t_entry) == 32, "SMP_CPU_T_ENTRY");

extern struct smp_cpu smp_cpus[SMP_MAX_CPUS];
extern unsigned smp_nr_cpus; /* CPUs this boot brings up, the BSP included */
extern struct lapic smp_lapic;
extern const struct pvh_info *smp_info; /* start_info, as smp_init() got it */
extern volatile uint32_t smp_aps_may_halt; /* set by the BSP: online APs may halt */

/* A way to start APs. start() starts smp_cpus[1..n) without waiting for them
 * (parallel: the BSP waits once for all, in smp/smp.c); false and err when it
 * could not even ask. check() runs after every AP reported and compares
 * what the hypervisor said with what the APs did (may be NULL). */
struct smp_method {
	const char *name;
	bool (*start)(unsigned n, char *err, size_t err_size);
	bool (*check)(unsigned n, char *err, size_t err_size);
	/* The APs must stay running (spin, not halt) until check() ran: on Xen a
	 * vCPU that halts with interrupts off goes down (hvm.c hvm_hlt), which
	 * check() could not tell from one that never came up. */
	bool hold_for_check;
	/* After smp_park() sent INIT to every AP: check the platform agrees they
	 * are parked (may be NULL). */
	bool (*parked)(unsigned n, char *err, size_t err_size);
};

extern const struct smp_method smp_method_sipi;   /* smp/sipi.c */
extern const struct smp_method smp_method_vcpuop; /* smp/vcpuop.c */
/* xenpage: the Xen AP bring-up page (smp/bringup.c). probe: is one offered
 * (*found) and usable for vCPUs up to max_vcpu; false and err when not. */
extern const struct smp_method smp_method_bringup;
bool smp_bringup_probe(const struct pvh_info *info, uint32_t max_vcpu, bool *found, char *err,
		       size_t err_size);
/* smp/vcpuop.c: a Xen vCPU we may start: APIC ID 2v, VCPUOP_is_up = 0. */
bool smp_xen_vcpu_startable(const struct smp_cpu *c, char *err, size_t err_size);
/* smp/select.c: the one place that picks a method for this platform; NULL
 * (and *why) when there is none. */
const struct smp_method *smp_select(const char **why);

/* smp/ap_entry.asm: 64-bit entry of every AP, RDI = its struct smp_cpu,
 * our page tables in CR3. It switches to the CPU's stack and calls smp_ap_main. */
extern const uint8_t smp_ap_entry64[];
__attribute__((noreturn)) void smp_ap_main(struct smp_cpu *c);

/* smp/clock.c: TSC ticks per millisecond (a lower bound on the time a wait
 * takes when the frequency is not known) and where that came from. */
uint64_t smp_tsc_per_ms(const char **source);
void smp_delay_us(unsigned us);

#endif
