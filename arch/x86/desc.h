/* SPDX-License-Identifier: MIT */
/* Descriptor tables: GDT with a TSS, the IDT, and the trap frame. */
#ifndef COCOBOOT_ARCH_X86_DESC_H
#define COCOBOOT_ARCH_X86_DESC_H

#include <stdint.h>

/* Selectors; boot/entry32.asm uses the same values before C runs. */
#define SEL_CODE32 0x08
#define SEL_DATA   0x10
#define SEL_CODE64 0x18
#define SEL_TSS    0x20

/* IST slots (1-based, as in the IDT gate). */
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3
#define IST_VC  4
#define IST_STACK_SIZE 8192

#define NR_EXCEPTIONS 32
#define VEC_DE 0
#define VEC_DB 1
#define VEC_NMI 2
#define VEC_BP 3
#define VEC_UD 6
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14
#define VEC_MC 18
#define VEC_VC 29
/* Interrupt vectors (docs/abi.md §12): the local APIC's, used under Secure AVIC. The IDT
 * covers 0..VEC_IRQ_LAST; IPI vectors are never in ALLOWED_IRR (the hypervisor cannot
 * inject them), the timer's is. */
#define VEC_IRQ_FIRST  0xec
#define VEC_IPI_WAKE   0xec /* an IPI that only wakes the target (HLT loops) */
#define VEC_IPI_TEST   0xed /* the boot's self IPI (apic/savic.c check) */
#define VEC_TIMER      0xee /* the LAPIC timer, emulated by the hypervisor */
#define VEC_SPURIOUS   0xef
#define VEC_IRQ_LAST   0xef
#define NR_IRQ_STUBS   (VEC_IRQ_LAST - VEC_IRQ_FIRST + 1)

/* Layout pushed by arch/x86/traps.asm; keep both in step. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap frame layout");

/* A handler returns to the interrupted code when it returns; it may edit *f. */
typedef void (*trap_handler_t)(struct trap_frame *f);

/* Runs around every handler: enter() before it (its result is handed to leave() after it).
 * ghcb/sev_es.c moves the #VC IST stack with it, for a #VC raised while a handler runs. */
struct trap_nest_hook {
	uint64_t (*enter)(const struct trap_frame *f);
	void (*leave)(uint64_t saved);
};
void trap_set_nest_hook(const struct trap_nest_hook *hook);

void desc_init_bsp(void);

/* An AP's own GDT and TSS: LTR marks the TSS descriptor busy, so every CPU needs
 * its own; the IDT is shared. */
struct desc_cpu {
	uint64_t gdt[6];
	uint8_t tss[104] __attribute__((aligned(16)));
} __attribute__((aligned(16)));
/* Load this CPU's GDT (reloading every segment), its TSS with the given IST
 * stack tops (IST1-4: #DF, NMI, #MC, #VC) and the shared IDT. */
void desc_init_ap(struct desc_cpu *d, const uint64_t ist_top[4]);
/* Point IST slot ist (1-based) of the BSP's TSS at a new stack top: the next event through
 * a gate that names this slot starts there (ghcb/sev_es.c moves the #VC stack while #VC
 * runs; APs use desc_tss_set_ist with their own TSS). */
void desc_set_ist(unsigned ist, uint64_t top);
/* The same for any CPU's TSS (struct desc_cpu.tss; NULL: the BSP's). */
void desc_tss_set_ist(void *tss, unsigned ist, uint64_t top);
void trap_set_handler(unsigned vector, trap_handler_t h);
const char *trap_name(unsigned vector);
/* Termination reason of an unhandled exception (docs/abi.md). */
#define TRAP_CRASH_REASON 0x20 /* BOOT_ERR_CRASH */

/* Print a crash report for f and end the boot as failed. */
__attribute__((noreturn)) void trap_crash(struct trap_frame *f, const char *why);

#endif
