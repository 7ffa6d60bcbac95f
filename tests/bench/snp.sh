#!/bin/bash
# Figures, not tests (issue 12 item 6): what validating RAM costs cocoboot under SEV-SNP in
# sevsim-fast. Counts (VMGEXITs, page-state-change calls, PVALIDATEs, guest instructions) do
# not depend on the machine's speed, so one run of each is the figure.
#   - validating 4 GiB: VMGEXITs (goal: at most 12; the physical limit at 2 MiB pages and 253
#     entries per call is 9 NAE calls for 2048 entries), PSC calls and entries, PVALIDATEs;
#   - the critical path of validating 16 GiB with 1, 4 and 16 vCPUs, side by side: sevsim's
#     snp.validate_critical_insns (the boot CPU's first 64 MiB + the longest share of the
#     rest, each in the instructions of the vCPU that ran it: docs/sevsim.md), with the old
#     measure beside it for 1 vCPU (instructions of a 16 GiB boot minus a 128 MiB boot, page
#     tables included);
#   - VMGEXITs per AP under SNP (AP creation, GHCB registration, its share's page-state
#     changes), at 128 MiB and 16 GiB.
set -u
BUILD=${BUILD:-build}
img=$BUILD/cocoboot.elf
sim=$BUILD/sevsim-fast
run() { "$sim" --mode=sev-snp "$@" "$img"; }
printf '== sevsim sev-snp: validating RAM (1 vCPU, loglevel=info)\n'
printf '%-7s %10s %9s %11s %12s %12s %14s\n' mem vmgexits psc-calls psc-entries 'pvalidate-2M' 'pvalidate-4K' instructions
for mem in 128M 4G 16G; do
	out=$(run --mem=$mem 2>/tmp/cocoboot-bench-snp-err)
	if [ -z "$out" ]; then
		printf '%-7s sevsim failed: %s\n' $mem "$(tail -1 /tmp/cocoboot-bench-snp-err)"
		continue
	fi
	python3 - "$mem" "$out" <<'PY'
import json, re, sys
mem, out = sys.argv[1:]
lines = out.strip().split("\n")
d = json.loads(lines[-1])
m = re.search(r"validated (\d+) MiB of RAM with (\d+) VMGEXITs: (\d+) page-state changes \((\d+) entries\), "
              r"PVALIDATE (\d+) x 2 MiB \+ (\d+) x 4 KiB", out)
ok = d["result"] == "shutdown"
if not m:
    print(f"{mem:<7} (no validation line; result {d['result']})")
else:
    print(f"{mem:<7} {m.group(2):>10} {int(m.group(3)) - 1:>9} {m.group(4):>11} {m.group(5):>12} {m.group(6):>12} "
          f"{d['instructions']:>14}{'' if ok else '  (boot did not end cleanly!)'}")
with open("/tmp/cocoboot-bench-snp-%s" % mem, "w") as f:
    f.write(str(d["instructions"]))
with open("/tmp/cocoboot-bench-snp-%s.json" % mem, "w") as f:
    f.write(lines[-1])
PY
done
small=$(cat /tmp/cocoboot-bench-snp-128M 2>/dev/null || echo 0)
for mem in 4G 16G; do
	if [ -f /tmp/cocoboot-bench-snp-$mem ]; then
		printf 'critical path of validating %s, 1 vCPU: %d instructions (%s boot - 128 MiB boot)\n' \
			$mem $(($(cat /tmp/cocoboot-bench-snp-$mem) - small)) $mem
	else
		printf 'critical path of validating %s, 1 vCPU: not measured (the %s run failed above)\n' $mem $mem
	fi
done
cp /tmp/cocoboot-bench-snp-16G.json /tmp/cocoboot-bench-snp-16G-1v.json 2>/dev/null
for v in 4 16; do
	for mem in 128M 16G; do
		[ $mem = 128M ] && [ $v = 16 ] && continue
		run --mem=$mem --vcpus=$v --cmdline=smp.timeout=60000 2>/dev/null | tail -1 \
			>/tmp/cocoboot-bench-snp-$mem-${v}v.json
	done
done
python3 - <<'PY'
import json, os
def load(name):
    try:
        with open("/tmp/cocoboot-bench-snp-%s.json" % name) as f:
            return json.loads(f.read())
    except (OSError, ValueError):
        return None
print("== sevsim sev-snp: critical path of validating 16 GiB, by vCPUs (SNP AP creation, "
      "validation shared by all CPUs)")
print("%-6s %16s %8s %22s %s" % ("vCPUs", "critical insns", "speedup", "VMGEXITs per AP", "result"))
base = None
for v in (1, 4, 16):
    d = load("16G-%dv" % v)
    if not d:
        print("%-6d %16s" % (v, "run failed"))
        continue
    cp = (d.get("snp") or {}).get("validate_critical_insns", 0)
    base = base or cp
    aps = [x["vmgexits"] for x in ((d.get("smp") or {}).get("vcpu") or [])[1:]]
    per = "%d-%d" % (min(aps), max(aps)) if aps else "-"
    print("%-6d %16d %7.2fx %22s %s" % (v, cp, base / cp if cp else 0, per, d["result"]))
d = load("128M-4v")
if d:
    aps = [x["vmgexits"] for x in ((d.get("smp") or {}).get("vcpu") or [])[1:]]
    print("VMGEXITs per AP at 128 MiB, 4 vCPUs: %s (GHCB registration + its share's page-state "
          "change; AP creation and destroy are the boot CPU's)" % aps)
PY
rm -f /tmp/cocoboot-bench-snp-*
printf '(psc-calls excludes the MSR-protocol change of the GHCB page; vmgexits are those made while validating)\n'
