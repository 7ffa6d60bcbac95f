#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about a long, hostile command line in an SEV-ES guest under sevsim: the
console goes through the GHCB (#VC), and what cocoboot prints of the line is still
whole, escaped and one line (README "Command line"; tests/qemu/cmdline.t does the
same under QEMU)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import BUILD, Run, Tap  # noqa: E402

IMG = os.path.join(BUILD, "cocoboot.elf")
t = Tap()

value = "".join(chr(ord("a") + i % 26) for i in range(2500))
hostile = "\x1b[2J\x1b[H=1 " + " ".join(f"o{k}=1" for k in range(40)) + \
    f" x={value} -- \r\ncocoboot: sev: SEV-SNP guest (forged)"
r = Run(["--mode=sev-es", "--cmdline=" + hostile, IMG])
t.ok(r.status == 0 and r["result"] == "shutdown" and "boot complete" in r.console,
     "SEV-ES: a 2700-byte command line with escapes and 42 options boots to its normal end", r)
want = hostile.replace("\x1b", "\\x1b").replace("\r", "\\x0d").replace("\n", "\\x0a")
t.ok(f'cocoboot: cmdline: "{want}"' in r.lines,
     "SEV-ES: the cmdline: line, printed through the GHCB, is whole and escaped on one line", r)
t.ok(all(c == "\n" or " " <= c <= "~" for c in r.console),
     "SEV-ES: the console carries no raw control byte", r)
t.ok(not any(ln.startswith("cocoboot: sev: SEV-SNP") for ln in r.lines),
     "SEV-ES: the newline in the line cannot forge a log line", r)
t.ok(any(ln.startswith("cocoboot: warning: cmdline: more than 32 options: the last 10 ignored")
         for ln in r.lines),
     "SEV-ES: options past the 32nd are ignored with a warning, not a termination", r)
t.done()
