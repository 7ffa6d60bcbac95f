/* SPDX-License-Identifier: MIT */
/*
 * cocoboot-measure: the launch measurement a verifier should expect for a cocoboot
 * guest, computed from the files a toolstack would load (docs/abi.md §9.4):
 *
 *   cocoboot-measure [--mode=sev|sev-es|sev-snp] [--vcpus=N] [--mem=BYTES] [--cmdline=TEXT]
 *                    [--module=FILE[,CMDLINE]]... [--kernel-hashes] [--sev-features=N] [--savic]
 *                    [--cpu-sig=X|FAMILY/MODEL/STEPPING] [--dump-pages=FILE]
 *                    [--write-elf=OUT.elf] [--hv=xen|kvm] [--bringup-page=on|off] cocoboot.elf
 *   (--hv and --bringup-page as sevsim's: with more than one vCPU the ACPI tables and,
 *   by default under Xen with SEV-ES, the AP bring-up region are launch memory too;
 *   APs that start from the reset state instead have the CPU signature in EDX, which
 *   --cpu-sig gives: required then. --mem above 0xFC000000 puts the rest above 4 GiB, as
 *   sevsim and xl do. --dump-pages writes every measured page, docs/abi.md §9.4.)
 *
 * It loads the ELF's PT_LOAD segments (payload/elf.c validates them), fills the hashes
 * table from SHA-256 of the modules and command line (--kernel-hashes), lays out the
 * modules and the start_info blob as a PVH domain builder does (docs/abi.md §9.4 "page
 * order"), builds one VMSA per vCPU (fw/launch_digest.c) and prints, as one JSON
 * object, what sevsim prints as "launch" for the same launch. Hashing: OpenSSL.
 * --mode=sev-snp prints the SNP launch digest instead ("snp_digest": PAGE_INFO chained with
 * SHA-384, fw/launch_digest.c), with the CPUID and secrets pages cocoboot's notes 0x101 and
 * 0x102 name measured as such; --sev-features then adds to SNPActive (bit 0).
 * --write-elf writes a copy of the ELF with the table filled in, for a VMM that loads
 * the file as it is (QEMU's -kernel without SEV, tests).
 */
#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload/elf.h"
#include "sim/fw/launch_digest.h"
#include "xen/ap_bringup.h"
#include "xen/start_info.h"

extern const uint8_t sim_ap_blob[], sim_ap_blob_end[]; /* sim/fw/ap_blob.asm */

#define MAX_MODULES 16
#define MODULE_CMDLINE_SLOT 1024
#define SPECIAL_BASE 0xfeff8000ull
#define SPECIAL_SIZE 0x8000ull
#define LOWMEM_MAX 0xfc000000ull   /* RAM below 4 GiB ends here at most (sim/sim.h) */
#define HIGH_BASE 0x100000000ull   /* the rest of RAM starts here */
#define GPA_LIMIT (1ull << 48)     /* the guest-physical address width sevsim models */

struct module {
	const char *path, *cmdline;
	uint8_t *data;
	size_t len;
	uint64_t gpa;
	uint8_t hash[32];
};

static const char *prog = "cocoboot-measure";

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(2);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		die("%s: %s", path, strerror(errno));
	do {
		if (n == cap && !(buf = realloc(buf, cap = cap ? 2 * cap : 65536)))
			die("%s: %s", path, "out of memory");
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	fclose(f);
	*len = n;
	return buf;
}

static uint64_t page_down(uint64_t a) { return a & ~4095ull; }
static uint64_t page_up(uint64_t a) { return (a + 4095) & ~4095ull; }

static uint64_t rd(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* A cocoboot note of this type (docs/abi.md §9.1, §10; sim/fw/spec.h) in the ELF64's
 * PT_NOTE segments: the page's GPA, 0: none. */
static uint64_t find_note(const uint8_t *f, size_t len, uint32_t type)
{
	uint64_t phoff = rd(f + 32, 8), phentsize = rd(f + 54, 2), phnum = rd(f + 56, 2);

	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + i * phentsize;
		uint64_t off = rd(ph + 8, 8), size = rd(ph + 32, 8), at = 0;
		if (rd(ph, 4) != 4 || off > len || size > len - off)
			continue;
		while (at + 12 <= size) {
			uint64_t namesz = rd(f + off + at, 4), descsz = rd(f + off + at + 4, 4);
			uint64_t name = at + 12, desc = name + ((namesz + 3) & ~3ull);
			uint64_t next = desc + ((descsz + 3) & ~3ull);
			if (next > size)
				break;
			if (namesz == SIM_NOTE_COCOBOOT_NAMESZ &&
			    !memcmp(f + off + name, SIM_NOTE_COCOBOOT, namesz) &&
			    rd(f + off + at + 8, 4) == type && descsz >= 12 &&
			    rd(f + off + desc + 8, 4) == SIM_HT_PAGE)
				return rd(f + off + desc, 8);
			at = next;
		}
	}
	return 0;
}

static void hex(const uint8_t *p, unsigned n)
{
	putchar('"');
	for (unsigned i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('"');
}

int main(int argc, char **argv)
{
	const char *elf = NULL, *cmdline = NULL, *mode = "sev-es", *write_elf = NULL, *hv = "xen";
	int bringup_page = -1; /* sevsim's --bringup-page default: on with Xen under SEV-ES */
	unsigned vcpus = 1, nmod = 0;
	uint64_t mem = 128ull << 20, sev_features = 0;
	int kernel_hashes = 0, savic = 0, cpu_sig_set = 0;
	uint32_t cpu_sig = 0;
	const char *dump_path = NULL, *why;
	struct module mods[MAX_MODULES];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strncmp(a, "--mode=", 7))
			mode = a + 7;
		else if (!strncmp(a, "--vcpus=", 8))
			vcpus = (unsigned)strtoul(a + 8, NULL, 0);
		else if (!strncmp(a, "--mem=", 6)) {
			char *end;
			mem = strtoull(a + 6, &end, 0); /* K, M, G as sevsim's --mem */
			unsigned sh = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
			if (end == a + 6 || (sh ? end[1] != 0 : *end != 0) || (sh && mem >> (64 - sh)))
				die("--mem=%s: not BYTES[K|M|G]%s", a + 6, "");
			mem <<= sh;
		}
		else if (!strncmp(a, "--cmdline=", 10))
			cmdline = a + 10;
		else if (!strncmp(a, "--sev-features=", 15))
			sev_features = strtoull(a + 15, NULL, 0);
		else if (!strncmp(a, "--write-elf=", 12))
			write_elf = a + 12;
		else if (!strncmp(a, "--hv=", 5))
			hv = a + 5;
		else if (!strcmp(a, "--bringup-page=on") || !strcmp(a, "--bringup-page=off"))
			bringup_page = !strcmp(a + 15, "on");
		else if (!strcmp(a, "--kernel-hashes"))
			kernel_hashes = 1;
		else if (!strcmp(a, "--savic"))
			savic = 1;
		else if (!strncmp(a, "--cpu-sig=", 10)) {
			if (ld_cpu_sig_parse(a + 10, &cpu_sig, &why) < 0)
				die("--cpu-sig=%s: %s", a + 10, why);
			cpu_sig_set = 1;
		} else if (!strncmp(a, "--dump-pages=", 13))
			dump_path = a + 13;
		else if (!strncmp(a, "--module=", 9)) {
			if (nmod == MAX_MODULES)
				die("%s%s", "at most 16 modules", "");
			char *p = strdup(a + 9), *comma = strchr(p, ',');
			if (comma)
				*comma = 0;
			mods[nmod++] = (struct module){ .path = p, .cmdline = comma ? comma + 1 : NULL };
		} else if (a[0] != '-' && !elf)
			elf = a;
		else
			die("unknown argument '%s'%s (see the comment at the top of the source)", a, "");
	}
	if (!elf)
		die("%s%s", "usage: cocoboot-measure [options] cocoboot.elf", "");
	int snp = !strcmp(mode, "sev-snp");
	if (strcmp(mode, "sev") && strcmp(mode, "sev-es") && !snp)
		die("--mode=%s: only sev, sev-es and sev-snp have a launch digest%s", mode, "");
	if (vcpus < 1 || vcpus > 255 || mem < (2ull << 20) || (mem & 4095) ||
	    mem > GPA_LIMIT - (HIGH_BASE - LOWMEM_MAX))
		die("%s%s", "--vcpus must be 1..255, --mem a multiple of 4 KiB from 2 MiB (RAM beyond "
		    "0xFC000000 goes above 4 GiB, up to 2^48)", "");
	/* sevsim's SEV_STATUS has features only under SNP (sim/main.c): so here too */
	if ((sev_features || savic) && !snp)
		die("--sev-features/--savic need --mode=sev-snp%s%s", "", "");
	if (sev_features >> 62)
		die("--sev-features: bits above SEV_STATUS's%s%s", "", "");
	if (savic)
		sev_features |= SIM_SF_SECURE_AVIC;
	if (strcmp(hv, "xen") && strcmp(hv, "kvm"))
		die("--hv=%s: xen or kvm%s", hv, "");
	/* more than one vCPU: ACPI tables, and the bring-up region (sevsim's rule) */
	struct ld_fwmem fw;
	bool page = vcpus > 1 && (bringup_page >= 0 ? bringup_page == 1 :
				  !strcmp(hv, "xen") && strcmp(mode, "sev"));
	ld_fwmem_layout(vcpus, vcpus > 1, page, &fw);
	if (vcpus > 1 && !page && strcmp(mode, "sev") && !cpu_sig_set)
		die("%s%s", "the APs start from the reset state (no bring-up region), whose EDX is the "
		    "CPU signature (CPUID Fn0000_0001 EAX; KVM: the guest's CPUID): give --cpu-sig=X "
		    "or FAMILY/MODEL/STEPPING", "");
	if (kernel_hashes && nmod > 2)
		die("%s%s", "--kernel-hashes: the table covers 2 modules (kernel, initrd)", "");

	size_t flen;
	uint8_t *f = slurp(elf, &flen);
	struct elf_plan pl;
	struct payload_error err;
	if (elf_parse(f, flen, &pl, &err) || pl.elf_class != 2)
		die("%s: not a PVH ELF64 image (%s)", elf, err.reason ? err.reason : "32-bit");
	uint64_t img_base = page_down(pl.kstart), img_len = page_up(pl.kend) - img_base;
	uint8_t *img = calloc(1, img_len);
	for (unsigned i = 0; i < pl.nseg; i++)
		memcpy(img + (pl.seg[i].paddr - img_base), f + pl.seg[i].file_off, pl.seg[i].file_size);
	uint64_t table_gpa = find_note(f, flen, SIM_NOTE_HASHES);
	uint64_t cpuid_gpa = snp ? find_note(f, flen, SIM_NOTE_SNP_CPUID) : 0;
	uint64_t secrets_gpa = snp ? find_note(f, flen, SIM_NOTE_SNP_SECRETS) : 0;
	if ((cpuid_gpa && (cpuid_gpa & 4095 || cpuid_gpa < img_base || cpuid_gpa + 4096 > img_base + img_len)) ||
	    (secrets_gpa && (secrets_gpa & 4095 || secrets_gpa < img_base ||
			     secrets_gpa + 4096 > img_base + img_len)))
		die("%s: an SNP CPUID or secrets note names no page of the image%s", elf, "");

	/* modules: page aligned after the image, in order (sim/fw/launch.c, xc_dom order) */
	uint64_t cur = page_up(pl.kend);
	for (unsigned i = 0; i < nmod; i++) {
		mods[i].data = slurp(mods[i].path, &mods[i].len);
		mods[i].gpa = cur;
		EVP_Digest(mods[i].data, mods[i].len, mods[i].hash, NULL, EVP_sha256(), NULL);
		cur = page_up(cur + mods[i].len);
	}
	uint8_t table[SIM_HT_PAGE];
	if (kernel_hashes) {
		uint8_t empty[32], cmd[32];
		if (!table_gpa || table_gpa < img_base || table_gpa + sizeof(table) > img_base + img_len)
			die("%s: no cocoboot hashes note inside the image%s", elf, "");
		EVP_Digest("", 0, empty, NULL, EVP_sha256(), NULL);
		ld_cmdline_hash(cmdline, cmd);
		ld_hashes_table(table, nmod > 0 ? mods[0].hash : empty, nmod > 1 ? mods[1].hash : empty,
				cmd);
		memcpy(img + (table_gpa - img_base), table, sizeof(table));
	}
	if (write_elf) {
		unsigned i = 0;
		while (i < pl.nseg && !(table_gpa >= pl.seg[i].paddr &&
					table_gpa + sizeof(table) <= pl.seg[i].paddr + pl.seg[i].file_size))
			i++;
		if (!kernel_hashes || i == pl.nseg)
			die("--write-elf=%s: needs --kernel-hashes and the table inside a segment's file "
			    "bytes%s", write_elf, "");
		memcpy(f + pl.seg[i].file_off + (table_gpa - pl.seg[i].paddr), table, sizeof(table));
		FILE *o = fopen(write_elf, "wb");
		if (!o || fwrite(f, 1, flen, o) != flen || fclose(o))
			die("%s: %s", write_elf, strerror(errno));
	}

	/* the start_info blob (docs/abi.md §9.4; xg_dom_x86.c order) */
	size_t cl = cmdline ? strlen(cmdline) + 1 : 0;
	uint64_t base = cur, p = base + sizeof(struct hvm_start_info), cmd_at = 0;
	if (cl) {
		cmd_at = p;
		p += (cl + 7) & ~7ull;
	}
	uint64_t mods_at = p;
	/* one list entry even without modules, as sevsim's domain builder (sim/fw/launch.c) */
	p += (uint64_t)(nmod ? nmod : 1) * sizeof(struct hvm_modlist_entry);
	uint64_t modcl_at = p;
	p += (uint64_t)nmod * MODULE_CMDLINE_SLOT;
	uint64_t mm_at = p;
	unsigned high = mem > LOWMEM_MAX;
	unsigned nmm = 2 + high + (fw.acpi_size != 0) + (fw.bringup_size != 0);
	/* sevsim: 3 honest entries and room for 3 lies, the SMP entries after them */
	p += (6u + (fw.acpi_size != 0) + (fw.bringup_size != 0)) * sizeof(struct hvm_memmap_table_entry);
	uint64_t blob_len = page_up(p) - base;
	uint8_t *blob = calloc(1, blob_len);
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE, .version = 1,
		.flags = strcmp(mode, "sev-es") && !snp ? 0 : SIF_HVM_GHCB,
		.nr_modules = nmod, .modlist_paddr = nmod ? mods_at : 0, .cmdline_paddr = cmd_at,
		.memmap_paddr = mm_at, .memmap_entries = nmm, .rsdp_paddr = fw.acpi_gpa,
	};
	memcpy(blob, &si, sizeof(si));
	if (cl)
		memcpy(blob + (cmd_at - base), cmdline, cl);
	for (unsigned i = 0; i < nmod; i++) {
		struct hvm_modlist_entry me = { .paddr = mods[i].gpa, .size = mods[i].len };
		if (mods[i].cmdline) {
			me.cmdline_paddr = modcl_at + (uint64_t)i * MODULE_CMDLINE_SLOT;
			memcpy(blob + (me.cmdline_paddr - base), mods[i].cmdline,
			       strnlen(mods[i].cmdline, MODULE_CMDLINE_SLOT - 1) + 1);
		}
		memcpy(blob + (mods_at - base) + i * sizeof(me), &me, sizeof(me));
	}
	struct hvm_memmap_table_entry mm[5] = {
		{ .addr = 0, .size = high ? LOWMEM_MAX : mem, .type = XEN_HVM_MEMMAP_TYPE_RAM },
		{ .addr = SPECIAL_BASE, .size = SPECIAL_SIZE, .type = XEN_HVM_MEMMAP_TYPE_RESERVED },
		{ .addr = HIGH_BASE, .size = mem - LOWMEM_MAX, .type = XEN_HVM_MEMMAP_TYPE_RAM },
	};
	unsigned k = 2 + high;
	if (fw.acpi_size)
		mm[k++] = (struct hvm_memmap_table_entry){ .addr = fw.acpi_gpa, .size = fw.acpi_size,
							   .type = XEN_HVM_MEMMAP_TYPE_ACPI };
	if (fw.bringup_size)
		mm[k++] = (struct hvm_memmap_table_entry){ .addr = fw.bringup_gpa,
							   .size = fw.bringup_size,
							   .type = XEN_HVM_MEMMAP_TYPE_AP_BRINGUP };
	memcpy(blob + (mm_at - base), mm, k * sizeof(mm[0]));
	uint8_t *fwmem = fw.size ? calloc(1, fw.size) : NULL;
	if (fw.acpi_size)
		ld_acpi_build(fwmem, fw.acpi_gpa, vcpus);
	if (fw.bringup_size)
		ld_bringup_build(fwmem + fw.acpi_size, fw.bringup_size, vcpus, sim_ap_blob,
				 (size_t)(sim_ap_blob_end - sim_ap_blob));

	/* SNP: the SHA-384 PAGE_INFO chain, in launch order (docs/abi.md §9.4) */
	struct ld_vcpus vc = { .nr = vcpus, .entry = pl.entry, .start_info = base,
			       .sev_features = (snp ? 1 : 0) | sev_features, .bringup = page,
			       .cpu_sig = cpu_sig };
	FILE *dump = NULL;
	if (dump_path && !(dump = fopen(dump_path, "wb")))
		die("%s: %s", dump_path, strerror(errno));
	struct ld_snp sd;
	char snp_digest[97] = "";
	if (snp) {
		ld_snp_begin(&sd);
		sd.dump = dump;
		ld_snp_normal(&sd, img_base, img, img_len, cpuid_gpa, secrets_gpa);
		for (unsigned i = 0; i < nmod && !kernel_hashes; i++) {
			uint8_t *padded = calloc(1, page_up(mods[i].len));
			memcpy(padded, mods[i].data, mods[i].len);
			ld_snp_normal(&sd, mods[i].gpa, padded, page_up(mods[i].len), 0, 0);
			free(padded);
		}
		ld_snp_normal(&sd, base, blob, blob_len, 0, 0);
		if (fw.size) /* more than one vCPU: ACPI tables, bring-up region (row 4) */
			ld_snp_normal(&sd, fw.gpa, fwmem, fw.size, 0, 0);
		ld_snp_tail(&sd, cpuid_gpa, secrets_gpa, &vc);
		ld_snp_hex(&sd, snp_digest);
	}

	/* the digest, in launch order */
	struct ld_digest d;
	char digest[65];
	if (ld_begin(&d) < 0)
		die("%s%s", "OpenSSL: no SHA-256", "");
	d.dump = snp ? NULL : dump;
	ld_update_data(&d, img_base, img, img_len);
	for (unsigned i = 0; i < nmod && !kernel_hashes; i++) {
		uint8_t *padded = calloc(1, page_up(mods[i].len));
		memcpy(padded, mods[i].data, mods[i].len);
		ld_update_data(&d, mods[i].gpa, padded, page_up(mods[i].len));
		free(padded);
	}
	ld_update_data(&d, base, blob, blob_len);
	if (fw.size)
		ld_update_data(&d, fw.gpa, fwmem, fw.size);
	for (unsigned v = 0; v < vcpus && !strcmp(mode, "sev-es"); v++) {
		uint8_t vmsa[4096];
		ld_vmsa(vmsa, v, &vc);
		ld_update_vmsa(&d, vmsa);
	}
	ld_end(&d, digest);
	if (dump && fclose(dump) != 0)
		die("%s: %s", dump_path, "write failed");

	/* the same object sevsim prints as "launch" */
	printf("{\"kernel_hashes\":%s", kernel_hashes ? "true" : "false");
	if (table_gpa)
		printf(",\"hashes_table_gpa\":%" PRIu64, table_gpa);
	else
		printf(",\"hashes_table_gpa\":null");
	if (kernel_hashes) {
		printf(",\"hashes\":{\"kernel\":");
		hex(table + SIM_HT_KERNEL_OFF + SIM_HT_E_HASH_OFF, 32);
		printf(",\"initrd\":");
		hex(table + SIM_HT_INITRD_OFF + SIM_HT_E_HASH_OFF, 32);
		printf(",\"cmdline\":");
		hex(table + SIM_HT_CMDLINE_OFF + SIM_HT_E_HASH_OFF, 32);
		printf("}");
	}
	if (snp)
		printf(",\"digest\":null,\"snp_digest\":\"%s\",\"snp_pages\":%" PRIu64
		       ",\"snp_vmsas\":%" PRIu64 ",\"cpuid_page_gpa\":%" PRIu64 ",\"secrets_page_gpa\":%"
		       PRIu64 "}\n", snp_digest, sd.pages, sd.vmsas, cpuid_gpa, secrets_gpa);
	else
		printf(",\"digest\":\"%s\",\"measured_pages\":%" PRIu64 ",\"measured_bytes\":%" PRIu64
		       ",\"vmsas\":%" PRIu64 ",\"snp_digest\":null}\n", digest, d.pages, d.bytes, d.vmsas);
	for (unsigned i = 0; i < nmod; i++) {
		free(mods[i].data);
		free((void *)mods[i].path);
	}
	free(blob);
	free(fwmem);
	free(img);
	free(f);
	return 0;
}
