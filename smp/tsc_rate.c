// SPDX-License-Identifier: MIT
/*
 * The TSC rate from CPUID values, each claim bounded (smp/tsc_rate.h). Sources: CPUID
 * 0x15 (TSC/crystal ratio EBX/EAX times the crystal ECX in Hz, Intel SDM vol. 2A
 * "CPUID", leaf 15H), CPUID 0x16 EAX[15:0] (base frequency in MHz, leaf 16H), Xen's leaf
 * base+3 sub-leaf 0 ECX (gtsc_khz, xen/include/public/arch-x86/cpuid.h).
 */
#include "smp/tsc_rate.h"

#include "lib/format.h"

/* true when per_ms is plausible; else the warning names the leaf and the value */
static bool plausible(uint64_t per_ms, const char *leaf, const char *value, uint64_t raw,
		      char *warn, size_t warn_size)
{
	if (per_ms >= SMP_TSC_MIN_PER_MS && per_ms <= SMP_TSC_MAX_PER_MS)
		return true;
	if (!warn[0])
		fmt_snprintf(warn, warn_size,
			     "%s %s=%llu gives a TSC rate of %llu kHz, outside 1 MHz..10 GHz: ignored",
			     leaf, value, (unsigned long long)raw, (unsigned long long)per_ms);
	return false;
}

uint64_t smp_tsc_rate(const struct smp_tsc_leaves *l, const char **src, char *warn,
		      size_t warn_size)
{
	uint64_t r;

	warn[0] = 0;
	if (l->max_leaf >= 0x15 && l->l15_eax && l->l15_ebx && l->l15_ecx) {
		r = (uint64_t)l->l15_ecx * l->l15_ebx / l->l15_eax / 1000; /* < 2^64: 32 x 32 bits */
		if (plausible(r, "CPUID 0x15", "ECX*EBX/EAX", (uint64_t)l->l15_ecx * l->l15_ebx /
			      l->l15_eax, warn, warn_size)) {
			*src = "CPUID 0x15";
			return r;
		}
	}
	if (l->max_leaf >= 0x16 && (l->l16_eax & 0xffff)) {
		r = (uint64_t)(l->l16_eax & 0xffff) * 1000;
		if (plausible(r, "CPUID 0x16", "EAX[15:0]", l->l16_eax & 0xffff, warn, warn_size)) {
			*src = "CPUID 0x16";
			return r;
		}
	}
	if (l->has_xen3 && l->xen3_ecx) {
		r = l->xen3_ecx;
		if (plausible(r, "Xen CPUID leaf 3", "ECX", l->xen3_ecx, warn, warn_size)) {
			*src = "Xen CPUID leaf 3";
			return r;
		}
	}
	*src = warn[0] ? "assumed 5 GHz (a claimed rate was implausible)" : "assumed 5 GHz";
	return SMP_TSC_ASSUMED_PER_MS;
}
