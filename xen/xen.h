/* SPDX-License-Identifier: MIT */
/*
 * cocoboot on Xen: detection (CPUID leaves), the hypercall transport, the PV console
 * and the end of the boot through SCHEDOP_shutdown. The ABI itself is in
 * include/xen/{hypercall,console,params,sched,event_channel}.h.
 *
 * boot/main.c calls xen_init() once, after the IDT exists (under SEV-ES CPUID raises
 * #VC) and before the command line selects consoles (so console=xen is known).
 */
#ifndef COCOBOOT_XEN_XEN_H
#define COCOBOOT_XEN_XEN_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/console.h"

/* What the CPUID leaves at base..base+4 say (facts §2.1; public/arch-x86/cpuid.h). */
struct xen_cpuid_info {
	uint32_t base;         /* 0x40000000 + n * 0x100 */
	uint32_t max_leaf;     /* base + 0 EAX */
	uint16_t major, minor; /* base + 1 EAX */
	uint32_t hypercall_pages; /* base + 2 EAX */
	uint32_t hypercall_msr;   /* base + 2 EBX */
	uint32_t hvm_features;    /* base + 4 EAX, 0 when the leaf is absent */
	uint32_t vcpu_id;         /* base + 4 EBX when XEN_HVM_CPUID_VCPU_ID_PRESENT */
	uint32_t domid;           /* base + 4 ECX when XEN_HVM_CPUID_DOMID_PRESENT */
};

#define XEN_CPUID_FIRST   0x40000000u
#define XEN_CPUID_LAST    0x4000ff00u
#define XEN_CPUID_STEP    0x100u
#define XEN_CPUID_SIG_EBX 0x566e6558u /* "XenV" */
#define XEN_CPUID_SIG_ECX 0x65584d4du /* "MMXe" */
#define XEN_CPUID_SIG_EDX 0x4d4d566eu /* "nVMM" */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT   (1u << 4)

/* The CPUID instruction (or its #VC emulation); a parameter so tests can feed leaves. */
typedef void (*xen_cpuid_fn)(uint32_t leaf, uint32_t out[4]);

/* xen/cpuid.c: find Xen's leaves. False when no Xen signature is found. */
bool xen_cpuid_detect(xen_cpuid_fn cpuid, struct xen_cpuid_info *out);

/* xen/pvcons.c: the PV console ring (HVM params 17/18) as console backend "xen". */
extern struct console_backend xen_console;
/* Read the params and attach to the ring; false (and a reason) when there is none. */
bool xen_pvcons_init(const char **why);
/* Wait (bounded) until xenconsoled has taken everything written so far. */
void xen_pvcons_flush(void);
/* Guest-physical address of the ring page, 0 when not attached: page tables built
 * after xen_init() must keep it mapped (write-back, shared under SEV). */
uint64_t xen_pvcons_ring_paddr(void);

/* xen/shutdown.c: SCHEDOP_shutdown with a SHUTDOWN_* reason. Returns only on failure
 * (the error from Xen). */
long xen_shutdown(unsigned int reason);

/* xen/platform.c */
struct xen_state {
	bool present;
	struct xen_cpuid_info cpuid;
	bool pvcons;         /* the "xen" console backend is registered */
	const char *pvcons_why; /* why not, when !pvcons */
};
extern struct xen_state xen_state;
/* Detect Xen; on Xen pick the hypercall transport, register the PV console (enabled:
 * the default consoles on Xen are xen + e9) and route the end of the boot through
 * SCHEDOP_shutdown. Returns xen_state.present. */
bool xen_init(void);
/* One line for the boot log: what was found. */
void xen_print_info(void);

#endif
