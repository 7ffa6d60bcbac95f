/* SPDX-License-Identifier: MIT */
/*
 * Secure AVIC (SEV-SNP): the SAVIC_CONTROL MSR, the guest APIC backing page and the
 * register/unregister event. Sources: ../shared/docs/amd-sev-facts.md §1.1 (SEV_STATUS
 * bit 18), §1.2 (control MSR), §8.1 (page layout: x2APIC registers at their xAPIC MMIO
 * offsets, ALLOWED_IRR beside IRR, NMI request at 0x278), §8.3 (NAE 0x8000_001A).
 */
#ifndef COCOBOOT_SEV_SAVIC_H
#define COCOBOOT_SEV_SAVIC_H

#include <stddef.h>
#include <stdint.h>

/* facts §1.2: never intercepted; bits 11:2 reserved; [63:12] = backing page GPA */
#define MSR_SAVIC_CONTROL       0xc0010138u
#define SAVIC_CONTROL_EN        (1ull << 0)
#define SAVIC_CONTROL_ALLOW_NMI (1ull << 1)

/* facts §8.3: sw_exit_info_1 0 = register (RBX = GPA), 1 = unregister (RBX = old GPA
 * back); RAX = ~0 names the calling vCPU */
#include "sev/exit_codes.h"  /* SVM_VMGEXIT_SAVIC 0x8000_001A, SVM_EXIT_AVIC_* 0x401/0x402 */
#define SVM_VMGEXIT_SAVIC_REGISTER   0u
#define SVM_VMGEXIT_SAVIC_UNREGISTER 1u
#define SVM_VMGEXIT_SAVIC_SELF       (~0ull)

/* One 32-bit register every 16 bytes (the xAPIC layout); vector registers are 8 of them. */
struct savic_reg {
	uint32_t val;
	uint32_t pad[3];
};
/* IRR words carry the ALLOWED_IRR word in their second dword (facts §8.1: 0x204 + 16 i) */
struct savic_irr {
	uint32_t irr;
	uint32_t allowed;
	uint32_t extra;     /* irr[7].extra: the NMI request (0x278) */
	uint32_t pad;
};

struct savic_page {
	uint8_t  pad_000[0x020];
	struct savic_reg id;          /* 0x020 */
	struct savic_reg lvr;         /* 0x030 */
	uint8_t  pad_040[0x080 - 0x040];
	struct savic_reg tpr;         /* 0x080 */
	struct savic_reg apr;         /* 0x090 */
	struct savic_reg ppr;         /* 0x0A0 */
	struct savic_reg eoi;         /* 0x0B0 */
	uint8_t  pad_0c0[0x100 - 0x0c0];
	struct savic_reg isr[8];      /* 0x100 */
	struct savic_reg tmr[8];      /* 0x180 */
	struct savic_irr irr[8];      /* 0x200, ALLOWED_IRR at 0x204; NMI_REQ = irr[7].extra */
	uint8_t  pad_280[0x300 - 0x280];
	uint64_t icr;                 /* 0x300 */
	uint8_t  pad_308[0x1000 - 0x308];
} __attribute__((aligned(4096)));

#define SAVIC_NMI_REQ_OFFSET 0x278u   /* facts §8.1: bit 0 = NMI requested (inside irr[7]) */

_Static_assert(sizeof(struct savic_page) == 4096, "facts §8.1: one 4 KiB page");
_Static_assert(offsetof(struct savic_page, id) == 0x020, "facts §8.1: APIC ID");
_Static_assert(offsetof(struct savic_page, tpr) == 0x080, "facts §8.1: TPR");
_Static_assert(offsetof(struct savic_page, ppr) == 0x0a0, "facts §8.1: PPR");
_Static_assert(offsetof(struct savic_page, isr) == 0x100, "facts §8.1: ISR0");
_Static_assert(offsetof(struct savic_page, tmr) == 0x180, "facts §8.1: TMR0");
_Static_assert(offsetof(struct savic_page, irr) == 0x200, "facts §8.1: IRR0");
_Static_assert(offsetof(struct savic_page, irr[0].allowed) == 0x204, "facts §8.1: ALLOWED_IRR0");
_Static_assert(offsetof(struct savic_page, irr[7].allowed) == 0x274, "facts §8.1: ALLOWED_IRR7");
_Static_assert(offsetof(struct savic_page, irr[7].extra) == SAVIC_NMI_REQ_OFFSET,
	       "facts §8.1: NMI request at 0x278");
_Static_assert(offsetof(struct savic_page, icr) == 0x300, "facts §8.1: ICR (64-bit)");

#endif
