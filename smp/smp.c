// SPDX-License-Identifier: MIT
/*
 * Bringing the APs up: count them (ACPI MADT), give each its per-CPU data,
 * start them all with the platform's method (smp/select.c), wait ONCE for all
 * of them, and check what each reported. Parallel: no AP waits for another.
 */
#include "smp/smp.h"

#include "apic/savic.h"
#include "arch/x86/cpu.h"
#include "boot/boot.h"
#include "boot/memory.h"
#include "boot/sev.h"
#include "ghcb/sev_es.h"
#include "lib/console.h"
#include "lib/format.h"
#include "lib/string.h"
#include "smp/cpu.h"

#define SMP_TIMEOUT_MS 5000 /* default; smp.timeout= */
#define FOUR_GIB (4ull << 30)

struct smp_cpu smp_cpus[SMP_MAX_CPUS];
unsigned smp_nr_cpus = 1;
struct lapic smp_lapic;
const struct pvh_info *smp_info;
volatile uint32_t smp_aps_may_halt;
static const struct smp_method *method;
static unsigned timeout_ms = SMP_TIMEOUT_MS;
const struct smp_method *smp_active_method;
unsigned smp_fail_reason;
static struct madt_info madt;
static uint8_t madt_buf[MADT_MAX_LEN];

static const char *const state_names[] = {
	[SMP_STATE_OFF] = "not started",
	[SMP_STATE_STARTING] = "start sent, nothing ran yet",
	[SMP_STATE_TRAMPOLINE] = "in the real-mode trampoline",
	[SMP_STATE_ENTERED] = "in 64-bit C on its stack",
	[SMP_STATE_ONLINE] = "online",
	[SMP_STATE_PARKED] = "parked in the AP reset hold",
};

static const char *state_name(uint32_t s)
{
	if (s == SMP_STATE_ERR_ID)
		return "wrong identity";
	return s < sizeof(state_names) / sizeof(state_names[0]) && state_names[s] ? state_names[s]
										  : "unknown state";
}

bool smp_fail(unsigned reason, char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	smp_fail_reason = reason;
	return false;
}

unsigned smp_timeout(void)
{
	return timeout_ms;
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

/*
 * Per-CPU areas of the APs, one block below 4 GiB (the trampoline passes 32-bit pointers):
 * AP i (1-based) owns [base + (i-1) * stride, + stride): its stack, its IST stacks and,
 * under SEV-ES/SNP, its #VC core (ghcb/sev_es.c: three #VC stacks and a backup GHCB).
 * Its GHCB page is in a second block, mapped shared. The #VC core finds the CPU from the
 * address of its stack, so the block must be one piece.
 */
#define IST_VC_INDEX (IST_VC - 1)

static uint64_t ap_ghcbs; /* SEV-ES/SNP: the APs' GHCB pages, n - 1 from here */
static bool lapic_page_mapped; /* the xAPIC page is in the final tables (shared) */

/* Before the handoff, once no AP uses its GHCB page any more (SNP: their VMSAs destroyed;
 * SEV-ES: every AP in the AP reset hold, which needs only the MSR protocol): the pages
 * become private (SNP: validated) RAM again, as the payload's memory map says they are,
 * so the tables a 64-bit payload gets map nothing shared. */
void smp_ap_ghcbs_private(unsigned n)
{
	if (ap_ghcbs && n > 1)
		sev_unshare_pages(ap_ghcbs, (uint64_t)(n - 1) * PMM_PAGE_SIZE);
}

static void percpu_alloc(unsigned n)
{
	bool es = sev_mode() >= SEV_MODE_ES;
	uint64_t sev_off = SMP_STACK_SIZE + SMP_IST_STACKS * IST_STACK_SIZE;
	uint64_t stride = sev_off + (es ? (sev_es_cpu_size() + PMM_PAGE_SIZE - 1) & ~(uint64_t)(PMM_PAGE_SIZE - 1) : 0);
	uint64_t size = stride * (n - 1);
	uint64_t pa = pmm_alloc(&boot_pmm, size / PMM_PAGE_SIZE, PMM_PAGE_SIZE, FOUR_GIB);
	uint64_t ghcbs = 0;

	if (!pa)
		boot_fatal(BOOT_ERR_MEMORY, "smp: no memory for the per-CPU data of %u APs (%llu KiB)",
			   n - 1, (unsigned long long)(size >> 10));
	savic_percpu_alloc(n); /* Secure AVIC: a backing page per AP (apic/savic_hw.c) */
	if (es) {
		ghcbs = pmm_alloc(&boot_pmm, n - 1, PMM_PAGE_SIZE, FOUR_GIB);
		if (!ghcbs)
			boot_fatal(BOOT_ERR_MEMORY, "smp: no memory for %u GHCB pages", n - 1);
		sev_share_pages(ghcbs, (uint64_t)(n - 1) * PMM_PAGE_SIZE);
		ap_ghcbs = ghcbs;
		sev_es_ap_areas(pa, stride, n - 1, sev_off);
	}
	for (unsigned i = 1; i < n; i++) {
		struct smp_cpu *c = &smp_cpus[i];
		uint64_t area = pa + (i - 1) * stride;

		c->stack_top = area + SMP_STACK_SIZE;
		for (unsigned k = 0; k < SMP_IST_STACKS; k++)
			c->ist_top[k] = area + SMP_STACK_SIZE + (k + 1) * IST_STACK_SIZE;
		if (es) {
			c->sev = (void *)(uintptr_t)(area + sev_off);
			c->ghcb_paddr = ghcbs + (i - 1) * PMM_PAGE_SIZE;
			c->ist_top[IST_VC_INDEX] = sev_es_ap_prepare(
				c->sev, c->desc.tss, (volatile struct ghcb *)(uintptr_t)c->ghcb_paddr,
				c->ghcb_paddr);
		}
	}
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
		n++;
	}
	if (n > 1)
		percpu_alloc(n);
	return n;
}

static bool settled(uint32_t s)
{
	if (s == SMP_STATE_ERR_ID)
		return true;
	return s == (method->park_at_once ? SMP_STATE_PARKED : SMP_STATE_ONLINE);
}

/* One wait for APs [first, last): done when each reached its final state or reported an
 * error. The failure says which CPU, what it last reported and what the hypervisor said. */
static void wait_for_aps(unsigned first, unsigned last)
{
	uint64_t per_ms = smp_tsc_per_ms(NULL);
	uint64_t deadline = rdtsc() + per_ms * timeout_ms;
	unsigned pending = last - first;

	while (pending) {
		pending = 0;
		for (unsigned i = first; i < last; i++)
			if (!settled(__atomic_load_n(&smp_cpus[i].state, __ATOMIC_ACQUIRE)))
				pending++;
		if (pending && rdtsc() > deadline)
			break;
		cpu_pause();
	}
	for (unsigned i = first; i < last; i++) {
		const struct smp_cpu *c = &smp_cpus[i];
		uint32_t s = c->state;
		char more[160] = "";
		unsigned why = method->describe ? method->describe(i, more, sizeof(more)) : 0;

		if (s == SMP_STATE_ERR_ID)
			boot_fatal(BOOT_ERR_SMP_IDENTITY,
				   "smp: CPU %u started as APIC ID %#x / vCPU %u runs with id %#llx",
				   c->index, c->apic_id, c->vcpu_id, (unsigned long long)c->report);
		if (!settled(s))
			boot_fatal(why ? (enum boot_reason)why : BOOT_ERR_SMP_TIMEOUT,
				   "smp: CPU %u (APIC ID %#x, vCPU %u) did not report within %u ms: "
				   "last state %u (%s)%s; %s said %ld when asked to start it",
				   c->index, c->apic_id, c->vcpu_id, timeout_ms, s, state_name(s),
				   more, method->name, c->start_rc);
	}
}

static void start_or_fail(unsigned first, unsigned last)
{
	char err[200];

	if (!method->start(first, last, err, sizeof(err)))
		boot_fatal(smp_fail_reason ? (enum boot_reason)smp_fail_reason : BOOT_ERR_SMP,
			   "smp: %s: %s", method->name, err);
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
	if (bo->smp_timeout_ms)
		timeout_ms = bo->smp_timeout_ms;
	if (bo->smp_max == 1) {
		log_info("cocoboot: smp: 1 CPU (smp=%s): APs not started\n", bo->smp_off ? "off" : "1");
		return;
	}
	method = smp_select(bo->smp_method, &why);
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
	if (!smp_lapic.x2apic && !method->no_lapic) {
		if (!mem_map(smp_lapic.base & ~0xfffull, 4096, PT_WRITE | PT_UNCACHED | PT_SHARED))
			boot_fatal(BOOT_ERR_SMP, "smp: cannot map the local APIC page %#llx",
				   (unsigned long long)smp_lapic.base);
		lapic_page_mapped = true;
	}

	unsigned max = bo->smp_max ? bo->smp_max : SMP_MAX_CPUS;
	/* A method that sends no IPI (SNP AP creation) maps no xAPIC page: in xAPIC mode the
	 * APIC ID is the initial one of CPUID 1 EBX[31:24] (SDM vol. 3A 10.4.6, AMD APM vol. 2
	 * 16.3.3), the hypervisor's answer either way. */
	uint32_t bsp_id = !smp_lapic.x2apic && method->no_lapic ? cpuid(1).ebx >> 24
								 : lapic_id(&smp_lapic);
	unsigned n = plan_cpus(bsp_id, max);

	smp_cpus[1].stuck = bo->fault == FAULT_AP_STUCK;

	log_debug("cocoboot: smp: MADT at %#llx: %u CPUs enabled, %u disabled; %s APIC\n",
		  (unsigned long long)madt.madt_paddr, madt.nr_cpus, madt.nr_disabled,
		  smp_lapic.x2apic ? "x2" : "x");
	wrmsr(MSR_GS_BASE, (uintptr_t)&smp_cpus[0]);
	if (n > 1) {
		const char *src;
		uint64_t per_ms = smp_tsc_per_ms(&src);

		smp_console_lock_init();
		smp_aps_may_halt = !method->hold_for_check && !method->ap_work;
		smp_active_method = method;
		if (method->prepare && !method->prepare(n, err, sizeof(err)))
			boot_fatal(smp_fail_reason ? (enum boot_reason)smp_fail_reason : BOOT_ERR_SMP,
				   "smp: %s: %s", method->name, err);
		uint64_t t0 = rdtsc();

		if (bo->smp_serial) {
			for (unsigned i = 1; i < n; i++) {
				start_or_fail(i, i + 1);
				wait_for_aps(i, i + 1);
			}
		} else {
			start_or_fail(1, n);
			wait_for_aps(1, n);
		}
		uint64_t ticks = rdtsc() - t0;

		if (method->check && !method->check(n, err, sizeof(err)))
			boot_fatal(smp_fail_reason ? (enum boot_reason)smp_fail_reason : BOOT_ERR_SMP,
				   "smp: %s: %s", method->name, err);
		if (!method->ap_work)
			__atomic_store_n(&smp_aps_may_halt, 1, __ATOMIC_RELEASE);
		smp_nr_cpus = n;
		log_info("cocoboot: smp: %u of %u CPUs up by %s%s in %llu us (%llu TSC ticks, %s)%s\n", n,
			 madt.nr_cpus, method->name, bo->smp_serial ? " (serial: smp.serial=1)" : "",
			 (unsigned long long)(ticks * 1000 / per_ms),
			 (unsigned long long)ticks, src, bo->smp_max ? " (smp= on the command line)" : "");
		log_start_latency(n, per_ms);
	} else {
		log_info("cocoboot: smp: 1 of %u CPUs up%s\n", madt.nr_cpus,
			 bo->smp_max ? " (smp= on the command line)" : "");
	}
}

static void park_aps(void);

/* The APs parked, the page tables a 64-bit payload is handed map nothing shared: the
 * APs' GHCB pages go private again (SEV-ES; SNP does it in its own park) and the xAPIC
 * page, which nothing uses after the parking, is unmapped (sim/check/handoff.c
 * sev_nothing_shared). */
void smp_park(void)
{
	park_aps();
	if (lapic_page_mapped) {
		if (!mem_unmap_page(smp_lapic.base))
			boot_fatal(BOOT_ERR_SMP, "smp: cannot unmap the local APIC page %#llx",
				   (unsigned long long)smp_lapic.base);
		lapic_page_mapped = false;
	}
}

static void park_aps(void)
{
	char err[200];

	if (smp_nr_cpus < 2)
		return;
	if (method->park) {
		smp_release_aps(); /* they halt (IF = 0) before their VMSAs go */
		savic_aps_down(smp_nr_cpus); /* ... each after its Secure AVIC teardown */
		if (!method->park(smp_nr_cpus, err, sizeof(err)))
			boot_fatal(smp_fail_reason ? (enum boot_reason)smp_fail_reason : BOOT_ERR_SMP,
				   "smp: parking: %s", err);
		log_info("cocoboot: smp: %u APs stopped by %s: the payload starts them its own way\n",
			 smp_nr_cpus - 1, method->name);
		return;
	}
	if (method->park_at_once) {
		/* SEV-ES: every AP left cocoboot for the AP reset hold when it came online
		 * (docs/abi.md §11); an INIT could not reset its encrypted state anyway. */
		for (unsigned i = 1; i < smp_nr_cpus; i++)
			if (smp_cpus[i].state != SMP_STATE_PARKED)
				boot_fatal(BOOT_ERR_SMP_AP_ERROR, "smp: CPU %u is in state %u, not parked",
					   i, smp_cpus[i].state);
		if (method->parked && !method->parked(smp_nr_cpus, err, sizeof(err)))
			boot_fatal(smp_fail_reason ? (enum boot_reason)smp_fail_reason : BOOT_ERR_SMP,
				   "smp: parking: %s", err);
		smp_ap_ghcbs_private(smp_nr_cpus); /* state 5 was each AP's last use of it */
		uint64_t base, len;

		(void)smp_es_area(&base, &len);
		log_info("cocoboot: smp: %u APs parked in the AP reset hold; they leave through the AP "
			 "jump table at %#llx (area [%#llx-%#llx) reserved)\n", smp_nr_cpus - 1,
			 (unsigned long long)(base + SMP_ES_JT_OFFSET), (unsigned long long)base,
			 (unsigned long long)(base + len));
		return;
	}
	for (unsigned i = 1; i < smp_nr_cpus; i++)
		if (!lapic_send_init(&smp_lapic, smp_cpus[i].apic_id))
			boot_fatal(BOOT_ERR_SMP, "smp: INIT to CPU %u (APIC ID %#x) not delivered",
				   i, smp_cpus[i].apic_id);
	if (method->parked && !method->parked(smp_nr_cpus, err, sizeof(err)))
		boot_fatal(BOOT_ERR_SMP, "smp: parking: %s", err);
	log_info("cocoboot: smp: %u APs parked by INIT: waiting for a Startup IPI%s\n", smp_nr_cpus - 1,
		 method == &smp_method_vcpuop || method == &smp_method_page /* xenpage */
			 ? "; Xen: down, VCPUOP_initialise possible" : "");
}
