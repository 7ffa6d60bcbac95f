/* SOURCES: boot/cmdline.c lib/console.c lib/escape.c lib/format.c */
/*
 * libFuzzer: cocoboot's command line (boot/cmdline.c) as boot/start_info.c uses it.
 * Claims on any byte string: no crash or UB; splitting never fails; every option, the
 * dropped word, the open-quote word and the payload part point inside the input; at most
 * CMDLINE_MAX_OPTS options are kept; applying them leaves every field at a valid value;
 * every warning is one line of printable ASCII of bounded length. (How the line itself
 * is printed, console_write_escaped(), is fuzz_escape's.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/cmdline.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmdline c;
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

	return 0;
}
