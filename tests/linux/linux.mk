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

# Before the tests run, so every test that uses the Debian kernel finds it
# (tests/sim/handoff.t runs before tests/linux/linux.t). Without network the
# tests that need it skip and say why; make check goes on.
.PHONY: linux-fetch-for-check
linux-fetch-for-check:
	-@tests/linux/fetch.sh >/dev/null 2>&1 || echo "linux: Debian kernel not fetched; tests that need it will skip"
CHECK_DEPS += linux-fetch-for-check
