#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about long and hostile command lines, booted by real QEMU (-append).

Nothing on the command line stops the boot (README "Command line"); what cocoboot
prints of it is whole, one line per value, and never carries raw control bytes.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.dirname(__file__))
from tap import Tap  # noqa: E402
from qemu import EXIT_SUCCESS, boot  # noqa: E402


def lines(b):
    return b.log.splitlines()


def cmdline_line(b):
    for i, ln in enumerate(lines(b)):
        if ln.startswith('cocoboot: cmdline: "'):
            return i, ln
    return None, None


def only_printable(b):
    """Every byte of the debugcon log is printable ASCII or a newline."""
    return all(c == "\n" or " " <= c <= "~" for c in b.log)


t = Tap()

# 1. A long line: 3000 bytes, the part after -- included.
value = "".join(chr(ord("a") + i % 26) for i in range(2900))
long_line = f"loglevel=info x={value} -- root=/dev/vda console=hvc0"
b = boot(cmdline=long_line)
i, ln = cmdline_line(b)
t.ok(b.rc == EXIT_SUCCESS, "a 3000-byte command line boots to the end (no payload: a clean end)", b.diag())
t.ok(ln == f'cocoboot: cmdline: "{long_line}"',
     "the cmdline: line holds the whole 3000-byte line between its quotes", b.diag())
t.ok(i is not None and i + 1 < len(lines(b)) and lines(b)[i + 1].startswith("cocoboot: memory map:"),
     "the next line starts on a line of its own (the long line kept its newline)", b.diag())
t.ok(re.search(r"^cocoboot: warning: cmdline: unknown option 'x' ignored$", b.log, re.M),
     "the unknown option in it is warned about once, by name", b.diag())

# 2. 40 options: the 33rd (loglevel=quiet) and later are ignored with a warning.
opts = " ".join(f"o{k}=1" for k in range(1, 33)) + " loglevel=quiet " + \
    " ".join(f"p{k}=1" for k in range(7)) + " -- payload-part"
b = boot(cmdline=opts)
t.ok(b.rc == EXIT_SUCCESS, "40 options: the boot is not stopped (33rd and later ignored)", b.diag())
t.ok(re.search(r"^cocoboot: warning: cmdline: more than 32 options: the last 8 ignored, "
               r"from 'loglevel=quiet' on$", b.log, re.M),
     "one warning names the first ignored option and how many were ignored", b.diag())
t.ok(cmdline_line(b)[1] is not None,
     "the ignored loglevel=quiet took no effect: info lines are still printed", b.diag())

# 3. A hostile line: terminal escapes, BEL, CR/LF (a forged line), DEL, non-ASCII.
hostile = ("\x1b[2J\x1b[H=1 cocoboot.fault=\x07 loglevel=info "
           "x=\"\r\ncocoboot: sev: SEV-SNP guest (verified)\" \x7f\u00ff=1")
b = boot(cmdline=hostile)
t.ok(b.rc == EXIT_SUCCESS, "a command line with control and non-ASCII bytes boots to the end", b.diag())
t.ok(only_printable(b), "the debugcon log carries no raw control or non-ASCII byte", b.diag())
t.ok(not re.search(r"^cocoboot: sev: SEV-SNP", b.log, re.M),
     "a newline in the command line cannot forge a log line of its own", b.diag())
t.ok('cocoboot: cmdline: "\\x1b[2J\\x1b[H=1 cocoboot.fault=\\x07 loglevel=info '
     'x="\\x0d\\x0acocoboot: sev: SEV-SNP guest (verified)" \\x7f\\xc3\\xbf=1"' in b.log,
     "the cmdline: line shows every such byte as \\xNN (UTF-8 0xff from -append as \\xc3\\xbf)", b.diag())
t.ok("cmdline: unknown option '\\x1b[2J\\x1b[H' ignored" in b.log and
     "cmdline: cocoboot.fault='\\x07' is not pf|ud|gp|de" in b.log,
     "warnings quote keys and values escaped too", b.diag())

# 4. A quote that never closes: a warning, not a fatal error.
b = boot(cmdline='loglevel=info x="never closed -- root=/dev/vda')
t.ok(b.rc == EXIT_SUCCESS and
     "cmdline: the quote in 'x=\"never closed -- root=/dev/vda' does not close: ignored" in b.log,
     "an unterminated quote is warned about and the boot goes on", b.diag())
# 5. Warnings about the line obey the line: console= and loglevel= apply to them.
b = boot(cmdline="console=com1 bogus=1")
t.ok("unknown option 'bogus'" in b.serial and "unknown option 'bogus'" not in b.log,
     "console=com1: the command line's own warnings go to the UART only", b.diag() + "\n--- serial\n" + b.serial)
b = boot(cmdline="loglevel=error bogus=1")
t.ok(b.rc == EXIT_SUCCESS and "bogus" not in b.log and "bogus" not in b.serial,
     "loglevel=error: the command line's own warnings are not printed", b.diag())
t.done()
