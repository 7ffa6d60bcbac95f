#!/bin/sh
# cocoboot in a QEMU guest with 4 vCPUs and 1 GiB. QEMU starts vCPU 0 only, and
# cocoboot boots on it (its AP bring-up comes with the SMP work).
#   smp.sh [COCOBOOT OPTIONS...]
# Environment: see common.sh (COCOBOOT, ACCEL, QEMU).
here=$(dirname "$0")
. "$here/common.sh"
run_qemu -accel "$ACCEL" -cpu "$CPU" -M pc -m 1G -smp 4 \
	-nographic -monitor none -serial none -debugcon stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$COCOBOOT" -append "${*:-loglevel=info}"
