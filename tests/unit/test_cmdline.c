/* SOURCES: boot/cmdline.c lib/console.c lib/escape.c lib/format.c */
/* Claims about cocoboot's command line (boot/cmdline.c) and console choice (lib/console.c). */
#include "tests/unit/unit.h"

#include "boot/cmdline.h"
#include "lib/console.h"

static char warnings[8192];

static void collect(void *opaque, const char *msg)
{
	(void)opaque;
	strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
	strcat(warnings, "\n");
}

struct parsed {
	struct cmdline c;
	struct cmdline_opt *opts;
	size_t n;
	const char *rest;
	size_t rest_len;
	struct boot_options bo;
};

/* Split and apply s; true (always: nothing on a command line stops the boot). */
static bool parse_n(const char *s, size_t len, struct parsed *p)
{
	warnings[0] = 0;
	memset(p, 0, sizeof(*p));
	p->bo.loglevel = LOG_INFO;
	cmdline_split(s, len, &p->c);
	cmdline_apply(&p->c, &p->bo, collect, NULL);
	p->opts = p->c.opt;
	p->n = p->c.n;
	p->rest = p->bo.payload_cmdline;
	p->rest_len = p->bo.payload_cmdline_len;
	return true;
}

static bool parse(const char *s, struct parsed *p)
{
	return parse_n(s, strlen(s), p);
}

static void splits_key_value_words(void **st)
{
	(void)st;
	struct parsed p;

	assert_true(parse("  console=e9   loglevel=debug\tflag  ", &p));
	assert_int_equal(p.n, 3);
	assert_memory_equal(p.opts[0].key, "console", 7);
	assert_int_equal(p.opts[0].val_len, 2);
	assert_memory_equal(p.opts[0].val, "e9", 2);
	assert_int_equal(p.opts[2].key_len, 4);
	assert_null(p.opts[2].val);
	assert_int_equal(p.bo.loglevel, LOG_DEBUG);
	assert_int_equal(p.bo.console_len, 2);
	/* a bare unknown word warns by name */
	assert_non_null(strstr(warnings, "unknown option 'flag'"));
}

static void empty_line_has_no_options(void **st)
{
	(void)st;
	struct parsed p;

	assert_true(parse("", &p));
	assert_int_equal(p.n, 0);
	assert_null(p.rest);
	assert_true(parse("   ", &p));
	assert_int_equal(p.n, 0);
}

static void double_dash_hands_the_rest_to_the_payload(void **st)
{
	(void)st;
	struct parsed p;

	assert_true(parse("loglevel=warn -- console=ttyS0 root=/dev/vda quiet", &p));
	assert_int_equal(p.n, 1);
	assert_int_equal(p.bo.loglevel, LOG_WARN);
	assert_non_null(p.rest);
	assert_int_equal(p.rest_len, strlen("console=ttyS0 root=/dev/vda quiet"));
	assert_memory_equal(p.rest, "console=ttyS0 root=/dev/vda quiet", p.rest_len);
	/* payload options are not ours: no warning about them */
	assert_string_equal(warnings, "");
	/* "--x" is an ordinary (unknown) word, not the separator */
	assert_true(parse("--x a", &p));
	assert_null(p.rest);
	assert_int_equal(p.n, 2);
	/* "--" at the very end leaves an empty payload command line */
	assert_true(parse("loglevel=0 --", &p));
	assert_non_null(p.rest);
	assert_int_equal(p.rest_len, 0);
}

static void quotes_group_values(void **st)
{
	(void)st;
	struct parsed p;

	assert_true(parse("console=\"e9,com1\" x=\"a b\"", &p));
	assert_int_equal(p.n, 2);
	assert_int_equal(p.opts[0].val_len, 7);
	assert_memory_equal(p.opts[1].val, "a b", 3);
	assert_false(p.c.unterminated);
}

static void an_open_quote_warns_and_is_ignored_not_fatal(void **st)
{
	(void)st;
	struct parsed p;

	/* The value of x swallows the rest of the line, "--" included. */
	assert_true(parse("loglevel=debug x=\"open loglevel=quiet -- payload", &p));
	assert_true(p.c.unterminated);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.bo.loglevel, LOG_DEBUG); /* the words before it took effect */
	assert_null(p.rest);
	assert_non_null(strstr(warnings,
			       "cmdline: the quote in 'x=\"open loglevel=quiet -- payload' does not close"));
	assert_null(strstr(warnings, "unknown option 'x'")); /* ignored, not applied */
}

/* "a=1 a=1 ..." with k words, then tail. */
static const char *many_words(char *buf, size_t size, int k, const char *first, const char *tail)
{
	buf[0] = 0;
	for (int i = 0; i < k; i++)
		strncat(buf, i == 0 ? first : "a=1 ", size - strlen(buf) - 1);
	strncat(buf, tail, size - strlen(buf) - 1);
	return buf;
}

static void a_33rd_option_warns_and_the_rest_still_works(void **st)
{
	(void)st;
	struct parsed p;
	char line[1024];

	/* 32 options take effect: the 32nd sets loglevel=debug. */
	many_words(line, sizeof(line), CMDLINE_MAX_OPTS - 1, "a=1 ", "loglevel=debug -- root=/dev/vda");
	assert_true(parse(line, &p));
	assert_int_equal(p.n, CMDLINE_MAX_OPTS);
	assert_int_equal(p.c.dropped, 0);
	assert_int_equal(p.bo.loglevel, LOG_DEBUG);
	assert_null(strstr(warnings, "more than"));

	/* The 33rd and 34th are ignored with one warning that names the first of them;
	 * "--" after them still hands the payload its command line. */
	many_words(line, sizeof(line), CMDLINE_MAX_OPTS, "loglevel=warn ",
		   "loglevel=debug cocoboot.fault=pf -- root=/dev/vda");
	assert_true(parse(line, &p));
	assert_int_equal(p.n, CMDLINE_MAX_OPTS);
	assert_int_equal(p.c.dropped, 2);
	assert_int_equal(p.bo.loglevel, LOG_WARN);
	assert_int_equal(p.bo.fault, FAULT_NONE);
	assert_non_null(strstr(warnings,
			       "cmdline: more than 32 options: the last 2 ignored, from 'loglevel=debug' on"));
	assert_non_null(p.rest);
	assert_int_equal(p.rest_len, strlen("root=/dev/vda"));
	assert_memory_equal(p.rest, "root=/dev/vda", p.rest_len);
}

static void warnings_escape_what_is_not_printable(void **st)
{
	(void)st;
	struct parsed p;
	static const char line[] = "\x1b[2J\x1b[H=1 loglevel=\x07\xff\x01";

	assert_true(parse_n(line, sizeof(line) - 1, &p));
	assert_non_null(strstr(warnings, "unknown option '\\x1b[2J\\x1b[H' ignored"));
	assert_non_null(strstr(warnings, "loglevel='\\x07\\xff\\x01' is not"));
	for (const char *w = warnings; *w; w++)
		assert_true(*w == '\n' || (*w >= 0x20 && *w <= 0x7e));
}

static void a_long_value_in_a_warning_is_cut_visibly(void **st)
{
	(void)st;
	struct parsed p;
	char line[2100];

	memset(line, 'K', 2000);
	strcpy(line + 2000, "=v");
	assert_true(parse(line, &p));
	/* one warning line, the key cut with a count, the text after it kept */
	assert_non_null(strstr(warnings, "...[truncated "));
	assert_non_null(strstr(warnings, " bytes]' ignored\n"));
	assert_true(strlen(warnings) < 300);
	assert_ptr_equal(strchr(warnings, '\n'), warnings + strlen(warnings) - 1);
}

static void loglevel_accepts_names_and_digits_only(void **st)
{
	(void)st;
	struct parsed p;
	static const struct {
		const char *arg;
		enum log_level want;
	} ok[] = {
		{ "loglevel=quiet", LOG_QUIET }, { "loglevel=error", LOG_ERR },
		{ "loglevel=warn", LOG_WARN },   { "loglevel=info", LOG_INFO },
		{ "loglevel=debug", LOG_DEBUG }, { "loglevel=0", LOG_QUIET },
		{ "loglevel=4", LOG_DEBUG },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_true(parse(ok[i].arg, &p));
		assert_int_equal(p.bo.loglevel, ok[i].want);
		assert_string_equal(warnings, "");
	}
	const char *bad[] = { "loglevel=5", "loglevel=verbose", "loglevel=", "loglevel", "loglevel=debugx" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_true(parse(bad[i], &p));
		assert_int_equal(p.bo.loglevel, LOG_INFO); /* default kept */
		assert_non_null(strstr(warnings, "loglevel="));
	}
}

static void fault_option_names_the_exception(void **st)
{
	(void)st;
	struct parsed p;
	static const struct {
		const char *arg;
		enum boot_fault want;
	} ok[] = {
		{ "cocoboot.fault=pf", FAULT_PF }, { "cocoboot.fault=ud", FAULT_UD },
		{ "cocoboot.fault=gp", FAULT_GP }, { "cocoboot.fault=de", FAULT_DE },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_true(parse(ok[i].arg, &p));
		assert_int_equal(p.bo.fault, ok[i].want);
	}
	assert_true(parse("cocoboot.fault=df", &p));
	assert_int_equal(p.bo.fault, FAULT_NONE);
	assert_non_null(strstr(warnings, "cocoboot.fault='df'"));
	assert_true(parse("cocoboot.faults=pf", &p));
	assert_int_equal(p.bo.fault, FAULT_NONE);
	assert_non_null(strstr(warnings, "unknown option 'cocoboot.faults'"));
}

static char out_a[256], out_b[256];
static void write_a(const char *s, size_t n) { strncat(out_a, s, n); }
static void write_b(const char *s, size_t n) { strncat(out_b, s, n); }

static void console_choice_by_name_alias_or_all(void **st)
{
	(void)st;
	struct console_backend a = { .name = "e9", .alias = "debugcon", .write = write_a };
	struct console_backend b = { .name = "com1", .alias = "ttyS0", .write = write_b };
	const char *bad;
	size_t bad_len;
	char desc[64];

	console_reset();
	console_register(&a, true);
	console_register(&b, true);
	assert_true(console_select("ttyS0", 5, &bad, &bad_len));
	console_describe(desc, sizeof(desc));
	assert_string_equal(desc, "com1");
	assert_true(console_select("debugcon,com1", 13, &bad, &bad_len));
	console_describe(desc, sizeof(desc));
	assert_string_equal(desc, "e9,com1");
	assert_true(console_select("e9", 2, &bad, &bad_len));
	assert_true(console_select("all", 3, &bad, &bad_len));
	console_describe(desc, sizeof(desc));
	assert_string_equal(desc, "e9,com1");
	/* an unknown name changes nothing and is named */
	assert_true(console_select("e9", 2, &bad, &bad_len));
	assert_false(console_select("e9,vga", 6, &bad, &bad_len));
	assert_int_equal(bad_len, 3);
	assert_memory_equal(bad, "vga", 3);
	console_describe(desc, sizeof(desc));
	assert_string_equal(desc, "e9");
	assert_false(console_select("e9,", 3, &bad, &bad_len));
	assert_int_equal(bad_len, 0);
}

static void console_writes_whole_lines(void **st)
{
	(void)st;
	struct console_backend a = { .name = "e9", .write = write_a };
	struct console_backend b = { .name = "com1", .write = write_b };
	const char *bad;
	size_t bad_len;

	console_reset();
	console_register(&a, true);
	console_register(&b, false);
	out_a[0] = out_b[0] = 0;
	cprintf("partial ");
	assert_string_equal(out_a, ""); /* nothing until the line ends */
	cprintf("line %d\n", 1);
	assert_string_equal(out_a, "partial line 1\n");
	assert_string_equal(out_b, "");
	/* switching consoles flushes what is pending to the old choice */
	cprintf("pending");
	assert_true(console_select("com1", 4, &bad, &bad_len));
	assert_string_equal(out_a, "partial line 1\npending");
	log_debug("hidden\n");
	log_info("shown\n");
	log_fatal("fatal\n");
	console_set_level(LOG_QUIET);
	log_err("hidden too\n");
	log_fatal("always\n");
	assert_string_equal(out_b, "shown\nfatal\nalways\n");
}

static char big[8192];
static void write_big(const char *s, size_t n)
{
	strncat(big, s, n);
}

static void a_long_line_arrives_whole_with_its_newline(void **st)
{
	(void)st;
	struct console_backend a = { .name = "e9", .write = write_big };
	char value[3000];

	console_reset();
	console_register(&a, true);
	big[0] = 0;
	for (size_t len = 400; len < sizeof(value); len += 97) {
		memset(value, 'v', len);
		value[len] = 0;
		big[0] = 0;
		cprintf("cocoboot: cmdline: \"%s\"\n", value);
		cprintf("next line\n");
		assert_int_equal(strlen(big), strlen("cocoboot: cmdline: \"\"\n") + len + 10);
		assert_memory_equal(big + strlen(big) - 12, "\"\nnext line\n", 12);
	}
}

static void console_output_never_carries_raw_control_bytes(void **st)
{
	(void)st;
	struct console_backend a = { .name = "e9", .write = write_big };
	static const char hostile[] = "a\x1b[31mb\rc\x7f\xff\\";

	console_reset();
	console_register(&a, true);
	big[0] = 0;
	cprintf("%s\n", hostile); /* a %s slipped through: the console still escapes */
	assert_string_equal(big, "a\\x1b[31mb\\x0dc\\x7f\\xff\\\n");
	big[0] = 0;
	console_write_escaped("x\ny\\", 4); /* a value: its newline is escaped too */
	cprintf("\n");
	assert_string_equal(big, "x\\x0ay\\\\\n");
}

static int syncs_a, syncs_b;
static void sync_a(void) { syncs_a++; }
static void sync_b(void) { syncs_b++; }

static void console_sync_flushes_then_drains_enabled_backends(void **st)
{
	(void)st;
	struct console_backend a = { .name = "e9", .write = write_a, .sync = sync_a };
	struct console_backend b = { .name = "xen", .write = write_b, .sync = sync_b };

	console_reset();
	console_register(&a, true);
	console_register(&b, false);
	out_a[0] = 0;
	syncs_a = syncs_b = 0;
	cprintf("no newline yet");
	console_sync();
	assert_string_equal(out_a, "no newline yet"); /* the partial line went out first */
	assert_int_equal(syncs_a, 1);
	assert_int_equal(syncs_b, 0); /* a disabled backend is not waited for */
}

static void smp_takes_off_or_a_cpu_count(void **st)
{
	(void)st;
	struct parsed p;

	assert_true(parse("", &p));
	assert_int_equal(p.bo.smp_max, 0); /* default: every CPU the MADT lists */
	assert_true(parse("smp=off", &p));
	assert_int_equal(p.bo.smp_max, 1);
	assert_true(p.bo.smp_off);
	assert_true(parse("smp=2", &p));
	assert_int_equal(p.bo.smp_max, 2);
	assert_false(p.bo.smp_off);
	assert_true(parse("smp=65535", &p));
	assert_int_equal(p.bo.smp_max, 65535);
	static const char *const bad[] = { "smp=0", "smp=65536", "smp=-1", "smp=2x", "smp=", "smp",
					   "smp=0x10", "smp=1234567" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_true(parse(bad[i], &p));
		assert_int_equal(p.bo.smp_max, 0);
		assert_non_null(strstr(warnings, "is not off or a CPU count 1-65535"));
	}
	assert_true(parse("smp=0", &p));
	assert_non_null(strstr(warnings, "smp='0'"));
}

static void smp_method_serial_and_timeout_take_their_values(void **st)
{
	(void)st;
	struct parsed p;

	assert_true(parse("", &p));
	assert_int_equal(p.bo.smp_method, SMP_METHOD_AUTO);
	assert_false(p.bo.smp_serial);
	assert_int_equal(p.bo.smp_timeout_ms, 0); /* the default, 5000 ms, is smp/'s */
	assert_true(parse("smp.method=jumptable smp.serial=1 smp.timeout=250", &p));
	assert_int_equal(p.bo.smp_method, SMP_METHOD_JUMPTABLE);
	assert_true(p.bo.smp_serial);
	assert_int_equal(p.bo.smp_timeout_ms, 250);
	assert_string_equal(warnings, "");
	assert_true(parse("smp.method=page", &p));
	assert_int_equal(p.bo.smp_method, SMP_METHOD_PAGE);
	assert_true(parse("smp.method=sipi", &p));
	assert_int_equal(p.bo.smp_method, SMP_METHOD_SIPI);
	assert_true(parse("smp.method=vcpuop", &p));
	assert_int_equal(p.bo.smp_method, SMP_METHOD_VCPUOP);
	assert_true(parse("smp.method=acpi", &p));
	assert_int_equal(p.bo.smp_method, SMP_METHOD_AUTO);
	assert_non_null(strstr(warnings, "smp.method='acpi' is not auto|page|jumptable|sipi|vcpuop|snp"));
	assert_true(parse("smp.serial=yes", &p));
	assert_false(p.bo.smp_serial);
	assert_non_null(strstr(warnings, "smp.serial='yes' is not 0 or 1"));
	static const char *const bad[] = { "smp.timeout=0", "smp.timeout=600001", "smp.timeout=",
					   "smp.timeout=1s", "smp.timeout" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_true(parse(bad[i], &p));
		assert_int_equal(p.bo.smp_timeout_ms, 0);
		assert_non_null(strstr(warnings, "is not 1-600000 (ms)"));
	}
}

static void fault_ap_stuck_is_a_known_fault(void **st)
{
	(void)st;
	struct parsed p;

	assert_true(parse("cocoboot.fault=ap-stuck", &p));
	assert_int_equal(p.bo.fault, FAULT_AP_STUCK);
	assert_string_equal(warnings, "");
}

static int lock_depth, lock_acquires;

static void fake_acquire(void)
{
	lock_acquires++;
	lock_depth = 1; /* re-entrant for the holder, like smp/console_lock.c */
}

static void fake_release(void)
{
	lock_depth = 0;
}

static void console_lock_is_held_from_a_lines_first_byte_to_its_newline(void **st)
{
	(void)st;
	struct console_backend a = { .name = "e9", .write = write_a };

	console_reset();
	console_register(&a, true);
	console_set_lock(fake_acquire, fake_release);
	out_a[0] = 0;
	cprintf("half a line, ");
	assert_int_equal(lock_depth, 1); /* a partial line keeps the console */
	cprintf("the rest\n");
	assert_int_equal(lock_depth, 0); /* released once the line went out */
	assert_string_equal(out_a, "half a line, the rest\n");
	cprintf("two\nlines\n");
	assert_int_equal(lock_depth, 0);
	assert_true(lock_acquires >= 2);
	/* A line of exactly two buffers' worth: both went out, the line is still open. */
	char two[2 * CONSOLE_LINE_MAX + 1];
	memset(two, 'w', 2 * CONSOLE_LINE_MAX);
	two[2 * CONSOLE_LINE_MAX] = 0;
	struct console_backend wide = { .name = "e9", .write = write_big };

	console_reset();
	console_register(&wide, true);
	big[0] = 0;
	cprintf("%s", two);
	assert_int_equal(lock_depth, 1); /* no newline yet: the console stays ours */
	cprintf("\n");
	assert_int_equal(lock_depth, 0);
	console_set_lock(NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(splits_key_value_words),
		cmocka_unit_test(empty_line_has_no_options),
		cmocka_unit_test(double_dash_hands_the_rest_to_the_payload),
		cmocka_unit_test(quotes_group_values),
		cmocka_unit_test(an_open_quote_warns_and_is_ignored_not_fatal),
		cmocka_unit_test(a_33rd_option_warns_and_the_rest_still_works),
		cmocka_unit_test(warnings_escape_what_is_not_printable),
		cmocka_unit_test(a_long_value_in_a_warning_is_cut_visibly),
		cmocka_unit_test(loglevel_accepts_names_and_digits_only),
		cmocka_unit_test(fault_option_names_the_exception),
		cmocka_unit_test(smp_takes_off_or_a_cpu_count),
		cmocka_unit_test(smp_method_serial_and_timeout_take_their_values),
		cmocka_unit_test(fault_ap_stuck_is_a_known_fault),
		cmocka_unit_test(console_choice_by_name_alias_or_all),
		cmocka_unit_test(console_writes_whole_lines),
		cmocka_unit_test(console_lock_is_held_from_a_lines_first_byte_to_its_newline),
		cmocka_unit_test(console_sync_flushes_then_drains_enabled_backends),
		cmocka_unit_test(a_long_line_arrives_whole_with_its_newline),
		cmocka_unit_test(console_output_never_carries_raw_control_bytes),
	};
	return UNIT_RUN(tests);
}
