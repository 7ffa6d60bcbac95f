/* SPDX-License-Identifier: MIT */
/*
 * The x2APIC register page both APIC models share (apic.h): 256-bit vector registers
 * (ISR, TMR, IRR) as eight 32-bit words at a 16-byte stride, and the processor priority
 * as the APIC computes it (APM vol. 2 "Local APIC": PPR = TPR if TPR[7:4] >= ISRV[7:4],
 * else ISRV[7:4] << 4, ISRV = the highest vector in service).
 */
#include <stdio.h>
#include <string.h>

#include "sim/apic/apic.h"

uint32_t sim_apic_reg(const uint8_t *page, unsigned off)
{
	uint32_t v;

	memcpy(&v, page + off, 4);
	return v;
}

void sim_apic_set(uint8_t *page, unsigned off, uint32_t val)
{
	memcpy(page + off, &val, 4);
}

bool sim_apic_bit(const uint8_t *page, unsigned base, unsigned vec)
{
	return (sim_apic_reg(page, base + (vec / 32) * 16) >> (vec % 32)) & 1;
}

void sim_apic_bit_set(uint8_t *page, unsigned base, unsigned vec, bool on)
{
	unsigned off = base + (vec / 32) * 16;
	uint32_t w = sim_apic_reg(page, off), m = 1u << (vec % 32);

	sim_apic_set(page, off, on ? (w | m) : (w & ~m));
}

int sim_apic_highest(const uint8_t *page, unsigned base)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t w = sim_apic_reg(page, base + (unsigned)i * 16);
		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

uint32_t sim_apic_ppr(const uint8_t *page)
{
	uint32_t tpr = sim_apic_reg(page, SIM_APIC_TPR) & 0xff;
	int isrv = sim_apic_highest(page, SIM_APIC_ISR);
	uint32_t isr_class = isrv < 0 ? 0 : ((uint32_t)isrv & 0xf0);

	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

/* An x2APIC after reset, enabled by its SVR (the hypervisor's page; Secure AVIC pages are
 * the guest's to fill). */
void sim_apic_page_reset(uint8_t *page, uint32_t id)
{
	memset(page, 0, 4096);
	sim_apic_set(page, SIM_APIC_ID, id);
	sim_apic_set(page, SIM_APIC_LVR, 0x80050014u); /* version 0x14, 6 LVTs, EOI suppression */
	sim_apic_set(page, SIM_APIC_LDR, ((id >> 4) << 16) | (1u << (id & 15)));
	sim_apic_set(page, SIM_APIC_SVR, 0x1ff);
	for (unsigned off = SIM_APIC_LVT_FIRST; off <= SIM_APIC_LVT_LAST; off += 16)
		sim_apic_set(page, off, 1u << 16); /* masked */
}
