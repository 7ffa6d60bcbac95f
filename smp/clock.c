// SPDX-License-Identifier: MIT
/*
 * Time for AP bring-up: the TSC, and how fast it runs. The rate comes from CPUID
 * (0x15, 0x16, Xen's leaf base+3), each claim bounded to 1 MHz..10 GHz
 * (smp/tsc_rate.c); without a plausible one, 5 GHz is assumed: then a wait lasts
 * at least as long as asked on any TSC up to 5 GHz, longer on a slower one.
 */
#include "arch/x86/cpu.h"
#include "lib/console.h"
#include "smp/cpu.h"
#include "smp/tsc_rate.h"
#include "xen/xen.h"

static uint64_t per_ms;
static const char *per_ms_source;

static uint64_t detect(const char **src)
{
	struct smp_tsc_leaves l = { .max_leaf = cpuid(0).eax };
	char warn[160];
	uint64_t r;

	if (l.max_leaf >= 0x15) {
		struct cpuid_regs q = cpuid(0x15);

		l.l15_eax = q.eax;
		l.l15_ebx = q.ebx;
		l.l15_ecx = q.ecx;
	}
	if (l.max_leaf >= 0x16)
		l.l16_eax = cpuid(0x16).eax;
	if (xen_state.present && xen_state.cpuid.max_leaf >= xen_state.cpuid.base + 3) {
		l.has_xen3 = true;
		l.xen3_ecx = cpuid_count(xen_state.cpuid.base + 3, 0).ecx;
	}
	r = smp_tsc_rate(&l, src, warn, sizeof(warn));
	if (warn[0])
		log_warn("cocoboot: smp: %s; using %s\n", warn, *src);
	return r;
}

uint64_t smp_tsc_per_ms(const char **source)
{
	if (!per_ms)
		per_ms = detect(&per_ms_source);
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
