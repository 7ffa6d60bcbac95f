/* SPDX-License-Identifier: MIT */
/* The launch measurement's pure parts (sim/fw/launch_digest.h, docs/abi.md §9.4). */
#include "sim/fw/launch_digest.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xen/ap_bringup.h"

#define SPECIAL_BASE 0xfeff8000ull /* Xen's HVM special pages (sim/sim.h SIM_SPECIAL_BASE) */
#define AP_REF_CODE_LENGTH 348     /* docs/abi.md §8.3: xen/host/ap_bringup.asm */

uint64_t ld_bringup_region(unsigned nr_vcpus, uint64_t *size)
{
	/* §8.3: slots after the reference code, rounded to 128; region rounded to pages */
	uint64_t slots = (XEN_AP_BRINGUP_HDR_SIZE + AP_REF_CODE_LENGTH + 127) & ~127ull;
	uint64_t sz = (slots + (uint64_t)nr_vcpus * XEN_AP_BRINGUP_SLOT_SIZE + 4095) & ~4095ull;

	if (size)
		*size = sz;
	return SPECIAL_BASE - sz;
}

static void put(uint8_t *p, unsigned off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static void seg(uint8_t *p, unsigned off, uint16_t sel, uint16_t attrib, uint32_t limit)
{
	put(p, off, sel, 2);
	put(p, off + 2, attrib, 2);
	put(p, off + 4, limit, 4);
	put(p, off + 8, 0, 8);
}

/* DS, ES, SS, FS and GS alike (both launch states load one data segment into all five) */
static void data_segs(uint8_t *p, uint16_t sel, uint16_t attrib, uint32_t limit)
{
	static const unsigned off[] = { SIM_VMSA_DS, SIM_VMSA_ES, SIM_VMSA_SS, SIM_VMSA_FS,
					SIM_VMSA_GS };

	for (unsigned i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		seg(p, off[i], sel, attrib, limit);
}

void ld_vmsa(uint8_t page[4096], unsigned v, const struct ld_vcpus *c)
{
	uint64_t region = ld_bringup_region(c->nr, NULL);

	memset(page, 0, SIM_VMSA_SIZE);
	/* docs/abi.md §8.5: 32-bit flat protected mode, paging off (the PVH entry
	 * state of pvh.pandoc for the BSP, facts §1.2) */
	seg(page, SIM_VMSA_CS, 0x08, 0xc9b, 0xffffffff);
	data_segs(page, 0x10, 0xc93, 0xffffffff);
	seg(page, SIM_VMSA_TR, 0x18, 0x8b, 0x67);
	seg(page, SIM_VMSA_LDTR, 0, 0x82, 0);
	put(page, SIM_VMSA_CR0, 0x11, 8);
	put(page, SIM_VMSA_EFER, 0x1000, 8);        /* SVME (facts §1.1) */
	put(page, SIM_VMSA_RFLAGS, 0x2, 8);
	put(page, SIM_VMSA_DR6, 0xffff0ff0, 8);
	put(page, SIM_VMSA_DR7, 0x400, 8);
	put(page, SIM_VMSA_XCR0, 1, 8);
	put(page, SIM_VMSA_G_PAT, 0x0007040600070406ull, 8);
	put(page, SIM_VMSA_MXCSR, 0x1f80, 4);       /* the x87/SSE reset values */
	put(page, SIM_VMSA_X87_FCW, 0x37f, 2);
	put(page, SIM_VMSA_SEV_FEATURES, c->sev_features, 8);
	/* KVM's sev_es_sync_vmsa sets V_GIF and V_NMI_ENABLE for a Secure AVIC guest before
	 * LAUNCH_UPDATE_VMSA, so they are measured (facts §7.2) */
	if (c->sev_features & SIM_SF_SECURE_AVIC)
		put(page, SIM_VMSA_VINTR_CTRL, SIM_VINTR_V_GIF | SIM_VINTR_V_NMI_ENABLE, 8);
	if (v == 0) {
		put(page, SIM_VMSA_RIP, c->entry, 8);
		put(page, SIM_VMSA_RBX, c->start_info, 8);
	} else if (c->bringup) {
		put(page, SIM_VMSA_RIP, region + XEN_AP_BRINGUP_HDR_SIZE, 8); /* entry_offset */
		put(page, SIM_VMSA_RBX, region, 8);
		put(page, SIM_VMSA_RSI, v, 8);
	} else {
		/* the reset state (APM vol. 2 14.1.3), what KVM/QEMU give an AP without a
		 * firmware reset block; EDX the CPU signature, as KVM's kvm_vcpu_reset writes
		 * the guest's CPUID Fn0000_0001 EAX and QEMU's x86_cpu_reset its cpuid_version.
		 * As KVM stores it in the VMCB that sev_es_sync_vmsa copies: CR0 without CD/NW
		 * (svm_set_cr0 clears them), CR4.MCE set (svm_set_cr4 adds the host's), the
		 * descriptor-table and LDTR limits 0xFFFF of QEMU's reset state; the values
		 * virtee/sev-snp-measure puts in a QEMU AP's VMSA (docs/abi.md §9.4). */
		seg(page, SIM_VMSA_CS, 0xf000, 0x9b, 0xffff);
		put(page, SIM_VMSA_CS + 8, 0xffff0000ull, 8);
		data_segs(page, 0, 0x93, 0xffff);
		seg(page, SIM_VMSA_TR, 0, 0x8b, 0xffff);
		seg(page, SIM_VMSA_LDTR, 0, 0x82, 0xffff);
		seg(page, SIM_VMSA_GDTR, 0, 0, 0xffff);
		seg(page, SIM_VMSA_IDTR, 0, 0, 0xffff);
		put(page, SIM_VMSA_CR0, 0x10, 8);
		put(page, SIM_VMSA_CR4, 0x40, 8);
		put(page, SIM_VMSA_RIP, 0xfff0, 8);
		put(page, SIM_VMSA_RDX, c->cpu_sig, 8);
	}
}

/* AMD CPUID specification 25481, Fn0000_0001 EAX: stepping [3:0], BaseModel [7:4],
 * BaseFamily [11:8], ExtModel [19:16], ExtFamily [27:20]; family = BaseFamily (+ ExtFamily
 * when BaseFamily is 0xF), model = BaseModel (+ ExtModel << 4 when BaseFamily is 0xF). */
int ld_cpu_sig_parse(const char *text, uint32_t *sig, const char **why)
{
	unsigned long f, m, st;
	char *end;
	int n = 0;

	if (!strchr(text, '/')) {
		unsigned long long v = strtoull(text, &end, 0);
		if (!*text || *end || v > 0x0fffffffull) {
			*why = "not a 28-bit number (CPUID Fn0000_0001 EAX)";
			return -1;
		}
		*sig = (uint32_t)v;
		return 0;
	}
	if (sscanf(text, "%lu/%lu/%lu%n", &f, &m, &st, &n) != 3 || text[n]) {
		*why = "not FAMILY/MODEL/STEPPING";
		return -1;
	}
	if (f > 0xf + 0xff || m > 0xff || st > 0xf || (f < 0xf && m > 0xf)) {
		*why = "family, model or stepping out of range (model above 15 needs family 15 or more)";
		return -1;
	}
	*sig = (uint32_t)(st | (m & 0xf) << 4 | (f < 0xf ? f : 0xf) << 8 | (m >> 4) << 16 |
			  (f < 0xf ? 0 : f - 0xf) << 20);
	return 0;
}

static void entry(uint8_t *out, unsigned off, const char *guid, const uint8_t hash[32])
{
	memcpy(out + off, guid, 16);
	put(out, off + SIM_HT_E_LEN_OFF, SIM_HT_ENTRY_LEN, 2);
	memcpy(out + off + SIM_HT_E_HASH_OFF, hash, 32);
}

void ld_hashes_table(uint8_t *out, const uint8_t kernel[32], const uint8_t initrd[32],
		     const uint8_t cmdline[32])
{
	memset(out, 0, SIM_HT_PAGE);
	memcpy(out, SIM_HT_GUID_TABLE, 16);
	put(out, 16, SIM_HT_LEN, 2);
	entry(out, SIM_HT_CMDLINE_OFF, SIM_HT_GUID_CMDLINE, cmdline);
	entry(out, SIM_HT_INITRD_OFF, SIM_HT_GUID_INITRD, initrd);
	entry(out, SIM_HT_KERNEL_OFF, SIM_HT_GUID_KERNEL, kernel);
}

void ld_cmdline_hash(const char *cmdline, uint8_t out[32])
{
	const char *c = cmdline ? cmdline : "";

	EVP_Digest(c, strlen(c) + 1, out, NULL, EVP_sha256(), NULL);
}

int ld_begin(struct ld_digest *d)
{
	memset(d, 0, sizeof(*d));
	d->md = EVP_MD_CTX_new();
	return d->md && EVP_DigestInit_ex(d->md, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

void ld_dump_page(FILE *f, uint64_t gpa, uint32_t type, const uint8_t *page)
{
	static const uint8_t zero[4096];
	uint8_t h[16] = { 0 };

	if (!f)
		return;
	put(h, 0, gpa, 8);
	put(h, 8, type, 4);
	fwrite(h, 1, sizeof(h), f);
	fwrite(page ? page : zero, 1, 4096, f);
}

void ld_update_data(struct ld_digest *d, uint64_t gpa, const uint8_t *pages, uint64_t len)
{
	for (uint64_t off = 0; d->dump && off < len; off += 4096)
		ld_dump_page(d->dump, gpa + off, LD_DUMP_DATA, pages + off);
	EVP_DigestUpdate(d->md, pages, len);
	d->pages += len / 4096;
	d->bytes += len;
}

void ld_update_vmsa(struct ld_digest *d, const uint8_t page[4096])
{
	ld_dump_page(d->dump, 0, LD_DUMP_VMSA, page);
	EVP_DigestUpdate(d->md, page, SIM_VMSA_SIZE);
	d->pages++;
	d->bytes += SIM_VMSA_SIZE;
	d->vmsas++;
}

void ld_end(struct ld_digest *d, char hex[65])
{
	uint8_t md[32];
	unsigned n = 0;

	EVP_DigestFinal_ex(d->md, md, &n);
	EVP_MD_CTX_free(d->md);
	d->md = NULL;
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* ---- SNP (sim/fw/spec.h PAGE_INFO; SNP firmware ABI 56860 §8.17.2) ---- */

void ld_snp_begin(struct ld_snp *d)
{
	memset(d, 0, sizeof(*d));
}

void ld_snp_page(struct ld_snp *d, unsigned type, uint64_t gpa, const uint8_t *page)
{
	struct sim_snp_page_info pi;

	memset(&pi, 0, sizeof(pi));
	memcpy(pi.digest_cur, d->ld, sizeof(pi.digest_cur));
	if (page)
		EVP_Digest(page, 4096, pi.contents, NULL, EVP_sha384(), NULL);
	pi.length = sizeof(pi);
	pi.page_type = (uint8_t)type;
	pi.gpa = gpa;
	ld_dump_page(d->dump, gpa, type, page);
	EVP_Digest(&pi, sizeof(pi), d->ld, NULL, EVP_sha384(), NULL);
	d->pages++;
	if (type == SIM_SNP_PAGE_VMSA)
		d->vmsas++;
}

void ld_snp_normal(struct ld_snp *d, uint64_t gpa, const uint8_t *data, uint64_t len,
		   uint64_t skip1, uint64_t skip2)
{
	for (uint64_t off = 0; off < len; off += 4096)
		if (gpa + off != skip1 && gpa + off != skip2)
			ld_snp_page(d, SIM_SNP_PAGE_NORMAL, gpa + off, data + off);
}

void ld_snp_tail(struct ld_snp *d, uint64_t cpuid_gpa, uint64_t secrets_gpa,
		 const struct ld_vcpus *c)
{
	uint8_t vmsa[4096];

	if (cpuid_gpa)
		ld_snp_page(d, SIM_SNP_PAGE_CPUID, cpuid_gpa, NULL);
	if (secrets_gpa)
		ld_snp_page(d, SIM_SNP_PAGE_SECRETS, secrets_gpa, NULL);
	for (unsigned v = 0; v < c->nr; v++) {
		ld_vmsa(vmsa, v, c);
		ld_snp_page(d, SIM_SNP_PAGE_VMSA, SIM_SNP_VMSA_GPA, vmsa);
	}
}

void ld_snp_hex(const struct ld_snp *d, char hex[97])
{
	for (unsigned i = 0; i < sizeof(d->ld); i++)
		snprintf(hex + 2 * i, 3, "%02x", d->ld[i]);
}
