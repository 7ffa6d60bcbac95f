// SPDX-License-Identifier: MIT
/*
 * The one place that decides how APs are started on this platform (docs/abi.md §7):
 *
 *   SEV-SNP                AP creation (NAE 0x8000_0013, §13): a VMSA page per AP built
 *                          by cocoboot, when the hypervisor offers it (feature bit 1);
 *                          without it: none (a bring-up page is not used under SNP)
 *   bring-up page offered  the Xen AP bring-up page (§8): slots for every AP, VCPUOP_up
 *                          for each (through the GHCB under SEV-ES), one wait
 *   SEV-ES                 the AP jump table + AP reset hold (§11): the launch VMSA of
 *                          every AP starts in cocoboot's SEV-ES AP area
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
#include "sev/msr_protocol.h"
#include "snp/snp.h"
#include "xen/xen.h"

static const struct smp_method *page_method(void)
{
	return sev_mode() >= SEV_MODE_ES ? &smp_method_page_es : &smp_method_page;
}

/* SEV-SNP: AP creation, when the hypervisor features offer it (facts §7.3: bits 0 and 1). */
static const struct smp_method *snp_method(const char **why)
{
	if (snp_hv_features() & GHCB_HV_FT_SNP_AP_CREATION)
		return &smp_method_snp;
	*why = "SEV-SNP: the hypervisor does not offer AP creation (feature bit 1)";
	return NULL;
}

static const struct smp_method *platform_method(const char **why)
{
	if (sev_mode() == SEV_MODE_SNP)
		return snp_method(why);
	if (smp_page_offered())
		return page_method();
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
		if (sev_mode() == SEV_MODE_SNP) {
			*why = "smp.method=page: under SEV-SNP cocoboot starts APs by AP creation";
			return NULL;
		}
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
	case SMP_METHOD_SNP:
		if (sev_mode() == SEV_MODE_SNP)
			return snp_method(why);
		*why = "smp.method=snp: needs SEV-SNP";
		return NULL;
	}
	*why = "unknown method";
	return NULL;
}
