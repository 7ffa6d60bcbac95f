// SPDX-License-Identifier: MIT
#include "lib/format.h"

#include <stdbool.h>
#include <stdint.h>

/* Output goes to a buffer (buf, size) or, when put is set, to put() a byte at a time. */
struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
	void (*put)(void *ctx, char c);
	void *ctx;
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->put)
		o->put(o->ctx, c);
	else if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

struct fmt_spec {
	bool left, zero, alt, space, plus;
	int width;
	int prec; /* -1: none */
};

static void out_padded(struct fmt_out *o, const struct fmt_spec *sp,
		       const char *prefix, const char *body, int body_len, int zeros)
{
	int plen = 0;

	while (prefix[plen])
		plen++;
	int total = plen + zeros + body_len;
	int pad = sp->width > total ? sp->width - total : 0;

	if (!sp->left && !(sp->zero && sp->prec < 0))
		out_repeat(o, ' ', pad);
	for (int i = 0; i < plen; i++)
		out_char(o, prefix[i]);
	if (!sp->left && sp->zero && sp->prec < 0)
		out_repeat(o, '0', pad);
	out_repeat(o, '0', zeros);
	for (int i = 0; i < body_len; i++)
		out_char(o, body[i]);
	if (sp->left)
		out_repeat(o, ' ', pad);
}

static void out_number(struct fmt_out *o, const struct fmt_spec *sp, uint64_t v,
		       bool neg, unsigned base, bool upper, const char *alt_prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	char prefix[4] = "";
	int p = 0;
	bool zero = v == 0;

	if (v == 0 && sp->prec == 0)
		n = 0;
	else
		do {
			tmp[sizeof(tmp) - 1 - n++] = digits[v % base];
			v /= base;
		} while (v);
	if (neg)
		prefix[p++] = '-';
	else if (sp->plus)
		prefix[p++] = '+';
	else if (sp->space)
		prefix[p++] = ' ';
	/* C11 7.21.6.1: '#' adds 0x only to a nonzero value; %#o needs one 0 at most */
	if (sp->alt && alt_prefix && !zero && !(base == 8 && sp->prec > n))
		for (const char *a = alt_prefix; *a; a++)
			prefix[p++] = *a;
	prefix[p] = 0;
	int zeros = sp->prec > n ? sp->prec - n : 0;

	out_padded(o, sp, prefix, tmp + sizeof(tmp) - n, n, zeros);
}

static void fmt_core(struct fmt_out *o, const char *fmt, va_list ap);

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size };

	fmt_core(&o, fmt, ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int fmt_vput(void (*put)(void *ctx, char c), void *ctx, const char *fmt, va_list ap)
{
	struct fmt_out o = { .put = put, .ctx = ctx };

	fmt_core(&o, fmt, ap);
	return (int)o.len;
}

static void fmt_core(struct fmt_out *o, const char *fmt, va_list ap)
{
	while (*fmt) {
		if (*fmt != '%') {
			out_char(o, *fmt++);
			continue;
		}
		fmt++;
		struct fmt_spec sp = { .prec = -1 };

		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else if (*fmt == '#')
				sp.alt = true;
			else if (*fmt == ' ')
				sp.space = true;
			else if (*fmt == '+')
				sp.plus = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9' && sp.width < 4096)
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9' && sp.prec < 4096)
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		int lng = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t */

		for (;; fmt++) {
			if (*fmt == 'l')
				lng = lng >= 1 ? 2 : 1;
			else if (*fmt == 'h')
				lng = lng <= -1 ? -2 : -1;
			else if (*fmt == 'z')
				lng = 3;
			else
				break;
		}
		char conv = *fmt;

		if (!conv)
			break;
		fmt++;
		switch (conv) {
		case 'd':
		case 'i': {
			int64_t v;

			if (lng == 1)
				v = va_arg(ap, long);
			else if (lng == 2)
				v = va_arg(ap, long long);
			else if (lng == 3)
				v = (int64_t)va_arg(ap, size_t);
			else
				v = va_arg(ap, int);
			if (lng == -1)
				v = (short)v;
			else if (lng == -2)
				v = (signed char)v;
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

			out_number(o, &sp, mag, v < 0, 10, false, NULL);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uint64_t v;

			if (lng == 1)
				v = va_arg(ap, unsigned long);
			else if (lng == 2)
				v = va_arg(ap, unsigned long long);
			else if (lng == 3)
				v = va_arg(ap, size_t);
			else
				v = va_arg(ap, unsigned int);
			if (lng == -1)
				v = (unsigned short)v;
			else if (lng == -2)
				v = (unsigned char)v;
			unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;

			out_number(o, &sp, v, false, base, conv == 'X',
				   conv == 'o' ? "0" : conv == 'X' ? "0X" : "0x");
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);

			sp.alt = true;
			out_number(o, &sp, v, false, 16, false, "0x");
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			out_padded(o, &sp, "", &c, 1, 0);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = 0;

			if (!s)
				s = "(null)";
			/* C11 7.21.6.1: with a precision, no byte past it is read
			 * (the string need not be terminated). */
			while ((sp.prec < 0 || n < sp.prec) && s[n])
				n++;
			out_padded(o, &sp, "", s, n, 0);
			break;
		}
		case '%':
			out_char(o, '%');
			break;
		default:
			/* Unknown conversion: print it verbatim so the mistake shows. */
			out_char(o, '%');
			out_char(o, conv);
			break;
		}
	}
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
