// SPDX-License-Identifier: MIT
#include "arch/x86/cpu.h"

struct cpu_features cpu_features;
bool cpu_unroll_string_io;

void cpu_features_init(void)
{
	struct cpuid_regs r = cpuid(0x80000000u);

	cpu_features.max_ext_leaf = r.eax;
	if (r.eax >= 0x80000001u) {
		r = cpuid(0x80000001u);
		cpu_features.nx = !!(r.edx & CPUID_80000001_EDX_NX);
		cpu_features.page1gb = !!(r.edx & CPUID_80000001_EDX_PAGE1GB);
	}
}
