#!/bin/bash
# Real Xen: examples/xen/smp.cfg (vcpus=4, loglevel=debug). cocoboot starts vCPUs 1-3
# with VCPUOP_initialise + VCPUOP_up (smp/vcpuop.c), each reports in, Xen agrees they
# run, and before the end they are parked by INIT (Xen: down again). Then smp=2 starts
# one AP only.
. "$(dirname "$0")/lib.sh"
xen_boot vcpus --config "$XEN_TOP/examples/xen/smp.cfg"
echo "1..9"
claim_common
tap_ok "cocoboot found 4 CPUs in the MADT Xen's toolstack built and started all by VCPUOP" \
	has GC '^cocoboot: smp: 4 of 4 CPUs up by VCPUOP_initialise\+VCPUOP_up'
for v in 1 2 3; do
	tap_ok "vCPU $v reported online with APIC ID $((2 * v)) (Xen's 2 x vCPU id)" \
		has GC "^cocoboot: smp: CPU $v \\(APIC ID 0x$((2 * v))\\) online"
done
tap_ok "after INIT Xen reports every AP down again (VCPUOP_is_up = 0): parked for the payload" \
	has GC '^cocoboot: smp: 3 APs parked by INIT: waiting for a Startup IPI; Xen: down'
tap_ok "cocoboot booted to the end and the domain ended by poweroff" ended_by 0
xen_boot vcpus-smp2 --memory 64 --vcpus 4 --cmdline "smp=2"
tap_ok "smp=2 on Xen: 2 of the 4 CPUs started" has GC '^cocoboot: smp: 2 of 4 CPUs up by VCPUOP'
