#!/bin/bash
# Figures, not tests (issue 12 item 6): what validating RAM costs cocoboot under SEV-SNP in
# sevsim-fast. Counts (VMGEXITs, page-state-change calls, PVALIDATEs, guest instructions) do
# not depend on the machine's speed, so one run of each is the figure.
#   - validating 4 GiB: VMGEXITs (goal: at most 12; the physical limit at 2 MiB pages and 253
#     entries per call is 9 NAE calls for 2048 entries), PSC calls and entries, PVALIDATEs;
#   - the critical path of validating 16 GiB: guest instructions of a 16 GiB boot minus those
#     of a 128 MiB boot (the rest of the boot is the same). 1 vCPU only: SNP AP creation is
#     not implemented (docs/abi.md §10.6), so 4 and 16 vCPUs cannot share the work yet.
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
printf '4 and 16 vCPUs: not available (no SNP AP creation yet, docs/abi.md §10.6)\n'
rm -f /tmp/cocoboot-bench-snp-*
printf '(psc-calls excludes the MSR-protocol change of the GHCB page; vmgexits are those made while validating)\n'
