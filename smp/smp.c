// SPDX-License-Identifier: MIT
/*
 * Bringing the APs up: count them (ACPI MADT), give each its per-CPU data,
 * start them all with the platform's method (smp/select.c), wait ONCE for all
 * of them, and check what each reported. Parallel: no AP waits for another.
 */
#include "smp/smp.h"

#include "arch/x86/cpu.h"
#include "boot/boot.h"
#include "boot/memory.h"
#include "lib/console.h"
#include "lib/string.h"
#include "smp/cpu.h"

#define SMP_TIMEOUT_MS 5000
#define FOUR_GIB (4ull << 30)

struct smp_cpu smp_cpus[SMP_MAX_CPUS];
unsigned smp_nr_cpus = 1;
struct lapic smp_lapic;
const struct pvh_info *smp_info;
volatile uint32_t smp_aps_may_halt;
static const struct smp_method *method;
static struct madt_info madt;
static uint8_t madt_buf[MADT_MAX_LEN];

static const char *const state_names[] = {
	[SMP_STATE_OFF] = "not started",
	[SMP_STATE_STARTING] = "start sent, nothing ran yet",
	[SMP_STATE_TRAMPOLINE] = "in the real-mode trampoline",
	[SMP_STATE_ENTERED] = "in 64-bit C on its stack",
	[SMP_STATE_ONLINE] = "online",
};

static const char *state_name(uint32_t s)
{
	if (s == SMP_STATE_ERR_ID)
		return "wrong identity";
	return s < sizeof(state_names) / sizeof(state_names[0]) && state_names[s] ? state_names[s]
										  : "unknown state";
}

unsigned smp_cpus_up(void)
{
	return smp_nr_cpus;
}

/* Tables are read only from memory the map describes (any type: QEMU keeps
 * them in reserved memory, Xen in ACPI NVS), below 4 GiB where our tables map
 * everything. */
static bool acpi_read(void *opaque, uint64_t pa, void *dst, size_t len)
{
	const struct pvh_info *info = opaque;

	if (pa >= FOUR_GIB || len > FOUR_GIB - pa)
		return false;
	for (uint32_t i = 0; i < info->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &info->memmap[i];

		if (pa >= e->addr && pa - e->addr <= e->size && len <= e->size - (pa - e->addr)) {
			memcpy(dst, (const void *)(uintptr_t)pa, len);
			return true;
		}
	}
	return false;
}

/* Stacks and IST stacks for one AP, below 4 GiB (the trampoline passes 32-bit
 * pointers), from the page allocator. */
static void percpu_alloc(struct smp_cpu *c)
{
	uint64_t size = SMP_STACK_SIZE + SMP_IST_STACKS * IST_STACK_SIZE;
	uint64_t pa = pmm_alloc(&boot_pmm, size / PMM_PAGE_SIZE, PMM_PAGE_SIZE, FOUR_GIB);

	if (!pa)
		boot_fatal(BOOT_ERR_MEMORY, "smp: no memory for CPU %u's stacks (%llu KiB)", c->index,
			   (unsigned long long)(size >> 10));
	c->stack_top = pa + SMP_STACK_SIZE;
	for (unsigned i = 0; i < SMP_IST_STACKS; i++)
		c->ist_top[i] = pa + SMP_STACK_SIZE + (i + 1) * IST_STACK_SIZE;
}

/* The CPUs of this boot: the BSP first, then the MADT's others in table order. */
static unsigned plan_cpus(uint32_t bsp_apic_id, unsigned max)
{
	int bsp = madt_cpu_index(&madt, bsp_apic_id);
	unsigned n = 1;

	if (bsp < 0)
		boot_fatal(BOOT_ERR_SMP, "smp: the boot CPU's APIC ID %#x is not among the MADT's %u CPUs",
			   bsp_apic_id, madt.nr_cpus);
	smp_cpus[0] = (struct smp_cpu){ .index = 0, .apic_id = bsp_apic_id,
					 .vcpu_id = madt.cpus[bsp].uid, .state = SMP_STATE_ONLINE };
	for (uint32_t i = 0; i < madt.nr_cpus && n < max; i++) {
		if ((int)i == bsp)
			continue;
		struct smp_cpu *c = &smp_cpus[n];

		*c = (struct smp_cpu){ .index = n, .apic_id = madt.cpus[i].apic_id,
				       .vcpu_id = madt.cpus[i].uid };
		percpu_alloc(c);
		n++;
	}
	return n;
}

/* One wait for all APs: done when each is online or has reported an error. */
static void wait_for_aps(unsigned n)
{
	uint64_t per_ms = smp_tsc_per_ms(NULL);
	uint64_t deadline = rdtsc() + per_ms * SMP_TIMEOUT_MS;
	unsigned pending = n - 1;

	while (pending) {
		pending = 0;
		for (unsigned i = 1; i < n; i++) {
			uint32_t s = __atomic_load_n(&smp_cpus[i].state, __ATOMIC_ACQUIRE);

			if (s != SMP_STATE_ONLINE && s != SMP_STATE_ERR_ID)
				pending++;
		}
		if (pending && rdtsc() > deadline)
			break;
		cpu_pause();
	}
	for (unsigned i = 1; i < n; i++) {
		const struct smp_cpu *c = &smp_cpus[i];
		uint32_t s = c->state;

		if (s == SMP_STATE_ERR_ID)
			boot_fatal(BOOT_ERR_SMP,
				   "smp: CPU %u started as APIC ID %#x / vCPU %u runs with id %#llx",
				   c->index, c->apic_id, c->vcpu_id, (unsigned long long)c->report);
		if (s != SMP_STATE_ONLINE)
			boot_fatal(BOOT_ERR_SMP,
				   "smp: CPU %u (APIC ID %#x, vCPU %u) did not report within %u ms: "
				   "last state %u (%s); %s said %ld when asked to start it",
				   c->index, c->apic_id, c->vcpu_id, SMP_TIMEOUT_MS, s, state_name(s),
				   method->name, c->start_rc);
	}
}

/* xenpage: from the start request to the AP's first instruction in cocoboot
 * (smp_ap_entry64), when the method timed it: median and maximum (make bench). */
static void log_start_latency(unsigned n, uint64_t per_ms)
{
	uint64_t d[SMP_MAX_CPUS];
	unsigned k = 0;

	for (unsigned i = 1; i < n; i++)
		if (smp_cpus[i].t_start && smp_cpus[i].t_entry >= smp_cpus[i].t_start)
			d[k++] = smp_cpus[i].t_entry - smp_cpus[i].t_start;
	if (!k)
		return;
	for (unsigned i = 1; i < k; i++)
		for (unsigned j = i; j > 0 && d[j - 1] > d[j]; j--) {
			uint64_t t = d[j];

			d[j] = d[j - 1];
			d[j - 1] = t;
		}
	log_info("cocoboot: smp: start request to first AP instruction: median %llu us, max %llu us "
		 "(%u APs)\n", (unsigned long long)(d[k / 2] * 1000 / per_ms),
		 (unsigned long long)(d[k - 1] * 1000 / per_ms), k);
}

void smp_init(const struct pvh_info *info, const struct boot_options *bo)
{
	char err[200];
	const char *why;
	size_t len;
	uint64_t madt_pa;

	smp_info = info;
	if (bo->smp_max == 1) {
		log_info("cocoboot: smp: 1 CPU (smp=%s): APs not started\n", bo->smp_off ? "off" : "1");
		return;
	}
	method = smp_select(&why);
	if (!method) {
		log_info("cocoboot: smp: running on the boot CPU only: %s\n", why);
		return;
	}
	if (!info->rsdp_paddr) {
		log_info("cocoboot: smp: no ACPI tables (start_info rsdp_paddr=0): running on the boot CPU only\n");
		return;
	}
	if (!madt_find(acpi_read, (void *)info, info->rsdp_paddr, madt_buf, sizeof(madt_buf), &len,
		       &madt_pa, err, sizeof(err)) ||
	    !madt_parse(madt_buf, len, &madt, err, sizeof(err)))
		boot_fatal(BOOT_ERR_SMP, "smp: %s", err);
	madt.madt_paddr = madt_pa;
	if (madt.nr_dropped)
		log_warn("cocoboot: smp: warning: the MADT lists %u more CPUs than cocoboot supports (%u)\n",
			 madt.nr_dropped, SMP_MAX_CPUS);
	if (!lapic_init(&smp_lapic, &why))
		boot_fatal(BOOT_ERR_SMP, "smp: local APIC: %s (IA32_APIC_BASE=%#llx)", why,
			   (unsigned long long)rdmsr(MSR_APIC_BASE));
	/* The final tables map no MMIO (boot/memory.c): the xAPIC page is mapped
	 * here, the one device page cocoboot uses (uncached, NX; shared: a device is
	 * the hypervisor's). */
	if (!smp_lapic.x2apic && !mem_map(smp_lapic.base & ~0xfffull, 4096,
					  PT_WRITE | PT_UNCACHED | PT_SHARED))
		boot_fatal(BOOT_ERR_SMP, "smp: cannot map the local APIC page %#llx",
			   (unsigned long long)smp_lapic.base);

	unsigned max = bo->smp_max ? bo->smp_max : SMP_MAX_CPUS;
	unsigned n = plan_cpus(lapic_id(&smp_lapic), max);

	smp_cpus[1].stuck = bo->fault == FAULT_AP_STUCK;

	log_debug("cocoboot: smp: MADT at %#llx: %u CPUs enabled, %u disabled; %s APIC\n",
		  (unsigned long long)madt.madt_paddr, madt.nr_cpus, madt.nr_disabled,
		  smp_lapic.x2apic ? "x2" : "x");
	wrmsr(MSR_GS_BASE, (uintptr_t)&smp_cpus[0]);
	if (n > 1) {
		const char *src;
		uint64_t per_ms = smp_tsc_per_ms(&src);

		smp_console_lock_init();
		smp_aps_may_halt = !method->hold_for_check;
		uint64_t t0 = rdtsc();

		if (!method->start(n, err, sizeof(err)))
			boot_fatal(BOOT_ERR_SMP, "smp: %s: %s", method->name, err);
		wait_for_aps(n);
		uint64_t ticks = rdtsc() - t0;

		if (method->check && !method->check(n, err, sizeof(err)))
			boot_fatal(BOOT_ERR_SMP, "smp: %s: %s", method->name, err);
		__atomic_store_n(&smp_aps_may_halt, 1, __ATOMIC_RELEASE);
		smp_nr_cpus = n;
		log_info("cocoboot: smp: %u of %u CPUs up by %s in %llu us (%llu TSC ticks, %s)%s\n", n,
			 madt.nr_cpus, method->name, (unsigned long long)(ticks * 1000 / per_ms),
			 (unsigned long long)ticks, src, bo->smp_max ? " (smp= on the command line)" : "");
		log_start_latency(n, per_ms);
	} else {
		log_info("cocoboot: smp: 1 of %u CPUs up%s\n", madt.nr_cpus,
			 bo->smp_max ? " (smp= on the command line)" : "");
	}
}

void smp_park(void)
{
	if (smp_nr_cpus < 2)
		return;
	for (unsigned i = 1; i < smp_nr_cpus; i++)
		if (!lapic_send_init(&smp_lapic, smp_cpus[i].apic_id))
			boot_fatal(BOOT_ERR_SMP, "smp: INIT to CPU %u (APIC ID %#x) not delivered",
				   i, smp_cpus[i].apic_id);
	char err[200];

	if (method->parked && !method->parked(smp_nr_cpus, err, sizeof(err)))
		boot_fatal(BOOT_ERR_SMP, "smp: parking: %s", err);
	log_info("cocoboot: smp: %u APs parked by INIT: waiting for a Startup IPI%s\n", smp_nr_cpus - 1,
		 method == &smp_method_vcpuop || method == &smp_method_bringup
			 ? "; Xen: down, VCPUOP_initialise possible" : "");
}
