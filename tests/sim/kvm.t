#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about sevsim's GHCB checks against KVM's (arch/x86/kvm/svm/sev.c,
sev_es_validate_vmgexit, setup_vmgexit_scratch, sev_handle_vmgexit_msr_protocol;
docs/sevsim.md "KVM-strict GHCB checks"):

- each GHCB request that omits an input KVM requires is refused as KVM refuses it:
  sw_exit_info_1 = 2 and sw_exit_info_2 = the GHCB error code, and the run names the field;
- complete requests of the same kinds are served (the probe itself works);
- the SNP-only MSR-protocol requests terminate a guest that is not SNP;
- cocoboot still boots clean, with no refused request, in sev-es at both real C-bits.
The probes are rows of a table in tests/sim/guest_es.asm (command line "k").
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import BUILD, Run, Tap, guest  # noqa: E402

IMG = os.path.join(BUILD, "cocoboot.elf")
OK, MISSING, SCRATCH, INPUT = (0, 0), (2, 4), (2, 3), (2, 5)
ROWS = [  # (what the row sends, the answer KVM gives)
    ("CPUID with RAX and RCX", OK),
    ("CPUID without sw_exit_code valid", MISSING),
    ("CPUID without sw_exit_info_1 valid", MISSING),
    ("CPUID without sw_exit_info_2 valid", MISSING),
    ("CPUID without RCX", MISSING),
    ("CPUID leaf 0xD without XCR0", MISSING),
    ("MONITOR with RAX, RCX and RDX", OK),
    ("MONITOR without RDX", MISSING),
    ("MONITOR without RCX", MISSING),
    ("MWAIT without RAX", MISSING),
    ("MWAIT without RCX", MISSING),
    ("WRMSR without RDX", MISSING),
    ("RDMSR without RCX", MISSING),
    ("VMMCALL without CPL", MISSING),
    ("OUT without RAX", MISSING),
    ("RDPMC without RCX", MISSING),
    ("DR7 write without RAX", MISSING),
    ("MMIO read without sw_scratch", MISSING),
    ("MMIO read with sw_scratch in the GHCB save area", SCRATCH),
    ("MMIO read with sw_scratch outside the GHCB under protocol version 2", SCRATCH),
    ("MMIO read with sw_scratch in the shared buffer", OK),
    ("CPUID with protocol_version 3 (sevsim is stricter than KVM here)", INPUT),
]

t = Tap()
g = guest("guest_es")
r = Run(["--mode=sev-es", "--cmdline=k", g])
line = next((l for l in r.lines if l.startswith("kvm ")), "")
vals = [int(x, 16) for x in line.split()[1:]]
got = list(zip(vals[0::2], vals[1::2]))
t.ok(r.status == 0 and r["result"] == "shutdown" and len(got) == len(ROWS),
     f"the probe guest runs all {len(ROWS)} rows and powers off", r)
for i, (what, want) in enumerate(ROWS):
    t.ok(i < len(got) and got[i] == want,
         f"{what}: sw_exit_info_1/2 = {want[0]}/{want[1]}"
         + (f" (got {got[i][0]}/{got[i][1]})" if i < len(got) and got[i] != want else ""), r)
nae = next((l for l in r.lines if l.startswith("nae_errors ")), "").split()[1::2]
refused = sum(1 for _, w in ROWS if w != OK) + sum(1 for x in nae if int(x, 16) == 2)
t.ok(r["ghcb_errors"] == refused and "protocol_version 3" in (r["ghcb_last_error"] or ""),
     f"JSON ghcb_errors counts the {refused} refusals (these and the nae_errors line's) and ghcb_last_error names the field "
     f"({r['ghcb_last_error']})", r)

# The error message names the missing field.
r = Run(["--mode=sev-es", "--cmdline=k", "--trace", g])
for field in ("sw_exit_info_1 not valid", "RCX not valid", "RDX not valid", "CPL not valid",
              "sw_scratch not valid", "leaves its shared buffer", "outside the GHCB under protocol version 2"):
    t.ok(field in r.stderr, f"--trace names the refused field: '{field}'", r)

# SNP-only MSR-protocol requests outside SNP: KVM terminates the guest.
r = Run(["--mode=sev-es", "--cmdline=g", g])
t.ok(r.status == 2 and r["terminated_by"] == "hypervisor"
     and "request 0x10 is for SNP guests only" in (r["error"] or ""),
     "MSR protocol 0x010 from an SEV-ES guest: the hypervisor terminates it, naming the request", r)

# cocoboot is not refused anything.
for cbit in (47, 51):
    r = Run(["--mode=sev-es", f"--cbit={cbit}", IMG])
    t.ok(r.status == 0 and r["result"] == "shutdown" and "boot complete" in r.console
         and r["ghcb_errors"] == 0 and r["vmgexits"] > 0,
         f"cocoboot, sev-es, C-bit {cbit}: boots clean with {r['vmgexits']} VMGEXITs and no GHCB "
         "request refused", r)
t.done()
