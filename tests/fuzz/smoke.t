#!/bin/bash
# Claim: every libFuzzer harness survives a short bounded run (ASan+UBSan) without a finding.
BUILD=${BUILD:-build}
progs=()
for f in "$BUILD"/fuzz/fuzz_*; do [ -x "$f" ] && [ "${f%.*}" = "$f" ] && progs+=("$f"); done
logs="$BUILD/fuzz-logs"; mkdir -p "$logs"
[ ${#progs[@]} -gt 0 ] || { echo "1..0 # SKIP no fuzz harness built"; exit 0; }
echo "1..${#progs[@]}"
n=0
for p in "${progs[@]}"; do
	n=$((n + 1)); name=$(basename "$p")
	corpus="$BUILD/fuzz-corpus/$name"; mkdir -p "$corpus"
	seeds=tests/fuzz/seeds/${name#fuzz_}
	[ -d "$seeds" ] || seeds=
	if "$p" -runs=${FUZZ_SMOKE_RUNS:-20000} -seed=1 "$corpus" $seeds >"$logs/$name.log" 2>&1; then
		echo "ok $n - $name: 20000 inputs, no crash, leak or UB"
	else
		echo "not ok $n - $name: finding, see $logs/$name.log"; tail -20 "$logs/$name.log" | sed 's/^/# /'
	fi
done
