/* SPDX-License-Identifier: MIT */
/*
 * The launch measurement's pure parts, shared by sevsim (sim/fw/measure.c) and
 * tools/cocoboot-measure, so both build the same VMSAs and table bytes from the
 * same rules (docs/abi.md §9.4). Hashing is OpenSSL's libcrypto.
 */
#ifndef SIM_FW_LAUNCH_DIGEST_H
#define SIM_FW_LAUNCH_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sim/fw/spec.h"

/* The AP bring-up region a launch with n vCPUs gets (docs/abi.md §8.8 step 1:
 * just below the special pages), and its size (§8.3). */
uint64_t ld_bringup_region(unsigned nr_vcpus, uint64_t *size);

/* What the launch VMSAs depend on (docs/abi.md §9.4 "VMSAs"). */
struct ld_vcpus {
	unsigned nr;            /* vCPUs: one VMSA each */
	uint64_t entry;         /* vCPU 0's RIP: the PHYS32_ENTRY note */
	uint64_t start_info;    /* vCPU 0's RBX */
	uint64_t sev_features;  /* every VMSA's SEV_FEATURES */
	bool bringup;           /* APs start at the bring-up region (§8.5), else the reset state */
	uint32_t cpu_sig;       /* reset-state APs' RDX: the CPU signature, CPUID Fn0000_0001 EAX */
};

/* The launch VMSA of vCPU v: v = 0 the PVH entry state (EIP = entry, EBX =
 * start_info), v >= 1 the bring-up state of docs/abi.md §8.5 when the region is
 * offered, else the reset state (real mode, CS 0xF000 base 0xFFFF0000, IP 0xFFF0,
 * EDX the CPU signature). */
void ld_vmsa(uint8_t page[4096], unsigned v, const struct ld_vcpus *c);

/* A CPU signature from "0xA00F11" (CPUID Fn0000_0001 EAX as it is) or "25/1/1" (family/
 * model/stepping, decimal, encoded as AMD's CPUID specification 25481 lays out the
 * register). 0, or -1 with *why set. */
int ld_cpu_sig_parse(const char *text, uint32_t *sig, const char **why);

/* Launch memory outside RAM for more than one vCPU (fw/fw_tables.c): the ACPI tables
 * and the AP bring-up region, one block ending at the special pages. */
struct ld_fwmem {
	uint64_t gpa, size;               /* the block (size 0: none) */
	uint64_t acpi_gpa, acpi_size;     /* the RSDP is at acpi_gpa */
	uint64_t bringup_gpa, bringup_size;
};
void ld_fwmem_layout(unsigned nr_vcpus, bool acpi, bool page, struct ld_fwmem *l);
uint64_t ld_acpi_size(unsigned nr_vcpus);
void ld_acpi_build(uint8_t *buf, uint64_t gpa, unsigned nr_vcpus);
void ld_bringup_build(uint8_t *region, uint64_t size, unsigned nr_vcpus, const uint8_t *code,
		      size_t code_len);

/* The hashes table page from the three digests (sim/fw/spec.h); out gets
 * SIM_HT_PAGE bytes. */
void ld_hashes_table(uint8_t *out, const uint8_t kernel[32], const uint8_t initrd[32],
		     const uint8_t cmdline[32]);

/* SHA-256 of the command line as the table covers it (bytes + NUL; none = ""). */
void ld_cmdline_hash(const char *cmdline, uint8_t out[32]);

/* Running SEV-ES launch digest: SHA-256 over every LAUNCH_UPDATE_DATA and
 * LAUNCH_UPDATE_VMSA page in launch order. */
struct ld_digest {
	void *md;             /* EVP_MD_CTX */
	uint64_t pages, bytes, vmsas;
	FILE *dump;           /* set after ld_begin: every page as a --dump-pages record */
};
int ld_begin(struct ld_digest *d);
/* pages at gpa (recorded in the dump only: the SEV-ES digest does not cover GPAs) */
void ld_update_data(struct ld_digest *d, uint64_t gpa, const uint8_t *pages,
		    uint64_t len); /* len % 4096 == 0 */
void ld_update_vmsa(struct ld_digest *d, const uint8_t page[4096]);
void ld_end(struct ld_digest *d, char hex[65]);

/* ---- SNP (snpsim): the launch digest of SNP_LAUNCH_UPDATE (sim/fw/spec.h PAGE_INFO):
 * digest = SHA-384(PAGE_INFO{digest, contents, 0x70, type, 0, 0, 0, 0, 0, gpa}) per page,
 * from 48 zero bytes. Page order: docs/abi.md §9.4. */
struct ld_snp {
	uint8_t ld[48];
	uint64_t pages, vmsas;
	FILE *dump;           /* set after ld_snp_begin: every page as a --dump-pages record */
};
void ld_snp_begin(struct ld_snp *d);
/* one page of type t at gpa; page: its 4096 bytes (normal, VMSA), NULL for the others */
void ld_snp_page(struct ld_snp *d, unsigned type, uint64_t gpa, const uint8_t *page);
/* normal pages [gpa, gpa + len) from data, skipping the pages at skip1/skip2 (0: none) */
void ld_snp_normal(struct ld_snp *d, uint64_t gpa, const uint8_t *data, uint64_t len,
		   uint64_t skip1, uint64_t skip2);
/* the tail of a launch: CPUID page, secrets page (0: absent), one VMSA per vCPU */
void ld_snp_tail(struct ld_snp *d, uint64_t cpuid_gpa, uint64_t secrets_gpa,
		 const struct ld_vcpus *c);
void ld_snp_hex(const struct ld_snp *d, char hex[97]);

/* --dump-pages (sevsim and tools/cocoboot-measure; docs/abi.md §9.4 "Checking a digest"):
 * one record per measured page in launch order, 16 + 4096 bytes: u64 GPA (0 for an SEV-ES
 * VMSA, which has none in the digest), u32 type (SNP: the PAGE_INFO page type; SEV/SEV-ES:
 * 1 LAUNCH_UPDATE_DATA, 2 LAUNCH_UPDATE_VMSA), u32 0, then the page (zeros for the SNP
 * CPUID and secrets pages, whose contents the digest does not cover), little endian. */
#define LD_DUMP_DATA 1
#define LD_DUMP_VMSA 2
void ld_dump_page(FILE *f, uint64_t gpa, uint32_t type, const uint8_t *page);

#endif
