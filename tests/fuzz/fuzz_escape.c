/* SOURCES: lib/escape.c lib/format.c lib/console.c */
/*
 * libFuzzer: how bytes from outside are printed (lib/escape.c, lib/console.c). The first
 * two bytes choose a buffer size, the rest is the value. Claims: no crash or UB;
 * esc_str() stays inside its buffer, NUL-terminates, writes printable ASCII only, and
 * either shows the whole value (it unescapes to the input) or a prefix of it followed by
 * "...[truncated N bytes]" with N the number of input bytes not shown; esc_mark_cut()
 * keeps a message inside its buffer; console_write() of any bytes hands the backends
 * printable ASCII and newlines only, in lines of at most CONSOLE_LINE_MAX bytes;
 * console_write_escaped() (how the cmdline:, module and payload command lines are
 * printed) puts out the whole value as one line of printable ASCII that unescapes
 * to the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/console.h"
#include "lib/escape.h"
#include "lib/format.h"

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Unescape e[0..len) into out; returns the count, or -1 for a malformed escape. */
static long unescape(const char *e, size_t len, char *out)
{
	size_t j = 0;

	for (size_t i = 0; i < len; j++) {
		if (e[i] != '\\') {
			out[j] = e[i++];
		} else if (i + 1 < len && e[i + 1] == '\\') {
			out[j] = '\\';
			i += 2;
		} else if (i + 3 < len && e[i + 1] == 'x' && hexval(e[i + 2]) >= 0 && hexval(e[i + 3]) >= 0) {
			out[j] = (char)(hexval(e[i + 2]) << 4 | hexval(e[i + 3]));
			i += 4;
		} else {
			return -1;
		}
	}
	return (long)j;
}

static size_t seen;
static char line[4 * 2048 + 2];

static void backend(const char *s, size_t n)
{
	if (n == 0 || n > CONSOLE_LINE_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '\n' || (s[i] >= 0x20 && s[i] <= 0x7e)))
			abort();
	if (seen + n <= sizeof(line))
		memcpy(line + seen, s, n);
	seen += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 2050)
		return 0; /* values up to 2 KiB, buffers up to 48 + 511 bytes: every cut case */
	size_t bufsize = ESC_MIN_BUF + ((size_t)data[0] | (size_t)data[1] << 8) % 512;
	const char *s = (const char *)data + 2;
	size_t len = size - 2;
	char *buf = malloc(bufsize); /* exact size: ASan sees any overflow */
	char *back = malloc(len + bufsize + 1); /* an unescaped cut output may be longer */

	esc_str(buf, bufsize, s, len);
	size_t out = strnlen(buf, bufsize);
	if (out == bufsize)
		abort();
	for (size_t i = 0; i < out; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7e)
			abort();
	const char *cut = strstr(buf, "...[truncated ");
	/* a value may itself contain the marker text: only a cut makes it end the output */
	long n;
	if ((n = unescape(buf, out, back)) == (long)len && !memcmp(back, s, len)) {
		/* whole */
	} else {
		while (cut && strstr(cut + 1, "...[truncated "))
			cut = strstr(cut + 1, "...[truncated ");
		if (!cut)
			abort();
		n = unescape(buf, (size_t)(cut - buf), back);
		if (n < 0 || (size_t)n >= len || memcmp(back, s, (size_t)n))
			abort();
		char want[64];
		snprintf(want, sizeof(want), "...[truncated %zu bytes]", len - (size_t)n);
		if (strcmp(cut, want))
			abort();
	}

	/* a message cut by fmt_snprintf, then marked */
	int full = fmt_snprintf(buf, bufsize, "%.*s", (int)len, s);
	esc_mark_cut(buf, bufsize, full);
	if (strnlen(buf, bufsize) == bufsize)
		abort();

	/* raw bytes through the console */
	static struct console_backend b = { .name = "b", .write = backend };
	console_reset();
	console_register(&b, true);
	seen = 0;
	console_write(s, len);
	console_flush();
	if (seen < len)
		abort();

	/* a value printed whole: one line that unescapes to it */
	seen = 0;
	console_write_escaped(s, len);
	console_write("\n", 1);
	if (seen > sizeof(line) || seen < len + 1 || line[seen - 1] != '\n' ||
	    memchr(line, '\n', seen - 1))
		abort();
	if (unescape(line, seen - 1, back) != (long)len || memcmp(back, s, len))
		abort();
	free(buf);
	free(back);
	return 0;
}
