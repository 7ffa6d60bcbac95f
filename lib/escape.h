/* SPDX-License-Identifier: MIT */
/*
 * Printing bytes that come from outside (the command line, module strings, payload
 * strings): a byte 0x20-0x7e other than '\' stands for itself, '\' is written "\\"
 * and every other byte (control bytes, newline, bytes >= 0x7f) as "\xNN". The output
 * is therefore one line of printable ASCII, and the original bytes can be read back.
 */
#ifndef COCOBOOT_LIB_ESCAPE_H
#define COCOBOOT_LIB_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/* The longest escape of one byte ("\xNN"). */
#define ESC_MAX_PER_BYTE 4
/* A buffer for esc_str() must hold at least this much: the cut marker with the
 * largest count and its NUL. */
#define ESC_MIN_BUF 48

/* True when byte c is printed as itself. */
bool esc_plain(char c);

/* The escape of byte c into out (not NUL-terminated); returns its length, 1 to 4. */
size_t esc_char(char c, char out[ESC_MAX_PER_BYTE]);

/* Put the escaped form of s[0..len) through put(ctx, c), byte by byte: whole, never cut. */
void esc_put(void (*put)(void *ctx, char c), void *ctx, const char *s, size_t len);

/*
 * The escaped form of s[0..len) in buf, NUL-terminated; returns buf. When it does not
 * fit, buf holds the escapes of as many leading bytes as fit followed by
 * "...[truncated N bytes]", N being the number of input bytes not shown; an escape is
 * never split. size must be at least ESC_MIN_BUF (a smaller buf gets "" when cut).
 */
const char *esc_str(char *buf, size_t size, const char *s, size_t len);

/* Mark a cut that fmt_snprintf() made: full is what it returned for a buffer of size
 * bytes; when full >= size the tail of buf is replaced by "...[truncated N bytes]". */
void esc_mark_cut(char *buf, size_t size, int full);

#endif
