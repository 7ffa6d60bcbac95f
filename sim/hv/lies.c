/* SPDX-License-Identifier: MIT */
/*
 * The attacks the hypervisor model can make (--lie=NAME[@N]). One table: the name, the
 * clock it strikes on, one line of what it does. docs/lies.md holds the full table (attack,
 * the guest's defence, the expected outcome), and tests/sim/lies.t checks that both list
 * the same names and runs every row of the doc.
 *
 * Clocks: "launch" lies change what the guest is given; "vmgexit" lies strike at every
 * VMGEXIT, or with @N only at the N-th VMGEXIT of the run (counted from 1, MSR protocol
 * and GHCB page alike); "vc" lies strike at every #VC the CPU raises, or only at the N-th.
 * Each strike is counted (JSON "lie_hits"), so a test can tell that the lie happened.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

#define L SIM_CLOCK_LAUNCH
#define G SIM_CLOCK_VMGEXIT
#define V SIM_CLOCK_VC
#define A SIM_CLOCK_AP

const struct sim_lie_def sim_lie_defs[SIM_LIE_COUNT] = {
	[SIM_LIE_CBIT_WRONG]           = { "cbit-wrong", L, "SEV info and CPUID report another C-bit than the hardware uses" },
	[SIM_LIE_CBIT_ALIAS_PREDICT]   = { "cbit-alias-predict", L, "cbit-wrong, and the predicted check value is written at the wrong-C-bit alias" },
	[SIM_LIE_START_INFO_MAGIC]     = { "start-info-magic", L, "start_info.magic with bit 7 of its 'E' cleared" },
	[SIM_LIE_START_INFO_VERSION]   = { "start-info-version", L, "start_info.version = 7 (newer than known)" },
	[SIM_LIE_MEMMAP_OVERLAP_IMAGE] = { "memmap-overlap-image", L, "a reserved memmap entry over the kernel image, inside the RAM entry" },
	[SIM_LIE_MEMMAP_COUNT_HUGE]    = { "memmap-count-huge", L, "memmap_entries = 0xffffffff" },
	[SIM_LIE_MEMMAP_EMPTY]         = { "memmap-empty", L, "memmap_entries = 0" },
	[SIM_LIE_MEMMAP_WRAP]          = { "memmap-wrap", L, "a RAM entry whose end wraps past 2^64" },
	[SIM_LIE_MEMMAP_ABOVE_CBIT]    = { "memmap-above-cbit", L, "a RAM entry at 2^C-bit (the C-bit would be an address bit)" },
	[SIM_LIE_MEMMAP_NO_RAM]        = { "memmap-no-ram", L, "every memmap entry is reserved" },
	[SIM_LIE_MODLIST_IN_IMAGE]     = { "modlist-in-image", L, "one module whose bytes are the kernel image" },
	[SIM_LIE_CMDLINE_UNTERMINATED] = { "cmdline-unterminated", L, "cmdline_paddr points at 4 KiB without a NUL" },
	[SIM_LIE_GHCB_MSR_PRELOAD]     = { "ghcb-msr-preload", L, "the GHCB MSR at launch holds an SEV-info response with reserved bits set" },
	[SIM_LIE_VERSION_MISMATCH]     = { "version-mismatch", L, "SEV information offers protocol versions 3..4 only" },
	[SIM_LIE_SEV_INFO_CBIT_RANGE]  = { "sev-info-cbit-range", L, "SEV information reports C-bit 63" },
	[SIM_LIE_MSR_BAD_RESPONSE]     = { "msr-bad-response", G, "MSR-protocol answers carry a response code the guest did not ask for" },
	[SIM_LIE_GHCB_ERROR]           = { "ghcb-error", G, "GHCB answer: sw_exit_info_1 = 2, sw_exit_info_2 = 5 (invalid input)" },
	[SIM_LIE_GHCB_ERROR_CPUID]     = { "ghcb-error-cpuid", G, "ghcb-error, CPUID events only" },
	[SIM_LIE_GHCB_ERROR_IOIO]      = { "ghcb-error-ioio", G, "ghcb-error, IOIO events only" },
	[SIM_LIE_GHCB_ERROR_VMMCALL]   = { "ghcb-error-vmmcall", G, "ghcb-error, VMMCALL (hypercall) events only" },
	[SIM_LIE_GHCB_BAD_RESULT]      = { "ghcb-bad-result", G, "GHCB answer: sw_exit_info_1 = 3 (no such result)" },
	[SIM_LIE_GHCB_INJECT_GP]       = { "ghcb-inject-gp", G, "GHCB answer: sw_exit_info_1 = 1, 'inject #GP'" },
	[SIM_LIE_GHCB_MISSING_VALID]   = { "ghcb-missing-valid", G, "GHCB answers omit the valid bits of returned registers" },
	[SIM_LIE_GHCB_REPLAY]          = { "ghcb-replay", G, "the GHCB page of the previous answer is written back instead of this one" },
	[SIM_LIE_GHCB_ZERO_PAGE]       = { "ghcb-zero-page", G, "the whole GHCB page is zeroed instead of answered" },
	[SIM_LIE_GHCB_GARBAGE_CPUID]   = { "ghcb-garbage-cpuid", G, "CPUID answers (both protocols) are all-ones" },
	[SIM_LIE_CPUID_NOSEV]          = { "cpuid-nosev", G, "CPUID 0x8000001F reports EAX = EBX = 0 (no SEV)" },
	[SIM_LIE_CPUID_CBIT_OTHER]     = { "cpuid-cbit-other", G, "CPUID 0x8000001F names another C-bit than the SEV information" },
	[SIM_LIE_CPUID_XEN_HIDDEN]     = { "cpuid-xen-hidden", G, "CPUID 0x40000000 is all zeros: no Xen signature" },
	[SIM_LIE_CPUID_MAXEXT_LOW]     = { "cpuid-maxext-low", G, "CPUID 0x80000000 says the highest leaf is 0x80000008" },
	[SIM_LIE_CPUID_HIGH_BITS]      = { "cpuid-high-bits", G, "GHCB CPUID answer: RBX with bit 40 set" },
	[SIM_LIE_IN_HIGH_BITS]         = { "in-high-bits", G, "GHCB IN answer: RAX with every bit above the access size set" },
	[SIM_LIE_IN_LSR_STUCK]         = { "in-lsr-stuck", G, "COM1's line status never says 'transmitter empty'" },
	[SIM_LIE_SHUTDOWN_RETURNS]     = { "shutdown-returns", G, "SCHEDOP_shutdown returns 0 instead of ending the guest" },
	[SIM_LIE_TERM_IGNORED]         = { "term-ignored", G, "a termination request is recorded, but the guest is resumed" },
	[SIM_LIE_REPLAY_PRIVATE]       = { "replay-private", G, "the ciphertext of the image's data, saved at the first VMGEXIT, is written back" },
	[SIM_LIE_VC_FORGED_CODE]       = { "vc-forged-code", V, "#VC carries another exit code (CPUID <-> IOIO) than the instruction's" },
	[SIM_LIE_VC_UNKNOWN_CODE]      = { "vc-unknown-code", V, "#VC carries exit code 0x65 (no #VC exit)" },
	[SIM_LIE_VC_INJECT]            = { "vc-inject", G, "after the VMGEXIT, #VC 0x72 is injected at the next instruction" },
	[SIM_LIE_VC_IN_VC]             = { "vc-in-vc", V, "#VC 0x72 injected at the first instruction of the #VC handler" },
	[SIM_LIE_NMI_IN_GHCB_CALL]     = { "nmi-in-ghcb-call", G, "an NMI injected right after the VMGEXIT, before the guest reads the answer" },
	[SIM_LIE_NMI_IN_VC]            = { "nmi-in-vc", V, "an NMI injected at the first instruction of the #VC handler" },
	[SIM_LIE_GP_IN_GHCB_CALL]      = { "gp-in-ghcb-call", G, "#GP injected right after the VMGEXIT" },
	[SIM_LIE_PF_IN_VC]             = { "pf-in-vc", V, "#PF injected at the first instruction of the #VC handler" },
	[SIM_LIE_UD_IN_GHCB_CALL]      = { "ud-in-ghcb-call", G, "#UD injected right after the VMGEXIT" },
	[SIM_LIE_EXTINT_IN_GHCB_CALL]  = { "extint-in-ghcb-call", G, "external interrupt 0x30 injected after the VMGEXIT (pending until IF=1)" },
	[SIM_LIE_CPUID_NX]             = { "cpuid-nx", G, "CPUID 0x80000001 claims NX (EDX[20]) the CPU lacks" },
	[SIM_LIE_CPUID_NO_LM]          = { "cpuid-no-lm", G, "CPUID 0x80000001 denies long mode (EDX[29] clear)" },
	[SIM_LIE_CPUID_NO_HV]          = { "cpuid-no-hv", G, "CPUID 1 ECX[31] (hypervisor present) clear" },
	[SIM_LIE_MODULE_SWAP]          = { "module-swap", L, "--kernel-hashes: the last module changed after the table was filled" },
	[SIM_LIE_CMDLINE_CHANGED]      = { "cmdline-changed", L, "--kernel-hashes: the table hashes another command line than the one given" },
	[SIM_LIE_HASH_ENTRY_LEN]       = { "hash-entry-len", L, "--kernel-hashes: the kernel entry's length is 49 instead of 50" },
	[SIM_LIE_HASHES_OVERWRITTEN]   = { "hashes-overwritten", L, "--kernel-hashes: the hypervisor rewrites the table page after launch (stored bytes)" },
	/* SMP */
	[SIM_LIE_BRINGUP_DIGEST]       = { "bringup-digest", L, "the AP bring-up page's init code has one byte changed after its digest was taken" },
	[SIM_LIE_AP_NEVER_UP]          = { "ap-never-up", A, "an AP start (VCPUOP_up, SIPI) is accepted and the AP never runs; VCPUOP_is_up says 0" },
	[SIM_LIE_VCPUOP_UP_FAKE]       = { "vcpuop-up-fake", A, "VCPUOP_up returns 0 for an AP it did not start, and VCPUOP_is_up says 1" },
	[SIM_LIE_VCPUOP_UP_ERROR]      = { "vcpuop-up-error", A, "VCPUOP_up starts the AP but returns -EINVAL" },
	[SIM_LIE_SIPI_DROPPED]         = { "sipi-dropped", A, "a Startup IPI after INIT is dropped" },
	[SIM_LIE_JUMP_TABLE_OTHER]     = { "jump-table-other", G, "AP jump table GET answers another address than the guest SET" },
	/* Secure AVIC (apic/savic.c, apic/hv_x2apic.c) */
	[SIM_LIE_SAVIC_INJECT_DISALLOWED]  = { "savic-inject-disallowed", G, "Secure AVIC: after the VMGEXIT the hypervisor requests a vector the guest did not allow (ALLOWED_IRR)" },
	[SIM_LIE_SAVIC_NMI_UNREQUESTED]    = { "savic-nmi-unrequested", G, "Secure AVIC: after the VMGEXIT the hypervisor injects an NMI nobody requested" },
	[SIM_LIE_SAVIC_REGISTER_REFUSED]   = { "savic-register-refused", G, "Secure AVIC: NAE 0x8000001a register answered with an error" },
	[SIM_LIE_SAVIC_UNREGISTER_REFUSED] = { "savic-unregister-refused", G, "Secure AVIC: NAE 0x8000001a unregister answered with an error" },
	[SIM_LIE_SAVIC_ICR_GHOST]          = { "savic-icr-ghost", G, "an ICR notification is answered as if its vCPU did not exist: nobody is woken" },
	[SIM_LIE_SAVIC_REGISTER_REFUSED_AP]   = { "savic-register-refused-ap", G, "Secure AVIC: NAE 0x8000001a register answered with an error, on vCPUs other than 0" },
	[SIM_LIE_SAVIC_UNREGISTER_REFUSED_AP] = { "savic-unregister-refused-ap", G, "Secure AVIC: NAE 0x8000001a unregister answered with an error, on vCPUs other than 0" },
	[SIM_LIE_SAVIC_INJECT_DISALLOWED_AP]  = { "savic-inject-disallowed-ap", G, "Secure AVIC: savic-inject-disallowed, on vCPUs other than 0, also when an ICR notification wakes one" },
	[SIM_LIE_GHCB_ERROR_AP]        = { "ghcb-error-ap", G, "ghcb-error, on vCPUs other than 0 (the APs' own GHCBs)" },
	/* SNP (snpsim) */
	[SIM_LIE_PSC_FAKE_PROGRESS]    = { "psc-fake-progress", G, "page state change (MSR and NAE) reported done, RMP unchanged" },
	[SIM_LIE_PSC_ERROR]            = { "psc-error", G, "page state change (MSR and NAE) answered with the generic error" },
	[SIM_LIE_RMP_RESET]            = { "rmp-reset", G, "the page the guest validated last is re-assigned: RMP private, not validated" },
	[SIM_LIE_RMP_RESET_SHARED]     = { "rmp-reset-shared", G, "the page the guest validated last is taken back: RMP shared" },
	[SIM_LIE_GHCB_REG_OTHER]       = { "ghcb-reg-other", G, "GHCB GPA registration (0x013) answers another GFN than requested" },
	[SIM_LIE_CPUID_PAGE_MISSING]   = { "cpuid-page-missing", L, "SNP launch without the CPUID page (a zero normal page at its GPA)" },
	[SIM_LIE_HV_FEATURES_NONE]     = { "hv-features-none", G, "hypervisor features (0x081, NAE 0x8000FFFD) report no SNP support" },
	[SIM_LIE_AP_CREATE_REFUSED]    = { "ap-create-refused", G, "SNP AP creation answered sw_exit_info_1 = 2 (invalid input)" },
	[SIM_LIE_MMIO_ONES]            = { "mmio-ones", G, "GHCB MMIO read answers: every byte 0xff" },
	[SIM_LIE_MMIO_APIC_ID_OTHER]   = { "mmio-apic-id-other", G, "GHCB MMIO read of the xAPIC ID register answers the next vCPU's APIC ID" },
	[SIM_LIE_AP_DESTROY_IGNORED]   = { "ap-destroy-ignored", G, "SNP AP destroy answered 0, but the vCPU keeps running from its VMSA" },
	[SIM_LIE_CPUID_APIC_ID_DUP]    = { "cpuid-apic-id-dup", G, "CPUID 1 EBX[31:24] and 0xB EDX asked by vCPU 2 through the GHCB answer vCPU 1's APIC ID" },
	[SIM_LIE_HV_FEATURES_NO_AP_CREATE] = { "hv-features-no-ap-create", G, "hypervisor features (0x081, NAE 0x8000FFFD) report SNP (bit 0) without AP creation (bit 1)" },
	[SIM_LIE_SAVIC_APIC_BASE_XAPIC] = { "savic-apic-base-xapic", G, "Secure AVIC: the IA32_APIC_BASE read answers x2APIC mode off (EXTD clear)" },
	[SIM_LIE_LAUNCH_EXTRA_PAGE]    = { "launch-extra-page", L, "SNP launch: one more RAM page, outside the image, measured and validated (LAUNCH_UPDATE)" },
};

#undef L
#undef G
#undef V
#undef A

static const char *const clock_names[] = { "launch", "vmgexit", "vc", "ap-start" };

int sim_lie_parse(struct sim *s, const char *tok)
{
	const char *at = strchr(tok, '@');
	size_t nl = at ? (size_t)(at - tok) : strlen(tok);
	struct sim_lie_on on = { SIM_LIE_NONE, 0 };

	for (unsigned i = 1; i < SIM_LIE_COUNT; i++)
		if (strlen(sim_lie_defs[i].name) == nl && !strncmp(tok, sim_lie_defs[i].name, nl))
			on.id = (enum sim_lie)i;
	if (on.id == SIM_LIE_NONE) {
		sim_fail(s, "--lie: unknown lie '%.*s' (sevsim --list-lies)", (int)nl, tok);
		return -1;
	}
	if (at) {
		char *end;
		unsigned long long n = strtoull(at + 1, &end, 10);
		if (!at[1] || *end || n == 0 || at[1] == '-') {
			sim_fail(s, "--lie: '%s': @ needs a position from 1", tok);
			return -1;
		}
		if (sim_lie_defs[on.id].clock == SIM_CLOCK_LAUNCH) {
			sim_fail(s, "--lie: '%s' strikes at launch; it takes no @N", tok);
			return -1;
		}
		on.at = n;
	}
	if (s->cfg.nr_lies == SIM_MAX_LIES) {
		sim_fail(s, "--lie: at most %u lies", SIM_MAX_LIES);
		return -1;
	}
	s->cfg.lies[s->cfg.nr_lies++] = on;
	return 0;
}

bool sim_lie_on(const struct sim *s, enum sim_lie id)
{
	for (unsigned i = 0; i < s->cfg.nr_lies; i++)
		if (s->cfg.lies[i].id == id)
			return true;
	return false;
}

bool sim_lie(struct sim *s, enum sim_lie id)
{
	for (unsigned i = 0; i < s->cfg.nr_lies; i++) {
		const struct sim_lie_on *on = &s->cfg.lies[i];
		uint64_t now;

		if (on->id != id)
			continue;
		switch (sim_lie_defs[id].clock) {
		case SIM_CLOCK_VMGEXIT: now = s->vmgexits; break;
		case SIM_CLOCK_VC:      now = s->vc; break;
		case SIM_CLOCK_AP:      now = s->ap_start_requests; break;
		default:                now = 0; break;
		}
		if (on->at && on->at != now)
			continue;
		s->lie_hits[id]++;
		sim_trace(s, "lie %s strikes (%s %" PRIu64 ")", sim_lie_defs[id].name,
			  clock_names[sim_lie_defs[id].clock], now);
		return true;
	}
	return false;
}

void sim_lie_list(FILE *f)
{
	for (unsigned i = 1; i < SIM_LIE_COUNT; i++)
		fprintf(f, "%s %s %s\n", sim_lie_defs[i].name, clock_names[sim_lie_defs[i].clock],
			sim_lie_defs[i].what);
}

void sim_lie_json(const struct sim *s, FILE *f)
{
	fprintf(f, ",\"lies\":[");
	for (unsigned i = 0; i < s->cfg.nr_lies; i++) {
		const struct sim_lie_on *on = &s->cfg.lies[i];
		char buf[96];
		if (on->at)
			snprintf(buf, sizeof(buf), "%s@%" PRIu64, sim_lie_defs[on->id].name, on->at);
		else
			snprintf(buf, sizeof(buf), "%s", sim_lie_defs[on->id].name);
		fprintf(f, "%s", i ? "," : "");
		sim_json_str(f, buf);
	}
	fprintf(f, "],\"lie_hits\":{");
	for (unsigned i = 0, n = 0; i < s->cfg.nr_lies; i++) {
		enum sim_lie id = s->cfg.lies[i].id;
		bool seen = false;
		for (unsigned k = 0; k < i; k++)
			seen |= s->cfg.lies[k].id == id;
		if (seen)
			continue;
		fprintf(f, "%s", n++ ? "," : "");
		sim_json_str(f, sim_lie_defs[id].name);
		fprintf(f, ":%" PRIu64, s->lie_hits[id]);
	}
	fputc('}', f);
}
