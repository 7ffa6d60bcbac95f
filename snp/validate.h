/* SPDX-License-Identifier: MIT */
/*
 * SNP memory state: making ranges private and validated, or shared (facts §5). Pure logic
 * over two operations (a batched page state change and PVALIDATE), so host tests drive it
 * with a model RMP and the guest with the real instructions (snp/snp.c).
 *
 * Private: page state change to private first (batched, 2 MiB entries where a whole aligned
 * 2 MiB lies in the range, 4 KiB entries at the edges), then PVALIDATE each page; a 2 MiB
 * PVALIDATE that fails with FAIL_SIZEMISMATCH (the hypervisor backs it with 4 KiB RMP entries)
 * is retried as 512 x 4 KiB. Shared: PVALIDATE rescind first, then the page state change.
 * Double-validation defence: a PVALIDATE that reports CF = 1 (no change: the page already was
 * in that state) or a size mismatch on a 4 KiB page ends the boot; nothing is skipped silently.
 */
#ifndef COCOBOOT_SNP_VALIDATE_H
#define COCOBOOT_SNP_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

struct snp_range {
	uint64_t base, end;    /* [base, end), 4 KiB aligned */
};

struct snp_mem_ops {
	/* n (1..253) page-state-change entries (include/sev/snp.h snp_psc_entry); returns 0 or a
	 * termination code. */
	int (*psc)(void *ctx, const uint64_t *entries, unsigned n);
	/* PVALIDATE va (identity: = GPA), size SNP_PAGE_4K/2M, validate 1 / rescind 0: returns
	 * the instruction's EAX and sets *cf. */
	unsigned (*pvalidate)(void *ctx, uint64_t va, unsigned size, bool validate, bool *cf);
	void *ctx;
	/* Optional: called after each PVALIDATE of a batch (a CPU's share of the work reports
	 * progress with it, smp/work.c). */
	void (*progress)(void *ctx);
};

/* The page-state-change batch being filled (2 KiB): one per CPU that validates at once. */
struct snp_psc_batch {
	uint64_t entries[253];  /* SNP_PSC_MAX_ENTRIES */
	unsigned n;
};

struct snp_validate_stats {
	uint64_t psc_batches;      /* calls of ops->psc */
	uint64_t psc_entries;
	uint64_t pvalidate_2m, pvalidate_4k;
	uint64_t fallback_2m;      /* 2 MiB PVALIDATEs retried as 4 KiB */
	uint64_t bytes;
};

/* out = ram minus ex (both lists of any order; ex may overlap), cut to [lo, hi), page
 * aligned inward for ram, outward for ex. Returns the number of ranges written (<= max), or
 * -1 when out is too small. */
int snp_ranges_subtract(const struct snp_range *ram, unsigned nram, const struct snp_range *ex,
			unsigned nex, uint64_t lo, uint64_t hi, struct snp_range *out, unsigned max);

/* Make every page of the ranges private and validated. 0 or a termination code; *where is the
 * page the failure concerns. */
int snp_make_private(const struct snp_mem_ops *ops, const struct snp_range *r, unsigned n,
		     struct snp_validate_stats *st, uint64_t *where);

/* The same with the caller's batch (a CPU's own, when several validate in parallel). */
int snp_make_private_with(const struct snp_mem_ops *ops, struct snp_psc_batch *b,
			  const struct snp_range *r, unsigned n, struct snp_validate_stats *st,
			  uint64_t *where);

/* Share k of parts (0 <= k < parts) of the ranges r[0..n): the pieces of the concatenated
 * ranges from byte k * total / parts to (k + 1) * total / parts, each cut moved up to the next
 * 2 MiB boundary (or the end of its range) so no 2 MiB page is split between CPUs. The shares
 * of k = 0..parts-1 are disjoint and cover r exactly. Returns the number of ranges written
 * to out (<= max), or -1 when out is too small. */
int snp_ranges_share(const struct snp_range *r, unsigned n, unsigned parts, unsigned k,
		     struct snp_range *out, unsigned max);
uint64_t snp_ranges_bytes(const struct snp_range *r, unsigned n);

/* Check that every page of the ranges is still validated: PVALIDATE (validate) must report
 * CF = 1, "no change" (2 MiB where aligned, 4 KiB after a size mismatch or at the edges). A
 * page that changes was reset or taken back by the hypervisor: CB_TERM_SNP_NOT_VALIDATED
 * (it is validated again by the check, but what it held is gone). */
int snp_verify_private(const struct snp_mem_ops *ops, const struct snp_range *r, unsigned n,
		       struct snp_validate_stats *st, uint64_t *where);

/* Rescind and make shared (4 KiB pages). Same results. */
int snp_make_shared(const struct snp_mem_ops *ops, const struct snp_range *r, unsigned n,
		    struct snp_validate_stats *st, uint64_t *where);

#endif
