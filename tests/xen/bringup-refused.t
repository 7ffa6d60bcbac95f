#!/bin/bash
# Real Xen with a bring-up page cocoboot must not trust (docs/abi.md §8.7): a header
# whose digest the helper corrupted (--corrupt-digest), then init code that differs from
# the reference (--corrupt-code). cocoboot ends with its documented error, reason 0x15
# (bring-up page invalid), naming what is wrong, before any AP ran the code. Then the
# patched Xen without the parameter: no page, VCPUOP_initialise as on stock Xen.
. "$(dirname "$0")/lib.sh"
xen_boot bringup-digest --timeout 300 --ap-page-args --corrupt-digest --memory 64 --vcpus 4
echo "1..$([ "${XEN_SLOW:-0}" = 1 ] && echo 8 || echo 6)"
tap_ok "xen-ap-page wrote the page with a corrupted header digest, on request" \
	has AP 'digest CORRUPTED'
tap_ok "cocoboot refused the page, naming the header's code_sha256" \
	has GC 'FATAL: .*bring-up page at 0x[0-9a-f]+: code_sha256=e29335fe\.\.\. in the header is not the SHA-256 of its init code e39335fe'
tap_ok "with reason 0x15 (bring-up page invalid)" has GC 'reason 0x15'
tap_ok "no AP was started: the domain ended as a crash (reason code 3)" ended_by 3
# A changed init code (--corrupt-code) is the other half of the same check; it costs one
# more boot, so it runs only with XEN_SLOW=1 (make check's budget).
if [ "${XEN_SLOW:-0}" = 1 ]; then
	xen_boot bringup-code --timeout 300 --ap-page-args --corrupt-code --memory 64 --vcpus 4
	tap_ok "init code that is not the reference is refused: its computed SHA-256 differs" \
		has GC 'FATAL: .*bring-up page at 0x[0-9a-f]+: the SHA-256 of its 348 bytes of init code is not the reference digest e39335fe668a432b'
	tap_ok "crash, reason code 3" ended_by 3
fi
xen_boot bringup-none --timeout 300 --patched-xen --memory 64 --vcpus 4
tap_ok "the patched Xen without the parameter: no page offered, VCPUOP_initialise as on stock Xen" \
	has GC '^cocoboot: smp: 4 of 4 CPUs up by VCPUOP_initialise\+VCPUOP_up'
tap_ok "poweroff" ended_by 0
