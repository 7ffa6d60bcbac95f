// SPDX-License-Identifier: MIT
#include "lib/console.h"

#include <stdint.h>

#include "lib/escape.h"
#include "lib/format.h"

static struct console_backend *backends[CONSOLE_MAX_BACKENDS];
static size_t nr_backends;
static char line[CONSOLE_LINE_MAX];
static size_t line_len;
static bool mid_line; /* the last byte written was not a newline: a line is open */
static enum log_level cur_level = LOG_INFO;
/* Several CPUs: held from a line's first byte to its newline (console_set_lock). */
static void (*lock_acquire)(void);
static void (*lock_release)(void);

void console_set_lock(void (*acquire)(void), void (*release)(void))
{
	lock_acquire = acquire;
	lock_release = release;
}

static void line_lock(void)
{
	if (lock_acquire)
		lock_acquire();
}

/* Let go only between lines: a partial line keeps the console, also when a line
 * longer than CONSOLE_LINE_MAX has just filled and flushed the buffer. */
static void line_unlock(void)
{
	if (lock_release && !mid_line)
		lock_release();
}

void console_register(struct console_backend *b, bool enabled)
{
	if (nr_backends == CONSOLE_MAX_BACKENDS)
		return;
	b->enabled = enabled;
	backends[nr_backends++] = b;
}

void console_reset(void)
{
	nr_backends = 0;
	line_len = 0;
	mid_line = false;
	cur_level = LOG_INFO;
}

static bool word_is(const char *w, size_t n, const char *name)
{
	size_t i = 0;

	if (!name)
		return false;
	for (; i < n; i++)
		if (name[i] != w[i] || !name[i])
			return false;
	return name[i] == 0;
}

static struct console_backend *find_backend(const char *w, size_t n)
{
	for (size_t i = 0; i < nr_backends; i++)
		if (word_is(w, n, backends[i]->name) || word_is(w, n, backends[i]->alias))
			return backends[i];
	return NULL;
}

bool console_select(const char *list, size_t len, const char **bad, size_t *bad_len)
{
	bool want[CONSOLE_MAX_BACKENDS] = { false };
	size_t i = 0;

	if (len == 0) {
		*bad = list;
		*bad_len = 0;
		return false;
	}
	while (i <= len) {
		size_t start = i;

		while (i < len && list[i] != ',')
			i++;
		const char *w = list + start;
		size_t n = i - start;

		if (word_is(w, n, "all")) {
			for (size_t k = 0; k < nr_backends; k++)
				want[k] = true;
		} else {
			struct console_backend *b = find_backend(w, n);

			if (!b) {
				*bad = w;
				*bad_len = n;
				return false;
			}
			for (size_t k = 0; k < nr_backends; k++)
				if (backends[k] == b)
					want[k] = true;
		}
		i++;
	}
	console_flush();
	for (size_t k = 0; k < nr_backends; k++)
		backends[k]->enabled = want[k];
	return true;
}

void console_describe(char *buf, size_t size)
{
	size_t off = 0;

	if (size)
		buf[0] = 0;
	for (size_t k = 0; k < nr_backends; k++) {
		if (!backends[k]->enabled)
			continue;
		int n = fmt_snprintf(buf + off, size - off, "%s%s", off ? "," : "", backends[k]->name);

		if (n < 0 || (size_t)n >= size - off)
			return;
		off += (size_t)n;
	}
}

static void flush_line(void)
{
	if (!line_len)
		return;
	for (size_t k = 0; k < nr_backends; k++)
		if (backends[k]->enabled)
			backends[k]->write(line, line_len);
	line_len = 0;
}

void console_flush(void)
{
	line_lock();
	flush_line();
	line_unlock();
}

void console_sync(void)
{
	console_flush();
	for (size_t k = 0; k < nr_backends; k++)
		if (backends[k]->enabled && backends[k]->sync)
			backends[k]->sync();
}

/* Caller holds the line lock. */
static void line_put(char c)
{
	line[line_len++] = c;
	mid_line = c != '\n';
	if (c == '\n' || line_len == sizeof(line))
		flush_line();
}

/* One byte of output: printable ASCII and newline as they are, anything else as
 * \xNN (lib/escape.h), so nothing raw reaches a terminal. Caller holds the lock. */
static void console_putc(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n' || (c >= 0x20 && c <= 0x7e)) {
		line_put(c);
		return;
	}
	char e[ESC_MAX_PER_BYTE];
	size_t k = esc_char(c, e);

	for (size_t j = 0; j < k; j++)
		line_put(e[j]);
}

void console_write(const char *s, size_t n)
{
	line_lock();
	for (size_t i = 0; i < n; i++)
		console_putc(NULL, s[i]);
	line_unlock();
}

void console_write_escaped(const char *s, size_t n)
{
	char e[ESC_MAX_PER_BYTE];

	line_lock();
	for (size_t i = 0; i < n; i++) {
		size_t k = esc_char(s[i], e); /* printable: line_put directly */

		for (size_t j = 0; j < k; j++)
			line_put(e[j]);
	}
	line_unlock();
}

void console_set_level(enum log_level level)
{
	cur_level = level;
}

enum log_level console_level(void)
{
	return cur_level;
}

bool console_parse_level(const char *s, size_t len, enum log_level *out)
{
	static const char *const names[] = { "quiet", "error", "warn", "info", "debug" };

	if (len == 1 && s[0] >= '0' && s[0] <= '4') {
		*out = (enum log_level)(s[0] - '0');
		return true;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (word_is(s, len, names[i])) {
			*out = (enum log_level)i;
			return true;
		}
	}
	return false;
}

void vcprintf(const char *fmt, va_list ap)
{
	/* Straight into the line buffer: no intermediate buffer that could cut a line. */
	line_lock();
	fmt_vput(console_putc, NULL, fmt, ap);
	line_unlock();
}

void cprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcprintf(fmt, ap);
	va_end(ap);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	vcprintf(fmt, ap);
	va_end(ap);
}
