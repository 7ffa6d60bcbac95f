#!/bin/bash
# Real Xen: the xl examples (examples/xen/*.cfg). xl 4.17 in dom0 parses each one
# (`xl -N create`: the domain config it would build, as JSON); sev.cfg is booted as it
# is. pvh.cfg, smp.cfg and linux.cfg are booted by boot.t, vcpus.t and linux.t.
. "$(dirname "$0")/lib.sh"
ex=$XEN_TOP/examples/xen
# sev.cfg with its PROPOSED lines switched on: what today's xl makes of them.
proposed=$XEN_LOGDIR/sev-proposed.cfg
sed 's/^#sev = /sev = /' "$ex/sev.cfg" >"$proposed"
xen_boot examples --config "$ex/sev.cfg" --parse "$ex/pvh.cfg" --parse "$ex/linux.cfg" \
	--parse "$ex/smp.cfg" --parse "$ex/sev.cfg" --parse "$proposed"
PARSE=$(tr -d '\r' <"$LOG" | sed -n 's/^@parse| //p')

# parsed FILE KEY-ERE...: xl -N create FILE succeeded and its JSON has each ERE.
parsed() {
	local f=$1 json
	shift
	json=$(sed -n "s/^$f| //p" <<<"$PARSE")
	grep -qx 'rc=0' <<<"$json" || { echo "xl -N create $f failed:"; tail -5 <<<"$json"; return 1; }
	for re in "$@"; do
		grep -qE -- "$re" <<<"$json" || { echo "$f: no /$re/ in xl's domain config:"; head -40 <<<"$json"; return 1; }
	done
}
echo "1..10"
claim_common
tap_ok "xl parses pvh.cfg: PVH, the installed image, 64 MiB, 1 vCPU" parsed pvh.cfg \
	'"type": "pvh"' '"kernel": "/usr/share/cocoboot/cocoboot.elf"' '"target_memkb": 65536' '"max_vcpus": 1,'
tap_ok "xl parses linux.cfg: PVH, the bundle as ramdisk (module 0), 256 MiB, 4 vCPUs" parsed linux.cfg \
	'"type": "pvh"' '"ramdisk": "/srv/cocoboot/linux.bundle"' '"target_memkb": 262144' '"max_vcpus": 4,'
tap_ok "xl parses smp.cfg: 4 vCPUs, loglevel=debug" parsed smp.cfg '"type": "pvh"' '"max_vcpus": 4,' \
	'"cmdline": "loglevel=debug"'
tap_ok "xl parses sev.cfg: 1 vCPU, cocoboot's command line console=e9" parsed sev.cfg \
	'"type": "pvh"' '"max_vcpus": 1,' '"cmdline": "console=e9 loglevel=info"'
# proposed_ignored: the switched-on line is there, xl took the file, and its domain config
# has neither a key nor a value for it.
proposed_ignored() {
	grep -q '^sev = "snp"' "$proposed" || { echo "no proposed sev= line in $proposed"; return 1; }
	parsed sev-proposed.cfg '"type": "pvh"' || return 1
	! sed -n 's/^sev-proposed.cfg| //p' <<<"$PARSE" | grep -iE '"sev|snp'
}
tap_ok "xl 4.17 accepts the proposed sev= line but knows nothing of it (no SEV in its domain config)" \
	proposed_ignored
tap_ok "sev.cfg booted: cocoboot ran to its end, logging through port 0xe9 (xl dmesg)" \
	has E9 '^cocoboot: boot complete'
tap_ok "sev.cfg: console=e9 kept the PV console silent" hasnt GC '^cocoboot: '
tap_ok "sev.cfg: the domain ended by poweroff (xl: reason code 0)" ended_by 0
