#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about the real cocoboot image booted in sevsim (docs/sevsim.md).

- it boots to its normal end in modes none, sev and sev-es, at several C-bit
  positions, with and without SIF_HVM_GHCB, and with the flag on a guest that
  has no SEV (a warning, no GHCB);
- under SEV-ES its CPUID and console really go through #VC and the GHCB page,
  and its own count of handled #VCs equals the simulator's;
- the C-bit lie at other C-bit positions than the lie suite's, RDRAND failures, caches
  incoherent across keys, CPUID and memory-map lies under plain SEV and the messages
  that name what was refused (each lie's reason code under SEV-ES: tests/sim/lies.t).
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import BUILD, Run, Tap  # noqa: E402

IMG = os.path.join(BUILD, "cocoboot.elf")
CB_TERM_SET = 0xC

t = Tap()


def clean(r):
    return (r.status == 0 and r["result"] == "shutdown" and r["shutdown_reason"] == "poweroff"
            and "boot complete" in r.console)


# Modes and C-bit positions: the simulator picks the C-bit from the seed (32..39).
r = Run(["--mode=none", IMG])
t.ok(clean(r) and r["vc"] == 0 and r["vmgexits"] == 0,
     "mode none: boots to SCHEDOP_shutdown(poweroff) without #VC or VMGEXIT", r)
t.ok("sev: " not in r.console.replace("sev: not an SEV guest", ""),
     "mode none: no SEV line in the boot log", r)

r = Run(["--mode=sev", "--cmdline=loglevel=info", IMG])
t.ok(clean(r) and r["vc"] == 0 and f"SEV guest, SEV_STATUS 0x1, C-bit {r['cbit']} (verified)" in r.console,
     "mode sev: boots with the C-bit from CPUID, verified, no #VC", r)
t.ok(r["hypercalls_by_nr"].get("29", 0) == 1,
     "mode sev: ends with a sched_op hypercall whose argument was bounced through shared memory", r)

seen = set()
for seed in range(1, 30):
    if len(seen) >= 4:
        break
    r = Run(["--mode=sev-es", f"--seed={seed}", IMG])
    if r["cbit"] in seen:
        continue
    seen.add(r["cbit"])
    t.ok(clean(r) and f"C-bit {r['cbit']} (verified)" in r.console,
         f"sev-es, C-bit {r['cbit']}: boots to a clean shutdown with the C-bit verified", r)
t.ok(len(seen) >= 4, f"sev-es was tried at {len(seen)} distinct C-bit positions ({sorted(seen)})")

# The GHCB path ran, and the guest's count matches the simulator's.
r = Run(["--mode=sev-es", "--cmdline=loglevel=info", IMG])
by = r["vmgexits_by_code"]
t.ok(by.get("0x72", 0) > 0 and by.get("0x7b", 0) > 0 and r["vc_by_code"].get("0x72", 0) > 0
     and r["vc_by_code"].get("0x7b", 0) > 0,
     "sev-es: CPUID (0x72) and IOIO (0x7b) went through #VC and GHCB-page VMGEXITs", r)
m = re.search(r"sev: handled (\d+) #VC \(32-bit entry (\d+)\), (\d+) VMGEXITs", r.console)
# The guest counts before it prints; after the count come two console lines
# (the count itself and the last line: one #VC and one VMGEXIT each) and the
# shutdown hypercall (one VMGEXIT, no #VC).
t.ok(m is not None and int(m.group(1)) + 2 == r["vc"],
     "sev-es: the guest's own count of handled #VCs equals the simulator's", r)
t.ok(m is not None and int(m.group(3)) + 3 == r["vmgexits"],
     "sev-es: the guest's own count of VMGEXITs equals the simulator's", r)
t.ok(r["hypercalls_by_nr"].get("29", 0) == 1 and by.get("0x81", 0) >= 1,
     "sev-es: the boot ends with sched_op made as a VMMCALL NAE event through the GHCB", r)
t.ok("GHCB protocol version 2 (hypervisor offers 1-2)" in r.console,
     "sev-es: the GHCB protocol version is negotiated (2 of 1-2)", r)

# With and without the flag; the flag without SEV.
r = Run(["--mode=sev-es", "--no-ghcb-flag", "--cmdline=loglevel=info", IMG])
t.ok(clean(r) and "lacks SIF_HVM_GHCB: SEV-ES found through SEV_STATUS" in r.console,
     "sev-es without SIF_HVM_GHCB: boots, and says it found SEV-ES through SEV_STATUS", r)
r = Run(["--mode=none", "--ghcb-flag", IMG])
t.ok(clean(r) and r["vmgexits"] == 0 and "has SIF_HVM_GHCB, but SEV_STATUS=0" in r.console,
     "SIF_HVM_GHCB on a guest without SEV: a warning naming the flag and SEV_STATUS, normal boot", r)
r = Run(["--mode=sev", "--ghcb-flag", IMG])
t.ok(clean(r) and r["vc"] == 0 and "has SIF_HVM_GHCB, but SEV_STATUS=0x1" in r.console,
     "SIF_HVM_GHCB on a plain SEV guest: a warning, a plain SEV boot", r)

# The lie suite (tests/sim/lies.t, from docs/lies.md) checks every lie's reason code at
# sevsim's default seed (0). Here: the C-bit lie at two more seeds, i.e. other true and
# other wrong C-bit positions, and that nothing runs after the failed check.
for seed in (1, 2):
    r = Run(["--mode=sev-es", f"--seed={seed}", "--lie=cbit-wrong", IMG])
    t.ok(r.status == 2 and r["result"] == "terminated" and r["reason_set"] == CB_TERM_SET
         and r["reason_code"] == 0x01 and r["terminated_by"] == "guest"
         and "boot complete" not in r.console and r["hypercalls"] == 0,
         f"--lie=cbit-wrong (seed {seed}, C-bit {r['cbit']}): the guest terminates with reason 0x01 "
         "and nothing runs after the failed C-bit check (no console line, no hypercall)", r)

# RDRAND for the C-bit check value (sevsim --rdrand, cpu/rdrand.c): retried as
# Linux does (10 tries per value), the all-ones erratum refused, and no fallback:
# without a good value the boot ends with reason 0x34 (docs/abi.md).
for rd, name in (("absent", "RDRAND absent (#UD)"), ("fail", "RDRAND always CF = 0"),
                 ("ones", "RDRAND returns all ones (erratum)"),
                 ("fail-first=10", "RDRAND fails 10 times in a row")):
    r = Run(["--mode=sev-es", f"--rdrand={rd}", IMG])
    t.ok(r.status == 2 and r["reason_set"] == CB_TERM_SET and r["reason_code"] == 0x34
         and "boot complete" not in r.console,
         f"sev-es, {name}: terminates with reason 0x34 (no random value), no fallback", r)
    r = Run(["--mode=sev", f"--rdrand={rd}", IMG])
    t.ok(r["result"] == "shutdown" and r["debug_exit"] == 0x11 and "reason 0x34" in r.console
         and "boot complete" not in r.console,
         f"plain SEV, {name}: says reason 0x34 on port 0xe9 and ends with the failure status", r)
for rd in ("fail-first=9", "ones-first=9"):
    r = Run(["--mode=sev-es", f"--rdrand={rd}", IMG])
    t.ok(clean(r) and r["rdrand"] == 11,
         f"sev-es, --rdrand={rd}: the 10th try gives a good value, the boot goes on (11 RDRANDs)", r)

# Caches without coherency across keys (sevsim --cache=incoherent): the GHCB page
# is flushed before its C-bit changes, so no request reaches the hypervisor garbled.
for mode in ("sev", "sev-es"):
    r = Run([f"--mode={mode}", "--cache=incoherent", "--cmdline=loglevel=debug", IMG])
    t.ok(clean(r) and r["cache_stale_pages"] == 0 and r["cache_flushes"] >= 64,
         f"{mode}, incoherent caches: a clean boot, the GHCB page flushed before it turned shared", r)

# CPUID lies about the leaves the boot uses (docs/abi.md, "What a CPUID lie costs"):
# NX is asked of the CPU (EFER), so a CPUID that claims or denies it against the
# CPU ends the boot; a CPUID denying long mode or the hypervisor bit is implausible.
# (Under SEV-ES these are rows of docs/lies.md; plain SEV, which has no termination
# request, says the reason on port 0xe9.)
for lie in ("cpuid-nx", "cpuid-no-lm", "cpuid-no-hv"):
    r = Run(["--mode=sev", f"--lie={lie}", IMG])
    t.ok(r["debug_exit"] == 0x11 and "code 0xa)" in r.console and "boot complete" not in r.console,
         f"sev, --lie={lie}: the boot ends with reason 0x0a (implausible CPUID)", r)
r = Run(["--mode=sev-es", "--cmdline=loglevel=info", IMG])
t.ok(clean(r) and "no NX (CPUID and EFER agree)" in r.console and "no 1 GiB pages" in r.console,
     "sev-es on sevsim's CPU (no NX, no 1 GiB pages): the boot says so instead of staying silent", r)

# RAM the C-bit would alias: refused, naming the entry.
r = Run(["--mode=sev-es", "--lie=memmap-above-cbit", IMG])
t.ok(r.status == 2 and r["reason_set"] == CB_TERM_SET and r["reason_code"] == 0x03
     and re.search(r"memmap\[2\] \[0x[0-9a-f]+-0x[0-9a-f]+\) type 1 reaches 2\^%d" % r["cbit"], r.console)
     and "boot complete" not in r.console,
     "sev-es, RAM at 2^C-bit in the memory map: refused naming memmap[2], reason 0x03", r)
r = Run(["--mode=sev", "--lie=memmap-above-cbit", IMG])
t.ok(r["shutdown_reason"] == "crash" and "memmap[2]" in r.console and "boot complete" not in r.console,
     "plain SEV, RAM at 2^C-bit: refused naming memmap[2], the boot ends in failure", r)

# Plain SEV: port 0xe9 string output is unrolled (the hypervisor would read the
# private buffer as ciphertext; sevsim's OUTS in mode sev does exactly that).
r = Run(["--mode=sev", "--cmdline=console=e9 loglevel=info", IMG])
t.ok(clean(r) and "cocoboot: memory: highest free page" in r.console,
     "plain SEV, console=e9 only: the console text reaches the hypervisor readable", r)

# A start_info with a bad magic: the entry says so on port 0xe9 (under SEV-ES, where port
# I/O would raise #VC, it terminates with reason 0x10: a row of docs/lies.md).
r = Run(["--mode=none", "--lie=start-info-magic", IMG])
t.ok(r["result"] == "shutdown" and r["debug_exit"] == 0x11
     and "start_info.magic is not 0x336ec578" in r.console,
     "bad start_info magic: the entry prints the error and ends with the failure status", r)

# The image's page rights under SEV-ES: text is read-only (a write faults with
# P|W and CR2 in the text); sevsim offers no NX, so no claim about data here
# (tests/qemu/boot.t checks NX).
sym = subprocess.run(["nm", IMG], capture_output=True, text=True).stdout
addr = {m.group(2): int(m.group(1), 16) for m in re.finditer(r"^([0-9a-f]+) \w (\S+)$", sym, re.M)}
r = Run(["--mode=sev-es", "--cmdline=cocoboot.fault=wtext", IMG])
cr2 = re.search(r"CR2=([0-9a-f]+)", r.console)
t.ok(r.status == 2 and r["reason_code"] == 0x20 and "exception #PF Page Fault (vector 14) error_code=0x3"
     in r.console and cr2 and addr.get("__text_start", 1) <= int(cr2.group(1), 16) < addr.get("__text_end", 0),
     "sev-es: a write to cocoboot's own text faults (#PF, error code 0x3) and terminates with reason 0x20", r)
early = addr.get("early_pml4", -1)
r = Run(["--mode=sev-es", "--cmdline=cocoboot.fault=wtext-early", IMG])
cr2 = re.search(r"CR2=([0-9a-f]+)", r.console)
cr3 = re.search(r"CR3=([0-9a-f]+)", r.console)
t.ok(r.status == 2 and r["reason_code"] == 0x20 and "error_code=0x3" in r.console and cr2 and cr3
     and int(cr3.group(1), 16) == early
     and addr.get("__text_start", 1) <= int(cr2.group(1), 16) < addr.get("__text_end", 0),
     "sev-es: the same write while the 32-bit entry's tables are live (CR3 = early_pml4) faults too", r)

# A fatal error under SEV-ES prints where a console works, then terminates with its reason.
for fault, name in (("pf", "#PF Page Fault"), ("ud", "#UD Invalid Opcode"), ("de", "#DE Divide Error"),
                    ("gp", "#GP General Protection")):
    r = Run(["--mode=sev-es", f"--cmdline=cocoboot.fault={fault}", IMG])
    t.ok(r.status == 2 and r["reason_set"] == CB_TERM_SET and r["reason_code"] == 0x20
         and f"exception {name}" in r.console and "RIP=" in r.console,
         f"sev-es: a crash ({name}) prints its report, then terminates with reason 0x20 (crash)", r)
t.done()
