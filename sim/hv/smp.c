/* SPDX-License-Identifier: MIT */
/*
 * What starting and stopping a vCPU means on this machine (docs/sevsim.md "SMP").
 *
 * Launch (sim_smp_launch): vCPU 0 starts at the PVH entry; every AP is down. With the
 * Xen AP bring-up region offered (fw/bringup.c) every AP is created in the state of
 * docs/abi.md §8.5 (EIP = region + entry_offset, EBX = region, ESI = vCPU id) and waits
 * for VCPUOP_up. Under SEV-ES/SNP without it, an AP's launch VMSA is the architectural
 * reset state (real mode, CS 0xF000, IP 0xFFF0; sevsim: CS base 0xF0000, the legacy alias
 * of the reset ROM, as Unicorn loads a real-mode selector), which is what KVM/QEMU give an
 * AP when no firmware reset block names another address.
 *
 * INIT and SIPI (apic/lapic.c sends them), following KVM (arch/x86/kvm/lapic.c
 * kvm_apic_accept_events; svm/sev.c sev_vcpu_deliver_sipi_vector):
 *   - INIT: the vCPU stops and waits for a SIPI (KVM_MP_STATE_INIT_RECEIVED). Modes
 *     none/sev: its state is reset (on Xen it is also un-initialised, so VCPUOP_initialise
 *     is accepted again, xen-pvh-linux-boot-facts.md §2.6). SEV-ES: its state is the
 *     encrypted VMSA and stays as it was; a pending AP reset hold stays pending.
 *   - SIPI: dropped unless INIT came first (KVM tests the SIPI against INIT_RECEIVED).
 *     Modes none/sev: real mode at CS = vector << 8, IP = 0. SEV-ES: the first SIPI a
 *     vCPU ever gets runs it from its launch VMSA (or lets it go on where it stopped, if
 *     VCPUOP_up started it before); every later SIPI completes a pending AP reset hold:
 *     the NAE form gets sw_exit_info_2 = 1 in its GHCB, the MSR form GHCB MSR = 0x007 with
 *     result 1 in bits 63:12; a vCPU not in a hold just runs on.
 * AP reset hold (NAE 0x8000_0004, MSR protocol 0x006): the vCPU stops until INIT + SIPI;
 * the answer at the hold is 0 ("not woken by a SIPI"), as KVM presets it.
 *
 * Xen VCPUOP (hv/hypercall.c routes __HYPERVISOR_vcpu_op here; xen/common/domain.c,
 * hvm/domain.c): initialise (64-bit vcpu_hvm_context, once per INIT: -EEXIST), up (-EINVAL
 * when not initialised; a bring-up launch state counts as initialised), down, is_up
 * (-ENOENT beyond the last vCPU). Under SEV-ES the hypervisor cannot set registers:
 * initialise is refused (-EOPNOTSUPP) and up starts the launch VMSA or resumes.
 */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/hv/spec.h"
#include "xen/ap_bringup.h"
#include "xen/vcpu.h"

#define XEN_ENOENT      2
#define XEN_EFAULT      14
#define XEN_EEXIST      17
#define XEN_EINVAL      22
#define XEN_ENOSYS      38
#define XEN_EOPNOTSUPP  95

#define CR0_PG   (1ull << 31)
#define CR4_PAE  (1ull << 5)
#define EFER_LME (1ull << 8)

static bool es(const struct sim *s)
{
	return s->cfg.mode >= SIM_MODE_SEV_ES;
}

static void launch_state(struct sim_vcpu *v, struct sim_vcpu_init *in)
{
	struct sim *s = v->sim;

	memset(in, 0, sizeof(*in));
	if (s->bringup_gpa) {             /* docs/abi.md §8.5 */
		in->kind = SIM_INIT_PM32;
		in->rip = s->bringup_gpa + XEN_AP_BRINGUP_HDR_SIZE; /* entry_offset */
		in->gpr[SIM_GPR_RBX] = s->bringup_gpa;
		in->gpr[SIM_GPR_RSI] = v->id;
	} else {                          /* the reset vector (APM vol. 2 14.1.3) */
		in->kind = SIM_INIT_REAL;
		in->cs = 0xf000;
		in->rip = 0xfff0;
		/* EDX: the CPU signature, as the launch VMSA has it (fw/launch_digest.c) */
		in->gpr[SIM_GPR_RDX] = sim_cpu_sig(s);
	}
}

void sim_smp_launch(struct sim *s)
{
	for (unsigned i = 0; i < s->nr_vcpus; i++) {
		struct sim_vcpu *v = &s->vcpu[i];

		sim_apic_reset(v);
		if (i == 0)
			continue;
		if (s->bringup_gpa || es(s)) {
			launch_state(v, &v->vcpuop_ctx);
			v->vcpuop_initialised = s->bringup_gpa != 0;
			v->launch_pending = true;
		}
	}
}

void sim_smp_stopped(struct sim_vcpu *v)
{
	if (!v->idle_seen) {
		v->idle_seen = true;
		v->idle_clock = v->clock;
	}
}

/* Every start or resume goes through here: counters and the critical-path clock. */
static void running(struct sim_vcpu *from, struct sim_vcpu *to, const char *how)
{
	if (from && from->clock > to->clock)
		to->clock = from->clock;
	to->start_clock = to->clock;
	to->idle_seen = false;
	to->started_by = how;
	to->state = SIM_VCPU_RUNNABLE;
}

int sim_smp_start(struct sim_vcpu *from, struct sim_vcpu *to, const struct sim_vcpu_init *init,
		  const char *how)
{
	struct sim *s = to->sim;

	sim_trace(s, "vcpu%u: started by %s (%s) at %#" PRIx64, to->id,
		  from ? "a vCPU" : "the platform", how, init->rip);
	if (s->in_emu) {
		/* asked from inside another engine's run (an xAPIC ICR write): an engine is
		 * not started from within another one's; the run loop does it at once after */
		to->queued = true;
		to->queued_init = *init;
		to->queued_from = from;
		to->queued_how = how;
		to->state = SIM_VCPU_STOPPED;
		s->nr_queued++;
		return 0;
	}
	if (sim_vcpu_start(to, init) < 0)
		return -1;
	running(from, to, how);
	return 0;
}

void sim_smp_run_queued(struct sim *s)
{
	for (unsigned i = 0; i < s->nr_vcpus && s->nr_queued; i++) {
		struct sim_vcpu *v = &s->vcpu[i];
		if (!v->queued)
			continue;
		v->queued = false;
		s->nr_queued--;
		if (sim_vcpu_start(v, &v->queued_init) == 0)
			running(v->queued_from, v, v->queued_how);
	}
}

/* The lies on an AP start (docs/lies.md; clock: the AP start requests). */
static bool start_lie(struct sim *s, enum sim_lie id)
{
	return sim_lie(s, id);
}

void sim_smp_init_ipi(struct sim_vcpu *from, struct sim_vcpu *to)
{
	struct sim *s = to->sim;

	to->inits++;
	to->init_received = true;
	if (to->queued) { /* a start not yet made is undone */
		to->queued = false;
		s->nr_queued--;
	}
	if (to->state == SIM_VCPU_RUNNABLE || to->state == SIM_VCPU_HALTED) {
		to->state = SIM_VCPU_STOPPED;
		sim_smp_stopped(to);
	}
	if (!es(s)) {
		/* the state is gone; Xen also forgets VCPUOP_initialise */
		if (to->state == SIM_VCPU_HELD)
			to->state = SIM_VCPU_STOPPED;
		to->hold = SIM_HOLD_NONE;
		to->vcpuop_initialised = false;
		to->launch_pending = false;
	}
	if (to->snp_vmsa_pending) /* SNP AP creation on INIT (hv/snp_ap.c) */
		sim_snp_ap_update(from, to);
}

/* SEV-ES: a later SIPI answers the AP reset hold (KVM sev_vcpu_deliver_sipi_vector). */
static void release_hold(struct sim_vcpu *v)
{
	struct sim *s = v->sim;

	if (v->hold == SIM_HOLD_NAE) {
		uint64_t one = 1;
		sim_mem_hv_write(s, v->hold_ghcb + offsetof(struct sim_ghcb, sw_exit_info_2), &one,
				 sizeof(one));
	} else if (v->hold == SIM_HOLD_MSR) {
		v->ghcb_msr = (1ull << 12) | SIM_MSRP_AP_HOLD_RESP;
	}
	if (v->hold != SIM_HOLD_NONE)
		v->releases++;
	v->hold = SIM_HOLD_NONE;
}

void sim_smp_sipi(struct sim_vcpu *from, struct sim_vcpu *to, unsigned vector)
{
	struct sim *s = to->sim;
	struct sim_vcpu_init in;

	to->sipis++;
	s->ap_start_requests++;
	if (!to->init_received) {
		s->ipis_dropped++; /* KVM: a SIPI counts only in INIT_RECEIVED */
		return;
	}
	if (start_lie(s, SIM_LIE_SIPI_DROPPED) || start_lie(s, SIM_LIE_AP_NEVER_UP))
		return;
	to->init_received = false;
	if (!es(s)) {
		memset(&in, 0, sizeof(in));
		in.kind = SIM_INIT_REAL;
		in.cs = (uint16_t)(vector << 8);
		in.rip = 0;
		sim_smp_start(from, to, &in, "sipi");
		return;
	}
	if (!to->first_sipi_done) {
		to->first_sipi_done = true;
		if (to->launch_pending) {
			to->launch_pending = false;
			sim_smp_start(from, to, &to->vcpuop_ctx, "sipi-launch-vmsa");
			return;
		}
	} else {
		release_hold(to);
	}
	if (to->ever_ran)
		running(from, to, to->releases ? "sipi-hold-release" : "sipi-resume");
}

void sim_smp_hold(struct sim_vcpu *v, enum sim_hold how, uint64_t ghcb)
{
	v->hold = how;
	v->hold_ghcb = ghcb;
	v->holds++;
	v->state = SIM_VCPU_HELD;
	sim_smp_stopped(v);
}

/* ---- Xen VCPUOP ---- */

static int64_t vcpuop_initialise(struct sim_vcpu *t, uint64_t arg)
{
	struct sim *s = t->sim;
	struct vcpu_hvm_context ctx;

	if (es(s))
		return -XEN_EOPNOTSUPP; /* the VMSA is encrypted: no one can set it now */
	if (t->vcpuop_initialised)
		return -XEN_EEXIST;
	if (!sim_mem_hv_read(s, arg, &ctx, sizeof(ctx)))
		return -XEN_EFAULT;
	if (ctx.pad)
		return -XEN_EINVAL;
	if (ctx.mode != VCPU_HVM_MODE_64B)
		return -XEN_EOPNOTSUPP; /* 32-bit contexts: not modelled */
	const struct vcpu_hvm_x86_64 *r = &ctx.cpu_regs.x86_64;
	uint64_t top = r->rip >> 47;
	if ((top != 0 && top != 0x1ffff) || !(r->cr0 & CR0_PG) || !(r->cr4 & CR4_PAE) ||
	    !(r->efer & EFER_LME))
		return -XEN_EINVAL; /* arch_set_info_hvm_guest, 64B mode */
	struct sim_vcpu_init *in = &t->vcpuop_ctx;
	memset(in, 0, sizeof(*in));
	in->kind = SIM_INIT_LONG64;
	in->gpr[0] = r->rax; in->gpr[1] = r->rcx; in->gpr[2] = r->rdx; in->gpr[3] = r->rbx;
	in->gpr[4] = r->rsp; in->gpr[5] = r->rbp; in->gpr[6] = r->rsi; in->gpr[7] = r->rdi;
	in->rip = r->rip;
	in->rflags = (r->rflags & 0x3f7fd7ull) | 2; /* architectural bits, bit 1 forced */
	in->cr0 = r->cr0;
	in->cr3 = r->cr3;
	in->cr4 = r->cr4;
	in->efer = r->efer;
	t->vcpuop_initialised = true;
	t->launch_pending = true;
	return 0;
}

static int64_t vcpuop_up(struct sim_vcpu *v, struct sim_vcpu *t)
{
	struct sim *s = v->sim;

	s->ap_start_requests++;
	if (!t->vcpuop_initialised && !(es(s) && t->ever_ran))
		return -XEN_EINVAL;
	if (t->state != SIM_VCPU_STOPPED)
		return 0; /* up already */
	if (start_lie(s, SIM_LIE_VCPUOP_UP_FAKE) || start_lie(s, SIM_LIE_AP_NEVER_UP))
		return 0; /* "done", and nothing ran */
	int64_t ret = start_lie(s, SIM_LIE_VCPUOP_UP_ERROR) ? -XEN_EINVAL : 0;
	if (t->launch_pending) {
		t->launch_pending = false;
		t->first_sipi_done = es(s); /* its launch VMSA has run */
		if (sim_smp_start(v, t, &t->vcpuop_ctx, s->bringup_gpa ? "vcpuop-up-bringup" :
				  es(s) ? "vcpuop-up-launch-vmsa" : "vcpuop-up") < 0)
			return -XEN_EINVAL;
	} else {
		running(v, t, "vcpuop-up-resume"); /* after VCPUOP_down: where it stopped */
	}
	return ret;
}

/* Is a vCPU other than t up (not down: running, halted or held)? */
static bool another_up(const struct sim *s, const struct sim_vcpu *t)
{
	for (unsigned i = 0; i < s->nr_vcpus; i++)
		if (&s->vcpu[i] != t && s->vcpu[i].state != SIM_VCPU_STOPPED)
			return true;
	return false;
}

int64_t sim_smp_vcpu_op(struct sim_vcpu *v, uint64_t cmd, uint64_t id, uint64_t arg)
{
	struct sim *s = v->sim;

	if (id >= s->nr_vcpus)
		return -XEN_ENOENT;
	struct sim_vcpu *t = &s->vcpu[id];
	switch (cmd) {
	case VCPUOP_initialise:
		return vcpuop_initialise(t, arg);
	case VCPUOP_up:
		return vcpuop_up(v, t);
	case VCPUOP_down:
		/* Xen (common/domain.c do_vcpu_op): taking down the last vCPU that is up
		 * shuts the domain down (poweroff); else the vCPU stops, asynchronously. */
		if (!another_up(s, t)) {
			snprintf(s->shutdown_reason, sizeof(s->shutdown_reason), "poweroff");
			sim_end(s, SIM_RES_SHUTDOWN);
			return 0;
		}
		if (t->state != SIM_VCPU_STOPPED) {
			t->state = SIM_VCPU_STOPPED;
			sim_smp_stopped(t);
		}
		return 0;
	case VCPUOP_is_up:
		if (t->state == SIM_VCPU_STOPPED && sim_lie_on(s, SIM_LIE_VCPUOP_UP_FAKE) &&
		    t->id != 0 && !t->ever_ran)
			return 1; /* the fake start: says up */
		return t->state != SIM_VCPU_STOPPED;
	default:
		return -XEN_ENOSYS;
	}
}

/* ---- JSON ---- */

static const char *state_name(const struct sim_vcpu *v)
{
	static const char *const names[] = { "down", "runnable", "halted", "held" };

	return v->state <= SIM_VCPU_HELD ? names[v->state] : "?";
}

void sim_smp_json(struct sim *s, FILE *f)
{
	uint64_t cp = 0, up = 0;

	for (unsigned i = 1; i < s->nr_vcpus; i++) {
		const struct sim_vcpu *v = &s->vcpu[i];
		if (!v->ever_ran)
			continue;
		up++;
		uint64_t c = v->idle_seen ? v->idle_clock : v->clock;
		if (c > cp)
			cp = c;
	}
	s->critical_path = cp;
	fprintf(f, ",\"smp\":{\"hv\":\"%s\",\"acpi_rsdp\":%" PRIu64 ",\"bringup_page\":%" PRIu64
		",\"aps_started\":%" PRIu64 ",\"critical_path_insns\":%" PRIu64
		",\"ap_start_requests\":%" PRIu64 ",\"ipis\":%" PRIu64 ",\"ipis_dropped\":%" PRIu64
		",\"smc_flushes\":%" PRIu64 ",\"smc_full_flushes\":%" PRIu64
		",\"ap_jump_table\":%" PRIu64 ",\"vcpu\":[",
		s->cfg.hv == SIM_HV_KVM ? "kvm" : "xen", s->acpi_rsdp, s->bringup_gpa, up, cp,
		s->ap_start_requests, s->ipis, s->ipis_dropped, s->smc_flushes, s->smc_full_flushes,
		s->ap_jump_table);
	for (unsigned i = 0; i < s->nr_vcpus; i++) {
		struct sim_vcpu *v = &s->vcpu[i];
		fprintf(f, "%s{\"id\":%u,\"apic_id\":%u,\"state\":\"%s\",\"started_by\":", i ? "," : "",
			v->id, v->apic_id, state_name(v));
		sim_json_str(f, v->started_by);
		fprintf(f, ",\"starts\":%u,\"instructions\":%" PRIu64 ",\"vmgexits\":%" PRIu64
			",\"vc\":%" PRIu64 ",\"hypercalls\":%" PRIu64 ",\"inits\":%u,\"sipis\":%u"
			",\"holds\":%u,\"hold_releases\":%u,\"start_clock\":%" PRIu64
			",\"idle_clock\":%" PRIu64 ",\"clock\":%" PRIu64 ",\"rip\":%" PRIu64,
			v->starts, v->insns, v->vmgexits, v->vc, v->hypercalls, v->inits, v->sipis,
			v->holds, v->releases, v->start_clock, v->idle_seen ? v->idle_clock : 0,
			v->clock, v->uc ? sim_reg(v, UC_X86_REG_RIP) : 0);
		fprintf(f, ",\"ghcb_gpas\":[");
		for (unsigned k = 0; k < v->nr_ghcb_gpas; k++)
			fprintf(f, "%s%" PRIu64, k ? "," : "", v->ghcb_gpa[k]);
		fprintf(f, "],\"ghcb_gpas_more\":%u}", v->ghcb_gpas_more);
	}
	fprintf(f, "]}");
}
