/* SPDX-License-Identifier: MIT */
/*
 * Termination reason sets and codes for the GHCB termination request (MSR protocol 0x100:
 * set in GHCBData[15:12], code in [23:16]; NAE 0x8000_FFFE: sw_exit_info_1 = set[3:0] |
 * code[11:4]). Source: ../shared/docs/amd-sev-facts.md §2, §2.1.
 *
 * Reason set 0 is the GHCB specification's general set, set 1 is Linux's own
 * (SEV_TERM_SET_LINUX). cocoboot reports its own failures in set 0xC ("C" for cocoboot),
 * a set no source in the facts file uses. Every code is distinct, so a test can tell
 * from the termination request alone which check fired. Codes 0x10-0x2f are the boot's
 * own reasons (enum boot_reason in boot/boot.h) so one number means one thing whether the
 * boot ends by GHCB termination, Xen shutdown or QEMU's debug exit. docs/ghcb.md has the
 * table; keep the three in step.
 */
#ifndef COCOBOOT_SEV_TERM_H
#define COCOBOOT_SEV_TERM_H

/* facts §2.1, set 0 (GHCB spec general) */
#define SEV_TERM_SET_GEN            0u
#define SEV_TERM_GEN_REQUEST        0u  /* general termination request */
#define SEV_TERM_GEN_PROTOCOL       1u  /* protocol version not supported */
#define SEV_TERM_GEN_SNP_FEATURES   2u  /* SNP features not supported */

/* facts §2.1, set 1 (Linux); listed so nobody reuses it. */
#define SEV_TERM_SET_LINUX          1u

/* cocoboot's set. */
#define CB_TERM_SET                 0xcu

enum cb_term_code {
	/* 0x00 left unused so that an all-zero code never looks like one of ours. */
	/* 0x01-0x0f, 0x30-0x3f: SEV and GHCB checks (ghcb/) */
	CB_TERM_CBIT_VERIFY         = 0x01, /* C-bit read-back through the new mapping failed */
	CB_TERM_CBIT_INCONSISTENT   = 0x02, /* SEV-info and CPUID 0x8000001F C-bits differ */
	CB_TERM_CBIT_RANGE          = 0x03, /* C-bit position outside the usable range */
	CB_TERM_NO_SEV              = 0x04, /* CPUID denies SEV (0x8000001F missing / SEV bit clear) */
	CB_TERM_PROTOCOL_VERSION    = 0x05, /* no common GHCB protocol version */
	CB_TERM_MSR_RESPONSE        = 0x06, /* MSR protocol: wrong response code or reserved bits */
	CB_TERM_GHCB_HV_ERROR       = 0x07, /* sw_exit_info_1 reports an error (2) */
	CB_TERM_GHCB_MISSING_VALID  = 0x08, /* a returned register lacks its valid bit */
	CB_TERM_GHCB_BAD_RESULT     = 0x09, /* sw_exit_info_1 neither 0 nor 2, or a refused event */
	CB_TERM_CPUID_GARBAGE       = 0x0a, /* a CPUID answer fails its sanity check */
	CB_TERM_VC_UNEXPECTED       = 0x0b, /* #VC with an exit code the handler does not serve */
	CB_TERM_VC_OPCODE_MISMATCH  = 0x0c, /* instruction bytes do not match the exit code */
	CB_TERM_VC_DECODE           = 0x0d, /* instruction decoder failed (truncated / invalid) */
	CB_TERM_VC_NESTED           = 0x0e, /* #VC while the GHCB was in use */
	CB_TERM_VC_UNSUPPORTED      = 0x0f, /* a form the handler does not emulate (operand, size) */
	/* 0x10-0x2f: the boot's own failures, same numbers as enum boot_reason (boot/boot.h) */
	CB_TERM_START_INFO          = 0x10, /* hvm_start_info invalid */
	CB_TERM_MEMORY              = 0x11, /* no usable memory (allocator, GHCB, stacks) */
	CB_TERM_PAGING              = 0x12, /* page tables could not be built */
	CB_TERM_PAYLOAD             = 0x13, /* payload invalid or failed to load */
	CB_TERM_SMP                 = 0x14, /* MADT invalid; method refused (docs/abi.md §7) */
	/* SMP under SEV/SEV-ES (essmp; docs/abi.md §8.7, §11) */
	CB_TERM_SMP_PAGE            = 0x15, /* Xen AP bring-up page invalid (§8.7 items 1-4) */
	CB_TERM_SMP_START_LIE       = 0x16, /* start result disagrees with what the AP did */
	CB_TERM_SMP_JUMP_TABLE      = 0x17, /* AP jump table: refused, GET != SET, area unusable */
	CB_TERM_HASHES_TABLE        = 0x18, /* hashes table page neither empty nor valid */
	CB_TERM_HASH_ENTRY          = 0x19, /* hashes table entry of the wrong GUID/length */
	CB_TERM_HASH_KERNEL         = 0x1a, /* kernel (module 0) hash mismatch */
	CB_TERM_HASH_INITRD         = 0x1b, /* initrd (module 1) hash mismatch */
	CB_TERM_HASH_CMDLINE        = 0x1c, /* command line hash mismatch */
	CB_TERM_CRASH               = 0x20, /* unhandled CPU exception (TRAP_CRASH_REASON) */
	/* SMP (essmp) */
	CB_TERM_SMP_TIMEOUT         = 0x21, /* an AP did not report in time */
	CB_TERM_SMP_IDENTITY        = 0x22, /* an AP runs as another CPU than it was started as */
	CB_TERM_SMP_AP_ERROR        = 0x23, /* an AP reported an error state (init code, stray) */
	/* Secure AVIC (apic/savic.c, docs/abi.md §12) */
	CB_TERM_SAVIC_NO_X2APIC     = 0x24, /* Secure AVIC on, but the APIC is not in x2APIC mode */
	CB_TERM_SAVIC_REGISTER      = 0x25, /* backing page registration refused / not taken */
	CB_TERM_SAVIC_TEARDOWN      = 0x26, /* teardown refused: no handoff with Secure AVIC left on */
	CB_TERM_SAVIC_IRQ           = 0x27, /* an interrupt did not arrive (self IPI, timer, IPI) */
	CB_TERM_GHCB_REGISTER       = 0x30, /* GHCB GPA registration answered with another GFN */
	CB_TERM_SEV_STATUS          = 0x31, /* SEV_STATUS inconsistent with the mode or unsupported */
	CB_TERM_HV_VALUE            = 0x32, /* hypervisor value out of range (not CPUID) */
	CB_TERM_SHUTDOWN_FAILED     = 0x33, /* the shutdown hypercall returned */
	CB_TERM_NO_RANDOM           = 0x34, /* no good RDRAND value for the C-bit check */
	/* 0x35-0x3f: SEV-SNP (snp/, docs/abi.md §10) */
	CB_TERM_SNP_PSC             = 0x35, /* page state change: the hypervisor reported an error */
	CB_TERM_SNP_PSC_PROGRESS    = 0x36, /* page state change: no, backwards or altered progress */
	CB_TERM_SNP_PVALIDATE       = 0x37, /* PVALIDATE failed (FAIL_INPUT, unexpected size mismatch) */
	CB_TERM_SNP_PVALIDATE_NOCHANGE = 0x38, /* PVALIDATE CF=1: the page already was in that state */
	CB_TERM_SNP_CPUID_PAGE      = 0x39, /* SNP CPUID page missing or malformed */
	CB_TERM_SNP_CPUID_CONTRADICT = 0x3a, /* hypervisor's CPUID answer contradicts the CPUID page */
	CB_TERM_SNP_CBIT_PAGE       = 0x3b, /* CPUID page C-bit differs from the MSR protocol's */
	CB_TERM_SNP_AP_CREATE       = 0x3c, /* SNP AP creation/destroy refused, VMSA bit not set/cleared */
	CB_TERM_SNP_SECRETS_PAGE    = 0x3d, /* SNP secrets page missing or malformed */
	CB_TERM_SNP_HV_FEATURES     = 0x3e, /* hypervisor features lack SNP (also set 0 code 2) */
	CB_TERM_SNP_NOT_VALIDATED   = 0x3f, /* #VC 0x404: a private page is not validated (reset, remapped) */
	CB_TERM_FATAL               = 0xff, /* any other fatal error */
};

/* Short name for messages and the simulator's report; NULL for an unknown code. */
static inline const char *cb_term_name(unsigned code)
{
	switch (code) {
	case CB_TERM_CBIT_VERIFY:        return "cbit-verify";
	case CB_TERM_CBIT_INCONSISTENT:  return "cbit-inconsistent";
	case CB_TERM_CBIT_RANGE:         return "cbit-range";
	case CB_TERM_NO_SEV:             return "no-sev";
	case CB_TERM_PROTOCOL_VERSION:   return "protocol-version";
	case CB_TERM_MSR_RESPONSE:       return "msr-response";
	case CB_TERM_GHCB_HV_ERROR:      return "ghcb-hv-error";
	case CB_TERM_GHCB_MISSING_VALID: return "ghcb-missing-valid";
	case CB_TERM_GHCB_BAD_RESULT:    return "ghcb-bad-result";
	case CB_TERM_CPUID_GARBAGE:      return "cpuid-garbage";
	case CB_TERM_VC_UNEXPECTED:      return "vc-unexpected";
	case CB_TERM_VC_OPCODE_MISMATCH: return "vc-opcode-mismatch";
	case CB_TERM_VC_DECODE:          return "vc-decode";
	case CB_TERM_VC_NESTED:          return "vc-nested";
	case CB_TERM_VC_UNSUPPORTED:     return "vc-unsupported";
	case CB_TERM_START_INFO:         return "start-info";
	case CB_TERM_MEMORY:             return "memory";
	case CB_TERM_PAGING:             return "paging";
	case CB_TERM_PAYLOAD:            return "payload";
	case CB_TERM_SMP:                return "smp";
	case CB_TERM_SMP_PAGE:           return "smp-bringup-page";
	case CB_TERM_SMP_START_LIE:      return "smp-start-lie";
	case CB_TERM_SMP_JUMP_TABLE:     return "smp-jump-table";
	case CB_TERM_HASHES_TABLE:       return "hashes-table";
	case CB_TERM_HASH_ENTRY:         return "hash-entry";
	case CB_TERM_HASH_KERNEL:        return "hash-kernel";
	case CB_TERM_HASH_INITRD:        return "hash-initrd";
	case CB_TERM_HASH_CMDLINE:       return "hash-cmdline";
	case CB_TERM_CRASH:              return "crash";
	case CB_TERM_SMP_TIMEOUT:        return "smp-timeout";
	case CB_TERM_SMP_IDENTITY:       return "smp-identity";
	case CB_TERM_SMP_AP_ERROR:       return "smp-ap-error";
	case CB_TERM_SAVIC_NO_X2APIC:    return "savic-no-x2apic";
	case CB_TERM_SAVIC_REGISTER:     return "savic-register";
	case CB_TERM_SAVIC_TEARDOWN:     return "savic-teardown";
	case CB_TERM_SAVIC_IRQ:          return "savic-irq";
	case CB_TERM_GHCB_REGISTER:      return "ghcb-register";
	case CB_TERM_SEV_STATUS:         return "sev-status";
	case CB_TERM_HV_VALUE:           return "hv-value";
	case CB_TERM_SHUTDOWN_FAILED:    return "shutdown-failed";
	case CB_TERM_NO_RANDOM:          return "no-random";
	case CB_TERM_SNP_PSC:            return "snp-psc";
	case CB_TERM_SNP_PSC_PROGRESS:   return "snp-psc-progress";
	case CB_TERM_SNP_PVALIDATE:      return "snp-pvalidate";
	case CB_TERM_SNP_PVALIDATE_NOCHANGE: return "snp-pvalidate-nochange";
	case CB_TERM_SNP_CPUID_PAGE:     return "snp-cpuid-page";
	case CB_TERM_SNP_CPUID_CONTRADICT: return "snp-cpuid-contradict";
	case CB_TERM_SNP_CBIT_PAGE:      return "snp-cbit-page";
	case CB_TERM_SNP_AP_CREATE:      return "snp-ap-create";
	case CB_TERM_SNP_SECRETS_PAGE:   return "snp-secrets-page";
	case CB_TERM_SNP_HV_FEATURES:    return "snp-hv-features";
	case CB_TERM_SNP_NOT_VALIDATED:  return "snp-not-validated";
	case CB_TERM_FATAL:              return "fatal";
	default:                         return (const char *)0;
	}
}

#endif
