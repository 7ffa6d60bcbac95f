#!/bin/bash
# make bench: starting APs on real Xen (QEMU TCG, one nested pCPU): the AP bring-up page
# on the patched Xen (tools/xen-run --bringup-page: VCPUOP_up alone, the AP starts in the
# page's init code) side by side with VCPUOP_initialise + VCPUOP_up on the stock Xen.
# For each vCPU count (XEN_BENCH_VCPUS, default "4 8") and method, XEN_BENCH_SMP_RUNS
# boots (default 5); prints the medians over the runs of what cocoboot measured with the
# TSC: from VCPUOP_up to the AP's first instruction in cocoboot (its median over the APs
# of one boot, and the worst AP), and from the first start request to all APs online.
set -uo pipefail
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${XEN_BENCH_SMP_RUNS:-5}
guest=${XEN_GUEST:-$BUILD/cocoboot.elf}
log=$BUILD/tests/xen/bench-bringup.log
mkdir -p "$(dirname "$log")"
"$top/tools/xen-prepare" --bringup-page 2>"$log.err"
case $? in
0) ;;
2) echo "xen bring-up page: skipped ($(sed -n 's/^SKIP: //p' "$log.err" | head -1))"; exit 0 ;;
*) echo "xen bring-up page: tools/xen-prepare --bringup-page failed (see $log.err)"; exit 1 ;;
esac
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2)}'; }
printf 'xen SMP start (QEMU TCG, 1 pCPU, %d runs each, medians over runs; us):\n' "$runs"
printf '  %-6s %-44s %14s %14s %14s\n' vcpus method "up->1st insn" "worst AP" "all APs up"
for v in ${XEN_BENCH_VCPUS:-4 8}; do
	for m in page vcpuop; do
		lat=() worst=() all=()
		for i in $(seq "$runs"); do
			if [ $m = page ]; then opt=(--bringup-page); else opt=(); fi
			"$top/tools/xen-run" --quiet --timeout 600 --log "$log" "${opt[@]}" --vcpus "$v" \
				--memory 64 "$guest" >/dev/null 2>&1
			gc=$(tr -d '\r' <"$log" | sed -n 's/^@gc| //p')
			l=$(sed -n 's/^cocoboot: smp: start request to first AP instruction: median \([0-9]*\) us, max \([0-9]*\) us.*/\1 \2/p' <<<"$gc")
			a=$(sed -n 's/^cocoboot: smp: [0-9]* of [0-9]* CPUs up by \(.*\) in \([0-9]*\) us.*/\2/p' <<<"$gc")
			name=$(sed -n 's/^cocoboot: smp: [0-9]* of [0-9]* CPUs up by \(.*\) in [0-9]* us.*/\1/p' <<<"$gc")
			[ -n "$l" ] && [ -n "$a" ] || { echo "xen bring-up page: run $i ($m, vcpus=$v) gave no figures, see $log"; exit 1; }
			lat+=("${l% *}") worst+=("${l#* }") all+=("$a")
		done
		printf '  %-6s %-44s %14s %14s %14s\n' "$v" "$name$([ $m = page ] && echo ' (patched Xen)' || echo ' (stock Xen)')" \
			"$(printf '%s\n' "${lat[@]}" | median)" "$(printf '%s\n' "${worst[@]}" | median)" \
			"$(printf '%s\n' "${all[@]}" | median)"
	done
done
