/* SPDX-License-Identifier: MIT */
/*
 * Linear-to-physical translation through the guest's page tables, for the parts of the
 * model that touch guest memory the way the CPU would: reading instruction bytes in the
 * code hook, reading the IDT/GDT/TSS and pushing exception frames. Table entries are
 * read through the alias their address selects (C-bit), exactly as Unicorn's own walker
 * does, so a table level without the C-bit reads ciphertext here too.
 *
 * A small direct-mapped TLB caches translations. Like a real TLB it is flushed when the
 * guest writes CR0/CR3/CR4 or EFER, or executes INVLPG (cpu/vcpu.c notices those).
 *
 * The walk window. Unicorn 2.0.1's own walker treats physical address bits 40..51 as
 * reserved (QEMU's TCG physical address width is 40), so a C-bit at 47 or 51 in a table
 * entry would fault. sevsim therefore never lets it read the guest's tables directly:
 * Unicorn's CR3 holds SIM_WALK_WINDOW + the table's GPA (MOV to/from CR3 are emulated,
 * the guest sees its own value), and the window [SIM_WALK_WINDOW, + ram_size) is an MMIO
 * region whose read callback returns each entry as the CPU decodes it: the C-bit and the
 * undecoded alias bits stripped, the address moved into the window again (so the next
 * level is read here too), and an entry with a reserved bit (>= MAXPHYADDR, not the C-bit)
 * shown as not present, so Unicorn raises #PF (Unicorn 2.0.1 does not report its own
 * reserved-bit faults through the interrupt hook; sevsim's #PF error code then gets P and
 * RSVD from its own walk, cpu/vcpu.c). Writes (the walker's accessed
 * and dirty bits, 32-bit stores of the low half) go to the entry unchanged. Tables are
 * read as plaintext: walks are always private. Leaf addresses only have to be valid for
 * Unicorn, which then uses the linear address (mem/mem.c keeps that map right).
 */
#include <string.h>

#include "sim/sim.h"

#define PTE_P    (1ull << 0)
#define PTE_PS   (1ull << 7)
#define ADDR_MASK 0x000ffffffffff000ull

void sim_mmu_flush(struct sim_vcpu *v)
{
	memset(v->tlb, 0, sizeof(v->tlb));
}

void sim_mmu_refresh(struct sim_vcpu *v)
{
	uc_x86_msr efer = { .rid = 0xc0000080u, .value = 0 };

	v->cr0 = sim_reg(v, UC_X86_REG_CR0);
	v->cr3 = v->guest_cr3;
	v->cr4 = sim_reg(v, UC_X86_REG_CR4);
	uc_reg_read(v->uc, UC_X86_REG_MSR, &efer);
	v->efer = efer.value;
	v->paging_dirty = false;
	sim_mmu_flush(v);
}

/* One table entry as Unicorn's walker must see it (see the top of this file). */
static uint64_t window_entry(const struct sim *s, uint64_t e)
{
	uint64_t gpa;

	if (!(e & PTE_P))
		return e;
	gpa = sim_mem_decode_gpa(s, e & ADDR_MASK, NULL);
	if (gpa == ~0ull)
		return e & ~PTE_P;
	/* a GPA beyond the window is no RAM: any valid address does (the linear page is
	 * unmapped in the engine, so the access itself ends in hook_unmapped) */
	return (e & ~ADDR_MASK) | SIM_WALK_WINDOW | (gpa & (SIM_WALK_WINDOW - 1));
}

uint64_t sim_mmu_window_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	struct sim_vcpu *v = ud;
	struct sim *s = v->sim;
	uint64_t e = 0, val = 0, q = off & ~7ull;

	(void)uc;
	if (size > 8 || (off & 7) + size > 8 || !sim_mem_is_ram(s, q, 8))
		return ~0ull;
	memcpy(&e, s->ram + q, 8);
	e = window_entry(s, e);

	memcpy(&val, (uint8_t *)&e + (off & 7), size);
	return val;
}

void sim_mmu_window_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *ud)
{
	struct sim_vcpu *v = ud;
	struct sim *s = v->sim;

	(void)uc;
	/* The walker only sets A/D bits with 32-bit stores of the low half. */
	if (size > 4 || (off & 7) + size > 4 || !sim_mem_is_ram(s, off, size))
		return;
	memcpy(s->ram + off, &val, size);
}

bool sim_mmu_set_cr3(struct sim_vcpu *v, uint64_t cr3)
{
	struct sim *s = v->sim;
	uint64_t gpa = sim_mem_decode_gpa(s, cr3 & ADDR_MASK, NULL), ucr3;

	if (gpa == ~0ull || (cr3 >> 52))
		return false;
	ucr3 = SIM_WALK_WINDOW | gpa | (cr3 & 0xfffull);
	v->guest_cr3 = cr3;
	uc_reg_write(v->uc, UC_X86_REG_CR3, &ucr3);
	v->paging_dirty = true;
	return true;
}

static bool rd64(struct sim_vcpu *v, uint64_t gpa, uint64_t *e)
{
	return sim_mem_cpu_access(v, gpa, e, 8, SIM_ACC_WALK, false);
}

/* An entry with a reserved physical-address bit (>= MAXPHYADDR, not the C-bit). */
static bool reserved(const struct sim_vcpu *v, uint64_t e)
{
	return (e & PTE_P) && (e & ADDR_MASK & v->sim->rsvd_mask);
}

bool sim_mmu_reserved_fault(struct sim_vcpu *v, uint64_t la)
{
	uint64_t e, table;

	if (v->paging_dirty)
		sim_mmu_refresh(v);
	if (!(v->cr0 & (1ull << 31)) || !(v->efer & (1ull << 10)))
		return false;
	table = v->cr3 & ADDR_MASK;
	for (int level = 3; level >= 0; level--) {
		unsigned idx = (la >> (12 + 9 * level)) & 0x1ff;
		if (!rd64(v, table + idx * 8, &e) || !(e & PTE_P))
			return false;
		if (reserved(v, e))
			return true;
		if (level > 0 && level < 3 && (e & PTE_PS))
			return false;
		table = e & ADDR_MASK;
	}
	return false;
}

static bool walk(struct sim_vcpu *v, uint64_t la, uint64_t *gpa)
{
	uint64_t e;

	if (!(v->cr0 & (1ull << 31))) {
		*gpa = (v->efer & (1ull << 10)) ? la : (la & 0xffffffffull);
		return true;
	}
	if (v->efer & (1ull << 10)) { /* long mode, 4-level */
		uint64_t table = v->cr3 & ADDR_MASK;
		for (int level = 3; level >= 0; level--) {
			unsigned idx = (la >> (12 + 9 * level)) & 0x1ff;
			if (!rd64(v, table + idx * 8, &e) || !(e & PTE_P) || reserved(v, e))
				return false;
			if (level > 0 && level < 3 && (e & PTE_PS)) {
				uint64_t size = 1ull << (12 + 9 * level);
				*gpa = (e & ADDR_MASK & ~(size - 1)) | (la & (size - 1));
				return true;
			}
			table = e & ADDR_MASK;
		}
		*gpa = table | (la & 0xfff);
		return true;
	}
	la &= 0xffffffffull;
	if (v->cr4 & (1ull << 5)) { /* PAE */
		uint64_t pdpte;
		if (!rd64(v, (v->cr3 & 0xffffffe0ull) + ((la >> 30) & 3) * 8, &pdpte) ||
		    !(pdpte & PTE_P))
			return false;
		if (!rd64(v, (pdpte & ADDR_MASK) + ((la >> 21) & 0x1ff) * 8, &e) || !(e & PTE_P))
			return false;
		if (e & PTE_PS) {
			*gpa = (e & ADDR_MASK & ~0x1fffffull) | (la & 0x1fffff);
			return true;
		}
		if (!rd64(v, (e & ADDR_MASK) + ((la >> 12) & 0x1ff) * 8, &e) || !(e & PTE_P))
			return false;
		*gpa = (e & ADDR_MASK) | (la & 0xfff);
		return true;
	}
	/* legacy 32-bit paging */
	uint32_t e32;
	if (!sim_mem_cpu_access(v, (v->cr3 & 0xfffff000ull) + ((la >> 22) & 0x3ff) * 4, &e32, 4,
				SIM_ACC_WALK, false) ||
	    !(e32 & PTE_P))
		return false;
	if ((e32 & PTE_PS) && (v->cr4 & (1ull << 4))) {
		*gpa = (e32 & 0xffc00000ull) | (la & 0x3fffff);
		return true;
	}
	if (!sim_mem_cpu_access(v, (e32 & 0xfffff000ull) + ((la >> 12) & 0x3ff) * 4, &e32, 4,
				SIM_ACC_WALK, false) ||
	    !(e32 & PTE_P))
		return false;
	*gpa = (e32 & 0xfffff000ull) | (la & 0xfff);
	return true;
}

/* The rights of la's mapping in long mode: writable and executable on every level. */
static bool rights(struct sim_vcpu *v, uint64_t la, bool *w, bool *x)
{
	uint64_t table = v->cr3 & ADDR_MASK, e;

	*w = *x = true;
	if (!(v->cr0 & (1ull << 31)) || !(v->efer & (1ull << 10)))
		return false;
	for (int level = 3; level >= 0; level--) {
		if (!rd64(v, table + ((la >> (12 + 9 * level)) & 0x1ff) * 8, &e) || !(e & PTE_P))
			return false;
		*w = *w && (e & 2);
		*x = *x && !(e >> 63);
		if (level == 0 || (level < 3 && (e & PTE_PS)))
			return true;
		table = e & ADDR_MASK;
	}
	return true;
}

uint64_t sim_mmu_pf_error(struct sim_vcpu *v, uint64_t la, uint64_t rip)
{
	bool w, x, present = rights(v, la, &w, &x);
	uint64_t err = sim_cpl(v) == 3 ? 4 : 0;

	if (!present)
		return err;
	err |= 1;
	if ((la >> 12) == (rip >> 12) && !x)
		err |= 0x10;
	else if (!w)
		err |= 2;
	return err;
}

bool sim_mmu_translate(struct sim_vcpu *v, uint64_t la, bool write, uint64_t *gpa)
{
	uint64_t vpage = la >> 12;
	struct sim_tlb_entry *t = &v->tlb[vpage % SIM_TLB_SIZE];

	(void)write;
	if (v->paging_dirty)
		sim_mmu_refresh(v);
	if (t->vpage == vpage + 1) {
		*gpa = t->gpa_page | (la & 0xfff);
		return true;
	}
	if (!walk(v, la, gpa))
		return false;
	t->vpage = vpage + 1;
	t->gpa_page = *gpa & ~0xfffull;
	return true;
}

static bool mmu_access(struct sim_vcpu *v, uint64_t la, void *buf, uint64_t len, bool write,
		       bool fetch)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t gpa, chunk = 4096 - (la & 0xfff);
		if (chunk > len)
			chunk = len;
		if (!sim_mmu_translate(v, la, write, &gpa))
			return false;
		if (!sim_mem_cpu_access(v, gpa, p, chunk, fetch ? SIM_ACC_FETCH : SIM_ACC_DATA, write))
			return false;
		la += chunk;
		p += chunk;
		len -= chunk;
	}
	return true;
}

bool sim_mmu_read(struct sim_vcpu *v, uint64_t la, void *buf, uint64_t len)
{
	return mmu_access(v, la, buf, len, false, false);
}

bool sim_mmu_fetch(struct sim_vcpu *v, uint64_t la, void *buf, uint64_t len)
{
	return mmu_access(v, la, buf, len, false, true);
}

bool sim_mmu_write(struct sim_vcpu *v, uint64_t la, const void *buf, uint64_t len)
{
	return mmu_access(v, la, (void *)(uintptr_t)buf, len, true, false);
}
