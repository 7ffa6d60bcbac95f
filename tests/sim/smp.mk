# SMP bring-up in sevsim beyond make check's sample (tests/sim/cocoboot-smp.t; docs/abi.md §11).
# The last recorded matrix run is in docs/sevsim.md, "Long runs".
.PHONY: smp-matrix smp-sweep
smp-matrix: $(BUILD)/cocoboot.elf $(SEVSIM_FAST)
	BUILD=$(BUILD) tests/sim/smp_runs.py matrix
# SMP_SWEEP=N seeds (default 1000); SMP_ES_METHOD=--bringup-page=off sweeps the jump table
smp-sweep: $(BUILD)/cocoboot.elf $(SEVSIM_FAST)
	BUILD=$(BUILD) tests/sim/smp_runs.py sweep $(or $(SMP_SWEEP),1000)
