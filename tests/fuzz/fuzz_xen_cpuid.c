/* SOURCES: xen/cpuid.c */
/*
 * libFuzzer: finding Xen through CPUID (xen/cpuid.c) when every CPUID answer comes from
 * the input (the hypervisor answers CPUID; under SEV-ES through the #VC handler).
 * Claims: no crash or UB; the search asks only leaf 1 and leaves in the Xen range, at
 * most 4 per candidate base; a found Xen has its base in 0x40000000..0x4000ff00 on a
 * 0x100 step, the "XenVMMXenVMM" signature at that base, a max leaf in base+2..base+0xff,
 * and the fields the leaves said; nothing is found without CPUID 1 ECX[31].
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz_input.h"
#include "xen/xen.h"

static struct fz_input in;
static unsigned asked;
static uint32_t last[0x100][4];  /* answers by leaf & 0xff, kept to check the result */
static uint32_t sig_base;
static bool hv_bit;

static uint32_t next32(void)
{
	return (uint32_t)fz_take(&in, 4);
}

static void fz_cpuid(uint32_t leaf, uint32_t out[4])
{
	asked++;
	if (leaf != 1 && (leaf < XEN_CPUID_FIRST || leaf > XEN_CPUID_LAST + 0xff))
		abort();
	uint32_t sel = next32();

	for (int i = 0; i < 4; i++)
		out[i] = next32();
	/* Often answer with the signature, so that the search goes on past it. */
	if (leaf != 1 && (sel & 3) == 1 && (leaf & 0xff) == 0) {
		out[1] = XEN_CPUID_SIG_EBX;
		out[2] = XEN_CPUID_SIG_ECX;
		out[3] = XEN_CPUID_SIG_EDX;
		out[0] = leaf + (sel >> 24);
	}
	if (leaf == 1)
		hv_bit = out[2] >> 31;
	if ((leaf & 0xff) == 0)
		sig_base = leaf;
	memcpy(last[leaf & 0xff], out, 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xen_cpuid_info x;

	in = (struct fz_input){ data, size };
	asked = 0;
	hv_bit = false;
	memset(last, 0, sizeof(last));
	bool found = xen_cpuid_detect(fz_cpuid, &x);

	if (asked > 1 + 4 * ((XEN_CPUID_LAST - XEN_CPUID_FIRST) / XEN_CPUID_STEP + 1))
		abort();
	if (!found)
		return 0;
	if (!hv_bit || x.base < XEN_CPUID_FIRST || x.base > XEN_CPUID_LAST ||
	    (x.base - XEN_CPUID_FIRST) % XEN_CPUID_STEP || sig_base != x.base)
		abort();
	const uint32_t *b0 = last[0], *b1 = last[1], *b2 = last[2], *b4 = last[4];

	if (b0[1] != XEN_CPUID_SIG_EBX || b0[2] != XEN_CPUID_SIG_ECX || b0[3] != XEN_CPUID_SIG_EDX ||
	    x.max_leaf != b0[0] || x.max_leaf < x.base + 2 || x.max_leaf > x.base + 0xff)
		abort();
	if (x.major != b1[0] >> 16 || x.minor != (b1[0] & 0xffff) || x.hypercall_pages != b2[0] ||
	    x.hypercall_msr != b2[1])
		abort();
	if (x.max_leaf >= x.base + 4) {
		if (x.hvm_features != b4[0] ||
		    x.vcpu_id != ((b4[0] & XEN_HVM_CPUID_VCPU_ID_PRESENT) ? b4[1] : 0) ||
		    x.domid != ((b4[0] & XEN_HVM_CPUID_DOMID_PRESENT) ? b4[2] : 0))
			abort();
	} else if (x.hvm_features || x.vcpu_id || x.domid) {
		abort();
	}
	return 0;
}
