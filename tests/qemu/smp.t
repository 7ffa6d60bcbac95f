#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about SMP bring-up in real QEMU (TCG): cocoboot counts the CPUs in
the MADT, starts every AP by INIT-SIPI-SIPI at once, each AP reports in from
64-bit C on its own stack with its own APIC ID, the log lines of several CPUs
never mix, smp= limits the count, a second MADT is refused, and the APs are
parked by INIT before the end. Each boot ends by itself (isa-debug-exit)."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(__file__))
from tap import Tap  # noqa: E402
from qemu import EXIT_FAILURE, EXIT_SUCCESS, boot  # noqa: E402

ONLINE = re.compile(r"^cocoboot: smp: CPU (\d+) \(APIC ID (0x[0-9a-f]+)\) online$")
t = Tap()


def online(b):
    return {int(m.group(1)): int(m.group(2), 16) for m in map(ONLINE.match, b.log.splitlines()) if m}


def whole_lines(b):
    """Every line is one of cocoboot's: it starts with a known prefix, and no
    'online' report is glued to another line."""
    bad = [ln for ln in b.log.splitlines()
           if not re.match(r"^(cocoboot|xen): ", ln) or (" online" in ln and not ONLINE.match(ln))]
    return not bad, "mixed lines:\n" + "\n".join(bad[:10])


for n in (4, 8, 64):
    b = boot(mem="256M", smp=n, cmdline="loglevel=debug", timeout=120)
    t.ok(b.rc == EXIT_SUCCESS and b.line("cocoboot: boot complete") is not None,
         f"-smp {n}: the boot ends by itself with the success status", b.diag())
    t.ok(b.line(f"cocoboot: smp: {n} of {n} CPUs up by INIT-SIPI-SIPI in ") is not None,
         f"-smp {n}: the MADT lists {n} CPUs and all {n} are up by INIT-SIPI-SIPI", b.diag())
    got = online(b)
    t.ok(sorted(got) == list(range(1, n)) and all(got[i] == i for i in got),
         f"-smp {n}: each of the {n - 1} APs reported online once, with its own APIC ID "
         "(QEMU numbers them 0..n-1)", b.diag())
    ok, why = whole_lines(b)
    t.ok(ok, f"-smp {n}: {n} CPUs printing at once never mix their lines (console line lock)",
         why + "\n" + b.diag())
    t.ok(b.line(f"cocoboot: smp: {n - 1} APs parked by INIT: waiting for a Startup IPI") is not None,
         f"-smp {n}: the {n - 1} APs are parked by INIT before the end", b.diag())

b = boot(smp=1)
t.ok(b.rc == EXIT_SUCCESS and b.line("cocoboot: smp: 1 of 1 CPUs up") is not None,
     "-smp 1: one CPU in the MADT, nothing started, the boot ends cleanly", b.diag())

b = boot(smp=4, cmdline="smp=off loglevel=debug")
t.ok(b.rc == EXIT_SUCCESS and b.line("cocoboot: smp: 1 CPU (smp=off): APs not started") is not None
     and not online(b), "smp=off at -smp 4: no AP is started", b.diag())

b = boot(smp=4, cmdline="smp=2 loglevel=debug")
t.ok(b.rc == EXIT_SUCCESS and b.line("cocoboot: smp: 2 of 4 CPUs up by INIT-SIPI-SIPI") is not None
     and sorted(online(b)) == [1], "smp=2 at -smp 4: exactly one AP (the MADT's second CPU) is started",
     b.diag())

b = boot(smp=2, cmdline="smp=0")
t.ok(b.line("cocoboot: warning: cmdline: smp='0' is not off or a CPU count 1-65535: all CPUs")
     is not None and b.line("cocoboot: smp: 2 of 2 CPUs up") is not None,
     "smp=0: a warning names the value, and all CPUs come up", b.diag())

# An AP that never reports: the one wait times out and names it and its last state.
b = boot(smp=4, cmdline="cocoboot.fault=ap-stuck")
t.ok(b.rc == EXIT_FAILURE and b.line(
    "cocoboot: FATAL: smp: CPU 1 (APIC ID 0x1, vCPU 1) did not report within 5000 ms: "
    "last state 3 (in 64-bit C on its stack); INIT-SIPI-SIPI said 0 when asked to start it")
     and b.line("cocoboot: boot failed (reason 0x21)"),
     "an AP that stops before reporting: the boot ends (reason 0x21) naming the CPU, its APIC ID "
     "and the last state it reported", b.diag())

# QEMU's -acpitable adds a second "APIC" table to the RSDT beside its own MADT: which
# CPUs exist is then ambiguous, and cocoboot must not pick one.
with tempfile.TemporaryDirectory() as d:
    body = os.path.join(d, "madt")
    with open(body, "wb") as f:  # local APIC address, flags, one local APIC entry
        f.write(bytes.fromhex("0000e0fe01000000") + bytes([0, 8, 0, 0, 1, 0, 0, 0]))
    b = boot(smp=2, extra=("-acpitable", f"sig=APIC,data={body}"))
    m = re.search(r"smp: acpi: RSDT entry\[\d+\]=0x[0-9a-f]+ is a second MADT \(the first is at 0x[0-9a-f]+\)",
                  b.log)
    t.ok(b.rc == EXIT_FAILURE and m is not None and b.line("cocoboot: boot failed (reason 0x14)"),
         "a second MADT in the RSDT ends the boot with reason 0x14 and names both tables", b.diag())
t.done()
