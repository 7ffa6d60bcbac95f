#!/bin/bash
# Real Xen with the AP bring-up page (docs/xen.md): the patched Xen 4.17
# (xen/host/patches/), the guest created paused, tools/xen-ap-page gives it the page
# (memory-map entry 0xF0000010, HVM param 39) and unpauses it. cocoboot starts every AP
# through the page's init code with VCPUOP_up alone, all at once, and the helper
# refuses what it must. vcpus=2, 4 and 8 on one nested pCPU (QEMU -smp 1).
. "$(dirname "$0")/lib.sh"
xen_boot bringup-4 --timeout 300 --bringup-page --memory 64 --vcpus 4 --cmdline "loglevel=debug"
echo "1..18"
claim_common
tap_ok "xen-ap-page refuses dom0, naming why (a PV domain)" \
	has AP '^xen-ap-page: domain 0: not PVH: a PV domain'
tap_ok "xen-ap-page placed a 1-page region with 4 slots and set HVM param 39 to its frame" \
	has AP '^xen-ap-page: domain [0-9]+: bring-up page at 0x[0-9a-f]+000 \(1 page, 4 slots, init code 348 bytes, SHA-256 e39335fe668a432b\.\.\.\), map entry [0-9]+ of [0-9]+, HVM param 39 = 0x[0-9a-f]+$'
tap_ok "a second xen-ap-page on the still paused domain is refused: it already has a page" \
	has AP '^xen-ap-page: domain [0-9]+: already has a bring-up page \(HVM param 39 = 0x[0-9a-f]+\)'
tap_ok "after xl unpause, xen-ap-page leaves the domain alone: it runs, has run, or is already gone" \
	has AP '^xen-ap-page: domain [0-9]+: (is running \(not paused\)|has already run \(vCPU 0 cpu_time [0-9]+ ns\)|has shut down or is dying|no such domain)'
one_page() {
	local n
	n=$(grep -c 'bring-up page at' <<<"$AP")
	[ "$n" = 1 ] || { echo "$n pages placed"; return 1; }
}
tap_ok "and it never placed a second page" one_page
tap_ok "cocoboot's memory map has the region as an 'AP bring-up page' entry" \
	has GC 'AP bring-up page'
tap_ok "cocoboot started all 4 CPUs through the bring-up page (no VCPUOP_initialise)" \
	has GC '^cocoboot: smp: 4 of 4 CPUs up by Xen AP bring-up page in [0-9]+ us'
for v in 1 2 3; do
	tap_ok "vCPU $v ran the init code to cocoboot's entry and reported online as APIC ID $((2 * v))" \
		has GC "^cocoboot: smp: CPU $v \\(APIC ID 0x$((2 * v))\\) online"
done
tap_ok "cocoboot timed VCPUOP_up to each AP's first instruction" \
	has GC '^cocoboot: smp: start request to first AP instruction: median [0-9]+ us, max [0-9]+ us \(3 APs\)'
tap_ok "after INIT Xen reports the APs down again (parked for the payload)" \
	has GC '^cocoboot: smp: 3 APs parked by INIT: waiting for a Startup IPI; Xen: down'
tap_ok "cocoboot booted to the end and the domain ended by poweroff" ended_by 0
xen_boot bringup-2 --timeout 300 --bringup-page --memory 64 --vcpus 2
tap_ok "vcpus=2: both CPUs up through the bring-up page" \
	has GC '^cocoboot: smp: 2 of 2 CPUs up by Xen AP bring-up page'
xen_boot bringup-8 --timeout 300 --bringup-page --memory 64 --vcpus 8
tap_ok "vcpus=8 on one pCPU: all 8 CPUs up through the bring-up page, in parallel" \
	has GC '^cocoboot: smp: 8 of 8 CPUs up by Xen AP bring-up page'
tap_ok "vcpus=8: poweroff" ended_by 0
