# Debian's kernel (linux-image-amd64) and a busybox initramfs booted through
# cocoboot (tests/linux/*.t), `make run-linux` and the boot-time benchmark.
# The packages are fetched with apt-get download into $(LINUX_CACHE).

LINUX_CACHE ?= $(BUILD)/linux-cache
export LINUX_CACHE

TESTS         += tests/linux/linux.t
BENCH_SCRIPTS += tests/linux/bench.py
BENCH_DEPS    += $(UKT) $(MML)

.PHONY: run-linux linux-fetch
run-linux: $(BUILD)/cocoboot.elf
	BUILD=$(BUILD) tests/linux/run.sh

linux-fetch:
	tests/linux/fetch.sh
