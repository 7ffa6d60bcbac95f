/* SPDX-License-Identifier: MIT */
/*
 * cocoboot's command line: space-separated `key=value` or `key` words. A word
 * `--` ends cocoboot's options: the rest is the payload's command line.
 * Double quotes group a value with spaces: console="e9,com1" or key="a b".
 *
 * Nothing on the line stops the boot (README "Command line"): a word past the
 * CMDLINE_MAX_OPTS-th and a word whose quote never closes are ignored with a
 * warning, like an unknown option; `--` is still found after too many words.
 */
#ifndef COCOBOOT_BOOT_CMDLINE_H
#define COCOBOOT_BOOT_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/console.h"

#define CMDLINE_MAX_OPTS 32 /* option words before `--` that take effect */

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
	FAULT_EXEC_DATA_EARLY,  /* a call into .data while the early tables are live */
	FAULT_SNP_VMSA_KEPT,    /* SNP: CPU 1's VMSA is neither destroyed nor cleared at handoff
				 * (the handoff checker's snp_no_vmsa_in_ram test) */
	FAULT_SAVIC_NO_VGIF,    /* Secure AVIC: the APs' VMSAs lack V_GIF (apic/savic_hw.c) */
};

/* smp.method=: force one AP start method (tests, benchmarks; docs/abi.md §7) */
enum smp_method_choice {
	SMP_METHOD_AUTO = 0,
	SMP_METHOD_PAGE,      /* the Xen AP bring-up page (docs/abi.md §8) */
	SMP_METHOD_JUMPTABLE, /* SEV-ES AP jump table + AP reset hold (§11) */
	SMP_METHOD_SIPI,      /* INIT-SIPI-SIPI */
	SMP_METHOD_VCPUOP,    /* VCPUOP_initialise + VCPUOP_up */
	SMP_METHOD_SNP,       /* SEV-SNP AP creation, NAE 0x8000_0013 (§13) */
};

struct boot_options {
	const char *console; /* value of console=, NULL: the default */
	size_t console_len;
	enum log_level loglevel;
	enum boot_fault fault;
	unsigned smp_max; /* smp=: CPUs to bring up, 0 = all the MADT lists */
	bool smp_off;     /* smp=off (smp_max is then 1) */
	enum smp_method_choice smp_method; /* smp.method= */
	bool smp_serial;  /* smp.serial=1: start one AP, wait for it, then the next (bench) */
	unsigned smp_timeout_ms; /* smp.timeout=: how long the BSP waits for APs, 0 = 5000 */
	const char *payload_cmdline; /* after "--", NULL when absent */
	size_t payload_cmdline_len;
};

/* A command line split into words; every pointer points into the line. */
struct cmdline {
	struct cmdline_opt opt[CMDLINE_MAX_OPTS];
	size_t n;                       /* options kept, in order */
	size_t dropped;                 /* option words after the first CMDLINE_MAX_OPTS */
	struct cmdline_opt first_dropped;
	bool unterminated;              /* the last word opens a quote that never closes */
	struct cmdline_opt open_quote;  /* that word; its value runs to the end of the line */
	const char *rest;               /* after "--", NULL when absent */
	size_t rest_len;
};

/* Split s[0..len) (any bytes) into c. Never fails: what cannot be used is
 * recorded in c for cmdline_apply() to report. */
void cmdline_split(const char *s, size_t len, struct cmdline *c);

/* Interpret the split options. Unknown keys, bad values, dropped words and an
 * open quote are reported through warn() (naming the key and value, escaped
 * and cut visibly when long: lib/escape.h) and otherwise ignored: the default
 * stays. The payload part is handed on in bo. */
void cmdline_apply(const struct cmdline *c, struct boot_options *bo,
		   void (*warn)(void *opaque, const char *msg), void *opaque);

bool cmdline_key_is(const struct cmdline_opt *o, const char *key);

#endif
