#!/bin/bash
# Real Xen with a bring-up page cocoboot must not trust (docs/abi.md §8.7; a changed
# init code, --corrupt-code, is refused by the same check: tests/unit/test_xenpage.c), and the
# patched Xen without one: cocoboot names what is wrong, falls back to
# VCPUOP_initialise + VCPUOP_up (nothing depends on the page without SEV) and still
# brings every AP up.
. "$(dirname "$0")/lib.sh"
xen_boot bringup-digest --ap-page-args --corrupt-digest --memory 64 --vcpus 4
echo "1..6"
tap_ok "xen-ap-page wrote the page with a corrupted header digest, on request" \
	has AP 'digest CORRUPTED'
tap_ok "cocoboot refused the page, naming the header's code_sha256" \
	has GC '^cocoboot: smp: Xen AP bring-up page refused: code_sha256=[0-9a-f]{8}\.\.\. in the header, not the reference e39335fe'
tap_ok "and brought all 4 CPUs up by VCPUOP_initialise instead" \
	has GC '^cocoboot: smp: 4 of 4 CPUs up by VCPUOP_initialise\+VCPUOP_up'
tap_ok "poweroff" ended_by 0
xen_boot bringup-none --patched-xen --memory 64 --vcpus 4
tap_ok "the patched Xen without the parameter: no page offered, VCPUOP_initialise as on stock Xen" \
	has GC '^cocoboot: smp: 4 of 4 CPUs up by VCPUOP_initialise\+VCPUOP_up'
tap_ok "poweroff" ended_by 0
