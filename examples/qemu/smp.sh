#!/bin/sh
# cocoboot in a QEMU guest with 4 vCPUs and 1 GiB: pvh.sh with SMP=4 MEM=1G.
# QEMU starts vCPU 0; cocoboot starts the other three (INIT-SIPI-SIPI), and parks
# them again before it ends or hands off.
#   smp.sh [COCOBOOT OPTIONS...]
SMP=${SMP:-4} MEM=${MEM:-1G} exec "$(dirname "$0")/pvh.sh" "$@"
