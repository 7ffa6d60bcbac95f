/* SPDX-License-Identifier: MIT */
/*
 * Launch memory outside RAM, just below the HVM special pages (0xFEFF8000): the ACPI
 * tables (fw/acpi.c) and the Xen AP bring-up region (docs/abi.md §8), written as §8.8
 * tells a toolstack: header, the reference init code (build/xen/host/ap_bringup.bin,
 * byte for byte, fw/ap_blob.asm), its SHA-256, every slot and stray_vcpu zero; the region
 * is where the AP launch VMSAs of the digest put it (fw/launch_digest.c
 * ld_bringup_region). fw/launch.c adds the memory-map entries; hv/smp.c creates the APs
 * down in the §8.5 state. One host buffer backs both, mapped in every engine at its GPA
 * and read as private memory (sim_mem_cpu_access).
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/fw/launch_digest.h"
#include "xen/ap_bringup.h"

extern const uint8_t sim_ap_blob[], sim_ap_blob_end[];

bool sim_bringup_offered(const struct sim *s)
{
	if (s->nr_vcpus < 2)
		return false;
	if (s->cfg.bringup_page >= 0)
		return s->cfg.bringup_page == 1;
	/* by default where nothing else can start an AP: Xen with SEV-ES/SNP */
	return s->cfg.hv == SIM_HV_XEN && s->cfg.mode >= SIM_MODE_SEV_ES;
}

static void write_header(struct sim *s, uint8_t *r, uint64_t size)
{
	struct xen_ap_bringup_header h = { 0 };
	uint64_t code_len = (uint64_t)(sim_ap_blob_end - sim_ap_blob);

	h.magic = XEN_AP_BRINGUP_MAGIC;
	h.version = XEN_AP_BRINGUP_VERSION;
	h.header_size = XEN_AP_BRINGUP_HDR_SIZE;
	h.size = (uint32_t)size;
	h.code_offset = XEN_AP_BRINGUP_HDR_SIZE;
	h.code_length = (uint32_t)code_len;
	h.slot_offset = (uint32_t)((h.code_offset + code_len + 127) & ~127ull);
	h.slot_size = XEN_AP_BRINGUP_SLOT_SIZE;
	h.nr_slots = s->nr_vcpus;
	h.entry_offset = h.code_offset;
	memcpy(r + h.code_offset, sim_ap_blob, code_len);
	EVP_Digest(r + h.code_offset, code_len, h.code_sha256, NULL, EVP_sha256(), NULL);
	if (sim_lie(s, SIM_LIE_BRINGUP_DIGEST))
		r[h.code_offset + code_len - 1] ^= 0x01; /* the code no longer matches any digest */
	memcpy(r, &h, sizeof(h));
}

int sim_fwmem_build(struct sim *s)
{
	uint64_t acpi = sim_acpi_size(s), page = 0, top = SIM_SPECIAL_BASE;

	if (sim_bringup_offered(s)) {
		s->bringup_gpa = ld_bringup_region(s->nr_vcpus, &page);
		s->bringup_size = page;
		if ((uint64_t)(sim_ap_blob_end - sim_ap_blob) + XEN_AP_BRINGUP_HDR_SIZE +
		    (uint64_t)s->nr_vcpus * XEN_AP_BRINGUP_SLOT_SIZE > page ||
		    s->bringup_gpa != top - page) {
			sim_fail(s, "internal: the bring-up code (%zu bytes) does not fit the region "
				 "the launch digest assumes", (size_t)(sim_ap_blob_end - sim_ap_blob));
			return -1;
		}
	}
	if (!acpi && !page)
		return 0;
	s->fwmem_size = acpi + page;
	s->fwmem_gpa = top - s->fwmem_size;
	if (s->fwmem_gpa < s->low_top) {
		sim_fail(s, "no room for ACPI tables and the bring-up region below %#llx",
			 SIM_SPECIAL_BASE);
		return -1;
	}
	s->fwmem = aligned_alloc(4096, s->fwmem_size);
	if (!s->fwmem) {
		sim_fail(s, "out of memory");
		return -1;
	}
	memset(s->fwmem, 0, s->fwmem_size);
	if (acpi)
		sim_acpi_build(s, s->fwmem, s->fwmem_gpa);
	if (page)
		write_header(s, s->fwmem + acpi, page);
	return 0;
}
