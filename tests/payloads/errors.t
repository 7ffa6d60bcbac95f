#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims: a malformed or misplaced payload ends the boot with BOOT_ERR_PAYLOAD
(QEMU exit 35) and the error documented in docs/payloads.md, naming the field
and its value; nothing is entered."""
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [here, os.path.join(here, "..", "lib"), os.path.join(here, "..", "qemu")]
from tap import Tap  # noqa: E402
from qemu import EXIT_FAILURE, boot  # noqa: E402
import payload_util as pu  # noqa: E402

t = Tap()


def expect(b, pattern, claim):
    line = next((ln for ln in b.log.splitlines() if "FATAL: payload:" in ln), "")
    ok = (b.rc == EXIT_FAILURE and re.search(pattern, line) is not None
          and "handing off" not in b.log and "ukt:" not in b.log)
    t.ok(ok, claim, f"error line: {line!r}\n" + b.diag())


with pu.tmpdir() as d:
    ukt = open(pu.UKT, "rb").read()
    data = pu.write(os.path.join(d, "data"), b"module\n")

    def bundle_of(name, kernel_bytes, cmdline="x", **kw):
        k = pu.write(os.path.join(d, name + ".k"), kernel_bytes)
        return pu.mkbundle(os.path.join(d, name), k, cmdline=cmdline, initrd=data, **kw)

    junk = pu.write(os.path.join(d, "junk"), b"\x01\x02\x03\x04" * 100)
    expect(boot(initrd=junk), r"payload: module: kernel first bytes = 0x4030201: neither",
           "a module that is no kernel: 'kernel first bytes' named with its value")

    nok = pu.write(os.path.join(d, "nokernel"), pu.cpio([("cocoboot/cmdline", 0o100644, b"x")]))
    expect(boot(initrd=nok), r"payload: bundle: cocoboot/kernel = 0: bundle has no cocoboot/kernel",
           "a bundle without cocoboot/kernel says so")

    bad = bytearray(open(bundle_of("ok", ukt), "rb").read())
    bad[6 + 8 * 6] = ord("g")  # c_filesize of member 0 is no longer hex
    expect(boot(initrd=pu.write(os.path.join(d, "badhex"), bytes(bad))),
           r"payload: bundle: c_filesize\[0\] = 0x67: not 8 hex digits",
           "a corrupt cpio header names the field (c_filesize) and member index")

    expect(boot(initrd=bundle_of("nonote", pu.elf32_patch(ukt, note_type=17))),
           r"payload: ELF: XEN_ELFNOTE_PHYS32_ENTRY = 0x12: note missing",
           "an ELF without XEN_ELFNOTE_PHYS32_ENTRY is not a PVH image")

    expect(boot(initrd=bundle_of("outside", pu.elf32_patch(ukt, entry=0x300000))),
           r"payload: ELF: XEN_ELFNOTE_PHYS32_ENTRY = 0x300000: entry is not inside",
           "an entry point outside the loaded segments is rejected with its value")

    expect(boot(initrd=bundle_of("ovl", pu.elf32_patch(ukt, paddr=0x100000, entry=0x100000))),
           r"payload: ELF: p_paddr = 0x100000: overlaps the cocoboot image",
           "a segment over the cocoboot image is refused, not loaded")

    expect(boot(mem="128M", initrd=bundle_of("noram", pu.elf32_patch(ukt, paddr=0x10000000,
                                                                      entry=0x10000000))),
           r"payload: ELF: p_paddr = 0x10000000: not RAM in the memory map",
           "a segment beyond RAM is refused (p_paddr named)")

    expect(boot(initrd=bundle_of("v20b", pu.bzimage(version=0x020B))),
           r"payload: bzImage: setup_header.version = 0x20b: boot protocol older than 2.12",
           "a bzImage older than protocol 2.12 names setup_header.version")

    expect(boot(initrd=bundle_of("no64", pu.bzimage(xloadflags=0x2))),
           r"payload: bzImage: setup_header.xloadflags = 0x2: XLF_KERNEL_64 not set",
           "a bzImage without the 64-bit entry names setup_header.xloadflags")

    expect(boot(initrd=bundle_of("longcl", pu.bzimage(cmdline_size=16), cmdline="a" * 40)),
           r"payload: bzImage: setup_header.cmdline_size = 0x10: payload command line is longer",
           "a command line longer than cmdline_size is refused")

    expect(boot(mem="64M", initrd=bundle_of("big", pu.bzimage(init_size=0x7000000))),
           r"payload: bzImage: setup_header.init_size = 0x7000000: no free RAM block",
           "a kernel whose init_size does not fit in RAM is refused")
t.done()
