#!/bin/bash
# Figures, not tests: the image size and the wall time of a whole QEMU boot of
# cocoboot (QEMU start to QEMU exit, 'no payload' end) under TCG and, when
# usable, KVM. Median of N runs (BENCH_RUNS, default 9) measured in one go.
set -u
BUILD=${BUILD:-build}
img=$BUILD/cocoboot.elf
runs=${BENCH_RUNS:-9}
echo "== image"
tools/image-size "$img"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
boot_ms() {
	local accel=$1 cpu=max
	[ "$accel" = kvm ] && cpu=host
	local t0 t1
	t0=$(date +%s%N)
	timeout 60 qemu-system-x86_64 -accel "$accel" -cpu "$cpu" -M pc -m 512M -smp 2 -nographic \
		-monitor none -serial none -debugcon null -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$img" -append loglevel=quiet \
		</dev/null >/dev/null 2>&1
	local rc=$?
	t1=$(date +%s%N)
	[ $rc -eq 33 ] || { echo "run failed: QEMU exit $rc" >&2; echo 999999; return; }
	echo $(((t1 - t0) / 1000000))
}
echo "== QEMU boot to the end of cocoboot (-m 512M -smp 2, loglevel=quiet), $runs runs"
for accel in tcg kvm; do
	if [ $accel = kvm ] && ! tools/kvm-usable "$img" 2>/tmp/kvm-why.$$; then
		echo "kvm: not usable here ($(cat /tmp/kvm-why.$$)); skipped"
		rm -f /tmp/kvm-why.$$
		continue
	fi
	rm -f /tmp/kvm-why.$$
	times=$(for _ in $(seq "$runs"); do boot_ms $accel; done)
	echo "$accel: median $(echo "$times" | median) ms (runs: $(echo $times))"
done
