#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about the QEMU examples (examples/qemu/*.sh), run as a user runs them
(under TCG here): each boots to its end and exits 0; and every example file,
QEMU or xl, is exercised by some test, so none of them rots."""
import glob
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(here, "..", "lib"), os.path.join(here, "..", "payloads")]
from tap import Tap  # noqa: E402
import payload_util as pu  # noqa: E402

TOP = os.path.abspath(os.path.join(here, "..", ".."))
BUILD = os.environ.get("BUILD", "build")
LINUX_CACHE = os.environ.get("LINUX_CACHE", os.path.join(BUILD, "linux-cache"))


def example(name, *args, env=None, timeout=180):
    e = dict(os.environ, ACCEL="tcg", COCOBOOT=os.path.abspath(os.path.join(BUILD, "cocoboot.elf")),
             MKBUNDLE=os.path.join(TOP, "tools", "mkbundle"))
    e.update(env or {})
    try:
        r = subprocess.run([os.path.join(TOP, "examples", "qemu", name), *args], env=e,
                           capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as x:
        return "timeout", (x.stdout or b"").decode(errors="replace"), "timeout"


def diag(r):
    return f"exit {r[0]}\n--- stdout\n{r[1][-2500:]}\n--- stderr\n{r[2][-1000:]}"


t = Tap()
r = example("pvh.sh")
t.ok(r[0] == 0 and "cocoboot: boot complete: no payload" in r[1],
     "pvh.sh: cocoboot alone boots to its end and the script exits 0", diag(r))
r = example("pvh.sh", "loglevel=debug", "console=e9")
t.ok(r[0] == 0 and "cocoboot: cmdline: \"loglevel=debug console=e9\"" in r[1],
     "pvh.sh: its arguments become cocoboot's command line", diag(r))
r = example("smp.sh")
t.ok(r[0] == 0 and "-smp 4" in r[2] and "cocoboot: smp: 4 of 4 CPUs up" in r[1] and
     "cocoboot: boot complete" in r[1],
     "smp.sh: in a 4-vCPU, 1 GiB guest cocoboot starts all 4 CPUs and boots to its end", diag(r))

with tempfile.TemporaryDirectory() as d:
    mod = pu.write(os.path.join(d, "mod"), b"example-module\n")
    cl = "ukt.modules=1 ukt.mod0=example-module ukt.rsdp=1"
    r = example("bundle.sh", os.path.abspath(pu.UKT), mod, "--", cl)
    # ukt logs to port 0xe9 only (not shown with -serial stdio): it ends the run with
    # isa-debug-exit 0x10 (exit 33, the script's 0) only when all its checks held.
    t.ok(r[0] == 0 and f"cocoboot: payload: cmdline (bundle cocoboot/cmdline): '{cl}'" in r[1] and
         "handing off to the PVH entry" in r[1],
         "bundle.sh: a PVH kernel + module + command line, bundled and chainloaded; the payload's "
         "checks pass", diag(r))
r = example("bundle.sh", "/nonexistent-kernel")
t.ok(r[0] != 0 and "no such file" in r[2],
     "bundle.sh: a kernel that does not exist stops it before QEMU, with mkbundle's message", diag(r))

bz, ird = os.path.join(LINUX_CACHE, "bzImage"), os.path.join(LINUX_CACHE, "initramfs.cpio")
if os.path.exists(bz) and os.path.exists(ird):
    r = example("bundle.sh", bz, ird, "--", "console=ttyS0 loglevel=4", timeout=300)
    t.ok(r[0] == 0 and "COCOBOOT-LINUX-MARKER cpus=1" in r[1] and
         "COCOBOOT-LINUX-CMDLINE console=ttyS0 loglevel=4" in r[1],
         "bundle.sh: Debian's bzImage with a busybox initramfs reaches /init on the serial "
         "console with the given command line, and powers off", diag(r))
else:
    t.skip("bundle.sh: Debian's bzImage reaches /init", f"no Debian kernel in {LINUX_CACHE}")

# Every example is named by a test (the xl ones by tests/xen/*.t).
tests = ""
for f in glob.glob(os.path.join(TOP, "tests", "*", "*.t")):
    with open(f) as fh:
        tests += fh.read()
ex = sorted(os.path.relpath(p, TOP) for p in glob.glob(os.path.join(TOP, "examples", "*", "*"))
            if not p.endswith("common.sh"))
unused = [p for p in ex if os.path.basename(p) not in tests]
t.ok(ex and not unused, f"each of the {len(ex)} examples is exercised by a test", f"untested: {unused}")
t.done()
