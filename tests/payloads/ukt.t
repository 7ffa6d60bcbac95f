#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about cocoboot handing off to the in-tree PVH test unikernel (ukt):
ukt checks the entry state and the start_info it receives (tests/payloads/
ukt_main.c) and ends the run itself with isa-debug-exit (33 = all claims held)."""
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [here, os.path.join(here, "..", "lib"), os.path.join(here, "..", "qemu")]
from tap import Tap  # noqa: E402
from qemu import EXIT_SUCCESS, boot, kvm_usable  # noqa: E402
import payload_util as pu  # noqa: E402


def cmdline_seen(b):
    m = re.search(r"^ukt: cmdline \[(.*)\]$", b.log, re.M)
    return m.group(1) if m else None


def passed(b):
    return b.rc == EXIT_SUCCESS and re.search(r"^ukt: RESULT PASS", b.log, re.M) is not None


t = Tap()
with pu.tmpdir() as d:
    data = pu.write(os.path.join(d, "data"), b"hello-module-data\n")
    data2 = pu.write(os.path.join(d, "data2"), b"second-module\n")
    expect = "ukt.modules=1 ukt.mod0=hello-module ukt.ram_min_mib=100 ukt.rsdp=1"

    b = boot(image=pu.UKT, cmdline=expect, initrd=data)
    t.ok(passed(b), "ukt's own checks pass under QEMU's PVH loader (the checker is sound)", b.diag())

    bundle = pu.mkbundle(os.path.join(d, "b"), pu.UKT, cmdline=expect, initrd=data)
    b = boot(initrd=bundle)
    t.ok(passed(b), "bundle (kernel + cmdline + appended module): ukt sees the PVH entry state, "
         "a sane memory map, its module and the RSDP", b.diag())
    t.ok(cmdline_seen(b) == expect, "bundle: the payload command line is the bundle's cocoboot/cmdline",
         b.diag())
    t.ok(re.search(r"^cocoboot: payload: cmdline \(bundle cocoboot/cmdline\): '(.*)'$", b.log, re.M)
         and re.search(r"^cocoboot: payload: cmdline \(bundle cocoboot/cmdline\): '(.*)'$", b.log,
                       re.M).group(1) == expect,
         "bundle: cocoboot's log shows that command line exactly, once",
         b.diag())
    t.ok("(module 0 command line)" not in b.log and "moving module" not in b.log,
         "bundle: the page-aligned appended module is handed over in place", b.diag())

    over = "ukt.modules=1 ukt.mod0=hello-module from-dashdash"
    b = boot(initrd=bundle, cmdline=f"loglevel=info -- {over}")
    t.ok(passed(b) and cmdline_seen(b) == over,
         "the part of cocoboot's command line after ' -- ' overrides the bundle's cmdline", b.diag())

    nested = pu.mkbundle(os.path.join(d, "n"), pu.UKT, cmdline=expect, nested=data)
    b = boot(initrd=nested)
    t.ok(passed(b), "bundle with a nested cocoboot/initrd: ukt gets it as module 0 (moved onto a page)",
         b.diag())

    mods = "ukt.modules=2 ukt.mod0=hello ukt.mod0.cmdline=first ukt.mod1=second ukt.mod1.cmdline=two"
    mml = pu.mkmml(os.path.join(d, "m"), pu.COCOBOOT, [(pu.UKT, mods), (data, "first"), (data2, "two")])
    b = boot(image=pu.MML, initrd=mml)
    t.ok(passed(b) and cmdline_seen(b) == mods,
         "three modules (kernel + 2): ukt gets modules 1 and 2 with their command lines, "
         "and module 0's command line", b.diag())

    b = boot(initrd=bundle, mem="4G", smp=2)
    t.ok(passed(b), "4 GiB guest (RAM above 4 GiB): the handoff still passes every ukt check", b.diag())

    # The APs cocoboot parked (INIT: waiting for a SIPI) are woken by ukt as Linux would:
    # INIT, SIPI, SIPI to a real-mode page of its own (tests/payloads/ukt_smp.c)
    aps = pu.mkbundle(os.path.join(d, "a"), pu.UKT, cmdline=expect + " ukt.aps=3", initrd=data)
    b = boot(initrd=aps, smp=4)
    t.ok(passed(b) and "ukt: ok - every AP arrives at ukt's code, each once (ukt.aps) (arrived=0x3)" in b.log
         and "ukt: ok - each AP arrives in real mode" in b.log,
         "-smp 4 (TCG): ukt wakes the 3 parked APs with INIT-SIPI-SIPI; each arrives once at its "
         "real-mode code with an APIC ID of its own", b.diag())

    # The KVM here (PVM-style, no nested virtualisation) hangs emulating LAR
    # with paging off, so the segment checks (LAR/LSL) are left to TCG.
    claim = "KVM: bundle handoff to ukt passes every check but LAR/LSL (TCG covers those)"
    usable, why = kvm_usable()
    if usable:
        kb = pu.mkbundle(os.path.join(d, "k"), pu.UKT, cmdline=expect + " ukt.segcheck=0", initrd=data)
        b = boot(initrd=kb, accel="kvm")
        t.ok(passed(b), claim, b.diag())
    else:
        t.skip(claim, f"KVM not usable: {why}")
t.done()
