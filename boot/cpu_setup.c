// SPDX-License-Identifier: MIT
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "boot/boot.h"
#include "boot/sev.h"

void cpu_init_bsp(void)
{
	desc_init_bsp();
}

void cpu_probe(void)
{
	cpu_features_init();
	sev_check_cpuid();
}
