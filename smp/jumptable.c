// SPDX-License-Identifier: MIT
/*
 * SEV-ES without a bring-up page: the AP jump table and the AP reset hold
 * (docs/abi.md §11; amd-sev-facts.md §7.4, §2 0x006/0x007, §4.3 0x8000_0005).
 *
 * The hypervisor cannot set an SEV-ES AP's registers after launch, so every AP starts
 * from its launch VMSA at the SEV-ES AP area (smp/es_area.asm, fixed in the image), and
 * what the guest chooses at run time is reached through the AP jump table:
 *   prepare  copy the area's code, cocoboot's trampoline into its third page, the
 *            trampoline's real-mode address into the jump table (second page); register
 *            the table (NAE 0x8000_0005 SET) and read it back (GET): another address is a
 *            lie (reason 0x17): an AP would leave the hold for code the guest never wrote
 *   start    INIT and ONE Startup IPI per AP: KVM runs the launch VMSA on the first SIPI
 *            and completes a pending AP reset hold on a later one, so a second SIPI could
 *            wake an AP that already parked (it would run the boot's trampoline again)
 *   AP       area -> jump table -> trampoline (APIC ID by MSR-protocol CPUID: 1 VMGEXIT)
 *            -> 64-bit C on its own stacks, IST_VC, GHCB -> online -> back to the area,
 *            AP reset hold (1 VMGEXIT): two per AP, none more unless it logs
 *   hand-off the area stays reserved in the payload's memory map; a SIPI from the payload
 *            completes the hold and the AP jumps through the table the payload rewrote
 */
#include "arch/x86/cpu.h"
#include "boot/boot.h"
#include "boot/sev.h"
#include "ghcb/sev_es.h"
#include "lib/format.h"
#include "lib/string.h"
#include "sev/ap_area.h"
#include "smp/cpu.h"
#include "xen/pvh.h"

extern const uint8_t smp_es_page_start[], smp_es_page_end[];

#define PAGE 4096u

static bool area_in_use;

bool smp_es_area(uint64_t *base, uint64_t *len)
{
	*base = SMP_ES_AREA;
	*len = SMP_ES_AREA_SIZE;
	return area_in_use;
}

/* The area must be RAM in the memory map (the hypervisor backs it) and hold nothing
 * start_info describes: it is fixed in the image, so a loader may have put something
 * there. */
static bool area_usable(char *err, size_t err_size)
{
	const struct pvh_info *info = smp_info;
	bool ram = false;

	for (uint32_t i = 0; i < info->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &info->memmap[i];

		if (e->type == XEN_HVM_MEMMAP_TYPE_RAM && e->addr <= SMP_ES_AREA &&
		    e->addr + e->size >= SMP_ES_AREA + SMP_ES_AREA_SIZE)
			ram = true;
	}
	if (!ram)
		return smp_fail(BOOT_ERR_SMP_JUMP_TABLE, err, err_size,
			    "SEV-ES AP area [%#x-%#x) is not RAM in the memory map", SMP_ES_AREA,
			    SMP_ES_AREA + SMP_ES_AREA_SIZE);
	for (uint32_t p = SMP_ES_AREA; p < SMP_ES_AREA + SMP_ES_AREA_SIZE; p += PAGE)
		if (smp_low_page_in_use(info, p))
			return smp_fail(BOOT_ERR_SMP_JUMP_TABLE, err, err_size,
				    "SEV-ES AP area page %#x holds start_info data", p);
	return true;
}

/* Copy the area's code, point the jump table at entry (real-mode segment seg, IP 0),
 * register the table and check the hypervisor's answer. Used by the bring-up page under
 * SEV-ES too (its APs park here). */
bool smp_es_area_setup(uint16_t seg, char *err, size_t err_size)
{
	uint8_t *area = (uint8_t *)(uintptr_t)SMP_ES_AREA;
	struct sev_ap_jump_table *jt = (void *)(area + SMP_ES_JT_OFFSET);
	uint64_t gpa = SMP_ES_AREA + SMP_ES_JT_OFFSET, got = 0;
	int e;

	if (!area_usable(err, err_size))
		return false;
	memset(area, 0, PAGE);
	memcpy(area, smp_es_page_start, (size_t)(smp_es_page_end - smp_es_page_start));
	memset(jt, 0, PAGE);
	jt->ip = 0;
	jt->cs = seg;
	area_in_use = true;
	e = sev_es_jump_table(true, &gpa);
	if (e)
		return smp_fail(BOOT_ERR_SMP_JUMP_TABLE, err, err_size,
			    "AP jump table SET %#llx refused (GHCB error %#x)",
			    (unsigned long long)gpa, e);
	e = sev_es_jump_table(false, &got);
	if (e || got != gpa)
		return smp_fail(BOOT_ERR_SMP_JUMP_TABLE, err, err_size,
			    "AP jump table: GET returned %#llx (GHCB error %#x), not the %#llx set",
			    (unsigned long long)got, e, (unsigned long long)gpa);
	return true;
}

/*
 * A toolstack that does not read the area note launches APs at the architectural reset
 * vector (real mode, CS 0xF000, IP 0xFFF0: what KVM/QEMU give an AP when no firmware
 * reset block names another address). Where its legacy alias 0xFFFF0 is RAM that
 * start_info does not use, a far jump to the area goes there too, as libkrun's qboot has
 * Linux write its trampoline's address at its AP reset vector. Where it is ROM the write
 * is lost and only the note's launch state works.
 */
#define RESET_ALIAS 0xffff0u

static void reset_alias_jump(void)
{
	const struct pvh_info *info = smp_info;
	uint8_t *p = (uint8_t *)(uintptr_t)RESET_ALIAS;

	for (uint32_t i = 0; i < info->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &info->memmap[i];

		if (e->type == XEN_HVM_MEMMAP_TYPE_RAM && e->addr <= RESET_ALIAS &&
		    e->addr + e->size >= RESET_ALIAS + 16 &&
		    !smp_low_page_in_use(info, RESET_ALIAS & ~(PAGE - 1))) {
			p[0] = 0xea;                        /* jmp far ptr16:16 */
			p[1] = 0;
			p[2] = 0;                           /* IP 0 */
			p[3] = (uint8_t)(SMP_ES_AREA >> 4);
			p[4] = (uint8_t)(SMP_ES_AREA >> 12); /* CS = area >> 4 */
			return;
		}
	}
}

static bool jt_prepare(unsigned n, char *err, size_t err_size)
{
	uint16_t seg = smp_tramp_install(SMP_ES_AREA + SMP_ES_TRAMP_OFFSET, n, true, err, err_size);

	if (!seg || !smp_es_area_setup(seg, err, err_size))
		return false;
	reset_alias_jump();
	return true;
}

static bool jt_start(unsigned first, unsigned last, char *err, size_t err_size)
{
	for (unsigned i = first; i < last; i++) {
		struct smp_cpu *c = &smp_cpus[i];

		c->identified = true; /* the trampoline finds it by APIC ID */
		c->state = SMP_STATE_STARTING;
		if (!lapic_send_init(&smp_lapic, c->apic_id) ||
		    !lapic_send_sipi(&smp_lapic, c->apic_id,
				     (uint8_t)((SMP_ES_AREA + SMP_ES_TRAMP_OFFSET) >> 12)))
			return smp_fail(BOOT_ERR_SMP, err, err_size,
				    "INIT/SIPI to CPU %u (APIC ID %#x) not delivered", i, c->apic_id);
	}
	return true;
}

/* Every AP found itself in the trampoline's table, each entry claimed once. */
static bool jt_check(unsigned n, char *err, size_t err_size)
{
	uint32_t last, stray = smp_tramp_strays(&last);

	(void)n;
	if (stray)
		return smp_fail(BOOT_ERR_SMP_IDENTITY, err, err_size,
			    "%u CPU(s) ran the trampoline with an APIC ID not in the MADT or taken by "
			    "another CPU (last %#x)",
			    stray, last);
	return true;
}

/* Before the hand-off: the table is still the one registered. */
bool smp_es_jump_table_parked(unsigned n, char *err, size_t err_size)
{
	uint64_t got = 0;
	int e = sev_es_jump_table(false, &got);

	(void)n;
	if (e || got != SMP_ES_AREA + SMP_ES_JT_OFFSET)
		return smp_fail(BOOT_ERR_SMP_JUMP_TABLE, err, err_size,
			    "AP jump table at hand-off: GET returned %#llx (GHCB error %#x), not %#x",
			    (unsigned long long)got, e, SMP_ES_AREA + SMP_ES_JT_OFFSET);
	return true;
}

static unsigned jt_describe(unsigned i, char *buf, size_t size)
{
	uint32_t last, stray = smp_tramp_strays(&last);

	(void)i;
	if (stray)
		fmt_snprintf(buf, size, "; %u CPU(s) with an APIC ID not in the MADT or taken by "
			     "another CPU ran the trampoline (last %#x)", stray, last);
	return stray ? BOOT_ERR_SMP_IDENTITY : 0;
}

const struct smp_method smp_method_jumptable = {
	.name = "SEV-ES AP jump table",
	.prepare = jt_prepare,
	.start = jt_start,
	.check = jt_check,
	.parked = smp_es_jump_table_parked,
	.park_at_once = true,
	.describe = jt_describe,
};
