#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: wall time from QEMU start to the Linux marker line, for the
same Debian kernel and busybox initramfs booted through cocoboot (bzImage and
PVH vmlinux, from a bundle) and through QEMU's own paths (direct PVH -kernel
vmlinux, SeaBIOS + linuxboot, qboot, OVMF). Prints the median of N runs and
the ratio to direct PVH. A figure, never a test: nothing here asserts a time.

Environment: BENCH_N (runs per path, default 5), BENCH_ACCEL (tcg), LINUX_CACHE."""
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(here, "..", "payloads")]
import payload_util as pu  # noqa: E402

N = int(os.environ.get("BENCH_N", "5"))
ACCEL = os.environ.get("BENCH_ACCEL", "tcg")
cache = os.environ.get("LINUX_CACHE", os.path.join(pu.BUILD, "linux-cache"))
MARKER = b"COCOBOOT-LINUX-MARKER"
HANDOFF = b"cocoboot: handing off"
CMDLINE = "console=ttyS0 quiet"


def qemu_base():
    return ["qemu-system-x86_64", "-accel", ACCEL, "-cpu", "host" if ACCEL == "kvm" else "max",
            "-M", "pc", "-m", "512M", "-smp", "2", "-display", "none", "-monitor", "none",
            "-serial", "stdio", "-no-reboot"]


def time_to_marker(args, timeout=120):
    """(seconds from spawning QEMU to the marker on the serial line or None,
    seconds to cocoboot's "handing off" line or None)."""
    t0 = time.monotonic()
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    buf, found, handoff = b"", None, None
    while found is None and time.monotonic() - t0 < timeout:
        if not sel.select(timeout=1):
            continue
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            break
        buf += chunk
        if handoff is None and HANDOFF in buf:
            handoff = time.monotonic() - t0
        if MARKER in buf:
            found = time.monotonic() - t0
    p.kill()
    p.wait()
    return found, handoff


def main():
    r = subprocess.run(["tests/linux/fetch.sh"], env={**os.environ, "LINUX_CACHE": cache})
    if r.returncode:
        print("bench: Debian kernel not available, Linux boot figures skipped")
        return 0
    bz, vm = os.path.join(cache, "bzImage"), os.path.join(cache, "vmlinux")
    rd = os.path.join(cache, "initramfs.cpio")
    with tempfile.TemporaryDirectory() as d:
        bzb = pu.mkbundle(os.path.join(d, "bz"), bz, cmdline=CMDLINE, initrd=rd)
        vmb = pu.mkbundle(os.path.join(d, "vm"), vm, cmdline=CMDLINE, initrd=rd)
        linux = ["-initrd", rd, "-append", CMDLINE]
        paths = [
            ("cocoboot -> bzImage (bundle)", ["-kernel", pu.COCOBOOT, "-initrd", bzb, "-append", "loglevel=info"]),
            ("cocoboot -> vmlinux PVH (bundle)", ["-kernel", pu.COCOBOOT, "-initrd", vmb, "-append", "loglevel=info"]),
            ("QEMU direct PVH (-kernel vmlinux)", ["-kernel", vm] + linux),
            ("SeaBIOS + linuxboot (-kernel bzImage)", ["-kernel", bz] + linux),
        ]
        if os.path.exists("/usr/share/qemu/qboot.rom"):
            paths.append(("qboot (-kernel bzImage)", ["-bios", "/usr/share/qemu/qboot.rom", "-kernel", bz] + linux))
        if os.path.exists("/usr/share/qemu/OVMF.fd"):
            paths.append(("OVMF (-kernel bzImage, EFI stub)", ["-bios", "/usr/share/qemu/OVMF.fd", "-kernel", bz] + linux))
        print(f"bench: QEMU start to Linux marker, {ACCEL}, 512 MiB, 2 vCPUs, median of {N} "
              f"(kernel {open(os.path.join(cache, 'kernel.version')).read().strip()})")
        results, handoffs = {}, {}
        for name, extra in paths:
            runs = [time_to_marker(qemu_base() + extra) for _ in range(N)]
            times = [m for m, _ in runs]
            ho = [h for _, h in runs if h is not None]
            if ho:
                handoffs[name] = statistics.median(ho)
            ok = [x for x in times if x is not None]
            results[name] = statistics.median(ok) if ok else None
            missed = len(times) - len(ok)
            print(f"  {name:40s} {results[name] * 1000 if ok else float('nan'):8.0f} ms"
                  f"{'' if not missed else f'  ({missed} runs never reached the marker)'}",
                  flush=True)
        for name, v in handoffs.items():
            print(f"  {name}: cocoboot hands off {v * 1000:.0f} ms after QEMU start")
        base = results.get("QEMU direct PVH (-kernel vmlinux)")
        if base:
            print("  ratios to QEMU direct PVH:")
            for name, v in results.items():
                if v:
                    print(f"    {name:38s} x{v / base:5.2f}  ({(v - base) * 1000:+.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
