#!/bin/busybox sh
# /init of the test initramfs: print the marker line the Linux boot tests and
# `make bench` look for, with the number of CPUs Linux sees, then power off.
/bin/busybox mkdir -p /proc /sys
/bin/busybox mount -t proc proc /proc
cpus=$(/bin/busybox grep -c ^processor /proc/cpuinfo)
echo "COCOBOOT-LINUX-MARKER cpus=$cpus"
echo "COCOBOOT-LINUX-CMDLINE $(/bin/busybox cat /proc/cmdline)"
if [ -e /cocoboot-extra ]; then echo "COCOBOOT-LINUX-EXTRA $(/bin/busybox cat /cocoboot-extra)"; fi
/bin/busybox poweroff -f
