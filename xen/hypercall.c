// SPDX-License-Identifier: MIT
/*
 * Hypercall transports (include/xen/hypercall.h). The 64-bit HVM calling convention
 * is the same for all of them: RAX = number, arguments in RDI, RSI, RDX, R10, R8,
 * result in RAX; Xen may clobber the argument registers (a debug Xen poisons them),
 * so they are in/out operands here. Sources: docs/guest-guide/x86/hypercall-abi.rst,
 * facts §2.2.
 */
#include "xen/hypercall.h"

#include <stddef.h>

#include "arch/x86/cpu.h"

/*
 * The hypercall page: Xen writes one 32-byte stub per hypercall into it when the guest
 * writes the page's address to the MSR from CPUID base+2 (xen/arch/x86/msr.c
 * guest_wrmsr_xen; svm_init_hypercall_page / vmx_init_hypercall_page). It lives in
 * .text so that it is executable whatever the data mappings are; Xen fills it through
 * the guest's physical memory, not through our page tables. Until then it is int3.
 */
__asm__(".pushsection .text.xen_hypercall_page, \"ax\", @progbits\n"
	".balign 4096\n"
	".globl xen_hypercall_page\n"
	"xen_hypercall_page:\n"
	".fill 4096, 1, 0xcc\n"
	".popsection\n");
extern uint8_t xen_hypercall_page[4096];

void xen_hypercall_page_init(uint32_t msr)
{
	wrmsr(msr, (uint64_t)(uintptr_t)xen_hypercall_page);
}

static long page_call(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		      uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	const uint8_t *stub = xen_hypercall_page + (size_t)nr * XEN_HYPERCALL_STUB_SIZE;
	long ret;

	/* The stub sets EAX itself: "mov eax, nr; vmmcall (or vmcall); ret". */
	__asm__ volatile("call *%[stub]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			 : [stub] "r"(stub)
			 : "memory", "rcx", "r9", "r11");
	return ret;
}

static long vmmcall_call(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
			 uint64_t a4, uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	long ret = nr;

	__asm__ volatile("vmmcall"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			 :
			 : "memory", "rcx", "r9", "r11");
	return ret;
}

static long vmcall_call(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	long ret = nr;

	__asm__ volatile("vmcall"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			 :
			 : "memory", "rcx", "r9", "r11");
	return ret;
}

const struct xen_transport xen_transport_page = { .name = "hypercall page", .call = page_call };
const struct xen_transport xen_transport_vmmcall = { .name = "vmmcall", .call = vmmcall_call };
const struct xen_transport xen_transport_vmcall = { .name = "vmcall", .call = vmcall_call };

static const struct xen_transport *transport;

void xen_set_transport(const struct xen_transport *t)
{
	transport = t;
}

const struct xen_transport *xen_get_transport(void)
{
	return transport;
}

long xen_hypercall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		   uint64_t a5)
{
	if (!transport)
		return -XEN_ENOSYS;
	return transport->call(nr, a1, a2, a3, a4, a5);
}
