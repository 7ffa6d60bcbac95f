/* SPDX-License-Identifier: MIT */
/*
 * RDRAND (AMD APM vol. 3, "RDRAND"; CPUID Fn0000_0001 ECX[30]). Unicorn 2.0.1 has no
 * RDRAND (it raises #UD), so sevsim executes it: the value comes from a stream seeded by
 * --seed (a stand-in for the hardware DRBG, reproducible run to run), CF = 1 on success,
 * and OF, SF, ZF, AF, PF cleared (cpu/vcpu.c writes register and flags).
 * --rdrand switches the failure modes a guest must survive:
 *   ok             values, CF = 1 (default)
 *   absent         CPUID says no RDRAND and the instruction raises #UD
 *   fail           CF = 0 and a value of 0, every time (the DRBG never has entropy)
 *   fail-first=K   CF = 0 for the first K executions, then values
 *   ones           CF = 1 with all ones every time: the erratum of some AMD parts after
 *                  a suspend/resume that Linux rejects (arch/x86/kernel/cpu/rdrand.c and
 *                  the AMD family 15h/16h RDRAND erratum; amd-sev-facts.md §9.4 notes
 *                  that the C-bit check needs a value the hypervisor cannot produce)
 *   ones-first=K   all ones for the first K executions, then values
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

static uint64_t mix(uint64_t *state)
{
	uint64_t x = (*state += 0x9e3779b97f4a7c15ull);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

bool sim_rdrand(struct sim *s, uint64_t *val)
{
	uint64_t n = s->rdrand_count++;

	if (!s->rdrand_rng)
		s->rdrand_rng = s->cfg.seed ^ 0x7264726e64ull; /* "rdrnd" */
	switch (s->cfg.rdrand) {
	case SIM_RDRAND_FAIL:
		*val = 0;
		return false;
	case SIM_RDRAND_FAIL_FIRST:
		if (n < s->cfg.rdrand_k) {
			*val = 0;
			return false;
		}
		break;
	case SIM_RDRAND_ONES:
		*val = ~0ull;
		return true;
	case SIM_RDRAND_ONES_FIRST:
		if (n < s->cfg.rdrand_k) {
			*val = ~0ull;
			return true;
		}
		break;
	default:
		break;
	}
	*val = mix(&s->rdrand_rng);
	return true;
}

int sim_rdrand_parse(struct sim_config *c, const char *arg)
{
	static const struct { const char *name; enum sim_rdrand_mode mode; bool k; } modes[] = {
		{ "ok", SIM_RDRAND_OK, false },     { "absent", SIM_RDRAND_ABSENT, false },
		{ "fail", SIM_RDRAND_FAIL, false }, { "fail-first", SIM_RDRAND_FAIL_FIRST, true },
		{ "ones", SIM_RDRAND_ONES, false }, { "ones-first", SIM_RDRAND_ONES_FIRST, true },
	};
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strlen(modes[i].name) != len || strncmp(arg, modes[i].name, len))
			continue;
		if (modes[i].k != (eq != NULL))
			return -1;
		if (eq) {
			char *end;
			c->rdrand_k = strtoull(eq + 1, &end, 0);
			if (end == eq + 1 || *end || eq[1] == '-')
				return -1;
		}
		c->rdrand = modes[i].mode;
		return 0;
	}
	return -1;
}
