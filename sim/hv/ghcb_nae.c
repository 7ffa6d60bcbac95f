/* SPDX-License-Identifier: MIT */
/*
 * The GHCB page protocol (amd-sev-facts.md §3, §4): at VMGEXIT with a page GPA in the
 * GHCB MSR, the hypervisor reads the page (as stored: a GHCB written through a private
 * mapping reads as ciphertext here), checks the guest's inputs against the valid bitmap,
 * performs the event and writes back the outputs with their valid bits (the bitmap is
 * cleared first, as KVM does) and sw_exit_info_1/2. Encodings: sim/hv/spec.h.
 *
 * The checks are at least KVM's (arch/x86/kvm/svm/sev.c, sev_es_validate_vmgexit and
 * setup_vmgexit_scratch; docs/sevsim.md "KVM-strict GHCB checks"): usage 0; sw_exit_code,
 * sw_exit_info_1 and sw_exit_info_2 valid on every call; per event the registers KVM
 * requires; a scratch area that starts in the GHCB page lies inside its shared buffer, and
 * under protocol version 2 it may not lie outside the GHCB at all. A refused request is
 * answered as KVM answers it (sw_exit_info_1 = 2, sw_exit_info_2 = GHCB_ERR_*), and the
 * run records which field was wrong (JSON ghcb_errors, ghcb_last_error). Sevsim is
 * stricter than KVM in one place: protocol_version must be 1 or 2. A GHCB the hypervisor
 * cannot use at all (C-bit set, not RAM, not registered under SNP, private under SNP) ends
 * the run (result "terminated", "terminated_by": "hypervisor"), as KVM's -EINVAL does.
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/hv/spec.h"

#define SCRATCH_LIMIT (16u * 4096u)      /* KVM's GHCB_SCRATCH_AREA_LIMIT */

#define V(field) SIM_GHCB_VALID(field)

struct nae {
	struct sim_vcpu *v;
	struct sim *s;
	uint64_t gpa;
	struct sim_ghcb g; /* the page as read */
	uint64_t in_valid[2];
	uint64_t req_info1; /* sw_exit_info_1 as the guest wrote it */
	bool done;         /* an answer (result) has been set */
};

static bool has(struct nae *n, unsigned bit)
{
	return sim_ghcb_valid_test(n->in_valid, bit);
}

static void answer(struct nae *n, uint64_t info1, uint64_t info2)
{
	n->g.sw_exit_info_1 = info1;
	n->g.sw_exit_info_2 = info2;
	sim_ghcb_valid_set(n->g.valid, V(sw_exit_info_1));
	sim_ghcb_valid_set(n->g.valid, V(sw_exit_info_2));
	n->done = true;
}

/* Refuse the request: the answer KVM gives, and a note naming what was wrong. */
static void error(struct nae *n, uint64_t err, const char *what)
{
	static const char *const names[] = {
		"?", "not registered", "invalid usage", "invalid scratch area", "missing input",
		"invalid input", "invalid event",
	};
	struct sim *s = n->s;

	s->ghcb_errors++;
	snprintf(s->ghcb_last_error, sizeof(s->ghcb_last_error), "exit %#" PRIx64 ": %s: %s",
		 n->g.sw_exit_code, err < 7 ? names[err] : "?", what);
	sim_trace(s, "vcpu%u: GHCB error %" PRIu64 " (%s)", n->v->id, err, s->ghcb_last_error);
	answer(n, SIM_GHCB_RESULT_ERROR, err);
}

static bool need(struct nae *n, unsigned bit, const char *field)
{
	char what[64];

	if (has(n, bit))
		return true;
	snprintf(what, sizeof(what), "%s not valid (bit %u)", field, bit);
	error(n, SIM_GHCB_ERR_MISSING_INPUT, what);
	return false;
}

static void out(struct nae *n, uint64_t *field, unsigned bit, uint64_t val)
{
	*field = val;
	sim_ghcb_valid_set(n->g.valid, bit);
}

/*
 * Scratch area (KVM setup_vmgexit_scratch): not 0; if it starts in the GHCB page it must
 * lie inside the shared buffer; otherwise, only under protocol version 1, other shared RAM
 * up to 16 pages. NULL (and *why) when refused.
 */
static uint8_t *scratch(struct nae *n, uint64_t len, bool *in_ghcb, uint8_t *tmp,
			const char **why)
{
	uint64_t sa = n->g.sw_scratch, buf = n->gpa + SIM_GHCB_BUF_OFFSET;

	*in_ghcb = false;
	if (!sa || sa + len < sa) {
		*why = "sw_scratch is 0 or wraps";
		return NULL;
	}
	if ((sa & ~0xfffull) == n->gpa) {
		if (sa < buf || sa + len > buf + SIM_GHCB_BUF_SIZE) {
			*why = "sw_scratch starts in the GHCB but leaves its shared buffer";
			return NULL;
		}
		*in_ghcb = true;
		return n->g.buf + (sa - buf);
	}
	if (n->g.version >= 2) {
		*why = "sw_scratch outside the GHCB under protocol version 2";
		return NULL;
	}
	if (len > SCRATCH_LIMIT) {
		*why = "scratch area larger than 16 pages";
		return NULL;
	}
	if (!sim_mem_hv_read(n->s, sa, tmp, len)) {
		*why = "sw_scratch is not shared RAM";
		return NULL;
	}
	return tmp;
}

static void do_cpuid(struct nae *n)
{
	uint32_t r[4];
	uint64_t leaf = n->g.rax, sub = n->g.rcx;

	/* KVM: RAX and RCX; XCR0 for leaf 0xD */
	if (!need(n, V(rax), "RAX") || !need(n, V(rcx), "RCX"))
		return;
	if (leaf == 0xd && !need(n, V(xcr0), "XCR0"))
		return;
	sim_cpuid(n->s, n->v, (uint32_t)leaf, (uint32_t)sub, true, r);
	out(n, &n->g.rax, V(rax), r[0]);
	out(n, &n->g.rbx, V(rbx), r[1]);
	out(n, &n->g.rcx, V(rcx), r[2]);
	out(n, &n->g.rdx, V(rdx), r[3]);
	answer(n, 0, 0);
}

static void do_ioio(struct nae *n)
{
	static uint8_t tmp[SCRATCH_LIMIT];
	uint64_t info1 = n->g.sw_exit_info_1;
	unsigned port, size;
	const char *why = "";

	port = sim_ioio_port(info1);
	size = sim_ioio_size(info1);
	if (!size) {
		error(n, SIM_GHCB_ERR_INVALID_INPUT, "IOIO exit_info_1 names no operand size");
		return;
	}
	if (info1 & SIM_IOIO_STR) {
		bool in_ghcb;
		uint64_t count = n->g.sw_exit_info_2, len = count * size;
		uint8_t *p;
		if (!need(n, V(sw_scratch), "sw_scratch"))
			return;
		if (count > SCRATCH_LIMIT || !(p = scratch(n, len, &in_ghcb, tmp, &why))) {
			error(n, SIM_GHCB_ERR_INVALID_SCRATCH, count > SCRATCH_LIMIT ?
			      "string IOIO count too large" : why);
			return;
		}
		for (uint64_t i = 0; i < count; i++) {
			if (info1 & SIM_IOIO_TYPE_IN) {
				uint32_t val = sim_io_in(n->s, (uint16_t)port, size);
				memcpy(p + i * size, &val, size);
			} else {
				uint32_t val = 0;
				memcpy(&val, p + i * size, size);
				sim_io_out(n->s, (uint16_t)port, size, val);
			}
		}
		if ((info1 & SIM_IOIO_TYPE_IN) && !in_ghcb)
			sim_mem_hv_write(n->s, n->g.sw_scratch, p, len);
		answer(n, 0, 0);
		return;
	}
	uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
	if (info1 & SIM_IOIO_TYPE_IN) {
		uint64_t val = sim_io_in(n->s, (uint16_t)port, size) & mask;
		out(n, &n->g.rax, V(rax), (n->g.rax & ~mask) | val);
	} else {
		if (!need(n, V(rax), "RAX"))
			return;
		sim_io_out(n->s, (uint16_t)port, size, (uint32_t)(n->g.rax & mask));
	}
	answer(n, 0, 0);
}

static void do_msr(struct nae *n)
{
	uint64_t val;
	uint32_t msr = (uint32_t)n->g.rcx;

	if (!need(n, V(rcx), "RCX"))
		return;
	if (n->g.sw_exit_info_1 == 1) { /* write: KVM needs RAX and RDX */
		if (!need(n, V(rax), "RAX") || !need(n, V(rdx), "RDX"))
			return;
		val = (uint32_t)n->g.rax | (n->g.rdx << 32);
		if (!sim_msr_hv_write(n->v, msr, val)) {
			answer(n, SIM_GHCB_RESULT_EXCEPTION, sim_eventinj_exception(13, 1, 0));
			return;
		}
	} else if (n->g.sw_exit_info_1 == 0) {
		if (!sim_msr_hv_read(n->v, msr, &val)) {
			answer(n, SIM_GHCB_RESULT_EXCEPTION, sim_eventinj_exception(13, 1, 0));
			return;
		}
		out(n, &n->g.rax, V(rax), (uint32_t)val);
		out(n, &n->g.rdx, V(rdx), val >> 32);
	} else {
		error(n, SIM_GHCB_ERR_INVALID_INPUT, "MSR exit_info_1 neither 0 (read) nor 1 (write)");
		return;
	}
	answer(n, 0, 0);
}

static void do_vmmcall(struct nae *n)
{
	uint64_t a[5];

	if (!need(n, V(rax), "RAX") || !need(n, V(cpl), "CPL"))
		return;
	/* Argument registers without their valid bit read as 0 (docs/sevsim.md). */
	a[0] = has(n, V(rdi)) ? n->g.rdi : 0;
	a[1] = has(n, V(rsi)) ? n->g.rsi : 0;
	a[2] = has(n, V(rdx)) ? n->g.rdx : 0;
	a[3] = has(n, V(r10)) ? n->g.r10 : 0;
	a[4] = has(n, V(r8)) ? n->g.r8 : 0;
	int64_t ret = sim_hypercall(n->v, n->g.rax, a, n->g.cpl);
	out(n, &n->g.rax, V(rax), (uint64_t)ret);
	answer(n, 0, 0);
}

/* The lies on an MMIO read's data (docs/lies.md): all-ones, or the xAPIC ID register
 * (offset 0x20, ID in bits 31:24: SDM vol. 3 §11.4.6) naming the next vCPU. */
static void mmio_read_lies(struct sim *s, uint64_t gpa, uint64_t *val, unsigned len)
{
	if (sim_lie(s, SIM_LIE_MMIO_ONES))
		*val = len >= 8 ? ~0ull : (1ull << (8 * len)) - 1;
	if (gpa == SIM_APIC_BASE + 0x20 && len == 4 && sim_lie(s, SIM_LIE_MMIO_APIC_ID_OTHER))
		*val = (uint64_t)s->vcpu[(s->current + 1) % s->nr_vcpus].apic_id << 24;
}

static void do_mmio(struct nae *n, bool write)
{
	static uint8_t tmp[SCRATCH_LIMIT];
	uint64_t gpa = n->g.sw_exit_info_1, len = n->g.sw_exit_info_2, val = 0;
	bool in_ghcb;
	uint8_t *p;
	const char *why = "";

	if (!need(n, V(sw_scratch), "sw_scratch"))
		return;
	if (len == 0 || len > 8 || (gpa & n->s->cbit_mask) || sim_mem_is_ram(n->s, gpa, 1)) {
		error(n, SIM_GHCB_ERR_INVALID_INPUT, "MMIO GPA or length (1..8) not usable");
		return;
	}
	if (!(p = scratch(n, len, &in_ghcb, tmp, &why))) {
		error(n, SIM_GHCB_ERR_INVALID_SCRATCH, why);
		return;
	}
	if (write) {
		memcpy(&val, p, len);
		sim_mmio_write(n->s, gpa, (unsigned)len, val);
	} else {
		val = sim_mmio_read(n->s, gpa, (unsigned)len);
		mmio_read_lies(n->s, gpa, &val, (unsigned)len);
		memcpy(p, &val, len);
		if (!in_ghcb)
			sim_mem_hv_write(n->s, n->g.sw_scratch, p, len);
	}
	answer(n, 0, 0);
}

/*
 * Page state change (KVM snp_begin_psc, QEMU's conversion; facts §5.1). The descriptor is in
 * the GHCB's shared buffer (version 2); at most as many entries as fit between sw_scratch
 * and the end of the buffer (253 from its start). From cur_entry to end_entry: an entry
 * with cur_page beyond its size or a GFN not aligned to it is an invalid entry; its
 * remaining pages are converted and cur_page/cur_entry record the progress. Operations
 * 3/4 (PSMASH/UNSMASH) are taken as done, as KVM does; sevsim refuses every other
 * operation (KVM skips them too: sevsim is stricter). The answer is sw_exit_info_1 = 0 and
 * the result in sw_exit_info_2. --psc-max=N makes the hypervisor stop after N entries
 * with success and cur_entry <= end_entry: the guest must call again.
 */
static void do_psc(struct nae *n)
{
	struct sim *s = n->s;
	uint64_t buf = n->gpa + SIM_GHCB_BUF_OFFSET, sa = n->g.sw_scratch, max;
	uint8_t *p;
	uint16_t cur, end;
	unsigned done = 0;
	uint64_t result = 0;

	if (!need(n, V(sw_scratch), "sw_scratch"))
		return;
	if ((sa & ~0xfffull) != n->gpa || sa < buf || sa + 8 > buf + SIM_GHCB_BUF_SIZE) {
		error(n, SIM_GHCB_ERR_INVALID_SCRATCH, "PSC descriptor not inside the GHCB's shared buffer");
		return;
	}
	s->snp.psc_calls++;
	p = n->g.buf + (sa - buf);
	max = (buf + SIM_GHCB_BUF_SIZE - sa - 8) / 8;
	memcpy(&cur, p, 2);
	memcpy(&end, p + 2, 2);
	if (end >= max) {
		answer(n, 0, SIM_PSC_ERR_HEADER);
		return;
	}
	if (sim_lie(s, SIM_LIE_PSC_ERROR)) {
		answer(n, 0, SIM_PSC_ERR_GENERIC);
		return;
	}
	if (sim_lie(s, SIM_LIE_PSC_FAKE_PROGRESS)) {
		cur = (uint16_t)(end + 1); /* "all done", nothing changed */
		memcpy(p, &cur, 2);
		answer(n, 0, 0);
		return;
	}
	for (; cur <= end; cur++) {
		uint64_t e;
		memcpy(&e, p + 8 + 8ull * cur, 8);
		uint64_t gfn = sim_psc_entry_gfn(e);
		unsigned op = sim_psc_entry_op(e), pages = sim_psc_entry_2m(e) ? 512 : 1;
		unsigned at = sim_psc_entry_cur_page(e);
		if (at > pages || (gfn & (pages - 1)) || op == 0 || op > SIM_PSC_OP_UNSMASH) {
			result = SIM_PSC_ERR_ENTRY;
			break;
		}
		if (s->cfg.psc_max && done == s->cfg.psc_max)
			break; /* the hypervisor returns early: progress so far is recorded */
		if (op == SIM_PSC_OP_PRIVATE || op == SIM_PSC_OP_SHARED) {
			bool shared = op == SIM_PSC_OP_SHARED;
			int rc = 0;
			if (pages == 512 && at == 0)
				rc = sim_rmp_psc(s, gfn, shared, true);
			else /* 4 KiB, or the rest of a 2 MiB entry begun before (KVM: 4 KiB) */
				for (unsigned i = at; rc == 0 && i < pages; i++)
					rc = sim_rmp_psc(s, gfn + i, shared, false);
			if (rc) {
				result = SIM_PSC_ERR_GENERIC; /* QEMU could not convert (not RAM) */
				break;
			}
		}
		e = sim_psc_entry_set_cur_page(e, sim_psc_entry_2m(e) ? 512 : 1);
		memcpy(p + 8 + 8ull * cur, &e, 8);
		done++;
	}
	memcpy(p, &cur, 2);
	answer(n, 0, result);
}

static void dispatch(struct nae *n)
{
	struct sim *s = n->s;
	struct sim_vcpu *v = n->v;
	uint64_t code = n->g.sw_exit_code;
	unsigned version = n->g.version;

	switch (code) {
	case SIM_EXIT_CPUID:
		do_cpuid(n);
		break;
	case SIM_EXIT_IOIO:
		do_ioio(n);
		break;
	case SIM_EXIT_MSR:
		do_msr(n);
		break;
	case SIM_EXIT_RDTSC:
	case SIM_EXIT_RDTSCP: {
		uint64_t tsc = sim_tsc(s);

		out(n, &n->g.rax, V(rax), (uint32_t)tsc);
		out(n, &n->g.rdx, V(rdx), tsc >> 32);
		if (code == SIM_EXIT_RDTSCP)
			out(n, &n->g.rcx, V(rcx), v->id);
		answer(n, 0, 0);
		break;
	}
	case SIM_EXIT_RDPMC:
		if (!need(n, V(rcx), "RCX"))
			break;
		out(n, &n->g.rax, V(rax), 0);
		out(n, &n->g.rdx, V(rdx), 0);
		answer(n, 0, 0);
		break;
	case SIM_EXIT_VMMCALL:
		do_vmmcall(n);
		break;
	case SIM_EXIT_MONITOR: /* KVM: RAX (address), RCX (extensions), RDX (hints) */
		if (need(n, V(rax), "RAX") && need(n, V(rcx), "RCX") && need(n, V(rdx), "RDX"))
			answer(n, 0, 0);
		break;
	case SIM_EXIT_MWAIT:   /* KVM: RAX (hints), RCX (extensions) */
		if (need(n, V(rax), "RAX") && need(n, V(rcx), "RCX"))
			answer(n, 0, 0);
		break;
	case SIM_EXIT_WBINVD:
		sim_cache_wbinvd(v->sim); /* the hypervisor flushes for the guest (mem/cache.c) */
		answer(n, 0, 0);
		break;
	case SIM_EXIT_INVD:
	case SIM_NAE_NMI_COMPLETE:
		answer(n, 0, 0);
		break;
	case SIM_EXIT_WRITE_DR7:
		if (!need(n, V(rax), "RAX"))
			break;
		v->dr7 = n->g.rax;
		answer(n, 0, 0);
		break;
	case SIM_EXIT_READ_DR7:
		out(n, &n->g.rax, V(rax), v->dr7);
		answer(n, 0, 0);
		break;
	case SIM_NAE_MMIO_READ:
	case SIM_NAE_MMIO_WRITE:
		do_mmio(n, code == SIM_NAE_MMIO_WRITE);
		break;
	case SIM_NAE_AP_HLT_LOOP:
		/* KVM presets 0 ("not woken by a SIPI"); INIT + SIPI answer 1 (hv/smp.c) */
		answer(n, 0, 0);
		sim_smp_hold(v, SIM_HOLD_NAE, n->gpa);
		break;
	case SIM_NAE_AP_JUMP_TABLE:
		if (n->g.sw_exit_info_1 == 0) {        /* SET */
			s->ap_jump_table = n->g.sw_exit_info_2;
			answer(n, 0, 0);
		} else if (n->g.sw_exit_info_1 == 1) { /* GET */
			answer(n, 0, sim_lie(s, SIM_LIE_JUMP_TABLE_OTHER) ?
				  s->ap_jump_table ^ 0x1000 : s->ap_jump_table);
		} else {
			error(n, SIM_GHCB_ERR_INVALID_INPUT, "AP jump table exit_info_1 neither SET nor GET");
		}
		break;
	case SIM_NAE_PSC:
		if (s->cfg.mode != SIM_MODE_SEV_SNP || version < 2)
			error(n, SIM_GHCB_ERR_INVALID_EVENT, "page state change outside SNP or below version 2");
		else
			do_psc(n);
		break;
	case SIM_NAE_AP_CREATION:
		if (s->cfg.mode != SIM_MODE_SEV_SNP || version < 2) {
			error(n, SIM_GHCB_ERR_INVALID_EVENT, "AP creation outside SNP or below version 2");
		} else if (need(n, V(rax), "RAX")) {
			const char *why = NULL;
			if (sim_snp_ap_creation(v, n->g.sw_exit_info_1, n->g.sw_exit_info_2, n->g.rax,
						&why))
				error(n, SIM_GHCB_ERR_INVALID_INPUT, why);
			else
				answer(n, 0, 0);
		}
		break;
	case SIM_NAE_HV_FEATURES:
		if (version < 2)
			error(n, SIM_GHCB_ERR_INVALID_EVENT, "hypervisor features below version 2");
		else
			answer(n, 0, sim_hv_features(s));
		break;
	case SIM_NAE_TERM_REQUEST:
		s->term_info2 = n->g.sw_exit_info_2;
		if (!sim_terminate_request(s, sim_nae_term_set(n->g.sw_exit_info_1),
					   sim_nae_term_code(n->g.sw_exit_info_1)))
			answer(n, 0, 0);        /* --lie=term-ignored: "done", the guest runs on */
		else
			n->done = false;
		break;
	case SIM_NAE_SAVIC: { /* apic/savic.c: Secure AVIC backing page (un)registration */
		uint64_t i1, i2, rbx;
		if (!need(n, V(rax), "RAX") ||
		    (n->g.sw_exit_info_1 == 0 && !need(n, V(rbx), "RBX")))
			break;
		sim_savic_nae(v, n->g.sw_exit_info_1, n->g.rax, n->g.rbx, &i1, &i2, &rbx);
		if (i1 == SIM_GHCB_RESULT_ERROR) {
			error(n, i2, "Secure AVIC (un)registration refused");
			break;
		}
		if (n->g.sw_exit_info_1 == 1)
			out(n, &n->g.rbx, V(rbx), rbx);
		answer(n, i1, i2);
		break;
	}
	case SIM_NAE_UNSUPPORTED:
		sim_hv_terminate(s, "vcpu%u: guest reported an unsupported event (exit_info_1 %#"
				 PRIx64 ", exit_info_2 %#" PRIx64 ")", v->id, n->g.sw_exit_info_1,
				 n->g.sw_exit_info_2);
		break;
	default:
		error(n, SIM_GHCB_ERR_INVALID_EVENT, "no such event");
		break;
	}
}

/*
 * The --lie attacks on an answer (docs/lies.md): each changes what is written back.
 * The honest answer is kept per vCPU for ghcb-replay.
 */
static void lie_about_answer(struct nae *n, uint64_t code)
{
	static struct sim_ghcb last[SIM_MAX_VCPUS];
	static bool have_last[SIM_MAX_VCPUS];
	struct sim *s = n->s;
	unsigned id = n->v->id;
	struct sim_ghcb honest = n->g;
	bool term = code == SIM_NAE_TERM_REQUEST;

	if (!term && (sim_lie(s, SIM_LIE_GHCB_ERROR) || (id && sim_lie(s, SIM_LIE_GHCB_ERROR_AP)) ||
		      (code == SIM_EXIT_CPUID && sim_lie(s, SIM_LIE_GHCB_ERROR_CPUID)) ||
		      (code == SIM_EXIT_IOIO && sim_lie(s, SIM_LIE_GHCB_ERROR_IOIO)) ||
		      (code == SIM_EXIT_VMMCALL && sim_lie(s, SIM_LIE_GHCB_ERROR_VMMCALL)))) {
		n->g.sw_exit_info_1 = SIM_GHCB_RESULT_ERROR;
		n->g.sw_exit_info_2 = SIM_GHCB_ERR_INVALID_INPUT;
	}
	if (!term && sim_lie(s, SIM_LIE_GHCB_BAD_RESULT))
		n->g.sw_exit_info_1 = 3;
	if (!term && sim_lie(s, SIM_LIE_GHCB_INJECT_GP)) {
		n->g.sw_exit_info_1 = SIM_GHCB_RESULT_EXCEPTION;
		n->g.sw_exit_info_2 = sim_eventinj_exception(13, 1, 0);
	}
	if (sim_lie(s, SIM_LIE_GHCB_MISSING_VALID)) {
		uint64_t keep[2] = { 0, 0 };
		sim_ghcb_valid_set(keep, V(sw_exit_info_1));
		sim_ghcb_valid_set(keep, V(sw_exit_info_2));
		n->g.valid[0] &= keep[0];
		n->g.valid[1] &= keep[1];
	}
	if (code == SIM_EXIT_CPUID && sim_lie(s, SIM_LIE_CPUID_HIGH_BITS))
		n->g.rbx |= 1ull << 40;
	if (code == SIM_EXIT_IOIO && (n->req_info1 & SIM_IOIO_TYPE_IN) &&
	    !(n->req_info1 & SIM_IOIO_STR) && sim_lie(s, SIM_LIE_IN_HIGH_BITS)) {
		uint64_t size = sim_ioio_size(n->req_info1);
		n->g.rax |= size >= 4 ? ~0xffffffffull : ~((1ull << (8 * size)) - 1);
	}
	if (!term && have_last[id] && sim_lie(s, SIM_LIE_GHCB_REPLAY))
		n->g = last[id];
	if (!term && sim_lie(s, SIM_LIE_GHCB_ZERO_PAGE))
		memset(&n->g, 0, sizeof(n->g));
	last[id] = honest;
	have_last[id] = true;
	sim_mem_hv_write(s, n->gpa, &n->g, sizeof(n->g));
}

void sim_ghcb_nae(struct sim_vcpu *v, uint64_t gpa)
{
	struct sim *s = v->sim;
	struct nae n = { .v = v, .s = s, .gpa = gpa };

	if (!gpa) {
		/* KVM: "GHCB gpa is not set": back to the guest without an answer */
		sim_trace(s, "vcpu%u: VMGEXIT with GHCB MSR 0 ignored (no GHCB set)", v->id);
		return;
	}
	if (gpa & s->cbit_mask) {
		sim_hv_terminate(s, "vcpu%u: VMGEXIT with GHCB GPA %#" PRIx64 ": the C-bit is set, "
				 "a GHCB must be shared", v->id, gpa);
		return;
	}
	if (gpa & 0xfff || !sim_mem_is_ram(s, gpa, SIM_GHCB_SIZE)) {
		sim_hv_terminate(s, "vcpu%u: VMGEXIT with GHCB GPA %#" PRIx64 ": not a page of guest "
				 "RAM", v->id, gpa);
		return;
	}
	if (s->cfg.mode == SIM_MODE_SEV_SNP) {
		if (v->ghcb_registered_gfn != gpa >> 12) {
			sim_hv_terminate(s, "vcpu%u: VMGEXIT with GHCB GPA %#" PRIx64 ": not registered "
					 "(GHCB MSR protocol 0x012 is mandatory under SNP)", v->id, gpa);
			return;
		}
		if (s->rmp && !sim_rmp_shared(s, gpa >> 12)) {
			sim_hv_terminate(s, "vcpu%u: VMGEXIT with GHCB GPA %#" PRIx64 ": the page is "
					 "private in the RMP (page state change to shared missing)",
					 v->id, gpa);
			return;
		}
	}
	sim_mem_hv_read(s, gpa, &n.g, sizeof(n.g));
	memcpy(n.in_valid, n.g.valid, sizeof(n.in_valid));
	n.req_info1 = n.g.sw_exit_info_1;
	memset(n.g.valid, 0, sizeof(n.g.valid));

	uint64_t code = has(&n, V(sw_exit_code)) ? n.g.sw_exit_code : 0;
	sim_counter_add(&s->vmgexits_by_code, code);
	sim_trace(s, "vcpu%u: VMGEXIT ghcb %#" PRIx64 " exit %#" PRIx64 " info1 %#" PRIx64
		  " info2 %#" PRIx64 " at rip %#" PRIx64, v->id, gpa, n.g.sw_exit_code,
		  n.g.sw_exit_info_1, n.g.sw_exit_info_2, v->ev.rip);

	/* KVM's order: usage, then the three exit fields; then sevsim's version check */
	if (n.g.usage != SIM_GHCB_USAGE_STD) {
		char what[48];
		snprintf(what, sizeof(what), "ghcb_usage %u (only 0 is defined)", n.g.usage);
		error(&n, SIM_GHCB_ERR_INVALID_USAGE, what);
	} else if (need(&n, V(sw_exit_code), "sw_exit_code") &&
		   need(&n, V(sw_exit_info_1), "sw_exit_info_1") &&
		   need(&n, V(sw_exit_info_2), "sw_exit_info_2")) {
		if (n.g.version < SIM_GHCB_VERSION_MIN || n.g.version > SIM_GHCB_VERSION_MAX) {
			char what[64];
			snprintf(what, sizeof(what), "protocol_version %u (offered 1..2)", n.g.version);
			error(&n, SIM_GHCB_ERR_INVALID_INPUT, what);
		} else {
			dispatch(&n);
		}
	}

	if (!n.done)
		return; /* terminated: nothing goes back */
	lie_about_answer(&n, code);
}
