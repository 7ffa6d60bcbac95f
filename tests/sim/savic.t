#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sevsim's APIC room (sim/apic/): Secure AVIC (--savic) and the plain GHCB x2APIC path,
checked with tests/sim/guest_savic.asm (every vCPU started at the PVH entry by
--test-start-all-vcpus, or created by vCPU 0 through SNP AP creation with the VMSA's
vintr_ctrl under test). The lies of docs/lies.md run in lies.t; here the details they leave
out (attempted and blocked, no stray vector)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simtest import BUILD, LINUX_SKIP, Run, Tap, debian_linux, guest  # noqa: E402

t = Tap()
G = guest("guest_savic")
FAST = os.path.join(BUILD, "sevsim-fast")
SNP = ["--mode=sev-snp", "--cbit=47", "--mem=16M", "--test-start-all-vcpus"]


def run(action, vcpus=1, savic=True, extra=()):
    return Run(SNP + (["--savic"] if savic else []) +
               ["--vcpus=%d" % vcpus, "--cmdline=%s%d" % (action, vcpus)] + list(extra) + [G])


def created(cmd, vcpus):
    """vCPU 0 starts the others by SNP AP creation (NAE 0x8000_0013), cmd's suffix names
    the VMSAs' vintr_ctrl: c V_GIF | V_NMI_ENABLE, g no V_GIF, n no V_NMI_ENABLE."""
    return Run(["--mode=sev-snp", "--cbit=47", "--mem=16M", "--savic", "--vcpus=%d" % vcpus,
                "--cmdline=" + cmd, G])


V_GIF, V_NMI_ENABLE = 1 << 9, 1 << 26


def fields(r):
    """The guest's report line as a dict: savic=1 cpus=4 ..."""
    for line in r.lines:
        if line.startswith("savic="):
            return dict(kv.split("=", 1) for kv in line.split())
    return {}


def fast(args):
    import json
    p = subprocess.run([FAST] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    lines = p.stdout.decode().splitlines()
    r = Run.__new__(Run)
    r.args, r.status, r.stderr = args, p.returncode, p.stderr.decode()
    r.json = json.loads(lines[-1]) if lines else {}
    r.lines, r.console = lines[:-1], "\n".join(lines[:-1])
    return r


IMG = os.path.join(BUILD, "cocoboot.elf")
TMP = tempfile.mkdtemp(prefix="sevsim-savic-")
MKBUNDLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "mkbundle")
UKT_BUNDLE = os.path.join(TMP, "ukt")
subprocess.run([MKBUNDLE, "-k", os.path.join(BUILD, "tests", "payloads", "ukt.elf"), "-c", "ukt.modules=0",
                "-o", UKT_BUNDLE], check=True)
LINUX_BUNDLE = None
deb = debian_linux()
if deb:
    LINUX_BUNDLE = os.path.join(TMP, "linux")
    bz, initrd = deb
    subprocess.run([MKBUNDLE, "-k", bz, "-i", initrd, "-c", "console=ttyS0 quiet", "-o", LINUX_BUNDLE], check=True)


def ok_end(r):
    return r.status == 0 and r["result"] == "shutdown" and r["debug_exit"] == 0x10


jobs = {
    "ping4": lambda: run("p", 4),
    "ping4_plain": lambda: run("p", 4, savic=False),
    "ping64": lambda: fast(SNP + ["--savic", "--vcpus=64", "--cmdline=p64", G]),
    "nmi4": lambda: run("m", 4),
    "create4": lambda: created("p4c", 4),
    "create_nmi": lambda: created("m2c", 2),
    "no_vgif": lambda: created("p2g", 2),
    "no_vnmi": lambda: created("m2n", 2),
    "no_vnmi_fixed": lambda: created("p2n", 2),
    "order": lambda: run("o"),
    "order_plain": lambda: run("o", savic=False),
    "order_ipi": lambda: run("q", 2),
    "order_ipi_plain": lambda: run("q", 2, savic=False),
    "eoi": lambda: run("e"),
    "timer": lambda: run("t"),
    "timer_plain": lambda: run("t", savic=False),
    "handoff": lambda: run("h", 4, extra=["--check-handoff"]),
    "leave": lambda: run("n", 4, extra=["--check-handoff"]),
    "leave_aps": lambda: run("b", 4, extra=["--check-handoff"]),
    "disallowed": lambda: run("p", 4, extra=["--lie=savic-inject-disallowed"]),
    "nmi_lie": lambda: run("p", 4, extra=["--lie=savic-nmi-unrequested"]),
    "ghost": lambda: run("p", 4, extra=["--lie=savic-icr-ghost"]),
    "no_snp": lambda: Run(["--mode=sev-es", "--savic", G]),
    "cocoboot": lambda: Run(["--mode=sev-es", IMG]),
    "cb_snp": lambda: Run(["--mode=sev-snp", IMG]),
    "cb_savic": lambda: Run(["--mode=sev-snp", "--savic", IMG]),
    "cb_ukt": lambda: Run(["--mode=sev-snp", "--savic", "--check-handoff", "--module=%s" % UKT_BUNDLE, IMG]),
    "cb_linux": lambda: fast(["--mode=sev-snp", "--savic", "--mem=512M", "--max-insns=100000000",
                              "--check-handoff", "--module=%s" % LINUX_BUNDLE, IMG]) if LINUX_BUNDLE else None,
    # cocoboot on 4 vCPUs (SNP AP creation): Secure AVIC on every CPU
    "cb_snp4": lambda: Run(["--mode=sev-snp", "--vcpus=4", IMG]),
    "cb_savic4": lambda: Run(["--mode=sev-snp", "--savic", "--vcpus=4", IMG]),
    "cb_novgif": lambda: Run(["--mode=sev-snp", "--savic", "--vcpus=4", "--cmdline=cocoboot.fault=savic-no-vgif", IMG]),
    "cb_inject_ap": lambda: Run(["--mode=sev-snp", "--savic", "--vcpus=4", "--lie=savic-inject-disallowed-ap", IMG]),
    "cb_ukt4": lambda: Run(["--mode=sev-snp", "--savic", "--vcpus=4", "--check-handoff", "--module=%s" % UKT_BUNDLE, IMG]),
    "cb_linux4": lambda: fast(["--mode=sev-snp", "--savic", "--vcpus=4", "--mem=512M", "--max-insns=100000000",
                               "--check-handoff", "--module=%s" % LINUX_BUNDLE, IMG]) if LINUX_BUNDLE else None,
}
with ThreadPoolExecutor(2) as ex:
    res = dict(zip(jobs, ex.map(lambda f: f(), jobs.values())))

r = res["no_snp"]
t.ok(r.status != 0 and "needs --mode=sev-snp" in r.stderr,
     "--savic is refused outside mode sev-snp (Secure AVIC is an SNP feature)", r)

# IPIs
r = res["ping4"]
f, a = fields(r), r["apic"] or {}
t.ok(ok_end(r) and f.get("savic") == "1" and f.get("cpus") == "4",
     "Secure AVIC, 4 vCPUs: SEV_STATUS bit 18 set, each vCPU registers its page and enables", r)
t.ok(f.get("pings") == "6" and f.get("pongs") == "6" and f.get("not-once") == "0" and
     f.get("stray") == "0" and a.get("by_vector") == {"64": 6, "65": 6},
     "Secure AVIC, 4 vCPUs, 2 rounds: every PING (IRR write + ICR notification) reached its vCPU "
     "exactly once and every PONG came back; no other vector", r)
t.ok(a.get("registered") == 4 and a.get("savic_on") == [0, 1, 2, 3] and a.get("eoi_accel") == 12
     and a.get("eoi_hv") == 0 and a.get("ipis_sent") == 12,
     "... 12 ICR notifications reached the hypervisor; all 12 EOIs were accelerated (none left the guest)", r)
r = res["ping64"]
f = fields(r)
t.ok(ok_end(r) and f.get("cpus") == "64" and f.get("pings") == "126" and f.get("pongs") == "126"
     and f.get("not-once") == "0" and f.get("stray") == "0" and (r["apic"] or {}).get("registered") == 64,
     "Secure AVIC, 64 vCPUs: 126 PINGs each delivered exactly once, 126 PONGs back, no stray vector", r)
r = res["ping4_plain"]
f, a = fields(r), r["apic"] or {}
t.ok(ok_end(r) and f.get("savic") == "0" and f.get("pings") == "6" and f.get("pongs") == "6"
     and f.get("not-once") == "0" and a.get("registered") == 0 and a.get("eoi_hv") == 12,
     "without --savic the same ping-pong runs on the hypervisor's x2APIC: every EOI is a #VC and an MSR exit", r)
r = res["nmi4"]
f, a = fields(r), r["apic"] or {}
t.ok(ok_end(r) and f.get("nmi") == "3/0" and f.get("pongs") == "3" and a.get("nmi_delivered") == 3,
     "Secure AVIC: an NMI IPI (NMI_REQ in the target's page + notification) reaches each of 3 vCPUs once", r)

# the VMSA bits an AP needs (facts §7.2): V_GIF and V_NMI_ENABLE in vintr_ctrl
r = res["create4"]
f, a = fields(r), r["apic"] or {}
t.ok(ok_end(r) and f.get("pongs") == "6" and f.get("not-once") == "0" and a.get("registered") == 4
     and a.get("vintr_ctrl") == [V_GIF | V_NMI_ENABLE] * 4 and r["vmgexits_by_code"].get("0x80000013") == 3,
     "APs created by NAE 0x8000_0013 with V_GIF | V_NMI_ENABLE in their VMSAs: Secure AVIC on all 4, "
     "every PING delivered once and answered (the launch VMSA of vCPU 0 has both bits, as KVM sets them)", r)
r = res["create_nmi"]
t.ok(ok_end(r) and fields(r).get("nmi") == "1/0" and (r["apic"] or {}).get("nmi_delivered") == 1,
     "... and an NMI IPI (NMI_REQ + notification) reaches the created AP", r)
r = res["no_vgif"]
a = r["apic"] or {}
t.ok(r["result"] == "terminated" and r["reason_code"] == 0x27 and a.get("savic_on") == [0, 1]
     and a.get("vintr_ctrl") == [V_GIF | V_NMI_ENABLE, V_NMI_ENABLE] and a.get("vgif_held", 0) > 0
     and "64" not in a.get("by_vector", {}) and (r["vcpu_instructions"] or [0, 0])[1] > 0,
     "an AP VMSA without V_GIF: creation succeeds and the AP runs and enables Secure AVIC (no VMRUN check), "
     "but the PING in its IRR is never taken (held %s times); the sender's watchdog ends the run (0x27)"
     % a.get("vgif_held"), r)
r = res["no_vnmi"]
a = r["apic"] or {}
t.ok(r["result"] == "terminated" and r["reason_code"] == 0x27 and a.get("vnmi_held", 0) > 0
     and a.get("nmi_delivered") == 0 and a.get("vintr_ctrl") == [V_GIF | V_NMI_ENABLE, V_GIF],
     "an AP VMSA without V_NMI_ENABLE: the NMI requested in its page is never taken (event injection has "
     "no other path under Secure AVIC); 0x27", r)
r = res["no_vnmi_fixed"]
t.ok(ok_end(r) and fields(r).get("pongs") == "2",
     "... while its fixed-vector IPIs (V_GIF set) are delivered", r)

# priority, EOI, timer
for k, mode in (("order", "Secure AVIC"), ("order_plain", "emulated x2APIC")):
    r = res[k]
    t.ok(ok_end(r) and fields(r).get("order") == "8f,81,52,35",
         "%s: self IPIs 0x35 0x81 0x52 0x8f held with IF=0 and TPR 0x60: 0x8f then 0x81 when IF=1, "
         "0x52 then 0x35 only after TPR 0 (highest first, PPR respected)" % mode, r)
for k, mode in (("order_ipi", "Secure AVIC"), ("order_ipi_plain", "emulated x2APIC")):
    r = res[k]
    t.ok(ok_end(r) and fields(r).get("order") == "8f,81,52,35" and fields(r).get("stray") == "0",
         "%s: the same four vectors as IPIs from vCPU 1 (IRR write + ICR notification each), sent while "
         "vCPU 0 holds IF=0 and TPR 0x60: taken 0x8f, 0x81, then 0x52, 0x35 after TPR 0" % mode, r)
r = res["order_ipi"]
a = r["apic"] or {}
t.ok(a.get("ipis_sent") == 5 and a.get("by_vector") == {"53": 1, "67": 1, "82": 1, "129": 1, "143": 1}
     and a.get("self_ipis") == 0,
     "... 5 ICR notifications (the request to vCPU 1 and its four IPIs), each vector delivered once, "
     "no self IPI", r)
r = res["order"]
t.ok((r["apic"] or {}).get("self_ipis") == 4 and r["vc_by_code"] == {"0x7c": 2},
     "Secure AVIC: SELF_IPI and TPR writes are accelerated (the only MSR #VCs: APIC_BASE and the APIC ID "
     "before enabling)", r)
r = res["eoi"]
f, a = fields(r), r["apic"] or {}
t.ok(ok_end(r) and f.get("order") == "50,51,52" and f.get("isr") == "0",
     "Secure AVIC EOI: edge 0x50, level 0x51 (ISR cleared in the page + EOI to the hypervisor), level 0x52 "
     "by WRMSR EOI: all three end with ISR empty", r)
t.ok(a.get("eoi_accel") == 1 and a.get("eoi_hv") == 2 and (r["vc_by_code"] or {}).get("0x402") == 1,
     "... the edge EOI was accelerated; the WRMSR EOI of a level vector raised #VC 0x402 (the hypervisor saw 2 EOIs)", r)
for k, mode in (("timer", "Secure AVIC"), ("timer_plain", "emulated x2APIC")):
    r = res[k]
    a = r["apic"] or {}
    t.ok(ok_end(r) and fields(r).get("timer") == "4" and a.get("timer_fired") == 4 and
         a.get("by_vector") == {"48": 4},
         "%s: the hypervisor's LAPIC timer (MSR exits) fires one-shot once and periodic 3 times, "
         "vector 0x30" % mode, r)
r = res["timer"]
t.ok((r["apic"] or {}).get("injected_attempts") == 4 and (r["apic"] or {}).get("injected_blocked") == 0,
     "Secure AVIC: the timer vector arrives through REQUESTED_IRR, allowed by ALLOWED_IRR", r)

# teardown at the handoff
r = res["handoff"]
h = r["handoff"] or {}
c = h.get("checks", {})
t.ok(r["result"] == "handoff" and c.get("savic_disabled") and c.get("savic_unregistered")
     and c.get("savic_allowed_irr") and (r["apic"] or {}).get("unregistered") == 4,
     "teardown on all 4 vCPUs (ALLOWED_IRR cleared, SAVIC_CONTROL 0, unregistered): the handoff "
     "checker's three Secure AVIC checks pass", r)
r = res["leave"]
h = r["handoff"] or {}
t.ok(r["result"] == "handoff" and {"savic_disabled", "savic_unregistered", "savic_allowed_irr"}
     <= set(h.get("failed", [])),
     "leaving the image without the teardown fails all three Secure AVIC handoff checks", r)
r = res["leave_aps"]
d = (r["handoff"] or {}).get("details") or {}
t.ok(r["result"] == "handoff" and {"savic_disabled", "savic_unregistered", "savic_allowed_irr"}
     <= set((r["handoff"] or {}).get("failed", [])) and "3 vCPU(s)" in d.get("savic_disabled", "")
     and "first: vcpu1" in d.get("savic_unregistered", ""),
     "only vCPU 0 torn down: the checker still fails all three, naming the 3 APs (first: vcpu1)", r)

# lies (docs/lies.md rows run in lies.t; here what they leave out)
r = res["disallowed"]
f, a = fields(r), r["apic"] or {}
t.ok(ok_end(r) and a.get("injected_attempts", 0) > 0 and a.get("injected_blocked") == a.get("injected_attempts")
     and f.get("stray") == "0" and "32" not in a.get("by_vector", {}) and f.get("pongs") == "6",
     "savic-inject-disallowed: %s vectors not in ALLOWED_IRR were requested, all dropped by the CPU; "
     "none reached the guest" % a.get("injected_attempts"), r)
r = res["nmi_lie"]
f, a = fields(r), r["apic"] or {}
spur = int(f.get("nmi", "0/0").split("/")[1])
t.ok(ok_end(r) and spur > 0 and f.get("nmi", "").startswith("0/") and f.get("pongs") == "6",
     "savic-nmi-unrequested: %d unrequested NMIs delivered (ALLOWED_NMI), each recognised as spurious "
     "and ignored; the ping-pong completed" % spur, r)
r = res["ghost"]
t.ok(r["result"] == "terminated" and r["reason_code"] == 0x27 and (r["apic"] or {}).get("icr_bad_target", 0) > 0,
     "savic-icr-ghost: the target is never woken; the sender's watchdog ends the run (0x27), no hang", r)

# a boot without Secure AVIC is unchanged
r = res["cocoboot"]
a = r["apic"] or {}
t.ok(r["result"] == "shutdown" and a.get("registered") == 0 and a.get("delivered") == 0 and a.get("savic_on") == [],
     "cocoboot under SEV-ES without --savic: the APIC room stays idle (no registration, nothing delivered)", r)
r = res["cb_snp"]
a = r["apic"] or {}
t.ok(r["result"] == "shutdown" and a.get("registered") == 0 and a.get("delivered") == 0,
     "cocoboot under SNP without --savic: boots as before, no Secure AVIC, nothing delivered", r)

# cocoboot under SNP with Secure AVIC (the boot CPU; APs need the SMP code under SNP)
r = res["cb_savic"]
a = r["apic"] or {}
t.ok(r["result"] == "shutdown" and a.get("registered") == 1 and a.get("unregistered") == 1
     and a.get("by_vector") == {"237": 1, "238": 1} and a.get("eoi_accel") == 2 and a.get("savic_on") == []
     and (r["vmgexits_by_code"] or {}).get("0x8000001a") == 2,
     "cocoboot, SNP + Secure AVIC: registers its page, takes its self IPI (0xED) and the hypervisor's "
     "timer (0xEE) through the IDT with accelerated EOIs, unregisters before the end", r)


def savic_checks(r):
    h = r["handoff"] or {}
    return (r["result"] == "handoff" and h.get("failed") == [] and
            all((h.get("checks") or {}).get(k) for k in ("savic_disabled", "savic_unregistered",
                                                         "savic_allowed_irr")))


r = res["cb_ukt"]
t.ok(savic_checks(r) and (r["handoff"] or {}).get("abi") == "pvh",
     "cocoboot, SNP + Secure AVIC -> ukt: PVH handoff with every check true, Secure AVIC torn down", r)


def linux_ok(r, check, claim):
    """A claim about a handoff to Debian's bzImage; skipped when it is not cached."""
    if r is None:
        t.skip(LINUX_SKIP)
    else:
        t.ok(check(r), claim, r)


r = res["cb_linux"]
linux_ok(r, lambda r: savic_checks(r) and (r["handoff"] or {}).get("abi") == "linux64",
         "cocoboot, SNP + Secure AVIC -> Debian bzImage: at Linux's first instruction every check is true, "
         "Secure AVIC torn down (%s instructions)" % (r or {"instructions": None})["instructions"])

# cocoboot on 4 vCPUs: SNP AP creation, Secure AVIC on every CPU (docs/abi.md §12)
def wakes(r):
    """cocoboot's own count: 'wake-up IPIs: N sent, M taken'."""
    m = re.search(r"wake-up IPIs: (\d+) sent, (\d+) taken \((\d+) by the boot CPU", r.console)
    return tuple(int(g) for g in m.groups()) if m else (None, None, None)


r = res["cb_snp4"]
a = r["apic"] or {}
t.ok(r["result"] == "shutdown" and a.get("registered") == 0 and a.get("delivered") == 0
     and (r["snp"] or {}).get("ap_create") == 3,
     "cocoboot, SNP, 4 vCPUs without --savic: 3 APs created, no Secure AVIC, no interrupt delivered", r)
r = res["cb_savic4"]
a = r["apic"] or {}
sent, got, bsp = wakes(r)
t.ok(r["result"] == "shutdown" and a.get("registered") == 4 and a.get("unregistered") == 4
     and a.get("savic_on") == [] and a.get("vintr_ctrl") == [V_GIF | V_NMI_ENABLE] * 4
     and a.get("by_vector", {}).get("237") == 4,
     "cocoboot, SNP + Secure AVIC, 4 vCPUs: every CPU registers its own page, takes its self IPI (0xED) "
     "and unregisters; the APs' VMSAs carry V_GIF | V_NMI_ENABLE", r)
t.ok(sent and sent == got and a.get("ipis_sent") == sent
     and (a.get("hv_by_msr") or {}).get("0x830") == sent and a.get("by_vector", {}).get("236") == sent
     and a.get("eoi_hv") == 0,
     "... its SMP wake-ups are real IPIs, each delivered exactly once: %s sent (target IRR + ICR notification), "
     "the hypervisor saw %s ICR writes, vector 0xEC delivered %s times, each EOI accelerated"
     % (sent, (a.get("hv_by_msr") or {}).get("0x830"), a.get("by_vector", {}).get("236")), r)
t.ok(bsp and bsp >= 1 and sent - bsp >= 2 * 3 and "validated by 4 CPUs in parallel" in r.console,
     "... the parallel RAM validation ran over real IPIs: each AP woken for its share and at the release "
     "(%s), the boot CPU woken by the last AP to finish (%s)" % (None if sent is None else sent - bsp, bsp), r)
r = res["cb_novgif"]
a = r["apic"] or {}
t.ok(r["result"] == "terminated" and r["reason_code"] == 0x27 and "V_GIF clear" in r.console
     and (a.get("vintr_ctrl") or [0])[1:] == [V_NMI_ENABLE] * 3 and a.get("vgif_held", 0) > 0,
     "cocoboot.fault=savic-no-vgif (AP VMSAs without V_GIF): the AP runs, never takes its self IPI, and ends "
     "the boot itself with 0x27 naming V_GIF (what the boot did before the APs' VMSAs had it)", r)
r = res["cb_inject_ap"]
a = r["apic"] or {}
hits = (r["lie_hits"] or {}).get("savic-inject-disallowed-ap", 0)
t.ok(r["result"] == "shutdown" and hits > 0 and a.get("injected_blocked") == hits
     and a.get("injected_attempts", 0) - hits == a.get("timer_fired") and "32" not in a.get("by_vector", {}),
     "savic-inject-disallowed-ap: %d times the hypervisor requested a vector the APs did not allow (their "
     "ALLOWED_IRR is empty) when it woke them; all dropped by the CPU (only the BSP's timer got through); the "
     "boot ends normally" % hits, r)


def savic_checks4(r, abi):
    return savic_checks(r) and (r["handoff"] or {}).get("abi") == abi and (r["apic"] or {}).get("unregistered") == 4 \
        and r["vcpus"] == 4


r = res["cb_ukt4"]
t.ok(savic_checks4(r, "pvh"),
     "cocoboot, SNP + Secure AVIC, 4 vCPUs -> ukt: at the PVH entry no vCPU has Secure AVIC enabled, a page "
     "registered or an ALLOWED_IRR bit left", r)
linux_ok(res["cb_linux4"], lambda r: savic_checks4(r, "linux64"),
         "cocoboot, SNP + Secure AVIC, 4 vCPUs -> Debian bzImage: at Linux's first instruction the same holds "
         "for all 4 vCPUs")
shutil.rmtree(TMP, ignore_errors=True)
t.done()
