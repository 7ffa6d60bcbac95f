// SPDX-License-Identifier: MIT
/*
 * Validation planner (facts §5.1 ordering, §5.2 return codes; Linux sev-shared.c
 * pvalidate_pages / set_pages_state, OVMF SnpPageStateChange for the 2 MiB -> 4 KiB retry).
 */
#include "snp/validate.h"

#include "sev/snp.h"
#include "sev/term.h"

#define PAGE_4K 0x1000ull
#define PAGE_2M 0x200000ull

static uint64_t down(uint64_t a, uint64_t al) { return a & ~(al - 1); }
static uint64_t up(uint64_t a, uint64_t al) { return a > ~0ull - (al - 1) ? down(~0ull, al) : down(a + al - 1, al); }

int snp_ranges_subtract(const struct snp_range *ram, unsigned nram, const struct snp_range *ex,
			unsigned nex, uint64_t lo, uint64_t hi, struct snp_range *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nram; i++) {
		uint64_t cur = up(ram[i].base, PAGE_4K), end = down(ram[i].end, PAGE_4K);

		if (cur < lo)
			cur = lo;
		if (end > hi)
			end = hi;
		while (cur < end) {
			/* the lowest exclusion that covers or follows cur */
			uint64_t next_ex = end, ex_end = 0;
			bool inside = false;
			for (unsigned j = 0; j < nex; j++) {
				uint64_t b = down(ex[j].base, PAGE_4K), e = up(ex[j].end, PAGE_4K);
				if (e <= cur || b >= e)
					continue;
				if (b <= cur) {
					inside = true;
					if (e > ex_end)
						ex_end = e;
				} else if (b < next_ex) {
					next_ex = b;
				}
			}
			if (inside) {
				cur = ex_end;
				continue;
			}
			if (n == max)
				return -1;
			out[n++] = (struct snp_range){ cur, next_ex };
			cur = next_ex;
		}
	}
	return (int)n;
}

/* The page-state-change batch being filled (snp_psc_batch), whose pages are validated
 * after it. */
_Static_assert(sizeof(((struct snp_psc_batch *)0)->entries) == SNP_PSC_MAX_ENTRIES * 8,
	       "a batch holds the 253 entries of one NAE call");

/* One PVALIDATE (2 MiB retried as 512 x 4 KiB on a size mismatch). check: the page is
 * expected to be validated already, so CF = 1 ("no change") is the good answer and a change
 * means the hypervisor had reset it; otherwise CF = 1 is a double validation. */
static int pvalidate_one(const struct snp_mem_ops *ops, uint64_t pa, bool huge, bool validate,
			 bool check, struct snp_validate_stats *st, uint64_t *where)
{
	bool cf = false;
	unsigned rc = ops->pvalidate(ops->ctx, pa, huge ? SNP_PAGE_2M : SNP_PAGE_4K, validate, &cf);

	if (huge)
		st->pvalidate_2m++;
	else
		st->pvalidate_4k++;
	*where = pa;
	if (rc == SNP_PVALIDATE_FAIL_SIZEMISMATCH && huge) {
		/* The RMP holds 4 KiB entries here: validate them one by one. */
		st->fallback_2m++;
		for (uint64_t p = pa; p < pa + PAGE_2M; p += PAGE_4K) {
			int err = pvalidate_one(ops, p, false, validate, check, st, where);
			if (err)
				return err;
		}
		return 0;
	}
	if (rc != SNP_PVALIDATE_OK)
		return CB_TERM_SNP_PVALIDATE;   /* FAIL_INPUT, or a size mismatch on 4 KiB */
	if (check)
		return cf ? 0 : CB_TERM_SNP_NOT_VALIDATED;
	return cf ? CB_TERM_SNP_PVALIDATE_NOCHANGE : 0;
}

static int flush_private(const struct snp_mem_ops *ops, struct snp_psc_batch *b,
			 struct snp_validate_stats *st, uint64_t *where)
{
	if (!b->n)
		return 0;
	*where = snp_psc_entry_gfn(b->entries[0]) << 12;
	int err = ops->psc(ops->ctx, b->entries, b->n);
	st->psc_batches++;
	st->psc_entries += b->n;
	if (err)
		return err;
	for (unsigned i = 0; i < b->n; i++) {
		bool huge = (b->entries[i] >> 56) & 1;
		uint64_t pa = snp_psc_entry_gfn(b->entries[i]) << 12;
		err = pvalidate_one(ops, pa, huge, true, false, st, where);
		if (err)
			return err;
		if (ops->progress)
			ops->progress(ops->ctx);
	}
	b->n = 0;
	return 0;
}

static int add(const struct snp_mem_ops *ops, struct snp_psc_batch *b, uint64_t pa, bool huge, unsigned op,
	       struct snp_validate_stats *st, uint64_t *where)
{
	b->entries[b->n++] = snp_psc_entry(pa >> 12, op, huge);
	st->bytes += huge ? PAGE_2M : PAGE_4K;
	return b->n == SNP_PSC_MAX_ENTRIES && op == SNP_PSC_OP_PRIVATE ? flush_private(ops, b, st, where) : 0;
}

int snp_make_private_with(const struct snp_mem_ops *ops, struct snp_psc_batch *b,
			  const struct snp_range *r, unsigned n, struct snp_validate_stats *st,
			  uint64_t *where)
{
	int err = 0;

	b->n = 0;
	for (unsigned i = 0; i < n && !err; i++) {
		uint64_t p = r[i].base;
		while (p < r[i].end && !err) {
			bool huge = !(p & (PAGE_2M - 1)) && r[i].end - p >= PAGE_2M;
			err = add(ops, b, p, huge, SNP_PSC_OP_PRIVATE, st, where);
			p += huge ? PAGE_2M : PAGE_4K;
		}
	}
	return err ? err : flush_private(ops, b, st, where);
}

int snp_make_private(const struct snp_mem_ops *ops, const struct snp_range *r, unsigned n,
		     struct snp_validate_stats *st, uint64_t *where)
{
	static struct snp_psc_batch b;  /* 2 KiB: off the (small) boot stack; the BSP's alone */

	return snp_make_private_with(ops, &b, r, n, st, where);
}

uint64_t snp_ranges_bytes(const struct snp_range *r, unsigned n)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < n; i++)
		total += r[i].end - r[i].base;
	return total;
}

/* Where byte off of the concatenated ranges lies, moved up to a 2 MiB boundary inside its
 * range (or its end): range index and address; index n past the end. */
struct cut {
	unsigned i;
	uint64_t a;
};

static struct cut cut_at(const struct snp_range *r, unsigned n, uint64_t off)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t len = r[i].end - r[i].base;

		if (off < len) {
			uint64_t a = up(r[i].base + off, PAGE_2M);

			return (struct cut){ i, a < r[i].end ? a : r[i].end };
		}
		off -= len;
	}
	return (struct cut){ n, 0 };
}

int snp_ranges_share(const struct snp_range *r, unsigned n, unsigned parts, unsigned k,
		     struct snp_range *out, unsigned max)
{
	uint64_t total = snp_ranges_bytes(r, n);
	struct cut from, to;
	unsigned m = 0;

	if (!parts || k >= parts || !n)
		return 0;
	/* k * total / parts without overflow: total < 2^52 bytes (MAXPHYADDR), parts <= 256 */
	from = k ? cut_at(r, n, total / parts * k + total % parts * k / parts)
		 : (struct cut){ 0, r[0].base };
	to = k + 1 < parts ? cut_at(r, n, total / parts * (k + 1) + total % parts * (k + 1) / parts)
			   : (struct cut){ n, 0 };
	for (unsigned i = from.i; i < n && i <= to.i; i++) {
		uint64_t b = i == from.i ? from.a : r[i].base;
		uint64_t e = i == to.i ? to.a : r[i].end;

		if (b >= e)
			continue;
		if (m == max)
			return -1;
		out[m++] = (struct snp_range){ b, e };
	}
	return (int)m;
}

int snp_verify_private(const struct snp_mem_ops *ops, const struct snp_range *r, unsigned n,
		       struct snp_validate_stats *st, uint64_t *where)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t p = r[i].base;
		while (p < r[i].end) {
			bool huge = !(p & (PAGE_2M - 1)) && r[i].end - p >= PAGE_2M;
			int err = pvalidate_one(ops, p, huge, true, true, st, where);
			if (err)
				return err;
			p += huge ? PAGE_2M : PAGE_4K;
		}
	}
	return 0;
}

int snp_make_shared(const struct snp_mem_ops *ops, const struct snp_range *r, unsigned n,
		    struct snp_validate_stats *st, uint64_t *where)
{
	static struct snp_psc_batch b;
	int err;

	for (unsigned i = 0; i < n; i++) {
		for (uint64_t p = r[i].base; p < r[i].end; p += PAGE_4K) {
			err = pvalidate_one(ops, p, false, false, false, st, where);
			if (err)
				return err;
			b.n = 0;
			(void)add(ops, &b, p, false, SNP_PSC_OP_SHARED, st, where);
			err = ops->psc(ops->ctx, b.entries, 1);
			st->psc_batches++;
			st->psc_entries++;
			if (err)
				return err;
		}
	}
	return 0;
}
