/* SOURCES: boot/cmdline.c lib/console.c lib/format.c */
/*
 * libFuzzer: cocoboot's command line (boot/cmdline.c). Claims: no crash or UB
 * on any byte string; every option and the payload part point inside the
 * input; applying the options leaves every field at a valid value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/cmdline.h"

static void ignore(void *opaque, const char *msg)
{
	(void)opaque;
	if (!memchr(msg, 0, 512))
		abort();
}

static int inside(const char *p, size_t n, const char *s, size_t len)
{
	return p >= s && p + n <= s + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct cmdline_opt opts[CMDLINE_MAX_OPTS];
	struct boot_options bo = { .loglevel = LOG_INFO };
	const char *rest, *err = NULL;
	size_t n, rest_len;

	if (!cmdline_split(s, size, opts, CMDLINE_MAX_OPTS, &n, &rest, &rest_len, &err)) {
		if (!err)
			abort();
		return 0;
	}
	if (n > CMDLINE_MAX_OPTS || (rest && !inside(rest, rest_len, s, size)))
		abort();
	for (size_t i = 0; i < n; i++)
		if (!inside(opts[i].key, opts[i].key_len, s, size) ||
		    (opts[i].val && !inside(opts[i].val, opts[i].val_len, s, size)))
			abort();
	cmdline_apply(opts, n, &bo, ignore, NULL);
	if (bo.loglevel > LOG_DEBUG || bo.fault > FAULT_DE ||
	    (bo.console && !inside(bo.console, bo.console_len, s, size)))
		abort();
	return 0;
}
