#!/usr/bin/env python3
# The real image in sevsim: build/cocoboot.elf boots to its normal end in mode none and as an
# SEV-ES guest (with and without SIF_HVM_GHCB), and under SEV-ES its CPUID and console go
# through #VC and the GHCB.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Run, Tap, BUILD

img = os.path.join(BUILD, "cocoboot.elf")
if not os.path.exists(img):
    print("1..0 # SKIP %s not built" % img)
    sys.exit(0)
t = Tap()
r = Run(["--mode=none", img])
t.ok(r.status == 0 and r["result"] == "shutdown" and r["shutdown_reason"] == "poweroff" and
     r["vc"] == 0, "mode none: cocoboot boots to SCHEDOP_shutdown(poweroff)", r)
for seed in (1, 2):
    r = Run(["--mode=sev-es", "--seed=%d" % seed, img])
    t.ok(r.status == 0 and r["result"] == "shutdown" and r["shutdown_reason"] == "poweroff",
         "sev-es (C-bit %s): cocoboot boots to a clean shutdown" % r["cbit"], r)
    t.ok(r["vmgexits_by_code"].get("0x72", 0) + r["vmgexits_by_code"].get("msr:0x004", 0) > 0 and
         r["vmgexits_by_code"].get("0x7b", 0) > 0 and r["vc_by_code"].get("0x72", 0) > 0,
         "sev-es: CPUID and IOIO went through #VC and the GHCB", r)
r = Run(["--mode=sev-es", "--no-ghcb-flag", img])
t.ok(r.status == 0 and r["result"] == "shutdown",
     "sev-es without SIF_HVM_GHCB: cocoboot still boots", r)
t.done()
