/* SPDX-License-Identifier: MIT */
/*
 * The VMSA (SEV-ES save area) a guest writes for SEV-SNP AP creation, and the NAE that hands
 * it to the hypervisor. Offsets: amd-sev-facts.md §7.1 (Linux svm.h struct sev_es_save_area,
 * cross-checked there with COCONUT-SVSM vmsa.rs, edk2 SEV_ES_SAVE_AREA and OpenVMM SevVmsa);
 * AP creation: facts §7.3 (GHCB specification NAE 0x8000_0013 as Linux core.c
 * snp_set_vmsa / wakeup_cpu_via_vmgexit, edk2 MpInitLib X64/AmdSev.c, SVSM and KVM's
 * sev_snp_ap_creation implement it). Only the fields cocoboot writes are named; the rest of
 * the 4 KiB page is zero.
 */
#ifndef COCOBOOT_SEV_VMSA_H
#define COCOBOOT_SEV_VMSA_H

#include <stdint.h>

struct sev_vmsa_seg {
	uint16_t selector;
	uint16_t attrib;     /* VMCB format: descriptor bits 40-47 then 52-55 (facts §7.1) */
	uint32_t limit;
	uint64_t base;
};
_Static_assert(sizeof(struct sev_vmsa_seg) == 16, "VMSA segment: 16 bytes (facts §7.1)");

struct sev_vmsa {
	struct sev_vmsa_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x000 */
	uint8_t  pad0[0x0ca - 0x0a0];
	uint8_t  vmpl;                 /* 0x0ca */
	uint8_t  cpl;                  /* 0x0cb */
	uint8_t  pad1[0x0d0 - 0x0cc];
	uint64_t efer;                 /* 0x0d0 */
	uint8_t  pad2[0x148 - 0x0d8];
	uint64_t cr4, cr3, cr0;        /* 0x148 0x150 0x158 */
	uint64_t dr7, dr6;             /* 0x160 0x168 */
	uint64_t rflags, rip;          /* 0x170 0x178 */
	uint8_t  pad3[0x1d8 - 0x180];
	uint64_t rsp;                  /* 0x1d8 */
	uint8_t  pad4[0x1f8 - 0x1e0];
	uint64_t rax;                  /* 0x1f8 */
	uint8_t  pad5[0x268 - 0x200];
	uint64_t g_pat;                /* 0x268 */
	uint8_t  pad6[0x308 - 0x270];
	uint64_t rcx, rdx, rbx;        /* 0x308 0x310 0x318 */
	uint64_t pad7;                 /* 0x320 */
	uint64_t rbp, rsi, rdi;        /* 0x328 0x330 0x338 */
	uint8_t  pad8[0x3b0 - 0x340];
	uint64_t sev_features;         /* 0x3b0: SEV_STATUS >> 2 (facts §7.2) */
	uint64_t vintr_ctrl;           /* 0x3b8: V_GIF bit 9, V_NMI_ENABLE bit 26 (facts §7.1) */
	uint8_t  pad9[0x3e8 - 0x3c0];
	uint64_t xcr0;                 /* 0x3e8 */
	uint8_t  pad10[0x408 - 0x3f0];
	uint32_t mxcsr;                /* 0x408 */
	uint16_t x87_ftw;              /* 0x40c */
	uint16_t x87_fsw;              /* 0x40e */
	uint16_t x87_fcw;              /* 0x410 */
	uint8_t  pad11[4096 - 0x412];
};
_Static_assert(__builtin_offsetof(struct sev_vmsa, tr) == 0x090, "tr at 0x90");
_Static_assert(__builtin_offsetof(struct sev_vmsa, vmpl) == 0x0ca, "vmpl at 0xCA");
_Static_assert(__builtin_offsetof(struct sev_vmsa, efer) == 0x0d0, "efer at 0xD0");
_Static_assert(__builtin_offsetof(struct sev_vmsa, cr4) == 0x148, "cr4 at 0x148");
_Static_assert(__builtin_offsetof(struct sev_vmsa, cr0) == 0x158, "cr0 at 0x158");
_Static_assert(__builtin_offsetof(struct sev_vmsa, dr7) == 0x160, "dr7 at 0x160");
_Static_assert(__builtin_offsetof(struct sev_vmsa, rip) == 0x178, "rip at 0x178");
_Static_assert(__builtin_offsetof(struct sev_vmsa, rsp) == 0x1d8, "rsp at 0x1D8");
_Static_assert(__builtin_offsetof(struct sev_vmsa, rax) == 0x1f8, "rax at 0x1F8");
_Static_assert(__builtin_offsetof(struct sev_vmsa, g_pat) == 0x268, "g_pat at 0x268");
_Static_assert(__builtin_offsetof(struct sev_vmsa, rcx) == 0x308, "rcx at 0x308");
_Static_assert(__builtin_offsetof(struct sev_vmsa, rbx) == 0x318, "rbx at 0x318");
_Static_assert(__builtin_offsetof(struct sev_vmsa, rsi) == 0x330, "rsi at 0x330");
_Static_assert(__builtin_offsetof(struct sev_vmsa, rdi) == 0x338, "rdi at 0x338");
_Static_assert(__builtin_offsetof(struct sev_vmsa, sev_features) == 0x3b0, "sev_features at 0x3B0");
_Static_assert(__builtin_offsetof(struct sev_vmsa, vintr_ctrl) == 0x3b8, "vintr_ctrl at 0x3B8");
_Static_assert(__builtin_offsetof(struct sev_vmsa, xcr0) == 0x3e8, "xcr0 at 0x3E8");
_Static_assert(__builtin_offsetof(struct sev_vmsa, mxcsr) == 0x408, "mxcsr at 0x408");
_Static_assert(__builtin_offsetof(struct sev_vmsa, x87_fcw) == 0x410, "x87 fcw at 0x410");
_Static_assert(sizeof(struct sev_vmsa) == 4096, "a VMSA is one 4 KiB page");

/* vintr_ctrl bits a Secure AVIC AP needs (facts §7.2). */
#define SEV_VMSA_V_GIF        (1ull << 9)
#define SEV_VMSA_V_NMI_ENABLE (1ull << 26)

/* NAE 0x8000_0013 (facts §7.3): SW_EXITINFO1[31:0] the request, VMPL at [19:16], [63:32] the
 * target's APIC ID; SW_EXITINFO2 the VMSA's GPA; RAX its SEV_FEATURES. */
#define SEV_AP_CREATE_ON_INIT 0u
#define SEV_AP_CREATE         1u
#define SEV_AP_DESTROY        2u
static inline uint64_t sev_ap_creation_info1(uint32_t apic_id, unsigned vmpl, unsigned request)
{
	return (uint64_t)apic_id << 32 | (uint64_t)(vmpl & 0xf) << 16 | request;
}

#endif
