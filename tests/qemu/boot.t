#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about cocoboot booted by real QEMU through its PVH loader (-kernel).

Each boot must end by itself: the stub writes its status to isa-debug-exit;
a QEMU timeout counts as a failure, never as a pass.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(__file__))
from tap import Tap  # noqa: E402
from qemu import EXIT_FAILURE, EXIT_SUCCESS, IMAGE, boot, kvm_usable  # noqa: E402

MiB = 1 << 20
GiB = 1 << 30
MEMMAP_RE = re.compile(r"memmap\[\d+\] \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\] (\S+)")


def memmap(b):
    out = []
    for ln in b.log.splitlines():
        m = MEMMAP_RE.search(ln)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16) + 1, m.group(3)))
    return out


def qemu_pc_layout(mem):
    """QEMU's pc machine puts RAM below 4 GiB up to 3 GiB when the guest has
    3.5 GiB or more (hw/i386/pc_piix.c), the rest from 4 GiB on."""
    low = mem if mem < 0xE0000000 else 3 * GiB
    return low, mem - low


def check_memory(t, b, mem, label):
    mm = memmap(b)
    ram = [(s, e) for s, e, ty in mm if ty == "RAM"]
    total = sum(e - s for s, e in ram)
    low, high = qemu_pc_layout(mem)
    printed = b.line("cocoboot: RAM total:")
    t.ok(printed and int(printed.split()[3]) * 1024 == total,
         f"{label}: the printed RAM total is the sum of the printed RAM entries", b.diag())
    low_top = max((e for s, e in ram if e <= 4 * GiB), default=0)
    t.ok(low - 256 * 1024 <= low_top <= low,
         f"{label}: RAM below 4 GiB ends at the {low >> 20} MiB QEMU was given (ends at {low_top:#x})",
         b.diag())
    above = [(s, e) for s, e in ram if s >= 4 * GiB]
    if high:
        t.ok(above == [(4 * GiB, 4 * GiB + high)],
             f"{label}: the {high >> 20} MiB above 4 GiB is one RAM entry [4 GiB, {(4 * GiB + high) >> 20} MiB)",
             b.diag())
        t.ok(b.line(f"cocoboot: memory: highest free page {4 * GiB + high - 4096:#x} is mapped") is not None,
             f"{label}: the page tables reach the top of RAM above 4 GiB (page written and read back)",
             b.diag())
    else:
        t.ok(not above, f"{label}: no RAM above 4 GiB", b.diag())
    t.ok(mem - 1 * MiB <= total <= mem,
         f"{label}: RAM total {total >> 10} KiB is within 1 MiB of -m {mem >> 20} MiB", b.diag())


def main():
    t = Tap()
    kvm, why = kvm_usable()
    accels = ["tcg", "kvm"]

    for accel in accels:
        for mem_arg, mem in (("128M", 128 * MiB), ("512M", 512 * MiB), ("4G", 4 * GiB)):
            label = f"{accel} -m {mem_arg}"
            if accel == "kvm" and not kvm:
                for _ in range(5 if mem >= 4 * GiB else 4):
                    t.skip(f"{label}: memory map claims", f"KVM not usable here: {why}")
                t.skip(f"{label}: boot ends cleanly", f"KVM not usable here: {why}")
                continue
            b = boot(mem=mem_arg, smp=2, accel=accel)
            t.ok(b.rc == EXIT_SUCCESS and b.line("cocoboot: boot complete: no payload") is not None,
                 f"{label}: boot ends by itself with the success status and the 'no payload' line",
                 b.diag())
            check_memory(t, b, mem, label)

    # The command line arrives whole; unknown options warn by name; the part after -- is kept.
    cmd = "loglevel=debug hello=world -- root=/dev/vda console=ttyS0"
    b = boot(cmdline=cmd)
    t.ok(b.line("cocoboot: cmdline: ") == f'cocoboot: cmdline: "{cmd}"',
         "the command line given with -append arrives unchanged", b.diag())
    t.ok(b.line("cocoboot: warning: cmdline: unknown option 'hello' ignored") is not None,
         "an unknown option is named in a warning", b.diag())
    t.ok("root" not in "".join(ln for ln in b.log.splitlines() if "warning" in ln),
         "options after -- belong to the payload and raise no warning", b.diag())

    # console= chooses where output goes.
    b = boot(cmdline="console=com1")
    t.ok("cmdline:" in b.serial and "boot complete" in b.serial and "boot complete" not in b.log,
         "console=com1: the boot log goes to the UART only", b.diag() + "\n--- serial\n" + b.serial)
    b = boot(cmdline="console=e9")
    t.ok("boot complete" in b.log and "boot complete" not in b.serial,
         "console=e9: the boot log goes to port 0xe9 only", b.diag())
    b = boot()
    t.ok("boot complete" in b.log and "boot complete" in b.serial,
         "by default the boot log goes to both port 0xe9 and the UART", b.diag())
    b = boot(cmdline="console=vga")
    t.ok("console='vga': no console named 'vga'" in b.log and "boot complete" in b.serial,
         "console=vga names the unknown console and keeps the default", b.diag())

    # loglevel=quiet leaves only the final line.
    b = boot(cmdline="loglevel=quiet")
    lines = [ln for ln in b.log.splitlines() if ln.strip()]
    t.ok(b.rc == EXIT_SUCCESS and len(lines) == 1 and "boot complete" in lines[0],
         "loglevel=quiet prints only the final line", b.diag())

    # A module arrives with its size.
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(os.urandom(12345))
        f.flush()
        b = boot(initrd=f.name)
        m = re.search(r"module\[0\] \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\) (\d+) bytes", b.log)
        t.ok(b.line("cocoboot: modules: 1") is not None and m and int(m.group(3)) == 12345,
             "a module given with -initrd is listed with its size", b.diag())

    # Each fault produces a crash report naming the vector, and a failed end.
    faults = {
        "pf": ("#PF Page Fault", 14),
        "ud": ("#UD Invalid Opcode", 6),
        "gp": ("#GP General Protection", 13),
        "de": ("#DE Divide Error", 0),
    }
    for accel in accels:
        for name, (vec_name, vec) in faults.items():
            claim = f"{accel}: cocoboot.fault={name} ends in a crash report naming {vec_name} (vector {vec})"
            if accel == "kvm" and (not kvm or name not in ("pf", "ud")):
                if not kvm:
                    t.skip(claim, f"KVM not usable here: {why}")
                continue
            b = boot(cmdline=f"cocoboot.fault={name}", accel=accel)
            report = f"exception {vec_name} (vector {vec})"
            t.ok(b.rc == EXIT_FAILURE and report in b.log and "RIP=" in b.log and "RAX=" in b.log
                 and "call trace" in b.log and "boot failed" in b.log, claim, b.diag())
            if name == "pf" and accel == "tcg":
                t.ok("CR2=00007ffffffff000" in b.log,
                     "the #PF report gives the faulting address in CR2", b.diag())
    # The image's page rights (link.ld segments, boot/memory.c): a write to cocoboot's
    # own code and a call into its data both fault.
    sym = subprocess.run(["nm", IMAGE], capture_output=True, text=True).stdout
    addr = {m.group(2): int(m.group(1), 16) for m in re.finditer(r"^([0-9a-f]+) \w (\S+)$", sym, re.M)}
    for name, err, lo, hi, what in (
            ("wtext", 0x3, "__text_start", "__text_end", "a write to text: #PF, present + write"),
            ("wtext-early", 0x3, "__text_start", "__text_end",
             "a write to text under the 32-bit entry's tables: #PF, present + write"),
            ("xdata", 0x11, "__data_start", "__data_end", "a call into data: #PF, present + fetch (NX)"),
            ("xdata-early", 0x11, "__data_start", "__data_end",
             "a call into data under the 32-bit entry's tables, NX on since cpu_probe: #PF, present + fetch")):
        b = boot(cmdline=f"cocoboot.fault={name}")
        m = re.search(r"error_code=(0x[0-9a-f]+)", b.log)
        c = re.search(r"CR2=([0-9a-f]+)", b.log)
        r3 = re.search(r"CR3=([0-9a-f]+)", b.log)
        t.ok(b.rc == EXIT_FAILURE and "exception #PF Page Fault (vector 14)" in b.log and m
             and int(m.group(1), 16) == err and c and addr.get(lo, 1) <= int(c.group(1), 16) < addr.get(hi, 0)
             and r3 and (int(r3.group(1), 16) == addr.get("early_pml4")) == name.endswith("-early"),
             f"tcg: cocoboot.fault={name}: {what} (error code {err:#x}, CR2 inside {lo}..{hi}, CR3 "
             f"{'=' if name.endswith('-early') else '!='} early_pml4)", b.diag())
    t.done()


main()
