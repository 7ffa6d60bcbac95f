/* SPDX-License-Identifier: MIT */
/*
 * The GHCB page protocol (amd-sev-facts.md §3, §4): at VMGEXIT with a page GPA in the
 * GHCB MSR, the hypervisor reads the page (as stored: a GHCB written through a private
 * mapping reads as ciphertext here), checks the guest's inputs against the valid bitmap,
 * performs the event and writes back the outputs with their valid bits (the bitmap is
 * cleared first, as KVM does) and sw_exit_info_1/2.
 *
 * Errors in the guest's use of the protocol are answered as the spec says
 * (sw_exit_info_1 = 2, sw_exit_info_2 = GHCB_ERR_*); a GHCB the hypervisor cannot use at
 * all (C-bit set, not RAM, not registered under SNP, private under SNP) ends the run as
 * KVM does, with result "terminated" and "terminated_by": "hypervisor".
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"
#include "sev/exit_codes.h"
#include "sev/ghcb.h"

#define SCRATCH_LIMIT (16u * 4096u)      /* KVM's GHCB_SCRATCH_AREA_LIMIT */
#define EVENT_GP      0x80000b0dull      /* EVENTINJ: #GP, exception, error code valid, valid */

struct nae {
	struct sim_vcpu *v;
	struct sim *s;
	uint64_t gpa;
	struct ghcb g;     /* the page as read */
	uint64_t in_valid[2];
	uint64_t req_info1; /* sw_exit_info_1 as the guest wrote it */
	bool done;         /* an answer (result) has been set */
};

static bool has(struct nae *n, unsigned bit)
{
	return ghcb_bitmap_test(n->in_valid, bit);
}

static void answer(struct nae *n, uint64_t info1, uint64_t info2)
{
	n->g.sw_exit_info_1 = info1;
	n->g.sw_exit_info_2 = info2;
	ghcb_bitmap_set(n->g.valid_bitmap, GHCB_BIT_SW_EXIT_INFO_1);
	ghcb_bitmap_set(n->g.valid_bitmap, GHCB_BIT_SW_EXIT_INFO_2);
	n->done = true;
}

static void error(struct nae *n, uint64_t err)
{
	sim_trace(n->s, "vcpu%u: GHCB error %" PRIu64 " for exit %#" PRIx64, n->v->id, err,
		  n->g.sw_exit_code);
	answer(n, GHCB_RESULT_ERROR, err);
}

static bool need(struct nae *n, unsigned bit)
{
	if (has(n, bit))
		return true;
	error(n, GHCB_ERR_MISSING_INPUT);
	return false;
}

static void out(struct nae *n, uint64_t *field, unsigned bit, uint64_t val)
{
	*field = val;
	ghcb_bitmap_set(n->g.valid_bitmap, bit);
}

/* Scratch area: inside the GHCB shared buffer, or other shared RAM (KVM allows both). */
static uint8_t *scratch(struct nae *n, uint64_t len, bool *in_ghcb, uint8_t *tmp)
{
	uint64_t sa = n->g.sw_scratch, buf = n->gpa + GHCB_SHARED_BUF_OFFSET;

	if (len > SCRATCH_LIMIT)
		return NULL;
	if (sa >= buf && sa + len <= buf + GHCB_SHARED_BUF_SIZE && sa + len >= sa) {
		*in_ghcb = true;
		return n->g.shared_buffer + (sa - buf);
	}
	*in_ghcb = false;
	if (!sim_mem_hv_read(n->s, sa, tmp, len))
		return NULL;
	return tmp;
}

static void do_cpuid(struct nae *n)
{
	uint32_t r[4];
	uint64_t leaf = n->g.rax, sub = has(n, GHCB_BIT_RCX) ? n->g.rcx : 0;

	if (!need(n, GHCB_BIT_RAX))
		return;
	if ((uint32_t)leaf == 0xd && !need(n, GHCB_BIT_XCR0))
		return;
	sim_cpuid(n->s, n->v, (uint32_t)leaf, (uint32_t)sub, true, r);
	out(n, &n->g.rax, GHCB_BIT_RAX, r[0]);
	out(n, &n->g.rbx, GHCB_BIT_RBX, r[1]);
	out(n, &n->g.rcx, GHCB_BIT_RCX, r[2]);
	out(n, &n->g.rdx, GHCB_BIT_RDX, r[3]);
	answer(n, 0, 0);
}

static void do_ioio(struct nae *n)
{
	static uint8_t tmp[SCRATCH_LIMIT];
	uint64_t info1 = n->g.sw_exit_info_1;
	unsigned port, size;

	if (!need(n, GHCB_BIT_SW_EXIT_INFO_1))
		return;
	port = svm_ioio_port(info1);
	size = svm_ioio_size(info1);
	if (!size) {
		error(n, GHCB_ERR_INVALID_INPUT);
		return;
	}
	if (info1 & SVM_IOIO_STR) {
		bool in_ghcb;
		uint64_t count = n->g.sw_exit_info_2, len = count * size;
		uint8_t *p;
		if (!need(n, GHCB_BIT_SW_SCRATCH) || !need(n, GHCB_BIT_SW_EXIT_INFO_2))
			return;
		if (count > SCRATCH_LIMIT || !(p = scratch(n, len, &in_ghcb, tmp))) {
			error(n, GHCB_ERR_INVALID_SCRATCH);
			return;
		}
		for (uint64_t i = 0; i < count; i++) {
			if (info1 & SVM_IOIO_TYPE_IN) {
				uint32_t val = sim_io_in(n->s, (uint16_t)port, size);
				memcpy(p + i * size, &val, size);
			} else {
				uint32_t val = 0;
				memcpy(&val, p + i * size, size);
				sim_io_out(n->s, (uint16_t)port, size, val);
			}
		}
		if ((info1 & SVM_IOIO_TYPE_IN) && !in_ghcb)
			sim_mem_hv_write(n->s, n->g.sw_scratch, p, len);
		answer(n, 0, 0);
		return;
	}
	uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
	if (info1 & SVM_IOIO_TYPE_IN) {
		uint64_t val = sim_io_in(n->s, (uint16_t)port, size) & mask;
		out(n, &n->g.rax, GHCB_BIT_RAX, (n->g.rax & ~mask) | val);
	} else {
		if (!need(n, GHCB_BIT_RAX))
			return;
		sim_io_out(n->s, (uint16_t)port, size, (uint32_t)(n->g.rax & mask));
	}
	answer(n, 0, 0);
}

static void do_msr(struct nae *n)
{
	uint64_t val;
	uint32_t msr = (uint32_t)n->g.rcx;

	if (!need(n, GHCB_BIT_RCX) || !need(n, GHCB_BIT_SW_EXIT_INFO_1))
		return;
	if (n->g.sw_exit_info_1 == SVM_MSR_WRITE) {
		if (!need(n, GHCB_BIT_RAX) || !need(n, GHCB_BIT_RDX))
			return;
		val = (uint32_t)n->g.rax | (n->g.rdx << 32);
		if (!sim_msr_hv_write(n->v, msr, val)) {
			answer(n, GHCB_RESULT_EXCEPTION, EVENT_GP);
			return;
		}
	} else if (n->g.sw_exit_info_1 == SVM_MSR_READ) {
		if (!sim_msr_hv_read(n->v, msr, &val)) {
			answer(n, GHCB_RESULT_EXCEPTION, EVENT_GP);
			return;
		}
		out(n, &n->g.rax, GHCB_BIT_RAX, (uint32_t)val);
		out(n, &n->g.rdx, GHCB_BIT_RDX, val >> 32);
	} else {
		error(n, GHCB_ERR_INVALID_INPUT);
		return;
	}
	answer(n, 0, 0);
}

static void do_vmmcall(struct nae *n)
{
	uint64_t a[5];

	if (!need(n, GHCB_BIT_RAX) || !need(n, GHCB_BIT_CPL))
		return;
	/* Argument registers without their valid bit read as 0 (docs/sevsim.md). */
	a[0] = has(n, GHCB_BIT_RDI) ? n->g.rdi : 0;
	a[1] = has(n, GHCB_BIT_RSI) ? n->g.rsi : 0;
	a[2] = has(n, GHCB_BIT_RDX) ? n->g.rdx : 0;
	a[3] = has(n, GHCB_BIT_R10) ? n->g.r10 : 0;
	a[4] = has(n, GHCB_BIT_R8) ? n->g.r8 : 0;
	int64_t ret = sim_hypercall(n->v, n->g.rax, a, n->g.cpl);
	out(n, &n->g.rax, GHCB_BIT_RAX, (uint64_t)ret);
	answer(n, 0, 0);
}

static void do_mmio(struct nae *n, bool write)
{
	static uint8_t tmp[SCRATCH_LIMIT];
	uint64_t gpa = n->g.sw_exit_info_1, len = n->g.sw_exit_info_2, val = 0;
	bool in_ghcb;
	uint8_t *p;

	if (!need(n, GHCB_BIT_SW_EXIT_INFO_1) || !need(n, GHCB_BIT_SW_EXIT_INFO_2) ||
	    !need(n, GHCB_BIT_SW_SCRATCH))
		return;
	if (len == 0 || len > 8 || (gpa & n->s->cbit_mask) || sim_mem_is_ram(n->s, gpa, 1)) {
		error(n, GHCB_ERR_INVALID_INPUT);
		return;
	}
	if (!(p = scratch(n, len, &in_ghcb, tmp))) {
		error(n, GHCB_ERR_INVALID_SCRATCH);
		return;
	}
	if (write) {
		memcpy(&val, p, len);
		sim_mmio_write(n->s, gpa, (unsigned)len, val);
	} else {
		val = sim_mmio_read(n->s, gpa, (unsigned)len);
		memcpy(p, &val, len);
		if (!in_ghcb)
			sim_mem_hv_write(n->s, n->g.sw_scratch, p, len);
	}
	answer(n, 0, 0);
}

static void do_psc(struct nae *n)
{
	static uint8_t tmp[SCRATCH_LIMIT];
	bool in_ghcb;
	uint8_t *p;
	uint16_t cur, end;

	if (!need(n, GHCB_BIT_SW_SCRATCH))
		return;
	if (!(p = scratch(n, 8, &in_ghcb, tmp))) {
		error(n, GHCB_ERR_INVALID_SCRATCH);
		return;
	}
	memcpy(&cur, p, 2);
	memcpy(&end, p + 2, 2);
	if (end >= 253 || cur > end || !(p = scratch(n, 8 + 8ull * (end + 1), &in_ghcb, tmp))) {
		answer(n, 0, (1ull << 32) | 1); /* invalid header */
		return;
	}
	for (; cur <= end; cur++) {
		uint64_t e;
		memcpy(&e, p + 8 + 8ull * cur, 8);
		uint64_t gfn = (e >> 12) & 0xffffffffffull;
		unsigned op = (e >> 52) & 0xf, pages = (e >> 56) & 1 ? 512 : 1;
		if (op != 1 && op != 2) {
			memcpy(p, &cur, 2);
			answer(n, 0, (1ull << 32) | 2); /* invalid entry */
			goto out;
		}
		for (unsigned i = 0; i < pages; i++)
			if (sim_rmp_set_shared(n->s, gfn + i, op == 2)) {
				memcpy(p, &cur, 2);
				answer(n, 0, (1ull << 32) | 2);
				goto out;
			}
	}
	memcpy(p, &cur, 2);
	answer(n, 0, 0);
out:
	if (!in_ghcb)
		sim_mem_hv_write(n->s, n->g.sw_scratch, p, 8 + 8ull * (end + 1));
}

static void dispatch(struct nae *n)
{
	struct sim *s = n->s;
	struct sim_vcpu *v = n->v;
	uint64_t code = n->g.sw_exit_code;
	unsigned version = n->g.protocol_version;

	switch (code) {
	case SVM_EXIT_CPUID:
		do_cpuid(n);
		break;
	case SVM_EXIT_IOIO:
		do_ioio(n);
		break;
	case SVM_EXIT_MSR:
		do_msr(n);
		break;
	case SVM_EXIT_RDTSC:
	case SVM_EXIT_RDTSCP:
		out(n, &n->g.rax, GHCB_BIT_RAX, (uint32_t)s->insns_total);
		out(n, &n->g.rdx, GHCB_BIT_RDX, s->insns_total >> 32);
		if (code == SVM_EXIT_RDTSCP)
			out(n, &n->g.rcx, GHCB_BIT_RCX, v->id);
		answer(n, 0, 0);
		break;
	case SVM_EXIT_RDPMC:
		if (!need(n, GHCB_BIT_RCX))
			break;
		out(n, &n->g.rax, GHCB_BIT_RAX, 0);
		out(n, &n->g.rdx, GHCB_BIT_RDX, 0);
		answer(n, 0, 0);
		break;
	case SVM_EXIT_VMMCALL:
		do_vmmcall(n);
		break;
	case SVM_EXIT_WBINVD:
	case SVM_EXIT_INVD:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_VMGEXIT_NMI_COMPLETE:
		answer(n, 0, 0);
		break;
	case SVM_EXIT_WRITE_DR7:
		if (!need(n, GHCB_BIT_RAX))
			break;
		v->dr7 = n->g.rax;
		answer(n, 0, 0);
		break;
	case SVM_EXIT_READ_DR7:
		out(n, &n->g.rax, GHCB_BIT_RAX, v->dr7);
		answer(n, 0, 0);
		break;
	case SVM_VMGEXIT_MMIO_READ:
	case SVM_VMGEXIT_MMIO_WRITE:
		do_mmio(n, code == SVM_VMGEXIT_MMIO_WRITE);
		break;
	case SVM_VMGEXIT_AP_HLT_LOOP:
		v->state = SIM_VCPU_HELD; /* until a SIPI, which is not modelled yet */
		answer(n, 0, 0);
		break;
	case SVM_VMGEXIT_AP_JUMP_TABLE:
		if (!need(n, GHCB_BIT_SW_EXIT_INFO_1))
			break;
		if (n->g.sw_exit_info_1 == SVM_VMGEXIT_AP_JUMP_TABLE_SET) {
			s->ap_jump_table = n->g.sw_exit_info_2;
			answer(n, 0, 0);
		} else if (n->g.sw_exit_info_1 == SVM_VMGEXIT_AP_JUMP_TABLE_GET) {
			answer(n, 0, s->ap_jump_table);
		} else {
			error(n, GHCB_ERR_INVALID_INPUT);
		}
		break;
	case SVM_VMGEXIT_PSC:
		if (s->cfg.mode != SIM_MODE_SEV_SNP || version < 2)
			error(n, GHCB_ERR_INVALID_EVENT);
		else
			do_psc(n);
		break;
	case SVM_VMGEXIT_HV_FEATURES:
		if (version < 2)
			error(n, GHCB_ERR_INVALID_EVENT);
		else
			answer(n, 0, sim_hv_features(s));
		break;
	case SVM_VMGEXIT_TERM_REQUEST:
		if (!need(n, GHCB_BIT_SW_EXIT_INFO_1))
			break;
		s->term_info2 = n->g.sw_exit_info_2;
		if (!sim_terminate_request(s, n->g.sw_exit_info_1 & 0xf,
					   (n->g.sw_exit_info_1 >> 4) & 0xff))
			answer(n, 0, 0);        /* --lie=term-ignored: "done", the guest runs on */
		else
			n->done = false;
		break;
	case SVM_VMGEXIT_UNSUPPORTED_EVENT:
		sim_hv_terminate(s, "vcpu%u: guest reported an unsupported event (exit_info_1 %#"
				 PRIx64 ", exit_info_2 %#" PRIx64 ")", v->id, n->g.sw_exit_info_1,
				 n->g.sw_exit_info_2);
		break;
	default:
		error(n, GHCB_ERR_INVALID_EVENT);
		break;
	}
}

/*
 * The --lie attacks on an answer (docs/lies.md): each changes what is written back.
 * The honest answer is kept per vCPU for ghcb-replay.
 */
static void lie_about_answer(struct nae *n, uint64_t code)
{
	static struct ghcb last[SIM_MAX_VCPUS];
	static bool have_last[SIM_MAX_VCPUS];
	struct sim *s = n->s;
	unsigned id = n->v->id;
	struct ghcb honest = n->g;
	bool term = code == SVM_VMGEXIT_TERM_REQUEST;

	if (!term && (sim_lie(s, SIM_LIE_GHCB_ERROR) ||
		      (code == SVM_EXIT_CPUID && sim_lie(s, SIM_LIE_GHCB_ERROR_CPUID)) ||
		      (code == SVM_EXIT_IOIO && sim_lie(s, SIM_LIE_GHCB_ERROR_IOIO)) ||
		      (code == SVM_EXIT_VMMCALL && sim_lie(s, SIM_LIE_GHCB_ERROR_VMMCALL)))) {
		n->g.sw_exit_info_1 = GHCB_RESULT_ERROR;
		n->g.sw_exit_info_2 = GHCB_ERR_INVALID_INPUT;
	}
	if (!term && sim_lie(s, SIM_LIE_GHCB_BAD_RESULT))
		n->g.sw_exit_info_1 = 3;
	if (!term && sim_lie(s, SIM_LIE_GHCB_INJECT_GP)) {
		n->g.sw_exit_info_1 = GHCB_RESULT_EXCEPTION;
		n->g.sw_exit_info_2 = EVENT_GP;
	}
	if (sim_lie(s, SIM_LIE_GHCB_MISSING_VALID)) {
		uint64_t keep[2] = { 0, 0 };
		ghcb_bitmap_set(keep, GHCB_BIT_SW_EXIT_INFO_1);
		ghcb_bitmap_set(keep, GHCB_BIT_SW_EXIT_INFO_2);
		n->g.valid_bitmap[0] &= keep[0];
		n->g.valid_bitmap[1] &= keep[1];
	}
	if (code == SVM_EXIT_CPUID && sim_lie(s, SIM_LIE_CPUID_HIGH_BITS))
		n->g.rbx |= 1ull << 40;
	if (code == SVM_EXIT_IOIO && (n->req_info1 & SVM_IOIO_TYPE_IN) &&
	    !(n->req_info1 & SVM_IOIO_STR) && sim_lie(s, SIM_LIE_IN_HIGH_BITS)) {
		uint64_t size = svm_ioio_size(n->req_info1);
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

	if (gpa & s->cbit_mask) {
		sim_hv_terminate(s, "vcpu%u: VMGEXIT with GHCB GPA %#" PRIx64 ": the C-bit is set, "
				 "a GHCB must be shared", v->id, gpa);
		return;
	}
	if (gpa & 0xfff || !sim_mem_is_ram(s, gpa, GHCB_PAGE_SIZE)) {
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
		if (s->rmp && !(s->rmp[gpa >> 12] & 1)) {
			sim_hv_terminate(s, "vcpu%u: VMGEXIT with GHCB GPA %#" PRIx64 ": the page is "
					 "private in the RMP (page state change to shared missing)",
					 v->id, gpa);
			return;
		}
	}
	sim_mem_hv_read(s, gpa, &n.g, sizeof(n.g));
	memcpy(n.in_valid, n.g.valid_bitmap, sizeof(n.in_valid));
	n.req_info1 = n.g.sw_exit_info_1;
	memset(n.g.valid_bitmap, 0, sizeof(n.g.valid_bitmap));

	uint64_t code = ghcb_bitmap_test(n.in_valid, GHCB_BIT_SW_EXIT_CODE) ? n.g.sw_exit_code : 0;
	sim_counter_add(&s->vmgexits_by_code, code);
	sim_trace(s, "vcpu%u: VMGEXIT ghcb %#" PRIx64 " exit %#" PRIx64 " info1 %#" PRIx64
		  " info2 %#" PRIx64 " at rip %#" PRIx64, v->id, gpa, n.g.sw_exit_code,
		  n.g.sw_exit_info_1, n.g.sw_exit_info_2, v->ev.rip);

	if (n.g.ghcb_usage != GHCB_USAGE_DEFAULT)
		error(&n, GHCB_ERR_INVALID_USAGE);
	else if (n.g.protocol_version < GHCB_PROTOCOL_MIN || n.g.protocol_version > GHCB_PROTOCOL_MAX)
		error(&n, GHCB_ERR_INVALID_INPUT);
	else if (!ghcb_bitmap_test(n.in_valid, GHCB_BIT_SW_EXIT_CODE))
		error(&n, GHCB_ERR_MISSING_INPUT);
	else
		dispatch(&n);

	if (!n.done)
		return; /* terminated: nothing goes back */
	lie_about_answer(&n, code);
}
