#!/bin/bash
# Real Xen: vcpus=2. Only vCPU 0 runs at entry (the others wait for the SMP issue's
# bring-up); cocoboot boots and ends the whole domain by itself.
. "$(dirname "$0")/lib.sh"
xen_boot vcpus --memory 64 --vcpus 2
echo "1..5"
claim_common
tap_ok "Xen built the domain with a second vCPU (HVM d1v1 state in xl dmesg)" \
	has DMESG 'HVM d[0-9]+v1 save: CPU'
tap_ok "cocoboot booted to the end on vCPU 0 (PV console)" has GC '^cocoboot: boot complete'
tap_ok "the domain ended by poweroff although vCPU 1 never ran (xl: reason code 0)" ended_by 0
