/* SPDX-License-Identifier: MIT */
/*
 * SVM exit codes as a #VC handler sees them (the #VC error code is the SVM exit code), the
 * SEV software-defined VMGEXIT ("NAE") exit codes, and the IOIO exit_info_1 encoding.
 *
 * Source: ../shared/docs/amd-sev-facts.md §4.1 (#VC error codes; Linux uapi svm.h, edk2,
 * COCONUT vc.rs), §4.2 (IOIO exit_info_1; Linux vc-shared.c, edk2 Ghcb.h, OpenVMM),
 * §4.3 (NAE codes; Linux uapi svm.h, edk2, COCONUT).
 */
#ifndef COCOBOOT_SEV_EXIT_CODES_H
#define COCOBOOT_SEV_EXIT_CODES_H

#include <stdint.h>

/* #VC vector (facts §4.1). */
#define X86_VECTOR_VC           29u

/* §4.1: standard SVM exit codes delivered as #VC error codes. */
#define SVM_EXIT_READ_DR7       0x027u
#define SVM_EXIT_WRITE_DR7      0x037u
#define SVM_EXIT_EXCP_BASE      0x040u  /* + vector: intercepted exception */
#define SVM_EXIT_RDTSC          0x06eu
#define SVM_EXIT_RDPMC          0x06fu
#define SVM_EXIT_CPUID          0x072u
#define SVM_EXIT_INVD           0x076u
#define SVM_EXIT_IOIO           0x07bu
#define SVM_EXIT_MSR            0x07cu
#define SVM_EXIT_VMMCALL        0x081u
#define SVM_EXIT_RDTSCP         0x087u
#define SVM_EXIT_WBINVD         0x089u
#define SVM_EXIT_MONITOR        0x08au
#define SVM_EXIT_MWAIT          0x08bu
#define SVM_EXIT_NPF            0x400u  /* MMIO: nested page fault on a reserved-bit NPT entry */
#define SVM_EXIT_AVIC_INCOMPLETE_IPI 0x401u
#define SVM_EXIT_AVIC_NOACCEL   0x402u
#define SVM_EXIT_VMGEXIT        0x403u  /* hypervisor side only */
#define SVM_EXIT_NOT_VALIDATED  0x404u  /* SNP: access to a page not validated */

/* MSR exit (0x07C) exit_info_1: 0 = RDMSR, 1 = WRMSR (facts §4.1). */
#define SVM_MSR_READ            0u
#define SVM_MSR_WRITE           1u

/* §4.3: SEV software-defined VMGEXIT exit codes (placed in sw_exit_code). */
#define SVM_VMGEXIT_MMIO_READ           0x80000001u
#define SVM_VMGEXIT_MMIO_WRITE          0x80000002u
#define SVM_VMGEXIT_NMI_COMPLETE        0x80000003u
#define SVM_VMGEXIT_AP_HLT_LOOP         0x80000004u
#define SVM_VMGEXIT_AP_JUMP_TABLE       0x80000005u
#define SVM_VMGEXIT_PSC                 0x80000010u
#define SVM_VMGEXIT_GUEST_REQUEST       0x80000011u
#define SVM_VMGEXIT_EXT_GUEST_REQUEST   0x80000012u
#define SVM_VMGEXIT_AP_CREATION         0x80000013u
#define SVM_VMGEXIT_HV_DOORBELL_PAGE    0x80000014u
#define SVM_VMGEXIT_HV_IPI              0x80000015u
#define SVM_VMGEXIT_GET_APIC_IDS        0x80000017u
#define SVM_VMGEXIT_SNP_RUN_VMPL        0x80000018u
#define SVM_VMGEXIT_SAVIC               0x8000001au
#define SVM_VMGEXIT_HV_FEATURES         0x8000fffdu
#define SVM_VMGEXIT_TERM_REQUEST        0x8000fffeu
#define SVM_VMGEXIT_UNSUPPORTED_EVENT   0x8000ffffu

/* AP jump table sub-functions (exit_info_1), facts §4.3. */
#define SVM_VMGEXIT_AP_JUMP_TABLE_SET   0u
#define SVM_VMGEXIT_AP_JUMP_TABLE_GET   1u

/* Termination NAE: sw_exit_info_1 = set[3:0] | code[11:4] (facts §2.1, §4.3). */
static inline uint64_t svm_vmgexit_term_info(unsigned set, unsigned code)
{
	return (uint64_t)(set & 0xfu) | ((uint64_t)(code & 0xffu) << 4);
}

/* §4.2: IOIO exit_info_1. */
#define SVM_IOIO_TYPE_IN        (1u << 0)   /* 1 = IN, 0 = OUT */
#define SVM_IOIO_STR            (1u << 2)
#define SVM_IOIO_REP            (1u << 3)
#define SVM_IOIO_SZ8            (1u << 4)
#define SVM_IOIO_SZ16           (1u << 5)
#define SVM_IOIO_SZ32           (1u << 6)
#define SVM_IOIO_A16            (1u << 7)
#define SVM_IOIO_A32            (1u << 8)
#define SVM_IOIO_A64            (1u << 9)
#define SVM_IOIO_SEG_SHIFT      10u         /* [12:10] effective segment */
#define SVM_IOIO_SEG_MASK       (7u << SVM_IOIO_SEG_SHIFT)
#define SVM_IOIO_SEG_ES         (0u << SVM_IOIO_SEG_SHIFT)  /* INS */
#define SVM_IOIO_SEG_DS         (3u << SVM_IOIO_SEG_SHIFT)  /* OUTS */
#define SVM_IOIO_PORT_SHIFT     16u         /* [31:16] port */
#define SVM_IOIO_PORT_MASK      (0xffffu << SVM_IOIO_PORT_SHIFT)

static inline unsigned svm_ioio_port(uint64_t info1)
{
	return (unsigned)(info1 >> SVM_IOIO_PORT_SHIFT) & 0xffffu;
}

/* Operand size in bytes (1, 2, 4) from exit_info_1, 0 if no or several size bits are set. */
static inline unsigned svm_ioio_size(uint64_t info1)
{
	switch (info1 & (SVM_IOIO_SZ8 | SVM_IOIO_SZ16 | SVM_IOIO_SZ32)) {
	case SVM_IOIO_SZ8:  return 1;
	case SVM_IOIO_SZ16: return 2;
	case SVM_IOIO_SZ32: return 4;
	default:            return 0;
	}
}

#endif
