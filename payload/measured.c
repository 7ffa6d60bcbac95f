// SPDX-License-Identifier: MIT
/* Measured boot: the SEV hashes table's use at boot (docs/abi.md §9.3). */
#include "payload/measured.h"
#include "snp/snp.h"

#include "arch/x86/cpu.h"
#include "boot/boot.h"
#include "boot/memory.h"
#include "boot/sev.h"
#include "lib/console.h"
#include "lib/string.h"
#include "payload/hashes.h"
#include "smp/cpu.h"

extern uint8_t cocoboot_hashes_page[COCOBOOT_HASHES_PAGE_SIZE]; /* payload/hashes_page.asm */

#define PAGE 4096ull

static struct sev_hash_table table; /* a copy: checked once, then used */
static enum hashes_state state = HASHES_EMPTY;

void measured_check_cmdline(const struct pvh_info *info)
{
	struct hashes_problem why;

	state = hashes_table_check(cocoboot_hashes_page, COCOBOOT_HASHES_PAGE_SIZE, &why);
	if (state == HASHES_BAD_TABLE || state == HASHES_BAD_ENTRY)
		boot_fatal(state == HASHES_BAD_TABLE ? BOOT_ERR_HASHES_TABLE : BOOT_ERR_HASH_ENTRY,
			   "measured boot: hashes table at %#llx: %s = %#llx: %s",
			   (unsigned long long)(uintptr_t)cocoboot_hashes_page, why.field,
			   (unsigned long long)why.value, why.reason);
	if (state == HASHES_EMPTY) {
		if (sev_mode() >= SEV_MODE_SEV)
			log_warn("cocoboot: WARNING: measured boot: the hashes table is empty: the "
				 "command line and the payload are not verified\n");
		return;
	}
	memcpy(&table, cocoboot_hashes_page, sizeof(table));
	if (!hashes_cmdline_matches(&table.cmdline, info->cmdline, info->cmdline_len))
		boot_fatal(BOOT_ERR_HASH_CMDLINE, "measured boot: the command line (%llu bytes) "
			   "differs from the hashes table's cmdline hash",
			   (unsigned long long)info->cmdline_len);
	log_info("cocoboot: measured boot: the command line matches its hash\n");
}

/* Copy a module into fresh private pages. Under SEV the VMM placed it in
 * shared memory: read it through a C-bit-clear mapping, then give the range
 * back its private mapping (a payload may be loaded there later). */
static void take(struct pvh_module *m, unsigned i)
{
	uint64_t to = pmm_alloc(&boot_pmm, (m->size + PAGE - 1) / PAGE, PAGE, ~0ull);
	bool shared = sev_mode() >= SEV_MODE_SEV;

	if (!to)
		boot_fatal(BOOT_ERR_MEMORY, "measured boot: no free RAM for a private copy of "
			   "modules[%u] (%#llx bytes)", i, (unsigned long long)m->size);
	/* The module's pages change their C-bit twice: flush first each time, as for the
	 * GHCB page (boot/sev.c), or old-key lines may be written back over them later. */
	uint64_t lo = m->paddr & ~(PAGE - 1), hi = (m->paddr + m->size + PAGE - 1) & ~(PAGE - 1);

	if (shared)
		sev_flush_before_cbit_change((const void *)(uintptr_t)lo, hi - lo);
	if (!mem_map(to, m->size, PT_WRITE) ||
	    (shared && !mem_map(m->paddr, m->size, PT_WRITE | PT_SHARED)))
		boot_fatal(BOOT_ERR_PAGING, "measured boot: cannot map modules[%u]", i);
	write_cr3(boot_pt.root);
	memcpy((void *)(uintptr_t)to, (const void *)(uintptr_t)m->paddr, m->size);
	if (shared) {
		sev_flush_before_cbit_change((const void *)(uintptr_t)lo, hi - lo);
		if (!mem_map(m->paddr, m->size, PT_WRITE))
			boot_fatal(BOOT_ERR_PAGING, "measured boot: cannot remap modules[%u]", i);
		write_cr3(boot_pt.root);
		/* SNP: the pages are shared in the RMP too; a payload gets them as RAM, so
		 * they turn private and validated (docs/abi.md §10). */
		if (sev_mode() == SEV_MODE_SNP)
			snp_make_range_private(m->paddr, m->size);
	}
	log_debug("cocoboot: measured boot: modules[%u] %#llx+%#llx copied%s to %#llx\n", i,
		  (unsigned long long)m->paddr, (unsigned long long)m->size,
		  shared ? " from shared memory" : "", (unsigned long long)to);
	m->paddr = to;
}

void measured_take_modules(struct pvh_info *info)
{
	if (state != HASHES_VALID || info->nr_modules == 0)
		return;
	/* The table covers two modules and the command line, nothing else:
	 * anything it does not cover is refused rather than passed on. */
	if (info->nr_modules > 2)
		boot_fatal(BOOT_ERR_HASH_ENTRY, "measured boot: nr_modules = %u: the hashes "
			   "table covers 2 (kernel, initrd)", info->nr_modules);
	for (unsigned i = 0; i < info->nr_modules; i++)
		if (info->modules[i].cmdline[0])
			boot_fatal(BOOT_ERR_HASH_CMDLINE, "measured boot: modules[%u].cmdline is "
				   "set, and the hashes table does not cover it", i);
	uint64_t t0 = rdtsc(), bytes = 0;
	for (unsigned i = 0; i < info->nr_modules; i++) {
		take(&info->modules[i], i);
		bytes += info->modules[i].size;
	}
	const struct pvh_module *k = &info->modules[0];
	if (!hashes_entry_matches(&table.kernel, (const void *)(uintptr_t)k->paddr, k->size))
		boot_fatal(BOOT_ERR_HASH_KERNEL, "measured boot: modules[0] (kernel, %#llx bytes) "
			   "differs from the kernel hash", (unsigned long long)k->size);
	const struct pvh_module *r = info->nr_modules > 1 ? &info->modules[1] : NULL;
	if (!hashes_entry_matches(&table.initrd, r ? (const void *)(uintptr_t)r->paddr : "",
				  r ? r->size : 0))
		boot_fatal(BOOT_ERR_HASH_INITRD, "measured boot: %s (initrd, %#llx bytes) differs "
			   "from the initrd hash", r ? "modules[1]" : "no module 1",
			   (unsigned long long)(r ? r->size : 0));
	const char *src;
	uint64_t ticks = rdtsc() - t0, per_ms = smp_tsc_per_ms(&src);
	log_info("cocoboot: measured boot: %u modules match the hashes table (%llu bytes copied "
		 "and hashed in %llu TSC ticks, %llu us at the TSC rate from %s)\n", info->nr_modules,
		 (unsigned long long)bytes, (unsigned long long)ticks,
		 (unsigned long long)(ticks * 1000 / (per_ms ? per_ms : 1)), src);
}
