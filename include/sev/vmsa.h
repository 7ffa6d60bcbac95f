/* SPDX-License-Identifier: MIT */
/*
 * The VMSA (SEV-ES save area) fields a launch VMSA sets, at the offsets of
 * ../shared/docs/amd-sev-facts.md §7.1 (Linux svm.h struct sev_es_save_area,
 * cross-checked there with SVSM, edk2 and another guest). One 4 KiB page;
 * every field not named here is zero at launch.
 */
#ifndef COCOBOOT_SEV_VMSA_H
#define COCOBOOT_SEV_VMSA_H

#include <stdint.h>

struct vmsa_seg {
	uint16_t selector;
	uint16_t attrib;      /* VMCB format: descriptor bits 40-47, then 52-55 (facts §7.1) */
	uint32_t limit;
	uint64_t base;
};
_Static_assert(sizeof(struct vmsa_seg) == 16, "VMSA segment is 16 bytes (facts §7.1)");

#define VMSA_SIZE          4096
#define VMSA_ES            0x000
#define VMSA_CS            0x010
#define VMSA_SS            0x020
#define VMSA_DS            0x030
#define VMSA_FS            0x040
#define VMSA_GS            0x050
#define VMSA_GDTR          0x060
#define VMSA_LDTR          0x070
#define VMSA_IDTR          0x080
#define VMSA_TR            0x090
#define VMSA_EFER          0x0d0
#define VMSA_CR4           0x148
#define VMSA_CR3           0x150
#define VMSA_CR0           0x158
#define VMSA_DR7           0x160
#define VMSA_DR6           0x168
#define VMSA_RFLAGS        0x170
#define VMSA_RIP           0x178
#define VMSA_RSP           0x1d8
#define VMSA_RAX           0x1f8
#define VMSA_G_PAT         0x268
#define VMSA_RCX           0x308
#define VMSA_RDX           0x310
#define VMSA_RBX           0x318
#define VMSA_RBP           0x328
#define VMSA_RSI           0x330
#define VMSA_RDI           0x338
#define VMSA_SEV_FEATURES  0x3b0
#define VMSA_XCR0          0x3e8
#define VMSA_MXCSR         0x408 /* u32 */
#define VMSA_X87_FCW       0x410 /* u16 */

_Static_assert(VMSA_TR + sizeof(struct vmsa_seg) == 0xa0, "segments end at 0xA0 (facts §7.1)");

#endif
