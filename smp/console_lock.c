// SPDX-License-Identifier: MIT
/*
 * The console lock once APs run (lib/console.c console_set_lock): a CPU holds
 * it from the first byte of a line to its newline, so lines from several CPUs
 * never mix. The owner is the CPU index, read through GS (GS base = the CPU's
 * struct smp_cpu, whose first field is the index). A CPU that stopped half way
 * through a line cannot silence the others for ever: after a bounded spin the
 * waiter takes the lock over (a fatal path must not hang).
 */
#include "arch/x86/cpu.h"
#include "smp/cpu.h"
#include "smp/smp.h"

#define NO_OWNER   0xffffffffu
#define SPIN_LIMIT (1u << 26)

_Static_assert(offsetof(struct smp_cpu, index) == 0, "console lock reads %gs:0");

static volatile uint32_t owner = NO_OWNER;

static uint32_t this_cpu(void)
{
	uint32_t v;

	__asm__ volatile("movl %%gs:0, %0" : "=r"(v));
	return v;
}

static void lock_acquire(void)
{
	uint32_t me = this_cpu();

	if (owner == me)
		return;
	for (uint32_t spins = 0; spins < SPIN_LIMIT; spins++) {
		uint32_t expect = NO_OWNER;

		if (__atomic_compare_exchange_n(&owner, &expect, me, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		cpu_pause();
	}
	__atomic_store_n(&owner, me, __ATOMIC_SEQ_CST);
}

static void lock_release(void)
{
	__atomic_store_n(&owner, NO_OWNER, __ATOMIC_RELEASE);
}

void smp_console_lock_init(void)
{
	console_set_lock(lock_acquire, lock_release);
}
