#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about the Debian package `make deb` built (dpkg-buildpackage -b -us -uc in
$BUILD/deb): lintian-clean but for the overrides debian/cocoboot.lintian-overrides
explains, laid out like seabios/ovmf, and usable: unpacked into a temporary root
(dpkg -x, so this machine is not changed), its tool bundles a payload and its image
boots that bundle in QEMU (tests/pkg/installed.py). Run by `make check-deb`."""
import glob
import os
import re
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [here, os.path.join(here, "..", "lib")]
from tap import Tap  # noqa: E402
import installed  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
DEB_DIR = os.path.join(BUILD, "deb")


def run(*args):
    return subprocess.run(args, capture_output=True, text=True)


t = Tap()
debs = glob.glob(os.path.join(DEB_DIR, "cocoboot_*_all.deb"))
if not t.ok(len(debs) == 1, "make deb built one package, cocoboot_VERSION_all.deb",
            f"{DEB_DIR}: {os.listdir(DEB_DIR) if os.path.isdir(DEB_DIR) else 'missing'}"):
    t.done()
deb = debs[0]

info = run("dpkg-deb", "-f", deb, "Package", "Architecture", "Section", "Multi-Arch").stdout
t.ok(re.search(r"^Architecture: all$", info, re.M) and re.search(r"^Section: misc$", info, re.M) and
     re.search(r"^Multi-Arch: foreign$", info, re.M),
     "Architecture: all, Section: misc, Multi-Arch: foreign, as Debian's seabios and ovmf", info)

r = run("lintian", "--fail-on", "error,warning", "--pedantic", "--info", deb)
t.ok(r.returncode == 0 and not re.search(r"^[EW]: ", r.stdout, re.M),
     "lintian (pedantic) reports no error and no warning", r.stdout + r.stderr)
r = run("lintian", "--fail-on", "none", "--show-overrides", deb)
overridden = sorted(set(re.findall(r"^O: cocoboot: (\S+)", r.stdout, re.M)))
with open(os.path.join(installed.TOP, "debian", "cocoboot.lintian-overrides")) as f:
    ov = f.read()
unexplained = [tag for tag in overridden
               if not re.search(r"^#.*\n(cocoboot: \S+.*\n)*cocoboot: " + re.escape(tag) + r"\b", ov, re.M)]
t.ok(overridden and not unexplained,
     f"each overridden lintian tag ({', '.join(overridden)}) has its reason written above it",
     f"without a comment: {unexplained}\n{r.stdout}")

with open(os.path.join(BUILD, "cocoboot.elf"), "rb") as f:
    tree_image = f.read()
with tempfile.TemporaryDirectory() as d:
    root = os.path.join(d, "root")
    r = run("dpkg-deb", "-x", deb, root)
    t.ok(r.returncode == 0, "dpkg -x unpacks the package into a temporary root", r.stderr)
    with open(os.path.join(root, installed.IMAGE), "rb") as f:
        t.ok(f.read() == tree_image,
             "the packaged image has the same bytes as the tree's build (reproducible from a copy of the tree)")
    installed.check_installed(t, root, "package", d)
    docs = os.path.join(root, "usr/share/doc/cocoboot")
    t.ok(os.path.isfile(os.path.join(docs, "copyright")) and os.path.isfile(os.path.join(docs, "changelog.gz"))
         and os.path.isfile(os.path.join(docs, "examples/xen/sev.cfg")),
         "/usr/share/doc/cocoboot has the copyright, the changelog and the examples")
t.done()
