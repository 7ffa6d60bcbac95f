#!/bin/bash
# Build the busybox initramfs (cpio "newc", uncompressed) used by the Linux boot
# tests: /init (tests/linux/init.sh), /bin/busybox, /dev/console.
# Usage: mkinitramfs.sh BUSYBOX OUT [EXTRA_TEXT]
#   EXTRA_TEXT, when given, is stored as /cocoboot-extra; init prints it, so a
#   test can prove which initrd the kernel got.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bb=$1 out=$2 extra=${3:-}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/dev" "$tmp/proc" "$tmp/sys"
cp "$bb" "$tmp/bin/busybox"
cp "$here/init.sh" "$tmp/init"
chmod 755 "$tmp/init" "$tmp/bin/busybox"
[ -n "$extra" ] && printf '%s\n' "$extra" >"$tmp/cocoboot-extra"
# /dev/console needs a device node; without root we rely on the kernel's
# built-in initramfs (which has one) and skip it.
mknod "$tmp/dev/console" c 5 1 2>/dev/null || true
(cd "$tmp" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$out.tmp"
mv "$out.tmp" "$out"
