#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about cocoboot's SMP under SEV-SNP in sevsim --mode=sev-snp (docs/abi.md §13):

- with 4 vCPUs at C-bit 47 and 51, 128 MiB and 4 GiB, every AP is started by SNP AP creation
  (NAE 0x8000_0013 create, from a VMSA cocoboot built) and reports in; each AP costs at most 2
  VMGEXITs (its GHCB registration and its page-state change); the RAM left after the boot CPU's
  first 64 MiB is validated by all 4 CPUs in parallel, each with its own batches, and every RAM
  page ends validated; a lie about an AP's page-state change is caught by that AP (0x36);
- at the handoff (the unikernel in the PVH state, Debian's bzImage at its first instruction)
  the checker is green with 4 vCPUs: every AP's VMSA destroyed (aps_parked), no page of the
  payload's RAM is still a VMSA page (snp_no_vmsa_in_ram), all RAM validated, nothing shared;
- the checker catches a guest that keeps an AP's VMSA (cocoboot.fault=snp-vmsa-kept);
- smp.method=snp is the platform's choice under SNP, smp.method=page is refused there, and
  smp.method=snp is refused outside SNP; smp=1 validates everything on the boot CPU;
- a hypervisor whose features lack AP creation (bit 1) gets a one-CPU boot with the reason
  logged, and a green handoff with the unstarted vCPU;
- a few scheduler seeds lose no AP.
The lies about AP creation (ap-create-refused, ap-never-up, ap-destroy-ignored) are rows of
docs/lies.md, run by tests/sim/lies.t. Runs sevsim-fast (every RAM page is validated).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simtest  # noqa: E402
from simtest import BUILD, LINUX_SKIP, Run, Tap, debian_linux  # noqa: E402

simtest.SEVSIM = os.path.join(BUILD, "sevsim-fast")
IMG = os.path.join(BUILD, "cocoboot.elf")
UKT = os.path.join(BUILD, "tests", "payloads", "ukt.elf")
SNP = "--mode=sev-snp"
METHOD = "SEV-SNP AP creation"

t = Tap()


def up_line(r):
    return next((x for x in r.lines if x.startswith("cocoboot: smp: ") and " CPUs up" in x), "")


def aps(r):
    return ((r["smp"] or {}).get("vcpu") or [])[1:]


def all_validated(r, shared=1):
    """Every RAM page validated but `shared` (the GHCB page without a payload), no implicit
    conversion; without a handoff (no re-check pass, which PVALIDATEs everything again
    expecting "no change") also no PVALIDATE that reported no change or failed."""
    s = r["snp"] or {}
    again = r["result"] == "handoff" or shared == 0
    return s.get("validated_pages") == r["mem"] // 4096 - shared and s.get("implicit_conversions") == 0 \
        and (again or (s.get("pvalidate_cf") == 0 and s.get("pvalidate_failed") == 0))


def spread(r, n):
    return f"validated by {n} CPUs in parallel" in r.console


def checks(r):
    return (r["handoff"] or {}).get("checks") or {}


def handoff_ok(r, abi):
    h = r["handoff"] or {}
    return r["result"] == "handoff" and h.get("abi") == abi and h.get("failed") == [] and \
        checks(r).get("aps_parked") and checks(r).get("snp_no_vmsa_in_ram")


def boot(extra, cmdline="smp.timeout=2000", timeout=600):
    return Run([SNP, "--vcpus=4", f"--cmdline={cmdline}"] + extra + [IMG], timeout=timeout)


# ---- 4 vCPUs up, RAM validated by all of them -------------------------------------------
for cbit in (47, 51):
    r = boot([f"--cbit={cbit}"])
    s = r["snp"] or {}
    t.ok(r["result"] == "shutdown" and f"4 of 4 CPUs up by {METHOD}" in up_line(r)
         and all(a["started_by"] == "snp-ap-create" for a in aps(r)) and len(aps(r)) == 3
         and s.get("ap_create") == 3 and s.get("ap_destroy") == 3,
         f"C-bit {cbit}, 128 MiB, 4 vCPUs: every AP started from its own VMSA by NAE 0x8000_0013 and "
         f"reports in; all 3 destroyed before the end ({s.get('ap_create')} created, "
         f"{s.get('ap_destroy')} destroyed)", r)
    t.ok(all_validated(r) and spread(r, 4) and all(2 <= a["vmgexits"] <= 2 for a in aps(r)),
         f"C-bit {cbit}: every RAM page validated but the GHCB page; the RAM above the first 64 MiB "
         f"shared by 4 CPUs, each AP with 2 VMGEXITs (GHCB registration, its page-state change: "
         f"{[a['vmgexits'] for a in aps(r)]})", r)

for cbit in (47, 51):
    r = boot([f"--cbit={cbit}", "--mem=4G"])
    t.ok(r["result"] == "shutdown" and r["cbit"] == cbit and f"4 of 4 CPUs up by {METHOD}" in up_line(r)
         and all_validated(r) and spread(r, 4) and all(a["vmgexits"] <= 4 for a in aps(r)),
         f"C-bit {cbit}, 4 GiB (RAM above 4 GiB), 4 vCPUs: every AP up, every RAM page validated, the work "
         f"shared by 4 CPUs ({[a['vmgexits'] for a in aps(r)]} VMGEXITs per AP)", r)

# ---- an AP's share is checked as strictly as the boot CPU's ------------------------------
# The VMGEXIT at which vcpu2 makes its first page-state change (a traced run), then the lie
# "progress reported, nothing done" at exactly that exit: vcpu2 itself must end the boot.
tr = Run([SNP, "--vcpus=4", "--trace", IMG])
gexits = [x for x in tr.stderr.splitlines() if "VMGEXIT" in x]
n = next((i for i, x in enumerate(gexits, 1) if "vcpu2: VMGEXIT ghcb" in x and "exit 0x80000010" in x), 0)
r = Run([SNP, "--vcpus=4", f"--lie=psc-fake-progress@{n}", "--trace", IMG])
ends = [x for x in r.stderr.splitlines() if "VMGEXIT" in x][-2:]
t.ok(n > 0 and r["result"] == "terminated" and r["reason_set"] == 0xC and r["reason_code"] == 0x36
     and (r["lie_hits"] or {}).get("psc-fake-progress") == 1 and all("vcpu2:" in x for x in ends)
     and "validating RAM: page 0x6000000" in r.console,
     f"fake progress on vcpu2's page-state change (VMGEXIT {n}): vcpu2 ends the boot with 0xC:0x36, "
     "naming the first page of its share (0x6000000)", r)

# ---- handoff with 4 vCPUs ----------------------------------------------------------------
if not os.path.exists(UKT):
    print(f"ok {t.n + 1} # SKIP {UKT} not built")
    t.n += 1
else:
    r = boot(["--check-handoff", f"--module={UKT}"])
    t.ok(handoff_ok(r, "pvh") and all_validated(r, 0) and f"4 of 4 CPUs up by {METHOD}" in up_line(r),
         "ukt with 4 vCPUs: handed over in the PVH state with every check true: APs destroyed "
         "(aps_parked), no VMSA page left in its RAM, every RAM page validated (the APs' GHCB pages "
         f"private again): {checks(r).get('aps_parked')}", r)
    r = boot(["--check-handoff", f"--module={UKT}"], cmdline="smp.timeout=2000 cocoboot.fault=snp-vmsa-kept")
    d = (r["handoff"] or {}).get("details") or {}
    t.ok(r["result"] == "handoff" and checks(r).get("snp_no_vmsa_in_ram") is False
         and checks(r).get("aps_parked") is False and "first at 0x" in d.get("snp_no_vmsa_in_ram", ""),
         "a guest that leaves CPU 1's VMSA (cocoboot.fault=snp-vmsa-kept) fails snp_no_vmsa_in_ram, naming "
         f"the page ({d.get('snp_no_vmsa_in_ram')}), and aps_parked", r)
    r = boot([f"--module={UKT}", "--seed=7"])
    t.ok(r["result"] == "terminated" and r["reason_set"] == 0xA and r["reason_code"] == 0x10,
         "ukt runs after a 4-vCPU SNP boot and ends with its own PASS (reason set 0xA code 0x10)", r)

deb = debian_linux()
if not deb:
    t.skip(LINUX_SKIP)
else:
    bz, initrd = deb
    r = boot(["--mem=512M", "--check-handoff", f"--module={bz}", f"--module={initrd}"],
             cmdline="smp.timeout=2000 loglevel=info -- console=ttyS0")
    t.ok(handoff_ok(r, "linux64") and checks(r).get("snp_cc_blob") and checks(r).get("sev_nothing_shared")
         and all_validated(r, 0) and f"4 of 4 CPUs up by {METHOD}" in up_line(r),
         "Debian's bzImage with 4 vCPUs: the 64-bit handoff (its first instruction) with every check true: "
         "SETUP_CC_BLOB, APs destroyed and no VMSA page in its e820 RAM (Linux creates its own), all "
         "512 MiB validated, nothing mapped shared (no xAPIC page: AP creation sends no IPI)", r)

# ---- smp.method= and smp= ------------------------------------------------------------------
r = boot([], cmdline="smp.timeout=2000 smp.method=snp")
t.ok(r["result"] == "shutdown" and f"4 of 4 CPUs up by {METHOD}" in up_line(r),
     "smp.method=snp under SNP: the same method as the platform's choice", r)
r = boot([], cmdline="smp.method=page")
t.ok(r["result"] == "shutdown" and all_validated(r)
     and any("smp.method=page: under SEV-SNP cocoboot starts APs by AP creation" in x for x in r.lines),
     "smp.method=page under SNP is refused with the reason; the boot goes on with one CPU", r)
r = Run(["--mode=sev-es", "--vcpus=2", "--cmdline=smp.method=snp", os.path.join(BUILD, "cocoboot.elf")])
t.ok(r["result"] == "shutdown" and any("smp.method=snp: needs SEV-SNP" in x for x in r.lines),
     "smp.method=snp under SEV-ES is refused with the reason", r)
r = boot([], cmdline="smp=1")
t.ok(r["result"] == "shutdown" and all_validated(r) and not spread(r, 4) and all(not a["starts"] for a in aps(r)),
     "smp=1 under SNP: no AP started, the boot CPU validates all RAM alone", r)

# ---- a hypervisor without AP creation (feature bit 1; docs/abi.md §13) ----------------------
if os.path.exists(UKT):
    r = Run([SNP, "--vcpus=2", "--lie=hv-features-no-ap-create", "--check-handoff", f"--module={UKT}", IMG])
    smp = r["smp"] or {}
    t.ok(handoff_ok(r, "pvh") and all_validated(r, 0) and smp.get("aps_started") == 0
         and smp.get("ap_start_requests") == 0 and (r["lie_hits"] or {}).get("hv-features-no-ap-create") == 1
         and "cocoboot: smp: running on the boot CPU only: SEV-SNP: the hypervisor does not offer AP "
             "creation (feature bit 1)" in r.lines,
         "2 vCPUs, hypervisor features with SNP (bit 0) but not AP creation (bit 1): cocoboot says so, "
         "starts no AP (no AP creation request), validates all RAM itself and hands ukt over with "
         "every check true (the never-started vCPU 1 passes aps_parked)", r)
else:
    print(f"ok {t.n + 1} # SKIP {UKT} not built")
    t.n += 1

# ---- scheduler seeds -------------------------------------------------------------------------
for seed in (11, 23, 42):
    r = boot([f"--seed={seed}"])
    t.ok(r["result"] == "shutdown" and f"4 of 4 CPUs up by {METHOD}" in up_line(r) and all_validated(r),
         f"seed {seed}: every AP created, reporting in and validating its share; no AP lost", r)

t.done()
