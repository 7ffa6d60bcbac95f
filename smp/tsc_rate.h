/* SPDX-License-Identifier: MIT */
/*
 * The TSC rate the SMP waits use, from CPUID values only (smp/tsc_rate.c), so a host test
 * can feed it any answer (tests/unit/test_tsc_rate.c). docs/abi.md §2 "CPUID".
 */
#ifndef COCOBOOT_SMP_TSC_RATE_H
#define COCOBOOT_SMP_TSC_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A claimed rate is believed only within [1 MHz, 10 GHz]: no x86 TSC runs faster than
 * 10 GHz, and a wait of N ms lasts N ms x claimed / true rate, so an unbounded claim
 * would make every SMP timeout endless (or overflow the deadline). */
#define SMP_TSC_MIN_PER_MS     1000ull      /* 1 MHz */
#define SMP_TSC_MAX_PER_MS     10000000ull  /* 10 GHz */
/* No plausible source: a wait is then never shorter than asked on a TSC up to 5 GHz. */
#define SMP_TSC_ASSUMED_PER_MS 5000000ull

/* What the CPU (the hypervisor) answered. */
struct smp_tsc_leaves {
	uint32_t max_leaf;                    /* CPUID 0 EAX */
	uint32_t l15_eax, l15_ebx, l15_ecx;   /* CPUID 0x15 (read when max_leaf >= 0x15) */
	uint32_t l16_eax;                     /* CPUID 0x16 (read when max_leaf >= 0x16) */
	bool has_xen3;                        /* Xen's leaf base+3 exists */
	uint32_t xen3_ecx;                    /* its sub-leaf 0 ECX: the guest TSC in kHz */
};

/* TSC ticks per ms from the first source, in this order, that gives a rate within the
 * bounds: CPUID 0x15 (ECX crystal Hz x EBX/EAX), CPUID 0x16 EAX[15:0] (base MHz), Xen
 * leaf 3 ECX (kHz); else SMP_TSC_ASSUMED_PER_MS. *src names the source. A source that
 * gives a rate outside the bounds is skipped and named in warn with its leaf and value
 * (warn empty when none was). */
uint64_t smp_tsc_rate(const struct smp_tsc_leaves *l, const char **src, char *warn,
		      size_t warn_size);

#endif
