#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims: cocoboot boots Debian's kernel (linux-image-amd64) with a busybox
initramfs under QEMU, as a bzImage (64-bit boot protocol) and as the PVH ELF
vmlinux extracted from it, from a bundle module and from two modules; Linux
reaches the initramfs' marker line, reports the CPUs it sees, and got the
command line and the initrd it was given. The packages are fetched with
apt-get download into $LINUX_CACHE (tests/linux/fetch.sh) when missing."""
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(here, "..", "payloads"), os.path.join(here, "..", "lib"),
                os.path.join(here, "..", "qemu")]
from tap import Tap  # noqa: E402
from qemu import boot, kvm_usable  # noqa: E402
import payload_util as pu  # noqa: E402

cache = os.environ.get("LINUX_CACHE", os.path.join(pu.BUILD, "linux-cache"))
r = subprocess.run(["tests/linux/fetch.sh"], env={**os.environ, "LINUX_CACHE": cache},
                   capture_output=True, text=True)
if r.returncode != 0:
    print(f"1..0 # SKIP Debian kernel/busybox not available: {r.stderr.strip().splitlines()[-1:]}")
    sys.exit(0)
BZ, VMLINUX = os.path.join(cache, "bzImage"), os.path.join(cache, "vmlinux")
SMP = 2

t = Tap()


def linux_ok(b, cmdline, extra, cpus=SMP):
    """Marker with the CPU count, the command line, the initrd's own text."""
    s = b.serial
    m = re.search(r"^COCOBOOT-LINUX-MARKER cpus=(\d+)", s, re.M)
    cl = re.search(r"^COCOBOOT-LINUX-CMDLINE (.*)$", s, re.M)
    ex = re.search(r"^COCOBOOT-LINUX-EXTRA (.*)$", s, re.M)
    return (m is not None and int(m.group(1)) == cpus and cl is not None
            and cl.group(1).strip() == cmdline and ex is not None and ex.group(1).strip() == extra)


def diag(b):
    return f"QEMU exit {b.rc}\n--- serial (tail)\n" + "\n".join(b.serial.splitlines()[-25:]) + \
        f"\n--- stderr\n{b.stderr}"


def initrd(d, name):
    out = os.path.join(d, name + ".cpio")
    subprocess.run(["tests/linux/mkinitramfs.sh", os.path.join(cache, "busybox"), out, name],
                   check=True)
    return out


def run(claim, accel="tcg", timeout=120, **kw):
    return boot(mem="512M", smp=SMP, accel=accel, timeout=timeout, **kw)


with pu.tmpdir() as d:
    cl = "console=ttyS0 quiet"
    rd_app, rd_mod, rd_nest = initrd(d, "appended"), initrd(d, "second-module"), initrd(d, "nested")
    bz_bundle = pu.mkbundle(os.path.join(d, "bz.bundle"), BZ, cmdline="ignored", initrd=rd_app)
    vm_bundle = pu.mkbundle(os.path.join(d, "vm.bundle"), VMLINUX, cmdline=cl, initrd=rd_app)

    dd = cl + " cocoboot-dashdash"
    b = run("bz bundle", initrd=bz_bundle, cmdline=f"loglevel=info -- {dd}")
    t.ok(linux_ok(b, dd, "appended"),
         "bzImage from a bundle: Linux reaches the marker with 2 CPUs, the appended initrd and "
         "the command line after ' -- '", diag(b))
    b_bz = b

    b = run("vm bundle", initrd=vm_bundle)
    t.ok(linux_ok(b, cl, "appended"),
         "PVH vmlinux from a bundle: Linux reaches the marker with 2 CPUs, the appended initrd and "
         "the bundle's cmdline", diag(b))

    # xl's layout: the module right after the stub (facts §0 item 3), so the
    # 68 MB vmlinux bundle lies where vmlinux must go [16 MiB, 74 MiB).
    xl = pu.mkmml(os.path.join(d, "vm.xl"), pu.COCOBOOT, [(vm_bundle, None)], xl_layout=True)
    b = run("vm bundle xl layout", image=pu.MML, initrd=xl)
    t.ok(linux_ok(b, cl, "appended") and "moving kernel file" in b.log,
         "PVH vmlinux bundle placed like xl does (right after cocoboot, in vmlinux's way): "
         "cocoboot moves it first, Linux reaches the marker", diag(b))
    xl = pu.mkmml(os.path.join(d, "bz.xl"), pu.COCOBOOT, [(bz_bundle, "loglevel=info")],
                  xl_layout=True)
    b = run("bz bundle xl layout", image=pu.MML, initrd=xl, cmdline=f"-- {cl}")
    t.ok(linux_ok(b, cl, "appended") and "moving" not in b.log,
         "bzImage bundle placed like xl does: loaded above it at pref_address, initrd used in "
         "place, Linux reaches the marker", diag(b))

    mm = pu.mkmml(os.path.join(d, "bz.mml"), pu.COCOBOOT, [(BZ, cl), (rd_mod, None)])
    b = run("bz two modules", image=pu.MML, initrd=mm)
    t.ok(linux_ok(b, cl, "second-module"),
         "bzImage as module 0 with its module cmdline, initrd as module 1: Linux reaches the marker",
         diag(b))

    mm = pu.mkmml(os.path.join(d, "vm.mml"), pu.COCOBOOT, [(VMLINUX, cl), (rd_mod, None)])
    b = run("vm two modules", image=pu.MML, initrd=mm)
    t.ok(linux_ok(b, cl, "second-module"),
         "PVH vmlinux as module 0, initrd as module 1: Linux reaches the marker", diag(b))

    nb = pu.mkbundle(os.path.join(d, "nest.bundle"), BZ, cmdline=cl, nested=rd_nest)
    b = run("bz nested", initrd=nb)
    t.ok(linux_ok(b, cl, "nested"),
         "bzImage from a bundle with a nested cocoboot/initrd: Linux gets that initrd", diag(b))

    # SMP: cocoboot starts every AP, parks it by INIT, and Linux must still bring
    # all of them up itself (INIT-SIPI-SIPI), through either entry.
    for n, name, bundle in ((4, "bzImage", bz_bundle), (8, "PVH vmlinux", vm_bundle)):
        b = boot(mem="512M", smp=n, timeout=400, initrd=bundle,
                 cmdline=f"loglevel=info -- {cl}" if name == "bzImage" else None)
        t.ok(f"cocoboot: smp: {n} of {n} CPUs up by INIT-SIPI-SIPI" in b.log + b.serial
             and f"cocoboot: smp: {n - 1} APs parked by INIT" in b.log + b.serial
             and linux_ok(b, cl, "appended", cpus=n),
             f"-smp {n}: cocoboot brings up and parks {n} CPUs, then {name} sees all {n} online",
             diag(b))

    # Under the 64-bit protocol ACPI is found only through boot_params.acpi_rsdp_addr
    # or a BIOS-area scan; the ACPI poweroff ending QEMU by itself shows it works.
    t.ok(b_bz.rc == 0 and "reboot: Power down" in b_bz.serial,
         "bzImage: Linux found ACPI (poweroff -f powered the VM off)", diag(b_bz))

    # KVM: only when it can run Debian's Linux at all (QEMU's own PVH path as the probe).
    usable, why = kvm_usable()
    if usable:
        p = boot(image=VMLINUX, mem="512M", smp=SMP, accel="kvm", timeout=20, initrd=rd_app,
                 cmdline=cl)
        if not linux_ok(p, cl, "appended"):
            usable, why = False, ("KVM here does not bring Debian's Linux to its marker even "
                                  f"through QEMU's own PVH loader (QEMU exit {p.rc})")
    for name, bundle, cmd in (("bzImage", bz_bundle, f"loglevel=info -- {cl}"), ("PVH vmlinux", vm_bundle, None)):
        claim = f"KVM: {name} from a bundle reaches the marker"
        if usable:
            b = run(claim, accel="kvm", initrd=bundle, cmdline=cmd, timeout=60)
            t.ok(linux_ok(b, cl, "appended"), claim, diag(b))
        else:
            t.skip(claim, why)
t.done()
