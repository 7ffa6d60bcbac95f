#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about measured boot under QEMU (TCG), with the hashes table filled into the
ELF by tools/cocoboot-measure --write-elf (QEMU's -kernel loads the file as it is):

- the unikernel bundle passes the command line and module checks and runs;
- Debian's bzImage + busybox initramfs (a bundle) passes them and Linux reaches its
  marker (when tests/linux/fetch.sh has cached them);
- another command line, another module, or a module the table does not cover ends
  the boot (exit 35) with the measured-boot error naming the item, before any of the
  payload ran.
"""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [here, os.path.join(here, "..", "payloads"), os.path.join(here, "..", "lib")]
from tap import Tap  # noqa: E402
from qemu import boot, EXIT_FAILURE, EXIT_SUCCESS  # noqa: E402
import payload_util as pu  # noqa: E402

TOOL = os.path.join(pu.BUILD, "tools", "cocoboot-measure")
CACHE = os.environ.get("LINUX_CACHE", os.path.join(pu.BUILD, "linux-cache"))
t = Tap()


def hashed(out, module, cmdline):
    subprocess.run([TOOL, "--kernel-hashes", f"--module={module}", f"--cmdline={cmdline}",
                    f"--write-elf={out}", pu.COCOBOOT], check=True, stdout=subprocess.DEVNULL)
    return out


with pu.tmpdir() as d:
    data = os.path.join(d, "data")
    with open(data, "wb") as f:
        f.write(b"handoff-module\n")
    cl = "loglevel=info"
    ub = pu.mkbundle(os.path.join(d, "u.bundle"), pu.UKT, cmdline="ukt.modules=1 ukt.mod0=handoff-module",
                     initrd=data)
    img = hashed(os.path.join(d, "u.elf"), ub, cl)
    b = boot(image=img, cmdline=cl, initrd=ub)
    t.ok(b.rc == EXIT_SUCCESS and "the command line matches its hash" in b.log and "1 modules match the hashes table" in b.log
         and "ukt: RESULT PASS" in b.log,
         "ukt bundle with the table in the ELF: command line and module match, ukt runs and passes", b.diag())

    b = boot(image=img, cmdline=cl + " x", initrd=ub)
    t.ok(b.rc == EXIT_FAILURE and "FATAL: measured boot: the command line" in b.log and "ukt:" not in b.log,
         "another command line: the boot ends with the cmdline mismatch, ukt never runs", b.diag())
    other = pu.mkbundle(os.path.join(d, "o.bundle"), pu.UKT, cmdline="ukt.modules=1 ukt.mod0=handoff-modulf",
                        initrd=data)
    b = boot(image=img, cmdline=cl, initrd=other)
    t.ok(b.rc == EXIT_FAILURE and "modules[0] (kernel" in b.log and "differs from the kernel hash" in b.log
         and "ukt:" not in b.log,
         "another bundle (one byte of its cmdline differs): kernel mismatch, ukt never runs", b.diag())

    bz, rd = os.path.join(CACHE, "bzImage"), os.path.join(CACHE, "initramfs.cpio")
    if os.path.exists(bz) and os.path.exists(rd):
        lb = pu.mkbundle(os.path.join(d, "l.bundle"), bz, cmdline="console=ttyS0 quiet", initrd=rd)
        img = hashed(os.path.join(d, "l.elf"), lb, cl)
        b = boot(image=img, mem="512M", cmdline=cl, initrd=lb, timeout=120)
        t.ok("1 modules match the hashes table" in b.log and "COCOBOOT-LINUX-MARKER" in b.serial,
             f"Debian bzImage + initramfs bundle ({os.path.getsize(lb) >> 20} MiB) hashed and checked: "
             "Linux reaches its marker", b.diag() + b.serial[-2000:])
    else:
        t.skip("Debian bzImage + initramfs with the table", f"not cached in {CACHE} (tests/linux/fetch.sh)")
t.done()
