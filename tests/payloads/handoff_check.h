/* SPDX-License-Identifier: MIT */
/*
 * Handoff checker: verifies, from outside the guest, that the machine state at
 * a payload's first instruction is what the payload's ABI promises:
 *  - PVH entry (facts §1.2, §1.3): 32-bit protected mode, paging off, flat
 *    segments, EBX = a sane hvm_start_info (memory map, command line, modules);
 *  - Linux 64-bit entry (facts §4.3, §4.9): long mode, __BOOT_CS/__BOOT_DS,
 *    interrupts off, RSI = a sane boot_params, RIP = load address + 0x200,
 *    the entry, boot_params and command line identity mapped.
 * Pure host C over a register snapshot and a guest-physical memory reader, so
 * a simulator (sevsim) can call it when a vCPU reaches the payload entry, and
 * unit tests can feed it good and bad states. Each check is one claim line.
 */
#ifndef COCOBOOT_TESTS_HANDOFF_CHECK_H
#define COCOBOOT_TESTS_HANDOFF_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A segment register as the CPU holds it. ar uses the layout of Xen's
 * vcpu_hvm_context (facts §1.2): bits 0-3 type, 4 S, 5-6 DPL, 7 P, 8 AVL,
 * 9 L, 10 D/B, 11 G. limit is the byte limit (granularity applied). */
struct handoff_seg {
	uint16_t sel;
	uint64_t base;
	uint32_t limit;
	uint16_t ar;
};

struct handoff_regs {
	uint64_t rip, rsp, rax, rbx, rcx, rdx, rsi, rdi, rflags;
	uint64_t cr0, cr3, cr4, efer;
	struct handoff_seg cs, ds, es, ss, tr;
	bool seg_valid;      /* false: the segment fields are unknown, skip them */
};

/* Read len bytes of guest-physical memory (plaintext); false if unreadable. */
typedef bool (*handoff_read_fn)(void *opaque, uint64_t pa, void *dst, size_t len);

struct handoff_report {
	unsigned checks, failures;
	size_t len;
	char text[8192];     /* "ok - claim" / "FAIL - claim (detail)" lines */
};

struct handoff_env {
	handoff_read_fn read;
	void *opaque;
	uint64_t pte_addr_mask;  /* address bits of a PTE (C-bit excluded); 0: bits 12..51 */
};

/* expect_entry: the payload entry the caller expects (PHYS32_ENTRY for PVH),
 * or 0 to skip that claim. Return the number of failed checks. */
unsigned handoff_check_pvh(const struct handoff_env *env, const struct handoff_regs *r,
			   uint64_t expect_entry, struct handoff_report *rep);
unsigned handoff_check_linux64(const struct handoff_env *env, const struct handoff_regs *r,
			       struct handoff_report *rep);

/* Walk the 4-level tables at cr3 for va. Returns false when not mapped. */
bool handoff_translate(const struct handoff_env *env, uint64_t cr3, uint64_t va, uint64_t *pa);

#endif
