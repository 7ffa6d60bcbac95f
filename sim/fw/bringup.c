/* SPDX-License-Identifier: MIT */
/*
 * Launch memory outside RAM, just below the HVM special pages (0xFEFF8000): the ACPI
 * tables and the Xen AP bring-up region (docs/abi.md §8), built by fw/fw_tables.c (which
 * tools/cocoboot-measure shares) as §8.8 tells a toolstack: header, the reference init
 * code (build/xen/host/ap_bringup.bin, byte for byte, fw/ap_blob.asm), its SHA-256, every
 * slot and stray_vcpu zero; the region is where the AP launch VMSAs of the digest put it. fw/launch.c adds the memory-map entries; hv/smp.c creates the APs
 * down in the §8.5 state. One host buffer backs both, mapped in every engine at its GPA
 * and read as private memory (sim_mem_cpu_access).
 */
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

int sim_fwmem_build(struct sim *s)
{
	struct ld_fwmem l;
	size_t code_len = (size_t)(sim_ap_blob_end - sim_ap_blob);

	ld_fwmem_layout(s->nr_vcpus, s->cfg.acpi, sim_bringup_offered(s), &l);
	if (!l.size)
		return 0;
	if (l.bringup_size && XEN_AP_BRINGUP_HDR_SIZE + code_len + 127 +
	    (uint64_t)s->nr_vcpus * XEN_AP_BRINGUP_SLOT_SIZE > l.bringup_size) {
		sim_fail(s, "internal: the bring-up code (%zu bytes) does not fit the region the "
			 "launch digest assumes", code_len);
		return -1;
	}
	if (l.gpa < s->low_top) {
		sim_fail(s, "no room for ACPI tables and the bring-up region below %#llx",
			 SIM_SPECIAL_BASE);
		return -1;
	}
	s->fwmem = aligned_alloc(4096, l.size);
	if (!s->fwmem) {
		sim_fail(s, "out of memory");
		return -1;
	}
	s->fwmem_gpa = l.gpa;
	s->fwmem_size = l.size;
	if (l.acpi_size) {
		ld_acpi_build(s->fwmem, l.acpi_gpa, s->nr_vcpus);
		s->acpi_rsdp = s->acpi_base = l.acpi_gpa;
		s->acpi_size = l.acpi_size;
	}
	if (l.bringup_size) {
		uint8_t *r = s->fwmem + l.acpi_size;
		ld_bringup_build(r, l.bringup_size, s->nr_vcpus, sim_ap_blob, code_len);
		if (sim_lie(s, SIM_LIE_BRINGUP_DIGEST)) /* the code no longer matches any digest */
			r[XEN_AP_BRINGUP_HDR_SIZE + code_len - 1] ^= 0x01;
		s->bringup_gpa = l.bringup_gpa;
		s->bringup_size = l.bringup_size;
	}
	return 0;
}
