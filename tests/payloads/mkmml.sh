#!/bin/bash
# Build the archive the multi-module launcher (mml_main.c) takes as its one
# module: mml/kernel plus mml/mod<N> and mml/mod<N>.cmdline members.
# Usage: [MML_XL_LAYOUT=1] mkmml.sh OUT KERNEL MODULE0 [CMDLINE0] [-- MODULE1 [CMDLINE1]] ...
#   MML_XL_LAYOUT=1 adds mml/xl-layout: modules packed right after the kernel.
#   e.g. mkmml.sh out.cpio cocoboot.elf bzImage "console=ttyS0" -- initrd.cpio
set -euo pipefail
out=$1 kernel=$2; shift 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/mml"
cp "$kernel" "$tmp/mml/kernel"
[ "${MML_XL_LAYOUT:-0}" = 1 ] && : >"$tmp/mml/xl-layout"
n=0
while [ $# -gt 0 ]; do
	cp "$1" "$tmp/mml/mod$n"; shift
	if [ $# -gt 0 ] && [ "$1" != "--" ]; then printf '%s' "$1" >"$tmp/mml/mod$n.cmdline"; shift; fi
	[ $# -gt 0 ] && [ "$1" = "--" ] && shift
	n=$((n + 1))
done
(cd "$tmp" && find mml -type f | LC_ALL=C sort | cpio --quiet -o -H newc) >"$out"
