// SPDX-License-Identifier: MIT
#include "arch/x86/paging.h"

#include <stddef.h>

#define ENTRIES 512

static uint64_t *table(const struct pt_ctx *c, uint64_t entry_or_pa)
{
	return c->phys_to_ptr(c->opaque, entry_or_pa & PTE_ADDR_MASK & ~c->enc_mask);
}

enum pt_error pt_init(struct pt_ctx *c)
{
	c->tables = 0;
	c->root = c->alloc_page(c->opaque);
	if (!c->root)
		return PT_ERR_NOMEM;
	c->tables = 1;
	return PT_OK;
}

static unsigned index_at(uint64_t va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

static uint64_t leaf_flags(const struct pt_ctx *c, unsigned opts, bool large)
{
	uint64_t f = PTE_P | PTE_A;

	if (opts & PT_WRITE)
		f |= PTE_RW | PTE_D;
	if (!(opts & PT_EXEC) && c->nx_ok)
		f |= PTE_NX;
	if (opts & PT_UNCACHED)
		f |= PTE_PCD | PTE_PWT;
	if (large)
		f |= PTE_PS;
	return f;
}

/* Find or make the next-level table under *e (an entry at level l). A large
 * page in the way is split into a table of the next size down that maps the
 * same memory with the same attributes, so finer mappings can follow. */
static enum pt_error descend(struct pt_ctx *c, uint64_t *e, int l, uint64_t **next)
{
	if ((*e & PTE_P) && !(*e & PTE_PS)) {
		*next = table(c, *e);
		return PT_OK;
	}
	uint64_t pa = c->alloc_page(c->opaque);

	if (!pa)
		return PT_ERR_NOMEM;
	c->tables++;
	uint64_t *t = c->phys_to_ptr(c->opaque, pa);

	if (*e & PTE_P) {
		uint64_t child = 1ull << (12 + 9 * (l - 2));
		uint64_t base;
		uint64_t attrs = *e & ~PTE_ADDR_MASK;
		uint64_t emask = *e & c->enc_mask;

		if (l == 2)
			attrs &= ~PTE_PS; /* 4 KiB entries: bit 7 is PAT, keep it 0 */
		base = *e & PTE_ADDR_MASK & ~c->enc_mask & ~((1ull << (12 + 9 * (l - 1))) - 1);
		for (unsigned i = 0; i < ENTRIES; i++)
			t[i] = (base + i * child) | emask | attrs;
	}
	/* Intermediate entries are permissive; the leaf decides. The table
	 * pages themselves are private memory, so they carry the C-bit. */
	*e = pa | c->enc_mask | PTE_P | PTE_RW | PTE_A;
	*next = t;
	return PT_OK;
}

static bool canonical(uint64_t va)
{
	return va < (1ull << 47) || va >= 0xffff800000000000ull;
}

enum pt_error pt_map(struct pt_ctx *c, uint64_t va, uint64_t pa, uint64_t len, unsigned opts)
{
	uint64_t mask = (opts & PT_SHARED) ? 0 : c->enc_mask;

	if ((va | pa | len) & (PT_SIZE_4K - 1))
		return PT_ERR_ALIGN;
	if (len == 0)
		return PT_OK;
	if (va + len < va || pa + len < pa || !canonical(va) ||
	    !canonical(va + len - 1) || ((pa + len - 1) & ~PTE_ADDR_MASK & ~0xfffull))
		return PT_ERR_RANGE;
	while (len) {
		uint64_t size;
		int level;

		if (c->allow_1g && !((va | pa) & (PT_SIZE_1G - 1)) && len >= PT_SIZE_1G) {
			size = PT_SIZE_1G;
			level = 3;
		} else if (!((va | pa) & (PT_SIZE_2M - 1)) && len >= PT_SIZE_2M) {
			size = PT_SIZE_2M;
			level = 2;
		} else {
			size = PT_SIZE_4K;
			level = 1;
		}
		uint64_t *t = table(c, c->root);

		for (int l = 4; l > level; l--) {
			enum pt_error err = descend(c, &t[index_at(va, l)], l, &t);

			if (err)
				return err;
			/* A finer table already sits where the big page would go:
			 * keep it and map this piece one size down. */
			if (l - 1 == level && level > 1) {
				uint64_t cur = t[index_at(va, level)];

				if ((cur & PTE_P) && !(cur & PTE_PS)) {
					level--;
					size >>= 9;
				}
			}
		}
		uint64_t *e = &t[index_at(va, level)];

		*e = pa | mask | leaf_flags(c, opts, level > 1);
		va += size;
		pa += size;
		len -= size;
	}
	return PT_OK;
}

bool pt_translate(const struct pt_ctx *c, uint64_t va, uint64_t *pa, uint64_t *leaf,
		  uint64_t *page_size)
{
	const uint64_t *t = table(c, c->root);

	for (int l = 4; l >= 1; l--) {
		uint64_t e = t[index_at(va, l)];

		if (!(e & PTE_P))
			return false;
		if (l == 1 || (e & PTE_PS)) {
			uint64_t size = 1ull << (12 + 9 * (l - 1));

			if (pa)
				*pa = ((e & PTE_ADDR_MASK & ~c->enc_mask) & ~(size - 1)) | (va & (size - 1));
			if (leaf)
				*leaf = e;
			if (page_size)
				*page_size = size;
			return true;
		}
		t = table(c, e);
	}
	return false;
}

bool pt_unmap_page(struct pt_ctx *c, uint64_t va)
{
	uint64_t *t = table(c, c->root);

	for (int l = 4; l > 1; l--) {
		uint64_t e = t[index_at(va, l)];

		if (!(e & PTE_P) || (e & PTE_PS))
			return false;
		t = table(c, e);
	}
	if (!(t[index_at(va, 1)] & PTE_P))
		return false;
	t[index_at(va, 1)] = 0;
	return true;
}

const char *pt_strerror(enum pt_error e)
{
	switch (e) {
	case PT_OK:
		return "ok";
	case PT_ERR_NOMEM:
		return "out of memory for page tables";
	case PT_ERR_ALIGN:
		return "address or length not 4 KiB aligned";
	case PT_ERR_RANGE:
		return "address range not canonical or wraps";
	}
	return "unknown error";
}
