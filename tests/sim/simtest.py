"""Helpers for sevsim's TAP tests: run sevsim, split console output from the JSON line."""
import json
import os
import re
import subprocess
import sys

BUILD = os.environ.get("BUILD", "build")
SEVSIM = os.path.join(BUILD, "sevsim")
HERE = os.path.dirname(os.path.abspath(__file__))
os.environ.setdefault("LSAN_OPTIONS", "suppressions=" + os.path.join(HERE, "..", "..", "sim", "lsan.supp"))


def guest(name):
    return os.path.join(BUILD, "tests", "sim", name + ".elf")


# Debian's kernel and initramfs, fetched by tests/linux/fetch.sh into the cache
CACHE = os.environ.get("LINUX_CACHE", os.path.join(BUILD, "linux-cache"))
LINUX_SKIP = "Debian bzImage/initramfs not cached in %s (tests/linux/fetch.sh)" % CACHE


def debian_linux():
    """(bzImage, initramfs) paths when both are cached, else None."""
    bz, initrd = os.path.join(CACHE, "bzImage"), os.path.join(CACHE, "initramfs.cpio")
    return (bz, initrd) if os.path.exists(bz) and os.path.exists(initrd) else None


class Run:
    def __init__(self, args, timeout=120, sevsim=None):
        p = subprocess.run([sevsim or SEVSIM] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
        self.args = args
        self.status = p.returncode
        self.stdout = p.stdout.decode("utf-8", "replace")
        self.stderr = p.stderr.decode("utf-8", "replace")
        lines = self.stdout.split("\n")
        while lines and lines[-1] == "":
            lines.pop()
        try:
            self.json = json.loads(lines[-1]) if lines else {}
        except ValueError:
            self.json = {}
        self.console = "\n".join(lines[:-1])
        self.lines = lines[:-1]

    def field(self, prefix):
        """Value after 'prefix' on the first console line that contains it, or None."""
        pat = re.compile(r"(?:^|\s)" + re.escape(prefix) + r"(\S*)")
        for line in self.lines:
            m = pat.search(line)
            if m:
                return m.group(1)
        return None

    def __getitem__(self, k):
        return self.json.get(k)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, claim, run=None):
        self.n += 1
        print(("ok %d - %s" if cond else "not ok %d - %s") % (self.n, claim))
        if not cond and " # TODO" not in claim:  # TAP: a failing TODO test is no failure
            self.failed += 1
            if run is not None:
                print("# args: %s" % " ".join(run.args))
                print("# status %s json %s" % (run.status, json.dumps(run.json)[:600]))
                for line in (run.console.splitlines()[-15:] + run.stderr.splitlines()[-10:]):
                    print("# " + line)
        sys.stdout.flush()
        return cond

    def skip(self, why, n=1):
        """n claims that cannot be checked here, as TAP skips."""
        for _ in range(n):
            self.n += 1
            print("ok %d # SKIP %s" % (self.n, why))
        sys.stdout.flush()

    def done(self):
        print("1..%d" % self.n)
        sys.exit(1 if self.failed else 0)
