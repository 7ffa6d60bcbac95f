# sevsim: the SEV-ES/SNP machine + hypervisor model (docs/sevsim.md), and its own tests
# (tests/sim/: hand-written NASM guests, one PVH ELF each, checked by TAP scripts).

# Rooms that mirror the machine (docs/sevsim.md, "Layout"): cpu/ (vCPUs, MMU, exceptions,
# decoder, CPUID, MSRs), mem/ (encryption views, RMP), hv/ (the hypervisor: GHCB MSR and
# NAE handlers, hypercalls, devices), fw/ (launch), check/ (the handoff checker).
SIM_SRCS := $(sort $(wildcard sim/*.c sim/*/*.c))
SIM_HDRS := $(sort $(wildcard sim/*.h sim/*/*.h))
SIM_OBJS := $(SIM_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/sim/cpu/reset.o $(BUILD)/sim/fw/ap_blob.o \
	    $(BUILD)/sim/cpu/start.o
SEVSIM   := $(BUILD)/sevsim

$(BUILD)/sim/%.o: sim/%.c $(SIM_HDRS) include/sev/term.h include/xen/start_info.h \
		include/linux/boot_params.h include/xen/ap_bringup.h include/xen/vcpu.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/sim/cpu/start.o: sim/cpu/start.asm
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  NASM    $<")
	$(Q)$(NASM) -f elf64 -o $@ $<

$(BUILD)/sim/cpu/reset.o: sim/cpu/reset.asm
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  NASM    $<")
	$(Q)$(NASM) -f elf64 -o $@ $<

# SMP: the bring-up page's reference init code, byte for byte (fw/bringup.c)
$(BUILD)/sim/fw/ap_blob.o: sim/fw/ap_blob.asm $(BUILD)/xen/host/ap_bringup.bin
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  NASM    $<")
	$(Q)$(NASM) -f elf64 -I$(BUILD)/xen/host/ -o $@ $<

$(SEVSIM): $(SIM_OBJS)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $(SIM_OBJS) -lunicorn -lcrypto

# The same sources at -O2 without sanitizers, for long guest runs (the Linux-decompressor
# oracle, tests/sim/oracle.t): about 4x the instructions per second of the ASan build.
SEVSIM_FAST        := $(BUILD)/sevsim-fast
SIM_FAST_CFLAGS    := $(filter-out -O1 $(HOST_SAN),$(HOST_CFLAGS)) -O2
SIM_FAST_OBJS      := $(SIM_SRCS:%.c=$(BUILD)/sim-fast/%.o) $(BUILD)/sim/cpu/reset.o \
		      $(BUILD)/sim/fw/ap_blob.o $(BUILD)/sim/cpu/start.o

$(BUILD)/sim-fast/sim/%.o: sim/%.c $(SIM_HDRS) $(wildcard include/sev/*.h) include/xen/start_info.h \
		include/linux/boot_params.h include/xen/ap_bringup.h include/xen/vcpu.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  HOSTCC  $< (fast)")
	$(Q)$(HOST_CC) $(SIM_FAST_CFLAGS) -c $< -o $@

$(SEVSIM_FAST): $(SIM_FAST_OBJS)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(HOST_CC) -o $@ $(SIM_FAST_OBJS) -lunicorn -lcrypto

# Guest programs for sevsim's self-tests: tests/sim/guest_*.asm -> build/tests/sim/*.elf
SIM_GUEST_SRCS := $(sort $(wildcard tests/sim/guest_*.asm))
SIM_GUESTS     := $(SIM_GUEST_SRCS:tests/sim/%.asm=$(BUILD)/tests/sim/%.elf)

$(BUILD)/tests/sim/%.o: tests/sim/%.asm tests/sim/guest.inc
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  NASM    $<")
	$(Q)$(NASM) -f elf64 -Itests/sim/ -o $@ $<

$(BUILD)/tests/sim/%.elf: $(BUILD)/tests/sim/%.o tests/sim/guest.ld
	$(Q)$(LD) -nostdlib -static -no-pie --build-id=none -z max-page-size=4096 \
		--no-warn-rwx-segments -T tests/sim/guest.ld -o $@ $<

.PHONY: sevsim sim-check oracle
sevsim: $(SEVSIM) $(SEVSIM_FAST) $(SIM_GUESTS)
sim-check: $(SEVSIM) $(SEVSIM_FAST) $(SIM_GUESTS)
	BUILD=$(BUILD) prove --exec '' $(sort $(wildcard tests/sim/*.t))

# The Linux-decompressor oracle run to the kernel entry in modes sev-es, sev and none
# (tests/sim/oracle.t; make check runs only its short sev-es variant). Minutes per mode.
oracle: $(BUILD)/cocoboot.elf $(SEVSIM_FAST) linux-fetch-for-check
	BUILD=$(BUILD) ORACLE_FULL=1 prove -v --timer --exec '' tests/sim/oracle.t
	# SNP (snpguest): Debian's bzImage with --kernel-hashes under sev-snp
	BUILD=$(BUILD) ORACLE_FULL=1 prove -v --timer --exec '' tests/sim/snpboot.t

HOST_PROGS += $(SEVSIM) $(SEVSIM_FAST)
CHECK_DEPS += $(SIM_GUESTS)
TESTS      += $(sort $(wildcard tests/sim/*.t))

# make lie-sweep: every attack of docs/lies.md at every strike point of a boot (slow; a
# sample runs in make check through tests/sim/lies.t).
.PHONY: lie-sweep
lie-sweep: $(BUILD)/cocoboot.elf $(SEVSIM_FAST)
	BUILD=$(BUILD) tools/lie-sweep --sim=$(SEVSIM_FAST)
