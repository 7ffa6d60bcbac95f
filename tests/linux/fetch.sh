#!/bin/bash
# Fetch Debian's current linux-image-amd64 kernel and busybox-static into a cache
# and prepare what the Linux boot tests need:
#   $LINUX_CACHE/bzImage        the kernel as shipped (/boot/vmlinuz-*)
#   $LINUX_CACHE/vmlinux        the PVH ELF extracted from it (facts §1.1 "bzImage as kernel=")
#   $LINUX_CACHE/initramfs.cpio busybox initramfs whose /init prints the marker and CPU count
#   $LINUX_CACHE/kernel.version the ABI name (e.g. 6.1.0-56-amd64)
# Packages come from apt (`apt-get download`, no root needed); the cache is reused.
# Usage: tests/linux/fetch.sh   (LINUX_CACHE defaults to build/linux-cache)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${LINUX_CACHE:-${BUILD:-build}/linux-cache}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

log() { echo "fetch.sh: $*" >&2; }

if [ -s "$cache/bzImage" ] && [ -s "$cache/vmlinux" ] && [ -s "$cache/initramfs.cpio" ] \
	&& [ "$cache/initramfs.cpio" -nt "$here/init.sh" ]; then
	exit 0
fi

# Resolve the ABI name through the meta package's dependency: linux-image-amd64
# depends on linux-image-<abi>-amd64.
abi_pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -1)
if [ -z "$abi_pkg" ]; then
	log "cannot resolve linux-image-amd64 (run apt-get update?)"
	exit 2
fi
abi=${abi_pkg#linux-image-}

dl=$cache/deb
mkdir -p "$dl"
get() { # package -> path of its .deb in the cache
	local p=$1 f
	f=$(ls "$dl"/"${p}"_*.deb 2>/dev/null | head -1 || true)
	if [ -z "$f" ]; then
		log "apt-get download $p"
		(cd "$dl" && apt-get download "$p" >/dev/null) || { log "apt-get download $p failed"; exit 2; }
		f=$(ls "$dl"/"${p}"_*.deb | head -1)
	fi
	echo "$f"
}

kdeb=$(get "$abi_pkg")
bdeb=$(get busybox-static)

if [ ! -s "$cache/bzImage" ]; then
	tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
	dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'
	cp "$tmp"/boot/vmlinuz-* "$cache/bzImage"
	rm -rf "$tmp"; trap - EXIT
fi
echo "$abi" >"$cache/kernel.version"

if [ ! -s "$cache/vmlinux" ] || [ "$cache/vmlinux" -ot "$cache/bzImage" ]; then
	"$here/extract-vmlinux.sh" "$cache/bzImage" "$cache/vmlinux.tmp"
	mv "$cache/vmlinux.tmp" "$cache/vmlinux"
fi

if [ ! -s "$cache/busybox" ]; then
	tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
	dpkg-deb --fsys-tarfile "$bdeb" | tar -x -C "$tmp" ./bin/busybox
	cp "$tmp/bin/busybox" "$cache/busybox"
	rm -rf "$tmp"; trap - EXIT
fi

"$here/mkinitramfs.sh" "$cache/busybox" "$cache/initramfs.cpio"
log "ready: $cache ($abi)"
