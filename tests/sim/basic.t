#!/usr/bin/env python3
# sevsim launch, entry state, consoles, hypercalls and exit statuses, in modes none and sev,
# checked with tests/sim/guest_basic.asm (which prints what it finds and ends as asked).
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Run, Tap, guest, BUILD

t = Tap()
g = guest("guest_basic")
mod = os.path.join(BUILD, "tests", "sim", "module.bin")
with open(mod, "wb") as f:
    f.write(b"MODULE-CONTENT" + bytes(5000))

r = Run(["--mode=none", "--mem=64M", "--cmdline=p hello world", "--module=%s,mod args" % mod, g])
t.ok(r.status == 0 and r["result"] == "shutdown" and r["shutdown_reason"] == "poweroff",
     "mode none: SCHEDOP_shutdown(poweroff) through plain VMMCALL ends the run, exit 0", r)
t.ok(r.field("cr0=") == "00000011" and r.field("cr4=") == "00000000" and
     r.field("eflags=") == "00000002", "PVH entry state: CR0 = PE|ET, CR4 = 0, EFLAGS = 2", r)
ebx = int(r.field("ebx=") or "0", 16)
t.ok(ebx % 4096 == 0 and r.field("magic=") == "336ec578" and r.field("version=") == "00000001",
     "EBX points at a page-aligned hvm_start_info v1 with the magic", r)
t.ok(r.field("flags=") == "00000000", "mode none: start_info flags 0 (no SIF_HVM_GHCB)", r)
t.ok("cmdline=p hello world" in r.console, "the command line reaches the guest", r)
mm = [l.split()[1:] for l in r.lines if l.startswith("memmap ")]
t.ok(mm == [["0000000000000000", "0000000004000000", "00000001"],
            ["00000000feff8000", "0000000000008000", "00000002"]],
     "memory map: RAM 0..--mem, special pages 0xFEFF8000+32K reserved", r)
ml = [l.split(" ", 4) for l in r.lines if l.startswith("module ")]
ok = len(ml) == 1
if ok:
    paddr, size = int(ml[0][1], 16), int(ml[0][2], 16)
    ok = paddr % 4096 == 0 and paddr < ebx and size == 5014 and ml[0][3] == "MODU" and \
        ml[0][4] == "mod args"
t.ok(ok, "module placed page-aligned before start_info, with size, content and cmdline", r)
t.ok(r.field("cpuid 40000000=") == "XenVMMXenVMM", "CPUID 0x40000000 has Xen's signature", r)
t.ok(r.field("cpuid 8000001f=") == "00000000" and r.field("sev_status=") == "00000000",
     "mode none: CPUID 0x8000001F and SEV_STATUS report no SEV", r)
t.ok(int(r.field("cpuid 80000001.edx=") or "0", 16) & (1 << 20) == 0,
     "CPUID 0x80000001 EDX reports NX = 0 (Unicorn ignores EFER.NXE)", r)
t.ok(r["instructions"] and r["instructions"] > 1000 and r["vcpus"] == 1 and r["vc"] == 0 and
     r["vmgexits"] == 0 and r["hypercalls_by_nr"] == {"29": 1},
     "JSON counts instructions, one vCPU, no #VC, no VMGEXIT, one sched_op", r)

r = Run(["--mode=sev", "--cbit=35", "--cmdline=p", g])
t.ok(r.status == 0 and r["cbit"] == 35, "mode sev: --cbit=35 is used", r)
eax, ebx_ = (int(x, 16) for x in (r.console.split("cpuid 8000001f=")[1].split()[:2]))
t.ok(eax == 0x402 and ebx_ & 0x3f == 35 and (ebx_ >> 6) & 0x3f == 5,
     "mode sev: CPUID 0x8000001F says SEV (not ES) with coherent caches (EAX[10]), C-bit 35, 5 address bits lost (as EPYC parts report)", r)
t.ok(r.field("sev_status=") == "00000001", "mode sev: SEV_STATUS = 1", r)

cbits = set()
for seed in range(12):
    r = Run(["--mode=sev", "--seed=%d" % seed, "--cmdline=p", g])
    cbits.add(r["cbit"])
t.ok(len(cbits) > 2 and all(32 <= c <= 51 for c in cbits) and max(cbits) > 39,
     "the default C-bit is chosen from the seed among 32..51 (%s)" % sorted(cbits))

r = Run(["--mode=none", "--cmdline=x", g])
t.ok("hello through console_io" in r.console and "console_io returned 00000000" in r.console,
     "mode none: console_io(CONSOLEIO_write) prints the guest's buffer and returns 0", r)
r = Run(["--mode=sev", "--cmdline=x", g])
t.ok("hello through console_io" not in r.console and "console_io returned 00000000" in r.console,
     "mode sev: the hypervisor reads a private buffer as ciphertext (paging off = private)", r)

r = Run(["--cmdline=c", g])
t.ok(r.status == 5 and r["result"] == "shutdown" and r["shutdown_reason"] == "crash",
     "SCHEDOP_shutdown(crash): result shutdown, shutdown_reason crash, exit 5", r)
r = Run(["--cmdline=d", g])
t.ok(r.status == 0 and r["result"] == "shutdown" and r["debug_exit"] == 16,
     "isa-debug-exit 0x10: result shutdown, debug_exit 16, exit 0", r)
r = Run(["--cmdline=e", g])
t.ok(r.status == 5 and r["debug_exit"] == 17, "isa-debug-exit 0x11: exit 5", r)
r = Run(["--cmdline=h", g])
t.ok(r.status == 0 and r["result"] == "halt", "hlt with IF=0 on the last vCPU: result halt", r)
r = Run(["--cmdline=u", g])
t.ok(r.status == 3 and r["result"] == "triple-fault" and r["exceptions_by_vector"] == {"6": 1}
     and "triple fault" in (r["error"] or ""),
     "ud2 with no usable IDT: triple fault reported, exit 3", r)
r = Run(["--cmdline=l", "--max-insns=100000", g])
t.ok(r.status == 4 and r["result"] == "timeout" and r["instructions"] == 100000,
     "--max-insns=100000: result timeout after exactly 100000 instructions, exit 4", r)

r = Run(["--bogus", g])
t.ok(r.status == 1 and r["result"] == "error" and "--bogus" in r.stderr,
     "unknown option: exit 1, the message names it, JSON result error", r)
r = Run(["--lie=nonsense", g])
t.ok(r.status == 1 and "nonsense" in r.stderr, "unknown --lie name: exit 1 naming it", r)
r = Run(["--mode=sev", "--cbit=20", g])
t.ok(r.status == 1 and "--cbit" in r.stderr, "--cbit below RAM size is refused", r)
# sevsim's encodings are its own (sim/hv/spec.h), not the guest's include/sev/ headers:
# only cocoboot's names for its own reason codes (term.h) are used, for the JSON summary.
import glob  # noqa: E402
import re  # noqa: E402
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
uses = sorted((os.path.relpath(f, here), m) for f in glob.glob(os.path.join(here, "sim", "**", "*.[ch]"), recursive=True)
              for m in re.findall(r'#include "(sev/[^"]+)"', open(f).read()))
t.ok(uses == [("sim/json.c", "sev/term.h")],
     "sevsim includes no guest header from include/sev/ but term.h (reason names) in json.c (%s)" % uses)

r = Run([mod])
t.ok(r.status == 1 and "not an ELF" in r.stderr, "a non-ELF kernel is refused by name", r)
r = Run(["/bin/true"])
t.ok(r.status == 1 and "XEN_ELFNOTE_PHYS32_ENTRY" in r.stderr,
     "an ELF without the PVH note is refused, naming the note", r)
r = Run(["--mem=1M", g])
t.ok(r.status == 1 and "--mem" in r.stderr, "--mem below 2 MiB is refused", r)
r = Run(["--mode=sev-es", "--module=%s.missing" % mod, g])
t.ok(r.status == 1 and "No such file" in r.stderr and "runtime error" not in r.stderr and
     r["result"] == "error" and r["apic"]["savic_on"] == [],
     "a module that cannot be read ends the run with an error and a JSON report, nothing of the never-created vCPUs read", r)
t.done()
