#!/bin/bash
# Figures, not tests, for measured boot (docs/abi.md §9):
#  1. what the launch measures for Debian's kernel + initramfs (one bundle module,
#     1 vCPU, sev-es): with the hashes table vs measuring the payload itself
#     (tools/cocoboot-measure: pages and bytes through LAUNCH_UPDATE_*);
#  2. cocoboot's copy+SHA-256 cost in sevsim: guest instructions per byte, from two
#     sev-es runs whose second module differs by 1 MiB (counts, machine-independent);
#  3. the same under QEMU TCG in MB/s, from the TSC ticks cocoboot logs (TCG's TSC is
#     the host's; its rate is read from /proc/cpuinfo, so the figure is approximate).
set -u
BUILD=${BUILD:-build}
img=$BUILD/cocoboot.elf
sim=$BUILD/sevsim
tool=$BUILD/tools/cocoboot-measure
cache=${LINUX_CACHE:-$BUILD/linux-cache}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

printf '== measured boot: what the launch measures (sev-es, 1 vCPU)\n'
if [ -f "$cache/bzImage" ] && [ -f "$cache/initramfs.cpio" ]; then
	tools/mkbundle -k "$cache/bzImage" -i "$cache/initramfs.cpio" -c "console=ttyS0 quiet" -o "$d/linux.bundle"
	for kh in "" --kernel-hashes; do
		"$tool" --mode=sev-es $kh --module="$d/linux.bundle" "$img"
	done > "$d/tool.json"
	python3 - "$d/tool.json" <<'PY'
import json, sys
a, b = (json.loads(l) for l in open(sys.argv[1]))
print(f"payload measured itself:  {a['measured_pages']:>6} pages {a['measured_bytes']:>10} bytes")
print(f"with the hashes table:    {b['measured_pages']:>6} pages {b['measured_bytes']:>10} bytes"
      f"  ({a['measured_bytes'] / b['measured_bytes']:.0f}x fewer bytes)")
PY
else
	echo "Debian kernel not cached in $cache (tests/linux/fetch.sh): skipped"
fi

printf '== measured boot: copy + SHA-256 in sevsim (sev-es)\n'
head -c 16 /dev/zero > "$d/small"
head -c $((16 + 1048576)) /dev/urandom > "$d/big"
for m in small big; do
	"$sim" --mode=sev-es --kernel-hashes --check-handoff --cmdline=loglevel=quiet \
		--max-insns=4000000000 --module="$BUILD/tests/payloads/ukt.elf" --module="$d/$m" "$img" | tail -1
done > "$d/sim.json"
python3 - "$d/sim.json" <<'PY'
import json, sys
a, b = (json.loads(l) for l in open(sys.argv[1]))
ok = a["result"] == b["result"] == "handoff"
n = b["instructions"] - a["instructions"]
print(f"1 MiB more module: {n} more instructions = {1048576 / n:.4f} bytes per instruction"
      f" ({n / 1048576:.1f} instructions per byte)" + ("" if ok else "  (a run did not reach the handoff!)"))
PY

printf '== measured boot: copy + SHA-256 under QEMU TCG\n'
if [ -f "$d/linux.bundle" ]; then
	"$tool" --kernel-hashes --module="$d/linux.bundle" --cmdline=loglevel=info --write-elf="$d/h.elf" "$img" >/dev/null
	timeout 120 qemu-system-x86_64 -accel tcg -cpu max -M pc -m 512M -nographic -monitor none \
		-debugcon "file:$d/log" -serial none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "$d/h.elf" -append loglevel=info -initrd "$d/linux.bundle" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 120); do grep -q "match the hashes table" "$d/log" 2>/dev/null && break; sleep 1; done
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	mhz=$(awk -F: '/^cpu MHz/ {print $2; exit}' /proc/cpuinfo)
	python3 - "$d/log" "$mhz" <<'PY'
import re, sys
m = re.search(r"\((\d+) bytes copied and hashed in (\d+) TSC ticks", open(sys.argv[1]).read())
if not m:
    print("no measured-boot line in the log")
else:
    b, t, hz = int(m.group(1)), int(m.group(2)), float(sys.argv[2]) * 1e6
    print(f"{b} bytes in {t} host TSC ticks: {b / (t / hz) / 1e6:.1f} MB/s (TSC at ~{hz / 1e6:.0f} MHz)")
PY
fi
