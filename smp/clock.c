// SPDX-License-Identifier: MIT
/*
 * Time for AP bring-up: the TSC, and how fast it runs. Sources in order:
 * CPUID 0x15 (TSC/crystal ratio times the crystal, Intel SDM vol. 2A CPUID),
 * CPUID 0x16 EAX (base MHz), Xen's leaf base+3 sub-leaf 0 ECX (gtsc_khz,
 * public/arch-x86/cpuid.h). Without any, 5 GHz is assumed: then a wait lasts
 * at least as long as asked on any TSC up to 5 GHz, longer on a slower one.
 */
#include "arch/x86/cpu.h"
#include "smp/cpu.h"
#include "xen/xen.h"

#define ASSUMED_TICKS_PER_MS 5000000ull

static uint64_t per_ms;
static const char *per_ms_source;

static uint64_t detect(const char **src)
{
	uint32_t max = cpuid(0).eax;

	if (max >= 0x15) {
		struct cpuid_regs r = cpuid(0x15);

		if (r.eax && r.ebx && r.ecx) {
			*src = "CPUID 0x15";
			return (uint64_t)r.ecx * r.ebx / r.eax / 1000;
		}
	}
	if (max >= 0x16) {
		struct cpuid_regs r = cpuid(0x16);

		if (r.eax & 0xffff) {
			*src = "CPUID 0x16";
			return (uint64_t)(r.eax & 0xffff) * 1000;
		}
	}
	if (xen_state.present && xen_state.cpuid.max_leaf >= xen_state.cpuid.base + 3) {
		struct cpuid_regs r = cpuid_count(xen_state.cpuid.base + 3, 0);

		if (r.ecx) {
			*src = "Xen CPUID leaf 3";
			return r.ecx;
		}
	}
	*src = "assumed 5 GHz";
	return ASSUMED_TICKS_PER_MS;
}

uint64_t smp_tsc_per_ms(const char **source)
{
	if (!per_ms)
		per_ms = detect(&per_ms_source);
	if (per_ms < 1000) { /* below 1 MHz: not a real TSC rate */
		per_ms = ASSUMED_TICKS_PER_MS;
		per_ms_source = "assumed 5 GHz (reported rate below 1 MHz)";
	}
	if (source)
		*source = per_ms_source;
	return per_ms;
}

void smp_delay_us(unsigned us)
{
	uint64_t end = rdtsc() + smp_tsc_per_ms(NULL) * us / 1000;

	while (rdtsc() < end)
		cpu_pause();
}
