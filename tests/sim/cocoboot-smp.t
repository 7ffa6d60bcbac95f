#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about cocoboot's AP bring-up in sevsim (docs/abi.md §7, §8, §11; docs/payloads.md
"APs at hand-off"). The quick subset for `make check`; `make smp-matrix` runs 1, 2, 4, 64 and
255 vCPUs in every mode, `make smp-sweep` 1000 seeds (tests/sim/smp-run.py).

- every mode brings every AP up and parks it as the payload's ABI says (the hand-off checker
  with the test unikernel: aps_parked, ap_jump_table, ap_park_reserved);
- 255 vCPUs under SEV-ES on the jump-table path (x2APIC IDs above 255) all come up;
- the test unikernel wakes the parked APs as Linux would and every AP arrives (sev-es on both
  paths, and without SEV);
- under SEV-ES each AP costs at most 2 VMGEXITs on its bring-up path;
- each lie of the hypervisor about AP start-up ends the boot with its reason code
  (docs/abi.md §4): bring-up page digest 0x15, VCPUOP_up lying 0x16, jump table 0x17,
  an AP that never runs 0x16 (page) / 0x21 (timeout);
- smp= and smp.method= are obeyed; a few seeds of the 4-vCPU SEV-ES bring-up lose no AP;
- one #VC core on every CPU (docs/abi.md §11.3): with loglevel=debug every AP takes #VCs,
  each answered through a GHCB page of its own (sevsim's per-vCPU GHCB GPAs), on both SEV-ES
  paths; a GHCB error struck only at the APs' VMGEXITs (--lie=ghcb-error-ap) ends in the
  AP's own termination request with reason 0x07, not a hang;
- Debian's bzImage under SEV-ES with 4 vCPUs (both paths; the hand-off checker stops at its
  first instruction): every check true: the APs parked in the AP reset hold, the jump table
  registered, the AP area reserved in its E820, and nothing mapped shared (the APs' GHCB
  pages private again, the xAPIC page unmapped); the same in plain SEV (INIT-SIPI-SIPI);
- the vCPU counts of docs/abi.md §11 in modes none and sev too: 1, 2, 64 and 255 vCPUs, every
  AP up (the 255-vCPU SEV-ES run is above; 4 in the first section);
- the test unikernel's wake-up (ukt.aps) in plain SEV as well.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import BUILD, LINUX_SKIP, Run, Tap, debian_linux  # noqa: E402

IMG = os.path.join(BUILD, "cocoboot.elf")
UKT = os.path.join(BUILD, "tests", "payloads", "ukt.elf")
FAST = os.path.join(BUILD, "sevsim-fast")  # the 255-vCPU run: the -O2 build without sanitizers
t = Tap()


def up_line(r):
    for line in r.lines:
        if line.startswith("cocoboot: smp: ") and " CPUs up" in line:
            return line
    return ""


def boot(mode, vcpus, extra=(), cmdline="smp.timeout=2000", payload=True):
    args = [f"--mode={mode}", f"--vcpus={vcpus}", f"--cmdline={cmdline}"] + list(extra)
    if payload:
        args += ["--check-handoff", f"--module={UKT}"]
    return Run(args + [IMG], timeout=600)


def handoff_ok(r):
    h = r["handoff"] or {}
    return r["result"] == "handoff" and h.get("failed") == [] and h["checks"].get("aps_parked")


def aps(r):
    return ((r["smp"] or {}).get("vcpu") or [])[1:]


def reason(r):
    return r["reason_code"]


# -- every AP up and parked, per mode and method --------------------------------------------
cases = [
    ("none", 4, ["--hv=kvm"], "INIT-SIPI-SIPI"),
    ("none", 4, ["--hv=xen"], "VCPUOP_initialise+VCPUOP_up"),
    ("sev", 4, ["--hv=kvm"], "INIT-SIPI-SIPI"),
    ("sev-es", 2, [], "Xen AP bring-up page (SEV-ES)"),
    ("sev-es", 2, ["--bringup-page=off"], "SEV-ES AP jump table"),
]
for mode, n, extra, method in cases:
    r = boot(mode, n, extra)
    t.ok(f"{n} of {n} CPUs up by {method}" in up_line(r) and handoff_ok(r),
         f"mode {mode} {' '.join(extra) or ''} {n} vCPUs: every AP up by {method}, and at hand-off "
         f"every AP parked as docs/payloads.md says (hand-off checker: aps_parked)", r)
    if mode == "sev-es":
        h = (r["handoff"] or {}).get("checks", {})
        t.ok(h.get("ap_jump_table") and h.get("ap_park_reserved") and
             all(a["state"] == "held" for a in aps(r)),
             f"sev-es {method}: every AP waits in the AP reset hold, the jump table is registered and the "
             "AP area is reserved in the payload's memory map", r)
        t.ok(aps(r) and all(a["state"] == "held" and 1 <= a["vmgexits"] <= 2 for a in aps(r)),
             f"sev-es {method}: at most 2 VMGEXITs per AP on its way from launch to the hold "
             f"(measured {[a['vmgexits'] for a in aps(r)]})", r)

# -- the test unikernel wakes the parked APs as Linux would (tests/payloads/ukt_smp.c) -------
# SEV-ES: GET the AP jump table, write its real-mode entry there, INIT-SIPI-SIPI through the
# xAPIC page (GHCB MMIO events); the SIPI completes cocoboot's AP reset hold and the AP
# far-jumps through the table. Without SEV: INIT-SIPI-SIPI to the APs INIT left waiting.
wake = [
    ("sev-es", ["--bringup-page=off"], "SEV-ES AP jump table"),
    ("sev-es", [], "Xen AP bring-up page (SEV-ES)"),
    ("none", ["--hv=kvm"], "INIT-SIPI-SIPI"),
    ("sev", ["--hv=kvm"], "INIT-SIPI-SIPI"),
]
for mode, extra, method in wake:
    r = boot(mode, 4, extra + [f"--module={UKT}"], cmdline="smp.timeout=2000 -- ukt.aps=3", payload=False)
    r_ok = (r["result"] == "terminated" and r["reason_set"] == 0xA and reason(r) == 0x10) \
        if mode == "sev-es" else r["debug_exit"] == 0x10
    woke = all(a["hold_releases"] == 1 and a["started_by"] == "sipi-hold-release" for a in aps(r)) \
        if mode == "sev-es" else all(a["started_by"] == "sipi" and a["starts"] == 2 for a in aps(r))
    t.ok(r_ok and woke and "4 of 4 CPUs up by " + method in up_line(r) and
         "ukt: ok - every AP arrives at ukt's code, each once (ukt.aps) (arrived=0x3)" in r.lines and
         any(x.startswith("ukt: ok - each AP arrives in real mode") for x in r.lines) and
         any(x.startswith("ukt: RESULT PASS") for x in r.lines),
         f"mode {mode} {' '.join(extra)} ({method}): the test unikernel wakes the 3 parked APs the "
         "way Linux would" + (" (jump table GET, its entry written there, INIT-SIPI-SIPI through "
                              "GHCB MMIO events: each AP leaves cocoboot's hold once)" if mode == "sev-es"
                              else " (INIT-SIPI-SIPI)") +
         "; each arrives once at its code, in real mode, with an APIC ID of its own", r)

# -- 255 vCPUs on the SEV-ES jump-table path: APIC IDs up to 508 (x2APIC), which each AP learns
# from CPUID 0xB EDX through the GHCB MSR protocol (sim/cpu/cpuid.c answers it per vCPU) --------
r = Run(["--mode=sev-es", "--vcpus=255", "--bringup-page=off", "--cmdline=smp.timeout=20000", IMG],
        timeout=600, sevsim=FAST)
t.ok("255 of 255 CPUs up by SEV-ES AP jump table" in up_line(r) and r["result"] == "shutdown" and
     len(aps(r)) == 254 and all(a["state"] == "held" and a["vmgexits"] <= 2 for a in aps(r)) and
     max(a["apic_id"] for a in aps(r)) == 508,
     "sev-es jump table, 255 vCPUs: every AP (x2APIC IDs 2..508, found through MSR-protocol CPUID 0xB) "
     "comes up and waits in the AP reset hold, at most 2 VMGEXITs each", r)

# 1 vCPU: no ACPI tables from sevsim, one CPU, a log line
r = boot("sev-es", 1, payload=False)
t.ok(r["result"] in ("shutdown",) and any("running on the boot CPU only" in x for x in r.lines),
     "1 vCPU: no MADT, the boot goes on with the boot CPU and says so", r)

# -- smp= and smp.method= --------------------------------------------------------------------
r = boot("none", 4, ["--hv=kvm"], cmdline="smp=2", payload=False)
t.ok("2 of 4 CPUs up" in up_line(r) and sum(1 for a in aps(r) if a["starts"]) == 1,
     "smp=2 with 4 vCPUs: exactly one AP is started", r)
r = boot("none", 2, ["--hv=xen"], cmdline="smp.method=sipi", payload=False)
t.ok("2 of 2 CPUs up by INIT-SIPI-SIPI" in up_line(r),
     "smp.method=sipi on Xen without SEV: INIT-SIPI-SIPI instead of VCPUOP", r)
r = boot("sev-es", 2, payload=False, cmdline="smp.method=sipi")
t.ok(any("smp.method=sipi: under SEV-ES the hypervisor cannot set an AP's registers" in x for x in r.lines)
     and r["result"] == "shutdown", "smp.method=sipi under SEV-ES is refused with the reason, one CPU", r)

# -- the hypervisor's lies, each caught with its reason code ---------------------------------
lies = [
    ("bringup-digest", [], 0x15, "a bring-up page whose init code does not match the reference digest"),
    ("vcpuop-up-fake", [], 0x16, "VCPUOP_up saying 0 for an AP it never started (its slot stays ARMED)"),
    ("vcpuop-up-error", [], 0x16, "VCPUOP_up failing for an AP it did start (its slot moved)"),
    ("ap-never-up", [], 0x16, "an AP start accepted but the AP never runs (bring-up page: slot ARMED)"),
    ("jump-table-other", [], 0x17, "an AP jump table GET answering another address than the one set"),
    ("ap-never-up", ["--bringup-page=off"], 0x21, "an AP that never runs (jump table): the wait times out"),
    ("sipi-dropped", ["--bringup-page=off"], 0x21, "a Startup IPI dropped: the wait times out naming the AP"),
]
for lie, extra, code, what in lies:
    r = boot("sev-es", 2, extra + [f"--lie={lie}"], cmdline="smp.timeout=300", payload=False)
    t.ok(r["result"] == "terminated" and reason(r) == code and r["terminated_by"] == "guest",
         f"lie {lie}{' ' + ' '.join(extra) if extra else ''}: {what} ends in a GHCB termination "
         f"with reason {code:#x}", r)

# -- a few seeds of the 4-vCPU SEV-ES bring-up (make smp-sweep runs 1000) ----------------------
for seed in (11, 23, 42):
    r = boot("sev-es", 4, [f"--seed={seed}"], payload=False)
    t.ok("4 of 4 CPUs up" in up_line(r) and r["result"] == "shutdown" and
         len(aps(r)) == 3 and all(a["state"] == "held" for a in aps(r)),
         f"seed {seed}: the 4-vCPU SEV-ES bring-up loses no AP and does not hang", r)

# -- one #VC core on every CPU (docs/abi.md §11.3) ---------------------------------------------
# At the default loglevel an AP takes no #VC on its way to the hold (11.2); with loglevel=debug
# it logs a line, i.e. port I/O through #VC and its own GHCB page (page protocol).
es_paths = [([], "Xen AP bring-up page (SEV-ES)"), (["--bringup-page=off"], "SEV-ES AP jump table")]
for extra, method in es_paths:
    r = boot("sev-es", 4, extra, cmdline="smp.timeout=2000 loglevel=debug", payload=False)
    vs = (r["smp"] or {}).get("vcpu") or []
    pages = [set(v["ghcb_gpas"]) for v in vs]
    apart = all(not (pages[i] & pages[k]) for i in range(len(vs)) for k in range(i))
    t.ok("4 of 4 CPUs up by " + method in up_line(r) and r["result"] == "shutdown" and len(vs) == 4 and
         all(v["vc"] >= 1 and v["ghcb_gpas"] and not v["ghcb_gpas_more"] for v in vs) and apart and
         all(a["state"] == "held" for a in aps(r)),
         f"sev-es {method}, loglevel=debug: every AP takes #VCs ({[v['vc'] for v in vs[1:]]}), answered "
         f"through a GHCB page of its own, no CPU's page another's ({[sorted(hex(g) for g in p) for p in pages]})", r)
    r = boot("sev-es", 4, extra + ["--lie=ghcb-error-ap"], cmdline="smp.timeout=2000 loglevel=debug",
             payload=False)
    tv = r["terminated_vcpu"]
    t.ok(r["result"] == "terminated" and r["terminated_by"] == "guest" and reason(r) == 0x07 and
         isinstance(tv, int) and tv >= 1 and (r["lie_hits"] or {}).get("ghcb-error-ap", 0) >= 1 and
         not any("boot complete" in x for x in r.lines),
         f"sev-es {method}: a GHCB error answered to the APs only (ghcb-error-ap) ends in a termination "
         f"request with reason 0x07 made by the AP itself (vcpu{tv}), before the boot completes", r)

# -- Debian's Linux after cocoboot with APs: the hand-off checker at its first instruction -------
deb = debian_linux()
if not deb:
    t.skip(LINUX_SKIP)
else:
    bz, initrd = deb
    linux = [("sev-es", extra, method) for extra, method in es_paths] + [("sev", ["--hv=kvm"], "INIT-SIPI-SIPI")]
    for mode, extra, method in linux:
        r = Run([f"--mode={mode}", "--vcpus=4", "--mem=512M", "--check-handoff", f"--module={bz}",
                 f"--module={initrd}", "--cmdline=smp.timeout=2000 -- console=ttyS0"] + extra + [IMG],
                timeout=600, sevsim=FAST)
        h = r["handoff"] or {}
        c = h.get("checks", {})
        es = mode == "sev-es"
        t.ok(r["result"] == "handoff" and h.get("abi") == "linux64" and h.get("failed") == [] and
             "4 of 4 CPUs up by " + method in up_line(r) and c.get("aps_parked") and c.get("sev_nothing_shared") and
             (not es or (c.get("ap_jump_table") and c.get("ap_park_reserved") and
                         all(a["state"] == "held" for a in aps(r)))),
             f"mode {mode} ({method}), 4 vCPUs -> Debian's bzImage: the linux64 hand-off with every check true: "
             + ("the 3 APs in the AP reset hold, the jump table registered, the AP area reserved in the E820 "
                "Linux gets, " if es else "the 3 APs waiting for a SIPI, ") +
             f"nothing mapped shared ({h.get('failed')}, {h.get('details')})", r)

# -- more vCPU counts without SEV-ES: 1, 2, 64, 255 in modes none and sev (INIT-SIPI-SIPI) -----
# (4 is in the first section; make smp-matrix runs every count in every mode)
counts = [(m, n) for m in ("none", "sev") for n in (1, 2, 64, 255)]
for (mode, n), r in zip(counts, [Run([f"--mode={m}", "--hv=kvm", f"--vcpus={n}", "--cmdline=smp.timeout=20000", IMG],
                                      timeout=600, sevsim=FAST) for m, n in counts]):
    want = f"{n} of {n} CPUs up by INIT-SIPI-SIPI" if n > 1 else "running on the boot CPU only"
    t.ok(r["result"] == "shutdown" and (want in up_line(r) if n > 1 else any(want in x for x in r.lines)) and
         (n == 1 or ((r["smp"] or {}).get("aps_started") == n - 1 and len(aps(r)) == n - 1)),
         f"mode {mode}, {n} vCPU{'s' if n > 1 else ''}: " +
         (f"every one of the {n - 1} APs up by INIT-SIPI-SIPI" if n > 1 else "the boot CPU alone, said so"), r)

t.done()
