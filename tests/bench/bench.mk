BENCH_SCRIPTS += tests/bench/qemu-boot.sh
