#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sevsim's SNP model (mem/rmp.c, hv/ghcb_*.c, hv/snp_ap.c, fw/snp_launch.c) against a small
guest (tests/sim/guest_snp.asm) that prints what it saw: PVALIDATE return codes and CF, the
RMP's 2 MiB and 4 KiB entries, #VC 0x404, page state changes through the MSR protocol and the
GHCB (KVM's rules, partial progress), GHCB registration, hypervisor features, RMPADJUST and
the checks KVM makes on SNP AP creation (create, create on INIT with the INIT IPI that starts
the AP, destroy); then the SNP lies as this guest sees them."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Run, Tap, guest  # noqa: E402

t = Tap()
g = guest("guest_snp")


def words(r, tag):
    """The hex numbers printed on the guest's line that starts with tag."""
    for line in r.lines:
        w = line.split()
        if w and w[0] == tag:
            return [int(x, 16) for x in w[1:]]
    return None


def pv(eax, cf):
    return eax * 16 + cf


r = Run(["--mode=sev-snp", "--vcpus=2", "--mem=5G", "--cbit=47", g])
t.ok(r.status == 2 and r["reason_set"] == 0xA and r["reason_code"] == 0x7F,
     "the SNP test guest runs all its probes (termination 0xA:0x7F; 5 GiB of RAM, C-bit 47)", r)
t.ok(words(r, "pv4k") == [pv(0, 0), pv(0, 1), pv(0, 0), pv(0, 1)],
     "PVALIDATE 4 KiB: validate EAX 0 CF 0, again CF 1 (no change), rescind CF 0, again CF 1", r)
t.ok(words(r, "pv2m") == [pv(0, 0), pv(0, 1), pv(0, 1), pv(0, 0)],
     "PVALIDATE 2 MiB of a range nobody touched: one 2 MiB entry (EAX 0), again CF 1; 4 KiB "
     "inside it: the hypervisor splits the entry on the size-mismatch #NPF (KVM), so validate "
     "reports CF 1 (the page was validated) and rescind succeeds", r)
t.ok(words(r, "pvmix") == [pv(0, 0), pv(6, 0)],
     "a 4 KiB entry inside a range: PVALIDATE 2 MiB of the range is FAIL_SIZEMISMATCH", r)
t.ok(words(r, "pvbad") == [pv(1, 0)] * 3,
     "PVALIDATE of an unaligned 2 MiB address, with RCX = 2, or of a GPA that is not RAM: "
     "FAIL_INPUT (1)", r)
t.ok(words(r, "pvhigh") == [pv(0, 0), pv(0, 0), 0],
     "RAM above 4 GiB: a 2 MiB PVALIDATE at 4 GiB + 2 MiB makes one 2 MiB entry, a 4 KiB rescind "
     "inside it succeeds (split), a read of a still validated page raises nothing", r)
vc = words(r, "vc404")
t.ok(vc == [0x404, 1, 0x404, 1, 2] and r["vc_by_code"].get("0x404") == 3,
     "#VC 0x404 on a read of a rescinded page and on a write of a never-validated one, at the "
     "faulting instruction; reads of validated pages (4 KiB and inside a 2 MiB range) raise none", r)
t.ok(words(r, "pscmsr") == [(1 << 63) | 0x15, 0x15, 0x404],
     "page state change by MSR protocol: operation 3 answered with the generic error "
     "(bit 63 | 0x015), to shared with 0x015; a C=1 read of the shared page then raises #VC 0x404", r)
t.ok(words(r, "tlbpsc") == [0x15, 0x15, pv(0, 0), 0],
     "a page state change flushes the TLBs, as KVM's attribute change does (the NPT zap flushes "
     "the ASID): a page read with C=0, its PTE given the C-bit without a CR3 write, converted to "
     "private by the MSR protocol and validated is then read without #VC 0x404 (Linux 6.1's "
     "decompressor reads its GHCB page so after sev_evict_cache)", r)
snp = r["snp"] or {}
t.ok(snp.get("implicit_conversions") == 1 and snp.get("implicit_first") == 0xB00000,
     "that C=1 access to a shared page is one implicit conversion by the hypervisor (KVM + QEMU "
     "guest_memfd), reported with its GPA in JSON snp", r)
t.ok(words(r, "pscnae") == [1, 0, 3, 512, (1 << 32) | 2, (1 << 32) | 1, 0, pv(0, 0)],
     "page state change by NAE 0x8000_0010: 3 entries in one call (cur_entry 3, the 2 MiB entry's "
     "cur_page 512); an unaligned 2 MiB GFN: invalid entry (1<<32|2); end_entry 253: invalid "
     "header (1<<32|1); 2 MiB back to private, then one 2 MiB PVALIDATE succeeds", r)
t.ok(words(r, "hvft") == [3, (3 << 12) | 0x81],
     "hypervisor features: SNP and SNP AP creation (bits 0, 1), by NAE 0x8000_FFFD and MSR 0x080/0x081", r)
t.ok(words(r, "rmpadjust") == [2, 0, 0, 1, 0, 6] and snp.get("psmash") == 3,
     "RMPADJUST: target VMPL 0 FAIL_PERMISSION (2); VMPL 1 and the VMSA bit on a validated 4 KiB "
     "page 0; an unvalidated page FAIL_INPUT (1); 4 KiB inside a 2 MiB entry 0 after the "
     "hypervisor's split (3 splits in the run); 2 MiB over 4 KiB entries FAIL_SIZEMISMATCH (6)", r)
t.ok(words(r, "apcreate") == [2, 5] * 5 + [0, 0] and r["ghcb_errors"] == 5 and snp.get("ap_destroy") == 1,
     "AP creation refused as KVM refuses it (sw_exit_info_1 2, invalid input): SEV_FEATURES in RAX "
     "not the launch VMSAs', a 2 MiB aligned VMSA, an unknown APIC ID, an unknown request, VMPL 1; "
     "destroy accepted", r)
t.ok(snp.get("pvalidate") == 18 and snp.get("pvalidate_cf") == 4 and snp.get("rmpadjust") == 6 and
     snp.get("psc_calls") == 9,
     "JSON snp counts PVALIDATEs (%s), CF results (%s), RMPADJUSTs (%s) and page state change calls (%s)"
     % (snp.get("pvalidate"), snp.get("pvalidate_cf"), snp.get("rmpadjust"), snp.get("psc_calls")), r)

r = Run(["--mode=sev-snp", "--cbit=51", "--mem=5G", "--psc-max=1", g])
t.ok(words(r, "pscnae")[:4] == [3, 0, 3, 512] and words(r, "pv4k") == [0, 1, 0, 1] and
     words(r, "pvhigh") == [0, 0, 0],
     "--psc-max=1: the hypervisor stops after each entry with success and cur_entry <= end_entry; "
     "the guest calls 3 times (C-bit 51, 5 GiB)", r)

r = Run(["--mode=sev-snp", "--mem=64G", "--cbit=51", "--max-insns=1", g])
t.ok(r["result"] == "timeout" and r["snp"]["validated_pages"] > 0 and r["launch"]["snp_pages"] > 0,
     "--mem=64G: the SNP launch and its RMP (one byte per page, sparse) fit", r)

r = Run(["--mode=sev-snp", "--cmdline=p", g])
t.ok(r.status == 2 and r["terminated_by"] == "hypervisor" and "private in the RMP" in (r["error"] or ""),
     "a registered GHCB that is still private in the RMP (no page state change) is refused: "
     "the hypervisor ends the run", r)
r = Run(["--mode=sev-snp", "--cmdline=u", g])
t.ok(r.status == 2 and r["terminated_by"] == "hypervisor" and "not registered" in (r["error"] or ""),
     "a VMGEXIT with a GHCB GPA other than the registered one ends the run (KVM: SNP requires "
     "registration)", r)
r = Run(["--mode=sev-snp", "--vcpus=2", "--cmdline=b", g])
t.ok(r.status == 2 and r["terminated_by"] == "hypervisor" and
     "lacks the RMP VMSA attribute" in (r["error"] or ""),
     "AP creation with a validated VMSA page that RMPADJUST never marked: VMRUN of the AP fails "
     "and the hypervisor ends the run, naming the RMP VMSA attribute", r)

r = Run(["--mode=sev-snp", "--vcpus=2", "--cmdline=c", g])
t.ok(words(r, "apup") == [0xa9] and r["reason_code"] == 0x7F and (r["vcpu_instructions"] or [0, 0])[1] > 0
     and (r["snp"] or {}).get("ap_create") == 1,
     "AP creation of a VMSA page that RMPADJUST marked, in the AP bring-up state (32-bit, paging "
     "off): vCPU 1 runs from it and writes the flag its BSP waits for", r)

r = Run(["--mode=sev-snp", "--vcpus=2", "--cmdline=n", g])
ap = ((r["smp"] or {}).get("vcpu") or [{}, {}])[1]
t.ok(words(r, "apinit") == [0, 0, 0] and words(r, "apup") == [0xa9] and r["reason_code"] == 0x7F
     and ap.get("inits") == 1 and ap.get("starts") == 1 and ap.get("started_by") == "snp-ap-create"
     and (r["snp"] or {}).get("ap_create") == 1,
     "AP creation request 0 (create on INIT) of the same VMSA: accepted, and vCPU 1 does not run "
     "for 200,000 instructions (10 of the longest scheduler slices); the INIT IPI the BSP then "
     "sends (x2APIC ICR through GHCB MSR events, both answered 0) starts it from the VMSA, once", r)

# The handoff checker's SNP checks (check/snp_handoff.c): a Linux-like handoff by the guest.
def snp_checks(r):
    h = r["handoff"] or {}
    return ({k: v for k, v in (h.get("checks") or {}).items() if k.startswith("snp_")},
            h.get("details") or {})


r = Run(["--mode=sev-snp", "--check-handoff", "--cmdline=h", g])
c, d = snp_checks(r)
t.ok(r["result"] == "handoff" and c == {"snp_ram_validated": True, "snp_no_implicit": True,
                                        "snp_pages_intact": True, "snp_cc_blob": True,
                                        "snp_no_vmsa_in_ram": True}
     and r["snp"]["pvalidate_2m"] == 63 and r["snp"]["validated_pages"] == 32768,
     "handoff after validating all 128 MiB (63 chunks as 2 MiB, the image's chunk page by page) "
     "with a SETUP_CC_BLOB naming the launch's CPUID and secrets pages: every SNP check holds", r)
r = Run(["--mode=sev-snp", "--check-handoff", "--cmdline=i", g])
c, d = snp_checks(r)
ghcb = [ln.split()[0] for ln in subprocess.run(["nm", g], stdout=subprocess.PIPE, text=True).stdout.splitlines()
        if ln.endswith(" ghcb_page")]
t.ok(c.get("snp_ram_validated") is False and ghcb and
     "first at %#x" % int(ghcb[0], 16) in d.get("snp_ram_validated", "")
     and c.get("snp_cc_blob") is True,
     "a page of e820 RAM left shared (the GHCB) fails snp_ram_validated, naming its GPA", r)
r = Run(["--mode=sev-snp", "--check-handoff", "--cmdline=j", g])
c, d = snp_checks(r)
t.ok(c.get("snp_cc_blob") is False and "cpuid_phys" in d.get("snp_cc_blob", "") and
     c.get("snp_ram_validated") is True,
     "a CC blob whose cpuid_phys is not the launch's CPUID page fails snp_cc_blob", r)

# The lies, as this guest sees them (docs/lies.md has the rows against cocoboot).
r = Run(["--mode=sev-snp", "--lie=psc-fake-progress", g])
t.ok(words(r, "pscnae")[:4] == [1, 0, 3, 0] and (r["snp"] or {}).get("psc_pages") == 0 and
     (r["snp"] or {}).get("implicit_conversions", 0) >= 1 and
     (r["snp"] or {}).get("implicit_first", ~0) < 0x400000,
     "psc-fake-progress: every page state change is reported done (cur_entry 3) and none was made "
     "(psc_pages 0); the guest's GHCB page (in its image, below 4 MiB) stayed private: its C=0 "
     "write is the first implicit conversion", r)
r = Run(["--mode=sev-snp", "--lie=psc-error", g])
t.ok(r["reason_code"] == 3 and r["lie_hits"].get("psc-error") == 1,
     "psc-error: the MSR page state change of the GHCB page answers the generic error; the guest "
     "ends (3)", r)
r = Run(["--mode=sev-snp", "--lie=ghcb-reg-other", g])
t.ok(r["reason_code"] == 0x21,
     "ghcb-reg-other: registration answered with another GFN; the guest's check ends it (0x21)", r)
r = Run(["--mode=sev-snp", "--lie=hv-features-none", g])
t.ok(words(r, "hvft") == [0, 0x81], "hv-features-none: both feature answers are 0", r)
r = Run(["--mode=sev-snp", "--vcpus=2", "--lie=ap-create-refused", g])
t.ok(words(r, "apcreate")[-2:] == [2, 5], "ap-create-refused: even the destroy is refused (2, 5)", r)
for lie in ("rmp-reset", "rmp-reset-shared"):
    r = Run(["--mode=sev-snp", "--lie=" + lie, g])
    t.ok(r["reason_code"] == 0x31 and r["vc_by_code"].get("0x404") == 3 and r["lie_hits"].get(lie, 0) >= 1,
         "%s: the page the guest validated last is taken back at a VMGEXIT; its next read raises "
         "a #VC 0x404 the guest did not expect (after its two probes; it ends 0x31)" % lie, r)
t.done()
