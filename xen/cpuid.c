// SPDX-License-Identifier: MIT
/*
 * Finding Xen through its CPUID leaves (xen/include/public/arch-x86/cpuid.h; facts
 * §2.1). Xen's leaves start at 0x40000000, or 0x40000100 when it also offers Viridian
 * (Hyper-V) leaves at 0x40000000; search every 0x100 up to 0x4000ff00 like Linux and
 * GRUB do. Pure C over a CPUID callback, so it also runs in host tests.
 */
#include "xen/xen.h"

bool xen_cpuid_detect(xen_cpuid_fn cpuid, struct xen_cpuid_info *out)
{
	uint32_t r[4];

	/* CPUID 1 ECX[31]: "running under a hypervisor". Without it, leaves
	 * 0x40000000.. are not hypervisor leaves (Intel returns the highest basic leaf). */
	cpuid(1, r);
	if (!(r[2] & (1u << 31)))
		return false;

	for (uint32_t base = XEN_CPUID_FIRST; base <= XEN_CPUID_LAST; base += XEN_CPUID_STEP) {
		cpuid(base, r);
		if (r[1] != XEN_CPUID_SIG_EBX || r[2] != XEN_CPUID_SIG_ECX ||
		    r[3] != XEN_CPUID_SIG_EDX)
			continue;
		/* The hypercall leaf (base + 2) must exist. */
		if (r[0] < base + 2 || r[0] > base + 0xff)
			continue;
		*out = (struct xen_cpuid_info){ .base = base, .max_leaf = r[0] };
		cpuid(base + 1, r);
		out->major = (uint16_t)(r[0] >> 16);
		out->minor = (uint16_t)r[0];
		cpuid(base + 2, r);
		out->hypercall_pages = r[0];
		out->hypercall_msr = r[1];
		if (out->max_leaf >= base + 4) {
			cpuid(base + 4, r);
			out->hvm_features = r[0];
			if (r[0] & XEN_HVM_CPUID_VCPU_ID_PRESENT)
				out->vcpu_id = r[1];
			if (r[0] & XEN_HVM_CPUID_DOMID_PRESENT)
				out->domid = r[2];
		}
		return true;
	}
	return false;
}
