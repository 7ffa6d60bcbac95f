// SPDX-License-Identifier: MIT
/*
 * What every AP does in C, whichever method started it: report that it runs,
 * load its own GDT/TSS/IDT, check that it is the CPU it was started as, report
 * online, then either halt until smp_park()'s INIT takes it (after the BSP's
 * check, when the method asks for that: struct smp_method.hold_for_check) or,
 * under SEV-ES, leave at once for the AP reset hold (docs/abi.md §11).
 *
 * Under SEV-ES nothing before desc_init_ap() may raise #VC (no IDT yet); after it
 * the AP's own #VC core and GHCB serve it (ghcb/sev_es.c). Every check that would
 * exit to the hypervisor is skipped where the start path already proved the identity:
 * the goal is at most two VMGEXITs per AP on the bring-up path.
 */
#include "apic/savic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/power.h"
#include "lib/console.h"
#include "smp/cpu.h"
#include "xen/xen.h"

static void report(struct smp_cpu *c, uint32_t state)
{
	__atomic_store_n(&c->state, state, __ATOMIC_RELEASE);
}

/* Xen says which vCPU this is in its leaf base+4 EBX when the flag is set. */
static bool xen_vcpu_id(uint32_t *id)
{
	if (!xen_state.present || !(xen_state.cpuid.hvm_features & XEN_HVM_CPUID_VCPU_ID_PRESENT))
		return false;
	*id = cpuid(xen_state.cpuid.base + 4).ebx;
	return true;
}

__attribute__((noreturn)) static void wrong_id(struct smp_cpu *c, uint64_t id)
{
	c->report = id;
	report(c, SMP_STATE_ERR_ID);
	cpu_halt_forever();
}

void smp_ap_main(struct smp_cpu *c, uint64_t rsi)
{
	report(c, SMP_STATE_ENTERED);
	if (c->stuck)
		cpu_halt_forever();
	desc_init_ap(&c->desc, c->ist_top);
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	if (smp_active_method->ap_setup)
		smp_active_method->ap_setup(c);
	savic_ap_init(c->index); /* Secure AVIC on this AP when the BSP has it (§12) */

	if (c->rsi_is_vcpu && rsi != c->vcpu_id)
		wrong_id(c, rsi);
	if (!c->identified && !c->rsi_is_vcpu) {
		uint32_t apic_id = lapic_id(&smp_lapic);
		uint32_t vcpu;

		if (apic_id != c->apic_id)
			wrong_id(c, apic_id);
		if (xen_vcpu_id(&vcpu) && vcpu != c->vcpu_id)
			wrong_id(c, vcpu);
	}
	log_debug("cocoboot: smp: CPU %u (APIC ID %#x) online\n", c->index, c->apic_id);
	if (smp_active_method->ap_online)
		smp_active_method->ap_online(c);
	report(c, SMP_STATE_ONLINE);
	if (smp_active_method->park_at_once)
		smp_es_park(&c->state);
	if (smp_active_method->ap_work)
		smp_ap_work_loop(c);
	while (!__atomic_load_n(&smp_aps_may_halt, __ATOMIC_ACQUIRE))
		cpu_pause();
	savic_ap_teardown(); /* no Secure AVIC state survives on this CPU (§12) */
	cpu_halt_forever();
}
