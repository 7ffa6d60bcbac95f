/* SOURCES: lib/format.c */
/* Claims about the freestanding formatter (lib/format.c). */
#include "tests/unit/unit.h"

#include "lib/format.h"

static char buf[256];

#define EXPECT(want, ...)                                               \
	do {                                                            \
		int n_ = fmt_snprintf(buf, sizeof(buf), __VA_ARGS__);   \
		assert_string_equal(buf, want);                         \
		assert_int_equal(n_, (int)strlen(want));                \
	} while (0)

static void formats_integers_like_printf(void **s)
{
	(void)s;
	EXPECT("0 -1 42 2147483647 -2147483648", "%d %d %i %d %d", 0, -1, 42, 2147483647, (int)-2147483648LL);
	EXPECT("4294967295", "%u", 4294967295u);
	EXPECT("18446744073709551615", "%llu", 18446744073709551615ull);
	EXPECT("-9223372036854775808", "%lld", (long long)(-9223372036854775807LL - 1));
	EXPECT("ff FF 0xff 0XFF 17 017", "%x %X %#x %#X %o %#o", 255, 255, 255, 255, 15, 15);
	EXPECT("0", "%#x", 0);
	EXPECT("123456789abcdef0", "%llx", 0x123456789abcdef0ull);
	EXPECT("42 42", "%zu %lu", (size_t)42, 42ul);
	EXPECT("-1 255", "%hhd %hhu", 255, 255);
	EXPECT("-1 65535", "%hd %hu", 65535, 65535);
}

static void honours_width_precision_and_flags(void **s)
{
	(void)s;
	EXPECT("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
	EXPECT("-0042", "%05d", -42);
	EXPECT("0x002a", "%#06x", 42);
	EXPECT("  007", "%5.3d", 7);
	EXPECT("+5 -5  5", "%+d %+d % d", 5, -5, 5);
	EXPECT("   ab|ab   |abc", "%5s|%-5s|%.3s", "ab", "ab", "abcdef");
	EXPECT("  x", "%*s", 3, "x");
	EXPECT("ab", "%.*s", 2, "abcdef");
	EXPECT("", "%.0d", 0);
	const char *nul = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat"
	EXPECT("(null)", "%s", nul);
#pragma GCC diagnostic pop
	EXPECT("c|%|0x1000", "%c|%%|%p", 'c', (void *)0x1000);
}

static void truncates_safely_and_reports_full_length(void **s)
{
	(void)s;
	char small[8];

	memset(small, 'X', sizeof(small));
	int n = fmt_snprintf(small, sizeof(small), "%s-%d", "abcdef", 12345);
	assert_int_equal(n, 12);
	assert_string_equal(small, "abcdef-");
	/* size 0 writes nothing at all */
	small[0] = 'Q';
	assert_int_equal(fmt_snprintf(small, 0, "hello"), 5);
	assert_int_equal(small[0], 'Q');
	/* size 1 yields the empty string */
	assert_int_equal(fmt_snprintf(small, 1, "hello"), 5);
	assert_int_equal(small[0], 0);
}

static void precision_bounds_the_bytes_read(void **s)
{
	(void)s;
	/* exactly 3 bytes, no terminator: ASan flags any read past them */
	char *raw = malloc(3);

	memcpy(raw, "abc", 3);
	EXPECT("abc", "%.*s", 3, raw);
	EXPECT("ab", "%.2s", raw);
	free(raw);
}

static void shows_unknown_conversions_verbatim(void **s)
{
	(void)s;
	/* GCC would reject a bad format at compile time; build it at run time. */
	char fmt[8] = "%q|%";

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
	fmt_snprintf(buf, sizeof(buf), fmt);
#pragma GCC diagnostic pop
	assert_string_equal(buf, "%q|");
}

static char put_out[8192];
static size_t put_n;

static void put(void *ctx, char c)
{
	(void)ctx;
	if (put_n < sizeof(put_out))
		put_out[put_n++] = c;
}

static int vput(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int vput(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vput(put, NULL, fmt, ap);
	va_end(ap);
	return n;
}

static void streams_whole_output_without_a_buffer(void **s)
{
	(void)s;
	static char big[5000], want[5100];

	memset(big, 'z', sizeof(big) - 1);
	put_n = 0;
	int n = vput("[%s] %#x %-4d|\n", big, 255, 7);
	snprintf(want, sizeof(want), "[%s] %#x %-4d|\n", big, 255, 7);
	assert_int_equal(n, (int)strlen(want)); /* nothing cut, however long */
	assert_int_equal(put_n, strlen(want));
	assert_memory_equal(put_out, want, put_n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_integers_like_printf),
		cmocka_unit_test(honours_width_precision_and_flags),
		cmocka_unit_test(truncates_safely_and_reports_full_length),
		cmocka_unit_test(precision_bounds_the_bytes_read),
		cmocka_unit_test(shows_unknown_conversions_verbatim),
		cmocka_unit_test(streams_whole_output_without_a_buffer),
	};
	return UNIT_RUN(tests);
}
