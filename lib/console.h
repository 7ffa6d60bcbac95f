/* SPDX-License-Identifier: MIT */
/*
 * Console layer: output goes to every enabled backend, one whole line per
 * write() call, so a backend whose every write costs an exit (the GHCB, a
 * hypercall) pays once per line. A line longer than CONSOLE_LINE_MAX goes out in
 * several writes of at most that size; nothing is cut. Bytes other than printable
 * ASCII and '\n' never reach a backend raw: they are written as \xNN
 * (lib/escape.h), so no string can move a terminal's cursor or forge a line.
 */
#ifndef COCOBOOT_LIB_CONSOLE_H
#define COCOBOOT_LIB_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define CONSOLE_LINE_MAX     160
#define CONSOLE_MAX_BACKENDS 6

struct console_backend {
	const char *name;            /* as written in console= */
	const char *alias;           /* a second accepted name, or NULL */
	void (*write)(const char *s, size_t n);
	/* Wait until what was written has left the guest's hands (a ring the
	 * other side drains), or NULL when write() already did that. */
	void (*sync)(void);
	bool enabled;
};

/* Log levels for loglevel=: a message is printed when its level <= the current. */
enum log_level {
	LOG_QUIET = 0, /* loglevel=quiet: only fatal errors */
	LOG_ERR = 1,
	LOG_WARN = 2,
	LOG_INFO = 3, /* default */
	LOG_DEBUG = 4,
};

void console_register(struct console_backend *b, bool enabled);
/* Enable exactly the backends named in a comma-separated list ("all" enables
 * every one). An unknown name is reported through *bad (pointing into list,
 * length *bad_len) and makes the call return false without changing anything. */
bool console_select(const char *list, size_t len, const char **bad, size_t *bad_len);
/* Write the names of the enabled backends, comma-separated, into buf. */
void console_describe(char *buf, size_t size);
void console_write(const char *s, size_t n);
/* Bytes from outside (command line, module strings): written escaped (lib/escape.h),
 * newlines too, whole, however long. */
void console_write_escaped(const char *s, size_t n);
void console_flush(void);
/* console_flush(), then wait for every enabled backend to drain: before the
 * machine is handed to a payload that may overwrite our buffers. */
void console_sync(void);

/* Several CPUs print: acquire() is called before a CPU adds to the line buffer
 * (it must let the CPU that already holds the lock in again), release() once
 * the buffer is empty again, so a line is never mixed with another CPU's. */
void console_set_lock(void (*acquire)(void), void (*release)(void));

void console_set_level(enum log_level level);
enum log_level console_level(void);
/* Parse a loglevel= value: quiet|error|warn|info|debug or 0..4. */
bool console_parse_level(const char *s, size_t len, enum log_level *out);

void cprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vcprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_fatal(...) log_msg(LOG_QUIET, __VA_ARGS__) /* printed at every level */
#define log_err(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Test hook: forget every backend (host unit tests only). */
void console_reset(void);

#endif
