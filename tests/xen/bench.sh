#!/bin/bash
# make bench: cocoboot under real Xen (tools/xen-run), N plain boots (XEN_BENCH_RUNS,
# default 5). Prints the median wall time of a whole run (QEMU start to exit: Xen, dom0,
# xl create, the guest, poweroff) and of the guest alone (xl create -F to its return,
# as dom0 measured it).
set -uo pipefail
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${XEN_BENCH_RUNS:-5}
guest=${XEN_GUEST:-$BUILD/cocoboot.elf}
log=$BUILD/tests/xen/bench.log
mkdir -p "$(dirname "$log")"
"$top/tools/xen-prepare" 2>/dev/null
case $? in
0) ;;
2) echo "xen: skipped (the Xen packages cannot be fetched)"; exit 0 ;;
*) echo "xen: tools/xen-prepare failed"; exit 1 ;;
esac
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
walls=() guests=()
for i in $(seq "$runs"); do
	t0=$(date +%s%N)
	"$top/tools/xen-run" --quiet --log "$log" "$guest" >/dev/null 2>&1
	t1=$(date +%s%N)
	g=$(tr -d '\r' <"$log" | sed -n 's/^@@ guest ended after \([0-9.]*\)s$/\1/p')
	[ -n "$g" ] || { echo "xen: run $i did not end by itself, see $log"; exit 1; }
	walls+=("$(awk -v n=$((t1 - t0)) 'BEGIN {printf "%.2f", n / 1e9}')")
	guests+=("$g")
done
printf 'xen: boot under xl in QEMU TCG, %d runs: whole run median %s s (%s); guest alone median %s s\n' \
	"$runs" "$(printf '%s\n' "${walls[@]}" | median)" "${walls[*]}" \
	"$(printf '%s\n' "${guests[@]}" | median)"
