// SPDX-License-Identifier: MIT
/*
 * Crash report for an unhandled exception: what happened, where, the whole
 * register file and the return addresses on the frame-pointer chain.
 */
#include <stdint.h>

#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "arch/x86/power.h"
#include "lib/console.h"

static const char *const names[NR_EXCEPTIONS] = {
	[0] = "#DE Divide Error",        [1] = "#DB Debug",
	[2] = "NMI",                      [3] = "#BP Breakpoint",
	[4] = "#OF Overflow",             [5] = "#BR BOUND Range",
	[6] = "#UD Invalid Opcode",       [7] = "#NM Device Not Available",
	[8] = "#DF Double Fault",         [9] = "Coprocessor Segment Overrun",
	[10] = "#TS Invalid TSS",         [11] = "#NP Segment Not Present",
	[12] = "#SS Stack Fault",         [13] = "#GP General Protection",
	[14] = "#PF Page Fault",          [15] = "Reserved 15",
	[16] = "#MF x87 FP Error",        [17] = "#AC Alignment Check",
	[18] = "#MC Machine Check",       [19] = "#XM SIMD FP Exception",
	[20] = "#VE Virtualization",      [21] = "#CP Control Protection",
	[22] = "Reserved 22",             [23] = "Reserved 23",
	[24] = "Reserved 24",             [25] = "Reserved 25",
	[26] = "Reserved 26",             [27] = "Reserved 27",
	[28] = "#HV Hypervisor Injection", [29] = "#VC VMM Communication",
	[30] = "#SX Security Exception",  [31] = "Reserved 31",
};

extern const uint8_t __image_start[], __image_end[];

const char *trap_name(unsigned vector)
{
	return vector < NR_EXCEPTIONS ? names[vector] : "external interrupt";
}

static int in_crash;

static void print_backtrace(uint64_t rbp)
{
	cprintf("  call trace (frame pointers):\n");
	/* Follow saved frame pointers only while they stay inside the image
	 * (stacks live in .bss) and go up; a corrupt chain ends the walk. */
	for (int depth = 0; depth < 8; depth++) {
		if (rbp < (uint64_t)(uintptr_t)__image_start ||
		    rbp + 16 > (uint64_t)(uintptr_t)__image_end || (rbp & 7))
			break;
		const uint64_t *fp = (const uint64_t *)(uintptr_t)rbp;

		cprintf("    [%d] %016llx\n", depth, (unsigned long long)fp[1]);
		if (fp[0] <= rbp)
			break;
		rbp = fp[0];
	}
}

void trap_crash(struct trap_frame *f, const char *why)
{
	if (in_crash++) {
		/* A fault while reporting: do not recurse, just stop. */
		power_off(POWER_FAILURE, TRAP_CRASH_REASON);
	}
	console_set_level(LOG_DEBUG);
	cprintf("\ncocoboot: FATAL: %s: exception %s (vector %llu) error_code=%#llx\n", why,
		trap_name((unsigned)f->vector), (unsigned long long)f->vector,
		(unsigned long long)f->error_code);
	cprintf("  RIP=%016llx CS=%04llx RFLAGS=%016llx\n", (unsigned long long)f->rip,
		(unsigned long long)f->cs, (unsigned long long)f->rflags);
	cprintf("  RSP=%016llx SS=%04llx\n", (unsigned long long)f->rsp, (unsigned long long)f->ss);
	cprintf("  CR0=%016llx CR2=%016llx CR3=%016llx CR4=%016llx\n",
		(unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	cprintf("  RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n",
		(unsigned long long)f->rax, (unsigned long long)f->rbx,
		(unsigned long long)f->rcx, (unsigned long long)f->rdx);
	cprintf("  RSI=%016llx RDI=%016llx RBP=%016llx\n", (unsigned long long)f->rsi,
		(unsigned long long)f->rdi, (unsigned long long)f->rbp);
	cprintf("  R8 =%016llx R9 =%016llx R10=%016llx R11=%016llx\n",
		(unsigned long long)f->r8, (unsigned long long)f->r9,
		(unsigned long long)f->r10, (unsigned long long)f->r11);
	cprintf("  R12=%016llx R13=%016llx R14=%016llx R15=%016llx\n",
		(unsigned long long)f->r12, (unsigned long long)f->r13,
		(unsigned long long)f->r14, (unsigned long long)f->r15);
	print_backtrace(f->rbp);
	cprintf("cocoboot: boot failed\n");
	power_off(POWER_FAILURE, TRAP_CRASH_REASON);
}
