/* SPDX-License-Identifier: MIT */
/*
 * cocoboot's command line: space-separated `key=value` or `key` words. A word
 * `--` ends cocoboot's options: the rest is the payload's command line.
 * Double quotes group a value with spaces: console="e9,com1" or key="a b".
 */
#ifndef COCOBOOT_BOOT_CMDLINE_H
#define COCOBOOT_BOOT_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/console.h"

#define CMDLINE_MAX_OPTS 32

struct cmdline_opt {
	const char *key;
	size_t key_len;
	const char *val; /* NULL for a bare word */
	size_t val_len;
};

enum boot_fault {
	FAULT_NONE = 0,
	FAULT_PF,
	FAULT_UD,
	FAULT_GP,
	FAULT_DE,
	FAULT_AP_STUCK, /* the first AP stops before it reports online (smp timeout test) */
	FAULT_WRITE_TEXT, /* write to cocoboot's own code: #PF when text is read-only */
	FAULT_EXEC_DATA,  /* call into .data: #PF when data is no-execute (NX offered) */
	FAULT_WRITE_TEXT_EARLY, /* the same write while the early tables (entry32.asm) are live */
};

struct boot_options {
	const char *console; /* value of console=, NULL: the default */
	size_t console_len;
	enum log_level loglevel;
	enum boot_fault fault;
	unsigned smp_max; /* smp=: CPUs to bring up, 0 = all the MADT lists */
	bool smp_off;     /* smp=off (smp_max is then 1) */
	const char *payload_cmdline; /* after "--", NULL when absent */
	size_t payload_cmdline_len;
};

/* Split s into options. Returns false when there are more than max options or
 * a quote is not closed; *err then says which. */
bool cmdline_split(const char *s, size_t len, struct cmdline_opt *opts, size_t max, size_t *n,
		   const char **rest, size_t *rest_len, const char **err);

/* Interpret the split options. Unknown keys and bad values are reported through
 * warn() (naming the key and value) and otherwise ignored: the default stays. */
void cmdline_apply(const struct cmdline_opt *opts, size_t n, struct boot_options *bo,
		   void (*warn)(void *opaque, const char *msg), void *opaque);

bool cmdline_key_is(const struct cmdline_opt *o, const char *key);

#endif
