/* SPDX-License-Identifier: MIT */
/*
 * What the 32-bit entry learns about SEV and hands to 64-bit C. The same layout
 * is compiled for i386 (boot/sev_entry_32.c) and x86-64, so only fixed-size,
 * naturally aligned fields (checked below in both compilations).
 */
#ifndef COCOBOOT_BOOT_SEV_BOOT_H
#define COCOBOOT_BOOT_SEV_BOOT_H

#include <stddef.h>
#include <stdint.h>

enum sev_mode {
	SEV_MODE_NONE = 0,
	SEV_MODE_SEV = 1,    /* memory encryption, registers visible: CPUID works */
	SEV_MODE_ES = 2,     /* encrypted state: CPUID etc. raise #VC */
	SEV_MODE_SNP = 3,
};

/* sev_boot.notes */
#define SEV_NOTE_FLAG_WITHOUT_ES  (1u << 0) /* SIF_HVM_GHCB set, but SEV_STATUS says no SEV-ES */
#define SEV_NOTE_ES_WITHOUT_FLAG  (1u << 1) /* SEV-ES guest whose start_info lacks SIF_HVM_GHCB */
#define SEV_NOTE_STATUS_GP        (1u << 3) /* SEV_STATUS read raised #GP: not an SEV guest */
#define SEV_NOTE_NO_NX            (1u << 4) /* neither CPUID nor EFER offers NX */
#define SEV_NOTE_NO_1G            (1u << 5) /* CPUID offers no 1 GiB pages */
#define SEV_NOTE_CBIT_FROM_PAGE   (1u << 6) /* SNP: C-bit from the CPUID page (= SEV info's) */
#define SEV_NOTE_NO_CPUID_PAGE    (1u << 7) /* SNP: CPUID page empty: C-bit from the SEV info */

struct sev_boot {
	uint64_t status;      /* SEV_STATUS MSR, 0 when absent */
	uint64_t check_value; /* the value stored for the C-bit check (the copy) */
	uint32_t mode;        /* enum sev_mode */
	uint32_t cbit;        /* C-bit position, 0 without SEV */
	uint32_t version;     /* negotiated GHCB protocol version (SEV-ES/SNP) */
	uint32_t notes;       /* SEV_NOTE_* */
	uint32_t hv_min, hv_max; /* hypervisor's GHCB protocol range (SEV-ES/SNP) */
	uint32_t vc_count;    /* #VCs the 32-bit handler served */
	uint32_t vmgexits;    /* VMGEXITs made before 64-bit C */
};

_Static_assert(offsetof(struct sev_boot, check_value) == 8, "sev_boot layout");
_Static_assert(offsetof(struct sev_boot, mode) == 16, "sev_boot layout");
_Static_assert(offsetof(struct sev_boot, cbit) == 20, "sev_boot layout");
_Static_assert(offsetof(struct sev_boot, vmgexits) == 44, "sev_boot layout");
_Static_assert(sizeof(struct sev_boot) == 48, "sev_boot layout");

#endif
