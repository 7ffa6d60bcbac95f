/* SOURCES: boot/cmdline.c lib/console.c lib/escape.c lib/format.c */
/*
 * libFuzzer: cocoboot's command line (boot/cmdline.c) as boot/start_info.c uses it.
 * Claims on any byte string: no crash or UB; splitting never fails; every option, the
 * dropped word, the open-quote word and the payload part point inside the input; at most
 * CMDLINE_MAX_OPTS options are kept; applying them leaves every field at a valid value;
 * every warning is one line of printable ASCII of bounded length; the cmdline line
 * printed through the console is printable ASCII, whole, and unescapes to the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/cmdline.h"
#include "lib/console.h"

static int inside(const char *p, size_t n, const char *s, size_t len)
{
	return p >= s && p + n <= s + len;
}

static void check_word(const struct cmdline_opt *o, const char *s, size_t size)
{
	if (!inside(o->key, o->key_len, s, size) || (o->val && !inside(o->val, o->val_len, s, size)))
		abort();
}

static void warning(void *opaque, const char *msg)
{
	size_t len = strnlen(msg, 1024);

	(void)opaque;
	if (len == 1024 || len == 0)
		abort(); /* unterminated or empty */
	for (size_t i = 0; i < len; i++)
		if (msg[i] < 0x20 || msg[i] > 0x7e)
			abort(); /* raw control byte, newline or high byte */
}

/* The console line, captured. */
static char out[4 * 4096 + 64];
static size_t out_len;

static void capture(const char *s, size_t n)
{
	if (n > sizeof(out) - out_len)
		abort();
	memcpy(out + out_len, s, n);
	out_len += n;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Undo lib/escape.h on out[from..to); compare with s. */
static void unescape_equals(size_t from, size_t to, const char *s, size_t size)
{
	size_t j = 0;

	for (size_t i = from; i < to; j++) {
		char c = out[i];

		if (j >= size)
			abort();
		if (c == '\\' && i + 1 < to && out[i + 1] == '\\') {
			c = '\\';
			i += 2;
		} else if (c == '\\' && i + 3 < to && out[i + 1] == 'x' && hexval(out[i + 2]) >= 0 &&
			   hexval(out[i + 3]) >= 0) {
			c = (char)(hexval(out[i + 2]) << 4 | hexval(out[i + 3]));
			i += 4;
		} else if (c == '\\') {
			abort(); /* a lone backslash: ambiguous */
		} else {
			i++;
		}
		if (c != s[j])
			abort();
	}
	if (j != size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmdline c;
	static struct console_backend cap = { .name = "cap", .write = capture };
	const char *s = (const char *)data;
	struct boot_options bo = { .loglevel = LOG_INFO };

	if (size >= 4096)
		return 0; /* PVH_CMDLINE_MAX - 1: what start_info lets through */
	cmdline_split(s, size, &c);
	if (c.n > CMDLINE_MAX_OPTS || (c.dropped && c.n != CMDLINE_MAX_OPTS))
		abort();
	if (c.rest && !inside(c.rest, c.rest_len, s, size))
		abort();
	if (c.rest && c.unterminated)
		abort(); /* an open quote swallows "--" */
	for (size_t i = 0; i < c.n; i++)
		check_word(&c.opt[i], s, size);
	if (c.dropped)
		check_word(&c.first_dropped, s, size);
	if (c.unterminated)
		check_word(&c.open_quote, s, size);

	cmdline_apply(&c, &bo, warning, NULL);
	if (bo.loglevel > LOG_DEBUG || bo.fault > FAULT_DE ||
	    (bo.console && !inside(bo.console, bo.console_len, s, size)) ||
	    bo.payload_cmdline != c.rest)
		abort();

	/* boot_print_start_info's line: whole, printable, one line, reversible. */
	console_reset();
	console_register(&cap, true);
	out_len = 0;
	static const char head[] = "cocoboot: cmdline: \"";
	cprintf("%s", head);
	console_write_escaped(s, size);
	cprintf("\"\n");
	if (out_len < sizeof(head) + 1 || memcmp(out, head, sizeof(head) - 1))
		abort();
	for (size_t i = 0; i < out_len; i++)
		if ((out[i] < 0x20 || out[i] > 0x7e) && !(out[i] == '\n' && i == out_len - 1))
			abort();
	if (out_len < 2 || memcmp(out + out_len - 2, "\"\n", 2))
		abort();
	unescape_equals(sizeof(head) - 1, out_len - 2, s, size);
	return 0;
}
