// SPDX-License-Identifier: MIT
/*
 * Work for every CPU (docs/abi.md §7 item 7): the BSP posts one function, every CPU up runs
 * it with its own index (the BSP too), the BSP waits once for all. APs of a method with
 * ap_work (SEV-SNP) wait for work after reporting online, spinning with interrupts off, and
 * halt only after smp_release_aps(). The wait is bounded by progress, not by the length of
 * the work: an AP that reports no progress (smp_work_progress) for smp.timeout ms ends the
 * boot naming it (0x21).
 * Under Secure AVIC the waits sleep instead of spinning (docs/abi.md §12): an AP in HLT is
 * woken by a real IPI when work is posted and at the release, the BSP by the last AP to
 * finish (and by its watchdog tick). A CPU sends a CPU a wake-up only after that one took
 * the one before (savic_wait_wakes), so each is delivered exactly once.
 */
#include "apic/savic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/power.h"
#include "boot/boot.h"
#include "smp/cpu.h"
#include "smp/smp.h"

static smp_work_fn work_fn;
static void *work_arg;
static volatile uint32_t work_gen;   /* the generation posted; APs acknowledge it */
static uint32_t work_left;           /* APs still on this generation: the last wakes the BSP */

static uint32_t *progress_of(struct smp_cpu *c)
{
	return (uint32_t *)&c->work_progress;
}

void smp_work_progress(unsigned cpu)
{
	if (cpu < SMP_MAX_CPUS)
		__atomic_fetch_add(progress_of(&smp_cpus[cpu]), 1, __ATOMIC_RELAXED);
}

void smp_ap_work_loop(struct smp_cpu *c)
{
	uint32_t seen = 0;

	for (;;) {
		uint32_t gen = __atomic_load_n(&work_gen, __ATOMIC_ACQUIRE);

		if (gen != seen) {
			seen = gen;
			work_fn(c->index, smp_nr_cpus, work_arg);
			savic_wait_wakes(gen); /* this generation's wake-up is taken */
			__atomic_store_n(&c->work_done, gen, __ATOMIC_RELEASE);
			if (__atomic_sub_fetch(&work_left, 1, __ATOMIC_ACQ_REL) == 0)
				savic_wake(0);
			continue;
		}
		if (__atomic_load_n(&smp_aps_may_halt, __ATOMIC_ACQUIRE)) {
			savic_wait_wakes(gen + 1); /* and the release's */
			return;
		}
		savic_idle(); /* Secure AVIC: HLT until a wake-up IPI; else cpu_pause() */
	}
}

void smp_run_on_all(smp_work_fn fn, void *arg)
{
	unsigned n = smp_nr_cpus;
	uint64_t per_ms = smp_tsc_per_ms(NULL);

	if (n < 2 || !smp_active_method || !smp_active_method->ap_work) {
		fn(0, 1, arg);
		return;
	}
	work_fn = fn;
	work_arg = arg;
	__atomic_store_n(&work_left, n - 1, __ATOMIC_RELEASE);
	uint32_t gen = __atomic_add_fetch(&work_gen, 1, __ATOMIC_RELEASE);

	for (unsigned i = 1; i < n; i++)
		savic_wake(i);
	fn(0, n, arg);
	savic_tick(true); /* the BSP sleeps below: a lost wake-up ends in the timeout */
	for (unsigned i = 1; i < n; i++) {
		struct smp_cpu *c = &smp_cpus[i];
		uint32_t last = __atomic_load_n(progress_of(c), __ATOMIC_RELAXED);
		uint64_t deadline = rdtsc() + per_ms * smp_timeout();

		for (unsigned spin = 0; __atomic_load_n(&c->work_done, __ATOMIC_ACQUIRE) != gen;
		     spin++) {
			uint32_t p = __atomic_load_n(progress_of(c), __ATOMIC_RELAXED);

			cpu_pause();
			if (spin % 1024)
				continue; /* RDTSC may be an exit (SEV-ES/SNP): rarely */
			if (p != last) {
				last = p;
				deadline = rdtsc() + per_ms * smp_timeout();
			} else if (rdtsc() > deadline) {
				boot_fatal(BOOT_ERR_SMP_TIMEOUT, "smp: CPU %u (APIC ID %#x, vCPU %u) "
					   "made no progress on its share of the work for %u ms "
					   "(%u steps done)", i, c->apic_id, c->vcpu_id, smp_timeout(),
					   p);
			}
			savic_idle(); /* Secure AVIC: HLT until a wake-up or tick; else cpu_pause() */
		}
	}
	savic_wait_wakes(gen); /* the last AP's wake-up is taken */
	savic_tick(false);
}

void smp_release_aps(void)
{
	if (__atomic_exchange_n(&smp_aps_may_halt, 1, __ATOMIC_ACQ_REL))
		return; /* released before (boot/memory.c, then smp_park): nobody waits any more */
	if (smp_active_method && smp_active_method->ap_work)
		for (unsigned i = 1; i < smp_nr_cpus; i++)
			savic_wake(i); /* an AP asleep in its work loop */
}
