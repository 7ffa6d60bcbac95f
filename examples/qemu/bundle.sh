#!/bin/sh
# A payload kernel chainloaded by cocoboot in QEMU: a Linux bzImage (64-bit boot
# protocol) or a PVH ELF kernel, packed with its initrd and command line into one
# bundle by cocoboot-mkbundle, since QEMU's -initrd passes one module.
#   bundle.sh KERNEL [INITRD] [-- PAYLOAD COMMAND LINE]
#   bundle.sh /boot/vmlinuz /boot/initrd.img -- console=ttyS0 rdinit=/bin/sh
# The serial port is this terminal: cocoboot's log (console com1) and then Linux's
# console=ttyS0 (the default payload command line). Ctrl-a x quits QEMU.
# Environment: see common.sh (COCOBOOT, MKBUNDLE, ACCEL, QEMU); MEM (default 512M).
here=$(dirname "$0")
. "$here/common.sh"
if [ $# -eq 0 ] || [ "$1" = -- ]; then
	sed -n '5,6s/^# //p' "$0" >&2
	exit 2
fi
kernel=$1; shift
initrd=
if [ $# -ge 1 ] && [ "$1" != -- ]; then initrd=$1; shift; fi
[ "${1:-}" = -- ] && shift
payload_cmdline=${*:-console=ttyS0}

bundle=$(mktemp "${TMPDIR:-/tmp}/cocoboot-bundle.XXXXXX")
trap 'rm -f "$bundle"' EXIT
"$MKBUNDLE" -k "$kernel" ${initrd:+-i "$initrd"} -c "$payload_cmdline" -o "$bundle" || exit 2
run_qemu -accel "$ACCEL" -cpu "$CPU" -M pc -m "${MEM:-512M}" -smp 1 \
	-nographic -monitor none -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$COCOBOOT" -initrd "$bundle" -append "loglevel=info"
