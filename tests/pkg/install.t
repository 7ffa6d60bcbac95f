#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about `make install` (PREFIX, DESTDIR) and `make uninstall`, and about the
installed cocoboot used from where it was installed (tests/pkg/installed.py)."""
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [here, os.path.join(here, "..", "lib")]
from tap import Tap  # noqa: E402
import installed  # noqa: E402

BUILD = os.environ.get("BUILD", "build")


def make(*args):
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS"):
        env.pop(k, None)
    return subprocess.run(["make", "--no-print-directory", f"BUILD={BUILD}", *args],
                          capture_output=True, text=True, env=env, cwd=installed.TOP)


def files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, fs in os.walk(root) for f in fs)


t = Tap()
with tempfile.TemporaryDirectory() as d:
    root = os.path.join(d, "root")
    r = make("install", f"DESTDIR={root}", "PREFIX=/usr")
    t.ok(r.returncode == 0, "make install DESTDIR=... PREFIX=/usr succeeds", r.stdout + r.stderr)
    with open(os.path.join(BUILD, "cocoboot.elf"), "rb") as a, \
            open(os.path.join(root, installed.IMAGE), "rb") as b:
        t.ok(a.read() == b.read(), "the installed image is the built one, byte for byte")
    installed.check_installed(t, root, "make install", d)
    docs = files(os.path.join(root, "usr/share/doc/cocoboot"))
    t.ok("README.md" in docs and "examples/xen/pvh.cfg" in docs and "examples/qemu/pvh.sh" in docs and
         "docs/payloads.md" in docs,
         "the README, docs and examples go to PREFIX/share/doc/cocoboot", docs)

    r = make("uninstall", f"DESTDIR={root}", "PREFIX=/usr")
    left = files(root)
    t.ok(r.returncode == 0 and left == [], "make uninstall removes every file make install put there",
         r.stderr + str(left))

    root2 = os.path.join(d, "root2")
    r = make("install", f"DESTDIR={root2}")
    t.ok(r.returncode == 0 and os.path.isfile(os.path.join(root2, "usr/local/share/cocoboot/cocoboot.elf")) and
         os.path.isfile(os.path.join(root2, "usr/local/bin/cocoboot-mkbundle")) and
         os.path.isfile(os.path.join(root2, "usr/local/share/man/man7/cocoboot.7")),
         "without PREFIX, make install puts everything under /usr/local", files(root2))
t.done()
