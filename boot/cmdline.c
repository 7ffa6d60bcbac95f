// SPDX-License-Identifier: MIT
#include "boot/cmdline.h"

#include "lib/format.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool cmdline_split(const char *s, size_t len, struct cmdline_opt *opts, size_t max, size_t *n,
		   const char **rest, size_t *rest_len, const char **err)
{
	size_t i = 0;

	*n = 0;
	*rest = NULL;
	*rest_len = 0;
	while (i < len) {
		while (i < len && is_space(s[i]))
			i++;
		if (i >= len)
			break;
		size_t start = i;

		/* "--" alone ends our options */
		if (s[i] == '-' && i + 1 < len && s[i + 1] == '-' && (i + 2 == len || is_space(s[i + 2]))) {
			i += 2;
			while (i < len && is_space(s[i]))
				i++;
			*rest = s + i;
			*rest_len = len - i;
			return true;
		}
		struct cmdline_opt o = { .key = s + start };

		while (i < len && !is_space(s[i]) && s[i] != '=')
			i++;
		o.key_len = i - start;
		if (i < len && s[i] == '=') {
			i++;
			if (i < len && s[i] == '"') {
				i++;
				o.val = s + i;
				while (i < len && s[i] != '"')
					i++;
				if (i >= len) {
					*err = "unterminated quote";
					return false;
				}
				o.val_len = (size_t)(s + i - o.val);
				i++; /* closing quote */
			} else {
				o.val = s + i;
				while (i < len && !is_space(s[i]))
					i++;
				o.val_len = (size_t)(s + i - o.val);
			}
		}
		if (*n == max) {
			*err = "too many options";
			return false;
		}
		opts[(*n)++] = o;
	}
	return true;
}

static bool word_eq(const char *w, size_t n, const char *lit)
{
	size_t i = 0;

	for (; i < n; i++)
		if (!lit[i] || lit[i] != w[i])
			return false;
	return lit[i] == 0;
}

bool cmdline_key_is(const struct cmdline_opt *o, const char *key)
{
	return word_eq(o->key, o->key_len, key);
}

static void warnf(void (*warn)(void *, const char *), void *opaque, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warnf(void (*warn)(void *, const char *), void *opaque, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(opaque, msg);
}

static const struct {
	const char *name;
	enum boot_fault fault;
} fault_names[] = {
	{ "pf", FAULT_PF }, { "ud", FAULT_UD }, { "gp", FAULT_GP }, { "de", FAULT_DE },
	{ "ap-stuck", FAULT_AP_STUCK },
	{ "wtext", FAULT_WRITE_TEXT }, { "xdata", FAULT_EXEC_DATA },
	{ "wtext-early", FAULT_WRITE_TEXT_EARLY },
};

/* smp=off or smp=N (1 <= N <= 65535): how many CPUs to bring up. */
static void apply_smp(const struct cmdline_opt *o, struct boot_options *bo,
		      void (*warn)(void *, const char *), void *opaque)
{
	unsigned v = 0;
	size_t i = 0;

	if (o->val && word_eq(o->val, o->val_len, "off")) {
		bo->smp_max = 1;
		bo->smp_off = true;
		return;
	}
	for (; o->val && i < o->val_len && i < 6 && o->val[i] >= '0' && o->val[i] <= '9'; i++)
		v = v * 10 + (unsigned)(o->val[i] - '0');
	if (!o->val || !o->val_len || i != o->val_len || v == 0 || v > 65535) {
		warnf(warn, opaque, "cmdline: smp='%.*s' is not off or a CPU count 1-65535: all CPUs",
		      o->val ? (int)o->val_len : 0, o->val ? o->val : "");
		return;
	}
	bo->smp_max = v;
	bo->smp_off = false;
}

void cmdline_apply(const struct cmdline_opt *opts, size_t n, struct boot_options *bo,
		   void (*warn)(void *opaque, const char *msg), void *opaque)
{
	for (size_t i = 0; i < n; i++) {
		const struct cmdline_opt *o = &opts[i];
		int vl = o->val ? (int)o->val_len : 0;
		const char *v = o->val ? o->val : "";

		if (cmdline_key_is(o, "console")) {
			if (!o->val || !o->val_len) {
				warnf(warn, opaque, "cmdline: console= needs a value (e9, com1, all, ...)");
				continue;
			}
			bo->console = o->val;
			bo->console_len = o->val_len;
		} else if (cmdline_key_is(o, "loglevel")) {
			enum log_level l;

			if (!o->val || !console_parse_level(o->val, o->val_len, &l)) {
				warnf(warn, opaque,
				      "cmdline: loglevel='%.*s' is not quiet|error|warn|info|debug|0-4: keeping the default",
				      vl, v);
				continue;
			}
			bo->loglevel = l;
		} else if (cmdline_key_is(o, "cocoboot.fault")) {
			bool found = false;

			for (size_t k = 0; k < sizeof(fault_names) / sizeof(fault_names[0]); k++) {
				if (o->val && word_eq(o->val, o->val_len, fault_names[k].name)) {
					bo->fault = fault_names[k].fault;
					found = true;
				}
			}
			if (!found)
				warnf(warn, opaque,
				      "cmdline: cocoboot.fault='%.*s' is not pf|ud|gp|de|ap-stuck|wtext|wtext-early|xdata: ignored", vl, v);
		} else if (cmdline_key_is(o, "smp")) {
			apply_smp(o, bo, warn, opaque);
		} else {
			warnf(warn, opaque, "cmdline: unknown option '%.*s' ignored", (int)o->key_len,
			      o->key);
		}
	}
}
