#!/bin/bash
# Figures, not tests: how long cocoboot takes to have every AP up under QEMU TCG,
# for -smp 1..64 (INIT-SIPI-SIPI, all APs started at once, one wait). The time is
# the guest's own TSC count from "smp: N of N CPUs up ... (T TSC ticks" (from the
# first INIT to the last AP's report), converted with the host's TSC rate (TCG
# passes the host TSC through; its rate is "cpu MHz" in /proc/cpuinfo). Median of
# BENCH_SMP_RUNS (default 5) runs, all APs at once (parallel) beside one at a time
# (smp.serial=1); the table also goes to $BUILD/bench/smp-qemu.dat (columns: cpus,
# median ticks, median us, serial ticks, serial us) and, as curves (us against cpus),
# to $BUILD/bench/smp-qemu-curves.dat and smp-qemu.svg (tests/bench/plot).
set -u
BUILD=${BUILD:-build}
img=$BUILD/cocoboot.elf
runs=${BENCH_SMP_RUNS:-5}
mhz=$(awk -F: '/^cpu MHz/ { printf "%d", $2; exit }' /proc/cpuinfo)
mkdir -p "$BUILD/bench"
dat=$BUILD/bench/smp-qemu.dat
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ticks() {
	timeout 120 qemu-system-x86_64 -accel tcg -cpu max -M pc -m 256M -smp "$1" -nographic \
		-monitor none -serial none -debugcon stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$img" \
		-append "loglevel=info smp.serial=${2:-0}" \
		</dev/null 2>/dev/null | sed -n 's/.*CPUs up by .* (\([0-9]*\) TSC ticks.*/\1/p'
}
echo "== SMP bring-up under QEMU TCG (INIT-SIPI-SIPI, parallel), median of $runs runs," \
	"host TSC ${mhz} MHz"
printf '%6s %14s %10s %14s %10s\n' cpus ticks us serial-ticks serial-us | tee "$dat.tmp"
for n in 1 2 4 8 16 32 64; do
	if [ "$n" = 1 ]; then
		printf '%6s %14s %10s %14s %10s\n' 1 0 0 0 0
		continue
	fi
	t=$(for _ in $(seq "$runs"); do ticks "$n"; done | median)
	[ -n "$t" ] || { echo "-smp $n: no 'CPUs up' line" >&2; continue; }
	st=$(for _ in $(seq "$runs"); do ticks "$n" 1; done | median)
	printf '%6s %14s %10s %14s %10s\n' "$n" "$t" "$((t / ${mhz:-1}))" "${st:-0}" "$((${st:-0} / ${mhz:-1}))"
done | tee -a "$dat.tmp"
sed 's/^ *//' "$dat.tmp" | sed '1s/^/# /' >"$dat"
rm -f "$dat.tmp"
echo "(data: $dat)"
curves=$BUILD/bench/smp-qemu-curves.dat
{ echo parallel; awk '!/^#/ { print $1, $3 }' "$dat"; printf '\n\nserial\n'
  awk '!/^#/ { print $1, $5 }' "$dat"; } >"$curves"
tests/bench/plot curves "$curves" "$BUILD/bench/smp-qemu.svg" \
	"QEMU TCG: time to have every AP up" vCPUs us && echo "(picture: $BUILD/bench/smp-qemu.svg)"
exit 0
