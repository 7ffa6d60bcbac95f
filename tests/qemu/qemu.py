# SPDX-License-Identifier: MIT
"""Boot cocoboot in real QEMU and collect what it printed."""
import os
import subprocess
import tempfile

BUILD = os.environ.get("BUILD", "build")
IMAGE = os.path.join(BUILD, "cocoboot.elf")
# isa-debug-exit: QEMU exits with (status << 1) | 1 (docs/hacking.md)
EXIT_SUCCESS = 33
EXIT_FAILURE = 35


class Boot:
    def __init__(self, rc, debugcon, serial, stderr):
        self.rc = rc
        self.log = debugcon
        self.serial = serial
        self.stderr = stderr

    def line(self, prefix):
        for ln in self.log.splitlines():
            if ln.startswith(prefix):
                return ln
        return None

    def diag(self):
        return f"QEMU exit {self.rc}\n--- debugcon\n{self.log}\n--- stderr\n{self.stderr}"


def kvm_usable():
    """(usable, reason)"""
    r = subprocess.run(["tools/kvm-usable", IMAGE], capture_output=True, text=True)
    return r.returncode == 0, r.stderr.strip()


def boot(mem="128M", smp=1, cmdline=None, initrd=None, accel="tcg", timeout=60, image=IMAGE,
         extra=()):
    with tempfile.TemporaryDirectory() as d:
        dcon = os.path.join(d, "debugcon")
        ser = os.path.join(d, "serial")
        args = ["qemu-system-x86_64", "-accel", accel, "-cpu", "host" if accel == "kvm" else "max",
                "-M", "pc", "-m", mem, "-smp", str(smp), "-nographic", "-monitor", "none",
                "-serial", f"file:{ser}", "-debugcon", f"file:{dcon}", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", image, *extra]
        if cmdline is not None:
            args += ["-append", cmdline]
        if initrd:
            args += ["-initrd", initrd]
        try:
            p = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
            rc, err = p.returncode, p.stderr
        except subprocess.TimeoutExpired:
            rc, err = "timeout", f"QEMU did not end within {timeout} s"

        def rd(path):
            try:
                with open(path, "rb") as f:
                    return f.read().decode("utf-8", "replace")
            except FileNotFoundError:
                return ""
        return Boot(rc, rd(dcon), rd(ser).replace("\r\n", "\n"), err)
