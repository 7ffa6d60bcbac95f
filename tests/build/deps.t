#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about the dependency step of `make run` / `make check` (tools/install-deps):
it decides with dpkg-query alone, touches apt only when something is missing, then
runs apt-get update before apt-get install, as root or through sudo, and otherwise
names the packages and the command. apt-get, apt, sudo, id and (where a package
must look missing) dpkg-query are replaced by stubs on PATH that log their calls."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from tap import Tap  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.path.join(TOP, "tools", "install-deps")

LOGGER = """#!/bin/bash
echo "$(basename "$0") $*" >>"$STUB_LOG"
# With STUB_INSTALL=1 an "install" marks its packages installed for the dpkg-query stub.
if [ "${STUB_INSTALL:-0}" = 1 ] && [[ " $* " == *" install "* ]]; then
    for p in "$@"; do echo "$p"; done >>"$STUB_LOG.installed"
fi
exit ${STUB_RC:-1}
"""
ID = """#!/bin/sh
[ "$1" = -u ] && { echo "$STUB_UID"; exit 0; }
exec /usr/bin/id "$@"
"""
# A dpkg that knows every package as installed except those in $STUB_MISSING.
DPKG_QUERY = """#!/bin/bash
echo "dpkg-query $*" >>"$STUB_LOG"
shift 2
for p in "$@"; do
    if grep -qx -- "$p" "$STUB_LOG.installed" 2>/dev/null; then echo "$p installed"; continue; fi
    case " $STUB_MISSING " in *" $p "*) echo "$p not-installed" ;; *) echo "$p installed" ;; esac
done
"""
# sudo that works without a password: runs the command (the apt-get stub).
SUDO_OK = """#!/bin/sh
echo "sudo $*" >>"$STUB_LOG"
[ "$1" = -n ] && shift
exec "$@"
"""


def stubs(d, fake_dpkg=False, sudo="fail", apt_rc=1):
    bin_ = os.path.join(d, "bin")
    os.makedirs(bin_, exist_ok=True)

    def put(name, text):
        path = os.path.join(bin_, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)
    for name in ("apt-get", "apt", "aptitude"):
        put(name, LOGGER)
    put("sudo", SUDO_OK if sudo == "ok" else LOGGER)
    put("id", ID)
    if fake_dpkg:
        put("dpkg-query", DPKG_QUERY)
    log = os.path.join(d, "calls")
    open(log, "w").close()
    env = dict(os.environ, PATH=f"{bin_}:{os.environ['PATH']}", STUB_LOG=log,
               STUB_RC=str(apt_rc), STUB_UID="0")
    for k in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKE_TERMOUT", "MAKE_TERMERR"):
        env.pop(k, None)
    return env, log


def calls(log):
    with open(log) as f:
        return [ln.split() for ln in f.read().splitlines()]


def run(args, env, **kw):
    return subprocess.run(args, env=env, capture_output=True, text=True, cwd=TOP,
                          stdin=subprocess.DEVNULL, **kw)


def apt_calls(log):
    return [c for c in calls(log) if c[0] in ("apt-get", "apt", "aptitude", "sudo")]


t = Tap()
with tempfile.TemporaryDirectory() as d:
    # 1-2: this machine has everything (make check ran the step before the tests).
    env, log = stubs(os.path.join(d, "a"))
    r = run([TOOL, "check"], env)
    t.ok(r.returncode == 0 and apt_calls(log) == [],
         "with every package installed, install-deps check succeeds without calling apt-get, apt or sudo",
         r.stderr + str(calls(log)))

    env, log = stubs(os.path.join(d, "b"))
    r = run(["make", "--no-print-directory", f"BUILD={BUILD}", "run"], env, timeout=300)
    t.ok(r.returncode == 0 and "ukt: RESULT PASS" in r.stdout and apt_calls(log) == [],
         "make run on a machine that has everything builds and boots to the payload's PASS, "
         "and never calls apt-get, apt or sudo", r.stdout[-1500:] + r.stderr[-1500:] + str(calls(log)))

    # 3: the step comes before any build step.
    env, log = stubs(os.path.join(d, "c"))
    r = run(["make", "-n", "--no-print-directory", f"BUILD={os.path.join(d, 'nb')}", "check"], env)
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    t.ok(lines and lines[0].strip() == "tools/install-deps check" and
         any("nasm" in ln for ln in lines[1:]),
         "make check runs tools/install-deps check before its first build command", r.stdout[:1500])

    # 4: as root, a missing package: update first, then install exactly the missing one.
    env, log = stubs(os.path.join(d, "d"), fake_dpkg=True, apt_rc=0)
    env.update(STUB_MISSING="nasm", STUB_INSTALL="1")
    r = run([TOOL, "run"], env)
    c = apt_calls(log)
    t.ok(r.returncode == 0 and len(c) == 2 and c[0][0] == "apt-get" and "update" in c[0] and
         c[1][0] == "apt-get" and "install" in c[1] and c[1][-1] == "nasm" and
         "qemu-system-x86" not in c[1],
         "as root: apt-get update, then apt-get install of the missing package alone", r.stderr + str(c))
    t.ok(all(x[0] != "sudo" for x in c), "as root: no sudo", str(c))

    # 5: not root, sudo without a password: the same through sudo.
    env, log = stubs(os.path.join(d, "e"), fake_dpkg=True, sudo="ok", apt_rc=0)
    env.update(STUB_MISSING="nasm libcmocka-dev", STUB_UID="1000", STUB_INSTALL="1")
    r = run([TOOL, "check"], env)
    c = [x for x in apt_calls(log) if x[:2] != ["sudo", "-n"]]
    t.ok(r.returncode == 0 and [x[:2] for x in c] == [["sudo", "apt-get"], ["apt-get", "-o"],
                                                      ["sudo", "apt-get"], ["apt-get", "-o"]] and
         "update" in c[0] and "install" in c[2] and c[2][-2:] == ["nasm", "libcmocka-dev"],
         "not root, sudo available: sudo apt-get update, then sudo apt-get install of the missing packages",
         r.stderr + str(calls(log)))

    # 6: not root, no usable sudo, no terminal: fail, name the packages and the command.
    env, log = stubs(os.path.join(d, "f"), fake_dpkg=True)
    env.update(STUB_MISSING="nasm", STUB_UID="1000")
    r = run([TOOL, "run"], env)
    c = [x for x in apt_calls(log) if x[0] != "sudo"]
    t.ok(r.returncode != 0 and c == [] and "missing Debian packages: nasm" in r.stderr and
         "apt-get install --no-install-recommends nasm" in r.stderr,
         "not root and no usable sudo: fails without running apt-get, naming the package and the command",
         r.stderr + str(calls(log)))

    # 7: apt-get itself fails: the step fails and says what to run.
    env, log = stubs(os.path.join(d, "g"), fake_dpkg=True, apt_rc=100)
    env["STUB_MISSING"] = "nasm"
    r = run([TOOL, "run"], env)
    t.ok(r.returncode != 0 and "apt-get failed" in r.stderr and "install --no-install-recommends nasm" in r.stderr,
         "a failing apt-get makes the step fail with the command to run by hand", r.stderr)

    # 8: apt-get "succeeds" but the package is still not installed: that is an error too.
    env, log = stubs(os.path.join(d, "h"), fake_dpkg=True, apt_rc=0)
    env["STUB_MISSING"] = "nasm"
    r = run([TOOL, "run"], env)
    t.ok(r.returncode != 0 and "still missing after apt-get: nasm" in r.stderr,
         "a package still missing after apt-get is reported, not ignored", r.stderr)

    # 9: a make run with a package missing and no way to install it stops before building.
    env, log = stubs(os.path.join(d, "i"), fake_dpkg=True)
    env.update(STUB_MISSING="nasm", STUB_UID="1000")
    nb = os.path.join(d, "nb2")
    r = run(["make", "--no-print-directory", f"BUILD={nb}", "run"], env, timeout=120)
    t.ok(r.returncode != 0 and "missing Debian packages: nasm" in r.stderr and not os.path.exists(nb),
         "make run stops at the dependency step, before building anything, when it cannot install",
         r.stdout[-800:] + r.stderr[-800:])
t.done()
