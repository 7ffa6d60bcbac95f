/* SOURCES: */
/*
 * Claims about the guest's string functions (lib/string.c). They carry libc's
 * names, so this test renames them and includes the file itself.
 */
#include "tests/unit/unit.h"

#define memcpy cb_memcpy
#define memmove cb_memmove
#define memset cb_memset
#define memcmp cb_memcmp
#define strlen cb_strlen
#define strnlen cb_strnlen
#define strncmp cb_strncmp
#define strcmp cb_strcmp
#include "lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strncmp
#undef strcmp

static void copies_and_fills_like_libc(void **s)
{
	(void)s;
	unsigned char a[300], b[300], ref[300];

	for (int i = 0; i < 300; i++)
		a[i] = (unsigned char)(i * 7 + 3);
	memset(b, 0xee, sizeof(b));
	assert_ptr_equal(cb_memcpy(b + 1, a + 2, 257), b + 1);
	assert_memory_equal(b + 1, a + 2, 257);
	assert_int_equal(b[0], 0xee);
	assert_int_equal(b[258], 0xee);
	assert_ptr_equal(cb_memset(b, 0x5a, 13), b);
	memset(ref, 0x5a, 13);
	assert_memory_equal(b, ref, 13);
	assert_int_equal(b[13], a[14]);
	assert_ptr_equal(cb_memcpy(b, a, 0), b);
	/* quadword bulk plus byte tail, a byte value above 127 */
	for (size_t n = 0; n < 40; n++) {
		memset(b, 0, sizeof(b));
		cb_memset(b + 3, 0xa5, n);
		for (size_t i = 0; i < sizeof(b); i++)
			assert_int_equal(b[i], i >= 3 && i < 3 + n ? 0xa5 : 0);
	}
}

static void memmove_handles_overlap_both_ways(void **s)
{
	(void)s;
	for (size_t off = 1; off < 40; off += 7) {
		for (size_t n = 0; n < 200; n += 33) {
			unsigned char buf[300], ref[300];

			for (int i = 0; i < 300; i++)
				buf[i] = ref[i] = (unsigned char)(i ^ 0xa5);
			memmove(ref + off, ref, n);
			cb_memmove(buf + off, buf, n); /* dst above src */
			assert_memory_equal(buf, ref, sizeof(buf));
			memmove(ref, ref + off, n);
			cb_memmove(buf, buf + off, n); /* dst below src */
			assert_memory_equal(buf, ref, sizeof(buf));
		}
	}
	/* the direction flag is clear again afterwards (the ABI needs DF=0) */
	unsigned long flags;

	__asm__ volatile("pushf; pop %0" : "=r"(flags));
	assert_int_equal(flags & (1ul << 10), 0);
}

static void compares_and_measures_strings(void **s)
{
	(void)s;
	assert_int_equal(cb_memcmp("abc", "abd", 3) < 0, 1);
	assert_int_equal(cb_memcmp("abd", "abc", 3) > 0, 1);
	assert_int_equal(cb_memcmp("abc", "abd", 2), 0);
	assert_int_equal(cb_strlen("hello"), 5);
	assert_int_equal(cb_strnlen("hello", 3), 3);
	assert_int_equal(cb_strnlen("hi", 10), 2);
	assert_int_equal(cb_strncmp("abc", "abd", 2), 0);
	assert_int_equal(cb_strncmp("abc", "abd", 3) < 0, 1);
	assert_int_equal(cb_strcmp("same", "same"), 0);
	assert_int_equal(cb_strcmp("a", "ab") < 0, 1);
	assert_int_equal(cb_strcmp("\xff", "a") > 0, 1); /* unsigned char order */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copies_and_fills_like_libc),
		cmocka_unit_test(memmove_handles_overlap_both_ways),
		cmocka_unit_test(compares_and_measures_strings),
	};
	return UNIT_RUN(tests);
}
