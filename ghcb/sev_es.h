/* SPDX-License-Identifier: MIT */
/*
 * SEV-ES/SNP guest side in the 64-bit boot: wiring of the #VC core (ghcb/vc.h) into the
 * trap table, the end of the boot (GHCB termination) and the Xen hypercall transport.
 * The order of use is in docs/ghcb.md ("Integration").
 */
#ifndef COCOBOOT_GHCB_SEV_ES_H
#define COCOBOOT_GHCB_SEV_ES_H

#include <stdbool.h>
#include <stdint.h>

#include "ghcb/check.h"
#include "ghcb/vc.h"

struct xen_transport;

/* MSR protocol SEV-information request, checked (version range, C-bit range). */
int sev_es_negotiate(struct ghcb_sev_info *info);

/* Install the vector-29 handler (MSR protocol: CPUID only) and the termination hook. */
void sev_es_init_early(unsigned version);

/* Switch to the GHCB page: ghcb is its shared (C-bit clear) mapping, gpa its address;
 * under SNP the GPA is registered first (facts §2 0x012/0x013). */
int sev_es_use_ghcb(volatile struct ghcb *ghcb, uint64_t gpa, bool snp);

/* Per-CPU #VC state for the APs (docs/abi.md §11): sev_es_cpu_size() bytes inside each AP's
 * per-CPU area; AP i's area starts at base + i * stride and its #VC state at sev_offset in
 * it. Any address inside an area names that AP, every other one the BSP. */
size_t sev_es_cpu_size(void);
void sev_es_ap_areas(uint64_t base, uint64_t stride, unsigned n, uint64_t sev_offset);
/* Before the AP runs: its #VC core with its own GHCB page (shared, gpa) and backup; tss is
 * its TSS (IST_VC moves there while #VC nests). Returns the top of its level-0 #VC stack,
 * for its IST_VC. */
uint64_t sev_es_ap_prepare(void *area, void *tss, volatile struct ghcb *ghcb, uint64_t gpa);
struct vc_cpu *sev_es_ap_vc(void *area);
/* The AP jump table NAE (0x8000_0005) through this CPU's GHCB: set (register *gpa) or get
 * (*gpa = the hypervisor's answer, unchecked). 0 or a CB_TERM_ code. */
int sev_es_jump_table(bool set, uint64_t *gpa);

/* SEV-SNP (smp/snp_create.c): register the calling CPU's GHCB GPA (MSR protocol 0x012, an AP
 * before its first #VC); 0 or CB_TERM_GHCB_REGISTER. */
int sev_es_ap_register(void);
/* NAE 0x8000_0013 through the calling CPU's GHCB (facts §7.3): info1 from
 * sev_ap_creation_info1(), vmsa_gpa, RAX = features. 0 or a CB_TERM_ code; *r the answer. */
int sev_snp_ap_creation(uint64_t info1, uint64_t vmsa_gpa, uint64_t features,
			struct ghcb_resp *r);
/* The calling CPU's #VC state (found from its stack, as the handler does). */
struct vc_cpu *sev_es_this_vc(void);

/* MMIO emulation asks this whether [la, la+n) is mapped shared; none set: MMIO refused. */
typedef bool (*sev_es_mmio_check_t)(uint64_t la, uint64_t n);
void sev_es_set_mmio_check(sev_es_mmio_check_t check);

/* Print the message once, then send the GHCB termination request (set CB_TERM_SET). */
__attribute__((noreturn)) void sev_es_fatal(unsigned code, const char *what);
/* The same with another reason set (the GHCB specification's set 0, facts §2.1). */
__attribute__((noreturn)) void sev_es_fatal_set(unsigned set, unsigned code, const char *what);

/* The boot CPU's #VC state (for statistics and vc_outs). */
struct vc_cpu *sev_es_bsp(void);
void sev_es_print_stats(void);

/* Xen hypercalls as VMMCALL NAE events through the GHCB (docs/ghcb.md). */
extern const struct xen_transport xen_transport_ghcb;

#endif
