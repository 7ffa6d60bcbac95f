/* SPDX-License-Identifier: MIT */
/*
 * cocoboot-measure: the launch measurement a verifier should expect for a cocoboot
 * guest, computed from the files a toolstack would load (docs/abi.md §9.4):
 *
 *   cocoboot-measure [--mode=sev|sev-es|sev-snp] [--vcpus=N] [--mem=BYTES] [--cmdline=TEXT]
 *                    [--module=FILE[,CMDLINE]]... [--kernel-hashes] [--sev-features=N]
 *                    [--write-elf=OUT.elf] cocoboot.elf
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
#include "xen/start_info.h"

#define MAX_MODULES 16
#define MODULE_CMDLINE_SLOT 1024
#define SPECIAL_BASE 0xfeff8000ull
#define SPECIAL_SIZE 0x8000ull

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
	const char *elf = NULL, *cmdline = NULL, *mode = "sev-es", *write_elf = NULL;
	unsigned vcpus = 1, nmod = 0;
	uint64_t mem = 128ull << 20, sev_features = 0;
	int kernel_hashes = 0;
	struct module mods[MAX_MODULES];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strncmp(a, "--mode=", 7))
			mode = a + 7;
		else if (!strncmp(a, "--vcpus=", 8))
			vcpus = (unsigned)strtoul(a + 8, NULL, 0);
		else if (!strncmp(a, "--mem=", 6))
			mem = strtoull(a + 6, NULL, 0);
		else if (!strncmp(a, "--cmdline=", 10))
			cmdline = a + 10;
		else if (!strncmp(a, "--sev-features=", 15))
			sev_features = strtoull(a + 15, NULL, 0);
		else if (!strncmp(a, "--write-elf=", 12))
			write_elf = a + 12;
		else if (!strcmp(a, "--kernel-hashes"))
			kernel_hashes = 1;
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
	if (vcpus < 1 || vcpus > 64 || mem < (2ull << 20) || (mem & 4095))
		die("%s%s", "--vcpus must be 1..64, --mem a multiple of 4 KiB >= 2 MiB", "");
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
	p += 2 * sizeof(struct hvm_memmap_table_entry);
	uint64_t blob_len = page_up(p) - base;
	uint8_t *blob = calloc(1, blob_len);
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE, .version = 1,
		.flags = strcmp(mode, "sev-es") && !snp ? 0 : SIF_HVM_GHCB,
		.nr_modules = nmod, .modlist_paddr = nmod ? mods_at : 0, .cmdline_paddr = cmd_at,
		.memmap_paddr = mm_at, .memmap_entries = 2,
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
	struct hvm_memmap_table_entry mm[2] = {
		{ .addr = 0, .size = mem, .type = XEN_HVM_MEMMAP_TYPE_RAM },
		{ .addr = SPECIAL_BASE, .size = SPECIAL_SIZE, .type = XEN_HVM_MEMMAP_TYPE_RESERVED },
	};
	memcpy(blob + (mm_at - base), mm, sizeof(mm));

	/* SNP: the SHA-384 PAGE_INFO chain, in launch order (docs/abi.md §9.4) */
	struct ld_snp sd;
	char snp_digest[97] = "";
	if (snp) {
		ld_snp_begin(&sd);
		ld_snp_normal(&sd, img_base, img, img_len, cpuid_gpa, secrets_gpa);
		for (unsigned i = 0; i < nmod && !kernel_hashes; i++) {
			uint8_t *padded = calloc(1, page_up(mods[i].len));
			memcpy(padded, mods[i].data, mods[i].len);
			ld_snp_normal(&sd, mods[i].gpa, padded, page_up(mods[i].len), 0, 0);
			free(padded);
		}
		ld_snp_normal(&sd, base, blob, blob_len, 0, 0);
		ld_snp_tail(&sd, cpuid_gpa, secrets_gpa, vcpus, pl.entry, base, 1 | sev_features);
		ld_snp_hex(&sd, snp_digest);
	}

	/* the digest, in launch order */
	struct ld_digest d;
	char digest[65];
	if (ld_begin(&d) < 0)
		die("%s%s", "OpenSSL: no SHA-256", "");
	ld_update_data(&d, img, img_len);
	for (unsigned i = 0; i < nmod && !kernel_hashes; i++) {
		uint8_t *padded = calloc(1, page_up(mods[i].len));
		memcpy(padded, mods[i].data, mods[i].len);
		ld_update_data(&d, padded, page_up(mods[i].len));
		free(padded);
	}
	ld_update_data(&d, blob, blob_len);
	for (unsigned v = 0; v < vcpus && !strcmp(mode, "sev-es"); v++) {
		uint8_t vmsa[4096];
		ld_vmsa(vmsa, v, vcpus, pl.entry, base, sev_features);
		ld_update_vmsa(&d, vmsa);
	}
	ld_end(&d, digest);

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
	free(img);
	free(f);
	return 0;
}
