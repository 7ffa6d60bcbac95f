#!/bin/bash
# Figures, not tests: what an IPI and an EOI cost in VMGEXITs with Secure AVIC against the
# plain GHCB x2APIC path (every APIC MSR a #VC and a GHCB MSR exit), in sevsim with its APIC
# test guest (tests/sim/guest_savic.asm): the ping-pong on 8 vCPUs (2 rounds, 28 fixed IPIs,
# each EOI'd) and the self-IPI/priority run (4 self IPIs). Counts do not depend on the
# machine, so one run of each is the figure. Counted by sevsim per x2APIC MSR (JSON
# apic.hv_by_msr: exits the hypervisor handled, one VMGEXIT each; apic.vc_by_msr: #VCs):
# ICR (0x830) per IPI sent, EOI (0x80B) per interrupt taken, SELF_IPI + EOI per self IPI.
set -u
BUILD=${BUILD:-build}
sim=$BUILD/sevsim-fast
g=$BUILD/tests/sim/guest_savic.elf
printf '== sevsim: Secure AVIC vs the GHCB x2APIC path (test guest, 8 vCPUs)\n'
printf '%-14s %5s %13s %9s %5s %13s %9s %15s\n' path IPIs 'VMGEXITs/IPI' '#VC/IPI' EOIs \
	'VMGEXITs/EOI' '#VC/EOI' 'exits/self-IPI'
for savic in "" --savic; do
	base=(--mode=sev-snp --cbit=47 --mem=16M --test-start-all-vcpus $savic)
	p=$("$sim" "${base[@]}" --vcpus=8 --cmdline=p8 "$g" | tail -1)
	o=$("$sim" "${base[@]}" --vcpus=1 --cmdline=o1 "$g" | tail -1)
	python3 - "${savic:-plain}" "$p" "$o" <<'PY'
import json, sys
name, p, o = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
a, ao = p["apic"], o["apic"]
ok = p["result"] == "shutdown" and o["result"] == "shutdown"
ipis = a["by_vector"].get("64", 0) + a["by_vector"].get("65", 0)     # PING + PONG
eois = a["delivered"]
hv, vc = a["hv_by_msr"], a["vc_by_msr"]          # MSR accesses that exited / raised a #VC
hvo = ao["hv_by_msr"]
self_exits = (hvo.get("0x83f", 0) + hvo.get("0x80b", 0)) / ao["self_ipis" if name != "plain" else "delivered"]
print(f"{'Secure AVIC' if name != 'plain' else 'GHCB x2APIC':<14} {ipis:>5} {hv.get('0x830', 0) / ipis:>13.2f} "
      f"{vc.get('0x830', 0) / ipis:>9.2f} {eois:>5} {hv.get('0x80b', 0) / eois:>13.2f} "
      f"{vc.get('0x80b', 0) / eois:>9.2f} {self_exits:>15.2f}{'' if ok else '  (a run did not end cleanly!)'}")
PY
done

# cocoboot itself: an SNP boot on 4 vCPUs (SNP AP creation) without and with Secure AVIC.
# VMGEXITs of the whole boot, those of the APIC (x2APIC MSR exits: ICR, timer, APIC ID) and of
# the Secure AVIC registrations, and the wake-up IPIs cocoboot counted (sent / taken).
img=$BUILD/cocoboot.elf
printf '\n== cocoboot: SNP boot, 4 vCPUs, with and without Secure AVIC\n'
printf '%-14s %9s %12s %11s %14s %8s\n' path VMGEXITs 'APIC exits' 'NAE 0x1a' 'wake-up IPIs' EOIs
for savic in "" --savic; do
	out=$("$sim" --mode=sev-snp --vcpus=4 $savic "$img")
	python3 - "${savic:-plain}" "$out" <<'PY'
import json, re, sys
name, out = sys.argv[1], sys.argv[2].splitlines()
j = json.loads(out[-1])
a = j["apic"]
m = re.search(r"wake-up IPIs: (\d+) sent, (\d+) taken", "\n".join(out))
w = "%s / %s" % m.groups() if m else "-"
print(f"{'Secure AVIC' if name != 'plain' else 'no Secure AVIC':<14} {j['vmgexits']:>9} "
      f"{sum(a['hv_by_msr'].values()):>12} {j['vmgexits_by_code'].get('0x8000001a', 0):>11} {w:>14} "
      f"{a['eoi_accel'] + a['eoi_hv']:>8}{'' if j['result'] == 'shutdown' else '  (did not end cleanly!)'}")
PY
done
