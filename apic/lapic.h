/* SPDX-License-Identifier: MIT */
/*
 * The local APIC, as much as AP bring-up needs: this CPU's APIC ID, and INIT /
 * Startup IPIs to one CPU. xAPIC (MMIO at the base from IA32_APIC_BASE) or
 * x2APIC (MSRs 0x800+) as the APIC is found: x2APIC when IA32_APIC_BASE.EXTD
 * is set. Intel SDM vol. 3A 11.4.4 (APIC base MSR), 11.6.1 (ICR), 11.12
 * (x2APIC MSRs: ID 0x802, ICR 0x830 with the destination in bits 63:32);
 * AMD APM vol. 2, 16.3-16.5.
 */
#ifndef COCOBOOT_APIC_LAPIC_H
#define COCOBOOT_APIC_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_APIC_BASE       0x1bu
#define APIC_BASE_BSP       (1ull << 8)
#define APIC_BASE_EXTD      (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN        (1ull << 11)
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull

#define APIC_REG_ID      0x020
#define APIC_REG_ICR_LO  0x300
#define APIC_REG_ICR_HI  0x310
#define X2APIC_MSR(reg)  (0x800u + ((reg) >> 4))

#define APIC_ICR_INIT       (5u << 8)
#define APIC_ICR_STARTUP    (6u << 8)
#define APIC_ICR_PENDING    (1u << 12) /* xAPIC delivery status */
#define APIC_ICR_ASSERT     (1u << 14)

struct lapic {
	bool x2apic;
	uint64_t base; /* xAPIC MMIO base */
};

/* Read IA32_APIC_BASE: mode and base. False (and *why) when the APIC is off. */
bool lapic_init(struct lapic *a, const char **why);
uint32_t lapic_id(const struct lapic *a);
/* Send an INIT (assert) or a Startup IPI with the page number vector. False
 * when an xAPIC never clears its delivery status. */
bool lapic_send_init(const struct lapic *a, uint32_t apic_id);
bool lapic_send_sipi(const struct lapic *a, uint32_t apic_id, uint8_t vector);

#endif
