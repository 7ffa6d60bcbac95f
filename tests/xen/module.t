#!/bin/bash
# Real Xen: a ramdisk= file becomes start_info module 0, with its exact size, and
# cocoboot chainloads it: here a minimal PVH kernel (tests/xen/pvh-payload.asm) that
# reports the start_info cocoboot built for it and halts.
. "$(dirname "$0")/lib.sh"
mod=$BUILD/tests/xen/pvh-payload.elf
[ -f "$mod" ] || { echo "1..1"; echo "not ok 1 - $mod exists (make check builds it)"; exit 0; }
size=$(stat -c %s "$mod")
xen_boot module --memory 64 --ramdisk "$mod" --cmdline 'loglevel=info -- hello payload'
echo "1..7"
claim_common
tap_ok "start_info: exactly one module" has E9 '^cocoboot: modules: 1$'
tap_ok "start_info: module 0 has the ramdisk's size ($size bytes), page aligned, no cmdline" \
	has E9 "^cocoboot:   module\[0\] \[0x[0-9a-f]*000-0x[0-9a-f]+\) $size bytes cmdline \"\"\$"
tap_ok "the module report arrived through the PV console" has GC '^cocoboot: modules: 1$'
tap_ok "cocoboot started the PVH kernel in module 0 with its own start_info and the cmdline after --" \
	has E9 '^pvh-payload: start_info magic ok, modules=0 cmdline=hello payload$'
tap_ok "the domain ended by poweroff when the payload halted (xl: reason code 0)" ended_by 0
