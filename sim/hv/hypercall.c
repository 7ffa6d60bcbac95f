/* SPDX-License-Identifier: MIT */
/*
 * Xen hypercalls, as the hypervisor model serves them.
 *
 * How they arrive (docs/sevsim.md, "Hypercalls"):
 *   - modes none and sev: a plain VMMCALL (0F 01 D9) with Xen's register ABI (64-bit:
 *     RAX = number, RDI RSI RDX R10 R8 = arguments; 32-bit: EBX ECX EDX ESI EDI);
 *   - modes sev-es and sev-snp: the VMMCALL NAE event (exit code 0x81) through the GHCB,
 *     with RAX and the argument registers in the GHCB save area (valid bits set) and CPL.
 * Pointer arguments are guest-physical addresses of memory the hypervisor can read: the
 * model reads them without decryption (so under SEV they must point at shared memory,
 * for example the GHCB shared buffer). The result goes back in RAX.
 *
 * Implemented: console_io (18) CONSOLEIO_write, sched_op (29) SCHEDOP_shutdown / yield,
 * xen_version (17) XENVER_version, vcpu_op (24: hv/smp.c). Others return -ENOSYS.
 * --hv=kvm: every hypercall returns -KVM_ENOSYS (-1000), as KVM answers unknown ones.
 * Source: xen-pvh-linux-boot-facts.md §2.2-2.4 (numbers, ABI, sched_shutdown reasons).
 */
#include <inttypes.h>

#include "sim/sim.h"

#define HC_XEN_VERSION 17
#define HC_CONSOLE_IO  18
#define HC_SCHED_OP    29
#define HC_VCPU_OP     24
#define KVM_ENOSYS     1000 /* KVM's answer to an unknown hypercall (kvm_para.h) */
#define CONSOLEIO_WRITE 0
#define SCHEDOP_YIELD    0
#define SCHEDOP_SHUTDOWN 2
#define XEN_EPERM  1
#define XEN_EFAULT 14
#define XEN_EINVAL 22
#define XEN_ENOSYS 38
#define CONSOLE_MAX 65536

static const char *const shutdown_names[] = {
	"poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
};

static int64_t console_io(struct sim *s, const uint64_t a[5])
{
	static uint8_t buf[CONSOLE_MAX];

	if (a[0] != CONSOLEIO_WRITE)
		return -XEN_ENOSYS;
	if (a[1] > CONSOLE_MAX)
		return -XEN_EINVAL;
	if (!sim_mem_hv_read(s, a[2], buf, a[1]))
		return -XEN_EFAULT;
	sim_console_write(s, buf, a[1]);
	return 0;
}

static int64_t sched_op(struct sim *s, const uint64_t a[5])
{
	uint32_t reason;

	switch (a[0]) {
	case SCHEDOP_YIELD:
		return 0;
	case SCHEDOP_SHUTDOWN:
		if (!sim_mem_hv_read(s, a[1], &reason, sizeof(reason)))
			return -XEN_EFAULT;
		if (sim_lie(s, SIM_LIE_SHUTDOWN_RETURNS))
			return 0;       /* as if the domain went on running */
		if (reason < sizeof(shutdown_names) / sizeof(shutdown_names[0]))
			snprintf(s->shutdown_reason, sizeof(s->shutdown_reason), "%s",
				 shutdown_names[reason]);
		else
			snprintf(s->shutdown_reason, sizeof(s->shutdown_reason), "%u", reason);
		sim_end(s, SIM_RES_SHUTDOWN);
		return 0;
	default:
		return -XEN_ENOSYS;
	}
}

int64_t sim_hypercall(struct sim_vcpu *v, uint64_t nr, const uint64_t a[5], unsigned cpl)
{
	struct sim *s = v->sim;
	int64_t ret;

	s->hypercalls++;
	v->hypercalls++;
	sim_counter_add(&s->hypercalls_by_nr, nr);
	if (s->cfg.hv == SIM_HV_KVM) {
		ret = -KVM_ENOSYS; /* --hv=kvm: no Xen hypercalls */
	} else if (cpl != 0) {
		ret = -XEN_EPERM;
	} else {
		switch (nr) {
		case HC_CONSOLE_IO: ret = console_io(s, a); break;
		case HC_SCHED_OP:   ret = sched_op(s, a); break;
		case HC_XEN_VERSION: ret = a[0] == 0 ? (4 << 16) | 17 : -XEN_ENOSYS; break;
		case HC_VCPU_OP:    ret = sim_smp_vcpu_op(v, a[0], a[1], a[2]); break;
		default:            ret = -XEN_ENOSYS; break;
		}
	}
	sim_trace(s, "vcpu%u: hypercall %" PRIu64 " (%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64
		  ") = %" PRId64, v->id, nr, a[0], a[1], a[2], ret);
	return ret;
}
