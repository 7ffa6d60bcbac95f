BENCH_SCRIPTS += tests/bench/qemu-boot.sh
BENCH_SCRIPTS += tests/bench/sevsim.sh
BENCH_SCRIPTS += tests/bench/smp.sh
BENCH_SCRIPTS += tests/bench/measure.sh
BENCH_SCRIPTS += tests/bench/smp-sev.sh
BENCH_SCRIPTS += tests/bench/savic.sh
BENCH_SCRIPTS += tests/bench/snp.sh
