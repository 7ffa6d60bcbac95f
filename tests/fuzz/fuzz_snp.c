/* SOURCES: snp/psc.c snp/cpuid.c snp/validate.c ghcb/vc.c ghcb/check.c ghcb/insn.c */
/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the SNP inputs a hypervisor controls (snp/cpuid.c, snp/psc.c):
 *  - the first 4 KiB are a CPUID page: the check either accepts it (then the 0x8000001F
 *    leaf it requires is there with SEV and SNP) or returns the CPUID-page code; lookups and
 *    the #VC hook on any leaf return a defined answer or a named reason code;
 *  - the rest scripts a hypervisor answering page-state changes (header, entries, result):
 *    snp_psc_batch returns 0 only when the final header says every entry is done and marked
 *    complete, else one of its reason codes, and always terminates (bounded calls).
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ghcb/vc.h"
#include "sev/snp.h"
#include "sev/term.h"
#include "snp/cpuid.h"
#include "snp/psc.h"

static struct ghcb page;
static const uint8_t *script;
static size_t script_len, script_pos;
static unsigned calls;

static uint8_t next(void)
{
	return script_pos < script_len ? script[script_pos++] : 0xff;
}

static void fake_vmgexit(void *ctx, uint64_t gpa)
{
	(void)ctx; (void)gpa;
	calls++;
	/* The hypervisor writes what the script says: header fields, a few entries' cur_page,
	 * the result. */
	page.sw_exit_info_1 = next() & 1 ? 0 : 2;
	page.sw_exit_info_2 = next() & 1 ? 0 : SNP_PSC_ERROR_ENTRY;
	uint8_t *d = (uint8_t *)page.shared_buffer;
	d[0] = next();
	d[1] = next() & 1;
	if (next() & 1)
		d[2] ^= next();
	unsigned k = next() % 8;
	for (unsigned i = 0; i < k; i++) {
		unsigned e = next() % 16;
		d[8 + 8 * e] = next();
		d[9 + 8 * e] = (uint8_t)((d[9 + 8 * e] & 0xf0) | (next() & 0x0f));
	}
	page.valid_bitmap[0] = page.valid_bitmap[1] = ~0ull;
}

static uint64_t fake_msr(void *ctx, uint64_t v) { (void)ctx; return v; }
static const struct vc_ops ops = { .msr_exchange = fake_msr, .vmgexit = fake_vmgexit };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snp_cpuid_table t;
	bool missing;
	uint32_t out[4], hv[4] = { 1, 2, 3, 4 };

	memset(&t, 0, sizeof(t));
	memcpy(&t, data, size < sizeof(t) ? size : sizeof(t));
	int err = snp_cpuid_table_check(&t, &missing);
	if (err && err != CB_TERM_SNP_CPUID_PAGE)
		abort();
	if (!err) {
		const struct snp_cpuid_fn *e = snp_cpuid_find(&t, 0x8000001fu, 0);
		if (!e || !(e->eax & 2) || !(e->eax & 16))
			abort();
		static const uint32_t leaves[] = { 0, 1, 7, 0xd, 0x80000000u, 0x80000001u, 0x8000001fu, 0x40000000u };
		for (unsigned i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
			int r = snp_cpuid_vc_hook(&t, leaves[i], 0, NULL, out);
			if (r != 0 && r != 1)
				abort();
			r = snp_cpuid_vc_hook(&t, leaves[i], 1, hv, out);
			if (r && r != CB_TERM_SNP_CPUID_CONTRADICT && r != CB_TERM_SNP_CPUID_PAGE)
				abort();
		}
	}

	/* page-state change against the scripted hypervisor */
	struct vc_cpu cpu;
	uint64_t entries[16];
	size_t off = size > sizeof(t) ? sizeof(t) : size;
	script = data + off;
	script_len = size - off;
	script_pos = 0;
	calls = 0;
	unsigned n = 1 + (script_len ? script[0] % 16 : 0);
	for (unsigned i = 0; i < n; i++)
		entries[i] = snp_psc_entry(0x100 + 512 * i, SNP_PSC_OP_PRIVATE, i & 1);
	memset(&page, 0, sizeof(page));
	vc_cpu_init(&cpu, &ops, NULL, 2);
	vc_cpu_set_ghcb(&cpu, &page, 0x5000, NULL);
	err = snp_psc_batch(&cpu, entries, n, NULL);
	if (calls > 16 * 513 + 1)
		abort();                        /* progress must be real: bounded calls */
	if (err && !cb_term_name((unsigned)err))
		abort();
	if (!err) {
		const uint8_t *d = (const uint8_t *)page.shared_buffer;
		if (d[0] + 256 * d[1] != n)
			abort();
	}
	return 0;
}
