#!/bin/bash
# Extract the PVH ELF vmlinux from a bzImage, the way libxenguest does
# (facts §1.1 "bzImage as kernel="): payload at file offset
# (setup_sects+1)*512 + payload_offset (setup_sects 0 means 4; facts §4.2),
# payload_length bytes, decompressed by its magic. The result must be an ELF
# carrying XEN_ELFNOTE_PHYS32_ENTRY (note type 18, name "Xen").
# Usage: extract-vmlinux.sh BZIMAGE OUT
set -euo pipefail
in=$1 out=$2
u8()  { od -An -tu1 -j "$1" -N1 "$in" | tr -d ' '; }
u16() { od -An -tu2 -j "$1" -N2 "$in" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 "$in" | tr -d ' '; }
die() { echo "extract-vmlinux.sh: $*" >&2; exit 1; }

[ "$(u16 $((0x1fe)))" = 43605 ] || die "boot_flag is not 0xAA55"
[ "$(u32 $((0x202)))" = 1400005704 ] || die "header is not HdrS"
ver=$(u16 $((0x206)))
[ "$ver" -ge $((0x208)) ] || die "protocol $(printf 0x%x "$ver") < 2.08 has no payload_offset"
ss=$(u8 $((0x1f1))); [ "$ss" = 0 ] && ss=4
poff=$(u32 $((0x248))); plen=$(u32 $((0x24c)))
start=$(( (ss + 1) * 512 + poff ))

tmp=$(mktemp); trap 'rm -f "$tmp" "$tmp.elf"' EXIT
dd if="$in" of="$tmp" iflag=skip_bytes,count_bytes skip="$start" count="$plen" status=none
magic=$(od -An -tx1 -N6 "$tmp" | tr -d ' ')
case "$magic" in
	1f8b*)           gzip -dcq <"$tmp" >"$tmp.elf" 2>/dev/null || true ;;
	fd377a585a00)    xz -dcq --single-stream <"$tmp" >"$tmp.elf" ;;
	28b52ffd*)       zstd -dcq <"$tmp" >"$tmp.elf" 2>/dev/null || true ;;
	5d0000*)         xz -dcq --format=lzma <"$tmp" >"$tmp.elf" 2>/dev/null || true ;;
	02214c18*)       lz4 -dcq <"$tmp" >"$tmp.elf" 2>/dev/null || true ;;
	7f454c46*)       cp "$tmp" "$tmp.elf" ;;
	*)               die "unknown payload compression (magic $magic)" ;;
esac
# The kernel build appends the uncompressed size (4 bytes) to the compressed
# payload, so decompressors may complain about trailing data; an empty or
# non-ELF result is the real failure.
[ -s "$tmp.elf" ] || die "decompression produced nothing"
[ "$(od -An -tx1 -N4 "$tmp.elf" | tr -d ' ')" = 7f454c46 ] || die "payload is not an ELF"
# PHYS32_ENTRY is note type 18 (0x12) with owner "Xen" (facts §1.1).
if command -v readelf >/dev/null; then
	readelf -nW "$tmp.elf" | grep -Eq '^ +Xen +0x0000000[48][[:space:]].*\(0x00000012\)' \
		|| die "vmlinux has no XEN_ELFNOTE_PHYS32_ENTRY note"
fi
mv "$tmp.elf" "$out"
