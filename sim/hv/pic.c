/* SPDX-License-Identifier: MIT */
/*
 * The legacy 8259 pair (ports 0x20/0x21 primary, 0xA0/0xA1 secondary), as far as the
 * handoff checker needs it: the interrupt mask each one was last given. sevsim's machine
 * is a Xen PVH container, which has no PIC, so reads still answer 0xFF like any absent
 * device and nothing is ever delivered; the masks are only recorded, so that the checker
 * can see whether a loader masked the PICs before the Linux 64-bit entry, the state Linux's
 * own real-mode setup leaves (arch/x86/boot/pm.c mask_all_interrupts).
 *
 * Intel 8259A data sheet: a command-port write with bit 4 set is ICW1; it clears the mask
 * and starts an initialisation sequence in which the next data-port writes are ICW2, ICW3
 * (unless ICW1 bit 1, SNGL) and ICW4 (if ICW1 bit 0, IC4). Outside a sequence a data-port
 * write is OCW1, the mask; other command-port writes are OCW2/OCW3 and leave it alone.
 */
#include "sim/sim.h"

#define ICW1      0x10
#define ICW1_IC4  0x01
#define ICW1_SNGL 0x02

static int pic_index(uint16_t port)
{
	switch (port) {
	case 0x20: case 0x21: return 0;
	case 0xa0: case 0xa1: return 1;
	default: return -1;
	}
}

bool sim_pic_out(struct sim *s, uint16_t port, uint8_t val)
{
	int i = pic_index(port);
	struct sim_pic *p;

	if (i < 0)
		return false;
	p = &s->pic[i];
	if (!(port & 1)) {
		if (val & ICW1) {
			p->mask = 0;
			p->written = true;
			p->icws_left = 1 + !(val & ICW1_SNGL) + (val & ICW1_IC4);
		}
		return true;
	}
	if (p->icws_left) {
		p->icws_left--;
		return true;
	}
	p->mask = val;
	p->written = true;
	return true;
}
