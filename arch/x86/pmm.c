// SPDX-License-Identifier: MIT
#include "arch/x86/pmm.h"

#include <stddef.h>

#define PAGE_MASK (PMM_PAGE_SIZE - 1)

void pmm_init(struct pmm *p)
{
	p->nr_free = 0;
	p->nr_reserved = 0;
	p->overflow = false;
}

static void remove_from_free(struct pmm *p, uint64_t base, uint64_t end)
{
	for (unsigned i = 0; i < p->nr_free; i++) {
		struct pmm_range *r = &p->free[i];

		if (end <= r->base || base >= r->end)
			continue;
		if (base <= r->base && end >= r->end) {
			/* swallowed whole */
			p->free[i] = p->free[--p->nr_free];
			i--;
		} else if (base <= r->base) {
			r->base = end;
		} else if (end >= r->end) {
			r->end = base;
		} else {
			/* split in two */
			if (p->nr_free == PMM_MAX_RANGES) {
				/* Keep the lower part only: losing free memory is safe. */
				p->overflow = true;
				r->end = base;
				continue;
			}
			p->free[p->nr_free++] = (struct pmm_range){ end, r->end, NULL };
			r->end = base;
		}
	}
}

void pmm_add_ram(struct pmm *p, uint64_t base, uint64_t len)
{
	uint64_t end = base + len;

	if (end < base) /* wraps: clamp to the top page */
		end = ~0ull & ~PAGE_MASK;
	base = (base + PAGE_MASK) & ~PAGE_MASK;
	end &= ~PAGE_MASK;
	if (end <= base)
		return;
	/* Overlapping RAM entries (a hostile map) must not duplicate pages. */
	remove_from_free(p, base, end);
	if (p->nr_free == PMM_MAX_RANGES) {
		p->overflow = true;
		return;
	}
	p->free[p->nr_free++] = (struct pmm_range){ base, end, NULL };
	for (unsigned i = 0; i < p->nr_reserved; i++)
		remove_from_free(p, p->reserved[i].base, p->reserved[i].end);
}

void pmm_reserve(struct pmm *p, uint64_t base, uint64_t len, const char *what)
{
	uint64_t end = base + len;

	if (end < base)
		end = ~0ull;
	base &= ~PAGE_MASK;
	end = end > ~0ull - PAGE_MASK ? ~0ull : (end + PAGE_MASK) & ~PAGE_MASK;
	if (p->nr_reserved < PMM_MAX_RESERVED)
		p->reserved[p->nr_reserved++] = (struct pmm_range){ base, end, what };
	else
		p->overflow = true;
	remove_from_free(p, base, end);
}

uint64_t pmm_alloc(struct pmm *p, uint64_t n, uint64_t align, uint64_t limit)
{
	uint64_t size = n * PMM_PAGE_SIZE;
	int best = -1;
	uint64_t best_base = 0;

	if (n == 0 || size / PMM_PAGE_SIZE != n || align < PMM_PAGE_SIZE || (align & (align - 1)))
		return 0;
	for (unsigned i = 0; i < p->nr_free; i++) {
		const struct pmm_range *r = &p->free[i];
		uint64_t top = r->end < limit ? r->end : limit;

		if (top < size || top - size < r->base)
			continue;
		uint64_t base = (top - size) & ~(align - 1);

		if (base < r->base)
			continue;
		if (best < 0 || base > best_base) {
			best = (int)i;
			best_base = base;
		}
	}
	if (best < 0)
		return 0;
	remove_from_free(p, best_base, best_base + size);
	return best_base;
}

uint64_t pmm_free_bytes(const struct pmm *p)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < p->nr_free; i++)
		sum += p->free[i].end - p->free[i].base;
	return sum;
}

bool pmm_is_reserved(const struct pmm *p, uint64_t base, uint64_t len, const char **what)
{
	uint64_t end = base + len < base ? ~0ull : base + len;

	for (unsigned i = 0; i < p->nr_reserved; i++) {
		if (base < p->reserved[i].end && end > p->reserved[i].base) {
			if (what)
				*what = p->reserved[i].what;
			return true;
		}
	}
	return false;
}
