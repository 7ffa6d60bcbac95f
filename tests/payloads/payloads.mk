# In-tree test payloads: the PVH test unikernel (ELF32), booted by cocoboot in
# tests/payloads/*.t. Built with the guest toolchain in 32-bit mode.

UKT_CFLAGS := -m32 -std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdlib \
	-fno-pie -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables -mno-sse -mno-mmx \
	-fcf-protection=none -Iinclude
UKT_OBJS := $(BUILD)/tests/payloads/ukt_entry.o $(BUILD)/tests/payloads/ukt_main.o \
	$(BUILD)/tests/payloads/ukt_smp.o $(BUILD)/tests/payloads/ukt_ap.o
UKT      := $(BUILD)/tests/payloads/ukt.elf

$(BUILD)/tests/payloads/ukt_entry.o: tests/payloads/ukt_entry.asm
	@mkdir -p $(dir $@)
	$(Q)$(NASM) -f elf32 -o $@ $<

$(BUILD)/tests/payloads/ukt_main.o: tests/payloads/ukt_main.c include/xen/start_info.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UKT_CFLAGS) -c $< -o $@

# ukt.aps=N: wake the APs cocoboot parked (ukt_smp.c) into real-mode code (ukt_ap.asm)
$(BUILD)/tests/payloads/ukt_smp.o: tests/payloads/ukt_smp.c include/xen/start_info.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UKT_CFLAGS) -c $< -o $@

$(BUILD)/tests/payloads/ukt_ap.o: tests/payloads/ukt_ap.asm
	@mkdir -p $(dir $@)
	$(Q)$(NASM) -f elf32 -o $@ $<

$(UKT): $(UKT_OBJS) tests/payloads/ukt.ld
	$(Q)$(LD) -m elf_i386 -nostdlib -static --build-id=none -z noexecstack \
		--no-warn-rwx-segments -T tests/payloads/ukt.ld -o $@ $(UKT_OBJS)

CHECK_DEPS += $(UKT)

# The multi-module launcher (mml_main.c): QEMU gives a PVH guest one module;
# mml turns one archive into several for cocoboot. Reuses the payload parsers.
MML_SRCS := tests/payloads/mml_main.c payload/elf.c payload/pvh_info.c payload/memmap.c
MML_OBJS := $(BUILD)/tests/payloads/mml_entry.o \
	$(patsubst %.c,$(BUILD)/tests/payloads/mml/%.o,$(MML_SRCS))
MML      := $(BUILD)/tests/payloads/mml.elf

$(BUILD)/tests/payloads/mml_entry.o: tests/payloads/mml_entry.asm
	@mkdir -p $(dir $@)
	$(Q)$(NASM) -f elf32 -o $@ $<

$(BUILD)/tests/payloads/mml/%.o: %.c $(wildcard include/*/*.h payload/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UKT_CFLAGS) -I. -c $< -o $@

$(MML): $(MML_OBJS) tests/payloads/mml.ld
	$(Q)$(LD) -m elf_i386 -nostdlib -static --build-id=none -z noexecstack \
		--no-warn-rwx-segments -T tests/payloads/mml.ld -o $@ $(MML_OBJS)

CHECK_DEPS += $(MML)

TESTS += tests/payloads/ukt.t
TESTS += tests/payloads/errors.t

# make run-ukt: cocoboot hands off to the test unikernel from a bundle, under TCG
# (the KVM here hangs on ukt's LAR checks with paging off; docs/payloads.md).
# It is `make run`'s default (top Makefile).
UKT_BUNDLE := $(BUILD)/tests/payloads/ukt.bundle
UKT_RUN_CMDLINE ?= ukt.modules=1 ukt.mod0=cocoboot-test-module ukt.rsdp=1
$(UKT_BUNDLE): $(UKT) tools/mkbundle
	$(Q)printf 'cocoboot-test-module\n' >$@.mod
	$(Q)tools/mkbundle -k $(UKT) -c '$(UKT_RUN_CMDLINE)' -i $@.mod -o $@

.PHONY: run-ukt
run-ukt: $(BUILD)/cocoboot.elf $(UKT_BUNDLE)
	tools/qemu-run -a tcg -i $(UKT_BUNDLE) $(BUILD)/cocoboot.elf
TESTS += tests/payloads/sevsim.t
