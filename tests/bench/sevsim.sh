#!/bin/bash
# Figures, not tests: what a boot of cocoboot costs in sevsim, from the PVH
# entry to the end of the boot (1 vCPU, 128 MiB): VMGEXITs, #VCs and guest
# instructions per mode, with loglevel=quiet and the default. These counts do
# not depend on the machine's speed, so one run of each is the figure.
set -u
BUILD=${BUILD:-build}
img=$BUILD/cocoboot.elf
sim=$BUILD/sevsim
printf '== sevsim: cocoboot to the end of boot (1 vCPU)\n'
printf '%-8s %-8s %9s %6s %12s  %s\n' mode loglevel vmgexits '#vc' instructions 'vmgexits by code'
for mode in none sev sev-es; do
	for level in quiet info; do
		out=$("$sim" --mode=$mode --cmdline=loglevel=$level "$img" | tail -1)
		python3 - "$mode" "$level" "$out" <<'PY'
import json, sys
mode, level, line = sys.argv[1:]
d = json.loads(line)
ok = d["result"] == "shutdown" and d["shutdown_reason"] == "poweroff"
print(f"{mode:<8} {level:<8} {d['vmgexits']:>9} {d['vc']:>6} {d['instructions']:>12}  "
      f"{json.dumps(d['vmgexits_by_code'])}{'' if ok else '  (boot did not end cleanly!)'}")
PY
	done
done
