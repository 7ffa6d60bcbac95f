/* SOURCES: arch/x86/pmm.c */
/* Claims about the physical page allocator (arch/x86/pmm.c). */
#include "tests/unit/unit.h"

#include "arch/x86/pmm.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static struct pmm p;

static int setup(void **s)
{
	(void)s;
	pmm_init(&p);
	return 0;
}

static void counts_whole_pages_of_ram(void **s)
{
	(void)s;
	pmm_add_ram(&p, 0x1234, 0x10000); /* rounds in to [0x2000, 0x11000) */
	assert_int_equal(pmm_free_bytes(&p), 0xf000);
	pmm_add_ram(&p, 0x100000, 0x800); /* less than a page: nothing */
	assert_int_equal(pmm_free_bytes(&p), 0xf000);
}

static void allocates_from_the_top_below_the_limit(void **s)
{
	(void)s;
	pmm_add_ram(&p, 1 * MiB, 127 * MiB);
	pmm_add_ram(&p, 4 * GiB, 1 * GiB);
	assert_int_equal(pmm_alloc(&p, 1, 4096, ~0ull), 5 * GiB - 4096);
	assert_int_equal(pmm_alloc(&p, 1, 4096, 4 * GiB), 128 * MiB - 4096);
	assert_int_equal(pmm_alloc(&p, 2, 2 * MiB, 4 * GiB), 126 * MiB);
	/* nothing fits below 1 MiB */
	assert_int_equal(pmm_alloc(&p, 1, 4096, 1 * MiB), 0);
	/* bad requests */
	assert_int_equal(pmm_alloc(&p, 0, 4096, ~0ull), 0);
	assert_int_equal(pmm_alloc(&p, 1, 3000, ~0ull), 0);
	assert_int_equal(pmm_alloc(&p, 1ull << 60, 4096, ~0ull), 0);
}

static void never_hands_out_reserved_memory(void **s)
{
	(void)s;
	const char *what = NULL;

	/* reservations made before and after the RAM is added both count */
	pmm_reserve(&p, 0x100000, 0x24000, "image");
	pmm_add_ram(&p, 0x100000, 16 * MiB);
	pmm_reserve(&p, 0x200100, 100, "start_info"); /* rounds out to a page */
	pmm_reserve(&p, 16 * MiB + 0x100000 - 0x3000, 0x2000, "module");
	assert_true(pmm_is_reserved(&p, 0x200000, 1, &what));
	assert_string_equal(what, "start_info");
	assert_false(pmm_is_reserved(&p, 0x201000, 0x1000, &what));
	uint64_t total = pmm_free_bytes(&p);

	assert_int_equal(total, 16 * MiB - 0x24000 - 0x1000 - 0x2000);
	/* drain everything page by page: no page is reserved, none twice */
	uint64_t n = 0, prev = ~0ull, pa;

	while ((pa = pmm_alloc(&p, 1, 4096, ~0ull)) != 0) {
		assert_false(pmm_is_reserved(&p, pa, 4096, NULL));
		assert_true(pa < prev); /* strictly descending: never the same page twice */
		prev = pa;
		n++;
	}
	assert_int_equal(n * 4096, total);
	assert_int_equal(pmm_free_bytes(&p), 0);
}

static void overlapping_ram_entries_do_not_duplicate_pages(void **s)
{
	(void)s;
	pmm_add_ram(&p, 0, 8 * MiB);
	pmm_add_ram(&p, 4 * MiB, 8 * MiB);
	assert_int_equal(pmm_free_bytes(&p), 12 * MiB);
}

static void wrapping_ranges_are_clamped(void **s)
{
	(void)s;
	pmm_add_ram(&p, 1 * MiB, 1 * MiB);
	pmm_reserve(&p, ~0ull - 100, 1000, "wraps");
	pmm_add_ram(&p, ~0ull - 0x5000, 0x10000);
	assert_true(pmm_is_reserved(&p, ~0ull - 50, 10, NULL));
	assert_int_equal(pmm_free_bytes(&p) >= 1 * MiB, 1);
}

static void fragmentation_past_the_table_loses_memory_not_safety(void **s)
{
	(void)s;
	pmm_add_ram(&p, 0, 1 * GiB);
	/* punch more holes than the table has ranges */
	for (unsigned i = 0; i < PMM_MAX_RANGES + 10; i++)
		pmm_reserve(&p, (uint64_t)(2 * i + 1) * MiB, 4096, "hole");
	assert_true(p.overflow || p.nr_free <= PMM_MAX_RANGES);
	for (unsigned i = 0; i < p.nr_free; i++)
		assert_false(pmm_is_reserved(&p, p.free[i].base, p.free[i].end - p.free[i].base, NULL));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(counts_whole_pages_of_ram),
		T(allocates_from_the_top_below_the_limit),
		T(never_hands_out_reserved_memory),
		T(overlapping_ram_entries_do_not_duplicate_pages),
		T(wrapping_ranges_are_clamped),
		T(fragmentation_past_the_table_loses_memory_not_safety),
	};
	return UNIT_RUN(tests);
}
