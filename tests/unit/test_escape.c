/* SOURCES: lib/escape.c lib/format.c */
/* Claims about printing bytes from outside (lib/escape.c): escaped, whole or visibly cut. */
#include "tests/unit/unit.h"

#include "lib/escape.h"

static char put_buf[8192];
static size_t put_len;

static void put(void *ctx, char c)
{
	(void)ctx;
	put_buf[put_len++] = c;
	put_buf[put_len] = 0;
}

static const char *put_all(const char *s, size_t len)
{
	put_len = 0;
	put_buf[0] = 0;
	esc_put(put, NULL, s, len);
	return put_buf;
}

static void printable_ascii_stands_for_itself(void **st)
{
	(void)st;
	const char *s = "console=e9 loglevel=\"a b\" x='y' ~!@#$%^&*()";

	assert_string_equal(put_all(s, strlen(s)), s);
}

static void every_other_byte_is_an_escape(void **st)
{
	(void)st;
	/* ESC [ 2 J (clear screen), newline, CR, TAB, DEL, 0xff, NUL, backslash */
	static const char s[] = "a\x1b[2J\n\r\t\x7f\xff";
	char with_nul[4] = { 'x', 0, '\\', 'y' };

	assert_string_equal(put_all(s, sizeof(s) - 1), "a\\x1b[2J\\x0a\\x0d\\x09\\x7f\\xff");
	assert_string_equal(put_all(with_nul, 4), "x\\x00\\\\y");
	for (int c = 0; c < 256; c++) {
		char ch = (char)c, e[ESC_MAX_PER_BYTE];
		size_t k = esc_char(ch, e);

		assert_true(k >= 1 && k <= ESC_MAX_PER_BYTE);
		for (size_t j = 0; j < k; j++)
			assert_true(e[j] >= 0x20 && e[j] <= 0x7e); /* output: printable only */
		assert_int_equal(esc_plain(ch), k == 1);
	}
}

static void a_value_that_fits_is_whole(void **st)
{
	(void)st;
	char buf[ESC_MIN_BUF + 8];

	assert_string_equal(esc_str(buf, sizeof(buf), "ab\ncd", 5), "ab\\x0acd");
	assert_string_equal(esc_str(buf, sizeof(buf), "", 0), "");
	/* exactly full: 55 plain bytes + NUL */
	char s[ESC_MIN_BUF + 7];
	memset(s, 'q', sizeof(s));
	assert_int_equal(strlen(esc_str(buf, sizeof(buf), s, sizeof(s))), sizeof(s));
}

static void a_long_value_is_cut_visibly_with_the_count(void **st)
{
	(void)st;
	char buf[64], s[1000];

	memset(s, 'k', sizeof(s));
	esc_str(buf, sizeof(buf), s, sizeof(s));
	assert_true(strlen(buf) < sizeof(buf));
	const char *m = strstr(buf, "...[truncated ");
	assert_non_null(m);
	size_t shown = (size_t)(m - buf);
	char want[64];
	snprintf(want, sizeof(want), "...[truncated %zu bytes]", sizeof(s) - shown);
	assert_string_equal(m, want); /* shown + not shown = the whole value */
	for (size_t i = 0; i < shown; i++)
		assert_int_equal(buf[i], 'k');
}

static void a_cut_never_splits_an_escape(void **st)
{
	(void)st;
	char buf[ESC_MIN_BUF + 9], s[300];

	memset(s, 0x1b, sizeof(s));
	for (size_t size = ESC_MIN_BUF; size <= sizeof(buf); size++) {
		esc_str(buf, size, s, sizeof(s));
		const char *m = strstr(buf, "...[truncated ");
		assert_non_null(m);
		size_t shown = (size_t)(m - buf);
		assert_int_equal(shown % 4, 0); /* whole \x1b escapes only */
		char want[64];
		snprintf(want, sizeof(want), "...[truncated %zu bytes]", sizeof(s) - shown / 4);
		assert_string_equal(m, want);
	}
}

static void a_cut_message_is_marked(void **st)
{
	(void)st;
	char buf[ESC_MIN_BUF + 12], long_msg[101];

	memset(long_msg, 'm', 100);
	long_msg[100] = 0;
	int full = snprintf(buf, sizeof(buf), "%s", long_msg); /* cut by snprintf */

	esc_mark_cut(buf, sizeof(buf), full);
	assert_true(strlen(buf) < sizeof(buf));
	const char *m = strstr(buf, "...[truncated ");
	assert_non_null(m);
	char want[64];
	snprintf(want, sizeof(want), "...[truncated %zu bytes]", (size_t)full - (size_t)(m - buf));
	assert_string_equal(m, want);
	/* a message that fitted is left alone */
	full = snprintf(buf, sizeof(buf), "short");
	esc_mark_cut(buf, sizeof(buf), full);
	assert_string_equal(buf, "short");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printable_ascii_stands_for_itself),
		cmocka_unit_test(every_other_byte_is_an_escape),
		cmocka_unit_test(a_value_that_fits_is_whole),
		cmocka_unit_test(a_long_value_is_cut_visibly_with_the_count),
		cmocka_unit_test(a_cut_never_splits_an_escape),
		cmocka_unit_test(a_cut_message_is_marked),
	};
	return UNIT_RUN(tests);
}
