// SPDX-License-Identifier: MIT
#include "lib/escape.h"

#include "lib/format.h"

bool esc_plain(char c)
{
	return c >= 0x20 && c <= 0x7e && c != '\\';
}

size_t esc_char(char c, char out[ESC_MAX_PER_BYTE])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char u = (unsigned char)c;

	if (esc_plain(c)) {
		out[0] = c;
		return 1;
	}
	if (c == '\\') {
		out[0] = out[1] = '\\';
		return 2;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[u >> 4];
	out[3] = hex[u & 15];
	return 4;
}

void esc_put(void (*put)(void *ctx, char c), void *ctx, const char *s, size_t len)
{
	char e[ESC_MAX_PER_BYTE];

	for (size_t i = 0; i < len; i++) {
		size_t k = esc_char(s[i], e);

		for (size_t j = 0; j < k; j++)
			put(ctx, e[j]);
	}
}

/* "...[truncated N bytes]" into out (ESC_MIN_BUF bytes); returns its length. */
static size_t cut_marker(char *out, unsigned long long n)
{
	return (size_t)fmt_snprintf(out, ESC_MIN_BUF, "...[truncated %llu bytes]", n);
}

/* strlen("...[truncated N bytes]") without formatting it. */
static size_t cut_marker_len(unsigned long long n)
{
	size_t digits = 1;

	while (n >= 10) {
		n /= 10;
		digits++;
	}
	return sizeof("...[truncated  bytes]") - 1 + digits;
}

const char *esc_str(char *buf, size_t size, const char *s, size_t len)
{
	char e[ESC_MAX_PER_BYTE];
	size_t off = 0, i;

	if (!size)
		return buf;
	/* Everything, if it fits. */
	for (i = 0; i < len; i++) {
		size_t k = esc_char(s[i], e);

		if (off + k + 1 > size)
			break;
		for (size_t j = 0; j < k; j++)
			buf[off++] = e[j];
	}
	if (i == len) {
		buf[off] = 0;
		return buf;
	}
	/* Cut: drop escapes from the end until the marker for what is left out fits. */
	while (off + cut_marker_len(len - i) + 1 > size && i > 0) {
		i--;
		off -= esc_char(s[i], e);
	}
	if (off + cut_marker_len(len - i) + 1 > size) {
		buf[0] = 0;
		return buf;
	}
	cut_marker(buf + off, len - i);
	return buf;
}

void esc_mark_cut(char *buf, size_t size, int full)
{
	if (full < 0 || (size_t)full < size || size < ESC_MIN_BUF)
		return;
	size_t shown = size - 1;

	/* The marker replaces the tail; what it covers counts as not shown too. */
	while (shown + cut_marker_len((unsigned long long)full - shown) + 1 > size)
		shown--;
	cut_marker(buf + shown, (unsigned long long)full - shown);
}
