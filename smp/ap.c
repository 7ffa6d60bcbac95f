// SPDX-License-Identifier: MIT
/*
 * What every AP does in C, whichever method started it: report that it runs,
 * load its own GDT/TSS/IDT, check that it is the CPU it was started as, report
 * online, and halt until smp_park()'s INIT takes it (after the BSP's check,
 * when the method asks for that: struct smp_method.hold_for_check).
 */
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

void smp_ap_main(struct smp_cpu *c)
{
	report(c, SMP_STATE_ENTERED);
	if (c->stuck)
		cpu_halt_forever();
	desc_init_ap(&c->desc, c->ist_top);
	wrmsr(MSR_GS_BASE, (uintptr_t)c);

	uint32_t apic_id = lapic_id(&smp_lapic);
	uint32_t vcpu;

	if (apic_id != c->apic_id) {
		c->report = apic_id;
		report(c, SMP_STATE_ERR_ID);
		cpu_halt_forever();
	}
	if (xen_vcpu_id(&vcpu) && vcpu != c->vcpu_id) {
		c->report = vcpu;
		report(c, SMP_STATE_ERR_ID);
		cpu_halt_forever();
	}
	log_debug("cocoboot: smp: CPU %u (APIC ID %#x) online\n", c->index, apic_id);
	report(c, SMP_STATE_ONLINE);
	while (!__atomic_load_n(&smp_aps_may_halt, __ATOMIC_ACQUIRE))
		cpu_pause();
	cpu_halt_forever();
}
