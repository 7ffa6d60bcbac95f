/* SPDX-License-Identifier: MIT */
/*
 * Xen hypercalls for an HVM/PVH guest: numbers, the 64-bit calling convention and the
 * transport interface.
 *
 * Source: xen/include/public/xen.h (__HYPERVISOR_* numbers), docs/guest-guide/x86/
 * hypercall-abi.rst (RAX = number; arguments RDI, RSI, RDX, R10, R8; result in RAX as
 * a negative errno on failure; the hypercall page is optional), xen/arch/x86/hvm/svm/
 * svm.c svm_init_hypercall_page (32-byte stubs "mov eax, nr; vmmcall; ret"), ../shared/
 * docs/xen-pvh-linux-boot-facts.md §2.2-2.4.
 *
 * A transport is the one thing that differs between ways of reaching Xen: the hypercall
 * page, a plain VMCALL/VMMCALL, and (SEV-ES/SNP) a VMGEXIT through the GHCB. Every
 * xen_* wrapper goes through the current transport, so a new path is one more
 * struct xen_transport, not a copy of the calls.
 */
#ifndef COCOBOOT_XEN_HYPERCALL_H
#define COCOBOOT_XEN_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

/* xen.h: __HYPERVISOR_* (the ones an HVM/PVH guest may use; facts §2.3). */
#define __HYPERVISOR_memory_op        12
#define __HYPERVISOR_multicall        13
#define __HYPERVISOR_set_timer_op     15
#define __HYPERVISOR_xen_version      17
#define __HYPERVISOR_console_io       18
#define __HYPERVISOR_grant_table_op   20
#define __HYPERVISOR_vm_assist        21
#define __HYPERVISOR_vcpu_op          24
#define __HYPERVISOR_sched_op         29
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op       33
#define __HYPERVISOR_hvm_op           34

/* Negative errno values Xen returns (xen/include/public/errno.h). */
#define XEN_EPERM   1
#define XEN_ENOENT  2
#define XEN_EINVAL  22
#define XEN_ENOSYS  38

/* Size of one stub in the hypercall page; the page holds 4096 / 32 = 128 of them. */
#define XEN_HYPERCALL_STUB_SIZE 32

struct xen_transport {
	const char *name; /* for the boot log: "page", "vmmcall", "vmcall", "ghcb" */
	/* The hypervisor cannot read guest memory (SEV): only the pointer arguments
	 * the transport bounces (console_io write, sched_op) reach it. */
	bool private_memory;
	/* Issue hypercall nr with up to five arguments; returns Xen's RAX. Pointer
	 * arguments are guest linear addresses (hvm.c copy_from_user_hvm). */
	long (*call)(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		     uint64_t a5);
};

/* Built-in transports (xen/hypercall.c). */
extern const struct xen_transport xen_transport_page;    /* needs xen_hypercall_page_init */
extern const struct xen_transport xen_transport_vmmcall; /* AMD SVM */
extern const struct xen_transport xen_transport_vmcall;  /* Intel VMX */

void xen_set_transport(const struct xen_transport *t);
const struct xen_transport *xen_get_transport(void);
/* Ask Xen to fill the hypercall page through the MSR from CPUID base+2 (EBX);
 * then xen_transport_page works. */
void xen_hypercall_page_init(uint32_t msr);

long xen_hypercall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		   uint64_t a5);

static inline long xen_hvm_op(unsigned int op, void *arg)
{
	return xen_hypercall(__HYPERVISOR_hvm_op, op, (uint64_t)(uintptr_t)arg, 0, 0, 0);
}

static inline long xen_sched_op(unsigned int cmd, void *arg)
{
	return xen_hypercall(__HYPERVISOR_sched_op, cmd, (uint64_t)(uintptr_t)arg, 0, 0, 0);
}

static inline long xen_event_channel_op(unsigned int cmd, void *arg)
{
	return xen_hypercall(__HYPERVISOR_event_channel_op, cmd, (uint64_t)(uintptr_t)arg, 0,
			     0, 0);
}

static inline long xen_version_op(unsigned int cmd, void *arg)
{
	return xen_hypercall(__HYPERVISOR_xen_version, cmd, (uint64_t)(uintptr_t)arg, 0, 0, 0);
}

/* XENVER_* (xen/include/public/version.h). XENVER_version returns major << 16 | minor. */
#define XENVER_version      0
#define XENVER_extraversion 1

#endif
