/* SPDX-License-Identifier: MIT */
/*
 * Guest memory and the SEV encryption model.
 *
 * The host buffer `ram` holds what the guest reads through a private mapping (the
 * plaintext). Memory "as stored" (what a shared mapping and the hypervisor see) is
 * ram XOR keystream, where the keystream is a per-seed function of the *physical* address
 * (a stand-in for AES-XTS with a physical-address tweak). So private data read through a
 * shared mapping, or by the hypervisor, is ciphertext, and data written through a shared
 * mapping reads back scrambled through a private one. Mode none has no keystream.
 *
 * Guest RAM is [0, low_top) and, with more than SIM_LOWMEM_MAX, [4 GiB, ram_size); the
 * host buffer covers [0, ram_size) with MAP_NORESERVE, so only touched pages cost host
 * memory (the hole is never touched).
 *
 * Address model (docs/sevsim.md, "Address model"). Unicorn 2.0.1 walks the guest's page
 * tables for permissions and faults but then accesses its own memory map at the *linear*
 * address (excp_helper.c sets the TLB entry, but the memory region is looked up by the
 * virtual address). So the engine's map is a map of linear pages, and sevsim keeps it
 * equal to what the guest's tables say:
 *   - after every change of paging state (CR0/CR3/CR4/EFER write, INVLPG) it walks the
 *     guest's tables over the linear range [0, ram_size) (sim_mem_classify) and maps each
 *     linear page either as the RAM at its own address (private: the leaf entry has the
 *     C-bit, or paging is off), as an MMIO region whose callbacks add the keystream of the
 *     physical page (shared: no C-bit), or, when the leaf maps another physical page, as
 *     that page (private or shared);
 *   - a linear page outside [0, ram_size) that maps RAM is mapped on its first touch
 *     (hook_unmapped -> sim_mem_map_lazy) and dropped again at the next paging change;
 *   - instruction fetches are always private (as on hardware): the MMIO callback treats a
 *     read while RIP is not the instruction the code hook last let run as a translation-
 *     time fetch (Unicorn translates MMIO code one instruction at a time);
 *   - page-table walks are always private too (AMD: instruction pages and page tables must
 *     always remain private) and never reach this map: Unicorn's walker reads the tables
 *     through the walk window (cpu/mmu.c), which also strips the C-bit.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim/sim.h"

#define CR0_PG   (1ull << 31)
#define EFER_LMA (1ull << 10)
#define PTE_P    1ull
#define PTE_PS   (1ull << 7)
#define ADDR_MASK 0x000ffffffffff000ull

static inline uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Keystream byte for guest physical address gpa (no C-bit). */
static inline uint8_t ks_byte(const struct sim *s, uint64_t gpa)
{
	if (!s->cbit_mask)
		return 0;
	return (uint8_t)(splitmix64(s->ks_key ^ (gpa >> 3)) >> (8 * (gpa & 7)));
}

bool sim_mem_is_ram(const struct sim *s, uint64_t gpa, uint64_t len)
{
	if (gpa < s->low_top)
		return len <= s->low_top - gpa;
	return gpa >= SIM_HIGH_BASE && gpa < s->ram_size && len <= s->ram_size - gpa;
}

uint64_t sim_mem_decode_gpa(const struct sim *s, uint64_t gpa, bool *priv)
{
	if (gpa & s->rsvd_mask)
		return ~0ull;
	if (priv)
		*priv = (gpa & s->cbit_mask) != 0;
	return gpa & ~(s->cbit_mask | s->alias_mask);
}

bool sim_mem_is_mmio_device(uint64_t gpa)
{
	return gpa >= SIM_MMIO_DEV_BASE && gpa < SIM_MMIO_DEV_BASE + SIM_MMIO_DEV_SIZE;
}

static void *map_array(uint64_t bytes);

/* Pages the code-owner map covers (cpu/smc.c): RAM and everything below 4 GiB. */
uint64_t sim_mem_code_pages(const struct sim *s)
{
	return (s->ram_size > SIM_HIGH_BASE ? s->ram_size : SIM_HIGH_BASE) >> 12;
}

int sim_mem_init(struct sim *s)
{
	s->low_top = s->cfg.mem < SIM_LOWMEM_MAX ? s->cfg.mem : SIM_LOWMEM_MAX;
	s->ram_size = s->cfg.mem <= SIM_LOWMEM_MAX ? s->cfg.mem :
		      SIM_HIGH_BASE + (s->cfg.mem - SIM_LOWMEM_MAX);
	s->ram = mmap(NULL, s->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		      MAP_NORESERVE, -1, 0);
	if (s->ram == MAP_FAILED) {
		s->ram = NULL;
		sim_fail(s, "cannot allocate %llu bytes of guest RAM", (unsigned long long)s->ram_size);
		return -1;
	}
	s->special = aligned_alloc(4096, SIM_SPECIAL_SIZE);
	if (!s->special) {
		sim_fail(s, "out of memory");
		return -1;
	}
	memset(s->special, 0, SIM_SPECIAL_SIZE);
	if (s->cfg.vcpus > 1) {
		s->code_owner = map_array(sim_mem_code_pages(s) * sizeof(*s->code_owner));
		if (!s->code_owner) {
			sim_fail(s, "out of memory for the code-page map");
			return -1;
		}
	}
	s->ks_key = splitmix64(s->cfg.seed ^ 0x5e5e5e5e5e5e5e5eull);
	sim_rmp_init(s); /* SNP: the launch marks its pages in it (fw/snp_launch.c) */
	return s->result == SIM_RES_RUNNING ? 0 : -1;
}

/* Zeroed per-page arrays: anonymous mappings, so pages never touched cost nothing. */
static void *map_array(uint64_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void unmap_array(void *p, uint64_t bytes)
{
	if (p)
		munmap(p, bytes);
}

void sim_mem_unmap_vcpu(struct sim_vcpu *v)
{
	uint64_t pages = v->sim->ram_size >> 12;

	unmap_array(v->page_map, pages);
	unmap_array(v->page_want, pages);
	unmap_array(v->page_tgt, pages * sizeof(uint64_t));
	unmap_array(v->page_tgt_now, pages * sizeof(uint64_t));
	unmap_array(v->shared_desc, pages * sizeof(struct sim_shared_desc));
	v->page_map = v->page_want = NULL;
	v->page_tgt = v->page_tgt_now = NULL;
	v->shared_desc = NULL;
}

void sim_mem_free(struct sim *s)
{
	if (s->ram)
		munmap(s->ram, s->ram_size);
	for (unsigned i = 0; i < s->nr_vcpus; i++)
		if (s->vcpu[i].sim) /* created (not when the launch failed first) */
			sim_mem_unmap_vcpu(&s->vcpu[i]);
	unmap_array(s->code_owner, sim_mem_code_pages(s) * sizeof(*s->code_owner));
	free(s->fwmem);
	free(s->special);
	if (s->rmp)
		munmap(s->rmp, s->ram_size >> 12);
	sim_cache_free(s);
	s->ram = NULL;
	s->special = NULL;
	s->rmp = NULL;
}

void sim_mem_load(struct sim *s, uint64_t gpa, const void *buf, uint64_t len)
{
	memcpy(s->ram + gpa, buf, len);
}

/* ---- shared pages: MMIO callbacks ---- */

/* SNP: a C=0 access to a page the RMP assigns to the guest faults to the hypervisor, which
 * converts it (mem/rmp.c); the mappings follow before the next instruction. */
static void snp_shared_access(struct sim *s, uint64_t gpa, unsigned size)
{
	if (!s->rmp)
		return;
	for (uint64_t g = gpa >> 12; g <= (gpa + (size ? size : 1) - 1) >> 12; g++)
		if (sim_mem_is_ram(s, g << 12, 4096) && !sim_rmp_shared(s, g))
			sim_rmp_implicit(s, g, true, true, "C=0 access to a private page");
}

static uint64_t shared_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	struct sim_shared_desc *d = ud;
	struct sim_vcpu *v = d->v;
	struct sim *s = v->sim;
	uint64_t val = 0, rip = 0, base = d->base + off;
	bool fetch;

	uc_reg_read(uc, UC_X86_REG_RIP, &rip);
	fetch = rip != v->exec_rip;
	if (!fetch)
		snp_shared_access(s, base, size);
	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t a = base + i;
		uint8_t b = !sim_mem_is_ram(s, a, 1) ? 0xff : fetch ? s->ram[a] :
			    (uint8_t)(s->ram[a] ^ ks_byte(s, a));
		val |= (uint64_t)b << (8 * i);
	}
	return val;
}

static void shared_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *ud)
{
	struct sim_shared_desc *d = ud;
	struct sim *s = d->v->sim;
	uint64_t base = d->base + off;

	(void)uc;
	snp_shared_access(s, base, size);
	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t a = base + i;
		if (sim_mem_is_ram(s, a, 1))
			s->ram[a] = (uint8_t)(val >> (8 * i)) ^ ks_byte(s, a);
	}
	sim_cache_shared_write(s, base);
}

/* ---- sevsim's MMIO test device (modes none and sev map it; SEV-ES takes #VC) ---- */

static uint64_t dev_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	(void)uc;
	return sim_mmio_read(ud, SIM_MMIO_DEV_BASE + off, size);
}

static void dev_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *ud)
{
	(void)uc;
	sim_mmio_write(ud, SIM_MMIO_DEV_BASE + off, size, val);
}

int sim_mem_map_vcpu(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uint64_t pages = s->ram_size >> 12;
	uc_err e;

	/* Paging is off at reset: every access is private, so RAM is mapped at its GPAs. */
	e = uc_mem_map_ptr(v->uc, 0, s->low_top, UC_PROT_ALL, s->ram);
	if (e == UC_ERR_OK && s->ram_size > SIM_HIGH_BASE)
		e = uc_mem_map_ptr(v->uc, SIM_HIGH_BASE, s->ram_size - SIM_HIGH_BASE, UC_PROT_ALL,
				   s->ram + SIM_HIGH_BASE);
	if (e == UC_ERR_OK)
		e = uc_mmio_map(v->uc, SIM_WALK_WINDOW, s->ram_size, sim_mmu_window_read, v,
				sim_mmu_window_write, v);
	if (e == UC_ERR_OK)
		e = uc_mem_map_ptr(v->uc, SIM_SPECIAL_BASE, SIM_SPECIAL_SIZE, UC_PROT_ALL, s->special);
	if (e == UC_ERR_OK && s->cfg.mode <= SIM_MODE_SEV)
		e = uc_mmio_map(v->uc, SIM_MMIO_DEV_BASE, SIM_MMIO_DEV_SIZE, dev_read, s, dev_write, s);
	if (e == UC_ERR_OK && s->fwmem) /* launch memory outside RAM: private, at its GPA */
		e = uc_mem_map_ptr(v->uc, s->fwmem_gpa, s->fwmem_size, UC_PROT_ALL, s->fwmem);
	if (e == UC_ERR_OK && s->cfg.mode <= SIM_MODE_SEV) /* the local APIC (apic/lapic.c) */
		e = uc_mmio_map(v->uc, SIM_APIC_BASE, 4096, sim_apic_mmio_read, v,
				sim_apic_mmio_write, v);
	if (e != UC_ERR_OK) {
		sim_fail(s, "vcpu%u: mapping guest memory failed: %s", v->id, uc_strerror(e));
		return -1;
	}
	/* Per linear page below ram_size (the hole included). */
	v->page_map = map_array(pages);
	v->page_want = map_array(pages);
	v->page_tgt = map_array(pages * sizeof(*v->page_tgt));
	v->page_tgt_now = map_array(pages * sizeof(*v->page_tgt_now));
	v->shared_desc = map_array(pages * sizeof(*v->shared_desc));
	v->want_lo = v->map_lo = pages; /* nothing written yet */
	v->want_hi = v->map_hi = 0;
	if (!v->page_map || !v->page_want || !v->shared_desc || !v->page_tgt || !v->page_tgt_now) {
		sim_fail(s, "out of memory for the page map");
		return -1;
	}
	return 0;
}

/* ---- classification: what each linear page below ram_size is under the current tables ---- */

static bool walk_rd(struct sim_vcpu *v, uint64_t gpa, uint64_t *e)
{
	return sim_mem_cpu_access(v, gpa, e, 8, SIM_ACC_WALK, false);
}

/* The page-map extents (simsmp): page_want differs from SIM_MAP_PRIVATE (0) only inside
 * [want_lo, want_hi), page_map only inside [map_lo, map_hi). */
static void want_extent(struct sim_vcpu *v, uint64_t p)
{
	if (p < v->want_lo)
		v->want_lo = p;
	if (p + 1 > v->want_hi)
		v->want_hi = p + 1;
}

/* Note what the leaf entry e maps at [va, va + size) (a 4K, 2M or 1G page). */
static void mark_leaf(struct sim_vcpu *v, uint64_t va, uint64_t size, uint64_t e)
{
	struct sim *s = v->sim;
	bool priv = false;
	uint64_t gpa = sim_mem_decode_gpa(s, e & ADDR_MASK & ~(size - 1), &priv);

	if (gpa == ~0ull)
		return; /* a reserved bit: Unicorn's walk faults it (#PF, RSVD) */
	if (gpa != va && va < s->ram_size) {
		s->non_identity++;
		if (!s->non_identity_va) {
			s->non_identity_va = va;
			s->non_identity_gpa = gpa;
		}
	}
	for (uint64_t off = 0; off < size && va + off < s->ram_size; off += 4096) {
		uint64_t p = (va + off) >> 12;
		if (gpa == va) {
			if (priv)
				continue;
			v->page_want[p] = SIM_MAP_SHARED;
		} else if (sim_mem_is_ram(s, gpa + off, 4096)) {
			v->page_want[p] = SIM_MAP_REMAP;
			v->page_tgt[p] = (gpa + off) | !priv;
		} else {
			v->page_want[p] = SIM_MAP_NONE; /* MMIO or nothing: hook_unmapped decides */
		}
		want_extent(v, p);
	}
}

static void walk_table(struct sim_vcpu *v, uint64_t table, int level, uint64_t va_base)
{
	struct sim *s = v->sim;
	uint64_t span = 1ull << (12 + 9 * level);

	for (unsigned i = 0; i < 512; i++) {
		uint64_t va = va_base + i * span, e;
		if (va >= s->ram_size)
			return;
		if (!walk_rd(v, table + i * 8, &e) || !(e & PTE_P))
			continue;
		if (level == 0 || (level < 3 && (e & PTE_PS)))
			mark_leaf(v, va, span, e);
		else
			walk_table(v, e & ADDR_MASK, level - 1, va);
	}
}

static void classify(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uint64_t pages = s->ram_size >> 12;

	/* SIM_MAP_PRIVATE is 0: only the extent a walk wrote is zeroed (dropped), and only
	 * the extents ever written are compared: a vCPU's arrays over 64 GiB of RAM cost
	 * host memory where pages are not private, not per page of RAM (a read of an
	 * untouched page allocates one on some hosts) */
	if (v->want_hi > v->want_lo) {
		uint64_t a = v->want_lo & ~4095ull, b = (v->want_hi + 4095) & ~4095ull;
		madvise(v->page_want + a, (b < pages ? b : pages) - a, MADV_DONTNEED);
	}
	v->want_lo = pages;
	v->want_hi = 0;
	if (!(v->cr0 & CR0_PG))
		return;
	if (v->efer & EFER_LMA) {
		walk_table(v, v->cr3 & ADDR_MASK, 3, 0);
	} else if (v->cr4 & (1ull << 5)) { /* PAE */
		for (unsigned i = 0; i < 4; i++) {
			uint64_t e;
			if (walk_rd(v, (v->cr3 & 0xffffffe0ull) + i * 8, &e) && (e & PTE_P))
				walk_table(v, e & ADDR_MASK, 1, (uint64_t)i << 30);
		}
	}
	/* legacy 32-bit paging has no C-bit: identity pages stay private */
}

/* GPA page p is RAM (not the hole between low_top and 4 GiB) */
static bool ram_page(const struct sim *s, uint64_t p)
{
	return sim_mem_is_ram(s, p << 12, 4096);
}

/* Is a page of this kind in the engine's map? (NONE and INVALID are not.) */
static bool mapped(uint8_t kind)
{
	return kind != SIM_MAP_NONE && kind != SIM_MAP_INVALID;
}

/* The key a page of this kind is accessed with: 0 private, 1 shared, 2 neither/other. */
static unsigned key_of(uint8_t kind)
{
	return kind == SIM_MAP_SHARED ? 1 : (kind == SIM_MAP_PRIVATE || kind == SIM_MAP_INVALID) ? 0 : 2;
}

/*
 * Private identity pages join the private identity pages beside them in one region, within
 * an aligned block of COALESCE pages: SNP validates RAM 2 MiB at a time, and Unicorn slows
 * with every region (a linear search per map) and aborts beyond about 4096 of them.
 */
#define COALESCE 16384ull /* 64 MiB */

static bool joins(const struct sim_vcpu *v, uint64_t p)
{
	return p < (v->sim->ram_size >> 12) && ram_page(v->sim, p) &&
	       v->page_map[p] == SIM_MAP_PRIVATE && v->page_want[p] == SIM_MAP_PRIVATE;
}

static uc_err map_private(struct sim_vcpu *v, uint64_t first, uint64_t n)
{
	uint64_t lo = first, hi = first + n, blo = first & ~(COALESCE - 1);
	uint64_t bhi = ((hi - 1) & ~(COALESCE - 1)) + COALESCE;
	uc_err e = UC_ERR_OK;

	while (lo > blo && joins(v, lo - 1))
		lo--;
	while (hi < bhi && joins(v, hi))
		hi++;
	if (lo < first)
		e = uc_mem_unmap(v->uc, lo << 12, (first - lo) << 12);
	if (e == UC_ERR_OK && hi > first + n)
		e = uc_mem_unmap(v->uc, (first + n) << 12, (hi - first - n) << 12);
	if (e == UC_ERR_OK)
		e = uc_mem_map_ptr(v->uc, lo << 12, (hi - lo) << 12, UC_PROT_ALL, v->sim->ram + (lo << 12));
	return e;
}

/*
 * Unmap linear pages [first, first + n) and map afresh what is left of a shared region cut
 * at either edge. Unicorn 2.0.1 cuts an MMIO region (uc.c, split_mmio_region) by unmapping
 * it and mapping each piece left again with uc_mmio_map, the same callbacks and user data:
 *   - a piece's callbacks get offsets from the piece's own start, but its descriptor still
 *     holds the GPA of the whole region's start, so a piece right of the cut reads and
 *     writes the wrong physical page (shared identity page p read as page p - cut);
 *   - a piece's permissions come from the callbacks alone (read + write): the UC_PROT_EXEC
 *     map_run gave the region is lost, and a fetch there stops the engine with
 *     UC_ERR_FETCH_PROT, which no CPU does (a leaf without the C-bit, or any leaf with SEV
 *     off, is executable unless NX says otherwise: APM vol. 2, 5.6 and 15.34.5).
 * Mode none makes every identity page shared, so the first tables that map less than the
 * last ones (Linux's decompressor) cut the region of all RAM. RAM regions keep both when cut.
 */
static bool shared_at(const struct sim_vcpu *v, uint64_t p)
{
	return p < (v->sim->ram_size >> 12) && v->page_map[p] == SIM_MAP_SHARED;
}

/* Map the shared identity pages [lo, hi) as one region of their own. */
static uc_err map_shared(struct sim_vcpu *v, uint64_t lo, uint64_t hi)
{
	struct sim_shared_desc *d = &v->shared_desc[lo >> 12];
	uc_err e;

	d->v = v;
	d->base = lo;
	e = uc_mmio_map(v->uc, lo, hi - lo, shared_read, d, shared_write, d);
	if (e == UC_ERR_OK) /* Unicorn checks fetch permission on the linear address's region */
		e = uc_mem_protect(v->uc, lo, hi - lo, UC_PROT_ALL);
	return e;
}

static uc_err unmap_run(struct sim_vcpu *v, uint64_t first, uint64_t n)
{
	uint64_t base = first << 12, end = (first + n) << 12, lo = base, hi = end;
	uc_mem_region *r = NULL;
	uint32_t nr = 0;
	uc_err e;

	if ((first && shared_at(v, first - 1)) || shared_at(v, first + n)) {
		e = uc_mem_regions(v->uc, &r, &nr);
		if (e != UC_ERR_OK)
			return e;
		for (uint32_t i = 0; i < nr; i++) { /* end is inclusive */
			if (r[i].begin < base && r[i].end >= base && shared_at(v, first - 1))
				lo = r[i].begin;
			if (r[i].begin < end && r[i].end >= end && shared_at(v, first + n))
				hi = r[i].end + 1;
		}
		uc_free(r);
	}
	e = uc_mem_unmap(v->uc, lo, hi - lo);
	if (e == UC_ERR_OK && lo < base)
		e = map_shared(v, lo, base);
	if (e == UC_ERR_OK && hi > end)
		e = map_shared(v, end, hi);
	return e;
}

/* Map linear pages [first, first + n) as physical [gpa, ...), private or shared. */
static uc_err map_run(struct sim_vcpu *v, uint64_t first, uint64_t n, uint64_t gpa, bool shared)
{
	uint64_t base = first << 12, len = n << 12;
	uc_err e = !mapped(v->page_map[first]) ? UC_ERR_OK : unmap_run(v, first, n);

	if (e != UC_ERR_OK || !mapped(v->page_want[first]))
		return e;
	if (!shared && gpa == base && v->page_want[first] == SIM_MAP_PRIVATE)
		return map_private(v, first, n);
	if (!shared)
		return uc_mem_map_ptr(v->uc, base, len, UC_PROT_ALL, v->sim->ram + gpa);
	if (gpa == base)
		return map_shared(v, base, base + len);
	v->shared_desc[first].v = v; /* a remapped page: one region of one page */
	v->shared_desc[first].base = gpa;
	e = uc_mmio_map(v->uc, base, len, shared_read, &v->shared_desc[first], shared_write,
			&v->shared_desc[first]);
	if (e == UC_ERR_OK) /* Unicorn checks fetch permission on the linear address's region */
		e = uc_mem_protect(v->uc, base, len, UC_PROT_ALL);
	return e;
}

static bool page_differs(const struct sim_vcpu *v, uint64_t p)
{
	return v->page_want[p] != v->page_map[p] ||
	       (v->page_want[p] == SIM_MAP_REMAP && v->page_tgt[p] != v->page_tgt_now[p]);
}

/* SNP: a private page whose RMP entry is not validated stays out of the map (#VC 0x404).
 * Pages it marks invalid join the want extent, so the next classification drops them. */
static void rmp_filter(struct sim_vcpu *v, uint64_t first, uint64_t last)
{
	struct sim *s = v->sim;

	if (!s->rmp)
		return;
	for (uint64_t p = first; p < last; p++) {
		uint8_t w = v->page_want[p], now = w;
		if (w == SIM_MAP_PRIVATE || w == SIM_MAP_INVALID)
			now = sim_rmp_validated(s, p) ? SIM_MAP_PRIVATE : SIM_MAP_INVALID;
		else if (w == SIM_MAP_REMAP && !(v->page_tgt[p] & 1) &&
			 !sim_rmp_validated(s, v->page_tgt[p] >> 12))
			now = SIM_MAP_INVALID;
		if (now != w) {
			v->page_want[p] = now;
			want_extent(v, p);
		}
	}
}

/* Bring the engine's map of linear pages [first, last) to page_want. */
static int apply(struct sim_vcpu *v, uint64_t first, uint64_t last)
{
	struct sim *s = v->sim;
	uint64_t p = first;

	while (p < last) {
		if (!ram_page(s, p) || !page_differs(v, p)) {
			p++;
			continue;
		}
		uint64_t q = p + 1;
		uc_err e;
		if (v->page_want[p] == SIM_MAP_REMAP) {
			e = map_run(v, p, 1, v->page_tgt[p] & ~1ull, v->page_tgt[p] & 1);
			v->page_tgt_now[p] = v->page_tgt[p];
		} else {
			while (q < last && ram_page(s, q) && v->page_want[q] == v->page_want[p] &&
			       page_differs(v, q) && mapped(v->page_map[q]) == mapped(v->page_map[p]))
				q++;
			e = map_run(v, p, q - p, p << 12, v->page_want[p] == SIM_MAP_SHARED);
		}
		if (e != UC_ERR_OK) {
			sim_fail(s, "vcpu%u: re-mapping linear %#" PRIx64 "..%#" PRIx64 " failed: %s",
				 v->id, p << 12, q << 12, uc_strerror(e));
			return -1;
		}
		memcpy(v->page_map + p, v->page_want + p, q - p);
		if (p < v->map_lo)
			v->map_lo = p;
		if (q > v->map_hi)
			v->map_hi = q;
		s->remaps++;
		p = q;
	}
	return 0;
}

int sim_mem_classify(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uint64_t pages = s->ram_size >> 12;

	sim_mem_unmap_lazy(v);
	classify(v);
	v->nr_remap_private = 0;
	for (uint64_t q = v->want_lo; s->rmp && q < v->want_hi; q++)
		v->nr_remap_private += v->page_want[q] == SIM_MAP_REMAP;
	rmp_filter(v, 0, pages); /* SNP: every page, the walk's extent or not */
	sim_cache_evict(s);
	/* only pages where the map or the wish is not "private" can differ */
	uint64_t lo = v->want_lo < v->map_lo ? v->want_lo : v->map_lo;
	uint64_t hi = v->want_hi > v->map_hi ? v->want_hi : v->map_hi;
	if (hi <= lo)
		return 0;
	/* identity pages that change key (mem/cache.c); remapped pages are not modelled */
	for (uint64_t q = lo; s->cache && q < hi; q++)
		if (ram_page(s, q) && key_of(v->page_map[q]) < 2 && key_of(v->page_want[q]) < 2 &&
		    key_of(v->page_map[q]) != key_of(v->page_want[q]))
			sim_cache_flip(v, q, v->page_map[q] == SIM_MAP_SHARED);
	return apply(v, lo, hi);
}

void sim_mem_rmp_changed(struct sim *s, uint64_t gfn, uint64_t n, bool deferred)
{
	uint64_t pages = s->ram_size >> 12, last = gfn + n < pages ? gfn + n : pages;

	for (unsigned i = 0; i < s->nr_vcpus; i++) {
		struct sim_vcpu *v = &s->vcpu[i];
		if (!v->uc || !v->page_map)
			continue;
		if (deferred || v->nr_remap_private || v->nr_lazy) {
			/* inside the engine, or mappings other than identity: the whole map is
			 * classified again before the vCPU's next instruction */
			v->paging_dirty = true;
			continue;
		}
		if (gfn >= pages)
			continue;
		rmp_filter(v, gfn, last);
		if (apply(v, gfn, last) < 0)
			return;
		sim_mmu_flush(v);
	}
}

/* ---- linear pages outside [0, ram_size): mapped on first touch, dropped on a change ---- */

bool sim_mem_map_lazy(struct sim_vcpu *v, uint64_t la, uint64_t gpa)
{
	struct sim *s = v->sim;
	bool priv = !s->cbit_mask || !(v->cr0 & CR0_PG);
	uint64_t page = la & ~0xfffull, phys;

	if (s->cbit_mask && (v->cr0 & CR0_PG))
		priv = (gpa & s->cbit_mask) != 0;
	phys = sim_mem_decode_gpa(s, gpa, NULL) & ~0xfffull;
	if ((page < s->ram_size && v->page_map[page >> 12] != SIM_MAP_NONE) ||
	    page - SIM_WALK_WINDOW < s->ram_size)
		return false;
	bool dev = s->cfg.mode <= SIM_MODE_SEV && sim_mem_is_mmio_device(phys) &&
		   page != SIM_MMIO_DEV_BASE;
	if (!dev && !sim_mem_is_ram(s, phys, 4096))
		return false;
	if (!dev && priv && s->rmp && !sim_rmp_validated(s, phys >> 12))
		return false; /* SNP: cpu/vcpu.c raises #VC 0x404 */
	if (v->nr_lazy == SIM_LAZY_MAX)
		sim_mem_unmap_lazy(v);
	uc_err e;
	if (dev) {
		e = uc_mmio_map(v->uc, page, 4096, dev_read, s, dev_write, s);
	} else if (priv) {
		e = uc_mem_map_ptr(v->uc, page, 4096, UC_PROT_ALL, s->ram + phys);
	} else {
		struct sim_shared_desc *d = &v->lazy_desc[v->nr_lazy];
		d->v = v;
		d->base = phys;
		e = uc_mmio_map(v->uc, page, 4096, shared_read, d, shared_write, d);
		if (e == UC_ERR_OK)
			e = uc_mem_protect(v->uc, page, 4096, UC_PROT_ALL);
	}
	if (e != UC_ERR_OK)
		return false;
	v->lazy[v->nr_lazy++] = page;
	return true;
}

void sim_mem_unmap_lazy(struct sim_vcpu *v)
{
	for (unsigned i = 0; i < v->nr_lazy; i++)
		uc_mem_unmap(v->uc, v->lazy[i], 4096);
	v->nr_lazy = 0;
}

/* ---- hypervisor view ---- */

bool sim_mem_hv_read(struct sim *s, uint64_t gpa, void *buf, uint64_t len)
{
	uint8_t *out = buf;

	if ((gpa & s->cbit_mask) || !sim_mem_is_ram(s, gpa, len))
		return false;
	for (uint64_t i = 0; i < len; i++)
		out[i] = s->ram[gpa + i] ^ ks_byte(s, gpa + i);
	return true;
}

bool sim_mem_hv_write(struct sim *s, uint64_t gpa, const void *buf, uint64_t len)
{
	const uint8_t *in = buf;

	if ((gpa & s->cbit_mask) || !sim_mem_is_ram(s, gpa, len))
		return false;
	for (uint64_t i = 0; i < len; i++)
		s->ram[gpa + i] = in[i] ^ ks_byte(s, gpa + i);
	sim_cache_hv_wrote(s, gpa, len);
	return true;
}

/*
 * ---- CPU view: an access by vCPU v at guest physical address gpa (C-bit included) ----
 * DATA: the C-bit selects private; no C-bit (or an undecoded alias bit) is shared once
 * paging is on. FETCH and WALK: always private. A reserved bit fails the access.
 */
bool sim_mem_cpu_access(struct sim_vcpu *v, uint64_t gpa, void *buf, uint64_t len,
			enum sim_access kind, bool write)
{
	struct sim *s = v->sim;
	uint8_t *b = buf;

	for (uint64_t i = 0; i < len; i++) {
		bool cbit = false, private;
		uint64_t a = sim_mem_decode_gpa(s, gpa + i, &cbit);
		uint8_t *p;

		if (a == ~0ull)
			return false;
		private = cbit || !s->cbit_mask || !(v->cr0 & CR0_PG) || kind != SIM_ACC_DATA;
		if (sim_mem_is_ram(s, a, 1)) {
			p = &s->ram[a];
		} else if (a >= SIM_SPECIAL_BASE && a < SIM_SPECIAL_BASE + SIM_SPECIAL_SIZE) {
			p = &s->special[a - SIM_SPECIAL_BASE];
			private = true;
		} else if (s->fwmem && a >= s->fwmem_gpa && a - s->fwmem_gpa < s->fwmem_size) {
			p = &s->fwmem[a - s->fwmem_gpa];
			private = true;
		} else {
			return false;
		}
		if (write)
			*p = private ? b[i] : (uint8_t)(b[i] ^ ks_byte(s, a));
		else
			b[i] = private ? *p : (uint8_t)(*p ^ ks_byte(s, a));
	}
	return true;
}
