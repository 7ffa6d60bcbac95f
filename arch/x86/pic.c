// SPDX-License-Identifier: MIT
/*
 * Mask the legacy PIC pair, as Linux's own real-mode setup code does right
 * before its 32-bit entry (arch/x86/boot/pm.c: secondary first, then the
 * primary with only the cascade open). A loader that enters the 64-bit entry
 * skips that code, so without this the kernel would start with whatever the
 * firmware left: under QEMU, SeaBIOS's PIT tick on IRQ0 unmasked, its
 * interrupt pending at the CPU (IF=0) for the whole decompression, which
 * costs TCG about 10% of it (docs/bench.md). Where no PIC exists (a Xen PVH
 * domain: no emulated PIC, no device model) the writes go nowhere: Xen's
 * hvmemul_do_io (xen/arch/x86/hvm/emulate.c) sends port I/O that no handler
 * and no ioreq server claims to its null handler, which ignores writes.
 */
#include "arch/x86/pic.h"

#include "arch/x86/cpu.h"

void pic_mask_all(void)
{
	outb(PIC_SECONDARY_DATA, PIC_SECONDARY_MASK);
	outb(PIC_PRIMARY_DATA, PIC_PRIMARY_MASK);
}
