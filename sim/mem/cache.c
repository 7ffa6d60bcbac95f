/* SPDX-License-Identifier: MIT */
/*
 * The cache model: what a CPU without cache coherency across encryption keys does to a
 * page whose C-bit changes while lines of it are still cached under the old key.
 *
 * Facts (amd-sev-facts.md §6.1): CPUID 0x8000001F EAX[10] says the hardware keeps caches
 * coherent across encryption domains. Without it, the C-bit is part of a cached line's
 * identity: a dirty line written under one key is written back later, over whatever was
 * stored through the other key in between. Linux therefore flushes the page through its
 * old mapping before it changes the C-bit unless the bit is set (arch/x86/mm/
 * mem_encrypt_amd.c prepare_pte_enc: clflush_cache_range; set_memory.c; the decompressor's
 * ident_map_64.c set_clr_page_flags: clflush_page before the PTE changes).
 *
 * Model (--cache=incoherent; --cache=coherent, the default, sets EAX[10] and never
 * corrupts anything):
 *  - per RAM page and key (private = C-bit set or paging off; shared = C-bit clear), the
 *    64-byte lines flushed since the page became accessible under that key. CLFLUSH /
 *    CLFLUSHOPT flush the line of the *linear* address through the current mapping, so
 *    under the key that mapping selects (a flush through the new mapping misses the old
 *    lines); WBINVD (native, or the hypervisor's for the WBINVD NAE event) flushes all;
 *  - sevsim cannot see private writes (private RAM is plain host memory to Unicorn), so a
 *    page counts as possibly dirty under a key it was accessible under, until flushed;
 *    a change of its bytes after the last line was flushed (a hash) makes it dirty again;
 *    guest writes through a shared mapping dirty their line; hypervisor writes do not
 *    (its view and the shared key are one domain);
 *  - when a page changes key with unflushed lines, their bytes as of that moment are the
 *    stale dirty lines: at the next eviction point (any exit to the hypervisor, the next
 *    page-table change, the handoff check, the end of the run) they are written back over
 *    what was stored through the new key since. The guest then reads back corrupted data
 *    (a GHCB request the hypervisor cannot parse, a private page that lost its writes).
 * Limits: one cache for all vCPUs; a private write after the flush that leaves the page's
 * bytes unchanged is not seen; lines are evicted only at the points above.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

#define LINES_ALL  ~0ull
#define PRIVATE    0
#define SHARED     1

static uint64_t page_hash(const uint8_t *p)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const uint64_t *q = (const uint64_t *)p;

	for (unsigned i = 0; i < 512; i++)
		h = (h ^ q[i]) * 0x100000001b3ull;
	return h;
}

int sim_cache_init(struct sim *s)
{
	uint64_t pages = s->ram_size >> 12;

	if (!s->cfg.cache_incoherent || !s->cbit_mask)
		return 0;
	s->cache = calloc(pages, sizeof(*s->cache));
	if (!s->cache) {
		sim_fail(s, "out of memory for the cache model");
		return -1;
	}
	/* At launch every page is private and may hold dirty private lines (the guest's
	 * first writes with paging off); nothing is cached under the shared key. */
	for (uint64_t p = 0; p < pages; p++)
		s->cache[p].flushed[SHARED] = LINES_ALL;
	return 0;
}

void sim_cache_free(struct sim *s)
{
	free(s->cache);
	free(s->stale);
	s->cache = NULL;
	s->stale = NULL;
}

static void flushed_line(struct sim *s, uint64_t gpa, unsigned key)
{
	struct sim_cache_page *c = &s->cache[gpa >> 12];

	c->flushed[key] |= 1ull << ((gpa & 0xfff) >> 6);
	if (c->flushed[key] == LINES_ALL)
		c->hash[key] = page_hash(s->ram + (gpa & ~0xfffull));
}

void sim_cache_clflush(struct sim_vcpu *v, uint64_t la)
{
	struct sim *s = v->sim;
	uint64_t gpa;

	s->cache_flushes++;
	if (!s->cache || !sim_mmu_translate(v, la, false, &gpa))
		return;
	bool shared = (v->cr0 & (1ull << 31)) && !(gpa & s->cbit_mask);

	gpa &= ~(s->cbit_mask | s->alias_mask);
	if (sim_mem_is_ram(s, gpa, 1))
		flushed_line(s, gpa, shared ? SHARED : PRIVATE);
}

void sim_cache_wbinvd(struct sim *s)
{
	s->cache_wbinvd++;
	if (!s->cache)
		return;
	for (uint64_t p = 0; p < s->ram_size >> 12; p++)
		for (unsigned k = 0; k < 2 && sim_mem_is_ram(s, p << 12, 4096); k++) {
			s->cache[p].flushed[k] = LINES_ALL;
			s->cache[p].hash[k] = page_hash(s->ram + (p << 12));
		}
}

void sim_cache_shared_write(struct sim *s, uint64_t gpa)
{
	if (s->cache && gpa < s->ram_size)
		s->cache[gpa >> 12].flushed[SHARED] &= ~(1ull << ((gpa & 0xfff) >> 6));
}

void sim_cache_hv_wrote(struct sim *s, uint64_t gpa, uint64_t len)
{
	if (!s->cache || !len)
		return;
	for (uint64_t p = gpa >> 12; p <= (gpa + len - 1) >> 12 && p < s->ram_size >> 12; p++)
		for (unsigned k = 0; k < 2 && sim_mem_is_ram(s, p << 12, 4096); k++)
			if (s->cache[p].flushed[k] == LINES_ALL)
				s->cache[p].hash[k] = page_hash(s->ram + (p << 12));
}

void sim_cache_flip(struct sim_vcpu *v, uint64_t page, bool old_shared)
{
	struct sim *s = v->sim;
	unsigned old = old_shared ? SHARED : PRIVATE, new = old_shared ? PRIVATE : SHARED;
	struct sim_cache_page *c;
	uint64_t dirty;

	if (!s->cache || page >= s->ram_size >> 12)
		return;
	c = &s->cache[page];
	dirty = ~c->flushed[old];
	if (!dirty && c->hash[old] != page_hash(s->ram + (page << 12)))
		dirty = LINES_ALL; /* written again after the flush */
	c->flushed[old] = LINES_ALL; /* no longer reachable under the old key */
	c->flushed[new] = 0;         /* now it is */
	if (!dirty)
		return;
	s->cache_stale_pages++;
	if (s->cache_stale_pages == 1)
		s->cache_stale_first = page << 12;
	sim_trace(s, "vcpu%u: cache: GPA %#" PRIx64 " becomes %s with %d unflushed %s lines",
		  v->id, page << 12, old_shared ? "private" : "shared", __builtin_popcountll(dirty),
		  old_shared ? "shared" : "private");
	if (s->nr_stale == s->max_stale) {
		unsigned n = s->max_stale ? 2 * s->max_stale : 16;
		struct sim_cache_stale *p = realloc(s->stale, n * sizeof(*p));

		if (!p) {
			sim_fail(s, "out of memory for the cache model");
			return;
		}
		s->stale = p;
		s->max_stale = n;
	}
	struct sim_cache_stale *st = &s->stale[s->nr_stale++];

	st->gpa = page << 12;
	st->lines = dirty;
	memcpy(st->data, s->ram + st->gpa, 4096);
}

void sim_cache_evict(struct sim *s)
{
	for (unsigned i = 0; i < s->nr_stale; i++) {
		struct sim_cache_stale *st = &s->stale[i];

		for (unsigned l = 0; l < 64; l++)
			if (st->lines & (1ull << l))
				memcpy(s->ram + st->gpa + l * 64, st->data + l * 64, 64);
	}
	s->nr_stale = 0;
}
