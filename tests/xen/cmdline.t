#!/bin/bash
# Real Xen: cmdline= reaches cocoboot unchanged through start_info.cmdline_paddr, and
# its console= choice is honoured (console=xen: nothing on port 0xe9).
. "$(dirname "$0")/lib.sh"
cmd='console=xen loglevel=debug cocoboot.xentest="two words" -- payload args'
xen_boot cmdline --memory 96 --cmdline "$cmd"
echo "1..7"
claim_common
tap_ok "cocoboot saw the configured command line byte for byte" \
	has GC "^cocoboot: cmdline: \"$(sed 's/[][\.*^$]/\\&/g' <<<"$cmd")\"\$"
tap_ok "start_info: memory map has exactly memory=96 MiB of RAM" has GC '^cocoboot: RAM total: 98304 KiB$'
tap_ok "console=xen leaves port 0xe9 silent after the command line is read" \
	hasnt E9 '^cocoboot: (RAM total|boot complete)'
tap_ok "loglevel=debug from the command line took effect (debug lines on the PV console)" \
	has GC '^cocoboot: memory: '
tap_ok "the domain ended by poweroff (xl: reason code 0)" ended_by 0
