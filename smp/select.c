// SPDX-License-Identifier: MIT
/*
 * The one place that decides how APs are started on this platform.
 *
 *   SEV-ES / SNP      none yet: the hypervisor cannot set an AP's state after
 *                     launch (its VMSA is encrypted); the Xen AP bring-up page
 *                     (docs/abi.md) and the AP jump table come with sevsim's
 *                     multi-vCPU model (issue 11)
 *   Xen (HVM/PVH)     VCPUOP_initialise + VCPUOP_up: the vCPU starts directly in
 *                     long mode at our entry, no real-mode code, no low memory
 *   anything else     INIT-SIPI-SIPI through the local APIC (QEMU, KVM, ...)
 */
#include "boot/sev.h"
#include "lib/console.h"
#include "smp/cpu.h"
#include "xen/xen.h"

const struct smp_method *smp_select(const char **why)
{
	if (sev_mode() >= SEV_MODE_ES) {
		*why = "SEV-ES/SNP: no AP bring-up method yet (the bring-up page and the AP jump "
		       "table are not implemented)";
		return NULL;
	}
	if (sev_mode() != SEV_MODE_NONE) {
		*why = "SEV: INIT-SIPI-SIPI under SEV is not tested yet";
		return NULL;
	}
	if (xen_state.present) {
		/* xenpage: the AP bring-up page when Xen offers a usable one; a page
		 * that fails a check is refused (named) and VCPUOP_initialise is used. */
		char err[200];
		bool found;

		if (smp_bringup_probe(smp_info, 0, &found, err, sizeof(err)))
			return &smp_method_bringup;
		if (found)
			log_warn("cocoboot: smp: Xen AP bring-up page refused: %s; "
				 "using VCPUOP_initialise instead\n", err);
		return &smp_method_vcpuop;
	}
	return &smp_method_sipi;
}
