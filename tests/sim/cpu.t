#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about sevsim's CPU model (docs/sevsim.md "CPU model"), checked with
tests/sim/guest_cpu.asm:

- every opcode the architecture leaves undefined in 64-bit code raises #UD at its
  own first byte, and the run goes on (Unicorn 2.0.1 reports only some of them);
- RDRAND works (Unicorn has none): seeded values with CF = 1, 16/32/64-bit forms;
  --rdrand switches CPUID's bit and the failure modes (absent, fail, fail-first=K,
  ones, ones-first=K);
- the cache model: with --cache=incoherent (CPUID 0x8000001F EAX[10] clear) a page
  whose C-bit changes with lines of the old key still cached reads back corrupted,
  in both directions; CLFLUSH of every line through the old mapping or WBINVD
  prevents it, a flush through the new mapping does not; with coherent caches
  (EAX[10] set, the default) nothing is corrupted;
- an exception from ring 3 pushes the interrupted SS (not 0).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Run, Tap, guest  # noqa: E402

t = Tap()
g = guest("guest_cpu")


def image_bytes(path, addr, n):
    """n bytes at guest-physical addr from the ELF's PT_LOAD segments."""
    data = open(path, "rb").read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phnum, = struct.unpack_from("<H", data, 0x38)
    for i in range(phnum):
        p_type, _, off, _, paddr, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + 56 * i)
        if p_type == 1 and paddr <= addr < paddr + filesz:
            return data[off + addr - paddr: off + addr - paddr + n]
    return b""


# ---- #UD for undefined opcodes ----
# First bytes of tests/sim/guest_cpu.asm's ud_table, in order.
first = [0xea, 0x9a, 0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x60,
         0x61, 0x82, 0xce, 0xd4, 0xd5, 0xd6, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f,
         0x0f, 0x0f, 0x0f, 0xfe, 0xff, 0x8d, 0xc4]
r = Run(["--cmdline=u", g])
ud = {}
for line in r.lines:
    w = line.split()
    if w and w[0] == "ud64":
        ud[int(w[1], 16)] = (int(w[3], 16), int(w[5], 16)) if w[2] == "vec" else None
t.ok(r.status == 0 and r["debug_exit"] == 16 and len(ud) == len(first),
     f"all {len(first)} undefined opcodes ran and the guest reached its end (no spin to --max-insns)", r)
bad = [i for i in range(len(first)) if not ud.get(i) or ud[i][0] != 6]
t.ok(not bad, "each raises #UD (vector 6) (failed: %s)" % bad, r)
bad = [i for i in range(len(first))
       if ud.get(i) and image_bytes(g, ud[i][1], 1) != bytes([first[i]])]
t.ok(not bad, "each #UD reports the address of the undefined opcode itself (failed: %s)" % bad, r)
t.ok(r["exceptions_by_vector"] == {"6": len(first)},
     "the simulator counts exactly those #UDs and no other exception", r)

# ---- RDRAND ----


def rdrand_lines(r):
    out = []
    for line in r.lines:
        w = line.split()
        if w and w[0].startswith("rdrand") and len(w) == 3:
            out.append((w[0], int(w[1], 16), int(w[2])))
    return out


r = Run(["--cmdline=r", g])
rd = rdrand_lines(r)
v32 = [v for n, v, cf in rd if n == "rdrand32"]
t.ok(r.status == 0 and len(rd) == 10 and all(cf == 1 for _, _, cf in rd) and r["rdrand"] == 10,
     "RDRAND executes (Unicorn has none): 10 executions, CF = 1 each", r)
t.ok(len(set(v32)) == 8 and all(v not in (0, 0xffffffff) for v in v32),
     "RDRAND returns 8 different 32-bit values", r)
t.ok(rd and rd[-1][0] == "rdrand16" and rd[-1][1] >> 16 == 0xabcd,
     "the 16-bit form replaces only the low word", r)
t.ok(rd and rd[-2][0] == "rdrand64" and rd[-2][1] >> 32 != 0,
     "the 64-bit form fills all 64 bits", r)
r2 = Run(["--cmdline=r", g])
r3 = Run(["--cmdline=r", "--seed=7", g])
t.ok(rdrand_lines(r2) == rd and rdrand_lines(r3) != rd,
     "the values repeat with the same --seed and differ with another", r3)

r = Run(["--cmdline=r", "--rdrand=absent", g])
t.ok(r.status == 0 and "rdrand vec 00000006" in r.console and r["rdrand"] == 0,
     "--rdrand=absent: RDRAND raises #UD", r)
r = Run(["--cmdline=r", "--rdrand=fail", g])
rd = rdrand_lines(r)
t.ok(len(rd) == 10 and all(cf == 0 and v & 0xffff == 0 for _, v, cf in rd),
     "--rdrand=fail: CF = 0 and a zero value every time", r)
r = Run(["--cmdline=r", "--rdrand=fail-first=3", g])
rd = rdrand_lines(r)
t.ok([cf for _, _, cf in rd] == [0, 0, 0] + [1] * 7,
     "--rdrand=fail-first=3: CF = 0 for the first three, then CF = 1", r)
r = Run(["--cmdline=r", "--rdrand=ones", g])
rd = rdrand_lines(r)
t.ok(len(rd) == 10 and all(cf == 1 for _, _, cf in rd) and
     [v & 0xffffffff for _, v, _ in rd] == [0xffffffff] * 9 + [0xabcdffff],
     "--rdrand=ones: the erratum, CF = 1 with all ones every time", r)
r = Run(["--cmdline=r", "--rdrand=ones-first=2", g])
rd = rdrand_lines(r)
t.ok([v for _, v, _ in rd][:2] == [0xffffffff] * 2 and 0xffffffff not in [v for _, v, _ in rd][2:8],
     "--rdrand=ones-first=2: all ones twice, then values", r)
r = Run(["--rdrand=sometimes", g])
t.ok(r.status == 1 and "--rdrand" in (r["error"] or ""), "an unknown --rdrand mode is refused", r)

# ---- the cache model ----


def cache(r):
    return {w[1]: w[2] for w in (l.split() for l in r.lines) if len(w) == 3 and w[0] == "cache"}


for how, name in (("n", "no flush"), ("f", "CLFLUSH through the old mapping"), ("w", "WBINVD"),
                  ("a", "CLFLUSH through the new mapping only")):
    r = Run(["--mode=sev", "--cache=incoherent", "--cmdline=c" + how, g])
    want = "ok" if how in "fw" else "corrupt"
    c = cache(r)
    t.ok(r.status == 0 and c == {"p2s": want, "s2p": want} and
         r["cache_stale_pages"] == (0 if want == "ok" else 2),
         f"incoherent caches, {name}: private->shared and shared->private read back {want}", r)
    r = Run(["--mode=sev", "--cache=coherent", "--cmdline=c" + how, g])
    t.ok(r.status == 0 and cache(r) == {"p2s": "ok", "s2p": "ok"} and r["cache_stale_pages"] == 0,
         f"coherent caches, {name}: both directions read back ok", r)

r = Run(["--mode=sev", "--cmdline=p", guest("guest_basic")])
e1 = r.console.split("cpuid 8000001f=")[1].split()[0] if "cpuid 8000001f=" in r.console else "0"
r = Run(["--mode=sev", "--cache=incoherent", "--cmdline=p", guest("guest_basic")])
e2 = r.console.split("cpuid 8000001f=")[1].split()[0] if "cpuid 8000001f=" in r.console else "0"
t.ok(int(e1, 16) >> 10 & 1 == 1 and int(e2, 16) >> 10 & 1 == 0,
     "CPUID 0x8000001F EAX[10] is set with coherent caches and clear with --cache=incoherent", r)

# ---- exceptions from ring 3 ----
r = Run(["--cmdline=s", g])
t.ok(r.status == 0 and "ring3 vec 00000006 cs 0000002b ss 00000023" in r.console,
     "#UD in ring 3: the frame holds the interrupted CS (0x2b) and SS (0x23), not SS = 0", r)
t.done()
