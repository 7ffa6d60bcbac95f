#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims: in sevsim (a different CPU model: Unicorn, with a memory-encryption
model), cocoboot hands off to the test unikernel and every ukt check holds
(PVH entry state incl. LAR/LSL, start_info, memory map, module, cmdline):
in mode none and plain SEV ukt prints its report; under SEV-ES start_info
carries SIF_HVM_GHCB, ukt stays off port I/O (it has no #VC handler) and
reports through a GHCB MSR termination request: reason set 0xA, code 0x10
for "all checks held" (tests/payloads/ukt_main.c)."""
import json
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [here, os.path.join(here, "..", "lib")]
from tap import Tap  # noqa: E402
import payload_util as pu  # noqa: E402

sevsim = os.path.join(pu.BUILD, "sevsim")
if not os.access(sevsim, os.X_OK):
    print(f"1..0 # SKIP {sevsim} not built")
    sys.exit(0)
t = Tap()


def run(mode, bundle):
    r = subprocess.run([sevsim, f"--mode={mode}", "--mem=128M", f"--module={bundle}", pu.COCOBOOT],
                       capture_output=True, text=True, timeout=300)
    last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "{}"
    try:
        summary = json.loads(last)
    except ValueError:
        summary = {}
    return r, summary, r.stdout[-3000:] + r.stderr[-1000:]


with pu.tmpdir() as d:
    data = pu.write(os.path.join(d, "data"), b"sim-module\n")
    cl = "ukt.modules=1 ukt.mod0=sim-module ukt.ram_min_mib=100"
    b = pu.mkbundle(os.path.join(d, "b"), pu.UKT, cmdline=cl, initrd=data)
    for mode in ("none", "sev"):
        r, s, diag = run(mode, b)
        t.ok(re.search(r"^ukt: RESULT PASS", r.stdout, re.M) is not None and "ukt: FAIL" not in r.stdout
             and s.get("result") == "shutdown" and s.get("debug_exit") == 0x10,
             f"sevsim mode {mode}: cocoboot -> ukt bundle, every ukt check holds, ukt ends the run", diag)
        t.ok(re.search(r"^ukt: cmdline \[" + re.escape(cl) + r"\]$", r.stdout, re.M) is not None,
             f"sevsim mode {mode}: the payload got the bundle's command line", diag)
    r, s, diag = run("sev-es", b)
    t.ok(s.get("result") == "terminated" and s.get("terminated_by") == "guest"
         and s.get("reason_set") == 0xA and s.get("reason_code") == 0x10,
         "sevsim mode sev-es: cocoboot -> ukt bundle, the payload is entered and every ukt check "
         "holds (GHCB termination request, reason set 0xA code 0x10)", diag)
t.done()
