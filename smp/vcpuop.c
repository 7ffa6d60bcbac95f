// SPDX-License-Identifier: MIT
/*
 * Xen without SEV: VCPUOP_initialise with a vcpu_hvm_context that starts the AP
 * directly in long mode at smp_ap_entry64 (RDI = its struct smp_cpu, RSP = its
 * stack, our CR3), then VCPUOP_up, for every AP back to back (include/xen/vcpu.h;
 * public/vcpu.h; hvm/domain.c arch_set_info_hvm_guest).
 *
 * Which vCPU: the MADT's ACPI processor UID, which libxl/libacpi sets to the
 * vCPU id; Xen's vLAPIC gives vCPU v the APIC ID 2v (vlapic.c), so a MADT entry
 * whose APIC ID is not twice its UID is refused. VCPUOP_is_up says whether the
 * vCPU exists (-ENOENT beyond the last) and is still down before we start it;
 * every AP checks its id in Xen's CPUID leaf once it runs (smp/ap.c).
 */
#include "arch/x86/cpu.h"
#include "lib/format.h"
#include "lib/string.h"
#include "smp/cpu.h"
#include "xen/xen.h"

#include <xen/hypercall.h>
#include <xen/vcpu.h>

static struct vcpu_hvm_context ctx;

static long vcpu_op(unsigned cmd, uint32_t vcpu, void *arg)
{
	return xen_hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, (uint64_t)(uintptr_t)arg, 0, 0);
}

static bool vcpuop_start(unsigned first, unsigned last, char *err, size_t err_size)
{
	for (unsigned i = first; i < last; i++) {
		struct smp_cpu *c = &smp_cpus[i];
		uint32_t v = c->vcpu_id;
		long rc;

		if (c->apic_id != 2 * v) {
			fmt_snprintf(err, err_size, "MADT CPU with APIC ID %#x has processor UID %u: "
				     "Xen gives vCPU %u the APIC ID %#x", c->apic_id, v, v, 2 * v);
			return false;
		}
		rc = vcpu_op(VCPUOP_is_up, v, NULL);
		if (rc != 0) {
			fmt_snprintf(err, err_size, "VCPUOP_is_up(vCPU %u) = %ld before the start: %s", v,
				     rc, rc < 0 ? "no such vCPU" : "it already runs");
			return false;
		}
		memset(&ctx, 0, sizeof(ctx));
		ctx.mode = VCPU_HVM_MODE_64B;
		ctx.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){
			.rip = (uintptr_t)smp_ap_entry64,
			.rsp = c->stack_top,
			.rdi = (uintptr_t)c,
			.rflags = 0x2,
			.cr0 = read_cr0(),
			.cr3 = read_cr3(),
			.cr4 = read_cr4(),
			.efer = rdmsr(MSR_EFER),
		};
		rc = vcpu_op(VCPUOP_initialise, v, &ctx);
		if (rc) {
			fmt_snprintf(err, err_size, "VCPUOP_initialise(vCPU %u) = %ld", v, rc);
			return false;
		}
		c->state = SMP_STATE_STARTING;
		c->t_start = rdtsc(); /* xenpage: timed to the AP's first instruction */
		c->start_rc = vcpu_op(VCPUOP_up, v, NULL);
		if (c->start_rc) {
			fmt_snprintf(err, err_size, "VCPUOP_up(vCPU %u) = %ld", v, c->start_rc);
			return false;
		}
	}
	return true;
}

/* Xen must agree with what the APs reported: each one is up (they spin until
 * this ran: hold_for_check). */
static bool vcpuop_check(unsigned n, char *err, size_t err_size)
{
	for (unsigned i = 1; i < n; i++) {
		long rc = vcpu_op(VCPUOP_is_up, smp_cpus[i].vcpu_id, NULL);

		if (rc != 1) {
			fmt_snprintf(err, err_size, "vCPU %u reported online but VCPUOP_is_up says %ld",
				     smp_cpus[i].vcpu_id, rc);
			return false;
		}
	}
	return true;
}

/* INIT resets a Xen vCPU and leaves it down and uninitialised (vlapic.c
 * vlapic_init_sipi_one -> vcpu_reset), through a tasklet: wait until
 * VCPUOP_is_up says 0 for each, boundedly. */
bool smp_vcpuop_parked(unsigned n, char *err, size_t err_size)
{
	uint64_t deadline = rdtsc() + smp_tsc_per_ms(NULL) * 1000;

	for (unsigned i = 1; i < n; i++) {
		long rc;

		while ((rc = vcpu_op(VCPUOP_is_up, smp_cpus[i].vcpu_id, NULL)) == 1 &&
		       rdtsc() < deadline)
			cpu_pause();
		if (rc != 0) {
			fmt_snprintf(err, err_size, "vCPU %u after INIT: VCPUOP_is_up = %ld, not 0 (down)",
				     smp_cpus[i].vcpu_id, rc);
			return false;
		}
	}
	return true;
}

const struct smp_method smp_method_vcpuop = {
	.name = "VCPUOP_initialise+VCPUOP_up",
	.start = vcpuop_start,
	.check = vcpuop_check,
	.hold_for_check = true,
	.parked = smp_vcpuop_parked,
};
