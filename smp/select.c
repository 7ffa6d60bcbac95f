// SPDX-License-Identifier: MIT
/*
 * The one place that decides how APs are started on this platform (docs/abi.md §7):
 *
 *   bring-up page offered  the Xen AP bring-up page (§8): slots for every AP, VCPUOP_up
 *                          for each (through the GHCB under SEV-ES), one wait
 *   SEV-ES / SNP           the AP jump table + AP reset hold (§11): the launch VMSA of
 *                          every AP starts in cocoboot's SEV-ES AP area; SNP's AP
 *                          creation (NAE 0x8000_0013) is not implemented: none
 *   plain SEV              INIT-SIPI-SIPI: the trampoline runs private (paging off);
 *                          VCPUOP_initialise would need its context bounced to shared
 *                          memory, which cocoboot does not do
 *   Xen (HVM/PVH)          VCPUOP_initialise + VCPUOP_up: the vCPU starts directly in
 *                          long mode at our entry, no real-mode code, no low memory
 *   anything else          INIT-SIPI-SIPI through the local APIC (QEMU, KVM, ...)
 *
 * smp.method= forces one (tests and benchmarks); one that cannot work here is refused
 * with the reason, and the boot goes on with one CPU.
 */
#include "boot/sev.h"
#include "smp/cpu.h"
#include "xen/xen.h"

static const struct smp_method *page_method(void)
{
	return sev_mode() >= SEV_MODE_ES ? &smp_method_page_es : &smp_method_page;
}

static const struct smp_method *platform_method(const char **why)
{
	if (smp_page_offered())
		return page_method();
	if (sev_mode() == SEV_MODE_SNP) {
		*why = "SEV-SNP: AP creation (NAE 0x8000_0013) is not implemented";
		return NULL;
	}
	if (sev_mode() == SEV_MODE_ES)
		return &smp_method_jumptable;
	if (sev_mode() == SEV_MODE_SEV)
		return &smp_method_sipi;
	if (xen_state.present)
		return &smp_method_vcpuop;
	return &smp_method_sipi;
}

const struct smp_method *smp_select(enum smp_method_choice choice, const char **why)
{
	bool es = sev_mode() >= SEV_MODE_ES;

	switch (choice) {
	case SMP_METHOD_AUTO:
		return platform_method(why);
	case SMP_METHOD_PAGE:
		if (smp_page_offered())
			return page_method();
		*why = "smp.method=page: no bring-up page in the memory map (type 0xf0000010)";
		return NULL;
	case SMP_METHOD_JUMPTABLE:
		if (sev_mode() == SEV_MODE_ES)
			return &smp_method_jumptable;
		*why = "smp.method=jumptable: needs SEV-ES (not SNP)";
		return NULL;
	case SMP_METHOD_SIPI:
		if (!es)
			return &smp_method_sipi;
		*why = "smp.method=sipi: under SEV-ES the hypervisor cannot set an AP's registers";
		return NULL;
	case SMP_METHOD_VCPUOP:
		if (xen_state.present && sev_mode() == SEV_MODE_NONE)
			return &smp_method_vcpuop;
		*why = "smp.method=vcpuop: needs Xen without SEV";
		return NULL;
	}
	*why = "unknown method";
	return NULL;
}
