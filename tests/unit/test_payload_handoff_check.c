/* SOURCES: tests/payloads/handoff_check.c */
/* SPDX-License-Identifier: MIT */
/*
 * The handoff checker (tests/payloads/handoff_check.c) accepts the states
 * cocoboot's trampolines produce (payload/enter.asm) and names each ABI rule
 * a bad state breaks (facts §1.2/§1.3 PVH, §4.3/§4.9 Linux).
 */
#include "unit.h"
#include "tests/payloads/handoff_check.h"
#include "linux/boot_params.h"
#include "xen/start_info.h"

#define MEM (32u << 20)
static uint8_t *mem;

static bool rd(void *opaque, uint64_t pa, void *dst, size_t len)
{
	(void)opaque;
	if (pa > MEM || len > MEM - pa)
		return false;
	memcpy(dst, mem + pa, len);
	return true;
}

static const struct handoff_env env = { rd, NULL, 0 };
static struct handoff_report rep;

static bool failed(const char *claim_part)
{
	const char *p = rep.text;
	while ((p = strstr(p, "FAIL - ")) != NULL) {
		const char *eol = strchr(p, '\n');
		if (strstr(p, claim_part) && (!eol || strstr(p, claim_part) < eol))
			return true;
		p += 7;
	}
	return false;
}

#define SEG(s, a) ((struct handoff_seg){ s, 0, 0xffffffffu, a })

/* ---- PVH: a state like payload_enter_pvh32's ---- */
#define SI_PA 0x10000
static struct handoff_regs pvh_state(void)
{
	memset(mem, 0, MEM);
	struct hvm_start_info *si = (void *)(mem + SI_PA);
	si->magic = XEN_HVM_START_MAGIC_VALUE;
	si->version = 1;
	si->cmdline_paddr = SI_PA + 0x100;
	strcpy((char *)mem + SI_PA + 0x100, "console=ttyS0");
	si->nr_modules = 1;
	si->modlist_paddr = SI_PA + 0x200;
	struct hvm_modlist_entry *ml = (void *)(mem + SI_PA + 0x200);
	ml[0] = (struct hvm_modlist_entry){ 0x800000, 0x1000, 0, 0 };
	si->memmap_paddr = SI_PA + 0x300;
	si->memmap_entries = 2;
	struct hvm_memmap_table_entry *mm = (void *)(mem + SI_PA + 0x300);
	mm[0] = (struct hvm_memmap_table_entry){ 0, 0x9fc00, 1, 0 };
	mm[1] = (struct hvm_memmap_table_entry){ 0x100000, MEM - 0x100000, 1, 0 };
	si->rsdp_paddr = 0xf0000;
	memcpy(mem + 0xf0000, "RSD PTR ", 8);
	struct handoff_regs r = {
		.rip = 0x400000, .rbx = SI_PA, .rflags = 0x2, .cr0 = 0x11,
		.cs = SEG(0x08, 0xc9b), .ds = SEG(0x18, 0xc93), .es = SEG(0x18, 0xc93),
		.ss = SEG(0x18, 0xc93), .tr = { 0x20, 0, 0x67, 0x8b }, .seg_valid = true,
	};
	return r;
}

static void pvh_good_state_passes(void **s)
{
	(void)s;
	struct handoff_regs r = pvh_state();
	memset(&rep, 0, sizeof rep);
	assert_int_equal(handoff_check_pvh(&env, &r, 0x400000, &rep), 0);
	assert_true(rep.checks >= 20);
}

static void pvh_bad_cpu_state_named(void **s)
{
	(void)s;
	struct handoff_regs r = pvh_state();
	r.cr0 |= 1ull << 31;
	memset(&rep, 0, sizeof rep);
	handoff_check_pvh(&env, &r, 0x400000, &rep);
	assert_true(failed("protected mode, paging off"));
	r = pvh_state(); r.cr0 |= 1ull << 16; /* WP */
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0, &rep);
	assert_true(failed("CR0 has no writable bit"));
	r = pvh_state(); r.cr4 = 0x20;
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0, &rep);
	assert_true(failed("CR4 is 0"));
	r = pvh_state(); r.efer = 0x500;
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0, &rep);
	assert_true(failed("EFER.LME and LMA clear"));
	r = pvh_state(); r.rflags |= 0x200;
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0, &rep);
	assert_true(failed("EFLAGS IF, TF, VM clear"));
	r = pvh_state(); r.cs.ar = 0xa9b; /* 64-bit code */
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0, &rep);
	assert_true(failed("CS: present 32-bit execute/read"));
	r = pvh_state(); r.ss.base = 0x1000;
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0, &rep);
	assert_true(failed("SS: base 0"));
	r = pvh_state(); r.rip = 0x400010;
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0x400000, &rep);
	assert_true(failed("PHYS32_ENTRY"));
	assert_int_equal(rep.failures, 1);
}

static void pvh_bad_start_info_named(void **s)
{
	(void)s;
	struct handoff_regs r = pvh_state();
	struct hvm_start_info *si = (void *)(mem + SI_PA);
	si->magic = 0;
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0, &rep);
	assert_true(failed("start_info: magic"));
	r = pvh_state();
	struct hvm_memmap_table_entry *mm = (void *)(mem + SI_PA + 0x300);
	mm[1].addr = 0x90000; /* overlaps entry 0 */
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0, &rep);
	assert_true(failed("sorted and non-overlapping"));
	r = pvh_state();
	struct hvm_modlist_entry *ml = (void *)(mem + SI_PA + 0x200);
	ml[0].paddr = SI_PA; /* over start_info */
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0, &rep);
	assert_true(failed("clear of start_info"));
	r = pvh_state();
	memset(mem + SI_PA + 0x100, 'a', 5000);
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0, &rep);
	assert_true(failed("command line NUL-terminated"));
	r = pvh_state();
	r.rbx = MEM + 0x1000;
	memset(&rep, 0, sizeof rep); handoff_check_pvh(&env, &r, 0, &rep);
	assert_true(failed("points at readable memory"));
}

/* ---- Linux: a state like payload_enter_linux64's ---- */
#define BP_PA  0x20000
#define CL_PA  0x21000
#define PT_PA  0x30000
#define LOAD   0x1000000
static struct handoff_regs linux_state(void)
{
	memset(mem, 0, MEM);
	/* identity map 0..1 GiB with one 1 GiB page */
	uint64_t *pml4 = (void *)(mem + PT_PA), *pdpt = (void *)(mem + PT_PA + 0x1000);
	pml4[0] = (PT_PA + 0x1000) | 3;
	pdpt[0] = 0x83;
	struct boot_params *bp = (void *)(mem + BP_PA);
	bp->hdr.boot_flag = BOOT_FLAG_MAGIC;
	bp->hdr.header = BOOT_HDRS_MAGIC;
	bp->hdr.version = 0x020f;
	bp->hdr.type_of_loader = 0x90;
	bp->hdr.xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
	bp->hdr.relocatable_kernel = 1;
	bp->hdr.kernel_alignment = 0x200000;
	bp->hdr.pref_address = LOAD;
	bp->hdr.init_size = 0x800000;
	bp->hdr.code32_start = LOAD;
	bp->hdr.cmdline_size = 2047;
	bp->hdr.cmd_line_ptr = CL_PA;
	strcpy((char *)mem + CL_PA, "console=ttyS0");
	bp->hdr.ramdisk_image = 0x1c00000;
	bp->hdr.ramdisk_size = 0x1000;
	bp->e820_entries = 2;
	bp->e820_table[0] = (struct boot_e820_entry){ 0, 0x9fc00, 1 };
	bp->e820_table[1] = (struct boot_e820_entry){ 0x100000, MEM - 0x100000, 1 };
	struct handoff_regs r = {
		.rip = LOAD + 0x200, .rsi = BP_PA, .rflags = 0x2, .cr0 = 0x80000011, .cr3 = PT_PA,
		.cr4 = 0x20, .efer = 0x500, .cs = { 0x10, 0, 0xffffffffu, 0xa9b },
		.ds = SEG(0x18, 0xc93), .es = SEG(0x18, 0xc93), .ss = SEG(0x18, 0xc93), .seg_valid = true,
	};
	return r;
}

static void linux_good_state_passes(void **s)
{
	(void)s;
	struct handoff_regs r = linux_state();
	memset(&rep, 0, sizeof rep);
	unsigned f = handoff_check_linux64(&env, &r, &rep);
	if (f)
		fail_msg("%s", rep.text);
	assert_true(rep.checks >= 18);
}

static void linux_bad_states_named(void **s)
{
	(void)s;
	struct handoff_regs r = linux_state();
	r.efer = 0x100; /* LME without LMA: not in long mode */
	memset(&rep, 0, sizeof rep); handoff_check_linux64(&env, &r, &rep);
	assert_true(failed("long mode with paging"));
	r = linux_state(); r.cs.sel = 0x08;
	memset(&rep, 0, sizeof rep); handoff_check_linux64(&env, &r, &rep);
	assert_true(failed("__BOOT_CS"));
	r = linux_state(); r.rip = LOAD;
	memset(&rep, 0, sizeof rep); handoff_check_linux64(&env, &r, &rep);
	assert_true(failed("entry = load address"));
	r = linux_state(); mem[BP_PA + 0x1ef] = 0xff;
	memset(&rep, 0, sizeof rep); handoff_check_linux64(&env, &r, &rep);
	assert_true(failed("sentinel 0"));
	r = linux_state(); ((struct boot_params *)(mem + BP_PA))->hdr.cmd_line_ptr = 0;
	memset(&rep, 0, sizeof rep); handoff_check_linux64(&env, &r, &rep);
	assert_true(failed("cmd_line_ptr"));
	r = linux_state(); ((struct boot_params *)(mem + BP_PA))->hdr.ramdisk_image = 0x1c00800;
	memset(&rep, 0, sizeof rep); handoff_check_linux64(&env, &r, &rep);
	assert_true(failed("page aligned"));
	r = linux_state(); ((uint64_t *)(mem + PT_PA + 0x1000))[0] = 0x40000083; /* not identity */
	memset(&rep, 0, sizeof rep); handoff_check_linux64(&env, &r, &rep);
	assert_true(failed("boot_params 0x20000 is identity mapped"));
	r = linux_state(); ((struct boot_params *)(mem + BP_PA))->e820_table[1].size = 0x100000;
	memset(&rep, 0, sizeof rep); handoff_check_linux64(&env, &r, &rep);
	assert_true(failed("one E820 RAM range"));
}

static void translate_walks_2m_and_4k_pages(void **s)
{
	(void)s;
	memset(mem, 0, MEM);
	uint64_t *pml4 = (void *)(mem + PT_PA), *pdpt = (void *)(mem + PT_PA + 0x1000);
	uint64_t *pd = (void *)(mem + PT_PA + 0x2000), *pt = (void *)(mem + PT_PA + 0x3000);
	pml4[0] = (PT_PA + 0x1000) | 3;
	pdpt[0] = (PT_PA + 0x2000) | 3;
	pd[1] = 0x200000 | 0x83;
	pd[0] = (PT_PA + 0x3000) | 3;
	pt[5] = 0x7000 | 3;
	uint64_t pa;
	assert_true(handoff_translate(&env, PT_PA, 0x212345, &pa));
	assert_int_equal(pa, 0x212345);
	assert_true(handoff_translate(&env, PT_PA, 0x5123, &pa));
	assert_int_equal(pa, 0x7123);
	assert_false(handoff_translate(&env, PT_PA, 0x6000, &pa));
}

int main(void)
{
	mem = calloc(1, MEM);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pvh_good_state_passes),
		cmocka_unit_test(pvh_bad_cpu_state_named),
		cmocka_unit_test(pvh_bad_start_info_named),
		cmocka_unit_test(linux_good_state_passes),
		cmocka_unit_test(linux_bad_states_named),
		cmocka_unit_test(translate_walks_2m_and_4k_pages),
	};
	int rc = cmocka_run_group_tests_name("payload_handoff_check", tests, NULL, NULL);
	free(mem);
	return rc;
}
