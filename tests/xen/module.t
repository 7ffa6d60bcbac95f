#!/bin/bash
# Real Xen: a ramdisk= file becomes start_info module 0, with its exact size.
. "$(dirname "$0")/lib.sh"
mod=$XEN_LOGDIR/module.bin
head -c 12345 /dev/urandom >"$mod"
xen_boot module --memory 64 --ramdisk "$mod"
echo "1..6"
claim_common
tap_ok "start_info: exactly one module" has E9 '^cocoboot: modules: 1$'
tap_ok "start_info: module 0 has the ramdisk's size (12345 bytes), page aligned, no cmdline" \
	has E9 '^cocoboot:   module\[0\] \[0x[0-9a-f]*000-0x[0-9a-f]+\) 12345 bytes cmdline ""$'
tap_xen "the module report arrived through the PV console" has GC '^cocoboot: modules: 1$'
tap_xen "the domain ended by poweroff (xl: reason code 0)" ended_by 0
