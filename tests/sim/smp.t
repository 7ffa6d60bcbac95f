#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sevsim's multi-vCPU machine (docs/sevsim.md "SMP"), with tests/sim/guest_smp.asm and cocoboot:

- every AP start method reaches every AP (a shared counter): the Xen bring-up page with
  VCPUOP_up and INIT-SIPI-SIPI, in modes none, sev and sev-es; under SEV-ES the first
  SIPI runs the launch VMSA, the APs park in the AP reset hold and a later INIT + SIPI
  wakes each exactly once (result 1 in the MSR-protocol answer);
- the AP jump table answers GET with what SET stored (and the lie that it does not is seen);
- code one vCPU rewrites is what the others run next (Unicorn caches translations per engine);
- the schedule is the seed's: the same seed gives the same JSON, other seeds other interleavings;
  time is sevsim's too: cocoboot's TSC waits (INIT-SIPI-SIPI's delays) replay exactly;
- 255 vCPUs (x2APIC IDs above 0xFE: the x2APIC ICR) all arrive;
- fixed and NMI IPIs written to the xAPIC page reach their targets, and an EOI written there
  ends the interrupt in service;
- cocoboot itself brings up 4 CPUs with VCPUOP_initialise+up (--hv=xen) and with
  INIT-SIPI-SIPI (--hv=kvm: no Xen CPUID leaves);
- the SMP lies strike and the test guest sees their effect (APs missing, VCPUOP_up error);
- VCPUOP_down (Xen common/domain.c do_vcpu_op) in modes none, sev and sev-es: the AP it names
  stops (VCPUOP_is_up 0, its counter still while another AP's moves), the others stay up,
  VCPUOP_up resumes it where it stopped; taking down the last vCPU up powers the domain off.
"""
import os
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import BUILD, Run, Tap, guest  # noqa: E402

G = guest("guest_smp")
IMG = os.path.join(BUILD, "cocoboot.elf")
FAST = os.path.join(BUILD, "sevsim-fast")
t = Tap()


def run(args, kernel=G):
    return Run(["--max-insns=3000000"] + args + [kernel])


def smp(r):
    return r["smp"] or {"vcpu": []}


def aps(r):
    return smp(r)["vcpu"][1:]


cases = [
    ("none", ["--hv=xen", "--bringup-page=on"], "v", "vcpuop-up-bringup"),
    ("none", ["--hv=kvm"], "s", "sipi"),
    ("sev", ["--hv=xen", "--bringup-page=on"], "v", "vcpuop-up-bringup"),
    ("sev", ["--hv=kvm"], "s", "sipi"),
    ("sev-es", [], "v", "sipi-hold-release"),
    ("sev-es", ["--hv=kvm"], "s", "sipi-hold-release"),
]
jobs = [["--mode=" + m, "--vcpus=4", "--cmdline=%s004" % how] + extra for m, extra, how, _ in cases]
jobs += [
    ["--mode=none", "--hv=kvm", "--vcpus=4", "--cmdline=m004"],
    ["--mode=none", "--hv=kvm", "--vcpus=4", "--seed=7", "--cmdline=s004"],
    ["--mode=none", "--hv=kvm", "--vcpus=4", "--seed=7", "--cmdline=s004"],
    ["--mode=none", "--hv=kvm", "--vcpus=4", "--seed=8", "--cmdline=s004"],
    ["--mode=sev-es", "--vcpus=4", "--cmdline=v004", "--lie=jump-table-other"],
    ["--mode=none", "--hv=xen", "--bringup-page=on", "--vcpus=4", "--cmdline=v004", "--lie=ap-never-up"],
    ["--mode=none", "--hv=xen", "--bringup-page=on", "--vcpus=4", "--cmdline=v004", "--lie=vcpuop-up-error"],
    ["--mode=none", "--hv=xen", "--bringup-page=on", "--vcpus=4", "--cmdline=v004", "--lie=vcpuop-up-fake"],
    ["--mode=none", "--hv=kvm", "--vcpus=4", "--cmdline=s004", "--lie=sipi-dropped"],
    ["--mode=none", "--vcpus=1", "--cmdline=s001"],
    ["--mode=none", "--hv=xen", "--bringup-page=on", "--vcpus=4", "--cmdline=i004"],
]
down_modes = ["none", "sev", "sev-es"]
jobs += [["--mode=" + m, "--hv=xen", "--bringup-page=on", "--vcpus=4", "--cmdline=d004"] for m in down_modes]
with ThreadPoolExecutor(2) as ex:
    res = list(ex.map(run, jobs))
    cb = list(ex.map(lambda hv: run(["--mode=none", "--vcpus=4", "--hv=" + hv], IMG), ["xen", "kvm", "kvm"]))
    # 255 engines: the -O2 build without sanitizers (the ASan one takes twice as long)
    big = ex.submit(lambda: Run(["--mode=none", "--hv=kvm", "--vcpus=255", "--cmdline=s255", G],
                                timeout=300, sevsim=FAST))
    big_es = ex.submit(lambda: Run(["--mode=sev-es", "--vcpus=255", "--cmdline=v255", G],
                                   timeout=300, sevsim=FAST))
    big, big_es = big.result(), big_es.result()

for (m, extra, how, started), r in zip(cases, res):
    a = aps(r)
    ok = r["debug_exit"] == 0x10 and len(a) == 3 and all(v["started_by"] == started for v in a)
    what = "the bring-up page + VCPUOP_up" if how == "v" else "INIT-SIPI-SIPI"
    t.ok(ok, "mode %s %s: %s starts all 3 APs (each %s) and each reported in" %
         (m, " ".join(extra), what, started), r)
    if m == "sev-es":
        t.ok(all(v["holds"] == 2 and v["hold_releases"] == 1 and v["state"] == "held" for v in a) and
             smp(r)["ap_jump_table"] == 0x9000,
             "... under SEV-ES each AP held, was woken once by INIT + SIPI and held again; the jump "
             "table is the one SET (VMGEXITs per AP: %s)" % [v["vmgexits"] for v in a], r)

r = res[len(cases)]
t.ok(r["debug_exit"] == 0x10 and smp(r)["smc_flushes"] > 0,
     "an instruction the BSP rewrites is what the spinning APs run next (%d page flushes in "
     "other vCPUs' translation caches)" % smp(r)["smc_flushes"], r)

a, b, c = res[len(cases) + 1:len(cases) + 4]


def strip(r):
    j = dict(r.json)
    for k in ("seconds", "insns_per_second"):
        j.pop(k, None)
    return j


t.ok(a.status == 0 and strip(a) == strip(b),
     "the same seed gives the same run, JSON for JSON (%d instructions)" % (a["instructions"] or 0), a)
t.ok(c.status == 0 and [v["instructions"] for v in smp(a)["vcpu"]] != [v["instructions"] for v in smp(c)["vcpu"]],
     "another seed interleaves the vCPUs differently (instructions per vCPU %s vs %s)" %
     ([v["instructions"] for v in smp(a)["vcpu"]], [v["instructions"] for v in smp(c)["vcpu"]]), c)

lies = res[len(cases) + 4:len(cases) + 9]
expect = [("jump-table-other", 0x25), ("ap-never-up", 0x21), ("vcpuop-up-error", 0x22),
          ("vcpuop-up-fake", 0x21), ("sipi-dropped", 0x21)]
for (name, code), r in zip(expect, lies):
    t.ok((r["lie_hits"] or {}).get(name, 0) > 0 and r["debug_exit"] == code,
         "--lie=%s strikes and the test guest ends with %#x" % (name, code), r)

downs = res[-len(down_modes):]
res = res[:-len(down_modes)]
for m, r in zip(down_modes, downs):
    a = aps(r)
    t.ok(r["result"] == "shutdown" and r["shutdown_reason"] == "poweroff" and r["debug_exit"] is None and
         smp(r)["vcpu"][0]["hypercalls"] > 0 and a and a[0]["started_by"] == "vcpuop-up-resume" and
         all(v["state"] == "down" for v in a),
         "mode %s: VCPUOP_down stops vCPU 1 (VCPUOP_is_up 0, its count still while vCPU 2's moves), "
         "VCPUOP_up resumes it where it stopped; downing every AP and then the boot CPU itself, the "
         "last vCPU up, powers the domain off (guest: %s)" % (m, r["debug_exit"]), r)

irq = res[-1]
t.ok(irq["debug_exit"] == 0x10 and irq["apic"]["by_vector"] == {"64": 7} and
     irq["apic"]["nmi_delivered"] == 3 and irq["apic"]["eoi_hv"] == 7 and smp(irq)["ipis_dropped"] == 0,
     "xAPIC page (ICR at 0xFEE00300/0x310): fixed IPIs to all but self (twice: the EOI written to "
     "the page ended the first), to one APIC ID, and an NMI to all but self each reach every target "
     "(7 x vector 0x40, 3 NMIs, nothing dropped)", irq)

one = res[-2]
t.ok(smp(one)["acpi_rsdp"] == 0 and smp(res[1])["acpi_rsdp"] != 0,
     "ACPI tables (RSDP -> XSDT -> MADT) only with more than one vCPU", res[1])

x, k, k2 = cb
t.ok(x.status == 0 and "4 of 4 CPUs up by VCPUOP_initialise+VCPUOP_up" in x.console,
     "cocoboot on --hv=xen brings up 4 of 4 CPUs with VCPUOP_initialise+VCPUOP_up", x)
t.ok(k.status == 0 and "4 of 4 CPUs up by INIT-SIPI-SIPI" in k.console and "xen:" not in k.console,
     "cocoboot on --hv=kvm (no Xen leaves) brings up 4 of 4 CPUs with INIT-SIPI-SIPI", k)
ticks = [line for line in k.console.splitlines() if "TSC ticks" in line]
t.ok(ticks and k2.status == 0 and strip(k) == strip(k2) and k.console == k2.console,
     "... and a second run of it is the same, JSON for JSON and line for line: its TSC is sevsim's "
     "clock, not the host's (%s)" % (ticks[0].split("smp: ")[-1] if ticks else "no 'TSC ticks' line"), k2)

t.ok(big["debug_exit"] == 0x10 and smp(big)["aps_started"] == 254,
     "255 vCPUs (x2APIC from the start): INIT-SIPI-SIPI reaches all 254 APs (critical path %s "
     "instructions)" % smp(big)["critical_path_insns"], big)
t.ok(big_es["debug_exit"] == 0x10 and smp(big_es)["aps_started"] == 254 and
     all(v["hold_releases"] == 1 for v in aps(big_es)),
     "255 vCPUs under SEV-ES: the bring-up page starts all 254 APs, each is woken once from its hold", big_es)
t.done()
