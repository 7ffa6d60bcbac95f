# Real Xen: cocoboot as a PVH domU under Debian's Xen 4.17 and `xl create`, all inside
# QEMU TCG (tools/xen-prepare fetches and builds, tools/xen-run boots; docs/xen.md).
# Every tests/xen/*.t is one Xen boot (~10 s); the packages and dom0's initramfs are
# cached in $(XEN_CACHE) (default $(BUILD)/xen-cache) and shared by all cases.

# Host tests of the guest's Xen code (cmocka), like tests/unit/: sources named in the file.
XEN_UNIT := $(BUILD)/tests/xen/test_xen_guest
$(XEN_UNIT): tests/xen/test_xen_guest.c $(call unit_sources,tests/xen/test_xen_guest.c) $(wildcard include/*/*.h) xen/xen.h tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  HOSTCC  $@")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ tests/xen/test_xen_guest.c $(call unit_sources,tests/xen/test_xen_guest.c) $(HOST_LDFLAGS) -lcmocka
HOST_PROGS += $(XEN_UNIT)
TESTS      += $(XEN_UNIT)

# A minimal PVH kernel for cocoboot to chainload (tests/xen/module.t).
XEN_PAYLOAD := $(BUILD)/tests/xen/pvh-payload.elf
$(XEN_PAYLOAD): tests/xen/pvh-payload.asm tests/xen/pvh-payload.ld
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  NASM    $@")
	$(Q)$(NASM) -f elf32 -o $(@:.elf=.o) $<
	$(Q)$(LD) -m elf_i386 -nostdlib -static --build-id=none --no-warn-rwx-segments \
		-T tests/xen/pvh-payload.ld -o $@ $(@:.elf=.o)
CHECK_DEPS += $(XEN_PAYLOAD)

XEN_TESTS := $(sort $(wildcard tests/xen/*.t))
TESTS     += $(XEN_TESTS)

# make run-xen [XEN_CMDLINE='loglevel=debug'] [XEN_MEMORY=64] [XEN_VCPUS=1]
#              [XEN_RAMDISK=file] [XEN_SHELL=1]
#              [XEN_BRINGUP=1: the patched Xen + an AP bring-up page, docs/xen.md]
XEN_RUN_ARGS = --interactive \
	$(if $(XEN_CMDLINE),--cmdline '$(XEN_CMDLINE)') \
	$(if $(XEN_MEMORY),--memory $(XEN_MEMORY)) \
	$(if $(XEN_VCPUS),--vcpus $(XEN_VCPUS)) \
	$(if $(XEN_RAMDISK),--ramdisk $(XEN_RAMDISK)) \
	$(if $(filter 1,$(XEN_SHELL)),--shell) \
	$(if $(filter 1,$(XEN_BRINGUP)),--bringup-page)

.PHONY: run-xen xen-prepare
run-xen: $(BUILD)/cocoboot.elf
	BUILD=$(BUILD) tools/xen-run $(XEN_RUN_ARGS) $(BUILD)/cocoboot.elf

xen-prepare:
	BUILD=$(BUILD) tools/xen-prepare

BENCH_SCRIPTS += tests/xen/bench.sh
BENCH_SCRIPTS += tests/xen/bench-bringup.sh   # xenpage: bring-up page vs VCPUOP_initialise
