#!/bin/bash
# Real Xen: a fatal error (cocoboot.fault=ud raises #UD) is reported on the PV console
# and ends the domain as a *crash* (SCHEDOP_shutdown SHUTDOWN_crash), so the toolstack's
# on_crash applies; not as a poweroff, and not as a triple-fault reboot.
. "$(dirname "$0")/lib.sh"
xen_boot crash --memory 64 --cmdline 'cocoboot.fault=ud'
echo "1..6"
claim_common
tap_ok "cocoboot's crash handler reported the #UD (port 0xe9)" has E9 'FATAL: .*#UD'
tap_ok "the crash report arrived through the PV console, to its last line" \
	eval 'has GC "FATAL: .*#UD" && has GC "^cocoboot: boot failed"'
tap_ok "the domain ended as a crash (xl: reason code 3), not poweroff or reboot" ended_by 3
tap_ok "no triple fault: Xen did not invoke an HVM shutdown action" \
	hasnt DMESG 'Triple fault'
