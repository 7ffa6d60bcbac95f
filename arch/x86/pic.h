/* SPDX-License-Identifier: MIT */
/* The legacy 8259 interrupt controller pair (PC/AT): masking it before a handoff. */
#ifndef COCOBOOT_ARCH_X86_PIC_H
#define COCOBOOT_ARCH_X86_PIC_H

#include <stdint.h>

/* I/O ports and the masks Linux's real-mode setup writes (arch/x86/boot/pm.c,
 * mask_all_interrupts): every line of the secondary PIC, every line but the
 * cascade (IRQ2) of the primary one. Writing the data port outside an
 * initialisation sequence sets the interrupt mask register (OCW1, Intel 8259A
 * data sheet). */
#define PIC_PRIMARY_DATA    0x21
#define PIC_SECONDARY_DATA  0xa1
#define PIC_PRIMARY_MASK    0xfb
#define PIC_SECONDARY_MASK  0xff

void pic_mask_all(void);

#endif
