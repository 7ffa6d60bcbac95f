# shellcheck shell=sh disable=SC2034  # (CPU, MKBUNDLE: used by the scripts that source this)
# Sourced by the QEMU examples: finds the cocoboot image and cocoboot-mkbundle,
# picks the accelerator, and runs QEMU with cocoboot's exit codes mapped.
#   COCOBOOT  the image; default: build/cocoboot.elf of the source tree these
#             examples are in, else the installed one (share/cocoboot/cocoboot.elf
#             next to share/doc/cocoboot/examples/, then /usr/share/cocoboot/)
#   MKBUNDLE  default: the tree's tools/mkbundle, else cocoboot-mkbundle on PATH
#   ACCEL     kvm when /dev/kvm is usable, else tcg
#   QEMU      default qemu-system-x86_64
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${COCOBOOT:-}" ]; then
	for c in "$here/../../build/cocoboot.elf" "$here/../../../../cocoboot/cocoboot.elf" \
		/usr/share/cocoboot/cocoboot.elf; do
		[ -f "$c" ] && { COCOBOOT=$c; break; }
	done
fi
[ -f "${COCOBOOT:-}" ] || { echo "$0: no cocoboot image: set COCOBOOT=/path/to/cocoboot.elf" >&2; exit 2; }
if [ -z "${MKBUNDLE:-}" ]; then
	if [ -x "$here/../../tools/mkbundle" ]; then MKBUNDLE=$here/../../tools/mkbundle
	elif [ -x "$here/../../../../../bin/cocoboot-mkbundle" ]; then MKBUNDLE=$here/../../../../../bin/cocoboot-mkbundle
	else MKBUNDLE=cocoboot-mkbundle
	fi
fi
if [ -z "${ACCEL:-}" ]; then
	ACCEL=tcg
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && ACCEL=kvm
fi
CPU=max
[ "$ACCEL" = kvm ] && CPU=host
QEMU=${QEMU:-qemu-system-x86_64}

# run_qemu ARGS...: QEMU exits 33 when cocoboot (or its payload) ended the boot
# cleanly through isa-debug-exit, 35 after a failure, 0 after an ACPI poweroff.
run_qemu() {
	echo "+ $QEMU $*" >&2
	"$QEMU" "$@" </dev/null
	rc=$?
	case $rc in
	0|33) return 0 ;;
	35) echo "$0: the guest ended its boot with a failure" >&2; return 1 ;;
	*) echo "$0: QEMU exited with $rc" >&2; return 1 ;;
	esac
}
