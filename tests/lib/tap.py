# SPDX-License-Identifier: MIT
"""A minimal TAP producer for the python tests: one `ok` line per claim."""
import sys


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.planned = None

    def plan(self, n):
        self.planned = n
        print(f"1..{n}", flush=True)

    def ok(self, cond, claim, diag=None):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {claim}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {claim}", flush=True)
            if diag:
                for line in str(diag).splitlines()[-40:]:
                    print(f"# {line}", flush=True)
        return cond

    def skip(self, claim, reason):
        self.n += 1
        print(f"ok {self.n} - {claim} # SKIP {reason}", flush=True)

    def diag(self, msg):
        for line in str(msg).splitlines():
            print(f"# {line}", flush=True)

    def done(self):
        if self.planned is None:
            print(f"1..{self.n}", flush=True)
        sys.exit(1 if self.failed else 0)
