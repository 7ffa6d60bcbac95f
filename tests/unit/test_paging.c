/* SOURCES: arch/x86/paging.c */
/*
 * Claims about the page-table builder (arch/x86/paging.c), checked by walking
 * the tables it builds in host memory the way the MMU would.
 */
#include "tests/unit/unit.h"

#include "arch/x86/paging.h"

#define POOL_PAGES 4096
#define POOL_BASE  0x10000000ull /* pretend physical address of the pool */
#define GiB (1ull << 30)
#define MiB (1ull << 20)

static uint8_t *pool;
static unsigned used;
static unsigned limit;

static uint64_t alloc_page(void *opaque)
{
	(void)opaque;
	if (used == limit)
		return 0;
	memset(pool + used * 4096ull, 0, 4096);
	return POOL_BASE + 4096ull * used++;
}

static void *to_ptr(void *opaque, uint64_t pa)
{
	(void)opaque;
	assert_true(pa >= POOL_BASE && pa < POOL_BASE + 4096ull * used);
	return pool + (pa - POOL_BASE);
}

static struct pt_ctx ctx;

static int setup(void **s)
{
	(void)s;
	if (!pool)
		pool = aligned_alloc(4096, POOL_PAGES * 4096ull);
	used = 0;
	limit = POOL_PAGES;
	ctx = (struct pt_ctx){ .alloc_page = alloc_page, .phys_to_ptr = to_ptr, .nx_ok = true };
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	free(pool);
	pool = NULL;
	return 0;
}

static void expect(uint64_t va, uint64_t pa, uint64_t size)
{
	uint64_t got, leaf, sz;

	if (!pt_translate(&ctx, va, &got, &leaf, &sz))
		fail_msg("va %#llx not mapped", (unsigned long long)va);
	if (got != pa || sz != size)
		fail_msg("va %#llx -> pa %#llx size %#llx, expected pa %#llx size %#llx",
			 (unsigned long long)va, (unsigned long long)got, (unsigned long long)sz,
			 (unsigned long long)pa, (unsigned long long)size);
}

static void maps_identity_with_the_largest_pages_allowed(void **s)
{
	(void)s;
	ctx.allow_1g = true;
	assert_int_equal(pt_init(&ctx), PT_OK);
	assert_int_equal(pt_map(&ctx, 0, 0, 4 * GiB, PT_WRITE), PT_OK);
	expect(0, 0, GiB);
	expect(3 * GiB + 5, 3 * GiB + 5, GiB);
	assert_false(pt_translate(&ctx, 4 * GiB, NULL, NULL, NULL));
	/* root + one PDPT for 4 GiB of 1 GiB pages */
	assert_int_equal(ctx.tables, 2);
}

static void falls_back_to_2m_without_1g_pages(void **s)
{
	(void)s;
	assert_int_equal(pt_init(&ctx), PT_OK);
	assert_int_equal(pt_map(&ctx, 0, 0, 4 * GiB, PT_WRITE), PT_OK);
	expect(0x12345678, 0x12345678, 2 * MiB);
	/* root + PDPT + 4 page directories */
	assert_int_equal(ctx.tables, 6);
}

static void uses_4k_pages_at_unaligned_edges(void **s)
{
	(void)s;
	ctx.allow_1g = true;
	assert_int_equal(pt_init(&ctx), PT_OK);
	/* QEMU-like RAM entry [1 MiB, 0x1ffe0000) */
	assert_int_equal(pt_map(&ctx, 0x100000, 0x100000, 0x1ffe0000 - 0x100000, PT_WRITE), PT_OK);
	expect(0x100000, 0x100000, 4096);
	expect(0x200000, 0x200000, 2 * MiB);
	expect(0x1ffdf000, 0x1ffdf000, 4096);
	assert_false(pt_translate(&ctx, 0x1ffe0000, NULL, NULL, NULL));
	assert_false(pt_translate(&ctx, 0xff000, NULL, NULL, NULL));
}

static void leaf_bits_follow_the_options(void **s)
{
	(void)s;
	uint64_t leaf;

	ctx.enc_mask = 1ull << 47;
	assert_int_equal(pt_init(&ctx), PT_OK);
	assert_int_equal(pt_map(&ctx, 0, 0, 2 * MiB, PT_WRITE | PT_EXEC), PT_OK);
	assert_int_equal(pt_map(&ctx, 2 * MiB, 2 * MiB, 4096, 0), PT_OK);
	assert_int_equal(pt_map(&ctx, 4 * MiB, 4 * MiB, 4096, PT_WRITE | PT_SHARED | PT_UNCACHED), PT_OK);
	assert_true(pt_translate(&ctx, 0, NULL, &leaf, NULL));
	assert_true(leaf & PTE_RW);
	assert_false(leaf & PTE_NX);
	assert_true(leaf & PTE_PS);
	assert_true(leaf & (1ull << 47)); /* private: C-bit set */
	assert_true(pt_translate(&ctx, 2 * MiB, NULL, &leaf, NULL));
	assert_false(leaf & PTE_RW);
	assert_true(leaf & PTE_NX);
	assert_false(leaf & PTE_PS);
	assert_true(pt_translate(&ctx, 4 * MiB, NULL, &leaf, NULL));
	assert_false(leaf & (1ull << 47)); /* shared: no C-bit */
	assert_true(leaf & PTE_PCD);
	/* translations report the address without the C-bit */
	expect(5, 5, 2 * MiB);
	/* without NX support no NX bit is ever set (it would be reserved) */
	ctx.nx_ok = false;
	assert_int_equal(pt_map(&ctx, 8 * MiB, 8 * MiB, 4096, 0), PT_OK);
	assert_true(pt_translate(&ctx, 8 * MiB, NULL, &leaf, NULL));
	assert_false(leaf & PTE_NX);
}

static void splits_a_large_page_for_a_finer_mapping(void **s)
{
	(void)s;
	uint64_t leaf;

	ctx.allow_1g = true;
	ctx.enc_mask = 1ull << 51;
	assert_int_equal(pt_init(&ctx), PT_OK);
	assert_int_equal(pt_map(&ctx, 0, 0, 4 * GiB, PT_WRITE), PT_OK);
	/* a shared 4 KiB page (a GHCB) inside the first 1 GiB page */
	assert_int_equal(pt_map(&ctx, 0x345000, 0x345000, 4096, PT_WRITE | PT_SHARED), PT_OK);
	assert_true(pt_translate(&ctx, 0x345000, NULL, &leaf, NULL));
	assert_false(leaf & (1ull << 51));
	expect(0x345000, 0x345000, 4096);
	/* the rest of the old 1 GiB page keeps mapping the same memory, private */
	expect(0x344000, 0x344000, 4096);
	expect(0x346000, 0x346000, 4096);
	expect(0x400000, 0x400000, 2 * MiB);
	expect(GiB - 1, GiB - 1, 2 * MiB);
	assert_true(pt_translate(&ctx, 0x400000, NULL, &leaf, NULL));
	assert_true(leaf & (1ull << 51));
	assert_true(leaf & PTE_RW);
	/* mapping a big page over the finer tables keeps them and fills them in */
	assert_int_equal(pt_map(&ctx, 0, 0, GiB, PT_WRITE), PT_OK);
	expect(0x345000, 0x345000, 4096);
	assert_true(pt_translate(&ctx, 0x345000, NULL, &leaf, NULL));
	assert_true(leaf & (1ull << 51));
}

static void maps_above_4g(void **s)
{
	(void)s;
	assert_int_equal(pt_init(&ctx), PT_OK);
	assert_int_equal(pt_map(&ctx, 4 * GiB, 4 * GiB, GiB, PT_WRITE), PT_OK);
	expect(5 * GiB - 1, 5 * GiB - 1, 2 * MiB);
	assert_false(pt_translate(&ctx, 5 * GiB, NULL, NULL, NULL));
	assert_int_equal(pt_map(&ctx, 1ull << 46, 1ull << 46, 4096, 0), PT_OK);
	expect(1ull << 46, 1ull << 46, 4096);
}

static void refuses_bad_ranges(void **s)
{
	(void)s;
	assert_int_equal(pt_init(&ctx), PT_OK);
	assert_int_equal(pt_map(&ctx, 0x1001, 0x1001, 4096, 0), PT_ERR_ALIGN);
	assert_int_equal(pt_map(&ctx, 0, 0, 100, 0), PT_ERR_ALIGN);
	assert_int_equal(pt_map(&ctx, 1ull << 47, 0, 4096, 0), PT_ERR_RANGE);      /* non-canonical */
	assert_int_equal(pt_map(&ctx, (1ull << 47) - 4096, 0, 8192, 0), PT_ERR_RANGE); /* runs out */
	assert_int_equal(pt_map(&ctx, ~0ull & ~0xfffull, 0, 8192, 0), PT_ERR_RANGE); /* wraps */
	assert_int_equal(pt_map(&ctx, 0, 1ull << 52, 4096, 0), PT_ERR_RANGE);      /* pa too wide */
	assert_int_equal(pt_map(&ctx, 0, 0, 0, 0), PT_OK);
	assert_int_equal(ctx.tables, 1);
}

static void reports_running_out_of_table_pages(void **s)
{
	(void)s;
	limit = 3;
	assert_int_equal(pt_init(&ctx), PT_OK);
	/* a 2 MiB page needs root, PDPT and PD: fits */
	assert_int_equal(pt_map(&ctx, 0, 0, 2 * MiB, 0), PT_OK);
	/* a 4 KiB page needs a fourth table page: refused */
	assert_int_equal(pt_map(&ctx, 2 * MiB, 2 * MiB, 4096, 0), PT_ERR_NOMEM);
	assert_int_equal(ctx.tables, 3);
	limit = 0;
	used = 0;
	assert_int_equal(pt_init(&ctx), PT_ERR_NOMEM);
}

static void unmaps_one_4k_page_and_nothing_else(void **s)
{
	(void)s;
	ctx.enc_mask = 1ull << 47;
	assert_int_equal(pt_init(&ctx), PT_OK);
	assert_int_equal(pt_map(&ctx, 0, 0, 4 * MiB, PT_WRITE), PT_OK);
	/* a device page mapped on its own, shared (the xAPIC page) */
	assert_int_equal(pt_map(&ctx, 0xfee00000, 0xfee00000, 4096, PT_WRITE | PT_SHARED | PT_UNCACHED), PT_OK);
	assert_int_equal(pt_map(&ctx, 0xfee01000, 0xfee01000, 4096, PT_WRITE), PT_OK);
	assert_true(pt_unmap_page(&ctx, 0xfee00000));
	assert_false(pt_translate(&ctx, 0xfee00000, NULL, NULL, NULL));
	expect(0xfee01000, 0xfee01000, 4096);   /* its neighbour stays */
	assert_false(pt_unmap_page(&ctx, 0xfee00000)); /* not mapped any more */
	assert_false(pt_unmap_page(&ctx, 8 * MiB));    /* never mapped */
	/* inside a 2 MiB page: refused, the page stays whole */
	assert_false(pt_unmap_page(&ctx, 0x1000));
	expect(0x1000, 0x1000, 2 * MiB);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(maps_identity_with_the_largest_pages_allowed),
		T(falls_back_to_2m_without_1g_pages),
		T(uses_4k_pages_at_unaligned_edges),
		T(leaf_bits_follow_the_options),
		T(splits_a_large_page_for_a_finer_mapping),
		T(maps_above_4g),
		T(refuses_bad_ranges),
		T(reports_running_out_of_table_pages),
		T(unmaps_one_4k_page_and_nothing_else),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
