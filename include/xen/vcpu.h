/* SPDX-License-Identifier: MIT */
/*
 * VCPUOP and the HVM/PVH vCPU start state.
 *
 * Source: xen/include/public/vcpu.h (VCPUOP_* numbers; VCPUOP_initialise takes a
 * struct vcpu_hvm_context for HVM/PVH guests, is accepted once per vCPU and leaves
 * it down; VCPUOP_is_up returns 1/0 and -ENOENT beyond the last vCPU),
 * xen/include/public/hvm/hvm_vcpu.h (struct vcpu_hvm_context, VCPU_HVM_MODE_*),
 * xen/arch/x86/hvm/domain.c arch_set_info_hvm_guest (64B mode: RIP canonical,
 * CR0.PG, CR4.PAE and EFER.LME required; Xen loads flat CS/DS/SS/ES and a TR, but
 * not GDTR or IDTR); facts §2.4-2.6.
 */
#ifndef COCOBOOT_XEN_VCPU_H
#define COCOBOOT_XEN_VCPU_H

#include <stddef.h>
#include <stdint.h>

#define VCPUOP_initialise 0
#define VCPUOP_up         1
#define VCPUOP_down       2
#define VCPUOP_is_up      3

#define VCPU_HVM_MODE_32B 0
#define VCPU_HVM_MODE_64B 1

struct vcpu_hvm_x86_64 {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t rip, rflags;
	uint64_t cr0, cr3, cr4;
	uint64_t efer;
};

struct vcpu_hvm_context {
	uint32_t mode; /* VCPU_HVM_MODE_* */
	uint32_t pad;  /* must be 0 (-EINVAL otherwise) */
	union {
		struct vcpu_hvm_x86_64 x86_64;
		uint8_t x86_32[120]; /* the 32-bit layout, unused here */
	} cpu_regs;
};

_Static_assert(offsetof(struct vcpu_hvm_context, cpu_regs) == 0x08, "hvm_vcpu.h");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rsp) == 0x20, "hvm_vcpu.h");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rdi) == 0x38, "hvm_vcpu.h");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rip) == 0x40, "hvm_vcpu.h");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, rflags) == 0x48, "hvm_vcpu.h");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, cr0) == 0x50, "hvm_vcpu.h");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, cr3) == 0x58, "hvm_vcpu.h");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, cr4) == 0x60, "hvm_vcpu.h");
_Static_assert(offsetof(struct vcpu_hvm_x86_64, efer) == 0x68, "hvm_vcpu.h");
_Static_assert(sizeof(struct vcpu_hvm_context) == 128, "hvm_vcpu.h");

#endif
