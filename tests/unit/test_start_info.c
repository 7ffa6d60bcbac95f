/* SOURCES: xen/pvh.c lib/format.c */
/*
 * Claims about hvm_start_info validation (xen/pvh.c): a well-formed start_info
 * of version 0 or 1 is copied out whole; each malformed one is refused with an
 * error that names the field and its value.
 */
#include "tests/unit/unit.h"

#include "xen/pvh.h"

#define MEM_SIZE   (16u << 20)
#define IMAGE_BASE 0x100000u
#define IMAGE_END  0x140000u
#define SI_PA      0x200000u
#define CMD_PA     0x200800u
#define MODLIST_PA 0x201000u
#define MEMMAP_PA  0x202000u
#define MOD0_PA    0x300000u
#define MOD1_PA    0x400000u

static uint8_t *mem;
static struct pvh_info info;
static char err[256];
static char warnings[4096];

static bool fake_read(void *opaque, uint64_t pa, void *dst, size_t len)
{
	(void)opaque;
	if (pa > MEM_SIZE || len > MEM_SIZE - pa)
		return false;
	memcpy(dst, mem + pa, len);
	return true;
}

static void fake_warn(void *opaque, const char *msg)
{
	(void)opaque;
	strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
	strcat(warnings, "\n");
}

static const struct pvh_env env = {
	.read = fake_read,
	.image_start = IMAGE_BASE,
	.image_end = IMAGE_END,
	.warn = fake_warn,
};

static struct hvm_start_info *si(void)
{
	return (struct hvm_start_info *)(mem + SI_PA);
}

static struct hvm_memmap_table_entry *mm(void)
{
	return (struct hvm_memmap_table_entry *)(mem + MEMMAP_PA);
}

static struct hvm_modlist_entry *ml(void)
{
	return (struct hvm_modlist_entry *)(mem + MODLIST_PA);
}

/* A valid version-1 start_info like xl would build: cmdline, two modules
 * (the second with a command line), three memory-map entries. */
static int setup(void **state)
{
	(void)state;
	if (!mem)
		mem = malloc(MEM_SIZE);
	assert_non_null(mem);
	memset(mem, 0, MEM_SIZE);
	*si() = (struct hvm_start_info){
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
		.nr_modules = 2,
		.modlist_paddr = MODLIST_PA,
		.cmdline_paddr = CMD_PA,
		.rsdp_paddr = 0xf5000,
		.memmap_paddr = MEMMAP_PA,
		.memmap_entries = 3,
	};
	strcpy((char *)mem + CMD_PA, "console=e9 loglevel=debug");
	mm()[0] = (struct hvm_memmap_table_entry){ 0, 0x9fc00, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
	mm()[1] = (struct hvm_memmap_table_entry){ 0xf0000, 0x10000, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
	mm()[2] = (struct hvm_memmap_table_entry){ 0x100000, MEM_SIZE - 0x100000, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
	ml()[0] = (struct hvm_modlist_entry){ MOD0_PA, 0x1234, 0, 0 };
	ml()[1] = (struct hvm_modlist_entry){ MOD1_PA, 0x10000, MODLIST_PA + 0x100, 0 };
	strcpy((char *)mem + MODLIST_PA + 0x100, "initrd args");
	warnings[0] = 0;
	err[0] = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	mem = NULL;
	return 0;
}

static enum pvh_error parse(void)
{
	return pvh_parse(&env, SI_PA, &info, err, sizeof(err));
}

#define ASSERT_REFUSED(code, text)                                      \
	do {                                                            \
		assert_int_equal(parse(), code);                        \
		if (!strstr(err, text))                                 \
			fail_msg("error \"%s\" lacks \"%s\"", err, text); \
	} while (0)

static void accepts_a_valid_version_1(void **s)
{
	(void)s;
	assert_int_equal(parse(), PVH_OK);
	assert_string_equal(err, "");
	assert_int_equal(info.version, 1);
	assert_string_equal(info.cmdline, "console=e9 loglevel=debug");
	assert_int_equal(info.cmdline_len, 25);
	assert_int_equal(info.nr_modules, 2);
	assert_int_equal(info.modules[0].paddr, MOD0_PA);
	assert_int_equal(info.modules[0].size, 0x1234);
	assert_string_equal(info.modules[0].cmdline, "");
	assert_string_equal(info.modules[1].cmdline, "initrd args");
	assert_int_equal(info.memmap_entries, 3);
	assert_int_equal(info.memmap[2].addr, 0x100000);
	assert_int_equal(pvh_ram_bytes(&info), 0x9fc00 + MEM_SIZE - 0x100000);
	assert_int_equal(info.rsdp_paddr, 0xf5000);
	assert_int_equal(info.nr_warnings, 0);
}

static void copies_once_so_later_changes_do_not_matter(void **s)
{
	(void)s;
	assert_int_equal(parse(), PVH_OK);
	/* a hostile producer rewrites memory after the check */
	strcpy((char *)mem + CMD_PA, "evil");
	mm()[2].size = 1ull << 40;
	assert_string_equal(info.cmdline, "console=e9 loglevel=debug");
	assert_int_equal(info.memmap[2].size, MEM_SIZE - 0x100000);
}

static void accepts_version_0_without_memmap(void **s)
{
	(void)s;
	si()->version = 0;
	si()->memmap_entries = 0xdead; /* not part of version 0: ignored */
	assert_int_equal(parse(), PVH_OK);
	assert_int_equal(info.version, 0);
	assert_int_equal(info.memmap_entries, 0);
	assert_int_equal(info.nr_modules, 2);
}

static void reads_a_newer_version_as_version_1_with_a_warning(void **s)
{
	(void)s;
	si()->version = 2;
	si()->reserved = 7; /* may mean something in version 2 */
	assert_int_equal(parse(), PVH_OK);
	assert_int_equal(info.version, 2);
	assert_int_equal(info.memmap_entries, 3);
	assert_non_null(strstr(warnings, "version=2 is newer than 1"));
}

static void refuses_bad_magic(void **s)
{
	(void)s;
	si()->magic = 0x336ec579;
	ASSERT_REFUSED(PVH_ERR_MAGIC, "magic=0x336ec579");
}

static void refuses_a_null_or_unreadable_pointer(void **s)
{
	(void)s;
	assert_int_equal(pvh_parse(&env, 0, &info, err, sizeof(err)), PVH_ERR_READ);
	assert_non_null(strstr(err, "pointer (EBX) is 0"));
	assert_int_equal(pvh_parse(&env, MEM_SIZE - 8, &info, err, sizeof(err)), PVH_ERR_READ);
	assert_non_null(strstr(err, "cannot be read"));
}

static void refuses_nonzero_reserved_in_version_1(void **s)
{
	(void)s;
	si()->reserved = 1;
	ASSERT_REFUSED(PVH_ERR_RESERVED, "reserved=0x1");
}

static void refuses_counts_past_bounds(void **s)
{
	(void)s;
	si()->nr_modules = PVH_MAX_MODULES + 1;
	ASSERT_REFUSED(PVH_ERR_MODULES, "nr_modules=17 exceeds");
	setup(s);
	si()->memmap_entries = 100000;
	ASSERT_REFUSED(PVH_ERR_MEMMAP, "memmap_entries=100000 exceeds");
	setup(s);
	si()->memmap_paddr = 0;
	ASSERT_REFUSED(PVH_ERR_MEMMAP, "memmap_paddr=0 with memmap_entries=3");
	setup(s);
	si()->modlist_paddr = 0;
	ASSERT_REFUSED(PVH_ERR_MODULES, "modlist_paddr=0 with nr_modules=2");
}

static void refuses_addresses_outside_ram(void **s)
{
	(void)s;
	si()->cmdline_paddr = 0xa0000; /* VGA hole: not in the map */
	/* reads fine from the fake memory, but it is not RAM */
	strcpy((char *)mem + 0xa0000, "x");
	ASSERT_REFUSED(PVH_ERR_CMDLINE, "cmdline_paddr=0xa0000 size 0x2 is not in RAM");
	setup(s);
	ml()[1].paddr = MEM_SIZE - 0x8000; /* runs past the end of RAM */
	ASSERT_REFUSED(PVH_ERR_MODULES, "modules[1].paddr=0xff8000 size 0x10000 is not in RAM");
	setup(s);
	si()->modlist_paddr = MEM_SIZE + 0x1000;
	ASSERT_REFUSED(PVH_ERR_MODULES, "cannot be read");
	setup(s);
	ml()[0].size = ~0ull - MOD0_PA + 2; /* wraps */
	ASSERT_REFUSED(PVH_ERR_MODULES, "wraps");
	setup(s);
	ml()[0].paddr = 0;
	ASSERT_REFUSED(PVH_ERR_MODULES, "modules[0] paddr=0 size=0x1234 is empty");
}

static void refuses_overlaps(void **s)
{
	(void)s;
	ml()[0].paddr = IMAGE_END - 0x1000; /* last image page */
	ASSERT_REFUSED(PVH_ERR_OVERLAP, "overlaps the cocoboot image");
	setup(s);
	ml()[1].paddr = MOD0_PA + 0x1000; /* inside module 0 */
	ASSERT_REFUSED(PVH_ERR_OVERLAP, "modules[1] [0x301000+0x10000] overlaps modules[0]");
	setup(s);
	ml()[0].paddr = SI_PA;
	ASSERT_REFUSED(PVH_ERR_OVERLAP, "overlaps");
	setup(s);
	si()->cmdline_paddr = IMAGE_BASE + 0x10;
	strcpy((char *)mem + IMAGE_BASE + 0x10, "inside");
	ASSERT_REFUSED(PVH_ERR_OVERLAP, "cmdline_paddr=0x100010 size 0x7 overlaps the cocoboot image");
	setup(s);
	mm()[1] = (struct hvm_memmap_table_entry){ 0x80000, 0x40000, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
	ASSERT_REFUSED(PVH_ERR_MEMMAP, "memmap[1] [0x80000+0x40000] overlaps memmap[0]");
	setup(s);
	mm()[2].size = ~0ull;
	ASSERT_REFUSED(PVH_ERR_MEMMAP, "memmap[2] addr=0x100000 size=0xffffffffffffffff wraps");
}

static void refuses_unterminated_strings(void **s)
{
	(void)s;
	memset(mem + CMD_PA, 'A', PVH_CMDLINE_MAX + 16);
	ASSERT_REFUSED(PVH_ERR_CMDLINE, "cmdline_paddr=0x200800: string not terminated within 4096 bytes");
	setup(s);
	/* a command line running into the end of readable memory */
	si()->cmdline_paddr = MEM_SIZE - 4;
	memset(mem + MEM_SIZE - 4, 'B', 4);
	ASSERT_REFUSED(PVH_ERR_CMDLINE, "cannot read byte 4");
	setup(s);
	memset(mem + MODLIST_PA + 0x100, 'C', PVH_MOD_CMDLINE_MAX + 1);
	ASSERT_REFUSED(PVH_ERR_MODULES, "modules[1].cmdline_paddr=0x201100: string not terminated within 1024");
}

static void refuses_a_map_without_ram(void **s)
{
	(void)s;
	mm()[0].type = XEN_HVM_MEMMAP_TYPE_RESERVED;
	mm()[2].type = XEN_HVM_MEMMAP_TYPE_ACPI;
	si()->cmdline_paddr = 0;
	si()->nr_modules = 0;
	ASSERT_REFUSED(PVH_ERR_MEMMAP, "memmap has no RAM entry");
}

static void warns_about_odd_but_harmless_values(void **s)
{
	(void)s;
	mm()[1].type = 0x99;
	mm()[1].reserved = 5;
	si()->flags = 1u << 20;
	assert_int_equal(parse(), PVH_OK);
	assert_non_null(strstr(warnings, "memmap[1].type=0x99 unknown"));
	assert_non_null(strstr(warnings, "memmap[1].reserved=0x5"));
	assert_non_null(strstr(warnings, "flags=0x100000"));
	assert_int_equal(info.nr_warnings, 3);
}

static void range_backing_follows_the_map(void **s)
{
	(void)s;
	assert_int_equal(parse(), PVH_OK);
	assert_true(pvh_range_backed(&info, 0x1000, 0x1000));
	/* the option ROM / BIOS area counts as backed (QEMU's option ROM data) */
	assert_true(pvh_range_backed(&info, 0xc0000, 0x100));
	/* the VGA hole does not */
	assert_false(pvh_range_backed(&info, 0xa0000, 0x100));
	assert_false(pvh_range_backed(&info, 0x9f000, 0x2000));
	/* spanning the legacy area into RAM above 1 MiB */
	assert_true(pvh_range_backed(&info, 0xff000, 0x2000));
	assert_false(pvh_range_backed(&info, MEM_SIZE - 0x1000, 0x2000));
	assert_false(pvh_range_backed(&info, ~0ull - 10, 20));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(accepts_a_valid_version_1),
		T(copies_once_so_later_changes_do_not_matter),
		T(accepts_version_0_without_memmap),
		T(reads_a_newer_version_as_version_1_with_a_warning),
		T(refuses_bad_magic),
		T(refuses_a_null_or_unreadable_pointer),
		T(refuses_nonzero_reserved_in_version_1),
		T(refuses_counts_past_bounds),
		T(refuses_addresses_outside_ram),
		T(refuses_overlaps),
		T(refuses_unterminated_strings),
		T(refuses_a_map_without_ram),
		T(warns_about_odd_but_harmless_values),
		T(range_backing_follows_the_map),
	};
	return UNIT_RUN(tests);
}
