#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Claims about sevsim's address model (docs/sevsim.md, "Address model"):

- the C-bit can sit where EPYC parts put it (47, 51), CPUID reports what those parts
  report (0x8000001F EBX 0x16f / 0x173, 0x80000008 48 physical bits), and cocoboot
  boots with it in modes sev and sev-es;
- RAM can exceed 4 GiB (the part above SIM_LOWMEM_MAX sits above the 4 GiB hole, as xl
  places it), cocoboot maps and uses it, and the host pays only for touched pages;
- a linear page that maps another physical page reads and writes that physical page
  (inside and above the RAM range), and the encryption follows the physical page: the
  same ciphertext through two linear addresses, another one for another page;
- MOV from CR3 returns the guest's own value, C-bit included;
- the RMP (PVALIDATE) follows the physical page too, and reserved GPA bits fault;
- mode none: tables that map less than the ones before them cut sevsim's shared region of
  the old identity map; the pieces left keep executing and read their own physical pages.
"""
import os
import resource
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import BUILD, Run, Tap, guest  # noqa: E402

IMG = os.path.join(BUILD, "cocoboot.elf")
A = "1122334455667788"
B = "0102030405060708"
t = Tap()


def clean(r):
    return (r.status == 0 and r["result"] == "shutdown" and r["shutdown_reason"] == "poweroff"
            and "boot complete" in r.console)


# CPUID as the parts report it.
g = guest("guest_basic")
for cbit, ebx in ((47, 0x16F), (51, 0x173)):
    r = Run(["--mode=sev", f"--cbit={cbit}", "--cmdline=p", g])
    eax, ebx_ = (int(x, 16) for x in r.console.split("cpuid 8000001f=")[1].split()[:2])
    t.ok(r.status == 0 and r["cbit"] == cbit and ebx_ == ebx,
         f"--cbit={cbit}: CPUID 0x8000001F EBX = {ebx:#x} (C-bit {cbit}, 5 bits reduction), as "
         "EPYC parts report", r)

# cocoboot at the real C-bit positions.
for mode in ("sev", "sev-es"):
    for cbit in (47, 51):
        r = Run([f"--mode={mode}", f"--cbit={cbit}", IMG])
        t.ok(clean(r) and r["cbit"] == cbit and f"C-bit {cbit} (verified)" in r.console,
             f"cocoboot, {mode}, C-bit {cbit}: boots to a clean shutdown with the C-bit verified", r)

# 16 GiB of RAM: above the hole, mapped by the guest, sparse on the host.
before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
r = Run(["--mode=sev-es", "--cbit=51", "--mem=16G", "--cmdline=loglevel=debug", IMG])
rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
t.ok(clean(r) and "memmap[2] [0x000100000000-0x000403ffffff] RAM" in r.console
     and "RAM total: 16777216 KiB" in r.console,
     "--mem=16G: the memory map has RAM above 4 GiB up to 0x403ffffff, 16 GiB in all, and "
     "cocoboot boots in sev-es at C-bit 51", r)
t.ok("highest free page 0x403fff000 is mapped and writable" in r.console,
     "--mem=16G: cocoboot's identity map reaches the last page above 4 GiB and writes it", r)
t.ok(max(rss_kib, before) < 1024 * 1024,
     f"--mem=16G: sevsim's peak resident size stays below 1 GiB ({rss_kib // 1024} MiB): "
     "only touched guest pages cost host memory")
r = Run(["--mode=none", "--mem=16G", IMG])
t.ok(clean(r), "--mem=16G, mode none: cocoboot boots", r)

# Non-identity mappings: the physical page decides, for data and for the keystream.
g = guest("guest_addr")
r = Run(["--mode=none", g])
t.ok(r.status == 0 and r.field("ident=") == A and r.field("high=") == A,
     "mode none: a write through linear 16 MiB -> P reaches P (read back at P itself and "
     "through linear 1 GiB -> P)", r)
t.ok(r.field("shared_low=") == A and r.field("after_shared_write_private=") == B,
     "mode none: no encryption, every view of P holds the same bytes", r)
for cbit in (47, 51, 35):
    r = Run(["--mode=sev", f"--cbit={cbit}", g])
    ok = r.status == 0 and r["debug_exit"] == 16
    t.ok(ok and int(r.field("cr3=") or "0", 16) == 0x300000 | (1 << cbit),
         f"sev, C-bit {cbit}: MOV from CR3 returns the guest's value with the C-bit", r)
    t.ok(ok and r.field("ident=") == A and r.field("high=") == A,
         f"sev, C-bit {cbit}: a private write through a non-identity mapping lands in the "
         "physical page (identity view and a linear address above RAM agree)", r)
    low, high, q = r.field("shared_low="), r.field("shared_high="), r.field("shared_q=")
    t.ok(ok and low == high and low != A and q not in (A, low),
         f"sev, C-bit {cbit}: the ciphertext follows the physical page: equal through two "
         "shared linear views of P, different for page Q with the same plaintext", r)
    t.ok(ok and r.field("alias=") == low,
         f"sev, C-bit {cbit}: an undecoded GPA bit (46) without the C-bit maps the same page, "
         "shared (the hypervisor's alias a wrong C-bit lands in)", r)
    t.ok(ok and r.field("after_shared_write_shared=") == B
         and r.field("after_shared_write_private=") not in (B, None),
         f"sev, C-bit {cbit}: a shared write above RAM reads back through the shared view "
         "inside RAM, scrambled through the private one", r)

# A reserved GPA bit (49: at or above MAXPHYADDR 48, not the C-bit) faults: #PF, which
# this guest cannot deliver (no IDT). Sevsim emulated MOV CR3 earlier in the run: before the
# fix in cpu/vcpu.c (no exit address) Unicorn lost that #PF and the vCPU spun on the read.
for mode, cbit in (("none", None), ("sev", 51), ("sev", 47)):
    r = Run([f"--mode={mode}", "--cmdline=r", "--max-insns=1000000"] +
            ([f"--cbit={cbit}"] if cbit else []) + [g])
    t.ok(r.status == 3 and r["exceptions_by_vector"] == {"14": 1} and "vector 14" in (r["error"] or ""),
         f"mode {mode}{', C-bit %d' % cbit if cbit else ''}: a PTE with reserved bit 49 raises #PF "
         "(here a triple fault: no IDT)", r)

# Cut shared regions (mem/mem.c unmap_run): Unicorn 2.0.1 maps the pieces of a cut MMIO
# region again without execute permission and with offsets its descriptor does not expect.
r = Run(["--mode=none", "--max-insns=1000000", guest("guest_cut")])
t.ok(r["error"] is None and r["result"] == "shutdown",
     "mode none: after a CR3 write to tables that map 0..4 and 12..14 of the 16 MiB the old "
     "ones did, code runs on from the piece [0, 4) MiB (no UC_ERR_FETCH_PROT)", r)
t.ok(r.status == 0 and r["debug_exit"] == 16,
     "mode none: the piece [12, 14) MiB reads its own physical page (a marker at 12 MiB + 0x100) "
     "and runs a stub at 12 MiB", r)

# The RMP follows the physical page: under SNP, PVALIDATE of P through linear 16 MiB
# validates it (EAX 0, CF 0); PVALIDATE of P through its identity mapping then finds it
# validated already (EAX 0, CF 1). The guest reports both as its termination code.
for cbit in (51, 47):
    r = Run(["--mode=sev-snp", f"--cbit={cbit}", g])
    t.ok(r.status == 2 and r["reason_set"] == 0xA and r["reason_code"] == 0x20,
         f"sev-snp, C-bit {cbit}: PVALIDATE through a non-identity mapping validates the physical "
         "page: the second PVALIDATE, through the identity mapping, reports no change (CF=1)", r)

# What is refused, by name.
r = Run(["--mode=sev", "--cbit=52", g])
t.ok(r.status == 1 and "--cbit" in r.stderr, "--cbit=52 (above bit 51) is refused", r)
r = Run(["--mode=sev", "--mem=16G", "--cbit=34", g])
t.ok(r.status == 1 and "--cbit" in r.stderr, "--cbit=34 with 16 GiB of RAM (below its top) is refused", r)
r = Run(["--mem=65G", g])
t.ok(r.status == 1 and "--mem" in r.stderr, "--mem above 64 GiB is refused", r)
t.done()
