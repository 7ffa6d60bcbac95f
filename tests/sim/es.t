#!/usr/bin/env python3
# sevsim as an SEV-ES/SNP machine, checked with tests/sim/guest_es.asm: the GHCB MSR
# protocol, #VC frames (32- and 64-bit), each NAE event, the encryption model, hypercalls
# through the GHCB, the termination requests and every --lie as the guest sees it.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import Run, Tap, guest

t = Tap()
g = guest("guest_es")


def words(r, prefix):
    for line in r.lines:
        if line.startswith(prefix):
            return line[len(prefix):].split()
    return []


def hexes(r, prefix):
    return [int(x, 16) for x in words(r, prefix) if all(c in "0123456789abcdef" for c in x)]


r = Run(["--mode=sev-es", "--cbit=36", g])
t.ok(r.status == 0 and r["result"] == "shutdown" and r["shutdown_reason"] == "poweroff",
     "sev-es: the guest runs to SCHEDOP_shutdown(poweroff) sent through the VMMCALL event", r)
t.ok(words(r, "flags") == ["0000000000000020"], "sev-es: start_info carries SIF_HVM_GHCB", r)
m = dict(zip(words(r, "msr entry")[1::2] + ["entry"], []))
msr = words(r, "msr entry")
info = int(msr[0], 16) if msr else 0
t.ok(info & 0xfff == 1 and info >> 48 == 2 and (info >> 32) & 0xffff == 1 and
     (info >> 24) & 0xff == 36, "the GHCB MSR starts pre-loaded with SEV information (v1..2, C-bit 36)", r)
t.ok(len(msr) >= 7 and msr[2] == msr[0], "MSR 0x002 SEV-information request answers 0x001 with the same value", r)
t.ok(len(msr) >= 7 and int(msr[4], 16) & 0xa == 0xa and int(msr[6], 16) & 0x3f == 36,
     "MSR 0x004 CPUID requests: 0x8000001F EAX has SEV and SEV-ES, EBX[5:0] = 36", r)
m2 = hexes(r, "msr pref")
v = dict(zip(["pref", "reg", "hvft", "vmpl", "unknown"], [m2[i] for i in range(0, len(m2))] if len(m2) == 5 else [0] * 5))
t.ok(v["hvft"] == 0x081, "MSR 0x080 hypervisor features: 0x081, no SNP features in sev-es", r)
t.ok(v["vmpl"] == 0x100000017, "MSR 0x016 run-at-VMPL: 0x017 with an error (no VMPLs)", r)
t.ok(v["unknown"] == 0x12345678000000f0, "an unknown MSR-protocol request leaves the MSR unchanged", r)

vc32 = hexes(r, "vc32 err")
t.ok(vc32[:5] == [0x72, 1, 0x28, 0x202, 0x2],
     "32-bit #VC: error code 0x72, EIP = the CPUID, CS, EFLAGS (IF=1) pushed; IF clear in the handler", r)
t.ok(len(vc32) > 5 and vc32[5] == 0x566e6558,
     "32-bit #VC handler served CPUID 0x40000000 through the MSR protocol (EBX 'XenV')", r)
vc64 = hexes(r, "vc64 err")
t.ok(vc64[:8] == [0x72, 1, 0x08, 0x246, 0x10, 1, 1, 0x46],
     "64-bit #VC: error 0x72, RIP = the CPUID, CS, RFLAGS (IF=1), SS, RSP saved; frame on IST1; IF clear", r)
t.ok(len(vc64) > 9 and vc64[8] == 0x40a and vc64[9] & 0x3f == 36,
     "CPUID through #VC and the GHCB CPUID event (0x72) returns the SEV leaf", r)
t.ok("\nio\n" in "\n" + r.console + "\n" and hexes(r, "ioio in") == [0xe9],
     "IOIO event (0x7B): OUT dx/imm8 reach the console, IN from port 0xE9 returns 0xE9", r)
ms = hexes(r, "msr apic_base")
t.ok(ms[:4] == [0xfee00900, 0x80000b0d, 0x3, 0x500],
     "MSR event (0x7C): APIC_BASE read, unknown MSR answered with a #GP event; SEV_STATUS=3 and EFER without #VC", r)
t.ok(hexes(r, "misc tsc_aux")[1:] == [0x455],
     "DR7 write (0x37) and read (0x27) events keep the value", r)
t.ok(hexes(r, "mmio id") == [0x5645445f4d495356, 0x1122334455667788],
     "MMIO through #VC 0x400 and the MMIO read/write events reaches sevsim's test device", r)
t.ok(hexes(r, "alias") == [1, 1, 1],
     "private data reads as ciphertext through a shared mapping; a shared write reads back scrambled privately", r)
t.ok(hexes(r, "nae jump_table") == [0x12345000, 0, 0],
     "AP jump table SET/GET (0x80000005), HV features (0x8000FFFD) = 0, NMI complete answered OK", r)
t.ok(hexes(r, "nae_errors") == [2, 6, 2, 6, 2, 4, 2, 2],
     "GHCB errors: v1 HV-features and unknown events -> invalid event, CPUID without RAX -> missing input, usage 1 -> invalid usage", r)
t.ok("hello from console_io through the GHCB" in r.console and hexes(r, "hypercall ret")[:1] == [0],
     "console_io hypercall through the VMMCALL event prints the shared buffer and returns 0", r)
vcc = hexes(r, "hypercall ret")
t.ok(len(vcc) == 2 and r["vc"] == vcc[1] + 2 and
     sum(r["vc_by_code"].values()) == r["vc"] and r["vc_by_code"].get("0x72") == 2 and
     r["vc_by_code"].get("0x400") == 3 and r["vc_by_code"].get("0x7b") == 4,
     "JSON vc and vc_by_code match the guest's own count of handled #VCs", r)
t.ok(r["vmgexits_by_code"].get("0x72") == 3 and r["vmgexits_by_code"].get("msr:0x004") == 6 and
     r["vmgexits"] == sum(r["vmgexits_by_code"].values()),
     "JSON vmgexits_by_code counts MSR-protocol requests and NAE events by code", r)

r = Run(["--mode=sev-es", "--no-ghcb-flag", g])
t.ok(r.status == 0 and words(r, "flags") == ["0000000000000000"], "--no-ghcb-flag: flags 0, the guest still runs", r)
r = Run(["--mode=sev-es", "--intercept-tsc", g])
t.ok(r.status == 0 and r["vc_by_code"].get("0x6e") == 1 and r["vc_by_code"].get("0x87") == 1 and
     hexes(r, "misc tsc_aux")[:1] == [0], "--intercept-tsc: RDTSC and RDTSCP raise #VC 0x6E / 0x87", r)
r = Run(["--mode=sev-snp", "--cbit=39", g])
t.ok(r.status == 2 and r["reason_set"] == 10 and r["reason_code"] == 0x31 and
     r["vc_by_code"].get("0x404") == 1 and r["snp"]["validated_pages"] > 0,
     "sev-snp: this SEV-ES guest writes its page tables into RAM it never validated: #VC 0x404, "
     "which its 32-bit #VC handler does not expect (0x31); the launch validated its image", r)
t.ok(r["vmgexits_by_code"].get("msr:0x010") == 1 and r["vmgexits_by_code"].get("msr:0x012") == 1,
     "sev-snp: MSR 0x010 answers 0x011 'no preference' and 0x012 answers 0x013 echoing the GFN "
     "(the guest checks both and would terminate with 0x21 before the #VC 0x404)", r)
r = Run(["--mode=sev-es", "--cmdline=g", g])
t.ok(r.status == 2 and r["terminated_by"] == "hypervisor" and "0x10 is for SNP guests only" in (r["error"] or "")
     and r["vmgexits_by_code"].get("msr:0x010") == 1,
     "sev-es: the SNP-only MSR request 0x010 terminates the guest, as KVM does", r)
r = Run(["--mode=sev-es", "--cmdline=f", g])
t.ok(r.status == 3 and r["result"] == "triple-fault" and r["vc_by_code"] == {"0x72": 1},
     "sev-es: CPUID before any IDT raises #VC 0x72 and, undeliverable, a triple fault (exit 3)", r)
r = Run(["--mode=sev-es", "--cmdline=m", g])
t.ok(r.status == 2 and r["result"] == "terminated" and r["reason_set"] == 10 and
     r["reason_code"] == 0x99 and r["terminated_by"] == "guest",
     "MSR-protocol termination (0x100): result terminated, reason set/code reported, exit 2", r)
r = Run(["--mode=sev-es", "--cmdline=t", g])
t.ok(r.status == 2 and r["reason_set"] == 11 and r["reason_code"] == 0x42,
     "GHCB termination event (0x8000FFFE): reason set 11, code 0x42", r)

lies = [("cbit-wrong", 5, "C-bit read back through the new mapping is ciphertext"),
        ("cpuid-nosev", 3, "CPUID 0x8000001F denies SEV"),
        ("version-mismatch", 2, "SEV information offers protocol versions 3..4 only"),
        ("ghcb-error", 8, "sw_exit_info_1 reports an error"),
        ("ghcb-missing-valid", 9, "returned registers lack their valid bits"),
        ("ghcb-garbage-cpuid", 7, "CPUID answers are absurd (C-bit 63)"),
        ("msr-bad-response", 6, "MSR-protocol answers carry the wrong response code")]
for name, code, what in lies:
    r = Run(["--mode=sev-es", "--lie=" + name, g])
    t.ok(r.status == 2 and r["reason_set"] == 10 and r["reason_code"] == code and r["lies"] == [name],
         "--lie=%s: the guest sees it (%s) and terminates with code %d" % (name, what, code), r)
t.done()
