#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about the built image: the PVH ABI shape, freestanding code, reproducible bytes."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from tap import Tap  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
IMAGE = os.path.join(BUILD, "cocoboot.elf")


def run(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def main():
    t = Tap()
    hdr = run("readelf", "-hlnsW", IMAGE).stdout
    t.ok("ELF64" in hdr and "Advanced Micro Devices X86-64" in hdr,
         "the image is an x86-64 ELF64 file", hdr[:400])
    loads = re.findall(r"^\s+LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)", hdr, re.M)
    t.ok(loads and int(loads[0][2], 16) == 0x100000 and int(loads[0][1], 16) == 0x100000,
         "its first PT_LOAD is loaded at 1 MiB, physical = virtual", loads)
    # Segments by rights (link.ld): no PT_LOAD both writable and executable; the
    # entry in a read-execute one, the data (start_info pointer, bss) in a
    # read-write one; every PT_LOAD page aligned, so page tables can follow them.
    segs = re.findall(r"^\s+LOAD\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)"
                      r"\s+([RWE ]+?)\s+0x", hdr, re.M)
    segs = [(int(a, 16), int(m, 16), f.replace(" ", "")) for a, m, f in segs]
    t.ok(len(segs) >= 2 and all(not ("W" in f and "E" in f) for _, _, f in segs),
         "no PT_LOAD segment is both writable and executable (%s)" % [f for _, _, f in segs], hdr)
    symtab = run("nm", IMAGE).stdout
    symaddr = {m.group(2): int(m.group(1), 16) for m in re.finditer(r"^([0-9a-f]+) \w (\S+)$", symtab, re.M)}

    def seg_of(a):
        return next((f for s, m, f in segs if s <= a < s + m), None)
    t.ok(seg_of(symaddr.get("pvh_start32", -1)) == "RE" and seg_of(symaddr.get("payload_enter_pvh32", -1)) == "RE",
         "the entry and the handoff trampolines lie in a read-execute segment", segs)
    t.ok(seg_of(symaddr.get("pvh_start_info_pa", -1)) == "RW" and seg_of(symaddr.get("boot_stack_top", 1) - 1) == "RW"
         and seg_of(symaddr.get("early_pml4", -1)) == "RW",
         "data, the early page tables and the stack lie in a read-write segment", segs)
    t.ok(all(s % 4096 == 0 for s, _, _ in segs), "every PT_LOAD starts on a page", segs)
    notes = re.search(r"Xen\s+0x00000004\s+Unknown note type: \(0x00000012\)\s+description data: ([0-9a-f ]+)", hdr)
    if not notes:
        notes = re.search(r"Xen\s+0x00000004\s+\S*\s*.*?\(0x00000012\).*?data: ([0-9a-f ]+)", hdr, re.S)
    sym = run("nm", IMAGE).stdout
    m = re.search(r"^([0-9a-f]+) T pvh_start32$", sym, re.M)
    entry = int(m.group(1), 16) if m else None
    desc = int("".join(reversed(notes.group(1).split())), 16) if notes else None
    t.ok(notes is not None and desc == entry,
         "a PT_NOTE carries XEN_ELFNOTE_PHYS32_ENTRY (type 18, 4 bytes) = pvh_start32",
         f"desc={desc} entry={entry}\n{hdr[-1500:]}")
    t.ok("NOTE" in hdr, "the note is in a PT_NOTE segment (where Xen and QEMU look first)", hdr)
    dis = run("objdump", "-d", "--no-show-raw-insn", IMAGE).stdout
    simd = [ln for ln in dis.splitlines() if re.search(r"%[xyz]mm\d", ln)]
    t.ok(not simd, "no SSE/AVX register is used anywhere in the image", "\n".join(simd[:10]))

    # Reproducible: two clean builds in different directories give identical bytes.
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, "a"), os.path.join(d, "b")
        ra = run("make", "-s", f"BUILD={a}", f"{a}/cocoboot.elf")
        rb = run("make", "-s", f"BUILD={b}", f"{b}/cocoboot.elf")
        same = (ra.returncode == 0 and rb.returncode == 0 and
                open(f"{a}/cocoboot.elf", "rb").read() == open(f"{b}/cocoboot.elf", "rb").read())
        t.ok(same, "two builds from clean directories give identical bytes",
             ra.stdout + ra.stderr + rb.stdout + rb.stderr)
        t.ok("bytes file" in ra.stdout and "bytes loaded" in ra.stdout,
             "the build prints the image size", ra.stdout)
    t.done()


main()
