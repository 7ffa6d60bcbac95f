// SPDX-License-Identifier: MIT
/*
 * SEV discovery at the 32-bit PVH entry, before any page table exists.
 *
 * Compiled for i386 and linked into the 64-bit image (Makefile: *_32.c), together
 * with an i386 build of the #VC core (ghcb/vc.c, ghcb/insn.c, ghcb/check.c), so
 * the early #VC handler here and the 64-bit one run the same code. Symbols of
 * this world carry the prefix early32_ in the final image.
 *
 * Rules (facts: amd-sev-facts.md §1, §2, §9; xen-pvh-linux-boot-facts.md §6.1):
 *  - SIF_HVM_GHCB (RFC) says "SEV-ES/SNP guest: no CPUID before a #VC handler".
 *    It is a hint: the #VC handler is installed before the first CPUID whether the
 *    flag is there or not, and SEV_STATUS, read with a #GP fixup, is the truth.
 *  - SEV-ES: negotiate the GHCB protocol from the SEV-information response.
 *    The GHCB MSR holds one at launch (the RFC's reason for the flag, facts
 *    §6.1): when its code is 0x001 it is used as is, saving an exit; else the
 *    request (0x002) is sent. Its C-bit must equal CPUID 0x8000001F EBX[5:0],
 *    checked in 64-bit C where CPUID costs one exit instead of four
 *    (boot/sev.c), like every other CPUID of an SEV-ES boot.
 *  - Plain SEV: CPUID works without #VC; 0x8000001F must exist and report SEV
 *    (EAX bit 1), else the hypervisor hides SEV and the guest terminates
 *    (Linux does the same, §9.2); it gives the C-bit.
 *  - The C-bit is verified after paging is on (boot/sev.c): a random value is
 *    stored now, while paging is off and every access is private, and must read
 *    back equal through the new C-bit page tables (§9.4).
 */
#include <stdbool.h>
#include <stdint.h>

#include "boot/sev_boot.h"
#include "ghcb/check.h"
#include "ghcb/vc.h"
#include "sev/msr_protocol.h"
#include "sev/snp.h"
#include "sev/term.h"
#include <xen/start_info.h>

/* The frame boot/sev_entry32.asm builds for a 32-bit exception: PUSHAD order. */
struct frame32 {
	uint32_t edi, esi, ebp, esp_pushad, ebx, edx, ecx, eax;
	uint32_t vector, error_code;
	uint32_t eip, cs, eflags;
};

/* Set by the fixups of boot/idt32.asm when the guarded RDMSR raised #GP or the
 * guarded RDRAND raised #UD. */
volatile uint32_t rdmsr_faulted;
volatile uint32_t rdrand_faulted;

static struct vc_cpu vc32;
static struct sev_boot *boot_out;

static uint64_t msr_exchange(void *ctx, uint64_t v)
{
	uint32_t lo, hi;

	(void)ctx;
	__asm__ volatile("wrmsr\n\t"
			 "rep; vmmcall\n\t" /* VMGEXIT: F3 0F 01 D9 */
			 "rdmsr"
			 : "=a"(lo), "=d"(hi)
			 : "c"(MSR_SEV_GHCB), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Paging is off: linear addresses are physical, all memory is readable. */
static size_t fetch(void *ctx, uint64_t la, uint8_t *buf, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		buf[i] = ((const volatile uint8_t *)(uintptr_t)la)[i];
	return n;
}

/* The GHCB MSR as the hypervisor left it: at launch, the SEV-information response. */
static uint64_t msr_exchange_read(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_SEV_GHCB));
	return ((uint64_t)hi << 32) | lo;
}

static const struct vc_ops ops32 = { .msr_exchange = msr_exchange, .fetch = fetch };

static void port_puts(uint16_t port, const char *s)
{
	/* One OUT per byte from a register: under plain SEV a string OUT from
	 * (private) memory would hand the hypervisor ciphertext. */
	for (; *s; s++)
		__asm__ volatile("outb %0, %1" : : "a"(*s), "Nd"(port));
}

/*
 * End the boot with a reason code. SEV-ES/SNP: the GHCB MSR-protocol termination
 * request. Plain SEV has no GHCB (port I/O works): a line on port 0xE9 and the
 * failure status on QEMU's debug-exit port, like the C-bit check in entry32.asm.
 */
__attribute__((noreturn)) static void terminate(unsigned code)
{
	if (!boot_out || boot_out->mode >= SEV_MODE_ES)
		vc_terminate(&vc32, CB_TERM_SET, code);
	else {
		static const char hex[] = "0123456789abcdef";
		char msg[] = "cocoboot: FATAL: SEV: reason 0x00 (see docs/abi.md)\n";

		msg[31] = hex[(code >> 4) & 15];
		msg[32] = hex[code & 15];
		port_puts(0xe9, msg);
		__asm__ volatile("outb %0, %1" : : "a"((uint8_t)0x11), "Nd"((uint16_t)0xf4));
	}
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* RDMSR of an MSR that may not exist: 0 and *faulted when it raises #GP. */
static uint64_t rdmsr_safe(uint32_t msr, bool *faulted)
{
	uint32_t lo = 0, hi = 0;

	rdmsr_faulted = 0;
	__asm__ volatile(".globl rdmsr_safe_insn\n"
			 "rdmsr_safe_insn: rdmsr"
			 : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*faulted = rdmsr_faulted;
	return ((uint64_t)hi << 32) | lo;
}

static void cpuid32(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* Called from the #VC gate of the 32-bit IDT. */
void sev32_vc(struct frame32 *f);
void sev32_vc(struct frame32 *f)
{
	struct vc_frame vf = { .mode = INSN_MODE_32, .exit_code = f->error_code };

	vf.regs.gpr[INSN_REG_RAX] = f->eax;
	vf.regs.gpr[INSN_REG_RCX] = f->ecx;
	vf.regs.gpr[INSN_REG_RDX] = f->edx;
	vf.regs.gpr[INSN_REG_RBX] = f->ebx;
	vf.regs.gpr[INSN_REG_RSP] = f->esp_pushad + 20; /* before vector, error code, EIP, CS, EFLAGS */
	vf.regs.gpr[INSN_REG_RBP] = f->ebp;
	vf.regs.gpr[INSN_REG_RSI] = f->esi;
	vf.regs.gpr[INSN_REG_RDI] = f->edi;
	vf.regs.rip = f->eip;
	vf.regs.rflags = f->eflags;
	if (boot_out)
		boot_out->vc_count++;
	int err = vc_handle(&vc32, &vf);

	if (err)
		terminate((unsigned)err);
	if (boot_out)
		boot_out->vmgexits = vc32.stats.vmgexits;
	f->eax = (uint32_t)vf.regs.gpr[INSN_REG_RAX];
	f->ecx = (uint32_t)vf.regs.gpr[INSN_REG_RCX];
	f->edx = (uint32_t)vf.regs.gpr[INSN_REG_RDX];
	f->ebx = (uint32_t)vf.regs.gpr[INSN_REG_RBX];
	f->ebp = (uint32_t)vf.regs.gpr[INSN_REG_RBP];
	f->esi = (uint32_t)vf.regs.gpr[INSN_REG_RSI];
	f->edi = (uint32_t)vf.regs.gpr[INSN_REG_RDI];
	f->eip = (uint32_t)vf.regs.rip;
}

/* Any other exception before long mode: under SEV-ES no console works yet, so
 * the only honest report is a termination request; without SEV, halt. */
void sev32_fault(struct frame32 *f);
void sev32_fault(struct frame32 *f)
{
	(void)f;
	if (boot_out && boot_out->mode >= SEV_MODE_ES)
		terminate(CB_TERM_CRASH);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* RDRAND, 3 bytes (0F C7 F0): #UD on a CPU without it is skipped by the fixup. */
static bool rdrand32(uint32_t *v)
{
	uint8_t ok = 0;

	rdrand_faulted = 0;
	*v = 0;
	__asm__ volatile(".globl rdrand_safe_insn\n"
			 "rdrand_safe_insn: rdrand %%eax\n\t"
			 "setc %1"
			 : "+a"(*v), "+qm"(ok) : : "cc", "memory");
	return !rdrand_faulted && ok;
}

/*
 * 32 random bits from RDRAND, tried as Linux's rdrand_long does: up to
 * RDRAND_RETRY_LOOPS = 10 executions until one reports CF = 1 (Linux
 * arch/x86/include/asm/archrandom.h; Intel's DRNG guide). A value of all ones
 * counts as a failure too: some AMD parts return it with CF = 1 after a
 * suspend/resume (the erratum Linux's arch/x86/kernel/cpu/rdrand.c sanity check
 * and amd.c guard against); a real draw of all ones (2^-32) only costs a retry.
 * False when RDRAND is absent (#UD, CPUID is not asked: under SEV-ES that would
 * cost four exits and prove nothing) or no try succeeded.
 */
#define RDRAND_RETRY_LOOPS 10

static bool random32(uint32_t *v)
{
	for (int tries = 0; tries < RDRAND_RETRY_LOOPS; tries++) {
		if (rdrand32(v) && *v != 0xffffffffu)
			return true;
		if (rdrand_faulted)
			return false;
	}
	return false;
}

/* The C-bit check value (facts §9.4): it must be one the hypervisor cannot produce,
 * so there is no fallback (an RDTSC value is the hypervisor's to predict: it sets
 * the TSC offset). No good random value ends the boot (CB_TERM_NO_RANDOM). */
static uint64_t random64(void)
{
	uint32_t lo, hi;

	if (!random32(&lo) || !random32(&hi))
		terminate(CB_TERM_NO_RANDOM);
	return ((uint64_t)hi << 32) | lo;
}

/* The SNP CPUID page (snp/pages.asm): in the image, so private and validated, and
 * readable now that paging is off. */
extern const uint8_t cocoboot_snp_cpuid_page[4096];

/*
 * SNP: the C-bit is the CPUID page's leaf 0x8000001F EBX[5:0], which the secure processor
 * checked against the CPU at launch; the SEV information's C-bit is the hypervisor's word
 * and must agree (else CB_TERM_SNP_CBIT_PAGE). An empty page leaves the SEV information's
 * C-bit as the fallback, noted; 64-bit C then refuses the boot with its message
 * (snp/snp.c), which needs page tables, and so this C-bit, to be printed at all.
 * A page with a count over 64 is refused here (CB_TERM_SNP_CPUID_PAGE).
 */
static void snp_cbit_from_page(struct sev_boot *b)
{
	const struct snp_cpuid_table *t = (const struct snp_cpuid_table *)cocoboot_snp_cpuid_page;
	uint32_t count = t->count;

	if (count == 0) {
		b->notes |= SEV_NOTE_NO_CPUID_PAGE;
		return;
	}
	if (count > SNP_CPUID_COUNT_MAX)
		terminate(CB_TERM_SNP_CPUID_PAGE);
	for (uint32_t i = 0; i < count; i++) {
		if (t->fn[i].eax_in != 0x8000001fu)
			continue;
		if ((t->fn[i].ebx & 0x3f) != b->cbit)
			terminate(CB_TERM_SNP_CBIT_PAGE);
		b->notes |= SEV_NOTE_CBIT_FROM_PAGE;
		return;
	}
	terminate(CB_TERM_SNP_CPUID_PAGE);  /* no leaf 0x8000001F: no C-bit to trust */
}

/*
 * Learn the SEV mode and the C-bit; store the C-bit check value at *check.
 * Terminates (GHCB MSR protocol, reason set CB_TERM_SET) on anything that
 * failed a check. Returns with b filled in.
 */
void sev32_detect(struct sev_boot *b, uint32_t start_info_flags, volatile uint64_t *check);
void sev32_detect(struct sev_boot *b, uint32_t start_info_flags, volatile uint64_t *check)
{
	bool gp;
	uint32_t r[4];

	boot_out = b;
	vc_cpu_init(&vc32, &ops32, 0, GHCB_PROTOCOL_MIN);
	b->status = rdmsr_safe(MSR_SEV_STATUS, &gp);
	if (gp) {
		b->status = 0;
		b->notes |= SEV_NOTE_STATUS_GP;
	}
	bool flag = start_info_flags & SIF_HVM_GHCB;

	if (b->status & SEV_STATUS_SNP)
		b->mode = SEV_MODE_SNP;
	else if (b->status & SEV_STATUS_SEV_ES)
		b->mode = SEV_MODE_ES;
	else if (b->status & SEV_STATUS_SEV)
		b->mode = SEV_MODE_SEV;
	else
		b->mode = SEV_MODE_NONE;
	if (flag && b->mode < SEV_MODE_ES)
		b->notes |= SEV_NOTE_FLAG_WITHOUT_ES;
	if (!flag && b->mode >= SEV_MODE_ES)
		b->notes |= SEV_NOTE_ES_WITHOUT_FLAG;
	if (b->mode == SEV_MODE_NONE)
		return;
	if ((b->status & SEV_STATUS_SEV_ES) && !(b->status & SEV_STATUS_SEV))
		terminate(CB_TERM_SEV_STATUS); /* ES without SEV cannot be */

	if (b->mode >= SEV_MODE_ES) {
		struct ghcb_sev_info info;
		uint64_t resp = msr_exchange_read();

		if (ghcb_msr_code(resp) != GHCB_MSR_SEV_INFO_RESP) {
			resp = msr_exchange(0, ghcb_msr_sev_info_req());
			vc32.stats.vmgexits++;
		}
		int err = ghcb_check_sev_info(resp, &info);

		if (err) {
			/* GHCB spec: no common version is reason set 0, code 1 */
			if (err == CB_TERM_PROTOCOL_VERSION)
				vc_terminate(&vc32, SEV_TERM_SET_GEN, SEV_TERM_GEN_PROTOCOL);
			terminate((unsigned)err);
		}
		b->version = info.version;
		b->hv_min = info.hv_min;
		b->hv_max = info.hv_max;
		vc32.version = info.version;
		b->cbit = info.cbit;
		if (b->mode == SEV_MODE_SNP)
			snp_cbit_from_page(b);
	} else {
		cpuid32(0x80000000u, r);
		if (r[0] < 0x8000001fu)
			terminate(CB_TERM_NO_SEV);
		cpuid32(0x8000001fu, r);
		if (!(r[0] & (1u << 1)))
			terminate(CB_TERM_NO_SEV);
		b->cbit = r[1] & 0x3f;
	}
	/* The early page tables put the C-bit in the high half of each entry. */
	if (b->cbit < 32 || b->cbit > GHCB_CBIT_MAX)
		terminate(CB_TERM_CBIT_RANGE);
	b->check_value = random64();
	*check = b->check_value;
	b->vmgexits = vc32.stats.vmgexits;
}
