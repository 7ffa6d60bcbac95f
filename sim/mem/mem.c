/* SPDX-License-Identifier: MIT */
/*
 * Guest memory and the SEV encryption model.
 *
 * The host buffer `ram` holds what the guest reads through a private mapping (the
 * plaintext). Memory "as stored" (what a shared mapping and the hypervisor see) is
 * ram XOR keystream, where the keystream is a per-seed function of the physical address
 * (a stand-in for AES-XTS with a physical-address tweak). So private data read through a
 * shared mapping, or by the hypervisor, is ciphertext, and data written through a shared
 * mapping reads back scrambled through a private one. Mode none has no keystream.
 *
 * Unicorn 2.0.1 does not translate addresses: it walks the guest's page tables for
 * permissions and faults, then accesses the *linear* address as if it were physical
 * (excp_helper.c: "paddr = vaddr"). So sevsim supports identity-mapped guests (linear
 * address = GPA, C-bit aside) and decides private or shared per page itself:
 *   - after every change of paging state (CR0/CR3/CR4/EFER write, INVLPG) it walks the
 *     guest's tables over [0, RAM) (sim_mem_classify) and maps each run of pages either
 *     as RAM (private: the leaf entry has the C-bit, or paging is off) or as an MMIO region
 *     whose callbacks add the keystream (shared: no C-bit, or a wrong one);
 *   - instruction fetches are always private (as on hardware): the MMIO callback treats a
 *     read while RIP is not the instruction the code hook last let run as a translation-
 *     time fetch (Unicorn translates MMIO code one instruction at a time);
 *   - page-table walks are always private too (AMD: instruction pages and page tables
 *     must always remain private). QEMU's walker reads real physical addresses, so RAM is
 *     also mapped at the private alias GPA | C-bit and at every "undecoded" alias
 *     GPA | 1 << b (b between the RAM size and bit 39, other than the C-bit); a walk that
 *     reaches a page the guest maps shared is recognised because the classification walk
 *     recorded the page as a page-table page (page_is_table), so it reads plaintext.
 * A wrong C-bit in a leaf entry therefore makes data shared (ciphertext) while code and
 * tables still work, which is what a C-bit check (amd-sev-facts.md §9) detects.
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
	return gpa < s->ram_size && len <= s->ram_size - gpa;
}

bool sim_mem_is_mmio_device(uint64_t gpa)
{
	return gpa >= SIM_MMIO_DEV_BASE && gpa < SIM_MMIO_DEV_BASE + SIM_MMIO_DEV_SIZE;
}

int sim_mem_init(struct sim *s)
{
	s->ram_size = s->cfg.mem;
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
	s->ks_key = splitmix64(s->cfg.seed ^ 0x5e5e5e5e5e5e5e5eull);
	return 0;
}

void sim_mem_free(struct sim *s)
{
	if (s->ram)
		munmap(s->ram, s->ram_size);
	for (unsigned i = 0; i < s->nr_vcpus; i++) {
		free(s->vcpu[i].page_shared);
		free(s->vcpu[i].page_want);
		free(s->vcpu[i].page_is_table);
		free(s->vcpu[i].shared_desc);
	}
	free(s->special);
	free(s->rmp);
	s->ram = NULL;
	s->special = NULL;
	s->rmp = NULL;
}

void sim_mem_load(struct sim *s, uint64_t gpa, const void *buf, uint64_t len)
{
	memcpy(s->ram + gpa, buf, len);
}

/* ---- shared pages: MMIO callbacks ---- */

static uint64_t shared_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	struct sim_shared_desc *d = ud;
	struct sim_vcpu *v = d->v;
	struct sim *s = v->sim;
	uint64_t val = 0, rip = 0, base = d->base + off;
	bool fetch;

	uc_reg_read(uc, UC_X86_REG_RIP, &rip);
	fetch = rip != v->exec_rip || (base < s->ram_size && v->page_is_table[base >> 12]);
	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t a = base + i;
		uint8_t b = a >= s->ram_size ? 0xff : fetch ? s->ram[a] : (uint8_t)(s->ram[a] ^ ks_byte(s, a));
		val |= (uint64_t)b << (8 * i);
	}
	return val;
}

static void shared_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *ud)
{
	struct sim_shared_desc *d = ud;
	struct sim *s = d->v->sim;
	uint64_t base = d->base + off;
	bool table = base < s->ram_size && d->v->page_is_table[base >> 12];

	(void)uc;
	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t a = base + i;
		if (a < s->ram_size)
			s->ram[a] = (uint8_t)(val >> (8 * i)) ^ (table ? 0 : ks_byte(s, a));
	}
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

	/* Paging is off at reset: every access is private, so [0, RAM) is the RAM. */
	e = uc_mem_map_ptr(v->uc, 0, s->ram_size, UC_PROT_ALL, s->ram);
	if (e == UC_ERR_OK && s->cbit_mask)
		e = uc_mem_map_ptr(v->uc, s->cbit_mask, s->ram_size, UC_PROT_ALL, s->ram);
	for (unsigned b = 0; b < 64 && e == UC_ERR_OK; b++)
		if (s->alias_mask & (1ull << b))
			e = uc_mem_map_ptr(v->uc, 1ull << b, s->ram_size, UC_PROT_ALL, s->ram);
	if (e == UC_ERR_OK)
		e = uc_mem_map_ptr(v->uc, SIM_SPECIAL_BASE, SIM_SPECIAL_SIZE, UC_PROT_ALL, s->special);
	if (e == UC_ERR_OK && s->cfg.mode <= SIM_MODE_SEV)
		e = uc_mmio_map(v->uc, SIM_MMIO_DEV_BASE, SIM_MMIO_DEV_SIZE, dev_read, s, dev_write, s);
	if (e != UC_ERR_OK) {
		sim_fail(s, "vcpu%u: mapping guest memory failed: %s", v->id, uc_strerror(e));
		return -1;
	}
	if (s->cbit_mask) {
		v->page_shared = calloc(pages, 1);
		v->page_want = calloc(pages, 1);
		v->page_is_table = calloc(pages, 1);
		v->shared_desc = calloc(pages, sizeof(*v->shared_desc));
		if (!v->page_shared || !v->page_want || !v->shared_desc || !v->page_is_table) {
			sim_fail(s, "out of memory for the page map");
			return -1;
		}
		for (uint64_t p = 0; p < pages; p++) {
			v->shared_desc[p].v = v;
			v->shared_desc[p].base = p << 12;
		}
	}
	return 0;
}

/* ---- classification: which low pages are shared under the current page tables ---- */

static bool walk_rd(struct sim_vcpu *v, uint64_t gpa, uint64_t *e)
{
	return sim_mem_cpu_access(v, gpa, e, 8, SIM_ACC_WALK, false);
}

/* Mark the leaf [va, va + size) mapped by entry e (a 4K, 2M or 1G page). */
static void mark_leaf(struct sim_vcpu *v, uint64_t va, uint64_t size, uint64_t e)
{
	struct sim *s = v->sim;
	uint64_t gpa = e & ADDR_MASK & ~(size - 1);
	bool shared = !(gpa & s->cbit_mask);

	gpa &= ~(s->cbit_mask | s->alias_mask);
	if (gpa != va && va < s->ram_size) {
		s->non_identity++;
		if (!s->non_identity_va) {
			s->non_identity_va = va;
			s->non_identity_gpa = gpa;
		}
	}
	for (uint64_t a = va; a < va + size && a < s->ram_size; a += 4096)
		v->page_want[a >> 12] = shared;
}

static void walk_table(struct sim_vcpu *v, uint64_t table, int level, uint64_t va_base)
{
	struct sim *s = v->sim;
	uint64_t span = 1ull << (12 + 9 * level);
	uint64_t tpage = table & ~(s->cbit_mask | s->alias_mask);

	if (tpage < s->ram_size)
		v->page_is_table[tpage >> 12] = 1;
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

	memset(v->page_want, 0, pages);
	memset(v->page_is_table, 0, pages);
	if (!(v->cr0 & CR0_PG))
		return;
	if (v->efer & EFER_LMA) {
		uint64_t top = v->cr3 & ~(s->cbit_mask | s->alias_mask) & ADDR_MASK;
		if (top < s->ram_size)
			v->page_is_table[top >> 12] = 1;
		walk_table(v, v->cr3 & ADDR_MASK, 3, 0);
	} else if (v->cr4 & (1ull << 5)) { /* PAE */
		if ((v->cr3 & 0xfffff000ull) < s->ram_size)
			v->page_is_table[(v->cr3 & 0xfffff000ull) >> 12] = 1;
		for (unsigned i = 0; i < 4; i++) {
			uint64_t e;
			if (walk_rd(v, (v->cr3 & 0xffffffe0ull) + i * 8, &e) && (e & PTE_P))
				walk_table(v, e & ADDR_MASK, 1, (uint64_t)i << 30);
		}
	}
	/* legacy 32-bit paging has no C-bit: everything stays private */
}

static uc_err map_run(struct sim_vcpu *v, uint64_t first, uint64_t n, bool shared)
{
	uint64_t base = first << 12, len = n << 12;
	uc_err e = uc_mem_unmap(v->uc, base, len);

	if (e != UC_ERR_OK)
		return e;
	if (!shared)
		return uc_mem_map_ptr(v->uc, base, len, UC_PROT_ALL, v->sim->ram + base);
	e = uc_mmio_map(v->uc, base, len, shared_read, &v->shared_desc[first], shared_write,
			&v->shared_desc[first]);
	if (e == UC_ERR_OK) /* Unicorn checks fetch permission on the linear address's region */
		e = uc_mem_protect(v->uc, base, len, UC_PROT_ALL);
	return e;
}

int sim_mem_classify(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uint64_t pages = s->ram_size >> 12, p = 0;

	if (!s->cbit_mask)
		return 0;
	classify(v);
	while (p < pages) {
		if (v->page_want[p] == v->page_shared[p]) {
			p++;
			continue;
		}
		uint64_t q = p;
		while (q < pages && v->page_want[q] == v->page_want[p] &&
		       v->page_want[q] != v->page_shared[q])
			q++;
		uc_err e = map_run(v, p, q - p, v->page_want[p]);
		if (e != UC_ERR_OK) {
			sim_fail(s, "vcpu%u: re-mapping GPA %#" PRIx64 "..%#" PRIx64 " failed: %s",
				 v->id, p << 12, q << 12, uc_strerror(e));
			return -1;
		}
		memcpy(v->page_shared + p, v->page_want + p, q - p);
		s->remaps++;
		p = q;
	}
	return 0;
}

bool sim_mem_page_shared(const struct sim_vcpu *v, uint64_t gpa)
{
	return v->page_shared && gpa < v->sim->ram_size && v->page_shared[gpa >> 12];
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
	return true;
}

/*
 * ---- CPU view: an access by vCPU v at guest physical address gpa ----
 * DATA: the C-bit selects private; no C-bit (or an undecoded bit) is shared once paging is
 * on. FETCH and WALK: always private.
 */
bool sim_mem_cpu_access(struct sim_vcpu *v, uint64_t gpa, void *buf, uint64_t len,
			enum sim_access kind, bool write)
{
	struct sim *s = v->sim;
	uint8_t *b = buf;

	for (uint64_t i = 0; i < len; i++) {
		uint64_t a = gpa + i, undecoded = a & s->alias_mask;
		bool private;
		uint8_t *p;

		if (s->cbit_mask && (a & s->cbit_mask) && !undecoded) {
			a &= ~s->cbit_mask;
			private = true;
		} else if (undecoded && !(a & s->cbit_mask) && !(undecoded & (undecoded - 1))) {
			a &= ~undecoded;
			private = kind != SIM_ACC_DATA;
		} else if (!s->cbit_mask || !(v->cr0 & CR0_PG) || kind == SIM_ACC_FETCH) {
			private = true;
		} else if (kind == SIM_ACC_WALK) {
			private = true;
		} else {
			private = false;
		}
		if (a < s->ram_size) {
			p = &s->ram[a];
		} else if (a >= SIM_SPECIAL_BASE && a < SIM_SPECIAL_BASE + SIM_SPECIAL_SIZE) {
			p = &s->special[a - SIM_SPECIAL_BASE];
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
