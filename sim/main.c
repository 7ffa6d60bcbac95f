/* SPDX-License-Identifier: MIT */
/*
 * sevsim command line, set-up, and the exit status.
 *
 *   build/sevsim [--mode=none|sev|sev-es|sev-snp] [--mem=SIZE] [--vcpus=N] [--cbit=N]
 *                [--seed=N] [--cmdline=STR] [--module=FILE[,CMDLINE]]... [--[no-]ghcb-flag]
 *                [--lie=NAME[@N][,NAME[@N]...]] [--list-lies] [--trace] [--max-insns=N]
 *                [--intercept-tsc] [--check-handoff] [--expect-cmdline=STR] [--expect-modules=N]
 *                [--rdrand=ok|absent|fail|fail-first=K|ones|ones-first=K]
 *                [--cache=coherent|incoherent] [--kernel-hashes]
 *                [--psc-max=N] [--sev-features=X]   (SNP, docs/sevsim.md "SNP")
 *                [--savic] [--test-start-all-vcpus]   (Secure AVIC)
 *                [--cpu-sig=X|F/M/S] [--dump-pages=FILE]   (launch measurement, abi.md §9.4)
 *                [--run-payload-until=linux-kernel-entry]
 *                [--hv=xen|kvm] [--bringup-page=on|off] [--acpi] KERNEL.elf
 *
 * Exit status: 0 clean shutdown or halt, 2 GHCB termination (by the guest or the
 * hypervisor), 3 triple fault, 4 timeout, 5 guest-reported failure (SCHEDOP_shutdown
 * crash/watchdog, isa-debug-exit with a value other than 0x10; a handoff with a failed
 * check), 1 simulator error. --check-handoff: a handoff whose checks all hold is 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/sim.h"
#include "sim/fw/launch_digest.h"

#define DEFAULT_MEM       (128ull << 20)
#define MAX_MEM           (64ull << 30)   /* RAM above SIM_LOWMEM_MAX goes above 4 GiB */
#define DEFAULT_MAX_INSNS 2000000000ull
/*
 * What AMD EPYC parts report (docs/sevsim.md, "Address model"): CPUID 0x80000008 EAX =
 * 0x3030 (48 physical, 48 linear address bits) and 0x8000001F EBX[11:6] = 5 (the physical
 * address bits lost to memory encryption), with the C-bit at 47 (EBX 0x16f, Naples/Rome)
 * or 51 (EBX 0x4173, Milan). Under NPT the guest's MAXPHYADDR is the raw 48 (KVM cpuid.c:
 * "reductions to the HPAs do not affect GPAs").
 */
#define PHYS_BITS         48
#define PHYS_REDUCTION    5
#define CBIT_MAX          51

static struct sim sim;

void sim_fail(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->error[0]) {
		va_start(ap, fmt);
		vsnprintf(s->error, sizeof(s->error), fmt, ap);
		va_end(ap);
	}
	if (s->result == SIM_RES_RUNNING)
		s->result = SIM_RES_ERROR;
}

void sim_trace(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->cfg.trace)
		return;
	fflush(stdout);
	fputs("sevsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t sim_rand(struct sim *s)
{
	uint64_t x = (s->rng += 0x9e3779b97f4a7c15ull);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sevsim [--mode=none|sev|sev-es|sev-snp] [--mem=SIZE] [--vcpus=N] [--cbit=N]\n"
		"              [--seed=N] [--cmdline=STR] [--module=FILE[,CMDLINE]]... [--[no-]ghcb-flag]\n"
		"              [--lie=NAME[@N][,...]] [--trace] [--max-insns=N] [--intercept-tsc]\n"
		"              [--check-handoff] [--expect-cmdline=STR] [--expect-modules=N]\n"
		"              [--rdrand=ok|absent|fail|fail-first=K|ones|ones-first=K]\n"
		"              [--cache=coherent|incoherent] [--psc-max=N] [--sev-features=X]\n"
		"              [--run-payload-until=linux-kernel-entry]\n"
		"              [--hv=xen|kvm] [--bringup-page=on|off] [--acpi]\n"
		"              [--savic] [--test-start-all-vcpus]\n"
		"              [--cpu-sig=X|FAMILY/MODEL/STEPPING] [--dump-pages=FILE]\n"
		"              KERNEL.elf\n"
		"       sevsim --list-lies   (the attacks --lie knows: name, clock, what it does)\n"
		"See docs/sevsim.md.\n");
}

static int parse_u64(const char *opt, const char *arg, uint64_t *out, bool size)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || arg[0] == '-') {
		sim_fail(&sim, "%s: '%s' is not a number", opt, arg);
		return -1;
	}
	if (size && *end) {
		unsigned shift = 0;
		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: shift = 64; break;
		}
		if (shift == 64 || end[1] || v > (UINT64_MAX >> shift)) {
			sim_fail(&sim, "%s: '%s' is not a size (number with optional K, M or G)", opt,
				 arg);
			return -1;
		}
		v <<= shift;
		end++;
	}
	if (*end) {
		sim_fail(&sim, "%s: '%s' is not a number", opt, arg);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_lies(const char *arg)
{
	char buf[256], *tok, *save = NULL;

	if (strlen(arg) >= sizeof(buf)) {
		sim_fail(&sim, "--lie: list too long");
		return -1;
	}
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (sim_lie_parse(&sim, tok) < 0)
			return -1;
	}
	return 0;
}

static int parse_args(int argc, char **argv)
{
	struct sim_config *c = &sim.cfg;
	uint64_t v;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *eq = strchr(a, '=');
		const char *val = eq ? eq + 1 : NULL;
		size_t nl = eq ? (size_t)(eq - a) : strlen(a);
#define OPT(name) (strlen(name) == nl && !strncmp(a, name, nl))
#define NEED_VAL() do { if (!val) { sim_fail(&sim, "%.*s needs a value (%.*s=...)", \
		(int)nl, a, (int)nl, a); return -1; } } while (0)
		if (a[0] != '-' || !strcmp(a, "-")) {
			if (c->kernel) {
				sim_fail(&sim, "more than one kernel given ('%s' and '%s')", c->kernel, a);
				return -1;
			}
			c->kernel = a;
		} else if (OPT("--help") || OPT("-h")) {
			usage(stdout);
			exit(0);
		} else if (OPT("--list-lies")) {
			sim_lie_list(stdout);
			exit(0);
		} else if (OPT("--mode")) {
			NEED_VAL();
			if (!strcmp(val, "none")) c->mode = SIM_MODE_NONE;
			else if (!strcmp(val, "sev")) c->mode = SIM_MODE_SEV;
			else if (!strcmp(val, "sev-es")) c->mode = SIM_MODE_SEV_ES;
			else if (!strcmp(val, "sev-snp")) c->mode = SIM_MODE_SEV_SNP;
			else {
				sim_fail(&sim, "--mode: unknown mode '%s' (none, sev, sev-es, sev-snp)", val);
				return -1;
			}
		} else if (OPT("--mem")) {
			NEED_VAL();
			if (parse_u64("--mem", val, &c->mem, true) < 0)
				return -1;
		} else if (OPT("--vcpus")) {
			NEED_VAL();
			if (parse_u64("--vcpus", val, &v, false) < 0)
				return -1;
			if (v < 1 || v > SIM_MAX_VCPUS) {
				sim_fail(&sim, "--vcpus: %" PRIu64 " out of range (1..%u)", v, SIM_MAX_VCPUS);
				return -1;
			}
			c->vcpus = (unsigned)v;
		} else if (OPT("--cbit")) {
			NEED_VAL();
			if (parse_u64("--cbit", val, &v, false) < 0)
				return -1;
			if (v > 63) {
				sim_fail(&sim, "--cbit: %" PRIu64 " is not a bit position", v);
				return -1;
			}
			c->cbit = (int)v;
		} else if (OPT("--seed")) {
			NEED_VAL();
			if (parse_u64("--seed", val, &c->seed, false) < 0)
				return -1;
		} else if (OPT("--cmdline")) {
			NEED_VAL();
			c->cmdline = val;
		} else if (OPT("--module")) {
			NEED_VAL();
			if (c->nr_modules == SIM_MAX_MODULES) {
				sim_fail(&sim, "--module: at most %u modules", SIM_MAX_MODULES);
				return -1;
			}
			char *dup = strdup(val), *comma = strchr(dup, ',');
			if (comma)
				*comma = '\0';
			c->modules[c->nr_modules].path = dup;
			c->modules[c->nr_modules].cmdline = comma ? comma + 1 : NULL;
			c->nr_modules++;
		} else if (OPT("--no-ghcb-flag")) {
			c->no_ghcb_flag = true;
		} else if (OPT("--ghcb-flag")) {
			c->ghcb_flag = true;
		} else if (OPT("--lie")) {
			NEED_VAL();
			if (parse_lies(val) < 0)
				return -1;
		} else if (OPT("--trace")) {
			c->trace = true;
		} else if (OPT("--max-insns")) {
			NEED_VAL();
			if (parse_u64("--max-insns", val, &c->max_insns, false) < 0)
				return -1;
		} else if (OPT("--rdrand")) {
			NEED_VAL();
			if (sim_rdrand_parse(c, val) < 0) {
				sim_fail(&sim, "--rdrand: '%s' unknown (ok, absent, fail, fail-first=K, "
					 "ones, ones-first=K)", val);
				return -1;
			}
		} else if (OPT("--cache")) {
			NEED_VAL();
			if (!strcmp(val, "coherent")) c->cache_incoherent = false;
			else if (!strcmp(val, "incoherent")) c->cache_incoherent = true;
			else {
				sim_fail(&sim, "--cache: '%s' unknown (coherent, incoherent)", val);
				return -1;
			}
		} else if (OPT("--hv")) { /* SMP: docs/sevsim.md "SMP" */
			NEED_VAL();
			if (!strcmp(val, "xen")) c->hv = SIM_HV_XEN;
			else if (!strcmp(val, "kvm")) c->hv = SIM_HV_KVM;
			else {
				sim_fail(&sim, "--hv: unknown hypervisor '%s' (xen, kvm)", val);
				return -1;
			}
		} else if (OPT("--bringup-page")) {
			NEED_VAL();
			if (!strcmp(val, "on")) c->bringup_page = 1;
			else if (!strcmp(val, "off")) c->bringup_page = 0;
			else {
				sim_fail(&sim, "--bringup-page: '%s' unknown (on, off)", val);
				return -1;
			}
		} else if (OPT("--acpi")) {
			c->acpi = true;
		} else if (OPT("--intercept-tsc")) {
			c->intercept_tsc = true;
		} else if (OPT("--kernel-hashes")) {
			c->kernel_hashes = true;
		} else if (OPT("--savic")) {            /* apic/savic.c */
			c->savic = true;
		} else if (OPT("--test-start-all-vcpus")) {
			c->start_all_vcpus = true;
		} else if (OPT("--psc-max")) { /* SNP (docs/sevsim.md "SNP") */
			NEED_VAL();
			if (parse_u64("--psc-max", val, &v, false) < 0)
				return -1;
			c->psc_max = (unsigned)(v > 253 ? 253 : v);
		} else if (OPT("--sev-features")) {
			NEED_VAL();
			if (parse_u64("--sev-features", val, &c->sev_features, false) < 0)
				return -1;
			if (c->sev_features >> 62) {
				sim_fail(&sim, "--sev-features: %#" PRIx64 " has bits above SEV_STATUS's",
					 c->sev_features);
				return -1;
			}
		} else if (OPT("--cpu-sig")) {          /* fw/launch_digest.c, cpu/cpuid.c */
			const char *why;
			NEED_VAL();
			if (ld_cpu_sig_parse(val, &c->cpu_sig, &why) < 0) {
				sim_fail(&sim, "--cpu-sig: '%s' %s", val, why);
				return -1;
			}
			c->cpu_sig_set = true;
		} else if (OPT("--dump-pages")) {       /* fw/measure.c, fw/snp_launch.c */
			NEED_VAL();
			c->dump_pages = val;
		} else if (OPT("--check-handoff")) {
			c->check_handoff = true;
		} else if (OPT("--run-payload-until")) {
			NEED_VAL();
			if (sim_until_parse(c, val) < 0) {
				sim_fail(&sim, "--run-payload-until: unknown target '%s' (linux-kernel-entry)",
					 val);
				return -1;
			}
		} else if (OPT("--expect-cmdline")) {
			NEED_VAL();
			c->expect_cmdline = val;
			c->check_handoff = true;
		} else if (OPT("--expect-modules")) {
			NEED_VAL();
			if (parse_u64("--expect-modules", val, &v, false) < 0)
				return -1;
			if (v > SIM_MAX_MODULES + 1) {
				sim_fail(&sim, "--expect-modules: %" PRIu64 " out of range (0..%u)", v,
					 SIM_MAX_MODULES + 1);
				return -1;
			}
			c->expect_modules = (int)v;
			c->check_handoff = true;
		} else {
			sim_fail(&sim, "unknown option '%s' (see --help)", a);
			return -1;
		}
#undef OPT
#undef NEED_VAL
	}
	if (!c->kernel) {
		sim_fail(&sim, "no kernel given (sevsim [options] KERNEL.elf)");
		return -1;
	}
	if (c->savic && c->mode != SIM_MODE_SEV_SNP) {
		sim_fail(&sim, "--savic: Secure AVIC is an SEV-SNP feature (needs --mode=sev-snp)");
		return -1;
	}
	if (c->sev_features && c->mode != SIM_MODE_SEV_SNP) {
		/* sevsim's SEV_STATUS carries features only under SNP (cpu/msr.c), so an SEV-ES
		 * launch with them would measure VMSAs the guest's SEV_STATUS contradicts */
		sim_fail(&sim, "--sev-features: %#" PRIx64 " needs --mode=sev-snp (sevsim models "
			 "SEV_FEATURES under SNP only)", c->sev_features);
		return -1;
	}
	if (c->savic)
		c->sev_features |= 1ull << 16;  /* SF16 = SEV_STATUS bit 18 (facts §1.1) */
	c->savic |= (c->sev_features >> 16) & 1; /* --sev-features with SF16 means the same */
	if (c->mem < (2ull << 20) || c->mem > MAX_MEM || (c->mem & 0xfff)) {
		sim_fail(&sim, "--mem: %#" PRIx64 " bytes; need a multiple of 4 KiB from 2 MiB to "
			 "%#llx (RAM beyond %#llx is placed above 4 GiB)", c->mem, MAX_MEM,
			 SIM_LOWMEM_MAX);
		return -1;
	}
	return 0;
}

/*
 * The address model (docs/sevsim.md): RAM [0, top) with top < 2^lo; the C-bit in
 * lo..51; GPA bits lo..PHYS_BITS-1 other than the C-bit are "undecoded" (the hypervisor
 * maps those aliases to the same memory, shared), bits PHYS_BITS..51 other than the C-bit
 * are reserved (a page-table entry with one faults).
 */
static int choose_cbit(void)
{
	struct sim_config *c = &sim.cfg;
	uint64_t top = c->mem <= SIM_LOWMEM_MAX ? c->mem : SIM_HIGH_BASE + c->mem - SIM_LOWMEM_MAX;
	unsigned lo = 32, hi = CBIT_MAX, n;

	while (lo < hi && (1ull << lo) < top)
		lo++;
	n = hi - lo + 1;
	sim.phys_bits = PHYS_BITS;
	sim.phys_reduction = PHYS_REDUCTION;
	for (unsigned b = PHYS_BITS; b < 52; b++)
		sim.rsvd_mask |= 1ull << b;
	if (c->mode == SIM_MODE_NONE) {
		sim.cbit = 0;
		sim.cbit_mask = 0;
		return 0;
	}
	if (c->cbit >= 0) {
		if ((unsigned)c->cbit < lo || (unsigned)c->cbit > hi) {
			sim_fail(&sim, "--cbit: %d unusable; with --mem=%#" PRIx64 " the C-bit must be "
				 "%u..%u (above RAM and the 4 GiB hole, at most bit %u)", c->cbit,
				 c->mem, lo, hi, CBIT_MAX);
			return -1;
		}
		sim.cbit = (unsigned)c->cbit;
	} else {
		sim.cbit = lo + (unsigned)(sim_rand(&sim) % n);
	}
	sim.cbit_mask = 1ull << sim.cbit;
	sim.cbit_reported = sim.cbit;
	for (unsigned b = lo; b < PHYS_BITS; b++)
		if (b != sim.cbit)
			sim.alias_mask |= 1ull << b;
	sim.rsvd_mask &= ~sim.cbit_mask;
	/* A lying hypervisor names another decodable bit: one whose alias it can map. */
	if (sim_lie(&sim, SIM_LIE_CBIT_WRONG) || sim_lie_on(&sim, SIM_LIE_CBIT_ALIAS_PREDICT)) {
		unsigned m = PHYS_BITS - lo, r = lo + (unsigned)(sim_rand(&sim) % m);
		if (r == sim.cbit)
			r = lo + (r - lo + 1) % m;
		sim.cbit_reported = r;
	}
	return 0;
}

static int exit_status(const struct sim *s)
{
	switch (s->result) {
	case SIM_RES_HALT:
		return 0;
	case SIM_RES_SHUTDOWN:
		if (s->have_debug_exit)
			return s->debug_exit_value == 0x10 ? 0 : 5;
		if (!strcmp(s->shutdown_reason, "crash") || !strcmp(s->shutdown_reason, "watchdog"))
			return 5;
		return 0;
	case SIM_RES_TERMINATED:   return 2;
	case SIM_RES_TRIPLE_FAULT: return 3;
	case SIM_RES_TIMEOUT:      return 4;
	case SIM_RES_HANDOFF:      return s->handoff.failed || s->cfg.run_until ? 5 : 0;
	case SIM_RES_STOPPED:      return s->until.checks.failed ? 5 : 0;
	default:                   return 1;
	}
}

/* With --run-payload-until, a run that ends before the target is no success. */
static int exit_status_until(const struct sim *s)
{
	int st = exit_status(s);

	return s->cfg.run_until && s->result != SIM_RES_STOPPED && st == 0 ? 5 : st;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	int status;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	sim.cfg.mem = DEFAULT_MEM;
	sim.cfg.vcpus = 1;
	sim.cfg.cbit = -1;
	sim.cfg.max_insns = DEFAULT_MAX_INSNS;
	sim.cfg.expect_modules = -1;
	sim.cfg.bringup_page = -1;
	sim.reason_set = sim.reason_code = -1;
	sim.term_vcpu = -1;

	if (parse_args(argc, argv) == 0) {
		sim.rng = sim.cfg.seed;
		sim.nr_vcpus = sim.cfg.vcpus;
		if (sim.nr_vcpus > 1)
			sim.cfg.acpi = true;
		if (sim.cfg.check_handoff)
			sim_payload_parse(&sim);
		if (choose_cbit() == 0 && sim_mem_init(&sim) == 0 && sim_cache_init(&sim) == 0 &&
		    sim_load(&sim) == 0) {
			sim_cpuid_probe(&sim);
			if (sim.cfg.mode == SIM_MODE_SEV_SNP)
				sim_rmp_init(&sim);
			for (unsigned i = 0; i < sim.nr_vcpus && sim.result == SIM_RES_RUNNING; i++)
				sim_vcpu_create(&sim, i);
			sim_smp_launch(&sim);
			struct sim_vcpu_init bsp = {
				.kind = SIM_INIT_PM32, .rip = sim.entry,
				.gpr[SIM_GPR_RBX] = sim.start_info_gpa,
			};
			sim_trace(&sim, "mode %d, C-bit %u (reported %u), entry %#" PRIx64
				  ", start_info %#" PRIx64, sim.cfg.mode, sim.cbit, sim.cbit_reported,
				  sim.entry, sim.start_info_gpa);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if (sim.result == SIM_RES_RUNNING &&
			    sim_smp_start(NULL, &sim.vcpu[0], &bsp, "pvh-entry") == 0) {
				/* --test-start-all-vcpus (test guests only): every vCPU starts
				 * at the PVH entry, through the same start API */
				for (unsigned i = 1; sim.cfg.start_all_vcpus && i < sim.nr_vcpus &&
				     sim.result == SIM_RES_RUNNING; i++)
					sim_smp_start(NULL, &sim.vcpu[i], &bsp, "test-start-all");
				sim_run(&sim);
			}
			sim_cache_evict(&sim); /* stale lines reach memory by the end at the latest */
			clock_gettime(CLOCK_MONOTONIC, &t1);
			sim.seconds = (double)(t1.tv_sec - t0.tv_sec) +
				      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		}
	}
	if (sim.result == SIM_RES_RUNNING)
		sim_fail(&sim, "internal: run ended without a result");
	if (sim.error[0] && (sim.result == SIM_RES_ERROR || sim.result == SIM_RES_TRIPLE_FAULT ||
			     sim.hv_terminated)) {
		fflush(stdout);
		fprintf(stderr, "sevsim: %s\n", sim.error);
	}
	sim_console_finish(&sim);
	sim_json_print(&sim, stdout);
	fflush(stdout);
	status = exit_status_until(&sim);
	for (unsigned i = 0; i < sim.nr_vcpus; i++)
		if (sim.vcpu[i].uc)
			uc_close(sim.vcpu[i].uc);
	for (unsigned i = 0; i < sim.cfg.nr_modules; i++)
		free((void *)sim.cfg.modules[i].path);
	sim_payload_free(&sim);
	free(sim.replay_buf);
	sim_mem_free(&sim);
	return status;
}
