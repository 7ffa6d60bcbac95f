#!/bin/bash
# make run-linux: boot Debian's kernel with the busybox initramfs through
# cocoboot in QEMU, from a bundle module. The serial line (cocoboot's log,
# then Linux's console) is this terminal.
#   LINUX_FORMAT=bzImage|vmlinux (default bzImage), LINUX_CMDLINE (default
#   "console=ttyS0"), ACCEL=tcg|kvm (default tcg: see docs/payloads.md)
set -euo pipefail
BUILD=${BUILD:-build}
export LINUX_CACHE=${LINUX_CACHE:-$BUILD/linux-cache}
tests/linux/fetch.sh
fmt=${LINUX_FORMAT:-bzImage}
bundle=$BUILD/linux-$fmt.bundle
tools/mkbundle -k "$LINUX_CACHE/$fmt" -c "${LINUX_CMDLINE:-console=ttyS0}" \
	-i "$LINUX_CACHE/initramfs.cpio" -o "$bundle"
exec qemu-system-x86_64 -accel "${ACCEL:-tcg}" -cpu max -M pc -m 512M -smp 2 -nographic \
	-monitor none -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$BUILD/cocoboot.elf" -initrd "$bundle"
