// SPDX-License-Identifier: MIT
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "boot/boot.h"

void cpu_init_bsp(void)
{
	desc_init_bsp();
}
