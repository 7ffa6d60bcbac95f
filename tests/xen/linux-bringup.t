#!/bin/bash
# Real Xen with the AP bring-up page, then Debian's Linux: cocoboot starts the 4 vCPUs
# through the page (patched Xen, tools/xen-ap-page), parks them by INIT, chainloads the
# bzImage, and Linux brings all four up again itself (INIT-SIPI-SIPI through Xen's
# vLAPIC): the page and the parameter do not get in a payload's way. As linux.t
# otherwise (examples/xen/linux.cfg, tsc_mode="native").
. "$(dirname "$0")/lib.sh"
if ! "$XEN_TOP/tests/linux/fetch.sh" >"$XEN_LOGDIR/linux-fetch.log" 2>&1; then
	echo "1..0 # SKIP Debian's kernel is not available: $(tail -1 "$XEN_LOGDIR/linux-fetch.log")"
	exit 0
fi
lc=${LINUX_CACHE:-$BUILD/linux-cache}
bundle=$XEN_LOGDIR/linux-bringup-bundle
"$XEN_TOP/tools/mkbundle" -k "$lc/bzImage" -i "$lc/initramfs.cpio" \
	-c 'console=hvc0 loglevel=4' -o "$bundle"
xen_boot linux-bringup --bringup-page --config "$XEN_TOP/examples/xen/linux.cfg" \
	--guest-timeout 120 --timeout 300 --cfg 'tsc_mode="native"' --ramdisk "$bundle"
echo "1..5"
tap_ok "xen-ap-page gave the domain a page with 4 slots" \
	has AP '^xen-ap-page: domain [0-9]+: bring-up page at 0x[0-9a-f]+ \(1 page, 4 slots'
tap_ok "cocoboot started the 4 vCPUs through the bring-up page" \
	has E9 '^cocoboot: smp: 4 of 4 CPUs up by Xen AP bring-up page'
tap_ok "and parked the 3 APs before the hand-off" has E9 '^cocoboot: smp: 3 APs parked by INIT'
tap_ok "Linux reached its /init and runs on all 4 vCPUs" has GC '^COCOBOOT-LINUX-MARKER cpus=4$'
tap_ok "the domain ended by poweroff" ended_by 0
