/* SPDX-License-Identifier: MIT */
/*
 * printf-style formatting without libc. Supports %d %i %u %x %X %o %p %s %c %%,
 * the l/ll/z/h/hh length modifiers, flags '-', '0', '#', ' ', '+', a width and a
 * precision (for strings: at most that many bytes), '*' for either.
 */
#ifndef COCOBOOT_LIB_FORMAT_H
#define COCOBOOT_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf: always NUL-terminates when size > 0; returns the length the
 * full output would have had. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Formatting without a buffer: every output byte goes to put(ctx, c), so nothing is
 * cut. Returns the number of bytes put. */
int fmt_vput(void (*put)(void *ctx, char c), void *ctx, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
