// SPDX-License-Identifier: MIT
#include "boot/cmdline.h"

#include "lib/escape.h"
#include "lib/format.h"

/* Bytes of a key or value a warning shows (escaped, with the cut marker). */
#define CMDLINE_SHOWN 96

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void cmdline_split(const char *s, size_t len, struct cmdline *c)
{
	size_t i = 0;

	*c = (struct cmdline){ .rest = NULL };
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
			c->rest = s + i;
			c->rest_len = len - i;
			return;
		}
		struct cmdline_opt o = { .key = s + start };
		bool open_quote = false;

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
				o.val_len = (size_t)(s + i - o.val);
				if (i < len)
					i++; /* closing quote */
				else
					open_quote = true;
			} else {
				o.val = s + i;
				while (i < len && !is_space(s[i]))
					i++;
				o.val_len = (size_t)(s + i - o.val);
			}
		}
		if (open_quote) {
			/* The value swallowed the rest of the line, "--" included. */
			c->unterminated = true;
			c->open_quote = o;
		} else if (c->n == CMDLINE_MAX_OPTS) {
			if (!c->dropped++)
				c->first_dropped = o;
		} else {
			c->opt[c->n++] = o;
		}
	}
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
	/* At most two CMDLINE_SHOWN values and some 100 bytes of text: it fits, but
	 * should it ever not, the cut shows. */
	char msg[2 * CMDLINE_SHOWN + 128];
	va_list ap;
	int full;

	va_start(ap, fmt);
	full = fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	esc_mark_cut(msg, sizeof(msg), full);
	warn(opaque, msg);
}

/* A word from the line as it appears in a warning: escaped, cut visibly. */
struct shown {
	char s[CMDLINE_SHOWN];
};

static const char *show(struct shown *b, const char *s, size_t len)
{
	return esc_str(b->s, sizeof(b->s), s, len);
}

/* The value of o as a warning shows it ("" for a bare word). */
static const char *show_val(struct shown *b, const struct cmdline_opt *o)
{
	return o->val ? show(b, o->val, o->val_len) : "";
}

/* The word as written: key, or key=value. */
static const char *show_word(struct shown *b, const struct cmdline_opt *o)
{
	size_t len = o->val ? (size_t)(o->val + o->val_len - o->key) : o->key_len;

	return show(b, o->key, len);
}

static const struct {
	const char *name;
	enum boot_fault fault;
} fault_names[] = {
	{ "pf", FAULT_PF }, { "ud", FAULT_UD }, { "gp", FAULT_GP }, { "de", FAULT_DE },
	{ "ap-stuck", FAULT_AP_STUCK },
	{ "wtext", FAULT_WRITE_TEXT }, { "xdata", FAULT_EXEC_DATA },
	{ "wtext-early", FAULT_WRITE_TEXT_EARLY }, { "xdata-early", FAULT_EXEC_DATA_EARLY },
	{ "snp-vmsa-kept", FAULT_SNP_VMSA_KEPT },
	{ "savic-no-vgif", FAULT_SAVIC_NO_VGIF },
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
		struct shown sv;

		warnf(warn, opaque, "cmdline: smp='%s' is not off or a CPU count 1-65535: all CPUs",
		      show_val(&sv, o));
		return;
	}
	bo->smp_max = v;
	bo->smp_off = false;
}

static const struct {
	const char *name;
	enum smp_method_choice m;
} smp_method_names[] = {
	{ "auto", SMP_METHOD_AUTO }, { "page", SMP_METHOD_PAGE },
	{ "jumptable", SMP_METHOD_JUMPTABLE }, { "sipi", SMP_METHOD_SIPI },
	{ "vcpuop", SMP_METHOD_VCPUOP }, { "snp", SMP_METHOD_SNP },
};

/* smp.method=auto|page|jumptable|sipi|vcpuop|snp, smp.serial=0|1, smp.timeout=MS (1-600000). */
static void apply_smp_tuning(const struct cmdline_opt *o, struct boot_options *bo,
			     void (*warn)(void *, const char *), void *opaque)
{
	struct shown sv;

	if (cmdline_key_is(o, "smp.timeout")) {
		unsigned v = 0;
		size_t i = 0;

		for (; o->val && i < o->val_len && i < 7 && o->val[i] >= '0' && o->val[i] <= '9'; i++)
			v = v * 10 + (unsigned)(o->val[i] - '0');
		if (!o->val || !o->val_len || i != o->val_len || v == 0 || v > 600000)
			warnf(warn, opaque, "cmdline: smp.timeout='%s' is not 1-600000 (ms): 5000",
			      show_val(&sv, o));
		else
			bo->smp_timeout_ms = v;
		return;
	}
	if (cmdline_key_is(o, "smp.serial")) {
		if (o->val && (word_eq(o->val, o->val_len, "0") || word_eq(o->val, o->val_len, "1")))
			bo->smp_serial = o->val[0] == '1';
		else
			warnf(warn, opaque, "cmdline: smp.serial='%s' is not 0 or 1: parallel start",
			      show_val(&sv, o));
		return;
	}
	for (size_t i = 0; i < sizeof(smp_method_names) / sizeof(smp_method_names[0]); i++)
		if (o->val && word_eq(o->val, o->val_len, smp_method_names[i].name)) {
			bo->smp_method = smp_method_names[i].m;
			return;
		}
	warnf(warn, opaque,
	      "cmdline: smp.method='%s' is not auto|page|jumptable|sipi|vcpuop|snp: the platform's choice",
	      show_val(&sv, o));
}

void cmdline_apply(const struct cmdline *c, struct boot_options *bo,
		   void (*warn)(void *opaque, const char *msg), void *opaque)
{
	struct shown k, v;

	for (size_t i = 0; i < c->n; i++) {
		const struct cmdline_opt *o = &c->opt[i];

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
				      "cmdline: loglevel='%s' is not quiet|error|warn|info|debug|0-4: keeping the default",
				      show_val(&v, o));
				continue;
			}
			bo->loglevel = l;
		} else if (cmdline_key_is(o, "cocoboot.fault")) {
			bool found = false;

			for (size_t f = 0; f < sizeof(fault_names) / sizeof(fault_names[0]); f++) {
				if (o->val && word_eq(o->val, o->val_len, fault_names[f].name)) {
					bo->fault = fault_names[f].fault;
					found = true;
				}
			}
			if (!found)
				warnf(warn, opaque,
				      "cmdline: cocoboot.fault='%s' is not pf|ud|gp|de|ap-stuck|wtext|wtext-early|xdata|xdata-early|snp-vmsa-kept|savic-no-vgif: ignored",
				      show_val(&v, o));
		} else if (cmdline_key_is(o, "smp")) {
			apply_smp(o, bo, warn, opaque);
		} else if (cmdline_key_is(o, "smp.method") || cmdline_key_is(o, "smp.serial") ||
			   cmdline_key_is(o, "smp.timeout")) {
			apply_smp_tuning(o, bo, warn, opaque);
		} else {
			warnf(warn, opaque, "cmdline: unknown option '%s' ignored",
			      show(&k, o->key, o->key_len));
		}
	}
	if (c->dropped)
		warnf(warn, opaque,
		      "cmdline: more than %d options: the last %zu ignored, from '%s' on",
		      CMDLINE_MAX_OPTS, c->dropped, show_word(&k, &c->first_dropped));
	if (c->unterminated)
		warnf(warn, opaque,
		      "cmdline: the quote in '%s' does not close: ignored, with the rest of the line",
		      show_word(&k, &c->open_quote));
	bo->payload_cmdline = c->rest;
	bo->payload_cmdline_len = c->rest_len;
}
