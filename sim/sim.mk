# sevsim: the SEV-ES/SNP machine + hypervisor model (docs/sevsim.md), and its own tests
# (tests/sim/: hand-written NASM guests, one PVH ELF each, checked by TAP scripts).

# Rooms that mirror the machine (docs/sevsim.md, "Layout"): cpu/ (vCPUs, MMU, exceptions,
# decoder, CPUID, MSRs), mem/ (encryption views, RMP), hv/ (the hypervisor: GHCB MSR and
# NAE handlers, hypercalls, devices), fw/ (launch), check/ (the handoff checker).
SIM_SRCS := $(sort $(wildcard sim/*.c sim/*/*.c))
SIM_HDRS := $(sort $(wildcard sim/*.h sim/*/*.h))
SIM_OBJS := $(SIM_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/sim/cpu/reset.o
SEVSIM   := $(BUILD)/sevsim

$(BUILD)/sim/%.o: sim/%.c $(SIM_HDRS) include/sev/term.h include/xen/start_info.h \
		include/linux/boot_params.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  HOSTCC  $<")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/sim/cpu/reset.o: sim/cpu/reset.asm
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  NASM    $<")
	$(Q)$(NASM) -f elf64 -o $@ $<

$(SEVSIM): $(SIM_OBJS)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $@ $(SIM_OBJS) -lunicorn

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

.PHONY: sevsim sim-check
sevsim: $(SEVSIM) $(SIM_GUESTS)
sim-check: $(SEVSIM) $(SIM_GUESTS)
	BUILD=$(BUILD) prove --exec '' $(sort $(wildcard tests/sim/*.t))

HOST_PROGS += $(SEVSIM)
CHECK_DEPS += $(SIM_GUESTS)
TESTS      += $(sort $(wildcard tests/sim/*.t))

# make lie-sweep: every attack of docs/lies.md at every strike point of a boot (slow; a
# sample runs in make check through tests/sim/lies.t).
.PHONY: lie-sweep
lie-sweep: $(BUILD)/cocoboot.elf $(SEVSIM)
	BUILD=$(BUILD) tools/lie-sweep
