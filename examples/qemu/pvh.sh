#!/bin/sh
# cocoboot alone in QEMU, started through QEMU's PVH loader (-kernel takes the ELF):
# it checks what it was given, prints its boot log on this terminal (port 0xe9)
# and, without a payload, ends the run itself ("no payload").
#   pvh.sh [COCOBOOT OPTIONS...]        e.g. pvh.sh loglevel=debug
# Environment: see common.sh (COCOBOOT, ACCEL, QEMU); MEM (512M), SMP (1).
here=$(dirname "$0")
. "$here/common.sh"
run_qemu -accel "$ACCEL" -cpu "$CPU" -M pc -m "${MEM:-512M}" -smp "${SMP:-1}" \
	-nographic -monitor none -serial none -debugcon stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$COCOBOOT" -append "${*:-loglevel=info}"
