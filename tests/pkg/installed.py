# SPDX-License-Identifier: MIT
"""Claims about an installed cocoboot under ROOT (prefix /usr): what `make install
DESTDIR=ROOT PREFIX=/usr` leaves and what the Debian package unpacks to. Used by
tests/pkg/install.t and tests/pkg/deb.t."""
import gzip
import os
import re
import stat
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(here, "..", "qemu"), os.path.join(here, "..", "payloads")]
from qemu import EXIT_SUCCESS, boot  # noqa: E402
import payload_util as pu  # noqa: E402

TOP = os.path.abspath(os.path.join(here, "..", ".."))
IMAGE = "usr/share/cocoboot/cocoboot.elf"
MKBUNDLE = "usr/bin/cocoboot-mkbundle"
MAN = {"cocoboot-mkbundle": "usr/share/man/man1/cocoboot-mkbundle.1",
       "cocoboot": "usr/share/man/man7/cocoboot.7"}
EXAMPLES = "usr/share/doc/cocoboot/examples"


def man_text(root, name):
    """The man page's roff source, gzipped (Debian) or not (make install)."""
    p = os.path.join(root, MAN[name])
    if os.path.exists(p + ".gz"):
        with gzip.open(p + ".gz", "rt") as f:
            return p + ".gz", f.read()
    with open(p) as f:
        return p, f.read()


def cmdline_options():
    """The option keys the image accepts: cmdline_key_is(o, "KEY") in boot/*.c."""
    keys = []
    for f in sorted(os.listdir(os.path.join(TOP, "boot"))):
        if f.endswith(".c"):
            with open(os.path.join(TOP, "boot", f)) as fh:
                keys += re.findall(r'cmdline_key_is\(o, "([^"]+)"\)', fh.read())
    return keys


def mkbundle_flags():
    with open(os.path.join(TOP, "tools", "mkbundle")) as f:
        m = re.search(r'getopts "([^"]+)"', f.read())
    return [c for c in m.group(1) if c != ":"] if m else []


def clean_env():
    """PATH without the source tree's tools: the installed ones must do."""
    env = dict(os.environ)
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if not p.startswith(TOP))
    for k in ("COCOBOOT", "MKBUNDLE"):
        env.pop(k, None)
    return env


def check_installed(t, root, label, tmp):
    img = os.path.join(root, IMAGE)
    mk = os.path.join(root, MKBUNDLE)
    t.ok(os.path.isfile(img) and stat.S_IMODE(os.stat(img).st_mode) == 0o644 and
         os.path.isfile(mk) and os.access(mk, os.X_OK),
         f"{label}: the image is /{IMAGE} (0644), the tool /{MKBUNDLE} (executable)",
         subprocess.run(["find", root], capture_output=True, text=True).stdout)

    for name in MAN:
        path, src = man_text(root, name)
        r = subprocess.run(["groff", "-man", "-ww", "-z"], input=src, capture_output=True, text=True)
        t.ok(r.returncode == 0 and not r.stderr.strip() and f".TH {name.upper()} " in src,
             f"{label}: the man page {os.path.relpath(path, root)} renders without a groff warning",
             r.stderr)
    _, src7 = man_text(root, "cocoboot")
    opts = cmdline_options()
    undocumented = [k for k in opts if f".BI {k}= " not in src7.replace("\\-", "-")]
    t.ok(opts and not undocumented,
         f"{label}: cocoboot(7) documents every command-line option the image accepts ({', '.join(opts)})",
         f"missing: {undocumented}")
    _, src1 = man_text(root, "cocoboot-mkbundle")
    flags = mkbundle_flags()
    undocumented = [c for c in flags if not re.search(rf"^\.B[I]? \\-{c}\b", src1, re.M)]
    t.ok(flags and not undocumented,
         f"{label}: cocoboot-mkbundle(1) documents every option of the tool (-{''.join(flags)})",
         f"missing: {undocumented}")

    # The installed tool bundles the test unikernel; the installed image boots it.
    env = clean_env()
    mod = pu.write(os.path.join(tmp, "module"), b"installed-module\n")
    bundle = os.path.join(tmp, "bundle")
    cl = "ukt.modules=1 ukt.mod0=installed-module ukt.rsdp=1"
    r = subprocess.run([mk, "-k", pu.UKT, "-i", mod, "-c", cl, "-o", bundle], env=env,
                       capture_output=True, text=True)
    t.ok(r.returncode == 0 and os.path.getsize(bundle) > os.path.getsize(pu.UKT),
         f"{label}: the installed cocoboot-mkbundle packs a PVH kernel, a module and a command line",
         r.stderr)
    b = boot(image=img, initrd=bundle)
    t.ok(b.rc == EXIT_SUCCESS and re.search(r"^ukt: RESULT PASS", b.log, re.M) and
         f"ukt: cmdline [{cl}]" in b.log,
         f"{label}: the installed image boots in QEMU and chainloads that bundle; the payload's "
         "checks pass", b.diag())

    # The installed QEMU example finds the installed image and tool next to it.
    ex = os.path.join(root, EXAMPLES, "qemu", "bundle.sh")
    r = subprocess.run([ex, os.path.abspath(pu.UKT), mod, "--", cl], env=dict(env, ACCEL="tcg"),
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    t.ok(r.returncode == 0 and f"-kernel {os.path.join(root, EXAMPLES, 'qemu')}/../../../../cocoboot/cocoboot.elf"
         in r.stderr and "handing off to the PVH entry" in r.stdout,
         f"{label}: the installed examples/qemu/bundle.sh finds the installed image and "
         "cocoboot-mkbundle by itself and boots the payload", r.stderr[-1500:] + r.stdout[-1500:])
