// SPDX-License-Identifier: MIT
/*
 * xen_init(): what cocoboot sets up when it runs on Xen (xen/xen.h).
 */
#include "xen/xen.h"

#include <stddef.h>

#include "arch/x86/cpu.h"
#include "arch/x86/power.h"
#include "xen/hypercall.h"
#include "xen/sched.h"

struct xen_state xen_state;

static void native_cpuid(uint32_t leaf, uint32_t out[4])
{
	struct cpuid_regs r = cpuid(leaf);

	out[0] = r.eax;
	out[1] = r.ebx;
	out[2] = r.ecx;
	out[3] = r.edx;
}

/* AMD and Hygon CPUs have VMMCALL, Intel (and others) VMCALL. */
static const struct xen_transport *direct_transport(void)
{
	struct cpuid_regs r = cpuid(0);

	if (r.ebx == 0x68747541u /* "Auth"enticAMD */ || r.ebx == 0x6f677948u /* "Hygo"nGenuine */)
		return &xen_transport_vmmcall;
	return &xen_transport_vmcall;
}

/* XENVER_version answers major << 16 | minor: a cheap check that a transport works. */
static bool transport_works(void)
{
	long v = xen_version_op(XENVER_version, NULL);

	return v == ((long)xen_state.cpuid.major << 16 | xen_state.cpuid.minor);
}

static void xen_power_end(enum power_status status, unsigned reason)
{
	/* The reason code is in the boot log already; Xen only knows poweroff and crash. */
	(void)reason;
	long rc = xen_shutdown(status == POWER_SUCCESS ? SHUTDOWN_poweroff : SHUTDOWN_crash);

	log_err("xen: SCHEDOP_shutdown failed (%ld)\n", rc);
	console_flush();
}

bool xen_init(void)
{
	if (!xen_cpuid_detect(native_cpuid, &xen_state.cpuid))
		return false;
	xen_state.present = true;

	/* The hypercall page when Xen offers one, else the instruction itself. An
	 * SEV-ES/SNP boot replaces the transport with the GHCB one. */
	if (!xen_get_transport()) {
		if (xen_state.cpuid.hypercall_pages >= 1) {
			xen_hypercall_page_init(xen_state.cpuid.hypercall_msr);
			xen_set_transport(&xen_transport_page);
		}
		if (!xen_get_transport() || !transport_works())
			xen_set_transport(direct_transport());
	}

	if (xen_get_transport()->private_memory) {
		/* HVMOP_get_param writes its answer into guest memory the hypervisor
		 * cannot reach under SEV; no PV console there (yet). */
		xen_state.pvcons = false;
		xen_state.pvcons_why = "the hypervisor cannot read private memory (SEV): no HVM params";
	} else {
		xen_state.pvcons = xen_pvcons_init(&xen_state.pvcons_why);
	}
	if (xen_state.pvcons) {
		/* Default consoles on Xen: the PV console (xl console, xenconsoled's log)
		 * and port 0xe9 (xl dmesg with guest_loglvl=all). There is no UART in a
		 * PVH domU. console= on the command line still chooses otherwise. */
		static const char def[] = "e9,xen";
		const char *bad;
		size_t bad_len;

		console_register(&xen_console, true);
		console_select(def, sizeof(def) - 1, &bad, &bad_len);
	}
	power_add_hook(xen_power_end);
	return true;
}

void xen_print_info(void)
{
	const struct xen_cpuid_info *c = &xen_state.cpuid;

	if (!xen_state.present) {
		log_debug("xen: no Xen CPUID leaves\n");
		return;
	}
	log_info("xen: Xen %u.%u (CPUID base %#x), hypercalls via %s, domid %u\n", c->major,
		 c->minor, c->base, xen_get_transport()->name, c->domid);
	if (xen_state.pvcons)
		log_info("xen: PV console ring at %#llx\n",
			 (unsigned long long)xen_pvcons_ring_paddr());
	else
		log_warn("xen: no PV console: %s\n", xen_state.pvcons_why);
}
