/* SPDX-License-Identifier: MIT */
/*
 * The VMM's half of measured boot (docs/abi.md §9, docs/sevsim.md "--kernel-hashes"):
 *   - with --kernel-hashes, modules go to shared memory (written through the
 *     hypervisor's view, unmeasured) and their SHA-256 digests, with the command
 *     line's, into the hashes table page cocoboot's ELF note names;
 *   - the launch digest: SHA-256 over every LAUNCH_UPDATE_DATA page (the image with
 *     its table, the modules when they are measured, the start_info blob) and, in
 *     sev-es, every LAUNCH_UPDATE_VMSA page, in that order. This is GCTX.LD of the
 *     SEV API (LAUNCH_MEASURE returns an HMAC over it keyed with the TIK, which only
 *     the secure processor and the guest owner know).
 * The VMSAs and table bytes come from fw/launch_digest.c, which tools/cocoboot-measure
 * uses too; the pages hashed here are read from guest memory as launched.
 */
#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/fw/launch_digest.h"

static uint64_t page_down(uint64_t a) { return a & ~4095ull; }
static uint64_t page_up(uint64_t a) { return (a + 4095) & ~4095ull; }

bool sim_measure_place_module(struct sim *s, unsigned i, uint64_t gpa, const uint8_t *data,
			      uint64_t len)
{
	EVP_Digest(data, len, s->launch.mod_hash[i], NULL, EVP_sha256(), NULL);
	s->launch.mod_gpa[i] = gpa;
	s->launch.mod_len[i] = len;
	if (!s->cfg.kernel_hashes)
		return false;
	/* a VMM writes the module into memory the guest maps shared: plaintext there */
	sim_mem_hv_write(s, gpa, data, len);
	return true;
}

/* What the launch VMSAs depend on (fw/launch_digest.c), for this launch. */
void sim_measure_vcpus(struct sim *s, uint64_t sev_features, struct ld_vcpus *c)
{
	*c = (struct ld_vcpus){ .nr = s->nr_vcpus, .entry = s->entry,
				.start_info = s->start_info_gpa, .sev_features = sev_features,
				.bringup = s->bringup_gpa != 0, .cpu_sig = sim_cpu_sig(s) };
}

/* --dump-pages=FILE: *f gets the file (NULL without the option); -1 if it cannot be made. */
int sim_measure_dump_open(struct sim *s, FILE **f)
{
	*f = NULL;
	if (!s->cfg.dump_pages)
		return 0;
	if (!(*f = fopen(s->cfg.dump_pages, "wb"))) {
		sim_fail(s, "--dump-pages=%s: %s", s->cfg.dump_pages, strerror(errno));
		return -1;
	}
	return 0;
}

static int fill_table(struct sim *s)
{
	struct sim_launch *l = &s->launch;
	uint8_t empty[32], cmd[32];
	unsigned n = s->cfg.nr_modules;

	if (!l->hashes_gpa) {
		sim_fail(s, "--kernel-hashes: kernel %s has no cocoboot hashes note (name "
			 "\"cocoboot\", type %#x)", s->cfg.kernel, SIM_NOTE_HASHES);
		return -1;
	}
	if (n > 2) {
		sim_fail(s, "--kernel-hashes: %u modules; the hashes table covers 2 (kernel, "
			 "initrd)", n);
		return -1;
	}
	EVP_Digest("", 0, empty, NULL, EVP_sha256(), NULL);
	if (sim_lie(s, SIM_LIE_CMDLINE_CHANGED)) {
		/* the VMM hashed another command line than the one it passes */
		char other[4200];
		snprintf(other, sizeof(other), "%s lie", s->cfg.cmdline ? s->cfg.cmdline : "");
		ld_cmdline_hash(other, cmd);
	} else {
		ld_cmdline_hash(s->cfg.cmdline, cmd);
	}
	ld_hashes_table(l->table, n > 0 ? l->mod_hash[0] : empty, n > 1 ? l->mod_hash[1] : empty,
			cmd);
	if (sim_lie(s, SIM_LIE_HASH_ENTRY_LEN))
		l->table[SIM_HT_KERNEL_OFF + SIM_HT_E_LEN_OFF] = 49;
	sim_mem_load(s, l->hashes_gpa, l->table, sizeof(l->table));
	return 0;
}

int sim_measure_launch(struct sim *s)
{
	struct sim_launch *l = &s->launch;
	struct ld_digest d;
	uint64_t a, b;

	if (s->cfg.kernel_hashes && fill_table(s) < 0)
		return -1;
	if (s->cfg.mode == SIM_MODE_SEV || s->cfg.mode == SIM_MODE_SEV_ES) {
		if (ld_begin(&d) < 0) {
			sim_fail(s, "launch digest: OpenSSL EVP_sha256 unavailable");
			return -1;
		}
		if (sim_measure_dump_open(s, &d.dump) < 0)
			return -1;
		/* 1. the kernel image, its whole loaded range (table included) */
		a = page_down(s->kernel_start);
		b = page_up(s->kernel_end);
		ld_update_data(&d, a, s->ram + a, b - a);
		/* 2. the modules, when they are launch memory */
		for (unsigned i = 0; i < s->cfg.nr_modules && !s->cfg.kernel_hashes; i++)
			ld_update_data(&d, l->mod_gpa[i], s->ram + l->mod_gpa[i], page_up(l->mod_len[i]));
		/* 3. the start_info blob */
		a = page_down(s->start_info_gpa);
		b = page_up(s->launch_end);
		ld_update_data(&d, a, s->ram + a, b - a);
		/* 4. more than one vCPU: the ACPI tables and the AP bring-up region */
		if (s->fwmem)
			ld_update_data(&d, s->fwmem_gpa, s->fwmem, s->fwmem_size);
		/* 5. one VMSA per vCPU (SEV-ES; no SEV_FEATURES: main.c allows them in SNP only) */
		struct ld_vcpus c;
		sim_measure_vcpus(s, 0, &c);
		for (unsigned v = 0; v < s->nr_vcpus && s->cfg.mode == SIM_MODE_SEV_ES; v++) {
			uint8_t vmsa[4096];
			ld_vmsa(vmsa, v, &c);
			ld_update_vmsa(&d, vmsa);
		}
		if (d.dump && fclose(d.dump) != 0) {
			sim_fail(s, "--dump-pages=%s: write failed", s->cfg.dump_pages);
			return -1;
		}
		d.dump = NULL;
		ld_end(&d, l->digest);
		l->pages = d.pages;
		l->bytes = d.bytes;
		l->vmsas = d.vmsas;
		l->measured = true;
	}
	/* SNP: SNP_LAUNCH_UPDATE of every launch page, the CPUID and secrets pages (fw/snp_launch.c) */
	if (s->cfg.mode == SIM_MODE_SEV_SNP && sim_snp_launch(s) < 0)
		return -1;
	/* lies after LAUNCH_FINISH: the hypervisor writes guest memory */
	if (sim_lie(s, SIM_LIE_MODULE_SWAP) && s->cfg.nr_modules) {
		unsigned last = s->cfg.nr_modules - 1; /* the kernel alone, else the initrd */
		uint64_t at = l->mod_gpa[last] + l->mod_len[last] / 2;
		uint8_t byte;
		if (s->cfg.kernel_hashes) {
			sim_mem_hv_read(s, at, &byte, 1);
			byte ^= 0x01;
			sim_mem_hv_write(s, at, &byte, 1);
		} else {
			s->ram[at] ^= 0x01;
		}
	}
	if (sim_lie(s, SIM_LIE_HASHES_OVERWRITTEN) && l->hashes_gpa)
		sim_mem_hv_write(s, l->hashes_gpa, l->table, sizeof(l->table));
	return 0;
}

static void hex(FILE *f, const uint8_t *p, unsigned n)
{
	fputc('"', f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
	fputc('"', f);
}

void sim_measure_json(const struct sim *s, FILE *f)
{
	const struct sim_launch *l = &s->launch;

	fprintf(f, "{\"kernel_hashes\":%s", s->cfg.kernel_hashes ? "true" : "false");
	if (l->hashes_gpa)
		fprintf(f, ",\"hashes_table_gpa\":%" PRIu64, l->hashes_gpa);
	else
		fprintf(f, ",\"hashes_table_gpa\":null");
	if (s->cfg.kernel_hashes && l->hashes_gpa) {
		fprintf(f, ",\"hashes\":{\"kernel\":");
		hex(f, l->table + SIM_HT_KERNEL_OFF + SIM_HT_E_HASH_OFF, 32);
		fprintf(f, ",\"initrd\":");
		hex(f, l->table + SIM_HT_INITRD_OFF + SIM_HT_E_HASH_OFF, 32);
		fprintf(f, ",\"cmdline\":");
		hex(f, l->table + SIM_HT_CMDLINE_OFF + SIM_HT_E_HASH_OFF, 32);
		fprintf(f, "}");
	}
	if (l->measured)
		fprintf(f, ",\"digest\":\"%s\",\"measured_pages\":%" PRIu64 ",\"measured_bytes\":%"
			PRIu64 ",\"vmsas\":%" PRIu64, l->digest, l->pages, l->bytes, l->vmsas);
	else
		fprintf(f, ",\"digest\":null");
	/* SNP (fw/snp_launch.c): the SHA-384 launch digest beside the SEV-ES one */
	if (l->snp_measured)
		fprintf(f, ",\"snp_digest\":\"%s\",\"snp_pages\":%" PRIu64 ",\"snp_vmsas\":%" PRIu64
			",\"cpuid_page_gpa\":%" PRIu64 ",\"secrets_page_gpa\":%" PRIu64, l->snp_digest,
			l->snp_pages, l->snp_vmsas, l->cpuid_gpa, l->secrets_gpa);
	else
		fprintf(f, ",\"snp_digest\":null");
	fputc('}', f);
}
