/* SPDX-License-Identifier: MIT */
/*
 * Running the payload past the handoff until a given instruction (--stop-at=GPA,
 * --run-payload-until=linux-kernel-entry), then checking the state there.
 *
 * The point is an oracle the project did not write: Linux's decompressor (Debian's
 * bzImage) detects SEV, negotiates the GHCB protocol, handles its own #VCs, builds page
 * tables with the C-bit and checks it, then jumps to the decompressed kernel. sevsim serves
 * it with its ordinary models; nothing here knows Linux's code. The stop address comes from
 * the boot protocol only (Documentation/arch/x86/boot.rst, field init_size, "kernel runtime
 * start address"): for a relocatable kernel the load address raised to pref_address and
 * aligned up to kernel_alignment, else pref_address. With KASLR off ("nokaslr") the 64-bit
 * decompressor decompresses there and enters the kernel at that address (docs/sevsim.md,
 * "Running the payload"). The load address is code32_start = handoff RIP - 0x200, the
 * 64-bit entry (boot.rst, "64-bit boot protocol"); the other fields are the bzImage's own.
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"
#include "linux/boot_params.h"

#define CR0_PG   (1ull << 31)
#define EFER_LMA (1ull << 10)

/* --run-payload-until=WHAT: known targets (only one so far). */
int sim_until_parse(struct sim_config *c, const char *what)
{
	if (strcmp(what, "linux-kernel-entry"))
		return -1;
	c->run_until = SIM_UNTIL_LINUX_KERNEL_ENTRY;
	c->check_handoff = true;
	return 0;
}

/* boot.rst (init_size): where a bzImage's kernel runs, given where it was loaded. */
static bool runtime_start(const struct sim_payload *pl, uint64_t load, uint64_t *start)
{
	const struct setup_header *h;

	if (pl->kind != SIM_PL_LINUX || pl->kernel_len < BOOT_HDR_OFFSET + sizeof(*h))
		return false;
	h = (const struct setup_header *)(pl->kernel + BOOT_HDR_OFFSET);
	if (!h->relocatable_kernel) {
		*start = h->pref_address;
		return true;
	}
	if (!h->kernel_alignment || (h->kernel_alignment & (h->kernel_alignment - 1)))
		return false;
	if (load < h->pref_address)
		load = h->pref_address;
	*start = (load + h->kernel_alignment - 1) & ~((uint64_t)h->kernel_alignment - 1);
	return true;
}

/* The handoff happened at rip: arm the stop (false: the run ends here). */
bool sim_until_arm(struct sim_vcpu *v, uint64_t rip)
{
	struct sim *s = v->sim;
	struct sim_until *u = &s->until;

	if (s->cfg.run_until != SIM_UNTIL_LINUX_KERNEL_ENTRY)
		return false;
	u->insns0 = s->insns_total;
	u->vmgexits0 = s->vmgexits;
	u->vc0 = s->vc;
	u->exceptions0 = s->exceptions;
	u->vmgexits_by_code0 = s->vmgexits_by_code;
	u->vc_by_code0 = s->vc_by_code;
	u->exceptions_by_vector0 = s->exceptions_by_vector;
	u->handoff_cr3 = sim_reg(v, UC_X86_REG_CR3);
	u->boot_params = sim_reg(v, UC_X86_REG_RSI);
	if (s->handoff.failed) {
		sim_trace(s, "run until the kernel entry: not started, the handoff failed a check");
		return false;
	}
	if (!runtime_start(&s->payload, rip - BOOT_ENTRY64_OFFSET, &u->target)) {
		sim_fail(s, "--run-payload-until=linux-kernel-entry: the payload is not a bzImage "
			 "with a usable setup header");
		return false;
	}
	u->armed = true;
	sim_trace(s, "run until the kernel entry at %#" PRIx64 " (boot.rst runtime start)", u->target);
	return true;
}

/* A vCPU is about to execute the target: check the state the payload built. */
void sim_until_check(struct sim_vcpu *v, uint64_t rip)
{
	struct sim *s = v->sim;
	struct sim_until *u = &s->until;
	struct sim_handoff *c = &u->checks;
	uint64_t gpa = 0, rsi = sim_reg(v, UC_X86_REG_RSI);

	sim_mmu_refresh(v);
	u->reached = true;
	u->armed = false;
	u->rip = rip;
	u->cr3 = v->cr3;
	c->done = true;
	sim_check_add(c, "long_mode", (v->cr0 & CR0_PG) && (v->efer & EFER_LMA) && sim_cs64(v),
		      "cr0 %#" PRIx64 " efer %#" PRIx64 ", 64-bit CS", v->cr0, v->efer);
	bool ident = sim_mmu_translate(v, rip, false, &gpa) && (gpa & ~s->cbit_mask) == rip;
	sim_check_add(c, "identity_entry", ident, "rip %#" PRIx64 " maps GPA %#" PRIx64, rip, gpa);
	sim_check_add(c, "boot_params", rsi == u->boot_params,
		      "rsi %#" PRIx64 ", boot_params given at the handoff %#" PRIx64, rsi, u->boot_params);
	sim_check_add(c, "own_page_tables", u->cr3 != u->handoff_cr3,
		      "cr3 %#" PRIx64 ", at the handoff %#" PRIx64, u->cr3, u->handoff_cr3);
	if (s->cbit_mask) /* the walk's GPA carries the leaf entry's address bits, C-bit included */
		sim_check_add(c, "sev_cbit_entry", ident && (gpa & s->cbit_mask),
			      "rip maps GPA %#" PRIx64 ", C-bit %u set", gpa, s->cbit);
	u->bytes_ok = sim_mmu_fetch(v, rip, u->bytes, sizeof(u->bytes));
	sim_trace(s, "vcpu%u: reached %#" PRIx64 ": %u checks, %u failed", v->id, rip, c->n, c->failed);
	for (unsigned i = 0; i < c->n; i++)
		sim_trace(s, "  %s %s: %s", c->c[i].ok ? "ok  " : "FAIL", c->c[i].name, c->c[i].detail);
}

/* now minus then, key by key */
static void counter_since(FILE *f, const char *name, const struct sim_counter *now,
			  const struct sim_counter *then, bool hex)
{
	struct sim_counter d = { 0 };

	for (unsigned i = 0; i < now->n; i++) {
		uint64_t n = now->e[i].count - sim_counter_get(then, now->e[i].key);
		if (n) {
			d.e[d.n].key = now->e[i].key;
			d.e[d.n++].count = n;
		}
	}
	fprintf(f, ",\"%s\":", name);
	sim_counter_json(f, &d, hex);
}

void sim_until_json(const struct sim *s, FILE *f)
{
	const struct sim_until *u = &s->until;

	fputs("{\"until\":\"linux-kernel-entry\",\"target\":", f);
	if (u->target)
		fprintf(f, "%" PRIu64, u->target);
	else
		fputs("null", f);
	fprintf(f, ",\"reached\":%s", u->reached ? "true" : "false");
	if (u->armed || u->reached) { /* what the payload caused after the handoff */
		fprintf(f, ",\"instructions\":%" PRIu64 ",\"vmgexits\":%" PRIu64 ",\"vc\":%" PRIu64
			",\"exceptions\":%" PRIu64, s->insns_total - u->insns0, s->vmgexits - u->vmgexits0,
			s->vc - u->vc0, s->exceptions - u->exceptions0);
		counter_since(f, "vmgexits_by_code", &s->vmgexits_by_code, &u->vmgexits_by_code0, true);
		counter_since(f, "vc_by_code", &s->vc_by_code, &u->vc_by_code0, true);
		counter_since(f, "exceptions_by_vector", &s->exceptions_by_vector,
			      &u->exceptions_by_vector0, false);
	}
	if (u->reached) {
		fprintf(f, ",\"cr3\":%" PRIu64 ",\"handoff_cr3\":%" PRIu64 ",", u->cr3, u->handoff_cr3);
		sim_checks_json(&u->checks, f);
		fputs(",\"entry_bytes\":\"", f);
		for (unsigned i = 0; u->bytes_ok && i < sizeof(u->bytes); i++)
			fprintf(f, "%02x", u->bytes[i]);
		fputc('"', f);
	}
	fputc('}', f);
}
