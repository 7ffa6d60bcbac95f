# tests/xen/lib.sh: sourced by tests/xen/*.t. One case = one boot of cocoboot as a PVH
# domU under Debian's real Xen 4.17 (tools/xen-run: Xen + a busybox dom0 in QEMU TCG,
# `xl -vvv create -F`), then claims checked on what dom0 collected. Decisions are made
# from markers in the output, never from xl's or QEMU's exit status.
#
# After xen_boot, these hold the collected text (CR stripped):
#   XL   `xl -vvv create -F` output (domain builder details, the shutdown reason)
#   GC   the guest's PV console as xenconsoled logged it (--log=guest)
#   E9   the guest's port-0xe9 lines from `xl dmesg` ("(dN) " removed)
#   DMESG all of `xl dmesg`
#   DOM0 the "@@ " status lines of dom0's init
#   AP   with --bringup-page: what xen-ap-page printed (tools/xen-dom0-init)
# and LOG is the whole serial log (kept in $BUILD/tests/xen/<case>.log).

BUILD=${BUILD:-build}
XEN_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XEN_GUEST=${XEN_GUEST:-$BUILD/cocoboot.elf}
XEN_LOGDIR=$BUILD/tests/xen
mkdir -p "$XEN_LOGDIR"
TAP_N=0

# xen_boot CASE [tools/xen-run options...]
xen_boot() {
	local case=$1 rc t0 t1
	shift
	LOG=$XEN_LOGDIR/$case.log
	if [ ! -f "$XEN_GUEST" ]; then
		echo "1..1"
		echo "not ok 1 - $case: guest image $XEN_GUEST exists (run make first)"
		exit 0
	fi
	t0=$(date +%s%N)
	"$XEN_TOP/tools/xen-run" --quiet --name cocoboot --log "$LOG" "$@" "$XEN_GUEST" \
		2>"$XEN_LOGDIR/$case.err"
	rc=$?
	t1=$(date +%s%N)
	if [ $rc = 2 ] && grep -q '^SKIP: ' "$XEN_LOGDIR/$case.err"; then
		echo "1..0 # SKIP $(sed -n 's/^SKIP: //p' "$XEN_LOGDIR/$case.err" | head -1)"
		exit 0
	fi
	BOOT_MS=$(((t1 - t0) / 1000000))
	XEN_RC=$rc
	XL=$(tr -d '\r' <"$LOG" | sed -n 's/^@xl| //p')
	GC=$(tr -d '\r' <"$LOG" | sed -n 's/^@gc| //p')
	E9=$(tr -d '\r' <"$LOG" | sed -n 's/^@dm| ([dD][0-9]*) //p')
	DMESG=$(tr -d '\r' <"$LOG" | sed -n 's/^@dm| //p')
	DOM0=$(tr -d '\r' <"$LOG" | sed -n 's/^@@ //p')
	AP=$(tr -d '\r' <"$LOG" | sed -n 's/^@ap| //p')   # xen-run --bringup-page: the helper
	if [ "$rc" != 0 ]; then
		echo "# tools/xen-run exited $rc$([ "$rc" = 124 ] && echo ' (QEMU killed by its timeout)'); log: $LOG"
		sed 's/^/#   /' "$XEN_LOGDIR/$case.err" | tail -5
	fi
	# For tests/xen/timings: one line per boot.
	echo "$case $BOOT_MS" >>"$XEN_LOGDIR/timings"
}

# tap_ok CLAIM COMMAND...: one TAP line; on failure the command's output and the
# log's location go to the diagnostics.
tap_ok() {
	local claim=$1 out
	shift
	TAP_N=$((TAP_N + 1))
	if out=$("$@" 2>&1); then
		echo "ok $TAP_N - $claim"
	else
		echo "not ok $TAP_N - $claim"
		[ -n "$out" ] && printf '%s\n' "$out" | head -20 | sed 's/^/#   /'
		echo "#   full log: $LOG"
	fi
}

# has TEXT-VAR ERE: the text in variable TEXT-VAR has a line matching ERE.
has() {
	local var=$1 re=$2
	if grep -qE -- "$re" <<<"${!var}"; then return 0; fi
	echo "no line matching /$re/ in $var; its last lines:"
	tail -8 <<<"${!var}"
	return 1
}
hasnt() {
	local var=$1 re=$2
	if ! grep -qE -- "$re" <<<"${!var}"; then return 0; fi
	echo "unexpected line in $var:"
	grep -E -- "$re" <<<"${!var}" | head -5
	return 1
}

# The shutdown reason xl reported: "Domain N has shut down, reason code R 0x.."
# (libxl SHUTDOWN_* = Xen's SHUTDOWN_*: 0 poweroff, 1 reboot, 2 suspend, 3 crash,
# 4 watchdog, 5 soft_reset; xen/include/public/sched.h).
shutdown_reason() {
	sed -n 's/^Domain [0-9]* has shut down, reason code \([0-9]*\) .*/\1/p' <<<"$XL" | head -1
}
ended_by() {
	local want=$1 got
	got=$(shutdown_reason)
	[ "$got" = "$want" ] && return 0
	echo "xl reports shutdown reason '${got:-none}', want $want (0 poweroff, 1 reboot, 3 crash)"
	has DOM0 'guest ended' >/dev/null || echo "dom0: $(grep -E 'TIMEOUT|FAIL' <<<"$DOM0")"
	return 1
}

# Claims every case makes.
claim_common() {
	tap_ok "dom0 ran xl create and the guest ended by itself (no timeout)" has DOM0 '^guest ended after'
	tap_ok "xl took the PVH path (libelf: Found PVH image)" has XL 'ELF: Found PVH image'
}
