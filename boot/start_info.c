// SPDX-License-Identifier: MIT
/* Reading, checking and printing hvm_start_info, and applying its command line. */
#include "arch/x86/desc.h"
#include "boot/boot.h"
#include "boot/sev.h"
#include "xen/xen.h"
#include "lib/console.h"
#include "lib/escape.h"
#include "lib/string.h"

extern const uint8_t __image_start[], __image_end[];

/* Until mem_init() builds the full tables only 0-4 GiB is mapped
 * (boot/entry32.asm), so start_info data must lie there. */
#define EARLY_MAPPED_END (4ull << 30)

static bool early_read(void *opaque, uint64_t pa, void *dst, size_t len)
{
	(void)opaque;
	if (pa + len < pa || pa + len > EARLY_MAPPED_END)
		return false;
	memcpy(dst, (const void *)(uintptr_t)pa, len);
	return true;
}

static void warn_line(void *opaque, const char *msg)
{
	(void)opaque;
	log_warn("cocoboot: warning: %s\n", msg);
}

static void no_warning(void *opaque, const char *msg)
{
	(void)opaque;
	(void)msg;
}

void boot_read_start_info(uint32_t start_info_pa, struct pvh_info *info)
{
	struct pvh_env env = {
		.read = early_read,
		.image_start = (uint64_t)(uintptr_t)__image_start,
		.image_end = (uint64_t)(uintptr_t)__image_end,
		.warn = warn_line,
	};
	char err[200];

	if (pvh_parse(&env, start_info_pa, info, err, sizeof(err)) != PVH_OK)
		boot_fatal(BOOT_ERR_START_INFO, "%s", err);
}

void boot_apply_cmdline(const struct pvh_info *info, struct boot_options *bo)
{
	static struct cmdline words; /* 1.1 KiB: not on the boot stack */

	/* Nothing here stops the boot: bad words are warned about and ignored
	 * (README "Command line"). The line takes effect first, silently; the
	 * second pass prints its warnings, so that console= and loglevel= apply
	 * to them too. */
	cmdline_split(info->cmdline, info->cmdline_len, &words);
	cmdline_apply(&words, bo, no_warning, NULL);
	console_set_level(bo->loglevel);
	if (bo->console) {
		const char *bad;
		size_t bad_len;
		char v[64], b[64];

		if (!console_select(bo->console, bo->console_len, &bad, &bad_len))
			log_warn("cocoboot: warning: cmdline: console='%s': no console named '%s': keeping the default\n",
				 esc_str(v, sizeof(v), bo->console, bo->console_len),
				 esc_str(b, sizeof(b), bad, bad_len));
	}
	cmdline_apply(&words, bo, warn_line, NULL);
}

static void print_size(uint64_t bytes)
{
	if (bytes >= (1ull << 30) && !(bytes & ((1ull << 30) - 1)))
		cprintf("%llu GiB", (unsigned long long)(bytes >> 30));
	else if (bytes >= (1ull << 20) && !(bytes & ((1ull << 20) - 1)))
		cprintf("%llu MiB", (unsigned long long)(bytes >> 20));
	else
		cprintf("%llu KiB", (unsigned long long)(bytes >> 10));
}

void boot_print_start_info(const struct pvh_info *info)
{
	char consoles[64];

	if (console_level() < LOG_INFO) {
		sev_print_info(); /* its warnings still count at loglevel=warn */
		return;
	}
	console_describe(consoles, sizeof(consoles));
	cprintf("cocoboot: PVH boot, start_info at %#llx version %u flags %#x\n",
		(unsigned long long)info->start_info_paddr, info->version, info->flags);
	cprintf("cocoboot: image [%#llx-%#llx), consoles: %s\n",
		(unsigned long long)(uintptr_t)__image_start,
		(unsigned long long)(uintptr_t)__image_end, consoles);
	/* Whole and escaped, however long (up to PVH_CMDLINE_MAX - 1 bytes). */
	cprintf("cocoboot: cmdline: \"");
	console_write_escaped(info->cmdline, info->cmdline_len);
	cprintf("\"\n");
	cprintf("cocoboot: memory map: %u entries\n", info->memmap_entries);
	for (uint32_t i = 0; i < info->memmap_entries; i++) {
		const struct hvm_memmap_table_entry *e = &info->memmap[i];

		cprintf("cocoboot:   memmap[%u] [0x%012llx-0x%012llx] %-8s ", i,
			(unsigned long long)e->addr, (unsigned long long)(e->addr + e->size - 1),
			pvh_memmap_type_name(e->type));
		print_size(e->size);
		cprintf("\n");
	}
	cprintf("cocoboot: RAM total: %llu KiB\n", (unsigned long long)(pvh_ram_bytes(info) >> 10));
	cprintf("cocoboot: modules: %u\n", info->nr_modules);
	for (uint32_t i = 0; i < info->nr_modules; i++) {
		const struct pvh_module *m = &info->modules[i];

		cprintf("cocoboot:   module[%u] [%#llx-%#llx) %llu bytes cmdline \"", i,
			(unsigned long long)m->paddr, (unsigned long long)(m->paddr + m->size),
			(unsigned long long)m->size);
		console_write_escaped(m->cmdline, strlen(m->cmdline));
		cprintf("\"\n");
	}
	if (info->rsdp_paddr)
		cprintf("cocoboot: ACPI RSDP at %#llx\n", (unsigned long long)info->rsdp_paddr);
	sev_print_info();
	xen_print_info();
}
