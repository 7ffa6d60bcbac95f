#!/bin/bash
# SPDX-License-Identifier: MIT
# Figures, not tests: AP bring-up under SEV-ES in sevsim (docs/abi.md §11), for 1..255
# vCPUs, by both SEV-ES methods (the Xen AP bring-up page; the AP jump table + AP reset
# hold), all APs at once (parallel) beside one at a time (smp.serial=1):
#   - the bring-up span on the critical path: sevsim's clock (instructions, deterministic,
#     not host time) from the first AP start to the last AP parked;
#   - VMGEXITs per AP from its launch to the AP reset hold (median over the APs; the goal
#     is at most 2), and the boot CPU's VMGEXITs per AP started.
# Both methods run to 255 vCPUs (APIC IDs up to 508: the jump table's trampoline learns an
# ID above 254 from CPUID leaf 0xB EDX, which sevsim answers per vCPU, also through the MSR
# protocol: docs/sevsim.md). Data for a plot: $BUILD/bench/smp-sev.dat
# (curves: one block per method and start, rows: vcpus span-insns).
set -u
BUILD=${BUILD:-build}
SEVSIM=${SEVSIM:-$BUILD/sevsim-fast}
img=$BUILD/cocoboot.elf
mkdir -p "$BUILD/bench"
dat=$BUILD/bench/smp-sev.dat
: >"$dat"
sizes=${BENCH_SMP_SEV_SIZES:-"1 2 4 8 16 32 64 128 255"}

run() { # method-args n serial -> "critical_path ap_median bsp_per_ap up"
	timeout 1200 "$SEVSIM" --mode=sev-es --vcpus="$2" $1 \
		--cmdline="smp.serial=$3 smp.timeout=60000" "$img" 2>/dev/null | tail -1 |
		python3 -c '
import json, statistics, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    print("- - - no-json"); sys.exit()
s = d.get("smp") or {}
v = s.get("vcpu") or []
ran = [x for x in v[1:] if x["starts"]]
aps = [x["vmgexits"] for x in ran]
up = d.get("result") == "shutdown" and all(x["state"] == "held" for x in v[1:])
# from the first AP start to the last AP idle (parked), in sevsim clock (instructions)
span = max(x["idle_clock"] for x in ran) - min(x["start_clock"] for x in ran) if ran else 0
print(span, statistics.median(aps) if aps else "-", v[0]["vmgexits"] if v else "-",
      "up" if up or len(v) <= 1 else "FAILED")'
}

echo "== SEV-ES AP bring-up in sevsim: first AP start to last AP parked, critical-path instructions, parallel vs serial (smp.serial=1)"
printf '%-10s %5s %12s %12s %7s %12s %10s\n' method vcpus parallel serial ratio vmgexits/AP bsp-exits
for m in page jumptable; do
	case $m in
	page) args="--bringup-page=on" ;;
	jumptable) args="--bringup-page=off" ;;
	esac
	par_block="$m-parallel"
	ser_block="$m-serial"
	for n in $sizes; do
		read -r p pm pb pu <<<"$(run "$args" "$n" 0)"
		read -r s _ _ su <<<"$(run "$args" "$n" 1)"
		ratio=-
		[ "$p" != - ] && [ "$s" != - ] && ratio=$(awk -v a="$s" -v b="$p" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
		printf '%-10s %5s %12s %12s %7s %12s %10s%s\n' "$m" "$n" "$p" "$s" "$ratio" "$pm" "$pb" \
			"$([ "$pu" = up ] && [ "$su" = up ] || echo "  (not every AP up: $pu/$su)")"
		par_block="$par_block
$n $p"
		ser_block="$ser_block
$n $s"
	done
	printf '%s\n\n\n%s\n\n\n' "$par_block" "$ser_block" >>"$dat"
done
echo "(data: $dat)"
if [ -x tests/bench/plot ]; then
	tests/bench/plot curves "$dat" "$BUILD/bench/smp-sev.svg" \
		"SEV-ES AP bring-up in sevsim: first AP start to last AP parked" vCPUs instructions &&
		echo "(picture: $BUILD/bench/smp-sev.svg)"
fi
exit 0
