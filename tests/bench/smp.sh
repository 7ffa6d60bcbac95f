#!/bin/bash
# Figures, not tests: how long cocoboot takes to have every AP up under QEMU TCG,
# for -smp 1..64 (INIT-SIPI-SIPI), all APs started at once (parallel, one wait)
# beside one at a time (smp.serial=1). The time is the guest's own TSC count from
# "smp: N of N CPUs up ... (T TSC ticks" (from the first INIT to the last AP's
# report), converted with the host's TSC rate (TCG passes the host TSC through; its
# rate is "cpu MHz" in /proc/cpuinfo). Median of BENCH_SMP_RUNS (default 5) runs.
# The curves (time until all APs run against the number of vCPUs) go to
# $BUILD/bench/smp-qemu.dat in tests/bench/plot's curves format (blocks separated by
# two blank lines, a header row naming the series, then "cpus ms" rows) and are
# drawn to $BUILD/bench/smp-qemu.svg.
set -u
BUILD=${BUILD:-build}
img=$BUILD/cocoboot.elf
runs=${BENCH_SMP_RUNS:-5}
mhz=$(awk -F: '/^cpu MHz/ { printf "%d", $2; exit }' /proc/cpuinfo)
mkdir -p "$BUILD/bench"
dat=$BUILD/bench/smp-qemu.dat
here=$(dirname "$0")
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# ticks N [serial]
ticks() {
	local extra=
	[ -n "${2:-}" ] && extra=" smp.serial=1"
	timeout 120 qemu-system-x86_64 -accel tcg -cpu max -M pc -m 256M -smp "$1" -nographic \
		-monitor none -serial none -debugcon stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$img" -append "loglevel=info$extra" \
		</dev/null 2>/dev/null | sed -n 's/.*CPUs up by .* (\([0-9]*\) TSC ticks.*/\1/p'
}
ms() { awk -v t="$1" -v mhz="${mhz:-1}" 'BEGIN { printf "%.3f", t / mhz / 1000 }'; }
echo "== SMP bring-up under QEMU TCG (INIT-SIPI-SIPI), parallel beside serial, median of" \
	"$runs runs, host TSC ${mhz} MHz"
printf '%6s %14s %10s %14s %10s\n' cpus ticks ms serial-ticks serial-ms
par="" ser=""
for n in 1 2 4 8 16 32 64; do
	if [ "$n" = 1 ]; then
		printf '%6s %14s %10s %14s %10s\n' 1 0 0 0 0
		par+="1 0"$'\n' ser+="1 0"$'\n'
		continue
	fi
	t=$(for _ in $(seq "$runs"); do ticks "$n"; done | median)
	[ -n "$t" ] || { echo "-smp $n: no 'CPUs up' line" >&2; continue; }
	st=$(for _ in $(seq "$runs"); do ticks "$n" 1; done | median)
	printf '%6s %14s %10s %14s %10s\n' "$n" "$t" "$(ms "$t")" "${st:-0}" "$(ms "${st:-0}")"
	par+="$n $(ms "$t")"$'\n'
	[ -n "$st" ] && ser+="$n $(ms "$st")"$'\n'
done
{
	echo "# time until every AP runs (ms) against -smp; one block per bring-up path"
	echo '"QEMU TCG, INIT-SIPI-SIPI (parallel)" ms'
	printf '%s' "$par"
	printf '\n\n"QEMU TCG, INIT-SIPI-SIPI (serial, smp.serial=1)" ms\n'
	printf '%s' "$ser"
} >"$dat"
echo "(data: $dat)"
"$here/plot" curves "$dat" "$BUILD/bench/smp-qemu.svg" \
	"cocoboot: time until all APs run, QEMU TCG, median of $runs runs" "vCPUs (-smp)" "ms" logx \
	&& echo "(picture: $BUILD/bench/smp-qemu.svg)"
exit 0
