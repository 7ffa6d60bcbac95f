// SPDX-License-Identifier: MIT
#include "apic/lapic.h"

#include "arch/x86/cpu.h"

static inline uint32_t mmio_read(uint64_t a)
{
	return *(volatile uint32_t *)(uintptr_t)a;
}

static inline void mmio_write(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)a = v;
}

bool lapic_init(struct lapic *a, const char **why)
{
	uint64_t b = rdmsr(MSR_APIC_BASE);

	if (!(b & APIC_BASE_EN)) {
		*why = "IA32_APIC_BASE.EN is clear";
		return false;
	}
	a->x2apic = !!(b & APIC_BASE_EXTD);
	a->base = b & APIC_BASE_ADDR_MASK;
	if (!a->x2apic && (a->base == 0 || a->base >= (4ull << 30))) {
		/* smp_init maps this page; cocoboot keeps MMIO below 4 GiB */
		*why = "xAPIC base outside the first 4 GiB";
		return false;
	}
	return true;
}

uint32_t lapic_id(const struct lapic *a)
{
	if (a->x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR(APIC_REG_ID));
	return mmio_read(a->base + APIC_REG_ID) >> 24;
}

/* Bounded: an APIC that never finishes must not hang the boot. */
static bool xapic_wait_idle(const struct lapic *a)
{
	for (unsigned i = 0; i < 1000000; i++) {
		if (!(mmio_read(a->base + APIC_REG_ICR_LO) & APIC_ICR_PENDING))
			return true;
		cpu_pause();
	}
	return false;
}

static bool send_ipi(const struct lapic *a, uint32_t apic_id, uint32_t icr_lo)
{
	if (a->x2apic) {
		wrmsr(X2APIC_MSR(APIC_REG_ICR_LO), ((uint64_t)apic_id << 32) | icr_lo);
		return true;
	}
	if (apic_id > 0xff || !xapic_wait_idle(a))
		return false;
	mmio_write(a->base + APIC_REG_ICR_HI, apic_id << 24);
	mmio_write(a->base + APIC_REG_ICR_LO, icr_lo);
	return xapic_wait_idle(a);
}

bool lapic_send_init(const struct lapic *a, uint32_t apic_id)
{
	return send_ipi(a, apic_id, APIC_ICR_INIT | APIC_ICR_ASSERT);
}

bool lapic_send_sipi(const struct lapic *a, uint32_t apic_id, uint8_t vector)
{
	return send_ipi(a, apic_id, APIC_ICR_STARTUP | APIC_ICR_ASSERT | vector);
}
