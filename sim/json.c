/* SPDX-License-Identifier: MIT */
/*
 * The summary: one JSON object on one line, always the last line on stdout.
 * Field list and meaning: docs/sevsim.md ("JSON summary").
 */
#include <inttypes.h>
#include <string.h>

#include "sim/sim.h"
#include "sev/term.h" /* only cocoboot's names for its own reason codes (docs/abi.md) */

void sim_counter_add(struct sim_counter *c, uint64_t key)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->e[i].key == key) {
			c->e[i].count++;
			return;
		}
	if (c->n < SIM_MAX_COUNTERS) {
		c->e[c->n].key = key;
		c->e[c->n].count = 1;
		c->n++;
	}
}

uint64_t sim_counter_get(const struct sim_counter *c, uint64_t key)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->e[i].key == key)
			return c->e[i].count;
	return 0;
}

const char *sim_result_name(enum sim_result r)
{
	switch (r) {
	case SIM_RES_SHUTDOWN:     return "shutdown";
	case SIM_RES_HALT:         return "halt";
	case SIM_RES_TERMINATED:   return "terminated";
	case SIM_RES_TRIPLE_FAULT: return "triple-fault";
	case SIM_RES_TIMEOUT:      return "timeout";
	case SIM_RES_ERROR:        return "error";
	case SIM_RES_HANDOFF:      return "handoff";
	case SIM_RES_STOPPED:      return "stopped";
	default:                   return "running";
	}
}

static const char *mode_name(enum sim_mode m)
{
	switch (m) {
	case SIM_MODE_SEV:     return "sev";
	case SIM_MODE_SEV_ES:  return "sev-es";
	case SIM_MODE_SEV_SNP: return "sev-snp";
	default:               return "none";
	}
}

static void str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void sim_json_str(FILE *f, const char *s)
{
	str(f, s);
}

static void counter(FILE *f, const struct sim_counter *c, bool hex)
{
	fputc('{', f);
	for (unsigned i = 0; i < c->n; i++) {
		uint64_t k = c->e[i].key;
		if (i)
			fputc(',', f);
		if (k & SIM_MSR_PROTO_KEY)
			fprintf(f, "\"msr:0x%03" PRIx64 "\":%" PRIu64, (uint64_t)(k & ~SIM_MSR_PROTO_KEY),
				c->e[i].count);
		else if (hex)
			fprintf(f, "\"0x%" PRIx64 "\":%" PRIu64, k, c->e[i].count);
		else
			fprintf(f, "\"%" PRIu64 "\":%" PRIu64, k, c->e[i].count);
	}
	fputc('}', f);
}

void sim_counter_json(FILE *f, const struct sim_counter *c, bool hex)
{
	counter(f, c, hex);
}

void sim_json_print(struct sim *s, FILE *f)
{
	bool sev = s->cfg.mode != SIM_MODE_NONE;

	fprintf(f, "{\"result\":");
	str(f, sim_result_name(s->result));
	fprintf(f, ",\"mode\":\"%s\"", mode_name(s->cfg.mode));
	if (s->reason_set >= 0)
		fprintf(f, ",\"reason_set\":%d,\"reason_code\":%d", s->reason_set, s->reason_code);
	else
		fprintf(f, ",\"reason_set\":null,\"reason_code\":null");
	fprintf(f, ",\"reason_name\":");
	str(f, s->reason_set == (int)CB_TERM_SET ? cb_term_name((unsigned)s->reason_code) : NULL);
	fprintf(f, ",\"terminated_by\":");
	str(f, s->result != SIM_RES_TERMINATED ? NULL : s->hv_terminated ? "hypervisor" : "guest");
	if (s->term_vcpu >= 0)
		fprintf(f, ",\"terminated_vcpu\":%d", s->term_vcpu);
	else
		fprintf(f, ",\"terminated_vcpu\":null");
	fprintf(f, ",\"shutdown_reason\":");
	str(f, s->shutdown_reason[0] ? s->shutdown_reason : NULL);
	if (s->have_debug_exit)
		fprintf(f, ",\"debug_exit\":%" PRIu64, s->debug_exit_value);
	else
		fprintf(f, ",\"debug_exit\":null");
	fprintf(f, ",\"vmgexits\":%" PRIu64 ",\"vmgexits_by_code\":", s->vmgexits);
	counter(f, &s->vmgexits_by_code, true);
	fprintf(f, ",\"ghcb_errors\":%" PRIu64 ",\"ghcb_last_error\":", s->ghcb_errors);
	str(f, s->ghcb_last_error[0] ? s->ghcb_last_error : NULL);
	fprintf(f, ",\"vc\":%" PRIu64 ",\"vc_by_code\":", s->vc);
	counter(f, &s->vc_by_code, true);
	fprintf(f, ",\"hypercalls\":%" PRIu64 ",\"hypercalls_by_nr\":", s->hypercalls);
	counter(f, &s->hypercalls_by_nr, false);
	fprintf(f, ",\"exceptions\":%" PRIu64 ",\"exceptions_by_vector\":", s->exceptions);
	counter(f, &s->exceptions_by_vector, false);
	fprintf(f, ",\"instructions\":%" PRIu64 ",\"vcpus\":%u", s->insns_total, s->nr_vcpus);
	fprintf(f, ",\"vcpu_instructions\":[");
	for (unsigned i = 0; i < s->nr_vcpus; i++)
		fprintf(f, "%s%" PRIu64, i ? "," : "", s->vcpu[i].insns);
	fprintf(f, "],\"vcpu_rip\":[");
	for (unsigned i = 0; i < s->nr_vcpus; i++)
		fprintf(f, "%s%" PRIu64, i ? "," : "", s->vcpu[i].uc ? sim_reg(&s->vcpu[i], UC_X86_REG_RIP) : 0);
	fprintf(f, "]");
	if (sev)
		fprintf(f, ",\"cbit\":%u,\"cbit_reported\":%u", s->cbit, s->cbit_reported);
	else
		fprintf(f, ",\"cbit\":null,\"cbit_reported\":null");
	fprintf(f, ",\"phys_bits\":%u", s->phys_bits);
	fprintf(f, ",\"seed\":%" PRIu64 ",\"mem\":%" PRIu64, s->cfg.seed, s->cfg.mem);
	sim_lie_json(s, f);
	fprintf(f, ",\"apic\":");
	sim_apic_json(s, f); /* apic/hv_x2apic.c */
	fprintf(f, ",\"injections\":%" PRIu64 ",\"injections_by_vector\":", s->injections);
	counter(f, &s->injections_by_vector, false);
	fprintf(f, ",\"injections_pending\":%u", sim_inject_pending(s));
	fprintf(f, ",\"console_bytes\":%" PRIu64 ",\"remaps\":%" PRIu64
		",\"non_identity_pages\":%" PRIu64, s->console_bytes, s->remaps, s->non_identity);
	fprintf(f, ",\"rdrand\":%" PRIu64 ",\"cache\":\"%s\",\"cache_flushes\":%" PRIu64
		",\"cache_wbinvd\":%" PRIu64 ",\"cache_stale_pages\":%" PRIu64
		",\"cache_stale_first\":%" PRIu64, s->rdrand_count,
		s->cfg.cache_incoherent ? "incoherent" : "coherent", s->cache_flushes, s->cache_wbinvd,
		s->cache_stale_pages, s->cache_stale_first);
	sim_smp_json(s, f); /* SMP: "smp" (hv/smp.c) */
	fprintf(f, ",\"error\":");
	str(f, s->error[0] ? s->error : NULL);
	fprintf(f, ",\"launch\":");
	sim_measure_json(s, f);
	fprintf(f, ",\"snp\":"); /* the RMP and SNP events (mem/rmp.c) */
	sim_snp_json(s, f);
	if (s->cfg.check_handoff) {
		fprintf(f, ",\"handoff\":");
		sim_handoff_json(s, f);
	}
	if (s->cfg.run_until) {
		fprintf(f, ",\"run\":");
		sim_until_json(s, f);
	}
	fprintf(f, ",\"seconds\":%.3f,\"insns_per_second\":%.0f}\n", s->seconds,
		s->seconds > 0 ? (double)s->insns_total / s->seconds : 0.0);
}
