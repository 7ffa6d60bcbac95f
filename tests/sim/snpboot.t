#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about cocoboot as an SEV-SNP guest in sevsim --mode=sev-snp (docs/abi.md §10):

- it boots to a clean shutdown at C-bit 47 and 51, with 128 MiB and with 4 GiB: the C-bit comes from the CPUID page and
  agrees with the SEV information; every RAM page is validated except the GHCB page, which is
  shared; the hypervisor never had to convert a page behind the guest's back; CPUID leaves the
  boot does not cross-check are answered from the CPUID page without an exit;
- validation uses 2 MiB pages and batched page-state changes (3 NAE calls for 128 MiB: the
  first 64 MiB before the allocator, the rest after smp_init; at most 12 VMGEXITs for 4 GiB,
  RAM above 4 GiB included), and survives a hypervisor
  that returns early from every call (--psc-max);
- each lie of the hypervisor ends the boot with its reason code: a page-state change error
  (0x35), progress it did not make (0x36), GHCB registration answered with another GPA (0x30),
  no CPUID page (0x39), CPUID answers contradicting the page (0x3a), a C-bit in the SEV
  information other than the CPUID page's (0x3b), hypervisor features without SNP (0x3e), a
  validated page taken back (found before the handoff: 0x3f), a RAM page validated at launch
  outside the image (PVALIDATE "no change" after a 2 MiB size mismatch: 0x38); SEV
  features cocoboot does not implement end with the GHCB specification's reason set 0 code 2,
  the bits named on the console first; DebugSwap, which asks nothing of cocoboot, boots;
- payloads: the unikernel (ukt) is handed over in the PVH state with every check true and runs
  to its own PASS under SNP; Debian's bzImage gets the 64-bit handoff with every check true and
  the SETUP_CC_BLOB; with --kernel-hashes (modules in shared pages) both handoffs are green and
  every RAM page is validated at the handoff (the shared module pages were taken private).
  Debian's bzImage with --kernel-hashes only with ORACLE_FULL=1 (make oracle): hashing its
  modules in the guest takes ~25 s of sevsim-fast;
- Linux's own decompressor, run past the handoff, takes the SNP path from the CC blob (hypervisor
  features, VMPL0 check, its own GHCB made shared and registered, CPUID from the CPUID page) and
  prints through the GHCB without terminating; with ORACLE_FULL=1 it reaches the kernel's entry
  with every check true.
Runs sevsim-fast (the optimised build).
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simtest  # noqa: E402
from simtest import BUILD, LINUX_SKIP, Run, Tap, debian_linux  # noqa: E402

# The optimised build (as oracle.t): an SNP boot validates every RAM page, which the ASan
# build makes 4-6 times slower; sevsim's sanitizer runs are the other sim tests.
simtest.SEVSIM = os.path.join(BUILD, "sevsim-fast")
FULL = os.environ.get("ORACLE_FULL") == "1"

IMG = os.path.join(BUILD, "cocoboot.elf")
UKT = os.path.join(BUILD, "tests", "payloads", "ukt.elf")
MKBUNDLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "mkbundle")
SNP = "--mode=sev-snp"

t = Tap()


def snp(r):
    return r["snp"] or {}


def term(r, code, set_=0xC):
    return r["result"] == "terminated" and r["terminated_by"] == "guest" and \
        r["reason_set"] == set_ and r["reason_code"] == code


def handoff_ok(r, abi):
    h = r["handoff"] or {}
    return r["result"] == "handoff" and h.get("abi") == abi and h.get("failed") == [] and \
        len(h.get("checks", {})) >= 20


def ram_pages(r):
    return r["mem"] // 4096


if "snp" not in Run([SNP, IMG]).json:
    print("1..0 # SKIP sevsim has no SNP model (JSON \"snp\")")
    sys.exit(0)

# ---- boots -------------------------------------------------------------------------------
for cbit in (47, 51):
    r = Run([SNP, f"--cbit={cbit}", IMG])
    s = snp(r)
    t.ok(r["result"] == "shutdown" and r["shutdown_reason"] == "poweroff" and r["cbit"] == cbit
         and f"SEV-SNP guest, SEV_STATUS 0x7, C-bit {cbit} (verified)" in r.console,
         f"C-bit {cbit}, 128 MiB: cocoboot boots as an SNP guest to a clean shutdown", r)
    t.ok(s.get("validated_pages") == ram_pages(r) - 1 and s.get("shared_pages") == 1
         and s.get("implicit_conversions") == 0 and s.get("pvalidate_cf") == 0 and s.get("pvalidate_failed") == 0,
         f"C-bit {cbit}: every RAM page validated but the GHCB page, which is shared; no implicit "
         f"conversion, no PVALIDATE failure or no-change ({s})", r)
    vm, vc = r["vmgexits_by_code"] or {}, r["vc_by_code"] or {}
    t.ok(vc.get("0x72", 0) > vm.get("0x72", 0),
         f"C-bit {cbit}: CPUID leaves the boot does not cross-check come from the CPUID page without an "
         f"exit ({vc.get('0x72')} CPUID #VC, {vm.get('0x72')} CPUID exits)", r)

r = Run([SNP, IMG])
s = snp(r)
vm = r["vmgexits_by_code"] or {}
t.ok(vm.get("0x80000010") == 3 and s.get("pvalidate_2m", 0) >= 60
     and "page-state changes" in r.console and "2 MiB retried as 4 KiB" in r.console,
     f"128 MiB validated with 2 MiB PVALIDATEs ({s.get('pvalidate_2m')}) and 3 batched page-state "
     f"changes: 2 for the first 64 MiB before the allocator, 1 for the rest once the APs could share "
     f"it (NAE 0x80000010: {vm.get('0x80000010')})", r)
# 4 GiB: RAM below the PCI hole and above 4 GiB (validated once the final tables map it), at
# both C-bits (issue 12's matrix: C-bit 47 and 51 x 1 and 4 vCPUs x 128 MiB and 4 GiB; the
# 4-vCPU half is in snpsmp.t).
for cbit in (47, 51):
    r = Run([SNP, "--mem=4G", f"--cbit={cbit}", IMG], timeout=900)
    s = snp(r)
    m = re.search(r"snp: validated (\d+) MiB of RAM with (\d+) VMGEXITs", r.console)
    t.ok(r["result"] == "shutdown" and r["cbit"] == cbit and s.get("validated_pages") == ram_pages(r) - 1
         and s.get("implicit_conversions") == 0 and m and int(m.group(1)) >= 4095 and int(m.group(2)) <= 12
         and "memmap[2] [0x000100000000" in r.console,
         f"C-bit {cbit}, 4 GiB (RAM above 4 GiB too), 1 vCPU: every page validated with at most 12 VMGEXITs "
         f"({m.group(2) if m else '?'} for {m.group(1) if m else '?'} MiB: 2 MiB pages, 253 entries a call)", r)

r = Run([SNP, "--psc-max=5", IMG])
vm = r["vmgexits_by_code"] or {}
t.ok(r["result"] == "shutdown" and vm.get("0x80000010", 0) > 60 and snp(r).get("validated_pages") == ram_pages(r) - 1,
     f"a hypervisor that does 5 entries per call: cocoboot repeats the call while it makes progress "
     f"({vm.get('0x80000010')} calls) and boots", r)

# ---- lies --------------------------------------------------------------------------------
lies = [
    ("--lie=psc-error", 0x35, "page-state change answered with an error"),
    ("--lie=psc-fake-progress", 0x36, "page-state change reporting entries done that it never touched"),
    ("--lie=ghcb-reg-other", 0x30, "GHCB registration answered with another GPA"),
    ("--lie=cpuid-page-missing", 0x39, "a launch without the CPUID page"),
    ("--lie=cpuid-cbit-other", 0x3a, "a hypervisor CPUID 0x8000001F that contradicts the CPUID page"),
    ("--lie=cpuid-nx", 0x3a, "a hypervisor CPUID 0x80000001 that contradicts the CPUID page"),
    ("--lie=cbit-wrong", 0x3b, "an SEV information C-bit other than the CPUID page's"),
    ("--lie=hv-features-none", 0x3e, "hypervisor features without SNP"),
]
for arg, code, what in lies:
    r = Run([SNP, arg, IMG])
    name = arg.split("=")[1]
    t.ok(term(r, code) and (r["lie_hits"] or {}).get(name, 0) >= 1,
         f"{what} ({arg}): the guest ends with reason 0xC:{code:#x}", r)

# A page validated before cocoboot validates it (docs/lies.md launch-extra-page): the 2 MiB
# PVALIDATE of its range fails with FAIL_SIZEMISMATCH (its 4 KiB RMP entry), the 4 KiB retry of
# the page itself reports "no change": a double validation, fatal.
r = Run([SNP, "--lie=launch-extra-page", IMG])
s = snp(r)
t.ok(term(r, 0x38) and s.get("pvalidate_failed") == 1 and s.get("pvalidate_cf") == 1
     and "validating RAM: page 0x401000" in r.console and r["launch"]["snp_pages"] == Run([SNP, IMG])["launch"]["snp_pages"] + 1,
     "a RAM page measured and validated at launch outside the image (--lie=launch-extra-page, one more "
     "launch page): one 2 MiB PVALIDATE fails with FAIL_SIZEMISMATCH, the 4 KiB retry reports CF = 1 on "
     "that page; the boot ends with 0xC:0x38 naming page 0x401000", r)

r = Run([SNP, "--sev-features=0x2", IMG])
t.ok(term(r, 2, 0) and "bits 3 (vTOM)" in r.console,
     "SEV_STATUS with vTOM (bit 3), which cocoboot does not implement: the bit is named on the console, "
     "then reason set 0 code 2 (GHCB specification: SNP features not supported)", r)
r = Run([SNP, "--sev-features=0x20", IMG])
t.ok(r["result"] == "shutdown", "SEV_STATUS with DebugSwap (bit 7), which asks nothing of cocoboot: boots", r)

# ---- payloads ----------------------------------------------------------------------------
if not os.path.exists(UKT):
    print(f"ok {t.n + 1} # SKIP {UKT} not built")
    t.n += 1
else:
    with tempfile.TemporaryDirectory(prefix="sevsim-snpboot-") as d:
        data = os.path.join(d, "data")
        with open(data, "wb") as f:
            f.write(b"handoff-module\n")
        ub = os.path.join(d, "ub")
        subprocess.run([MKBUNDLE, "-k", UKT, "-c", "ukt.modules=1 ukt.mod0=handoff-module", "-i", data, "-o", ub],
                       check=True)
        for extra in ([], ["--kernel-hashes"]):
            r = Run([SNP, "--check-handoff", f"--module={ub}"] + extra + [IMG])
            s = snp(r)
            t.ok(handoff_ok(r, "pvh") and s.get("validated_pages") == ram_pages(r) and s.get("shared_pages") == 0
                 and s.get("implicit_conversions") == 0,
                 f"SNP{' --kernel-hashes' if extra else ''}: ukt bundle handed over in the PVH state, every check "
                 f"true, every RAM page validated (the GHCB page{' and the shared module' if extra else ''} "
                 f"taken private again)", r)
        for lie in ("rmp-reset", "rmp-reset-shared"):
            r = Run([SNP, f"--lie={lie}", f"--module={ub}", IMG])
            t.ok(term(r, 0x3f) and (r["lie_hits"] or {}).get(lie, 0) >= 1 and "ukt:" not in r.console,
                 f"--lie={lie}: a page cocoboot validated is taken back; before the handoff every RAM page must "
                 "PVALIDATE as 'no change', so the boot ends with 0xC:0x3f and the payload never runs", r)
        r = Run([SNP, f"--module={ub}", IMG])
        t.ok(term(r, 0x10, 0xA),
             "SNP: ukt runs and ends with its own PASS (reason set 0xA code 0x10): every claim it checks holds", r)

    deb = debian_linux()
    if not deb:
        t.skip(LINUX_SKIP)
    else:
        bz, initrd = deb
        with tempfile.TemporaryDirectory(prefix="sevsim-snpboot-") as d:
            # With --kernel-hashes the guest copies and hashes Debian's 40 MB of modules
            # (~25 s in sevsim-fast): make oracle only, as for sev-es (docs/payloads.md).
            for extra in ([], ["--kernel-hashes"]) if FULL else ([],):
                mods = [f"--module={bz}", f"--module={initrd}"]
                r = Run([SNP, "--mem=512M", "--check-handoff", "--cmdline=loglevel=info -- console=ttyS0"]
                        + mods + extra + [IMG], timeout=600)
                s = snp(r)
                t.ok(handoff_ok(r, "linux64") and "SETUP_CC_BLOB" in r.console
                     and s.get("validated_pages") == ram_pages(r) and s.get("implicit_conversions") == 0,
                     f"SNP{' --kernel-hashes' if extra else ''}: Debian's bzImage gets the 64-bit handoff, every "
                     f"check true, setup_data SETUP_CC_BLOB, all 512 MiB validated", r)

            # Linux's own early code as the oracle (tests/sim/oracle.t): run past the handoff.
            lb = os.path.join(d, "lb")
            subprocess.run([MKBUNDLE, "-k", bz, "-c", "console=ttyS0 earlyprintk=serial nokaslr", "-i", initrd,
                            "-o", lb], check=True)
            insns = 20_000_000_000 if FULL else 8_000_000
            r = Run([SNP, "--mem=512M", f"--max-insns={insns}", "--run-payload-until=linux-kernel-entry",
                     f"--module={lb}", IMG], timeout=14400 if FULL else 600)
            p = r["run"] or {}
            vm, vc = p.get("vmgexits_by_code", {}), p.get("vc_by_code", {})
            # CPUID: answered from the CPUID page; Linux's snp_cpuid_postprocess still asks the
            # hypervisor for leaf 1's APIC ID (and 0xB, 0x8000001E), through the GHCB once it has one
            # (the full run: one exit, for get_cpuflags' leaf 1, of 12 CPUID #VCs).
            t.ok(r["reason_code"] is None and vm.get("msr:0x080", 0) >= 1 and vm.get("msr:0x014", 0) >= 1
                 and vm.get("msr:0x012", 0) >= 1 and vm.get("0x72", 0) < vc.get("0x72", 0)
                 and vc.get("0x404", 0) == 0 and "KASLR disabled" in r.console,
                 "SNP: Linux's decompressor takes the SNP boot path from the CC blob: it asks the hypervisor "
                 "features, passes its VMPL0 check, shares and registers its own GHCB, answers CPUID from the "
                 "CPUID page (fewer CPUID exits than CPUID #VCs: leaf 1's APIC ID comes from the hypervisor) and "
                 f"prints through the GHCB, without termination and without #VC 0x404 ({vm}, #VC {vc})", r)
            if FULL:
                c = p.get("checks", {})
                t.ok(r["result"] == "stopped" and p.get("reached") and p.get("failed") == [] and c.get("long_mode")
                     and c.get("sev_cbit_entry"),
                     f"SNP: Linux's decompressor reaches the kernel entry {p.get('target')} with every check true "
                     f"({p.get('instructions')} instructions after the handoff)", r)
            else:
                t.ok(r["result"] == "timeout" and not p.get("reached"),
                     f"SNP: the short run goes on to its limit ({p.get('instructions')} of Linux's instructions); "
                     "the run to the kernel entry is in make oracle", r)
t.done()
