#!/bin/bash
# Claim: every libFuzzer harness survives a short bounded run (ASan+UBSan) from its seeds
# without a finding. The long runs are `make fuzz` (docs/fuzzing.md).
BUILD=${BUILD:-build}
runs=${FUZZ_SMOKE_RUNS:-10000}
progs=()
for f in "$BUILD"/fuzz/fuzz_*; do [ -x "$f" ] && [ "${f%.*}" = "$f" ] && progs+=("$f"); done
logs="$BUILD/fuzz-logs/smoke"; mkdir -p "$logs"
[ ${#progs[@]} -gt 0 ] || { echo "1..0 # SKIP no fuzz harness built"; exit 0; }
echo "1..${#progs[@]}"
n=0
for p in "${progs[@]}"; do
	n=$((n + 1)); name=$(basename "$p")
	# A fresh corpus each time: the run starts from the seeds only (deterministic with
	# -seed=1) and does not pay for what long runs piled up in build/fuzz-corpus.
	corpus="$logs/corpus-$name"; rm -rf "$corpus"; mkdir -p "$corpus"
	seeds=tests/fuzz/seeds/${name#fuzz_}
	if [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
		echo "not ok $n - $name: no seeds in $seeds"; continue
	fi
	if "$p" -runs="$runs" -seed=1 "-artifact_prefix=$logs/$name-" "$corpus" $seeds >"$logs/$name.log" 2>&1; then
		echo "ok $n - $name: $runs inputs from its seeds, no crash, leak, UB or broken claim"
	else
		echo "not ok $n - $name: finding, see $logs/$name.log"; tail -20 "$logs/$name.log" | sed 's/^/# /'
	fi
done
