/* SPDX-License-Identifier: MIT */
/*
 * Guest memory and the SEV encryption model.
 *
 * The host buffer `ram` holds what the guest reads through its private alias (the
 * plaintext). Memory "as stored" (what the hypervisor and the shared alias see) is
 * ram XOR keystream, where the keystream is a per-seed function of the physical address
 * (a stand-in for AES-XTS with a physical-address tweak). So:
 *   - private alias (GPA | C-bit, or any access while paging is off): ram, natively mapped;
 *   - shared alias (GPA without C-bit, paging on): ram ^ ks, through MMIO callbacks;
 *   - hypervisor reads/writes: ram ^ ks.
 * Private data read through the shared alias or by the hypervisor is therefore ciphertext,
 * and data written through the shared alias reads back scrambled through the private one.
 * Instruction fetches are always private, as on hardware: code runs whether or not its
 * page-table entry carries the C-bit. Unicorn translates code from an MMIO region one
 * instruction at a time and reads it through the same callback as data, so the callback
 * tells them apart by the vCPU's RIP: a read while RIP is not the instruction the code
 * hook last let run is a translation-time fetch (sim_vcpu.c keeps exec_rip).
 *
 * GPA bits between the RAM size and the engine's 40 physical address bits, other than the
 * C-bit, are not decoded (alias_mask): an access with one of them set reaches the same
 * page through the shared alias. So a guest told a wrong C-bit still runs its code, and
 * its data reads through the "private" mapping return ciphertext, which is what a C-bit
 * check (amd-sev-facts.md §9) detects.
 * In mode none there is no C-bit and no keystream.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim/sim.h"

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

/* ---- shared alias: MMIO callbacks over the low GPA range ---- */

static uint64_t shared_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
	struct sim_vcpu *v = ud;
	struct sim *s = v->sim;
	uint64_t val = 0, rip = 0;
	bool fetch;

	uc_reg_read(uc, UC_X86_REG_RIP, &rip);
	fetch = rip != v->exec_rip;
	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t a = off + i;
		uint8_t b = a >= s->ram_size ? 0xff : fetch ? s->ram[a] : (uint8_t)(s->ram[a] ^ ks_byte(s, a));
		val |= (uint64_t)b << (8 * i);
	}
	return val;
}

static void shared_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t val, void *ud)
{
	struct sim_vcpu *v = ud;
	struct sim *s = v->sim;

	(void)uc;
	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t a = off + i;
		if (a < s->ram_size)
			s->ram[a] = (uint8_t)(val >> (8 * i)) ^ ks_byte(s, a);
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

int sim_mem_set_low(struct sim_vcpu *v, bool private)
{
	struct sim *s = v->sim;
	uc_err e;

	if (v->low_private == private)
		return 0;
	e = uc_mem_unmap(v->uc, 0, s->ram_size);
	if (e == UC_ERR_OK) {
		if (private)
			e = uc_mem_map_ptr(v->uc, 0, s->ram_size, UC_PROT_ALL, s->ram);
		else
			e = uc_mmio_map(v->uc, 0, s->ram_size, shared_read, v, shared_write, v);
	}
	if (e != UC_ERR_OK) {
		sim_fail(s, "vcpu%u: re-mapping the low alias failed: %s", v->id, uc_strerror(e));
		return -1;
	}
	v->low_private = private;
	s->remaps++;
	return 0;
}

int sim_mem_map_vcpu(struct sim_vcpu *v)
{
	struct sim *s = v->sim;
	uc_err e;

	/* Paging is off at reset: every access is private, so the low alias is the RAM. */
	e = uc_mem_map_ptr(v->uc, 0, s->ram_size, UC_PROT_ALL, s->ram);
	v->low_private = true;
	if (e == UC_ERR_OK && s->cbit_mask)
		e = uc_mem_map_ptr(v->uc, s->cbit_mask, s->ram_size, UC_PROT_ALL, s->ram);
	for (unsigned b = 0; b < 64 && e == UC_ERR_OK; b++)
		if (s->alias_mask & (1ull << b))
			e = uc_mmio_map(v->uc, 1ull << b, s->ram_size, shared_read, v, shared_write, v);
	if (e == UC_ERR_OK)
		e = uc_mem_map_ptr(v->uc, SIM_SPECIAL_BASE, SIM_SPECIAL_SIZE, UC_PROT_ALL, s->special);
	if (e == UC_ERR_OK && s->cfg.mode <= SIM_MODE_SEV)
		e = uc_mmio_map(v->uc, SIM_MMIO_DEV_BASE, SIM_MMIO_DEV_SIZE, dev_read, s, dev_write, s);
	if (e != UC_ERR_OK) {
		sim_fail(s, "vcpu%u: mapping guest memory failed: %s", v->id, uc_strerror(e));
		return -1;
	}
	return 0;
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

/* ---- CPU view (what a load/store by vCPU v at this physical address returns) ---- */

static bool cpu_access(struct sim_vcpu *v, uint64_t gpa, uint8_t *buf, uint64_t len, bool write,
		       bool fetch)
{
	struct sim *s = v->sim;

	for (uint64_t i = 0; i < len; i++) {
		uint64_t a = gpa + i;
		bool private = true;
		uint8_t *p;

		uint64_t undecoded = a & s->alias_mask;
		if (undecoded && !(a & s->cbit_mask) && !(undecoded & (undecoded - 1))) {
			a &= ~undecoded; /* one undecoded bit: the shared alias */
			private = fetch;
		} else if (s->cbit_mask && (a & s->cbit_mask))
			a &= ~s->cbit_mask;
		else if (s->cbit_mask && !v->low_private && !fetch)
			private = false;
		if (a < s->ram_size) {
			p = &s->ram[a];
		} else if (a >= SIM_SPECIAL_BASE && a < SIM_SPECIAL_BASE + SIM_SPECIAL_SIZE) {
			p = &s->special[a - SIM_SPECIAL_BASE];
			private = true;
		} else {
			return false;
		}
		if (write)
			*p = private ? buf[i] : (uint8_t)(buf[i] ^ ks_byte(s, a));
		else
			buf[i] = private ? *p : (uint8_t)(*p ^ ks_byte(s, a));
	}
	return true;
}

bool sim_mem_cpu_read(struct sim_vcpu *v, uint64_t gpa, void *buf, uint64_t len)
{
	return cpu_access(v, gpa, buf, len, false, false);
}

bool sim_mem_cpu_fetch(struct sim_vcpu *v, uint64_t gpa, void *buf, uint64_t len)
{
	return cpu_access(v, gpa, buf, len, false, true);
}

bool sim_mem_cpu_write(struct sim_vcpu *v, uint64_t gpa, const void *buf, uint64_t len)
{
	return cpu_access(v, gpa, (uint8_t *)(uintptr_t)buf, len, true, false);
}
