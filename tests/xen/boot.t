#!/bin/bash
# Real Xen, plain boot: `xl create` of examples/xen/pvh.cfg (type="pvh", memory=64 and
# nothing else); cocoboot finds Xen, logs through the PV console and powers off.
. "$(dirname "$0")/lib.sh"
xen_boot boot --config "$XEN_TOP/examples/xen/pvh.cfg"   # memory=64, vcpus=1
echo "1..10"
claim_common
tap_ok "cocoboot's boot log arrived through the PV console (xenconsoled guest log)" \
	has GC '^cocoboot: PVH boot, start_info at 0x[0-9a-f]+ version 1 '
tap_ok "cocoboot found Xen 4.17 by CPUID and uses the hypercall page" \
	has GC '^xen: Xen 4\.17 \(CPUID base 0x40000[0-9a-f]00\), hypercalls via hypercall page'
tap_ok "on Xen the default consoles are port 0xe9 and the PV console" has GC 'consoles: e9,xen$'
tap_ok "the same log reached port 0xe9 (xl dmesg, guest_loglvl=all)" \
	has E9 '^cocoboot: PVH boot, start_info at '
tap_ok "start_info: memory map has exactly memory=64 MiB of RAM" has E9 '^cocoboot: RAM total: 65536 KiB$'
tap_ok "start_info: no module, empty command line" \
	eval 'has E9 "^cocoboot: modules: 0$" && has E9 "^cocoboot: cmdline: \"\"$"'
tap_ok "the last line got out before the domain ended (console flushed)" \
	has GC '^cocoboot: boot complete'
tap_ok "the domain ended by SCHEDOP_shutdown poweroff (xl: reason code 0)" ended_by 0
