#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: QEMU start to the Linux marker line, for the same Debian kernel
and busybox initramfs booted through cocoboot (bzImage and PVH vmlinux, from a
bundle) and through QEMU's own paths (direct PVH -kernel vmlinux, SeaBIOS +
linuxboot, qboot, OVMF), and cocoboot -> bzImage once more with cocoboot
started by qboot instead of SeaBIOS (the same firmware state as qboot's path).

Paired runs: each round boots every path once, in an order rotated from round
to round, so a round's paths share the machine's load of the moment. Two times
per run: wall (what a user waits) and CPU (user + system time of the QEMU
process at the marker: less sensitive to other work on a shared machine).
Printed: per path the median of the rounds; per comparison (cocoboot -> bzImage
against qboot and SeaBIOS, cocoboot -> vmlinux against direct PVH) the median
of the per-round ratios, with their range. A figure, never a test: nothing
here asserts a time.

Files (build/bench/): linux-boot.dat (every run), linux-boot-summary.dat
(medians and ranges per path), linux-boot-ratios.dat (per-round ratios), and,
when gnuplot is installed, linux-boot.svg and linux-boot-ratios.svg drawn by
tests/bench/plot (docs/bench.md).

Environment: BENCH_N (rounds, default 5), BENCH_ACCEL (tcg), LINUX_CACHE,
BENCH_PATHS (comma-separated keys to run, default all available)."""
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
OUT = os.path.join(pu.BUILD, "bench")
PLOT = os.path.join(here, "..", "bench", "plot")
MARKER = b"COCOBOOT-LINUX-MARKER"
HANDOFF = b"cocoboot: handing off"
CMDLINE = "console=ttyS0 quiet"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# (ratio name, numerator path, denominator path)
RATIOS = [
    ("cocoboot-bzImage / qboot", "coco-bz", "qboot"),
    ("cocoboot-bzImage / SeaBIOS", "coco-bz", "seabios"),
    ("cocoboot-vmlinux / QEMU-PVH", "coco-vm", "pvh"),
    # The same firmware under both: cocoboot started by qboot (qboot's PVH loader)
    # against qboot's own -kernel bzImage. Firmware state (PCI resources, MTRRs,
    # VGA, SMM) differs between SeaBIOS and qboot and shows in the kernel's boot
    # after any loader (docs/bench.md); this ratio leaves only the loaders.
    ("cocoboot(qboot)-bzImage / qboot", "coco-bz-qboot", "qboot"),
]


def qemu_base():
    return ["qemu-system-x86_64", "-accel", ACCEL, "-cpu", "host" if ACCEL == "kvm" else "max",
            "-M", "pc", "-m", "512M", "-smp", "2", "-display", "none", "-monitor", "none",
            "-serial", "stdio", "-no-reboot"]


def cpu_ms(pid):
    """User + system time of a process (all its threads), in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 // CLK_TCK


def boot(args, timeout=180):
    """{"wall", "cpu", "handoff"} in ms at the marker (None where not reached)."""
    t0 = time.monotonic()
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    buf, r = b"", {"wall": None, "cpu": None, "handoff": None}
    while r["wall"] is None and time.monotonic() - t0 < timeout:
        if not sel.select(timeout=1):
            continue
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            break
        buf = buf[-64:] + chunk
        if r["handoff"] is None and HANDOFF in buf:
            r["handoff"] = (time.monotonic() - t0) * 1000
        if MARKER in buf:
            r["cpu"] = cpu_ms(p.pid)
            r["wall"] = (time.monotonic() - t0) * 1000
    p.kill()
    p.wait()
    return r


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def main():
    r = subprocess.run(["tests/linux/fetch.sh"], env={**os.environ, "LINUX_CACHE": cache})
    if r.returncode:
        print("bench: Debian kernel not available, Linux boot figures skipped")
        return 0
    bz, vm = os.path.join(cache, "bzImage"), os.path.join(cache, "vmlinux")
    rd = os.path.join(cache, "initramfs.cpio")
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        bzb = pu.mkbundle(os.path.join(d, "bz"), bz, cmdline=CMDLINE, initrd=rd)
        vmb = pu.mkbundle(os.path.join(d, "vm"), vm, cmdline=CMDLINE, initrd=rd)
        linux = ["-initrd", rd, "-append", CMDLINE]
        paths = [
            ("coco-bz", "cocoboot -> bzImage (bundle)",
             ["-kernel", pu.COCOBOOT, "-initrd", bzb, "-append", "loglevel=info"]),
            ("coco-vm", "cocoboot -> vmlinux PVH (bundle)",
             ["-kernel", pu.COCOBOOT, "-initrd", vmb, "-append", "loglevel=info"]),
            ("pvh", "QEMU direct PVH (-kernel vmlinux)", ["-kernel", vm] + linux),
            ("seabios", "SeaBIOS + linuxboot (-kernel bzImage)", ["-kernel", bz] + linux),
        ]
        if os.path.exists("/usr/share/qemu/qboot.rom"):
            paths.append(("qboot", "qboot (-kernel bzImage)",
                          ["-bios", "/usr/share/qemu/qboot.rom", "-kernel", bz] + linux))
            paths.append(("coco-bz-qboot", "qboot -> cocoboot -> bzImage (bundle)",
                          ["-bios", "/usr/share/qemu/qboot.rom", "-kernel", pu.COCOBOOT, "-initrd", bzb,
                           "-append", "loglevel=info"]))
        if os.path.exists("/usr/share/qemu/OVMF.fd"):
            paths.append(("ovmf", "OVMF (-kernel bzImage, EFI stub)",
                          ["-bios", "/usr/share/qemu/OVMF.fd", "-kernel", bz] + linux))
        only = os.environ.get("BENCH_PATHS")
        if only:
            paths = [p for p in paths if p[0] in only.split(",")]
        print(f"bench: QEMU start to Linux marker, {ACCEL}, 512 MiB, 2 vCPUs, {N} paired rounds "
              f"(kernel {open(os.path.join(cache, 'kernel.version')).read().strip()})", flush=True)
        runs = {k: [] for k, _, _ in paths}
        with open(os.path.join(OUT, "linux-boot.dat"), "w") as dat:
            dat.write("# round path wall_ms cpu_ms handoff_ms (-: marker or handoff not seen)\n")
            for rnd in range(N):
                k = rnd % len(paths)
                for key, _, extra in paths[k:] + paths[:k]:
                    res = boot(qemu_base() + extra)
                    runs[key].append(res)
                    f = [("%.0f" % res[x]) if res[x] is not None else "-" for x in ("wall", "cpu", "handoff")]
                    dat.write(f"{rnd} {key} {' '.join(f)}\n")
                print(f"  round {rnd + 1}/{N}: " + ", ".join(
                    f"{key} {runs[key][-1]['wall'] or float('nan'):.0f}/{runs[key][-1]['cpu'] or float('nan'):.0f}"
                    for key, _, _ in paths), flush=True)

    print("  median of the rounds, ms       wall     CPU  (wall range)")
    with open(os.path.join(OUT, "linux-boot-summary.dat"), "w") as s:
        s.write("# label wall_median wall_min wall_max cpu_median cpu_min cpu_max\n")
        for key, name, _ in paths:
            w = [x["wall"] for x in runs[key] if x["wall"] is not None]
            c = [x["cpu"] for x in runs[key] if x["cpu"] is not None]
            missed = len(runs[key]) - len(w)
            if not w:
                print(f"  {name:38s} never reached the marker")
                continue
            print(f"  {name:38s} {med(w):7.0f} {med(c):7.0f}  ({min(w):.0f}-{max(w):.0f})"
                  f"{'' if not missed else f'  ({missed} runs never reached the marker)'}")
            s.write(f'"{name}" {med(w):.0f} {min(w):.0f} {max(w):.0f} {med(c):.0f} {min(c):.0f} {max(c):.0f}\n')
        for key, name, _ in paths:
            ho = med([x["handoff"] for x in runs[key]])
            if ho is not None:
                print(f"  {name}: cocoboot hands off {ho:.0f} ms after QEMU start")

    print("  paired ratios (median of per-round ratios; < 1: cocoboot faster)")
    with open(os.path.join(OUT, "linux-boot-ratios.dat"), "w") as rf:
        rf.write("# one block per ratio, its first row the name; rows: round wall_ratio cpu_ratio\n")
        for name, a, b in RATIOS:
            if a not in runs or b not in runs:
                continue
            pairs = [(x, y) for x, y in zip(runs[a], runs[b]) if x["wall"] and y["wall"]]
            if not pairs:
                continue
            wr = [x["wall"] / y["wall"] for x, y in pairs]
            cr = [x["cpu"] / y["cpu"] for x, y in pairs if x["cpu"] and y["cpu"]]
            print(f"    {name:30s} wall x{med(wr):.3f} ({min(wr):.2f}-{max(wr):.2f})"
                  + (f"   CPU x{med(cr):.3f} ({min(cr):.2f}-{max(cr):.2f})" if cr else "")
                  + f"   {len(pairs)} pairs")
            rf.write(f'"{name}" round wall cpu\n')
            for i, (x, y) in enumerate(pairs):
                c = f"{x['cpu'] / y['cpu']:.4f}" if x["cpu"] and y["cpu"] else "NaN"
                rf.write(f"{i + 1} {x['wall'] / y['wall']:.4f} {c}\n")
            rf.write("\n\n")
    plot()
    return 0


def plot():
    summary = os.path.join(OUT, "linux-boot-summary.dat")
    ratios = os.path.join(OUT, "linux-boot-ratios.dat")
    r = subprocess.run([PLOT, "bars", summary, os.path.join(OUT, "linux-boot.svg"),
                        f"QEMU start to Linux /init ({ACCEL}, 512 MiB, 2 vCPUs), median of {N} rounds",
                        "ms"])
    if r.returncode == 0:
        subprocess.run([PLOT, "ratios", ratios, os.path.join(OUT, "linux-boot-ratios.svg"),
                        "Paired ratios per round (1 = as fast as the reference)", "ratio"])


if __name__ == "__main__":
    sys.exit(main())
